// Process plumbing and figures for the VSP benchmarks: start and stop the server and load
// generator children (every wait bounded, every child killed on the way out), run repeated load
// jobs and print their medians and spread, time cold starts, and check replies end to end.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { LoadJob, LoadResult } from './vsp-load.ts';
import type { ServerConfig, ServerMessage } from './vsp-server.ts';

const SERVER_SCRIPT = fileURLToPath(new URL('./vsp-server.ts', import.meta.url));
const LOAD_SCRIPT = fileURLToPath(new URL('./vsp-load.ts', import.meta.url));
const TSX = ['--import', 'tsx'];

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});
// Interrupted: take the children (vspd has no IPC channel to notice) down too. The node children
// also stop by themselves when their IPC channel closes.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const c of live) c.kill('SIGTERM');
    process.exit(130);
  });
}

/** Kill `child` (SIGKILL) if this process exits while it still runs. */
export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

function waitMessage<T>(
  child: ChildProcess,
  accept: (m: unknown) => m is T,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: unknown): void => {
      if (!accept(m)) return;
      cleanup();
      resolve(m);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`${what}: process exited (${code}) before answering`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface RunningServer {
  child: ChildProcess;
  port: number;
  pids: number[];
  /** ms from fork() to the ready message. */
  readyMs: number;
}

const isType =
  <T extends { type: string }>(type: T['type']) =>
  (m: unknown): m is T =>
    typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type;

export async function startServer(
  config: Omit<ServerConfig, 'lifetimeMs'> & { lifetimeMs?: number },
  options: { exposeGc?: boolean } = {},
): Promise<RunningServer> {
  const full: ServerConfig = { lifetimeMs: 15 * 60_000, ...config };
  return forkServer(SERVER_SCRIPT, full, options);
}

/**
 * Forks a server script with its JSON config as argv[2] and waits (bounded) for its
 * {type:'ready', port, pids} message; the script must stop by itself (lifetime, parent gone).
 */
export async function forkServer(
  script: string,
  config: object,
  options: { exposeGc?: boolean; what?: string } = {},
): Promise<RunningServer> {
  const t0 = performance.now();
  const child = track(
    fork(script, [JSON.stringify(config)], {
      execArgv: [
        ...TSX,
        ...(options.exposeGc === true ? ['--expose-gc'] : []),
        // STAKEPOOL_BENCH_CPU_PROF=<dir>: a V8 CPU profile of each server process, for finding
        // where a request's time goes (open the .cpuprofile in Chrome DevTools).
        ...(process.env['STAKEPOOL_BENCH_CPU_PROF'] !== undefined
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env['STAKEPOOL_BENCH_CPU_PROF']}`]
          : []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  try {
    const ready = await waitMessage(
      child,
      isType<Extract<ServerMessage, { type: 'ready' }>>('ready'),
      60_000,
      `${options.what ?? 'vsp-server'} start`,
    );
    return { child, port: ready.port, pids: ready.pids, readyMs: performance.now() - t0 };
  } catch (err) {
    await stopChild(child);
    throw err;
  }
}

export async function serverMemory(
  server: RunningServer,
): Promise<Extract<ServerMessage, { type: 'memory' }>> {
  const answer = waitMessage(
    server.child,
    isType<Extract<ServerMessage, { type: 'memory' }>>('memory'),
    10_000,
    'vsp-server memory',
  );
  server.child.send({ type: 'memory' });
  return answer;
}

export interface LoadGenerator {
  child: ChildProcess;
  run(job: Omit<LoadJob, 'type'>): Promise<LoadResult>;
}

export async function startLoad(): Promise<LoadGenerator> {
  const child = track(
    fork(LOAD_SCRIPT, [], { execArgv: TSX, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  await waitMessage(child, isType<{ type: 'loaded' }>('loaded'), 30_000, 'vsp-load start').catch(
    async (err: unknown) => {
      await stopChild(child);
      throw err;
    },
  );
  return {
    child,
    run: (job) => {
      const answer = waitMessage(
        child,
        isType<LoadResult>('result'),
        job.timeCapMs + 60_000,
        'vsp-load run',
      );
      child.send({ type: 'run', ...job });
      return answer;
    },
  };
}

// ---- figures

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

export interface Throughput {
  name: string;
  /** req/s of each timed run. */
  rates: number[];
  median: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
}

export interface MeasureOptions {
  runs: number;
  count: number;
  concurrency: number;
  timeCapMs: number;
  client: LoadJob['client'];
}

/**
 * One untimed warm-up job (a tenth of the count), then `runs` timed jobs; prints the median
 * req/s with min/max, and the median over runs of p50 and p99 latency.
 */
export async function measure(
  name: string,
  load: LoadGenerator,
  job: Pick<LoadJob, 'url' | 'method' | 'requests'>,
  o: MeasureOptions,
): Promise<Throughput> {
  const base = { ...job, concurrency: o.concurrency, timeCapMs: o.timeCapMs, client: o.client };
  await load.run({ ...base, count: Math.max(1_000, Math.floor(o.count / 10)) });
  const results: LoadResult[] = [];
  for (let i = 0; i < o.runs; i++) results.push(await load.run({ ...base, count: o.count }));
  const rates = results.map((r) => r.sent / r.seconds);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const t: Throughput = {
    name,
    rates,
    median: median(rates),
    p50Ms: median(results.map((r) => r.p50Ms)),
    p99Ms: median(results.map((r) => r.p99Ms)),
    failed,
  };
  const sent = results.map((r) => r.sent);
  const capped = results.some((r) => r.cappedByTime)
    ? ` (time cap ${o.timeCapMs / 1000} s hit: ${sent.join('/')} sent)`
    : '';
  const clientCpu = median(results.map((r) => r.cpuSeconds / r.seconds));
  const failures =
    failed > 0 ? `  FAILED ${failed}: ${results.find((r) => r.firstFailure)?.firstFailure}` : '';
  process.stdout.write(
    `${name}: median ${int(t.median)} req/s (min ${int(Math.min(...rates))} max ${int(
      Math.max(...rates),
    )}, ${o.runs} runs × ${o.count} req, ${o.concurrency} in flight)${capped}; ` +
      `latency p50 ${ms(t.p50Ms)} ms p99 ${ms(t.p99Ms)} ms; load generator CPU ${(
        clientCpu * 100
      ).toFixed(0)}%${failures}\n`,
  );
  return t;
}

export function ratioLine(name: string, a: Throughput, b: Throughput, note = ''): void {
  process.stdout.write(
    `${name}: ${(a.median / b.median).toFixed(2)}× (${int(a.median)} / ${int(b.median)} req/s)${note}\n`,
  );
}

export function printLine(text: string): void {
  process.stdout.write(`${text}\n`);
}

export const fmtMs = ms;
export const fmtInt = int;
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

// ---- single requests

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request on a fresh connection (agent: false), failing after `timeoutMs`. */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
  timeoutMs = 5_000,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${url}: timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Polls GET `url` until it answers 200; resolves with the ms since `t0`. */
export async function waitFor200(url: string, t0: number, timeoutMs: number): Promise<number> {
  const deadline = t0 + timeoutMs;
  for (;;) {
    try {
      const r = await httpRequest(url, {}, 2_000);
      if (r.status === 200) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${url}: no 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * The reply is a 200 whose VSP-Server-Signature verifies over its exact bytes with `pubkey`
 * (base64) and whose `request` echoes what was sent; returns the parsed body.
 */
export function checkSigned(
  reply: Reply,
  pubkeyBase64: string,
  sent?: string,
): Record<string, unknown> {
  const body = reply.body.toString();
  if (reply.status !== 200) throw new Error(`expected 200, got ${reply.status}: ${body}`);
  const sig = reply.headers['vsp-server-signature'];
  if (typeof sig !== 'string') throw new Error('no VSP-Server-Signature header');
  const ok = ed25519.verify(
    Buffer.from(sig, 'base64'),
    reply.body,
    Buffer.from(pubkeyBase64, 'base64'),
  );
  if (!ok) throw new Error('VSP-Server-Signature does not verify');
  const parsed = JSON.parse(body) as Record<string, unknown>;
  if (sent !== undefined && parsed['request'] !== Buffer.from(sent).toString('base64')) {
    throw new Error('reply does not echo the request');
  }
  return parsed;
}

// ---- cold start

export interface ColdStart {
  /** ms from fork() until the server reported that it listens. */
  listeningMs: number | undefined;
  /** ms from fork() until GET /api/v3/vspinfo first answered 200. */
  firstOkMs: number;
}

/** A fresh server process on a fixed port, timed until /vspinfo answers 200, then stopped. */
export async function coldStart(
  config: Omit<ServerConfig, 'lifetimeMs' | 'port'>,
  port: number,
  timeoutMs = 60_000,
): Promise<ColdStart> {
  const full: ServerConfig = { ...config, port, lifetimeMs: timeoutMs + 30_000 };
  const t0 = performance.now();
  const child = track(
    fork(SERVER_SCRIPT, [JSON.stringify(full)], {
      execArgv: TSX,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  let listeningMs: number | undefined;
  child.once('message', () => {
    listeningMs = performance.now() - t0;
  });
  try {
    const firstOkMs = await waitFor200(`http://127.0.0.1:${port}/api/v3/vspinfo`, t0, timeoutMs);
    return { listeningMs, firstOkMs };
  } finally {
    await stopChild(child);
  }
}

/** VmRSS of a process, from /proc (Linux), in bytes. */
export function procRss(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}
