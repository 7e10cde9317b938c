// Login, logout and the server-side sessions behind them, through app.inject() over real SQLite:
// generic failure text, the shared failed-login limit, bcrypt hashes from dcrstakepool, session
// rotation, the 6 h life, POST-only logout that deletes the row.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import bcrypt from 'bcryptjs';
import { createPoolUser, setPoolUserMultisig } from '../../../src/db/pool-users.ts';
import { purgeExpiredWebSessions } from '../../../src/db/web-sessions.ts';
import {
  assertRedirect,
  client,
  csrfOf,
  loggedIn,
  PASSWORD,
  harnessesSharingSmtp,
  register,
  sessionOf,
  setCookies,
  tryLogin,
  userByEmail,
  verifiedUser,
} from './harness.ts';
import type { PoolHarness } from './harness.ts';

const harness = harnessesSharingSmtp();

async function sessionRows(h: PoolHarness) {
  return h.database.db.selectFrom('web_sessions').selectAll().execute();
}

describe('login', () => {
  it('logs a verified user in under a new session id and lands on /address', async () => {
    const h = await harness();
    const user = await verifiedUser(h, 'alice@example.org');
    const c = client(h);
    const page = await c.get('/login');
    assert.equal(page.headers['cache-control'], 'private, no-store, no-cache');
    const before = c.cookie as string;
    const res = await c.post('/login', {
      csrf: csrfOf(page.body),
      email: ' ALICE@example.org',
      password: PASSWORD,
    });
    assertRedirect(res, '/address');
    assert.notEqual(c.cookie, before);
    const s = await sessionOf(h, c);
    assert.equal(s?.userId, user.id);
    // The pre-login session is gone: an id planted before login is worth nothing after.
    const rows = await sessionRows(h);
    assert.equal(rows.length, 1);
    const planted = await h.app.inject({
      method: 'GET',
      url: '/settings',
      headers: { cookie: before },
    });
    assertRedirect(planted, '/login');

    const settings = await c.get('/settings');
    assert.equal(settings.statusCode, 200);
    assert.match(settings.body, /alice@example\.org/);
    assert.match(settings.body, /action="\/logout"/);
    assert.ok(h.logs.some((l) => l.msg === 'logged in'));
    // fastify's own request/response entries carry raw objects; ours must not hold the password.
    const own = h.logs.filter(
      (l) => !(typeof l.obj === 'object' && l.obj !== null && ('req' in l.obj || 'res' in l.obj)),
    );
    assert.ok(!inspect(own, { depth: 6 }).includes(PASSWORD), 'no password in the logs');
  });

  it('lands on /tickets once the user has a multisig address', async () => {
    const h = await harness();
    const user = await verifiedUser(h, 'bob@example.org');
    await setPoolUserMultisig(h.database.db, user.id, {
      address: 'TcfdqCrK2fiFJBZnGj5N6xs6rMsbQBsJBYf',
      script: '51210300',
      poolPubKeyAddr: 'TkKmrUaYVvYqBeYxCoaasKk9cEJjCMxRNaTcq5wNiThNTnFa4YeNs',
      userPubKeyAddr: 'TkKmrUaYVvYqBeYxCoaasKk9cEJjCMxRNaTcq5wNiThNTnFa4YeNs',
      feeAddress: 'TsR28UZRprhgQQhzWns2M6cAwchrNVvbYq2',
      heightRegistered: 100,
    });
    const res = await tryLogin(client(h), 'bob@example.org', PASSWORD);
    assertRedirect(res, '/tickets');
  });

  it('says the same for an unknown address and a wrong password', async () => {
    const h = await harness();
    await verifiedUser(h, 'carol@example.org');
    const wrong = await tryLogin(client(h), 'carol@example.org', 'not the password');
    const unknown = await tryLogin(client(h), 'nobody@example.org', PASSWORD);
    const empty = await tryLogin(client(h), '', '');
    for (const res of [wrong, unknown, empty]) {
      assert.equal(res.statusCode, 401);
      assert.match(res.body, /Invalid email or password\./);
      assert.doesNotMatch(res.body, /validate/);
    }
  });

  it('tells an unverified user to validate the address, only with the right password', async () => {
    const h = await harness();
    const link = await register(h, 'dave@example.org');
    const wrong = await tryLogin(client(h), 'dave@example.org', 'wrong password');
    assert.equal(wrong.statusCode, 401);
    const right = await tryLogin(client(h), 'dave@example.org', PASSWORD);
    assert.equal(right.statusCode, 403);
    assert.match(right.body, /You must validate your email address/);
    await h.app.inject({ method: 'GET', url: link });
    assert.equal((await tryLogin(client(h), 'dave@example.org', PASSWORD)).statusCode, 303);
  });

  it('lets grandfathered accounts (email_verified 2) in', async () => {
    const h = await harness();
    await createPoolUser(h.database.db, {
      email: 'old@example.org',
      passwordHash: await bcrypt.hash(PASSWORD, 4),
      emailVerified: 2,
      voteBits: 1,
      voteBitsVersion: 4,
    });
    assert.equal((await tryLogin(client(h), 'old@example.org', PASSWORD)).statusCode, 303);
  });

  it('accepts a dcrstakepool bcrypt hash and replaces it with scrypt', async () => {
    const h = await harness();
    // Go's bcrypt writes $2a$ hashes of cost 10.
    const imported = (await bcrypt.hash(PASSWORD, 10)).replace(/^\$2b\$/, '$2a$');
    await createPoolUser(h.database.db, {
      email: 'imported@example.org',
      passwordHash: imported,
      emailVerified: 1,
      voteBits: 1,
      voteBitsVersion: 4,
    });
    assert.equal((await tryLogin(client(h), 'imported@example.org', 'wrong')).statusCode, 401);
    assert.equal((await userByEmail(h, 'imported@example.org')).passwordHash, imported);
    assert.equal((await tryLogin(client(h), 'imported@example.org', PASSWORD)).statusCode, 303);
    const after = await userByEmail(h, 'imported@example.org');
    assert.match(after.passwordHash, /^scrypt\$/);
    assert.equal((await tryLogin(client(h), 'imported@example.org', PASSWORD)).statusCode, 303);
  });

  it('needs the CSRF token of the session the form came with', async () => {
    const h = await harness();
    await verifiedUser(h, 'erin@example.org');
    const c = client(h);
    await c.get('/login');
    const res = await c.post('/login', { email: 'erin@example.org', password: PASSWORD });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /expired/);
    assert.equal((await sessionOf(h, c))?.userId, undefined);
  });
});

