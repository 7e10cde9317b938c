// The load generator of the VSP benchmarks, in a process of its own so that it does not compete
// with the server for the server's event loop (it still shares the machine's cores). Each job
// sends a fixed number of requests, `concurrency` at a time over keep-alive connections, stops
// early at the time cap, and reports the throughput, latency percentiles and its own CPU time.
// Every response must be a 200 carrying a VSP-Server-Signature header to count as ok.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadJob {
  type: 'run';
  url: string;
  method: 'GET' | 'POST';
  /** POST bodies and their VSP-Client-Signature, used round-robin. */
  requests?: { body: string; signature: string }[];
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
  p99Ms: number;
  /** Client process CPU (user + system) over the run. */
  cpuSeconds: number;
}

interface Prepared {
  body: Buffer | undefined;
  headers: Record<string, string>;
}

function prepare(job: LoadJob): Prepared[] {
  if (job.method === 'GET') return [{ body: undefined, headers: {} }];
  return (job.requests ?? []).map((r) => {
    const body = Buffer.from(r.body);
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'content-length': String(body.length),
        'vsp-client-signature': r.signature,
      },
    };
  });
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
      let failure: string | undefined;
      if (res.statusCode !== 200) failure = `HTTP ${res.statusCode}`;
      else if (typeof res.headers['vsp-server-signature'] !== 'string') {
        failure = 'no VSP-Server-Signature';
      }
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
    if (res.status !== 200) return `HTTP ${res.status}: ${text.slice(0, 200)}`;
    if (res.headers.get('vsp-server-signature') === null) return 'no VSP-Server-Signature';
    return undefined;
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
