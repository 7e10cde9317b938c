import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float32ForJson, VspStatsCache } from '../../src/vsp/stats.ts';
import type { TicketCounts } from '../../src/vsp/store.ts';
import { FakeDcrd, FakeWallets } from '../web/fixtures.ts';

function setup(counts: TicketCounts = { voting: 10, voted: 6, expired: 1, missed: 1 }) {
  const clock = { ms: 1_000_000 };
  const dcrd = new FakeDcrd();
  dcrd.best = { height: 500, sbits: 1n, poolSize: 100 };
  let loads = 0;
  const errors: unknown[] = [];
  const cache = new VspStatsCache({
    store: {
      ticketCounts: () => {
        loads++;
        return Promise.resolve({ ...counts });
      },
    },
    dcrd,
    wallets: new FakeWallets(['a'], 3),
    now: () => clock.ms,
    refreshMs: 60_000,
    onRefreshError: (e) => errors.push(e),
  });
  return { cache, clock, dcrd, loads: () => loads, errors };
}

describe('VspStatsCache', () => {
  it('computes the vspinfo numbers', async () => {
    const { cache } = setup();
    const s = await cache.get();
    assert.equal(s.generation, 1);
    assert.deepEqual(
      [
        s.voting,
        s.voted,
        s.expired,
        s.missed,
        s.blockHeight,
        s.totalVotingWallets,
        s.votingWalletsOnline,
      ],
      [10, 6, 1, 1, 500, 3, 1],
    );
    assert.equal(s.networkProportion, Math.fround(0.1));
    assert.equal(s.expiredProportion, Math.fround(1 / 8));
  });

  it('serves cached data within the refresh interval, then refreshes in the background', async () => {
    const { cache, clock, loads } = setup();
    await cache.get();
    clock.ms += 59_999;
    assert.equal((await cache.get()).generation, 1);
    assert.equal(loads(), 1);
    clock.ms += 1;
    const stale = await cache.get();
    assert.equal(stale.generation, 1, 'the stale value is returned at once');
    await cache.refresh();
    assert.equal(cache.peek()?.generation, 2);
    assert.equal(loads(), 2);
  });

  it('fails without data when dcrd reports an empty pool; keeps old data on later failures', async () => {
    const { cache, dcrd, clock, errors } = setup();
    dcrd.best = { ...dcrd.best, poolSize: 0 };
    await assert.rejects(cache.get(), /pool size of zero/);
    dcrd.best = { ...dcrd.best, poolSize: 100 };
    await cache.get();
    dcrd.best = { ...dcrd.best, poolSize: 0 };
    clock.ms += 120_000;
    assert.equal((await cache.get()).generation, 1);
    await new Promise((r) => setImmediate(r));
    assert.equal(errors.length, 1);
  });

  it('no ended tickets means zero proportions', async () => {
    const { cache } = setup({ voting: 0, voted: 0, expired: 0, missed: 0 });
    const s = await cache.get();
    assert.deepEqual([s.networkProportion, s.expiredProportion, s.missedProportion], [0, 0, 0]);
  });
});

describe('float32ForJson (Go float32 JSON)', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [0.1, '0.1'],
    [Math.fround(1 / 3), '0.33333334'],
    [Math.fround(123 / 40960), '0.0030029297'],
    [1, '1'],
    [0.5, '0.5'],
  ];
  for (const [x, want] of cases) {
    it(`${x} → ${want}`, () => {
      assert.equal(JSON.stringify(float32ForJson(x)), want);
      assert.equal(Math.fround(float32ForJson(x)), Math.fround(x));
    });
  }
});
