// The VSP web server under load, over HTTP on 127.0.0.1: the real app (src/web/app.ts) on the
// database store (SQLite), in a process of its own, driven by a load generator in another.
//   1. /api/v3/vspinfo and /api/v3/ticketstatus requests/s with p50/p99 latency, one server
//      process and two (node:cluster sharing the port), and the ratio. Every ticketstatus request
//      is a real signed one (VSP-Client-Signature by the ticket's commitment key, verified by the
//      server with libsecp256k1 pubkey recovery; the reply signed with ed25519).
//   2. With 100,000 tickets in the database: the time to insert them, the server's memory after
//      warm-up requests, ticketstatus requests/s, and cold start (fork to first /vspinfo 200).
//   3. vspd release-v1.4.0 side by side on a simnet (bench/vsp-vspd.ts), if it can be built.
// Figures are medians of several runs with min/max; nothing is asserted. Knobs (environment):
// STAKEPOOL_BENCH_VSP_RUNS (3), _REQUESTS (20000), _CONCURRENCY (32), _CLIENT (http|fetch),
// _PARTS (1,2,3).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { netParams } from '../src/dcr/params.ts';
import { freePort } from '../src/simnet/ports.ts';
import { commitmentKey, seedSqlite, signedStatusRequest, stateOf, ticketRow } from './vsp-data.ts';
import type { SignedRequest } from './vsp-data.ts';
import {
  checkSigned,
  coldStart,
  fmtInt,
  fmtMs,
  httpRequest,
  measure,
  median,
  mib,
  printLine,
  ratioLine,
  serverMemory,
  startLoad,
  startServer,
  stopChild,
} from './vsp-procs.ts';
import type { LoadGenerator, MeasureOptions, RunningServer, Throughput } from './vsp-procs.ts';
import { vspdSideBySide } from './vsp-vspd.ts';

function envInt(name: string, fallback: number): number {
  const v = Number(process.env[`STAKEPOOL_BENCH_VSP_${name}`]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

const RUNS = envInt('RUNS', 3);
const COUNT = envInt('REQUESTS', 20_000);
const CONCURRENCY = envInt('CONCURRENCY', 32);
const CLIENT: MeasureOptions['client'] =
  process.env['STAKEPOOL_BENCH_VSP_CLIENT'] === 'fetch' ? 'fetch' : 'http';
const PARTS = new Set((process.env['STAKEPOOL_BENCH_VSP_PARTS'] ?? '1,2,3').split(','));
const TIME_CAP_MS = 30_000;
/** Tickets with real commitment keys; ticketstatus requests cycle through them. */
const KEYED = 300;
const SMALL = 500;
const BIG = 100_000;
const COLD_STARTS = 5;

const OPTIONS: MeasureOptions = {
  runs: RUNS,
  count: COUNT,
  concurrency: CONCURRENCY,
  timeCapMs: TIME_CAP_MS,
  client: CLIENT,
};

const net = netParams('testnet3');
const now = Math.floor(Date.now() / 1000);
const keys = Array.from({ length: KEYED }, (_, i) => commitmentKey(i, net));
const requests: SignedRequest[] = keys.map((k, i) => signedStatusRequest(i, k));

/** Ticket i: the keyed ones live with a paid fee, the rest in a long-running VSP's mix. */
const row = (i: number) =>
  ticketRow(i, {
    net,
    now,
    state: i < KEYED ? 'voting' : stateOf(i),
    ...(i < KEYED ? { commitmentAddress: keys[i]!.address } : {}),
  });

const base = (s: RunningServer) => `http://127.0.0.1:${s.port}/api/v3`;

/** A vspinfo and a ticketstatus reply, checked end to end before any load. */
async function verifyReplies(s: RunningServer): Promise<void> {
  const infoReply = await httpRequest(`${base(s)}/vspinfo`);
  const pubkey = JSON.parse(infoReply.body.toString()) as { pubkey?: unknown };
  if (typeof pubkey.pubkey !== 'string') throw new Error('vspinfo: no pubkey');
  checkSigned(infoReply, pubkey.pubkey);
  const r = requests[0]!;
  const status = checkSigned(
    await httpRequest(`${base(s)}/ticketstatus`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'vsp-client-signature': r.signature },
      body: r.body,
    }),
    pubkey.pubkey,
    r.body,
  );
  if (status['feetxstatus'] !== 'confirmed') {
    throw new Error(`ticketstatus: unexpected reply ${JSON.stringify(status)}`);
  }
}

async function throughput(
  load: LoadGenerator,
  label: string,
  s: RunningServer,
): Promise<{ info: Throughput; status: Throughput }> {
  await verifyReplies(s);
  const info = await measure(
    `vspinfo, ${label}`,
    load,
    { url: `${base(s)}/vspinfo`, method: 'GET' },
    OPTIONS,
  );
  const status = await measure(
    `ticketstatus, ${label}`,
    load,
    { url: `${base(s)}/ticketstatus`, method: 'POST', requests },
    OPTIONS,
  );
  return { info, status };
}

