// The legacy pool's web server under load, over HTTP on 127.0.0.1: the real app (src/web/app.ts)
// on a SQLite file, in a process of its own (bench/pool-web-server.ts), driven by the VSP
// benchmark's load generator (bench/vsp-load.ts) in another.
//   1. GET /tickets for a user with 50,000 tickets (every group: mostly voted, some live,
//      immature, missed, expired, revoked, invalid) beside other users' tickets, logged in through
//      the real /login form: latency p50/p95/p99 one request at a time for the default page, each
//      group and deep pages of voted, req/s with several in flight for two of them, and the time
//      of the route's two database calls alone. Goal p95 ≤ 50 ms (dcrstakepool asked a wallet
//      for every ticket: 39 s).
//   2. POST /login: what one scrypt hash (N=2^14, r=8, p=1) costs alone, then logins/s with the
//      right password (many accounts, one fresh session each), with a wrong one (limits raised so
//      that none is refused; each request from another X-Real-IP), and refused ones (the default
//      limits, one account under attack: no hash is computed).
//   3. GET /api/v1/getpurchaseinfo with a Bearer token (JWT verified, then compared with the
//      stored one).
// Figures are medians of several runs with min/max (p95 with its range over the runs); nothing
// is asserted. Knobs (environment):
// STAKEPOOL_BENCH_POOLWEB_RUNS (3), _TICKETS (50000), _OTHER (50000 tickets of other users),
// _USERS (200), _LATENCY (200 sequential requests), _REQUESTS (400), _CONCURRENCY (8),
// _LOGINS (150 per run), _PARTS (1,2,3).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { netParams } from '../src/dcr/params.ts';
import { createDatabase } from '../src/db/database.ts';
import { countPoolUserTickets, listPoolUserTickets } from '../src/db/pool-tickets.ts';
import type { PoolTicketGroup } from '../src/db/pool-tickets.ts';
import { hashUserPassword, verifyUserPassword } from '../src/pool/password.ts';
import {
  anonymousSessions,
  benchXpubs,
  loginEmail,
  loginPassword,
  OWNER_EMAIL,
  OWNER_PASSWORD,
  seedPoolDatabase,
} from './pool-web-data.ts';
import type { AnonymousSession, PoolSeed } from './pool-web-data.ts';
import type { PoolServerConfig } from './pool-web-server.ts';
import type { LoadJob, LoadResult } from './vsp-load.ts';
import {
  fmtInt,
  fmtMs,
  forkServer,
  httpRequest,
  median,
  printLine,
  startLoad,
  stopChild,
} from './vsp-procs.ts';
import type { LoadGenerator, Reply, RunningServer } from './vsp-procs.ts';

