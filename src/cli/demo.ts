// `stakepool demo` (what `npm start` runs): a private simnet of the real dcrd and dcrwallets, and
// stakepool serving its VSP on http://127.0.0.1:8800 with no configuration, with the simnet's
// customer wallet (an unmodified dcrwallet 2.1.x) pointed at it. Ctrl-C stops everything.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../config/index.ts';
import { createContext, createLogger, openDatabase } from '../context.ts';
import { currentFeeXpub, setFeeXpub } from '../db/index.ts';
import { Simnet } from '../simnet/harness.ts';
import type { SimnetState } from '../simnet/harness.ts';
import { commandLine, isAlive, stopPid } from '../simnet/processes.ts';
import { simnetRunDir } from './simnet.ts';

const ADMIN_PASS = 'demo';
/** One block every few seconds keeps tickets moving like a (fast) real network. */
const BLOCK_INTERVAL_MS = 3_000;

export async function demoCommand(argv: readonly string[]): Promise<number> {
  const port = Number(argv.find((a) => a.startsWith('--port='))?.slice(7) ?? '8800');
  const runDir = simnetRunDir();
  const stateFile = join(runDir, 'state.json');
  if (existsSync(stateFile)) {
    const st = JSON.parse(readFileSync(stateFile, 'utf8')) as SimnetState;
    if (st.detached && st.dcrd.pid !== undefined && isAlive(st.dcrd.pid)) {
      process.stderr.write('a simnet is already running (stop it first: npm run simnet -- down)\n');
      return 1;
    }
    // Left by a demo that was killed outright: stop its processes before reusing the directory.
    const pids = [st.dcrd.pid, ...st.wallets.map((w) => w.pid)];
    for (const pid of pids) {
      if (pid !== undefined && commandLine(pid)?.includes(runDir) === true) await stopPid(pid);
    }
  }
  const say = (m: string): boolean => process.stdout.write(`${m}\n`);
  say('starting a private Decred simnet (the first run builds a chain: about 3 minutes)...');
  const sim = await Simnet.start({ runDir, log: say });
  let stopping = false;
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  try {
    const st = sim.state();
    const args = [
      `--homedir=${join(runDir, 'stakepool')}`,
      '--network=simnet',
      '--database=sqlite',
      `--dcrdhost=127.0.0.1:${st.dcrd.rpcPort}`,
      `--dcrduser=${st.rpcUser}`,
      `--dcrdpass=${st.rpcPass}`,
      `--dcrdcert=${st.dcrd.cert}`,
      ...sim.votingWallets.flatMap((w) => [
        `--wallethost=127.0.0.1:${w.rpcPort}`,
        `--walletuser=${st.rpcUser}`,
        `--walletpass=${st.rpcPass}`,
        `--walletcert=${w.certFile}`,
      ]),
      `--adminpass=${ADMIN_PASS}`,
      '--supportemail=support@stakepool.invalid',
      '--designation=stakepool demo',
      `--listen=127.0.0.1:${port}`,
      '--loglevel=warn',
    ];
    const { config } = loadConfig(args, {}, undefined, { role: 'serve' });
    const database = await openDatabase(config, createLogger(config));
    if ((await currentFeeXpub(database.db)) === undefined) {
      await setFeeXpub(database.db, await sim.miner.client.getMasterPubKey('default'));
    }
    await database.close();
    const ctx = await createContext(config);
    const url = await ctx.web.listen({ host: '127.0.0.1', port });
    await sim.restartWallet('customer', [
      `--vsp.url=${url}`,
      `--vsp.pubkey=${ctx.serverKey.publicKeyBase64}`,
    ]);
    const mining = (async () => {
      while (!stopping) {
        await sim.mine(1).catch((e: unknown) => say(`mining: ${(e as Error).message}`));
        await sleep(BLOCK_INTERVAL_MS);
      }
    })();
    say(`
stakepool is serving its VSP at ${url}  (pubkey ${ctx.serverKey.publicKeyBase64})
  home page:   ${url}/
  admin:       ${url}/admin   (password: ${ADMIN_PASS})
  API:         ${url}/api/v3/vspinfo

The simnet's customer wallet (dcrwallet 2.1.6) already runs with --vsp.url and --vsp.pubkey
pointing here. In another terminal, buy a ticket through the VSP:
  npm run simnet -- ctl customer purchaseticket default 1 1
and follow it:
  npm run simnet -- ctl customer ticketinfo 0
A block is mined every ${BLOCK_INTERVAL_MS / 1000} s. Ctrl-C stops stakepool and the simnet.
`);
    await stop;
    stopping = true;
    await mining;
    await ctx.close();
    return 0;
  } finally {
    stopping = true;
    await sim.stop();
  }
}
