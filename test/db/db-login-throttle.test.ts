import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DbLoginThrottle } from '../../src/admin/db-login-throttle.ts';
import { getLoginAttempt } from '../../src/db/login-attempts.ts';
import { describeEachEngine } from './engines.ts';

const T0 = 1_750_000_000_000; // ms
const WINDOW_MS = 15 * 60_000;

/** A clock the test moves by hand. */
function clock(start = T0) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

let n = 0;
const ip = () => `192.0.2.${++n}`;

describeEachEngine('db login throttle', (get) => {
  it('refuses after maxFailures within the window, until the window ends', async () => {
    const { db } = get();
    const c = clock();
    const throttle = new DbLoginThrottle({ db, prefix: 'admin-ip:', maxFailures: 3, now: c.now });
    const client = ip();
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await throttle.check(client), { allowed: true });
      await throttle.failed(client);
      c.advance(1000);
    }
    // First failure at T0; now T0 + 3 s: 897 s of the window left.
    assert.deepEqual(await throttle.check(client), { allowed: false, retryAfterSeconds: 897 });
    c.advance(WINDOW_MS - 3000 - 1000);
    assert.deepEqual(await throttle.check(client), { allowed: false, retryAfterSeconds: 1 });
    c.advance(1000);
    assert.deepEqual(await throttle.check(client), { allowed: true });
    // The next failure opens a new window with one failure.
    await throttle.failed(client);
    assert.deepEqual(await throttle.check(client), { allowed: true });
    assert.equal((await getLoginAttempt(db, `admin-ip:${client}`))?.failures, 1);
  });

  it('forgets the failures on success', async () => {
    const { db } = get();
    const c = clock();
    const throttle = new DbLoginThrottle({ db, prefix: 'pool-ip:', maxFailures: 2, now: c.now });
    const client = ip();
    await throttle.failed(client);
    await throttle.succeeded(client);
    await throttle.failed(client);
    assert.deepEqual(await throttle.check(client), { allowed: true });
    await throttle.failed(client);
    assert.equal((await throttle.check(client)).allowed, false);
  });

  it('shares the count between instances (several serve processes)', async () => {
    const { db } = get();
    const c = clock();
    const opts = { db, prefix: 'pool-ip:', maxFailures: 4, windowMs: WINDOW_MS, now: c.now };
    const a = new DbLoginThrottle(opts);
    const b = new DbLoginThrottle(opts);
    const client = ip();
    await Promise.all([a.failed(client), b.failed(client), a.failed(client), b.failed(client)]);
    assert.equal((await a.check(client)).allowed, false);
    assert.equal((await b.check(client)).allowed, false);
  });

  it('keeps prefixes apart, and hashes keys too long for the column', async () => {
    const { db } = get();
    const c = clock();
    const byIp = new DbLoginThrottle({ db, prefix: 'pool-ip:', maxFailures: 1, now: c.now });
    const byEmail = new DbLoginThrottle({ db, prefix: 'pool-email:', maxFailures: 1, now: c.now });
    const subject = ip();
    await byIp.failed(subject);
    assert.equal((await byIp.check(subject)).allowed, false);
    assert.deepEqual(await byEmail.check(subject), { allowed: true });
    const email = `${'a'.repeat(240)}@example.org`;
    await byEmail.failed(email);
    assert.equal((await byEmail.check(email)).allowed, false);
    const other = `${'a'.repeat(239)}b@example.org`;
    assert.deepEqual(await byEmail.check(other), { allowed: true });
  });

  it('uses defaults of 5 failures per 15 minutes and validates options', async () => {
    const { db } = get();
    const c = clock();
    const throttle = new DbLoginThrottle({ db, prefix: 'admin-ip:', now: c.now });
    const client = ip();
    for (let i = 0; i < 4; i++) await throttle.failed(client);
    assert.deepEqual(await throttle.check(client), { allowed: true });
    await throttle.failed(client);
    assert.deepEqual(await throttle.check(client), { allowed: false, retryAfterSeconds: 900 });
    assert.throws(() => new DbLoginThrottle({ db, prefix: 'x', maxFailures: 0 }), /maxFailures:/);
    assert.throws(() => new DbLoginThrottle({ db, prefix: 'x', windowMs: 0 }), /windowMs:/);
    assert.throws(() => new DbLoginThrottle({ db, prefix: 'p'.repeat(65) }), /prefix:/);
  });
});