describe('failed-login limit', () => {
  it('locks an account after 5 failures, even for the right password, for 15 minutes', async () => {
    const h = await harness();
    await verifiedUser(h, 'frank@example.org');
    for (let i = 0; i < 5; i++) {
      // From different addresses: the per-account count is what stops this.
      const res = await tryLogin(client(h, `203.0.113.${i + 1}`), 'frank@example.org', `g${i}`);
      assert.equal(res.statusCode, 401);
    }
    const blocked = await tryLogin(client(h, '203.0.113.99'), 'FRANK@example.org', PASSWORD);
    assert.equal(blocked.statusCode, 429);
    assert.equal(blocked.headers['retry-after'], '900');
    assert.match(blocked.body, /Too many failed logins\. Try again in 15 minutes/);
    h.clock.ms += 15 * 60_000;
    assert.equal((await tryLogin(client(h), 'frank@example.org', PASSWORD)).statusCode, 303);
  });

  it('limits one address to 20 failures across accounts', async () => {
    const h = await harness();
    await verifiedUser(h, 'grace@example.org');
    const ip = '198.51.100.50';
    for (let i = 0; i < 20; i++) {
      const res = await tryLogin(client(h, ip), `guess${i}@example.org`, 'nope');
      assert.equal(res.statusCode, 401, `guess ${i}`);
    }
    const blocked = await tryLogin(client(h, ip), 'grace@example.org', PASSWORD);
    assert.equal(blocked.statusCode, 429);
    assert.equal((await tryLogin(client(h), 'grace@example.org', PASSWORD)).statusCode, 303);
  });

  it('is shared by every instance: the counts live in the database', async () => {
    const h = await harness();
    await verifiedUser(h, 'heidi@example.org');
    for (let i = 0; i < 5; i++) await tryLogin(client(h), 'heidi@example.org', 'nope');
    const rows = await h.database.db.selectFrom('login_attempts').selectAll().execute();
    assert.ok(rows.some((r) => r.attempt_key === 'pool-email:heidi@example.org'));
  });
});

