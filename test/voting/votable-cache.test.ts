import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VotablePage, VotableTicket } from '../../src/db/pool-tickets.ts';
import type { JobLog } from '../../src/chain/log.ts';
import {
  VOTER_CACHE_FILE,
  VotableCache,
  writeFileAtomically,
} from '../../src/voting/votable-cache.ts';
import type { VotableCacheOptions } from '../../src/voting/votable-cache.ts';

function ticket(i: number, voteBits = 1): VotableTicket {
  const userId = (i % 3) + 1;
  return {
    hash: createHash('sha256').update(`cache ticket ${i}`).digest('hex'),
    userId,
    ticketHex: '0100' + createHash('sha256').update(`cache body ${i}`).digest('hex'),
    redeemScript: `5121${'02'.padEnd(66, String(userId))}21${'03'.padEnd(66, 'f')}52ae`,
    voteBits,
    voteBitsVersion: 11,
  };
}

/** allVotablePoolTickets over an array, with a switch to make it fail, counting pages. */
class FakeSource {
  pages: VotablePage[] = [];
  fail: Error | undefined;
  /** When set, every page waits for this. */
  gate: Promise<void> | undefined;
  constructor(public rows: VotableTicket[]) {}
  async allVotablePoolTickets(page: VotablePage): Promise<VotableTicket[]> {
    this.pages.push(page);
    if (this.gate !== undefined) await this.gate;
    if (this.fail !== undefined) throw this.fail;
    return [...this.rows]
      .sort((a, b) => (a.hash < b.hash ? -1 : 1))
      .filter((r) => r.hash > page.afterHash)
      .slice(0, page.limit);
  }
}

interface Line {
  level: string;
  obj: Record<string, unknown>;
  msg: string | undefined;
}

function recorder(): { lines: Line[]; log: JobLog } {
  const lines: Line[] = [];
  const at = (level: string) => (obj: object, msg?: string) =>
    lines.push({ level, obj: obj as Record<string, unknown>, msg });
  return {
    lines,
    log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
  };
}

