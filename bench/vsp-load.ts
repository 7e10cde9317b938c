// The load generator of the VSP benchmarks, in a process of its own so that it does not compete
// with the server for the server's event loop (it still shares the machine's cores). Each job
// sends a fixed number of requests, `concurrency` at a time over keep-alive connections, stops
// early at the time cap, and reports the throughput, latency percentiles and its own CPU time.
// By default a response must be a 200 carrying a VSP-Server-Signature header to count as ok; a
// job may expect another status or header (the legacy pool's pages and API sign nothing).
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadJob {
  type: 'run';
  url: string;
  method: 'GET' | 'POST';
  /**
   * Requests used round-robin: a POST body (sent as JSON unless its headers say otherwise), its
   * VSP-Client-Signature, and headers of its own (a session cookie, X-Real-IP…). A GET without
   * them sends one bare request.
   */
  requests?: { body?: string; signature?: string; headers?: Record<string, string> }[];
  /** Headers of every request (a request's own win). */
  headers?: Record<string, string>;
  /** What counts as ok; default status 200 with a VSP-Server-Signature header. */
  expect?: { status: number; header?: string };
  count: number;
  concurrency: number;
  timeCapMs: number;
  /** 'http': node:http with a keep-alive agent; 'fetch': the global fetch (undici). */
  client: 'http' | 'fetch';
}

export interface LoadResult {
  type: 'result';
  sent: number;
  ok: number;
  failed: number;
  firstFailure: string | undefined;
  seconds: number;
  cappedByTime: boolean;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Client process CPU (user + system) over the run. */
  cpuSeconds: number;
}

interface Prepared {
  body: Buffer | undefined;
  headers: Record<string, string>;
}

const DEFAULT_EXPECT = { status: 200, header: 'vsp-server-signature' };

function prepare(job: LoadJob): Prepared[] {
  const list = job.requests ?? (job.method === 'GET' ? [{}] : []);
  return list.map((r) => {
    const body = r.body === undefined ? undefined : Buffer.from(r.body);
    const headers: Record<string, string> = { ...job.headers };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(body.length);
    }
    if (r.signature !== undefined) headers['vsp-client-signature'] = r.signature;
    return { body, headers: { ...headers, ...r.headers } };
  });
}

/** Why a response does not count as ok, or undefined. */
function failureOf(
  job: LoadJob,
  status: number,
  hasHeader: (name: string) => boolean,
): string | undefined {
  const expect = job.expect ?? DEFAULT_EXPECT;
  if (status !== expect.status) return `HTTP ${status}`;
  if (expect.header !== undefined && !hasHeader(expect.header)) return `no ${expect.header}`;
  return undefined;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

const agents = new Map<number, Agent>();

/** One request with node:http; resolves with the status, or a failure text. */
function httpOnce(url: URL, job: LoadJob, p: Prepared): Promise<string | undefined> {
  let agent = agents.get(job.concurrency);
  if (agent === undefined) {
    agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
    agents.set(job.concurrency, agent);
  }
  return new Promise((resolve) => {
    const req = request(url, { method: job.method, agent, headers: p.headers }, (res) => {
      const failure = failureOf(
        job,
        res.statusCode ?? 0,
        (name) => res.headers[name.toLowerCase()] !== undefined,
      );
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        if (failure !== undefined) chunks.push(c);
      });
      res.on('end', () =>
        resolve(failure && `${failure}: ${Buffer.concat(chunks).toString().slice(0, 200)}`),
      );
      res.on('error', (err) => resolve(String(err)));
    });
    req.on('error', (err) => resolve(String(err)));
    req.end(p.body);
  });
}

async function fetchOnce(url: URL, job: LoadJob, p: Prepared): Promise<string | undefined> {
  try {
    const res = await fetch(url, {
      method: job.method,
      headers: p.headers,
      ...(p.body !== undefined ? { body: p.body } : {}),
    });
    const text = await res.text();
    const failure = failureOf(job, res.status, (name) => res.headers.get(name) !== null);
    return failure && `${failure}: ${text.slice(0, 200)}`;
  } catch (err) {
    return String(err);
  }
}

async function run(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.url);
  const prepared = prepare(job);
  if (prepared.length === 0) throw new Error('vsp-load: no requests to send');
  const once = job.client === 'fetch' ? fetchOnce : httpOnce;
  const latencies = new Float64Array(job.count);
  let next = 0;
  let ok = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  let cappedByTime = false;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + job.timeCapMs;
  const lane = async (): Promise<void> => {
    for (;;) {
      if (next >= job.count) return;
      if (performance.now() > deadline) {
        cappedByTime = true;
        return;
      }
      const i = next++;
      const start = performance.now();
      const failure = await once(url, job, prepared[i % prepared.length]!);
      latencies[i] = performance.now() - start;
      if (failure === undefined) ok++;
      else {
        failed++;
        firstFailure ??= failure;
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, lane));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sent = next;
  const sorted = latencies.subarray(0, sent).sort();
  return {
    type: 'result',
    sent,
    ok,
    failed,
    firstFailure,
    seconds,
    cappedByTime,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

// Stop with the parent, and in any case after 20 minutes.
setTimeout(() => process.exit(3), 20 * 60_000).unref();
process.on('disconnect', () => process.exit(0));
process.on('message', (job: LoadJob) => {
  if (job.type !== 'run') return;
  run(job).then(
    (result) => process.send?.(result),
    (err: unknown) => {
      process.stderr.write(`vsp-load: ${String(err)}\n`);
      process.exit(1);
    },
  );
});
process.send?.({ type: 'loaded' });
