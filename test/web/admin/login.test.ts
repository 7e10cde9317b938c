// Admin login, sessions, CSRF, the failed-login limit and logout, through app.inject().
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import { hashPassword } from '../../../src/admin/password.ts';
import { adminHarness, browser, csrfOf, loggedIn, PASSWORD, setCookieHeader } from './harness.ts';
import type { AdminHarness, HarnessOptions } from './harness.ts';

const open: AdminHarness[] = [];
after(async () => {
  for (const h of open) await h.close();
});

async function harness(opts: HarnessOptions = {}): Promise<AdminHarness> {
  const h = await adminHarness(opts);
  open.push(h);
  return h;
}

describe('admin login', () => {
  it('shows a login form with a CSRF token and a locked-down session cookie', async () => {
    const h = await harness();
    const res = await h.app.inject({ method: 'GET', url: '/admin' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<form method="post" action="\/admin">/);
    assert.match(res.body, /type="password"/);
    assert.ok(csrfOf(res.body).length >= 40);
    const cookie = setCookieHeader(res);
    assert.match(cookie, /^stakepool_admin=/);
    assert.match(cookie, /; Path=\/admin/);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Lax/);
    assert.doesNotMatch(cookie, /Secure/);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.doesNotMatch(res.body, /VSP status/);
    const withQuery = await h.app.inject({ method: 'GET', url: '/admin?x=1' });
    assert.equal(withQuery.headers['cache-control'], 'no-store');
  });

  it('marks the cookie Secure when configured', async () => {
    const h = await harness({ admin: { cookieSecure: true } });
    const res = await h.app.inject({ method: 'GET', url: '/admin' });
    assert.match(setCookieHeader(res), /; Secure/);
  });

  it('logs in with the right password and starts a new session id', async () => {
    const h = await harness();
    const b = browser(h);
    const form = await b.get('/admin');
    const before = b.cookie;
    const res = await b.post('/admin', { password: PASSWORD, csrf: csrfOf(form.body) });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/admin');
    assert.notEqual(b.cookie, before, 'session id changed');
    // The pre-login id is gone from the database: planting it gets an attacker nothing.
    const planted = await h.app.inject({
      method: 'GET',
      url: '/admin',
      headers: { cookie: before as string },
    });
    assert.doesNotMatch(planted.body, /VSP status/);
    const page = await b.get('/admin');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1>VSP status<\/h1>/);
    assert.match(page.body, /action="\/admin\/logout"/);
    assert.ok(h.logs.some((l) => l.msg === 'admin logged in'));
    // fastify's own request/response entries carry raw objects only a serializer trims; ours:
    const own = h.logs.filter(
      (l) => !(typeof l.obj === 'object' && l.obj !== null && ('req' in l.obj || 'res' in l.obj)),
    );
    assert.ok(!inspect(own, { depth: 6 }).includes(PASSWORD), 'no password in the logs');
  });

  it('refuses a wrong password with 401 and stays logged out', async () => {
    const h = await harness();
    const b = browser(h);
    const form = await b.get('/admin');
    const res = await b.post('/admin', { password: 'wrong', csrf: csrfOf(form.body) });
    assert.equal(res.statusCode, 401);
    assert.match(res.body, /Incorrect password/);
    const page = await b.get('/admin');
    assert.doesNotMatch(page.body, /VSP status/);
    // An empty password is just another wrong one.
    const empty = await b.post('/admin', { password: '', csrf: csrfOf(page.body) });
    assert.equal(empty.statusCode, 401);
  });

  it('rejects a login without the CSRF token of its own session', async () => {
    const h = await harness();
    // No token at all.
    const b = browser(h);
    await b.get('/admin');
    const none = await b.post('/admin', { password: PASSWORD });
    assert.equal(none.statusCode, 403);
    assert.match(none.body, /expired/);
    assert.doesNotMatch((await b.get('/admin')).body, /VSP status/);
    // No cookie: a cross-site form post carries no session.
    const other = browser(h);
    const page = await other.get('/admin');
    const bare = await h.app.inject({
      method: 'POST',
      url: '/admin',
      payload: `password=${encodeURIComponent(PASSWORD)}&csrf=${csrfOf(page.body)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(bare.statusCode, 403);
    // Another session's token.
    const c = browser(h);
    await c.get('/admin');
    const stolen = await c.post('/admin', { password: PASSWORD, csrf: csrfOf(page.body) });
    assert.equal(stolen.statusCode, 403);
    assert.doesNotMatch((await c.get('/admin')).body, /VSP status/);
  });

  it('ignores a forged or tampered cookie', async () => {
    const h = await harness();
    const { b } = await loggedIn(h);
    const cookie = b.cookie as string;
    // A well-formed id that no session has.
    const forged = `stakepool_admin=${randomBytes(32).toString('base64url')}`;
    // Change the id's last character to one it is not already.
    const tampered = cookie.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A'));
    assert.notEqual(tampered, cookie);
    for (const c of [forged, `${cookie}x`, tampered, 'stakepool_admin=garbage']) {
      const res = await h.app.inject({ method: 'GET', url: '/admin', headers: { cookie: c } });
      assert.doesNotMatch(res.body, /VSP status/, c);
    }
  });

  it('ends a session after the idle timeout, and at the absolute limit', async () => {
    const h = await harness({ admin: { sessionIdleMs: 3600_000, sessionMaxMs: 3 * 3600_000 } });
    const { b } = await loggedIn(h);
    // Used every 40 minutes: the cookie is renewed and the session lives on…
    for (let i = 0; i < 4; i++) {
      h.clock.ms += 40 * 60_000;
      assert.match((await b.get('/admin')).body, /VSP status/, `after ${(i + 1) * 40} min`);
    }
    // …but not past 3 hours after login.
    h.clock.ms += 15 * 60_000;
    assert.match((await b.get('/admin')).body, /VSP status/, 'at 2 h 55 min');
    h.clock.ms += 10 * 60_000;
    assert.doesNotMatch((await b.get('/admin')).body, /VSP status/);

    const idle = await loggedIn(h);
    h.clock.ms += 61 * 60_000;
    assert.doesNotMatch((await idle.b.get('/admin')).body, /VSP status/);
  });

  it('ends every session when the admin password changes', async () => {
    const h = await harness();
    const { b } = await loggedIn(h);
    const request = (app: AdminHarness) =>
      app.app.inject({ method: 'GET', url: '/admin', headers: { cookie: b.cookie as string } });
    // Another server over the same database (a restart, or a second instance) with the same
    // password accepts the session…
    const same = await harness({ database: h.database });
    assert.match((await request(same)).body, /VSP status/);
    // …and one started with another password ends it, for every instance.
    const changed = await harness({
      database: h.database,
      admin: { passwordHash: await hashPassword('a new password', { N: 1024, r: 8, p: 1 }) },
    });
    assert.doesNotMatch((await request(changed)).body, /VSP status/);
    assert.doesNotMatch((await request(h)).body, /VSP status/);
    assert.ok(changed.logs.some((l) => l.msg === 'admin password changed: admin sessions ended'));
  });

  it('keeps sessions in the database: only the hash of the cookie value is stored', async () => {
    const h = await harness();
    const { b } = await loggedIn(h);
    const value = (b.cookie as string).split('=')[1] as string;
    assert.match(value, /^[A-Za-z0-9_-]{43}$/);
    const rows = await h.database.db.selectFrom('web_sessions').selectAll().execute();
    const admin = rows.filter((r) => Number(r.admin) === 1);
    assert.equal(admin.length, 1);
    assert.equal(admin[0]?.id_hash, createHash('sha256').update(value).digest('hex'));
    assert.ok(!rows.some((r) => Object.values(r).some((v) => String(v).includes(value))));
  });
});

describe('failed-login limit', () => {
  it('refuses an address after 5 failures, even with the right password, until the window ends', async () => {
    const h = await harness();
    const b = browser(h, '198.51.100.7');
    let page = await b.get('/admin');
    for (let i = 0; i < 5; i++) {
      const res = await b.post('/admin', { password: `guess ${i}`, csrf: csrfOf(page.body) });
      assert.equal(res.statusCode, 401, `guess ${i}`);
      page = res;
    }
    const blocked = await b.post('/admin', { password: PASSWORD, csrf: csrfOf(page.body) });
    assert.equal(blocked.statusCode, 429);
    assert.match(blocked.body, /Too many failed attempts/);
    assert.equal(blocked.headers['retry-after'], '900');
    assert.doesNotMatch((await b.get('/admin')).body, /VSP status/);

    // Another address is not affected.
    await loggedIn(h, '198.51.100.8');

    // The window ends 15 minutes after the first failure.
    h.clock.ms += 15 * 60_000;
    page = await b.get('/admin');
    const ok = await b.post('/admin', { password: PASSWORD, csrf: csrfOf(page.body) });
    assert.equal(ok.statusCode, 303);
  });

  it('forgets the failures of an address after a successful login', async () => {
    const h = await harness();
    const b = browser(h, '198.51.100.9');
    let page = await b.get('/admin');
    for (let i = 0; i < 4; i++) {
      page = await b.post('/admin', { password: 'nope', csrf: csrfOf(page.body) });
    }
    assert.equal(
      (await b.post('/admin', { password: PASSWORD, csrf: csrfOf(page.body) })).statusCode,
      303,
    );
    const again = browser(h, '198.51.100.9');
    page = await again.get('/admin');
    for (let i = 0; i < 4; i++) {
      page = await again.post('/admin', { password: 'nope', csrf: csrfOf(page.body) });
      assert.equal(page.statusCode, 401);
    }
  });

  it('keys on the configured real-IP header behind a proxy', async () => {
    const h = await harness({ admin: { realIpHeader: 'X-Real-IP' } });
    const attacker = browser(h, '127.0.0.1');
    let page = await attacker.get('/admin');
    for (let i = 0; i < 5; i++) {
      page = await attacker.post(
        '/admin',
        { password: 'nope', csrf: csrfOf(page.body) },
        { 'x-real-ip': '203.0.113.5' },
      );
    }
    const blocked = await attacker.post(
      '/admin',
      { password: PASSWORD, csrf: csrfOf(page.body) },
      { 'x-real-ip': '203.0.113.5' },
    );
    assert.equal(blocked.statusCode, 429);
    // Same proxy socket address, another client behind it.
    const user = browser(h, '127.0.0.1');
    page = await user.get('/admin');
    const ok = await user.post(
      '/admin',
      { password: PASSWORD, csrf: csrfOf(page.body) },
      { 'x-real-ip': '203.0.113.6' },
    );
    assert.equal(ok.statusCode, 303);
  });
});

describe('admin logout', () => {
  it('is POST-only: GET neither logs out nor succeeds', async () => {
    const h = await harness();
    const { b } = await loggedIn(h);
    const res = await b.get('/admin/logout');
    assert.equal(res.statusCode, 405);
    assert.equal(res.headers.allow, 'POST');
    assert.match((await b.get('/admin')).body, /VSP status/);
  });

  it('needs the session’s CSRF token', async () => {
    const h = await harness();
    const { b } = await loggedIn(h);
    const none = await b.post('/admin/logout', {});
    assert.equal(none.statusCode, 403);
    const wrong = await b.post('/admin/logout', { csrf: 'x'.repeat(43) });
    assert.equal(wrong.statusCode, 403);
    assert.match((await b.get('/admin')).body, /VSP status/);
  });

  it('ends the session with the token', async () => {
    const h = await harness();
    const { b, csrf } = await loggedIn(h);
    const res = await b.post('/admin/logout', { csrf });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/admin');
    assert.match(setCookieHeader(res), /^stakepool_admin=; Path=\/admin; Max-Age=0/);
    const page = await b.get('/admin');
    assert.doesNotMatch(page.body, /VSP status/);
    assert.match(page.body, /type="password"/);
    // Pages behind the login now send the browser to the form.
    const ticket = await b.get('/admin/ticket');
    assert.equal(ticket.statusCode, 303);
    assert.equal(ticket.headers.location, '/admin');
  });
});