/** A clock the test moves by hand. */
function clock(start = 1_760_000_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stakepool-votable-cache-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
function cache(source: FakeSource, o: Partial<VotableCacheOptions> = {}) {
  n++;
  return new VotableCache({
    source,
    network: 'simnet',
    file: join(dir, `case${n}`, VOTER_CACHE_FILE),
    pageSize: 4,
    ...o,
  });
}

describe('VotableCache', () => {
  it('reads every page, answers lookups, and writes the file (mode 0600, no temp left)', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => ticket(i));
    const source = new FakeSource(rows);
    const c = clock();
    const { lines, log } = recorder();
    const cc = cache(source, { now: c.now, log });
    assert.equal(cc.lookup([rows[0]!.hash]), undefined, 'nothing before the first refresh');
    assert.equal(await cc.refresh(), true);
    // 10 rows, 4 a page: 4, 4, 2.
    assert.deepEqual(
      source.pages.map((p) => p.limit),
      [4, 4, 4],
    );
    assert.equal(source.pages[0]!.afterHash, '');
    const sorted = [...rows].sort((a, b) => (a.hash < b.hash ? -1 : 1));
    assert.equal(source.pages[1]!.afterHash, sorted[3]!.hash);
    c.t += 90_000;
    const got = cc.lookup([rows[4]!.hash, 'ab'.repeat(32), rows[9]!.hash]);
    assert.deepEqual(got, {
      tickets: [rows[4], rows[9]],
      takenAt: c.t - 90_000,
      ageMs: 90_000,
    });
    assert.equal(cc.takenAt, c.t - 90_000);
    assert.ok(
      lines.some(
        (l) => l.msg === 'voter cache filled from the database' && l.obj['tickets'] === 10,
      ),
    );

    const file = join(dir, `case${n}`, VOTER_CACHE_FILE);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(join(dir, `case${n}`)), [VOTER_CACHE_FILE]);

    // A second cache on the same file (the next start, database down) reads it back.
    const reader = new VotableCache({
      source: new FakeSource([]),
      network: 'simnet',
      file,
      now: c.now,
    });
    assert.equal(await reader.loadFile(), true);
    assert.deepEqual(reader.lookup(rows.map((r) => r.hash))?.tickets, rows);
    assert.equal(reader.takenAt, cc.takenAt);
    // An older file does not replace a newer snapshot.
    assert.equal(await reader.loadFile(), false);
  });

  it('keeps the snapshot it has when a refresh fails, and says so', async () => {
    const rows = [ticket(1), ticket(2)];
    const source = new FakeSource(rows);
    const c = clock();
    const { lines, log } = recorder();
    const cc = cache(source, { now: c.now, log, file: undefined });
    assert.equal(await cc.refresh(), true);
    const takenAt = cc.takenAt;
    source.fail = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    source.rows = [ticket(3)];
    c.t += 120_000;
    assert.equal(await cc.refresh(), false);
    assert.equal(cc.takenAt, takenAt);
    assert.deepEqual(cc.lookup([rows[0]!.hash])?.tickets, [rows[0]]);
    const warn = lines.find(
      (l) => l.msg === 'voter cache refresh failed; keeping the older snapshot',
    );
    assert.deepEqual(warn?.obj, {
      err: 'connect ECONNREFUSED 127.0.0.1:5432',
      tickets: 2,
      ageS: 120,
    });
    // A failure half way through (page 2 of 3) keeps the old snapshot too.
    source.fail = undefined;
    source.rows = Array.from({ length: 10 }, (_, i) => ticket(i + 20));
    const pages = source.pages.length;
    const real = source.allVotablePoolTickets.bind(source);
    source.allVotablePoolTickets = (p) =>
      source.pages.length === pages + 1
        ? Promise.reject(new Error('server closed the connection'))
        : real(p);
    assert.equal(await cc.refresh(), false);
    assert.equal(cc.snapshot?.size, 2);
  });

  it('leaves a damaged row out, and keeps the others', async () => {
    const rows = [ticket(1), { ...ticket(2), ticketHex: '01zz' }, ticket(3)];
    const { lines, log } = recorder();
    const cc = cache(new FakeSource(rows), { file: undefined, log });
    assert.equal(await cc.refresh(), true);
    assert.equal(cc.snapshot?.size, 2);
    assert.deepEqual(cc.lookup(rows.map((r) => r.hash))?.tickets, [rows[0], rows[2]]);
    const warn = lines.find((l) => l.msg === 'voter cache: rows left out (not valid)');
    assert.equal(warn?.obj['skipped'], 1);
    assert.match(String(warn?.obj['err']), /ticketHex: must be a hex string/);
  });

  it('refreshes after a block at most once a minute, and on its own every 5 minutes', async () => {
    const source = new FakeSource([ticket(1)]);
    const c = clock();
    const cc = cache(source, { now: c.now, file: undefined });
    assert.equal(await cc.refreshIfDue(), true);
    const reads = () => source.pages.length;
    assert.equal(reads(), 1);
    c.t += 59_999;
    cc.blockHandled();
    assert.equal(await cc.refreshIfDue(60_000), false, 'within the minute');
    assert.equal(reads(), 1);
    c.t += 1;
    cc.blockHandled();
    await cc.refreshIfDue(); // shares the one under way
    assert.equal(reads(), 2);
    // The periodic check (every minute) refreshes only once the last attempt is 5 min old.
    c.t += 240_000;
    assert.equal(await cc.refreshIfDue(300_000), false);
    c.t += 60_000;
    assert.equal(await cc.refreshIfDue(300_000), true);
    assert.equal(reads(), 3);
    // A failed attempt counts: a database that is down is asked once a minute, not per block.
    source.fail = new Error('down');
    c.t += 60_000;
    assert.equal(await cc.refreshIfDue(), false);
    assert.equal(reads(), 4);
    c.t += 30_000;
    cc.blockHandled();
    assert.equal(await cc.refreshIfDue(), false);
    assert.equal(reads(), 4);
    await cc.stop();
    c.t += 600_000;
    assert.equal(await cc.refreshIfDue(), false, 'stopped');
    assert.equal(reads(), 4);
  });

  it('runs one refresh at a time: callers share it', async () => {
    const source = new FakeSource([ticket(1)]);
    let open!: () => void;
    source.gate = new Promise((resolve) => (open = resolve));
    const cc = cache(source, { file: undefined });
    const a = cc.refresh();
    const b = cc.refresh();
    const d = cc.refreshIfDue(0);
    open();
    assert.deepEqual(await Promise.all([a, b, d]), [true, true, true]);
    assert.equal(source.pages.length, 1);
  });

  it('start: from the database when it answers, from the file when it fails or is slow', async () => {
    const rows = [ticket(1), ticket(2, 5)];
    const file = join(dir, 'start', VOTER_CACHE_FILE);
    const first = cache(new FakeSource(rows), { file });
    await first.start();
    assert.equal(first.snapshot?.size, 2);
    await first.stop();

    // The database is down: the file from the last run.
    const down = new FakeSource([]);
    down.fail = new Error('connect ECONNREFUSED');
    const { lines, log } = recorder();
    const second = cache(down, { file, log });
    await second.start();
    await second.stop();
    assert.deepEqual(second.lookup([rows[1]!.hash])?.tickets, [rows[1]]);
    const loaded = lines.find((l) => l.msg?.startsWith('voter cache loaded from its file'));
    assert.equal(loaded?.obj['tickets'], 2);
    assert.equal(typeof loaded?.obj['ageS'], 'number');

    // The database hangs: the file after startupWaitMs, then the database's answer replaces it.
    const slow = new FakeSource([ticket(3)]);
    let open!: () => void;
    slow.gate = new Promise((resolve) => (open = resolve));
    const third = cache(slow, { file, startupWaitMs: 1 });
    await third.start();
    assert.equal(third.snapshot?.size, 2, 'from the file');
    open();
    await third.stop(); // waits for the refresh under way
    assert.equal(third.snapshot?.size, 1, 'from the database');
  });

  it('ignores a missing, damaged or foreign file, and logs why', async () => {
    const down = new FakeSource([]);
    down.fail = new Error('down');
    const sub = join(dir, 'bad');
    const file = join(sub, VOTER_CACHE_FILE);
    const { lines, log } = recorder();
    const missing = cache(down, { file, log });
    assert.equal(await missing.loadFile(), false);
    assert.equal(lines.at(-1)?.msg, 'no voter cache file yet');

    const good = cache(new FakeSource([ticket(1), ticket(2)]), { file });
    assert.equal(await good.refresh(), true);
    const bytes = await readFile(file);
    const flipped = Buffer.from(bytes);
    const at = Math.floor(flipped.length / 2);
    flipped[at] = flipped[at]! ^ 0xff;
    await writeFile(file, flipped);
    const damaged = cache(down, { file, log });
    assert.equal(await damaged.loadFile(), false);
    assert.equal(damaged.snapshot, undefined);
    assert.equal(lines.at(-1)?.msg, 'voter cache file ignored');
    assert.match(String(lines.at(-1)?.obj['err']), /checksum mismatch/);

    await writeFile(file, bytes);
    const foreign = cache(down, { file, log, network: 'mainnet' });
    assert.equal(await foreign.loadFile(), false);
    assert.match(String(lines.at(-1)?.obj['err']), /for network simnet, not mainnet/);

    // A start with a damaged file and no database: no snapshot, and no crash.
    await writeFile(file, flipped);
    const nothing = cache(down, { file, log });
    await nothing.start();
    await nothing.stop();
    assert.equal(nothing.lookup([ticket(1).hash]), undefined);
  });

  it('keeps the snapshot in memory when the file cannot be written', async () => {
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'a file where the directory should be');
    const { lines, log } = recorder();
    const cc = cache(new FakeSource([ticket(1)]), { file: join(blocker, VOTER_CACHE_FILE), log });
    assert.equal(await cc.refresh(), true);
    assert.equal(cc.snapshot?.size, 1);
    assert.equal(lines.at(-1)?.msg, 'cannot write the voter cache file');
  });
});

describe('writeFileAtomically', () => {
  it('replaces the file whole, with mode 0600, leaving no temporary file', async () => {
    const sub = join(dir, 'atomic');
    const file = join(sub, 'f.bin');
    await writeFileAtomically(file, [Buffer.from('one'), Buffer.from('-two')]);
    assert.equal(await readFile(file, 'utf8'), 'one-two');
    await writeFile(file, 'old', { mode: 0o644 });
    await writeFileAtomically(file, [Buffer.alloc(3 << 20, 7)]);
    assert.equal((await readFile(file)).length, 3 << 20);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(sub), ['f.bin']);
  });
});
