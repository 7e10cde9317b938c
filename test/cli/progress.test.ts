import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProgress } from '../../src/cli/progress.ts';

class Collector {
  text = '';
  writes = 0;
  constructor(
    readonly isTTY: boolean,
    readonly columns?: number,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    this.writes += 1;
    return true;
  }
}

describe('progress', () => {
  it('prints a line at every 10% when not on a terminal', () => {
    const out = new Collector(false);
    const p = createProgress('users', 1000, out);
    for (let i = 0; i < 1000; i++) p.tick();
    p.done();
    p.done();
    assert.deepEqual(
      out.text.trimEnd().split('\n'),
      [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((x) => `users: ${x}% (${x * 10}/1000)`),
    );
  });

  it('says where it stopped when done early, and handles nothing to do', () => {
    const out = new Collector(false);
    const p = createProgress('tickets', 7, out);
    p.tick(3);
    p.done();
    p.tick();
    createProgress('empty', 0, out).done();
    assert.equal(out.text, 'tickets: 42% (3/7)\nempty: 100% (0/0)\n');
  });

  it('redraws one line on a terminal, at most once per percent, and ends it', () => {
    const out = new Collector(true, 80);
    const p = createProgress('users', 5000, out);
    for (let i = 0; i < 5000; i++) p.tick();
    p.done();
    assert.ok(out.writes <= 103, `${out.writes} writes`);
    assert.ok(out.text.endsWith('\n'));
    assert.equal(out.text.split('\n').length, 2, 'a single line');
    const frames = out.text.split('\r').filter((f) => f !== '');
    assert.equal(frames[0], `users [${'-'.repeat(30)}]   0% 0/5000\x1b[K`);
    assert.equal(frames.at(-1), `users [${'#'.repeat(30)}] 100% 5000/5000\x1b[K\n`);
  });

  it('drops the bar on a narrow terminal rather than wrap', () => {
    const out = new Collector(true, 20);
    const p = createProgress('low-fee tickets', 2, out);
    p.tick(2);
    p.done();
    assert.ok(out.text.endsWith('\rlow-fee tickets 100% 2/2\x1b[K\n'));
  });

  it('refuses nonsense counts', () => {
    assert.throws(() => createProgress('x', -1, new Collector(false)), RangeError);
    assert.throws(() => createProgress('x', 2, new Collector(false)).tick(-1), RangeError);
  });
});
