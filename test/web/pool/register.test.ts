// Registration and email verification through app.inject(), over real SQLite and a real SMTP
// server: closed-pool gate, captcha, input checks, no account enumeration, single-use links.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getPoolUserByEmail } from '../../../src/db/pool-users.ts';
import { currentVoteVersion } from '../../../src/vsp/agendas.ts';
import { NET } from '../fixtures.ts';
import {
  assertRedirect,
  client,
  csrfOf,
  flashOf,
  linkIn,
  loggedIn,
  mailsTo,
  PASSWORD,
  harnessesSharingSmtp,
  register,
  registration,
  sessionCookie,
  setCookies,
  solveCaptcha,
  userByEmail,
} from './harness.ts';

const harness = harnessesSharingSmtp();

const PRIVATE = 'private, no-store, no-cache';

describe('register page', () => {
  it('starts a session only for the captcha, with a locked-down cookie and no caching', async () => {
    const h = await harness();
    const home = await h.app.inject({ method: 'GET', url: '/' });
    assert.equal(home.statusCode, 200);
    assert.equal(home.headers['set-cookie'], undefined, 'no session for a plain visit');

    const res = await h.app.inject({ method: 'GET', url: '/register' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], PRIVATE);
    const cookie = setCookies(res)[0] ?? '';
    assert.match(
      cookie,
      /^session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=21600; HttpOnly; SameSite=Lax$/,
    );
    assert.match(res.body, /<img\s+src="\/captcha\.svg\?v=1"/);
    assert.match(res.body, /action="\/verifyhuman"/);
    assert.doesNotMatch(res.body, /name="passwordrepeat"/, 'no form before the captcha');
  });

  it('marks the cookie Secure when configured', async () => {
    const h = await harness({ pool: { cookieSecure: true } });
    const res = await h.app.inject({ method: 'GET', url: '/register' });
    assert.match(setCookies(res)[0] ?? '', /; Secure;/);
  });

  it('shows only the closed message while the pool is closed, and refuses a post', async () => {
    const h = await harness({
      pool: { closePool: true, closePoolMsg: 'Closed <b>for now</b>' },
    });
    const res = await h.app.inject({ method: 'GET', url: '/register' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Closed &lt;b&gt;for now&lt;\/b&gt;/);
    assert.doesNotMatch(res.body, /<form method="post" action="\/register"/);
    assert.doesNotMatch(res.body, /captcha/);
    const c = client(h);
    const post = await c.post('/register', {
      ...registration('a@example.org'),
    });
    assert.equal(post.statusCode, 403);
    assert.match(post.body, /Closed &lt;b&gt;for now/);
    assert.equal(await getPoolUserByEmail(h.database.db, 'a@example.org'), undefined);
  });

  it('needs the captcha, then checks the email and the passwords, keeping the solve', async () => {
    const h = await harness();
    const c = client(h);
    let page = await c.get('/register');
    const unsolved = await c.post('/register', {
      csrf: csrfOf(page.body),
      ...registration('x@example.org'),
    });
    assert.equal(unsolved.statusCode, 400);
    assert.match(unsolved.body, /You must complete the captcha/);

    page = await solveCaptcha(h, c, '/register');
    assert.match(page.body, /name="passwordrepeat"/);
    assert.match(page.body, /At least 8 characters/);
    const csrf = csrfOf(page.body);
    const cases: [Record<string, string>, RegExp][] = [
      [registration('no-at-sign'), /not a valid email/],
      [registration('a b@example.org'), /not a valid/],
      [registration(''), /Enter your email/],
      [registration(`${'a'.repeat(250)}@example.org`), /at most 254/],
      [registration('x@example.org', 'short'), /at least 8/],
      [{ email: 'x@example.org', password: PASSWORD, passwordrepeat: `${PASSWORD}!` }, /match/],
      [{ email: 'x@example.org' }, /at least 8/],
    ];
    for (const [fields, message] of cases) {
      const res = await c.post('/register', { csrf, ...fields });
      assert.equal(res.statusCode, 400, JSON.stringify(fields));
      assert.match(res.body, message, JSON.stringify(fields));
      // The page comes back with the form (the captcha is still solved) and the typed address.
      assert.match(res.body, /name="passwordrepeat"/);
    }
    const typed = await c.post('/register', { csrf, email: 'me@example.org', password: 'x' });
    assert.match(typed.body, /value="me@example\.org"/);
    assert.equal(await getPoolUserByEmail(h.database.db, 'x@example.org'), undefined);
  });

  it('refuses a post without its session’s CSRF token', async () => {
    const h = await harness();
    const c = client(h);
    await solveCaptcha(h, c, '/register');
    const fields = registration('csrf@example.org');
    const none = await c.post('/register', fields);
    assert.equal(none.statusCode, 403);
    assert.match(none.body, /expired/);
    const other = client(h);
    const otherPage = await other.get('/register');
    const stolen = await c.post('/register', { ...fields, csrf: csrfOf(otherPage.body) });
    assert.equal(stolen.statusCode, 403);
    const bare = await h.app.inject({
      method: 'POST',
      url: '/register',
      payload: `email=csrf%40example.org&password=${PASSWORD}&passwordrepeat=${PASSWORD}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(bare.statusCode, 403);
    assert.equal(await getPoolUserByEmail(h.database.db, 'csrf@example.org'), undefined);
  });

  it('answers bad requests with a page, never a 500', async () => {
    const h = await harness();
    const json = await h.app.inject({
      method: 'POST',
      url: '/register',
      payload: '{"email":"a@example.org"}',
      headers: { 'content-type': 'application/json' },
    });
    assert.ok(json.statusCode >= 400 && json.statusCode < 500, String(json.statusCode));
    assert.match(String(json.headers['content-type']), /text\/html/);
    const huge = await h.app.inject({
      method: 'POST',
      url: '/register',
      payload: `email=${'a'.repeat(5000)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(huge.statusCode, 400);
    const empty = await h.app.inject({ method: 'POST', url: '/register' });
    assert.ok(empty.statusCode < 500, String(empty.statusCode));
  });
});

describe('registering', () => {
  it('creates an unverified account, mails a verification link and uses up the captcha', async () => {
    const h = await harness();
    const c = client(h);
    const page = await solveCaptcha(h, c, '/register');
    const res = await c.post('/register', {
      csrf: csrfOf(page.body),
      ...registration('  New.User@Example.org '),
    });
    assertRedirect(res, '/login');
    const login = await c.get('/login');
    assert.match(login.body, /We have sent an email to New\.User@Example\.org/);
    // The flash shows once.
    assert.doesNotMatch((await c.get('/login')).body, /We have sent an email/);

    const user = await userByEmail(h, 'new.user@example.org');
    assert.equal(user.email, 'New.User@Example.org');
    assert.equal(user.emailVerified, 0);
    assert.equal(user.voteBits, 1);
    assert.equal(user.voteBitsVersion, currentVoteVersion(NET.name));
    assert.match(user.passwordHash, /^scrypt\$/);
    assert.equal(user.apiToken, undefined);

    // (nodemailer lowercases the domain of the envelope address)
    const mail = await h.smtp.waitFor((m) =>
      m.rcptTo.some((r) => r.toLowerCase() === 'new.user@example.org'),
    );
    assert.equal(mail.subject, 'Voting service provider email verification');
    assert.match(mail.text, /IP address 192\.0\.2\.20/);
    linkIn(mail, '/emailverify');

    // One protected action per solve: the next registration needs a new one.
    const again = await c.get('/register');
    assert.doesNotMatch(again.body, /name="passwordrepeat"/);
    assert.match(again.body, /action="\/verifyhuman"/);
  });

  it('gives a known address the same answer, and mails its owner instead (#420)', async () => {
    const h = await harness();
    const verifyPath = await register(h, 'owner@example.org');
    await h.app.inject({ method: 'GET', url: verifyPath });

    const answers: string[] = [];
    for (const email of ['fresh@example.org', 'OWNER@example.org']) {
      const c = client(h, '198.51.100.4');
      const page = await solveCaptcha(h, c, '/register');
      const res = await c.post('/register', {
        csrf: csrfOf(page.body),
        ...registration(email, 'another password'),
      });
      assertRedirect(res, '/login');
      const flash = flashOf((await c.get('/login')).body);
      answers.push(flash.replace(email, '<email>'));
    }
    assert.equal(answers[0], answers[1]);
    assert.match(answers[0] ?? '', /We have sent an email to <email>/);

    // Still one account for the address, with its first password.
    const owner = await userByEmail(h, 'owner@example.org');
    assert.equal(owner.email, 'owner@example.org');
    await loggedIn(h, 'owner@example.org');
    const notice = await h.smtp.waitFor(
      (m) => m.rcptTo.includes('owner@example.org') && /tried to register/.test(m.text),
    );
    assert.match(notice.text, /198\.51\.100\.4/);
    assert.doesNotMatch(notice.text, /emailverify/);
  });

  it('mails a fresh link when the known address is not verified yet', async () => {
    const h = await harness();
    const first = await register(h, 'slow@example.org');
    const second = await register(h, 'slow@example.org', 'a different password');
    assert.notEqual(first, second);
    assert.equal(mailsTo(h, 'slow@example.org').length >= 2, true);
    // Either link verifies; the first password stays.
    const res = await h.app.inject({ method: 'GET', url: second });
    assert.equal(res.statusCode, 303);
    await loggedIn(h, 'slow@example.org', PASSWORD);
  });
});

describe('concurrent registrations', () => {
  it('all get an account with its own id', async () => {
    const h = await harness();
    const ready = await Promise.all(
      [0, 1, 2, 3, 4].map(async (i) => {
        const c = client(h, `203.0.113.${60 + i}`);
        const page = await solveCaptcha(h, c, '/register');
        return { c, csrf: csrfOf(page.body), email: `racer${i}@example.org` };
      }),
    );
    const results = await Promise.all(
      ready.map(({ c, csrf, email }) => c.post('/register', { csrf, ...registration(email) })),
    );
    assert.deepEqual(
      results.map((r) => r.statusCode),
      [303, 303, 303, 303, 303],
    );
    const ids = await Promise.all(ready.map(async ({ email }) => (await userByEmail(h, email)).id));
    assert.equal(new Set(ids).size, 5);
  });
});

describe('email verification link', () => {
  it('verifies once, then is refused', async () => {
    const h = await harness();
    const path = await register(h, 'verify@example.org');
    const c = client(h);
    const res = await c.get(path);
    assertRedirect(res, '/login');
    assert.ok(sessionCookie(res) !== undefined, 'a session for the flash');
    assert.match((await c.get('/login')).body, /Your email address is verified/);
    assert.equal((await userByEmail(h, 'verify@example.org')).emailVerified, 1);

    const again = await c.get(path);
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /not valid/);
  });

  it('refuses malformed, unknown and expired tokens', async () => {
    const h = await harness();
    const path = await register(h, 'late@example.org');
    const token = path.split('=')[1] as string;
    const flipped = token.replace(/^./, (ch) => (ch === 'a' ? 'b' : 'a'));
    for (const url of [
      '/emailverify',
      '/emailverify?t=',
      '/emailverify?t=xyz',
      `/emailverify?t=${token}0`,
      `/emailverify?t=${flipped}`,
      `/emailverify?t=${'z'.repeat(300)}`,
    ]) {
      const res = await h.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 400, url);
      assert.match(res.body, /not valid|could not be understood/, url);
    }
    h.clock.ms += 49 * 3600_000;
    const expired = await h.app.inject({ method: 'GET', url: path });
    assert.equal(expired.statusCode, 400);
    assert.equal((await userByEmail(h, 'late@example.org')).emailVerified, 0);
  });
});
