// Part 3 of bench/vsp.bench.ts: vspd release-v1.4.0 (built by scripts/bench-vspd.sh) and this
// server side by side. vspd runs against the simnet harness's dcrd and a voting wallet; both
// servers hold the same registered tickets (same hashes and commitment keys, vspd's in its bbolt
// database written by vspd's own database package) and answer the same pre-signed requests
// from the same load generator. A missing Go toolchain, source, binary or simnet is reported as
// a skipped part, not a failure.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SIMNET, Simnet } from '../src/simnet/harness.ts';
import { freePort } from '../src/simnet/ports.ts';
import { commitmentKey, feeXpub, seedSqlite, signedStatusRequest, ticketRow } from './vsp-data.ts';
import type { SignedRequest } from './vsp-data.ts';
import {
  checkSigned,
  httpRequest,
  measure,
  mib,
  printLine,
  procRss,
  ratioLine,
  startServer,
  stopChild,
  track,
  waitFor200,
} from './vsp-procs.ts';
import type { LoadGenerator, MeasureOptions, RunningServer, Throughput } from './vsp-procs.ts';

const INSTALL_SCRIPT = fileURLToPath(new URL('../scripts/bench-vspd.sh', import.meta.url));

export interface SideBySideOptions {
  /** Scratch directory (removed by the caller). */
  dir: string;
  load: LoadGenerator;
  options: MeasureOptions;
  /** Registered tickets, each with its own commitment key. */
  keyed: number;
}

function skip(reason: string): void {
  printLine(`vspd side by side: SKIPPED — ${reason}`);
}

const tail = (text: string, lines = 6): string =>
  text.trim().split('\n').slice(-lines).join(' | ') || '(no output)';

/** The install script's answer: the vspd directory, or why there is none. */
function installVspd(): { dir: string } | { error: string } {
  const r = spawnSync('bash', [INSTALL_SCRIPT], { encoding: 'utf8', timeout: 15 * 60_000 });
  if (r.error !== undefined) return { error: `scripts/bench-vspd.sh: ${r.error.message}` };
  if (r.status !== 0) return { error: `scripts/bench-vspd.sh failed: ${tail(r.stderr)}` };
  for (const line of r.stderr.trim().split('\n')) if (line !== '') printLine(line);
  const dir = r.stdout.trim().split('\n').pop() ?? '';
  return dir === '' ? { error: 'scripts/bench-vspd.sh printed no directory' } : { dir };
}

interface Endpoint {
  url: string;
  pids: () => number[];
}

async function verify(base: string, request: SignedRequest): Promise<void> {
  const infoReply = await httpRequest(`${base}/vspinfo`);
  const info = JSON.parse(infoReply.body.toString()) as { pubkey?: unknown; network?: unknown };
  if (typeof info.pubkey !== 'string') throw new Error(`${base}/vspinfo: no pubkey`);
  if (info.network !== 'simnet')
    throw new Error(`${base}/vspinfo: network ${String(info.network)}`);
  checkSigned(infoReply, info.pubkey);
  const status = checkSigned(
    await httpRequest(`${base}/ticketstatus`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'vsp-client-signature': request.signature },
      body: request.body,
    }),
    info.pubkey,
    request.body,
  );
  if (status['ticketconfirmed'] !== true || status['feetxstatus'] !== 'none') {
    throw new Error(`${base}/ticketstatus: unexpected reply ${JSON.stringify(status)}`);
  }
}