describe('sessions', () => {
  it('end 6 hours after login, used or not', async () => {
    const h = await harness();
    await verifiedUser(h, 'ivan@example.org');
    const c = await loggedIn(h, 'ivan@example.org');
    for (let i = 0; i < 5; i++) {
      h.clock.ms += 70 * 60_000;
      assert.equal((await c.get('/settings')).statusCode, 200, `after ${(i + 1) * 70} min`);
    }
    h.clock.ms += 11 * 60_000;
    const res = await c.get('/settings');
    assertRedirect(res, '/login');
  });

  it('store only the sha256 of the cookie value, and expired rows are purged', async () => {
    const h = await harness();
    await verifiedUser(h, 'judy@example.org');
    const c = await loggedIn(h, 'judy@example.org');
    const value = (c.cookie as string).slice('session='.length);
    const rows = await sessionRows(h);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.id_hash, createHash('sha256').update(value).digest('hex'));
    assert.ok(!rows.some((r) => Object.values(r).some((v) => String(v).includes(value))));
    h.clock.ms += 6 * 3600_000;
    assert.equal(await purgeExpiredWebSessions(h.database.db, Math.floor(h.clock.ms / 1000)), 1);
  });

  it('are made only when a page needs one', async () => {
    const h = await harness();
    for (const url of ['/', '/public/style.css', '/nope', '/emailverify?t=x']) {
      const res = await h.app.inject({ method: 'GET', url });
      assert.deepEqual(setCookies(res), [], url);
    }
    assert.equal((await sessionRows(h)).length, 0);
  });
});

describe('logout', () => {
  it('deletes the session row, starts a new anonymous one and says so', async () => {
    const h = await harness();
    await verifiedUser(h, 'kim@example.org');
    const c = await loggedIn(h, 'kim@example.org');
    const old = c.cookie as string;
    const settings = await c.get('/settings');
    const res = await c.post('/logout', { csrf: csrfOf(settings.body) });
    assertRedirect(res, '/login');
    assert.notEqual(c.cookie, old);
    assert.match((await c.get('/login')).body, /You are logged out\./);
    assert.equal((await c.get('/settings')).statusCode, 303);
    // A copy of the old cookie is worthless: its row is gone.
    const copied = await h.app.inject({
      method: 'GET',
      url: '/settings',
      headers: { cookie: old },
    });
    assert.equal(copied.statusCode, 303);
    const rows = await sessionRows(h);
    assert.ok(rows.every((r) => r.user_id === null));
  });

  it('is POST-only and needs the CSRF token', async () => {
    const h = await harness();
    await verifiedUser(h, 'leo@example.org');
    const c = await loggedIn(h, 'leo@example.org');
    const get = await c.get('/logout');
    assert.equal(get.statusCode, 405);
    assert.equal(get.headers.allow, 'POST');
    const none = await c.post('/logout', {});
    assert.equal(none.statusCode, 403);
    const wrong = await c.post('/logout', { csrf: 'x'.repeat(43) });
    assert.equal(wrong.statusCode, 403);
    assert.equal((await c.get('/settings')).statusCode, 200, 'still logged in');
  });
});
