// `stakepool demo` (what `npm start` runs): a private simnet of the real dcrd and dcrwallets, and
// stakepool serving both of its faces on http://127.0.0.1:8800 with no configuration: the VSP,
// with the simnet's customer wallet (an unmodified dcrwallet 2.1.x) pointed at it, and the legacy
// pool, for the legacy customer wallet (dcrwallet 2.0.x). Ctrl-C stops everything.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DestinationStream } from 'pino';
import { loadConfig } from '../config/index.ts';
import { createContext, openDatabase } from '../context.ts';
import { ExtendedKey, HARDENED } from '../dcr/hdkey.ts';
import type { NetParams } from '../dcr/params.ts';
import { netParams } from '../dcr/params.ts';
import { currentFeeXpub, setFeeXpub } from '../db/index.ts';
import { LOG_FILE_NAME, closeLogger, createLogger } from '../log.ts';
import { NO_MAIL_SERVER } from '../pool/mailer.ts';
import { Simnet } from '../simnet/harness.ts';
import type { SimnetState } from '../simnet/harness.ts';
import { commandLine, isAlive, stopPid } from '../simnet/processes.ts';
import { simnetRunDir } from './simnet.ts';

const ADMIN_PASS = 'demo';
/** One block every few seconds keeps tickets moving like a (fast) real network. */
const BLOCK_INTERVAL_MS = 3_000;
/** pino's numeric level of `warn`: lines from here up reach the terminal. */
const WARN = 40;
const RULE = '-'.repeat(72);

/** The one line of a secret file that is not blank or a `#` comment, or undefined if none. */
function secretLine(path: string): string | undefined {
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  return lines.length === 1 ? lines[0] : undefined;
}

/**
 * The secret kept in `path`, made by `make` and written there (mode 0600) the first time. A demo
 * killed outright leaves its run directory, database included, to the next one, whose accounts,
 * multisig scripts and API tokens must still match the keys they were made with.
 */
