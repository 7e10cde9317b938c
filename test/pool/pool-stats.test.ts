// The legacy pool's stats: the database reads on all three engines (ticket groups, user counts,
// votes per block for the subsidy sum), the numbers derived from them and dcrd, and the cache.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { netParams } from '../../src/dcr/params.ts';
import { addLowFeeTickets } from '../../src/db/pool-low-fee-tickets.ts';
import { insertPoolTickets, setPoolTicketOutcome } from '../../src/db/pool-tickets.ts';
import type { NewPoolTicket } from '../../src/db/pool-tickets.ts';
import { createPoolUser } from '../../src/db/pool-users.ts';
import {
  dbPoolStatsStore,
  loadPoolStats,
  PoolStatsCache,
  votesSubsidy,
} from '../../src/pool/pool-stats.ts';
import type { PoolStatsDcrd } from '../../src/pool/pool-stats.ts';
import { describeEachEngine, newHash } from '../db/engines.ts';

const NET = netParams('testnet3');

function ticket(userId: number, height: number, feeStatus: NewPoolTicket['feeStatus'] = 'ok') {
  return {
    hash: newHash(),
    userId,
    ticketAddress: 'TcStatsTest',
    purchaseHeight: height,
    purchaseBlock: randomBytes(32).toString('hex'),
    price: 100_00000000n,
    feePaid: 1n,
    feeRequired: 1n,
    feeStatus,
    ticketHex: '00',
  } satisfies NewPoolTicket;
}

const dcrd = (height: number, poolSize: number): PoolStatsDcrd => ({
  getBestBlockHeader: () => Promise.resolve({ height, poolSize }),
  getStakeDifficulty: () => Promise.resolve({ next: 2_50000000n }),
  mempoolTicketCount: () => Promise.resolve(4),
});

describeEachEngine('pool stats store', (get) => {
  test('votes per block, user counts and groups', async () => {
    const { db } = get();
    const u = await createPoolUser(db, {
      email: 'stats@example.org',
      passwordHash: 'x',
      emailVerified: 1,
      voteBits: 1,
      voteBitsVersion: 12,
    });
    assert.ok(u !== undefined);
    const voted = [ticket(u.id, 100), ticket(u.id, 101), ticket(u.id, 102)];
    const lowVoted = ticket(u.id, 103, 'low');
    const addedVoted = ticket(u.id, 104, 'low');
    const live = ticket(u.id, 200);
    await insertPoolTickets(db, [...voted, lowVoted, addedVoted, live]);
    assert.equal(await addLowFeeTickets(db, [addedVoted.hash], u.id), 1);
    const outcome = (hash: string, height: number) =>
      setPoolTicketOutcome(db, hash, { outcome: 'voted', height, spentBy: '' });
    await outcome(voted[0]!.hash, 2600);
    await outcome(voted[1]!.hash, 2600);
    await outcome(voted[2]!.hash, 2700);
    await outcome(lowVoted.hash, 2700);
    await outcome(addedVoted.hash, 2800);

    const store = dbPoolStatsStore(db);
    // The invalid (not added) vote is not the pool's.
    assert.deepEqual(
      [...(await store.votedHeights())].sort((a, b) => a[0] - b[0]),
      [
        [2600, 2],
        [2700, 1],
        [2800, 1],
      ],
    );
    assert.deepEqual(await store.userCounts(), { total: 1, active: 0 });

    const s = await loadPoolStats({ store, dcrd: dcrd(5000, 1000), net: NET, now: () => 7 });
    assert.equal(s.tickets.voted, 4);
    assert.equal(s.tickets.live, 1);
    assert.equal(s.tickets.invalid, 1);
    assert.equal(s.proportionLive, 1 / 1000);
    assert.equal(s.proportionMissed, 0);
    assert.equal(s.ticketPrice, 2_50000000n);
    assert.equal(s.allMempoolTix, 4);
    assert.equal(s.updatedAt, 7);
    assert.equal(
      s.totalSubsidy,
      votesSubsidy(NET, 2600, 2) + votesSubsidy(NET, 2700, 1) + votesSubsidy(NET, 2800, 1),
    );
  });
});

test('votesSubsidy: the parent height, under the split in force; nothing before stake validation', () => {
  assert.equal(votesSubsidy(NET, 0, 5), 0n);
  assert.equal(votesSubsidy(NET, 10, 5), 0n);
  assert.ok(votesSubsidy(NET, 2600, 1) > 0n);
  assert.equal(votesSubsidy(NET, 2600, 3), votesSubsidy(NET, 2600, 1) * 3n);
});

test('the cache: one load for concurrent callers, stale data while a refresh fails', async () => {
  let loads = 0;
  let fail = false;
  const clock = { ms: 0 };
  const cache = new PoolStatsCache({
    store: {
      ticketCounts: () => {
        loads++;
        return fail
          ? Promise.reject(new Error('db down'))
          : Promise.resolve({
              immature: 0,
              live: loads,
              voted: 0,
              missed: 0,
              expired: 0,
              revoked: 0,
              invalid: 0,
            });
      },
      userCounts: () => Promise.resolve({ total: 0, active: 0 }),
      votedHeights: () => Promise.resolve(new Map()),
    },
    dcrd: dcrd(10, 0),
    net: NET,
    now: () => clock.ms,
    refreshMs: 1000,
  });
  assert.equal(cache.peek(), undefined);
  const [a, b] = await Promise.all([cache.get(), cache.get()]);
  assert.equal(loads, 1);
  assert.equal(a, b);
  assert.equal(a.proportionLive, 0, 'a zero pool size gives 0, not NaN');
  clock.ms = 999;
  assert.equal(await cache.get(), a);
  assert.equal(loads, 1);
  fail = true;
  clock.ms = 1000;
  assert.equal(await cache.get(), a);
  await assert.rejects(cache.refresh(), /db down/);
  assert.equal(cache.peek(), a);
  fail = false;
  const fresh = await cache.refresh();
  assert.notEqual(fresh, a);
  assert.equal(cache.peek(), fresh);
});
