// One FollowerPipeline made of several (the VSP's and the legacy pool's), so ChainFollower drives
// them all from the same block notifications. Each is asked in turn; each serialises its own
// runs, and one that fails or hangs up on dcrd must not keep the other from its block.
import type { FollowerPipeline } from './follower.ts';
import type { JobLog } from './log.ts';
import { SILENT_LOG } from './log.ts';
import { errorText } from './step-pipeline.ts';

export interface NamedPipeline {
  /** For the log, e.g. 'vsp', 'pool'. */
  name: string;
  pipeline: FollowerPipeline;
}

export class PipelineSequence implements FollowerPipeline {
  private readonly pipelines: readonly NamedPipeline[];
  private readonly log: JobLog;

  constructor(pipelines: readonly NamedPipeline[], log: JobLog = SILENT_LOG) {
    this.pipelines = pipelines;
    this.log = log;
  }

  /** Runs each pipeline one after the other; a failure is logged and the next still runs. */
  async trigger(reason = 'request'): Promise<void> {
    for (const { name, pipeline } of this.pipelines) {
      try {
        await pipeline.trigger(reason);
      } catch (err) {
        this.log.error(
          { pipeline: name, reason, err: errorText(err) },
          `${name} pipeline failed; the next block retries it`,
        );
      }
    }
  }

  /** Stops them all together; one that fails to stop does not keep the others running. */
  async stop(): Promise<void> {
    const results = await Promise.allSettled(this.pipelines.map((p) => p.pipeline.stop()));
    results.forEach((r, i) => {
      if (r.status === 'rejected') {
        this.log.error(
          { pipeline: this.pipelines[i]!.name, err: errorText(r.reason) },
          'pipeline failed to stop',
        );
      }
    });
  }
}
