import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StepPipeline } from '../../src/chain/step-pipeline.ts';
import type { RunReport, Step } from '../../src/chain/step-pipeline.ts';
import type { JobLog } from '../../src/chain/log.ts';
import { recordingLog } from './fakes.ts';

interface Deps {
  log: JobLog;
}
/** What each run hands its steps: the stop signal and the names of the steps that ran. */
interface Run {
  signal: AbortSignal;
  ran: string[];
}

function pipeline(steps: Step<Deps, Run>[], log = recordingLog()) {
  const runs: Run[] = [];
  const p = new StepPipeline<Deps, Run>({
    deps: { log },
    steps,
    startRun: (signal) => {
      const run = { signal, ran: [] };
      runs.push(run);
      return run;
    },
    label: 'test pipeline',
  });
  return { p, runs, log };
}

const ok = (n: number, name: string): Step<Deps, Run> => ({
  n,
  name,
  run: (_d, run) => {
    run.ran.push(name);
    return Promise.resolve({ n });
  },
});

describe('StepPipeline', () => {
  it('hands every step of a run the same run state and reports each result', async () => {
    const { p, runs } = pipeline([ok(1, 'a'), ok(2, 'b')]);
    const report = await p.runOnce('startup');
    assert.deepEqual(report, {
      reason: 'startup',
      results: { a: { n: 1 }, b: { n: 2 } },
      failed: [],
      aborted: false,
    });
    assert.equal(runs.length, 1);
    assert.deepEqual(runs[0]?.ran, ['a', 'b']);
    await p.runOnce('block 2');
    assert.equal(runs.length, 2);
    assert.notEqual(runs[0], runs[1]);
  });

  it('logs a failing step under its label and still runs the next', async () => {
    const boom: Step<Deps, Run> = { n: 2, name: 'boom', run: () => Promise.reject(new Error('x')) };
    const { p, runs, log } = pipeline([ok(1, 'a'), boom, ok(3, 'c')]);
    const report = await p.runOnce('block 7');
    assert.deepEqual(report.failed, ['boom']);
    assert.deepEqual(Object.keys(report.results), ['a', 'c']);
    assert.deepEqual(runs[0]?.ran, ['a', 'c']);
    const errors = log.lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.msg, 'test pipeline step 2 (boom) failed; the next block retries it');
    assert.deepEqual(errors[0]?.obj, { step: '2 boom', reason: 'block 7', err: 'x' });
  });

  it('counts a run whose last step wrapped up early on stop() as aborted', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const last: Step<Deps, Run> = {
      n: 2,
      name: 'last',
      async run(_d, run) {
        await gate;
        return { stoppedEarly: run.signal.aborted };
      },
    };
    const { p, log } = pipeline([ok(1, 'a'), last]);
    const reports: RunReport[] = [];
    p.onRun = (r) => reports.push(r);
    const running = p.trigger('block');
    await new Promise((r) => setImmediate(r));
    const stopping = p.stop();
    release();
    await Promise.all([running, stopping]);
    assert.equal(reports.length, 1);
    assert.deepEqual(reports[0]?.results['last'], { stoppedEarly: true });
    assert.equal(reports[0]?.aborted, true);
    assert.deepEqual(reports[0]?.failed, []);
    assert.deepEqual(log.lines, []);
  });

  it('a throwing onRun listener neither breaks the run nor the next one', async () => {
    const { p } = pipeline([ok(1, 'a')]);
    p.onRun = () => {
      throw new Error('listener');
    };
    await p.trigger('one');
    await p.trigger('two');
    assert.equal(p.lastReport?.reason, 'two');
    assert.equal(p.running, false);
  });
});
