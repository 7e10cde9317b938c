// What every block pipeline shares (vspd internal/vspd/update.go's shape): numbered steps run in
// order on each connected block and once at startup. Runs never overlap: a block that arrives
// during a run queues exactly one more run. A failing step is logged with its number and name
// and the next block retries it; it does not keep the later steps from running. stop() ends
// intake and aborts the signal the steps are handed, so a long step can wrap up between calls.
import type { JobLog } from './log.ts';

/**
 * One numbered step. `deps` are the pipeline's resolved options; `run` is what the pipeline hands
 * every step of one run (the stop signal, or state built on it that the steps share).
 */
export interface Step<D, R> {
  n: number;
  name: string;
  run(deps: D, run: R): Promise<unknown>;
}

export interface RunReport {
  /** Why the run happened (e.g. "startup", "block 1234"). */
  reason: string;
  /** Each step's summary, by name; absent for a step that failed or was not reached. */
  results: Record<string, unknown>;
  /** Names of the steps that threw. */
  failed: string[];
  /** The run stopped early because the pipeline is stopping. */
  aborted: boolean;
}

export interface StepPipelineOptions<D extends { log: JobLog }, R> {
  deps: D;
  steps: readonly Step<D, R>[];
  /** Builds what one run's steps receive from the pipeline's stop signal. */
  startRun: (signal: AbortSignal) => R;
  /** Names the pipeline in the log line of a failed step (e.g. "pool pipeline"). */
  label: string;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class StepPipeline<D extends { log: JobLog }, R> {
  private readonly deps: D;
  private readonly steps: readonly Step<D, R>[];
  private readonly startRun: (signal: AbortSignal) => R;
  private readonly label: string;
  private readonly abort = new AbortController();
  private current: Promise<void> | undefined;
  private queued: string | undefined;
  private stopped = false;
  /** The report of the last finished run. */
  lastReport: RunReport | undefined;
  /** Called after every run (for metrics and tests). */
  onRun: ((report: RunReport) => void) | undefined;

  constructor(o: StepPipelineOptions<D, R>) {
    this.deps = o.deps;
    this.steps = o.steps;
    this.startRun = o.startRun;
    this.label = o.label;
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  /**
   * Ask for a run. Starts one now, or if one is running, queues one more (several requests while
   * busy still give one). Resolves once the run that covers this request has finished; never
   * rejects. After stop() it does nothing.
   */
  trigger(reason = 'request'): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.current !== undefined) {
      this.queued = reason;
      return this.current;
    }
    this.current = this.loop(reason);
    return this.current;
  }

  /** Resolves when no run is running or queued. */
  async settled(): Promise<void> {
    while (this.current !== undefined) await this.current;
  }

  /** Stop intake, tell a running step to wrap up, and wait for it. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queued = undefined;
    this.abort.abort();
    await this.settled();
  }

  private async loop(reason: string): Promise<void> {
    try {
      let next: string | undefined = reason;
      while (next !== undefined && !this.stopped) {
        this.queued = undefined;
        await this.runOnce(next);
        next = this.queued;
      }
    } finally {
      this.current = undefined;
    }
  }

  /** One pass over every step. Never throws. Use trigger() outside tests: it serialises runs. */
  async runOnce(reason = 'request'): Promise<RunReport> {
    const signal = this.abort.signal;
    const run = this.startRun(signal);
    const report: RunReport = { reason, results: {}, failed: [], aborted: false };
    for (const step of this.steps) {
      if (signal.aborted) break;
      try {
        report.results[step.name] = await step.run(this.deps, run);
      } catch (err) {
        if (signal.aborted) {
          // A call cut short by stop(): nothing failed, the next start carries on.
          this.deps.log.info({ step: `${step.n} ${step.name}` }, 'pipeline step stopped');
          break;
        }
        report.failed.push(step.name);
        this.deps.log.error(
          { step: `${step.n} ${step.name}`, reason, err: errorText(err) },
          `${this.label} step ${step.n} (${step.name}) failed; the next block retries it`,
        );
      }
    }
    // Also when a step wrapped up early on stop() and returned normally: the run did not finish.
    report.aborted = signal.aborted;
    this.lastReport = report;
    try {
      this.onRun?.(report);
    } catch {
      // A listener's mistake is not the pipeline's.
    }
    return report;
  }
}
