import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  clearLoginAttempts,
  getLoginAttempt,
  purgeLoginAttempts,
  recordLoginFailure,
} from '../../src/db/login-attempts.ts';
import { createTestDatabase, describeEachEngine } from './engines.ts';

const NOW = 1_750_000_000;
const WINDOW = 900;

let n = 0;
const key = (kind = 'pool-ip') => `${kind}:10.0.${Math.floor(n / 250)}.${(n++ % 250) + 1}`;

describeEachEngine('login attempts', (get, engine) => {
  it('counts failures within the window and starts a new window after it', async () => {
    const { db } = get();
    const k = key();
    assert.equal(await getLoginAttempt(db, k), undefined);
    assert.deepEqual(await recordLoginFailure(db, k, NOW, WINDOW), {
      failures: 1,
      windowStart: NOW,
    });
    assert.deepEqual(await recordLoginFailure(db, k, NOW + 10, WINDOW), {
      failures: 2,
      windowStart: NOW,
    });
    assert.deepEqual(await recordLoginFailure(db, k, NOW + WINDOW - 1, WINDOW), {
      failures: 3,
      windowStart: NOW,
    });
    assert.deepEqual(await getLoginAttempt(db, k), { failures: 3, windowStart: NOW });
    // The window [NOW, NOW + WINDOW) is over: a failure now opens a fresh one.
    assert.deepEqual(await recordLoginFailure(db, k, NOW + WINDOW, WINDOW), {
      failures: 1,
      windowStart: NOW + WINDOW,
    });
  });

  it('counts every one of many concurrent failures', async () => {
    const { db } = get();
    const k = key();
    await Promise.all(Array.from({ length: 12 }, () => recordLoginFailure(db, k, NOW, WINDOW)));
    assert.deepEqual(await getLoginAttempt(db, k), { failures: 12, windowStart: NOW });
    // A burst that finds the window expired restarts it once, then counts on.
    const later = NOW + WINDOW + 5;
    await Promise.all(Array.from({ length: 6 }, () => recordLoginFailure(db, k, later, WINDOW)));
    assert.deepEqual(await getLoginAttempt(db, k), { failures: 6, windowStart: later });
  });

  it('keeps keys apart and clears one', async () => {
    const { db } = get();
    const a = key('admin-ip');
    const b = key('pool-email');
    await recordLoginFailure(db, a, NOW, WINDOW);
    await recordLoginFailure(db, b, NOW, WINDOW);
    await recordLoginFailure(db, b, NOW, WINDOW);
    assert.equal(await clearLoginAttempts(db, b), true);
    assert.equal(await getLoginAttempt(db, b), undefined);
    assert.equal(await clearLoginAttempts(db, b), false);
    assert.deepEqual(await getLoginAttempt(db, a), { failures: 1, windowStart: NOW });
  });

  it('validates keys and times', async () => {
    const { db } = get();
    await assert.rejects(recordLoginFailure(db, '', NOW, WINDOW), /TypeError: key:/);
    await assert.rejects(recordLoginFailure(db, 'k'.repeat(191), NOW, WINDOW), /TypeError: key:/);
    await assert.rejects(recordLoginFailure(db, 'k', -1, WINDOW), /RangeError: nowSec:/);
    await assert.rejects(recordLoginFailure(db, 'k', NOW, 0), /RangeError: windowSec:/);
    // The longest key fits the column on every engine.
    const long = 'k'.repeat(190);
    await recordLoginFailure(db, long, NOW, WINDOW);
    assert.equal((await getLoginAttempt(db, long))?.failures, 1);
  });

  it('purges counters whose window began before a time', async () => {
    const t = await createTestDatabase(engine);
    try {
      const { db } = t;
      await recordLoginFailure(db, 'old', NOW - 5000, WINDOW);
      await recordLoginFailure(db, 'new', NOW, WINDOW);
      assert.equal(await purgeLoginAttempts(db, NOW - WINDOW), 1);
      assert.equal(await getLoginAttempt(db, 'old'), undefined);
      assert.ok(await getLoginAttempt(db, 'new'));
    } finally {
      await t.drop();
    }
  });
});
