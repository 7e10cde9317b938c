// Tiny benchmark harness: runs a workload several times and prints the median, min and max, so
// the machine's noise is visible next to every figure. Benchmarks print; they never assert.
import { performance } from 'node:perf_hooks';

export interface BenchResult {
  name: string;
  /** Operations per run. */
  ops: number;
  /** Seconds per run, sorted. */
  seconds: number[];
  medianSeconds: number;
  opsPerSecond: number;
}

export interface BenchOptions {
  /** Timed runs (default 7); one untimed warm-up run precedes them. */
  runs?: number;
  /** Extra text printed after the figure, e.g. a target. */
  note?: string;
  /** Print throughput as MB/s of this many bytes per run instead of ops/s. */
  bytesPerRun?: number;
}

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Time `run` (which performs `ops` operations) and print one line of figures. */
export function bench(
  name: string,
  ops: number,
  run: () => void,
  options: BenchOptions = {},
): BenchResult {
  const runs = options.runs ?? 7;
  run(); // warm-up: JIT, caches
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    run();
    seconds.push((performance.now() - t0) / 1000);
  }
  seconds.sort((a, b) => a - b);
  const med = median(seconds);
  const result: BenchResult = { name, ops, seconds, medianSeconds: med, opsPerSecond: ops / med };
  const spread = `min ${fmt(seconds[0]!)} max ${fmt(seconds[seconds.length - 1]!)}, ${runs} runs`;
  const rate =
    options.bytesPerRun !== undefined
      ? `${(options.bytesPerRun / med / 1e6).toFixed(1)} MB/s`
      : `${Math.round(ops / med).toLocaleString('en-US')} ops/s`;
  const note = options.note !== undefined ? `  [${options.note}]` : '';
  process.stdout.write(`${name}: median ${fmt(med)} for ${ops} ops = ${rate} (${spread})${note}\n`);
  return result;
}

function fmt(s: number): string {
  return s >= 1 ? `${s.toFixed(3)} s` : `${(s * 1000).toFixed(2)} ms`;
}