function envInt(name: string, fallback: number): number {
  const v = Number(process.env[`STAKEPOOL_BENCH_POOLWEB_${name}`]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

const RUNS = envInt('RUNS', 3);
const OWNER_TICKETS = envInt('TICKETS', 50_000);
const OTHER_TICKETS = envInt('OTHER', 50_000);
const USERS = Math.min(envInt('USERS', 200), 9_000);
const LATENCY_COUNT = envInt('LATENCY', 200);
const COUNT = envInt('REQUESTS', 400);
const CONCURRENCY = envInt('CONCURRENCY', 8);
const LOGINS = envInt('LOGINS', 150);
const PARTS = new Set((process.env['STAKEPOOL_BENCH_POOLWEB_PARTS'] ?? '1,2,3').split(','));
const TIME_CAP_MS = 30_000;
const SERVER_LIFETIME_MS = 20 * 60_000;
const SCRIPT = fileURLToPath(new URL('./pool-web-server.ts', import.meta.url));

const net = netParams('mainnet');
const TIP = 900_000;
const API_SECRET = 'stakepool bench api secret';
const BASE_URL = 'https://pool.bench.example';
/** [maxvotedtickets] high enough that page 500 of voted exists (the default 1000 stops at 20). */
const MAX_VOTED = 100_000;
const PAGE_SIZE = 50;
const FORM = 'application/x-www-form-urlencoded';

// ---- measuring

interface Summary {
  rates: number[];
  median: number;
  p50Ms: number;
  p95Ms: number;
  /** p95 of each run. */
  p95s: number[];
  p99Ms: number;
  failed: number;
  firstFailure: string | undefined;
  capped: boolean;
  clientCpu: number;
}

type JobPart = Pick<LoadJob, 'url' | 'method' | 'requests' | 'headers' | 'expect'>;

/**
 * One untimed warm-up job, then `runs` timed ones; `job(run)` gives each its requests (run -1 is
 * the warm-up), so requests that can be sent only once (a login) never repeat.
 */
async function measure(
  load: LoadGenerator,
  job: (run: number) => JobPart,
  o: { runs: number; count: number; warmup: number; concurrency: number },
): Promise<Summary> {
  const base = { concurrency: o.concurrency, timeCapMs: TIME_CAP_MS, client: 'http' as const };
  if (o.warmup > 0) await load.run({ ...base, ...job(-1), count: o.warmup });
  const results: LoadResult[] = [];
  for (let i = 0; i < o.runs; i++)
    results.push(await load.run({ ...base, ...job(i), count: o.count }));
  const rates = results.map((r) => r.sent / r.seconds);
  return {
    rates,
    median: median(rates),
    p50Ms: median(results.map((r) => r.p50Ms)),
    p95Ms: median(results.map((r) => r.p95Ms)),
    p95s: results.map((r) => r.p95Ms),
    p99Ms: median(results.map((r) => r.p99Ms)),
    failed: results.reduce((n, r) => n + r.failed, 0),
    firstFailure: results.find((r) => r.firstFailure !== undefined)?.firstFailure,
    capped: results.some((r) => r.cappedByTime),
    clientCpu: median(results.map((r) => r.cpuSeconds / r.seconds)),
  };
}

const rateText = (s: Summary): string =>
  `${fmtInt(s.median)} req/s (min ${fmtInt(Math.min(...s.rates))} max ${fmtInt(Math.max(...s.rates))})`;
const latencyText = (s: Summary): string =>
  `p50 ${fmtMs(s.p50Ms)} p95 ${fmtMs(s.p95Ms)} (${fmtMs(Math.min(...s.p95s))}–${fmtMs(
    Math.max(...s.p95s),
  )}) p99 ${fmtMs(s.p99Ms)} ms`;
const trouble = (s: Summary): string =>
  (s.capped ? `  (time cap ${TIME_CAP_MS / 1000} s hit)` : '') +
  (s.failed > 0 ? `  FAILED ${s.failed}: ${s.firstFailure}` : '');

async function withServer<T>(
  extra: Partial<PoolServerConfig>,
  dbPath: string,
  body: (s: RunningServer) => Promise<T>,
): Promise<T> {
  const xpubs = benchXpubs(net);
  const config: PoolServerConfig = {
    dbPath,
    net: net.name,
    lifetimeMs: SERVER_LIFETIME_MS,
    tipHeight: TIP,
    maxVotedTickets: MAX_VOTED,
    apiSecret: API_SECRET,
    baseUrl: BASE_URL,
    votingXpub: xpubs.voting,
    coldXpub: xpubs.cold,
    ...extra,
  };
  const s = await forkServer(SCRIPT, config, { what: 'pool-web-server' });
  try {
    return await body(s);
  } finally {
    await stopChild(s.child);
  }
}

const origin = (s: RunningServer): string => `http://127.0.0.1:${s.port}`;

function expectStatus(r: Reply, status: number, what: string): string {
  const body = r.body.toString();
  if (r.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${r.status}: ${body.slice(0, 300)}`);
  }
  return body;
}

function sessionCookieOf(r: Reply): string {
  const raw = r.headers['set-cookie'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const c = list.find((x) => x.startsWith('session='))?.split(';')[0];
  if (c === undefined || c === 'session=') throw new Error('no session cookie set');
  return c;
}

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

/** Logs the owner in through the real form: GET /login for the session and token, then POST. */
async function ownerCookie(s: RunningServer): Promise<string> {
  const page = await httpRequest(`${origin(s)}/login`);
  const html = expectStatus(page, 200, 'GET /login');
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (csrf === undefined) throw new Error('GET /login: no CSRF token');
  const t0 = performance.now();
  const res = await httpRequest(`${origin(s)}/login`, {
    method: 'POST',
    headers: { 'content-type': FORM, cookie: sessionCookieOf(page), 'x-real-ip': '198.51.100.1' },
    body: form({ csrf, email: OWNER_EMAIL, password: OWNER_PASSWORD }),
  });
  expectStatus(res, 303, 'POST /login');
  printLine(
    `owner logged in through /login (303 → ${String(res.headers.location)}) in ${fmtMs(
      performance.now() - t0,
    )} ms`,
  );
  return sessionCookieOf(res);
}

// ---- 1. /tickets

interface TicketsCase {
  label: string;
  query: string;
  /** Rows the page must list. */
  rows: number;
}

function ticketCases(seed: PoolSeed): TicketsCase[] {
  const g = seed.groups;
  const rowsOn = (n: number, page: number) =>
    Math.max(0, Math.min(PAGE_SIZE, n - (page - 1) * PAGE_SIZE));
  const lastVoted = Math.max(1, Math.ceil(g.voted / PAGE_SIZE));
  const cases: TicketsCase[] = [
    { label: 'default page (live, page 1)', query: '', rows: rowsOn(g.live, 1) },
  ];
  for (const group of ['immature', 'voted'] as const) {
    cases.push({ label: `${group}, page 1`, query: `?group=${group}`, rows: rowsOn(g[group], 1) });
  }
  for (const page of [20, 500, lastVoted]) {
    if (page > lastVoted || cases.some((c) => c.query === `?group=voted&page=${page}`)) continue;
    cases.push({
      label: `voted, page ${page}${page === lastVoted ? ' (last)' : ''}`,
      query: `?group=voted&page=${page}`,
      rows: rowsOn(g.voted, page),
    });
  }
  for (const group of [
    'missed',
    'expired',
    'revoked',
    'invalid',
  ] as const satisfies readonly PoolTicketGroup[]) {
    cases.push({ label: `${group}, page 1`, query: `?group=${group}`, rows: rowsOn(g[group], 1) });
  }
  return cases;
}

/** The page is the owner's tickets page listing `rows` tickets. */
async function checkTicketsPage(s: RunningServer, cookie: string, c: TicketsCase): Promise<number> {
  const r = await httpRequest(`${origin(s)}/tickets${c.query}`, { headers: { cookie } });
  const html = expectStatus(r, 200, `GET /tickets${c.query}`);
  // Every listed ticket links its hash to the block explorer.
  const listed = html.match(/\/tx\/[0-9a-f]{64}"/g)?.length ?? 0;
  if (listed < c.rows) {
    throw new Error(`GET /tickets${c.query}: ${listed} ticket links, expected ${c.rows}`);
  }
  return r.body.length;
}

/** Median ms of `n` calls of `f`, after one untimed call. */
async function timeMs(n: number, f: () => Promise<unknown>): Promise<number> {
  await f();
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}

/** Where a page's time goes: the two repository calls of the route, timed in this process. */
async function breakdown(dbPath: string, seed: PoolSeed): Promise<void> {
  const database = createDatabase({ engine: 'sqlite', sqlitePath: dbPath });
  try {
    const db = database.db;
    const view = { tipHeight: TIP, maturity: net.ticketMaturity };
    const count = await timeMs(30, () => countPoolUserTickets(db, seed.ownerId, view));
    const list = async (group: PoolTicketGroup, page: number) =>
      fmtMs(
        await timeMs(30, () =>
          listPoolUserTickets(db, seed.ownerId, {
            ...view,
            group,
            limit: PAGE_SIZE,
            offset: (page - 1) * PAGE_SIZE,
          }),
        ),
      );
    printLine(
      `   of which the database (src/db calls in this process, medians of 30): ` +
        `countPoolUserTickets ${fmtMs(count)} ms (every page); listPoolUserTickets live p1 ` +
        `${await list('live', 1)}, voted p1 ${await list('voted', 1)}, voted p500 ${await list(
          'voted',
          500,
        )}, invalid p1 ${await list('invalid', 1)} ms`,
    );
  } finally {
    await database.close();
  }
}

async function part1(load: LoadGenerator, dbPath: string, seed: PoolSeed): Promise<void> {
  const g = seed.groups;
  printLine(
    `-- 1. GET /tickets, ${fmtInt(OWNER_TICKETS)} tickets of one user (${Object.entries(g)
      .map(([k, v]) => `${k} ${fmtInt(v)}`)
      .join(', ')}) + ${fmtInt(OTHER_TICKETS)} of ${USERS} other users; ` +
      `${PAGE_SIZE} per page; maxvotedtickets ${fmtInt(MAX_VOTED)}`,
  );
  printLine(
    `   latency: ${LATENCY_COUNT} requests one at a time; throughput (default page and voted ` +
      `p500): ${COUNT} requests, ${CONCURRENCY} in flight; medians of ${RUNS} runs after a warm-up`,
  );
  const p95s: number[] = [];
  await withServer({}, dbPath, async (s) => {
    const cookie = await ownerCookie(s);
    const headers = { cookie };
    for (const c of ticketCases(seed)) {
      const bytes = await checkTicketsPage(s, cookie, c);
      const job = (): JobPart => ({
        url: `${origin(s)}/tickets${c.query}`,
        method: 'GET',
        headers,
        expect: { status: 200 },
      });
      const lat = await measure(load, job, {
        runs: RUNS,
        count: LATENCY_COUNT,
        warmup: Math.max(20, Math.floor(LATENCY_COUNT / 4)),
        concurrency: 1,
      });
      p95s.push(lat.p95Ms);
      let line =
        `${c.label} [${c.rows} rows, ${(bytes / 1024).toFixed(0)} KiB]: ${latencyText(lat)} ` +
        `(${fmtInt(lat.median)} req/s one at a time)${trouble(lat)}`;
      // With one server process the rate hardly changes with the load; two cases show it.
      if (c.query === '' || c.query === '?group=voted&page=500') {
        const thr = await measure(load, job, {
          runs: RUNS,
          count: COUNT,
          warmup: Math.max(50, Math.floor(COUNT / 10)),
          concurrency: CONCURRENCY,
        });
        line +=
          `; ${CONCURRENCY} in flight ${rateText(thr)}, ${latencyText(thr)}, ` +
          `load generator CPU ${(thr.clientCpu * 100).toFixed(0)}%${trouble(thr)}`;
      }
      printLine(line);
    }
  });
  printLine(
    `worst p95 one at a time: ${fmtMs(Math.max(...p95s))} ms  [goal ≤ 50 ms; dcrstakepool 39 s]`,
  );
  await breakdown(dbPath, seed);
}

// ---- 2. /login

async function scryptAlone(): Promise<void> {
  const seq: number[] = [];
  const stored = await hashUserPassword('warm-up');
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    await verifyUserPassword(stored, `candidate ${i}`);
    seq.push(performance.now() - t0);
  }
  const parallel = 64;
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: parallel }, (_, i) => verifyUserPassword(stored, `p ${r} ${i}`)),
    );
    rates.push(parallel / ((performance.now() - t0) / 1000));
  }
  const threads = process.env['UV_THREADPOOL_SIZE'] ?? '4 (default)';
  printLine(
    `scrypt N=2^14 r=8 p=1 alone (this process): one hash median ${fmtMs(median(seq))} ms ` +
      `(min ${fmtMs(Math.min(...seq))} max ${fmtMs(Math.max(...seq))}, ${seq.length} in a row); ` +
      `${parallel} at once ${fmtInt(median(rates))} hashes/s (min ${fmtInt(
        Math.min(...rates),
      )} max ${fmtInt(Math.max(...rates))}, ${RUNS} runs; libuv threads ${threads})`,
  );
}

const ipOf = (k: number): string => `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`;

function loginRequest(
  session: AnonymousSession,
  user: number,
  password: string,
  k: number,
): NonNullable<LoadJob['requests']>[number] {
  return {
    body: form({ csrf: session.csrf, email: loginEmail(user), password }),
    headers: { 'content-type': FORM, cookie: session.cookie, 'x-real-ip': ipOf(k) },
  };
}

async function part2(
  load: LoadGenerator,
  dbPath: string,
  sessions: { right: AnonymousSession[]; wrong: AnonymousSession[]; attack: AnonymousSession },
): Promise<void> {
  printLine(
    `-- 2. POST /login, ${USERS} accounts with scrypt hashes; ${CONCURRENCY} in flight, ` +
      `${LOGINS} logins per run, medians of ${RUNS} runs`,
  );
  await scryptAlone();
  const warm = Math.max(20, Math.floor(LOGINS / 5));
  const o = { runs: RUNS, count: LOGINS, warmup: warm, concurrency: CONCURRENCY };
  await withServer({ maxLoginFailures: 1_000_000_000 }, dbPath, async (s) => {
    const url = `${origin(s)}/login`;
    // Each run its own sessions: a login replaces the session it came with. The first one is
    // for the check.
    const slice = (run: number) => {
      const from = 1 + (run < 0 ? 0 : warm + run * LOGINS);
      return sessions.right.slice(from, from + (run < 0 ? warm : LOGINS));
    };
    const first = sessions.right[0]!;
    const check = loginRequest(first, 0, loginPassword(0), 0);
    const r = await httpRequest(url, {
      method: 'POST',
      headers: check.headers ?? {},
      body: check.body,
    });
    expectStatus(r, 303, 'POST /login (right password)');
    const right = await measure(
      load,
      (run) => ({
        url,
        method: 'POST',
        requests: slice(run).map((x, i) => {
          const k = (run + 1) * LOGINS + i + 1;
          return loginRequest(x, k % USERS, loginPassword(k % USERS), k);
        }),
        expect: { status: 303, header: 'set-cookie' },
      }),
      o,
    );
    printLine(
      `right password (303 + new session): ${rateText(right)}, ${latencyText(right)}${trouble(right)}`,
    );
    const wrong = await measure(
      load,
      (run) => ({
        url,
        method: 'POST',
        requests: Array.from({ length: run < 0 ? warm : LOGINS }, (_, i) => {
          const k = (run + 1) * LOGINS + i;
          const session = sessions.wrong[k % sessions.wrong.length]!;
          return loginRequest(session, k % USERS, `not ${loginPassword(k % USERS)}`, 100_000 + k);
        }),
        expect: { status: 401 },
      }),
      o,
    );
    printLine(
      `wrong password (401, two failure counts written): ${rateText(wrong)}, ${latencyText(
        wrong,
      )}${trouble(wrong)}`,
    );
  });
  await withServer({}, dbPath, async (s) => {
    const url = `${origin(s)}/login`;
    const attack = loginRequest(sessions.attack, 1, 'guess', 7);
    // The first five guesses fail (scrypt runs); from then on the account is locked.
    for (let i = 0; i < 5; i++) {
      await httpRequest(url, { method: 'POST', headers: attack.headers ?? {}, body: attack.body });
    }
    const refused = await measure(
      load,
      () => ({
        url,
        method: 'POST',
        requests: [attack],
        expect: { status: 429, header: 'retry-after' },
      }),
      { runs: RUNS, count: COUNT * 8, warmup: COUNT, concurrency: CONCURRENCY },
    );
    printLine(
      `refused by the default limits (429, no hash computed): ${rateText(refused)}, ${latencyText(
        refused,
      )}${trouble(refused)}`,
    );
  });
}

// ---- 3. API

async function part3(load: LoadGenerator, dbPath: string, seed: PoolSeed): Promise<void> {
  const concurrency = CONCURRENCY * 4;
  printLine(`-- 3. GET /api/v1/getpurchaseinfo with a Bearer token, ${concurrency} in flight`);
  await withServer({}, dbPath, async (s) => {
    const url = `${origin(s)}/api/v1/getpurchaseinfo`;
    const headers = { authorization: `Bearer ${seed.apiToken}` };
    const r = await httpRequest(url, { headers });
    const body = JSON.parse(expectStatus(r, 200, 'getpurchaseinfo')) as {
      status?: string;
      data?: { TicketAddress?: string };
    };
    if (body.status !== 'success' || typeof body.data?.TicketAddress !== 'string') {
      throw new Error(`getpurchaseinfo: unexpected reply ${r.body.toString()}`);
    }
    const api = await measure(
      load,
      () => ({ url, method: 'GET', headers, expect: { status: 200 } }),
      { runs: RUNS, count: COUNT * 25, warmup: COUNT * 2, concurrency },
    );
    printLine(
      `getpurchaseinfo: ${rateText(api)}, ${latencyText(api)}; load generator CPU ${(
        api.clientCpu * 100
      ).toFixed(0)}%${trouble(api)}`,
    );
  });
}

// ---- main

const dir = mkdtempSync(join(tmpdir(), 'stakepool-bench-poolweb-'));
try {
  printLine(
    `${cpus().length} cores, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} at start; client node:http keep-alive; SQLite file, no request logging`,
  );
  const dbPath = join(dir, 'pool.db');
  const seed = await seedPoolDatabase({
    path: dbPath,
    net,
    tipHeight: TIP,
    ownerTickets: OWNER_TICKETS,
    users: USERS,
    otherTickets: OTHER_TICKETS,
    apiSecret: API_SECRET,
    baseUrl: BASE_URL,
  });
  printLine(
    `seeded through src/db: ${USERS + 1} accounts in ${seed.usersSeconds.toFixed(1)} s ` +
      `(${seed.hashSeconds.toFixed(1)} s of it scrypt hashing), ${fmtInt(
        OWNER_TICKETS + OTHER_TICKETS,
      )} tickets with their outcomes in ${seed.ticketsSeconds.toFixed(1)} s`,
  );
  // Login sessions are made before any server runs: one writer at a time on the file.
  const database = createDatabase({ engine: 'sqlite', sqlitePath: dbPath });
  let sessions: Parameters<typeof part2>[2];
  try {
    const warm = Math.max(20, Math.floor(LOGINS / 5));
    const right = await anonymousSessions(database.db, 1 + warm + RUNS * LOGINS, 6 * 3600);
    const wrong = await anonymousSessions(database.db, 64, 6 * 3600);
    const attack = (await anonymousSessions(database.db, 1, 6 * 3600))[0]!;
    sessions = { right, wrong, attack };
  } finally {
    await database.close();
  }
  const load = await startLoad();
  try {
    if (PARTS.has('1')) await part1(load, dbPath, seed);
    if (PARTS.has('2')) await part2(load, dbPath, sessions);
    if (PARTS.has('3')) await part3(load, dbPath, seed);
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