async function withServer<T>(
  config: Parameters<typeof startServer>[0],
  body: (s: RunningServer) => Promise<T>,
  options: Parameters<typeof startServer>[1] = {},
): Promise<T> {
  const s = await startServer(config, options);
  try {
    return await body(s);
  } finally {
    await stopChild(s.child);
  }
}

async function part1(load: LoadGenerator, smallPath: string): Promise<void> {
  printLine(
    `-- 1. throughput, ${SMALL} tickets (${KEYED} signing ticketstatus requests), SQLite store`,
  );
  const one = await withServer({ dbPath: smallPath, port: 0, net: net.name, workers: 1 }, (s) =>
    throughput(load, '1 server process', s),
  );
  const two = await withServer({ dbPath: smallPath, port: 0, net: net.name, workers: 2 }, (s) =>
    throughput(load, '2 server processes (node:cluster)', s),
  );
  ratioLine('vspinfo, 2 processes / 1', two.info, one.info);
  ratioLine('ticketstatus, 2 processes / 1', two.status, one.status);
}

function dbSize(path: string): number {
  let total = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      total += statSync(path + suffix).size;
    } catch {
      // absent
    }
  }
  return total;
}

async function part2(load: LoadGenerator, smallPath: string, bigPath: string): Promise<void> {
  printLine(`-- 2. ${fmtInt(BIG)} tickets in the database`);
  const seeded = await seedSqlite(bigPath, net, BIG, row);
  printLine(
    `insert ${fmtInt(BIG)} ticket rows (better-sqlite3, 10,000 per transaction): ` +
      `${seeded.insertSeconds.toFixed(2)} s = ${fmtInt(BIG / seeded.insertSeconds)} rows/s, ` +
      `plus ${seeded.generateSeconds.toFixed(2)} s building the rows; database ${mib(dbSize(bigPath))}`,
  );

  const warmup = Math.max(1_000, Math.floor(COUNT / 4));
  for (const [label, path] of [
    [`${SMALL} tickets`, smallPath],
    [`${fmtInt(BIG)} tickets`, bigPath],
  ] as const) {
    await withServer(
      { dbPath: path, port: 0, net: net.name, workers: 1 },
      async (s) => {
        const start = await serverMemory(s);
        await verifyReplies(s);
        const job = { concurrency: CONCURRENCY, timeCapMs: TIME_CAP_MS, client: CLIENT };
        await load.run({ ...job, url: `${base(s)}/vspinfo`, method: 'GET', count: warmup });
        await load.run({
          ...job,
          url: `${base(s)}/ticketstatus`,
          method: 'POST',
          requests,
          count: warmup,
        });
        const after = await serverMemory(s);
        printLine(
          `memory, ${label}: at start rss ${mib(start.usage.rss)} heapUsed ${mib(
            start.usage.heapUsed,
          )}; after ${fmtInt(2 * warmup)} warm-up requests rss ${mib(after.usage.rss)} ` +
            `heapUsed ${mib(after.usage.heapUsed)} (${mib(after.heapUsedAfterGc ?? NaN)} after a full GC)`,
        );
        if (path === bigPath) {
          await measure(
            `ticketstatus, 1 server process, ${fmtInt(BIG)} tickets`,
            load,
            { url: `${base(s)}/ticketstatus`, method: 'POST', requests },
            OPTIONS,
          );
        }
      },
      { exposeGc: true },
    );
  }

  for (const [label, path] of [
    [`${SMALL} tickets`, smallPath],
    [`${fmtInt(BIG)} tickets`, bigPath],
  ] as const) {
    const port = await freePort();
    const runs = [];
    for (let i = 0; i < COLD_STARTS; i++) {
      runs.push(await coldStart({ dbPath: path, net: net.name, workers: 1 }, port));
    }
    const first = runs.map((r) => r.firstOkMs);
    const listening = runs.flatMap((r) => (r.listeningMs === undefined ? [] : [r.listeningMs]));
    printLine(
      `cold start, ${label}: fork → first /vspinfo 200 median ${fmtMs(median(first))} ms ` +
        `(min ${fmtMs(Math.min(...first))} max ${fmtMs(Math.max(...first))}, ${COLD_STARTS} fresh processes); ` +
        `fork → listening median ${fmtMs(median(listening))} ms`,
    );
  }
}

const dir = mkdtempSync(join(tmpdir(), 'stakepool-bench-vsp-'));
try {
  printLine(
    `${cpus().length} cores, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} at start; client ${CLIENT} keep-alive, ${CONCURRENCY} requests in flight`,
  );
  const smallPath = join(dir, 'small.db');
  const bigPath = join(dir, 'big.db');
  await seedSqlite(smallPath, net, SMALL, row);
  const load = await startLoad();
  try {
    if (PARTS.has('1')) await part1(load, smallPath);
    if (PARTS.has('2')) await part2(load, smallPath, bigPath);
    if (PARTS.has('3')) await vspdSideBySide({ dir, load, options: OPTIONS, keyed: KEYED });
  } finally {
    await stopChild(load.child);
  }
  printLine(
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} at the end`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