export async function vspdSideBySide(o: SideBySideOptions): Promise<void> {
  printLine('-- 3. vspd release-v1.4.0 side by side, simnet');
  const installed = installVspd();
  if ('error' in installed) return skip(installed.error);
  const vspdDir = installed.dir;

  const net = SIMNET;
  const now = Math.floor(Date.now() / 1000);
  const keys = Array.from({ length: o.keyed }, (_, i) => commitmentKey(i, net));
  const requests = keys.map((k, i) => signedStatusRequest(i, k));
  // Registered and confirmed, no fee paid yet: a state vspd's background jobs leave alone, so
  // neither server does anything with these tickets but answer for them.
  const rows = keys.map((k, i) => ({
    ...ticketRow(i, { net, now, state: 'unpaid', commitmentAddress: k.address }),
    purchase_height: 100,
  }));

  const ourDb = join(o.dir, 'simnet.db');
  await seedSqlite(ourDb, net, rows.length, (i) => rows[i]!);

  const home = join(o.dir, 'vspd-home');
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'vspd.conf'), '');
  const seedInput = join(o.dir, 'vspd-seed.json');
  writeFileSync(
    seedInput,
    JSON.stringify({
      dbFile: join(home, 'data', 'simnet', 'vspd.db'),
      feeXPub: feeXpub(net),
      tickets: rows.map((r) => ({
        Hash: r.hash,
        PurchaseHeight: r.purchase_height,
        CommitmentAddress: r.commitment_address,
        FeeAddressXPubID: r.fee_address_xpub_id,
        FeeAddressIndex: r.fee_address_index,
        FeeAddress: r.fee_address,
        FeeAmount: Number(r.fee_amount),
        FeeExpiration: Number(r.fee_expiration),
        Confirmed: r.confirmed === 1,
        VotingWIF: r.voting_wif,
        VoteChoices: JSON.parse(r.vote_choices) as unknown,
        TSpendPolicy: JSON.parse(r.tspend_policy) as unknown,
        TreasuryPolicy: JSON.parse(r.treasury_policy) as unknown,
        FeeTxHex: r.fee_tx_hex,
        FeeTxHash: r.fee_tx_hash,
        FeeTxStatus: r.fee_tx_status,
        Outcome: r.outcome,
      })),
    }),
  );
  const seeded = spawnSync(join(vspdDir, 'bench-seed'), [seedInput], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (seeded.status !== 0) {
    return skip(`seeding the vspd database failed: ${tail(seeded.stderr || String(seeded.error))}`);
  }

  let sim: Simnet;
  const simStart = performance.now();
  try {
    sim = await Simnet.start({ votingWallets: 1 });
  } catch (err) {
    return skip(`the simnet harness did not start: ${(err as Error).message}`);
  }
  const servers: RunningServer[] = [];
  let vspdChild: ReturnType<typeof spawn> | undefined;
  let vspdLog: number | undefined;
  try {
    const state = sim.state();
    const voting = sim.votingWallets[0]!;
    printLine(
      `simnet up in ${((performance.now() - simStart) / 1000).toFixed(1)} s. Both servers hold the ` +
        `same ${o.keyed} registered tickets (confirmed, fee not paid); vspd: bbolt, ` +
        `--loglevel=info, the simnet's dcrd and voting wallet ${voting.name}; stakepool: SQLite, ` +
        `stand-ins for dcrd and wallets (neither endpoint calls them)`,
    );
    const port = await freePort();
    const logPath = join(o.dir, 'vspd.out');
    vspdLog = openSync(logPath, 'w');
    vspdChild = track(
      spawn(
        join(vspdDir, 'vspd'),
        [
          `--homedir=${home}`,
          '--network=simnet',
          `--listen=127.0.0.1:${port}`,
          '--loglevel=info',
          `--dcrdhost=127.0.0.1:${state.dcrd.rpcPort}`,
          `--dcrduser=${state.rpcUser}`,
          `--dcrdpass=${state.rpcPass}`,
          `--dcrdcert=${state.dcrd.cert}`,
          `--wallethost=127.0.0.1:${voting.rpcPort}`,
          `--walletuser=${state.rpcUser}`,
          `--walletpass=${state.rpcPass}`,
          `--walletcert=${voting.certFile}`,
          '--supportemail=bench@example.invalid',
          '--adminpass=bench',
          '--vspfee=2',
          '--backupinterval=1h',
        ],
        // vspd loads its templates and static files relative to the working directory.
        { cwd: join(vspdDir, 'src'), stdio: ['ignore', vspdLog, vspdLog] },
      ),
    );
    const vspdBase = `http://127.0.0.1:${port}/api/v3`;
    try {
      await waitFor200(`${vspdBase}/vspinfo`, performance.now(), 60_000);
      await verify(vspdBase, requests[0]!);
    } catch (err) {
      return skip(
        `vspd did not serve: ${(err as Error).message}; its output: ${tail(readFileSync(logPath, 'utf8'))}`,
      );
    }

    for (const workers of [1, 2]) {
      const s = await startServer({ dbPath: ourDb, port: 0, net: 'simnet', workers });
      servers.push(s);
      await verify(`http://127.0.0.1:${s.port}/api/v3`, requests[0]!);
    }
    const [one, two] = servers as [RunningServer, RunningServer];
    const child = vspdChild;
    const targets: [string, Endpoint][] = [
      [
        'stakepool, 1 process',
        { url: `http://127.0.0.1:${one.port}/api/v3`, pids: () => one.pids },
      ],
      [
        'stakepool, 2 processes',
        {
          url: `http://127.0.0.1:${two.port}/api/v3`,
          pids: () => [two.child.pid ?? 0, ...two.pids],
        },
      ],
      ['vspd 1.4.0 (Go, GOMAXPROCS = cores)', { url: vspdBase, pids: () => [child.pid ?? 0] }],
    ];

    const figures = new Map<string, Throughput>();
    for (const endpoint of ['vspinfo', 'ticketstatus'] as const) {
      for (const [name, t] of targets) {
        const job =
          endpoint === 'vspinfo'
            ? { url: `${t.url}/vspinfo`, method: 'GET' as const }
            : { url: `${t.url}/ticketstatus`, method: 'POST' as const, requests };
        figures.set(
          `${endpoint} ${name}`,
          await measure(`${endpoint}, ${name}`, o.load, job, o.options),
        );
      }
    }
    for (const endpoint of ['vspinfo', 'ticketstatus']) {
      const vspd = figures.get(`${endpoint} ${targets[2]![0]}`)!;
      ratioLine(
        `${endpoint}, stakepool 1 process / vspd`,
        figures.get(`${endpoint} ${targets[0]![0]}`)!,
        vspd,
      );
      ratioLine(
        `${endpoint}, stakepool 2 processes / vspd`,
        figures.get(`${endpoint} ${targets[1]![0]}`)!,
        vspd,
      );
    }
    const rss = targets.map(([name, t]) => {
      const sizes = t.pids().map(procRss);
      const total = sizes.reduce<number>((a, b) => a + (b ?? NaN), 0);
      return `${name} ${mib(total)}`;
    });
    printLine(
      `rss after the runs (${o.keyed} tickets; all processes of each server): ${rss.join(', ')}`,
    );
  } finally {
    for (const s of servers) await stopChild(s.child);
    if (vspdChild !== undefined) await stopChild(vspdChild, 10_000);
    if (vspdLog !== undefined) closeSync(vspdLog);
    await sim.stop();
  }
}