export function loadOrCreateSecret(path: string, make: () => string, comment: string): string {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      // 'wx': never overwrite a secret another start wrote meanwhile.
      writeFileSync(path, `# ${comment}\n${make()}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const value = secretLine(path);
  if (value === undefined) {
    throw new Error(`demo: ${path} must hold one line; delete it to have a new one made`);
  }
  return value;
}

/**
 * The pool's voting account: an extended private key only stakepool holds (no wallet can vote
 * 1-of-2 pool tickets any more), kept in `path` for votingkeyfile. Returns its public half, the
 * votingwalletextpub the voter checks it against.
 */
export function loadOrCreateVotingKey(path: string, net: NetParams): string {
  const text = loadOrCreateSecret(
    path,
    () =>
      ExtendedKey.fromSeed(randomBytes(32), net)
        .child(HARDENED + 44)
        .child(HARDENED + net.slip44CoinType)
        .child(HARDENED)
        .toString(),
    'stakepool demo: the legacy pool voting account (votingkeyfile); keep private',
  );
  const key = ExtendedKey.fromString(text, net, 'votingkeyfile');
  if (!key.isPrivate) throw new Error(`demo: ${path} must hold an extended private key`);
  return key.neuter().toString();
}

/** An email the mailer logged instead of sending, laid out to be read in a terminal. */
function mailText(to: string, subject: string, text: string): string {
  const link = /https?:\/\/\S+\?t=\S+/.exec(text)?.[0];
  return [
    RULE,
    `email to ${to} (the demo has no mail server: it is shown here instead of sent)`,
    `Subject: ${subject}`,
    '',
    ...text
      .trimEnd()
      .split('\n')
      .map((l) => (l === '' ? '' : `  ${l}`)),
    ...(link === undefined ? [] : ['', `>>> open this link: ${link}`]),
    RULE,
  ].join('\n');
}

/**
 * What the terminal shows of one JSON log line: the emails (the demo's only way to deliver
 * them), and warnings and errors in one short line each. The rest stays in the log file.
 */
export function demoLogLine(line: string): string | undefined {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.trimEnd();
  }
  const { level, msg, subsystem, to, subject, text, err } = o;
  if (msg === NO_MAIL_SERVER && typeof to === 'string' && typeof text === 'string') {
    return mailText(to, typeof subject === 'string' ? subject : '', text);
  }
  if (typeof level !== 'number' || level < WARN) return undefined;
  const name = level >= 50 ? 'error' : 'warning';
  const where = typeof subsystem === 'string' ? ` (${subsystem})` : '';
  const why =
    typeof err === 'string'
      ? `: ${err}`
      : typeof (err as { message?: unknown } | undefined)?.message === 'string'
        ? `: ${(err as { message: string }).message}`
        : '';
  return `${name}${where}: ${String(msg)}${why}`;
}

/** `quiet`: while stopping, when the nodes (also hit by Ctrl-C) going away is expected. */
function terminalLog(write: (text: string) => void, quiet: () => boolean): DestinationStream {
  return {
    write(line: string) {
      if (quiet() && !/"level":(?:5|6)\d/.test(line)) return;
      const shown = demoLogLine(line);
      if (shown !== undefined) write(`${shown}\n`);
    },
  };
}

function instructions(o: {
  url: string;
  pubKey: string;
  poolFees: number;
  logFile: string;
}): string {
  const { url } = o;
  return `
stakepool is serving both faces at ${url}
  home page:   ${url}/
  VSP admin:   ${url}/admin   (password: ${ADMIN_PASS})
  VSP API:     ${url}/api/v3/vspinfo   (pubkey ${o.pubKey})
  legacy API:  ${url}/api/v1/ and /api/v2/
  log file:    ${o.logFile}

1. The VSP, with a current wallet. The simnet's customer wallet (dcrwallet 2.1.6) already runs
   with --vsp.url and --vsp.pubkey pointing here. In another terminal, buy a ticket:
     npm run simnet -- ctl customer purchaseticket default 1 1
   and follow it:
     npm run simnet -- ctl customer ticketinfo 0

2. The legacy pool, with an account and the legacy customer wallet (dcrwallet 2.0.6):
   a. open ${url}/register and create an account (the first one is the pool's admin:
      /status, /admintickets). There is no mail server: the verification email is printed
      here; open its link, then log in.
   b. get a public key address from the legacy wallet:
        npm run simnet -- ctl legacy validateaddress $(npm run -s simnet -- ctl legacy getnewaddress)
      and submit its "pubkeyaddr" (Sk...) on ${url}/address
   c. /address then shows the ticket address (Sc...) and the fee address; buy a ticket with them:
        npm run simnet -- ctl legacy purchaseticket default 100 1 <ticket address> 1 <fee address> ${o.poolFees}
      and follow it on ${url}/tickets (stakepool votes it itself when it wins).

A block is mined every ${BLOCK_INTERVAL_MS / 1000} s. Ctrl-C stops stakepool and the simnet.
`;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * The first Ctrl-C (or SIGTERM) lets stakepool close cleanly (drain, last backup) before the
 * simnet stops. The harness's own signal hook kills the nodes and exits at once; it is held back
 * until that first signal and then put back, so a second Ctrl-C still stops everything at once.
 */
function firstSignal(): { received: Promise<void>; release(): void } {
  type Listener = (...args: unknown[]) => void;
  const held = SIGNALS.map((sig) => ({ sig, listeners: process.rawListeners(sig) as Listener[] }));
  for (const { sig, listeners } of held) for (const l of listeners) process.removeListener(sig, l);
  let released = false;
  let resolve: () => void = () => {};
  const received = new Promise<void>((r) => (resolve = r));
  const onSignal = (): void => {
    release();
    resolve();
  };
  function release(): void {
    if (released) return;
    released = true;
    for (const { sig, listeners } of held) {
      process.removeListener(sig, onSignal);
      for (const l of listeners) process.on(sig, l);
    }
  }
  for (const sig of SIGNALS) process.on(sig, onSignal);
  return { received, release };
}

export async function demoCommand(argv: readonly string[]): Promise<number> {
  const port = Number(argv.find((a) => a.startsWith('--port='))?.slice(7) ?? '8800');
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    process.stderr.write('demo: --port must be a TCP port number\n');
    return 2;
  }
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
  const signal = firstSignal();
  try {
    const st = sim.state();
    const home = join(runDir, 'stakepool');
    const url = `http://127.0.0.1:${port}`;
    const votingKeyFile = join(home, 'voting.key');
    const votingXpub = loadOrCreateVotingKey(votingKeyFile, netParams('simnet'));
    const apiSecret = loadOrCreateSecret(
      join(home, 'apisecret'),
      () => randomBytes(32).toString('hex'),
      'stakepool demo: the legacy pool apisecret (signs API tokens)',
    );
    // The miner wallet's default account receives both faces' fees, so its balance shows them.
    const minerXpub = await sim.miner.client.getMasterPubKey('default');
    const args = [
      `--homedir=${home}`,
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
      `--baseurl=${url}`,
      '--legacypool=1',
      `--votingwalletextpub=${votingXpub}`,
      `--votingkeyfile=${votingKeyFile}`,
      `--coldwalletextpub=${minerXpub}`,
      `--apisecret=${apiSecret}`,
      '--adminips=127.0.0.1',
      '--adminuserids=1',
      // Info, for the emails the mailer logs; the terminal shows only those and warnings.
      '--loglevel=info',
    ];
    const { config, sources } = loadConfig(args, {}, undefined, { role: 'serve' });
    const log = createLogger(config, {
      stdout: terminalLog(
        (t) => process.stdout.write(t),
        () => stopping,
      ),
    });
    try {
      const database = await openDatabase(config, log);
      if ((await currentFeeXpub(database.db)) === undefined) {
        await setFeeXpub(database.db, minerXpub);
      }
      await database.close();
      const ctx = await createContext(config, { log, sources });
      await ctx.web.listen({ host: '127.0.0.1', port });
      await sim.restartWallet('customer', [
        `--vsp.url=${url}`,
        `--vsp.pubkey=${ctx.serverKey.publicKeyBase64}`,
      ]);
      const mining = (async () => {
        while (!stopping) {
          await sim.mine(1).catch((e: unknown) => {
            // Ctrl-C reaches the nodes too (one process group): no noise while they go down.
            if (!stopping) say(`mining: ${(e as Error).message}`);
          });
          await sleep(BLOCK_INTERVAL_MS);
        }
      })();
      say(
        instructions({
          url,
          pubKey: ctx.serverKey.publicKeyBase64,
          poolFees: config.poolFees,
          logFile: config.logDir === '' ? '(none)' : join(config.logDir, LOG_FILE_NAME),
        }),
      );
      await signal.received;
      say('stopping...');
      stopping = true;
      await mining;
      await ctx.close();
    } finally {
      closeLogger(log);
    }
    return 0;
  } finally {
    stopping = true;
    signal.release();
    await sim.stop();
  }
}
