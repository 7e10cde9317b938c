// Password reset through app.inject() over real SQLite and a real SMTP server: captcha, the same
// answer for a known and an unknown address, the 1 h single-use link, and what a new password
// ends (every session and every reset link of the account).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertRedirect,
  canLogIn,
  client,
  csrfOf,
  flashOf,
  linkIn,
  loggedIn,
  mailTo,
  PASSWORD,
  harnessesSharingSmtp,
  register,
  solveCaptcha,
  userByEmail,
  verifiedUser,
} from './harness.ts';
import type { PoolHarness } from './harness.ts';

const harness = harnessesSharingSmtp();

const RESET_SUBJECT = 'Voting service password reset';

/** Asks for a reset of `email` through the pages; returns the flash the next page shows. */
async function askReset(h: PoolHarness, email: string, ip?: string): Promise<string> {
  const c = client(h, ip);
  const page = await solveCaptcha(h, c, '/passwordreset');
  assert.match(page.body, /action="\/passwordreset"/);
  const res = await c.post('/passwordreset', { csrf: csrfOf(page.body), email });
  assertRedirect(res, '/login');
  return flashOf((await c.get('/login')).body);
}

async function resetLink(h: PoolHarness, email: string): Promise<string> {
  const since = h.smtp.messages.length;
  await askReset(h, email);
  return linkIn(await mailTo(h, email, { since, subject: RESET_SUBJECT }), '/passwordupdate');
}

/** The fields of `link`'s new-password form, but the CSRF token. */
function newPassword(link: string, password: string, repeat = password): Record<string, string> {
  return { t: link.split('=')[1] as string, password, passwordrepeat: repeat };
}

async function setNewPassword(h: PoolHarness, link: string, password: string, c = client(h)) {
  const page = await c.get(link);
  assert.equal(page.statusCode, 200, page.body);
  return c.post('/passwordupdate', { csrf: csrfOf(page.body), ...newPassword(link, password) });
}

describe('password reset request', () => {
  it('needs the captcha first', async () => {
    const h = await harness();
    const c = client(h);
    const page = await c.get('/passwordreset');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /action="\/verifyhuman"/);
    assert.doesNotMatch(page.body, /action="\/passwordreset"/);
    const res = await c.post('/passwordreset', {
      csrf: csrfOf(page.body),
      email: 'x@example.org',
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /You must complete the captcha/);
  });

  it('answers the same for a known and an unknown address; only the known one gets mail', async () => {
    const h = await harness();
    await verifiedUser(h, 'mallory@example.org');
    const unknown = await askReset(h, 'nobody@example.org', '198.51.100.77');
    const known = await askReset(h, 'mallory@example.org', '198.51.100.77');
    assert.equal(
      unknown.replace('nobody@example.org', '<email>'),
      known.replace('mallory@example.org', '<email>'),
    );
    assert.match(known, /If an account uses <email>|If an account uses mallory@example\.org/);
    const mail = await mailTo(h, 'mallory@example.org');
    assert.equal(mail.subject, RESET_SUBJECT);
    assert.match(mail.text, /198\.51\.100\.77/);
    assert.match(mail.text, /within 1 hour/);
    // The unknown address's request sent nothing (the known one's mail came after it).
    assert.equal(h.smtp.messages.filter((m) => m.rcptTo.includes('nobody@example.org')).length, 0);
  });

  it('checks the address and keeps the captcha solved on a typo', async () => {
    const h = await harness();
    const c = client(h);
    const page = await solveCaptcha(h, c, '/passwordreset');
    const res = await c.post('/passwordreset', { csrf: csrfOf(page.body), email: 'no at sign' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /not a valid email/);
    assert.match(res.body, /action="\/passwordreset"/);
  });
});

describe('password update link', () => {
  it('sets the new password, ends every session and reset link of the account, and mails', async () => {
    const h = await harness();
    await verifiedUser(h, 'niaj@example.org');
    const elsewhere = await loggedIn(h, 'niaj@example.org');
    assert.equal((await elsewhere.get('/settings')).statusCode, 200);
    const first = await resetLink(h, 'niaj@example.org');
    const second = await resetLink(h, 'niaj@example.org');

    const c = client(h);
    const page = await c.get(second);
    assert.equal(page.headers['cache-control'], 'private, no-store, no-cache');
    assert.match(page.body, /Choose a new password/);
    const csrf = csrfOf(page.body);
    const mismatch = await c.post('/passwordupdate', {
      csrf,
      ...newPassword(second, 'new password 1', 'new password 2'),
    });
    assert.equal(mismatch.statusCode, 400);
    assert.match(mismatch.body, /do not match/);
    const short = await c.post('/passwordupdate', { csrf, ...newPassword(second, 'short') });
    assert.match(short.body, /at least 8 characters/);

    const since = h.smtp.messages.length;
    const res = await setNewPassword(h, second, 'brand new password', c);
    assertRedirect(res, '/login');
    assert.match((await c.get('/login')).body, /Your password is changed/);

    assert.equal(await canLogIn(h, 'niaj@example.org', PASSWORD), false);
    assert.equal(await canLogIn(h, 'niaj@example.org', 'brand new password'), true);
    // The session that was logged in elsewhere is over (#328).
    assert.equal((await elsewhere.get('/settings')).statusCode, 303);
    // Both links are used up: the one used, and the other one too.
    for (const link of [first, second]) {
      const again = await client(h).get(link);
      assert.equal(again.statusCode, 400, link);
      assert.match(again.body, /not valid/);
    }
    const confirmation = await mailTo(h, 'niaj@example.org', {
      since,
      subject: 'Voting service password change',
    });
    assert.match(confirmation.text, /was changed/);
  });

  it('stops working after one hour', async () => {
    const h = await harness();
    await verifiedUser(h, 'olivia@example.org');
    const link = await resetLink(h, 'olivia@example.org');
    h.clock.ms += 3600_000;
    const res = await client(h).get(link);
    assert.equal(res.statusCode, 400);
    const c = client(h);
    const login = await c.get('/login');
    const post = await c.post('/passwordupdate', {
      csrf: csrfOf(login.body),
      ...newPassword(link, 'brand new password'),
    });
    assert.equal(post.statusCode, 400);
    assert.equal(await canLogIn(h, 'olivia@example.org', PASSWORD), true);
  });

  it('counts as verifying the address of an unverified account', async () => {
    const h = await harness();
    await register(h, 'pat@example.org');
    const link = await resetLink(h, 'pat@example.org');
    assert.equal((await setNewPassword(h, link, 'brand new password')).statusCode, 303);
    assert.equal((await userByEmail(h, 'pat@example.org')).emailVerified, 1);
    assert.equal(await canLogIn(h, 'pat@example.org', 'brand new password'), true);
  });

  it('refuses malformed tokens and a post without the CSRF token', async () => {
    const h = await harness();
    await verifiedUser(h, 'quinn@example.org');
    for (const url of [
      '/passwordupdate',
      '/passwordupdate?t=abc',
      `/passwordupdate?t=${'0'.repeat(32)}`,
    ]) {
      const res = await h.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 400, url);
    }
    const link = await resetLink(h, 'quinn@example.org');
    const c = client(h);
    await c.get(link);
    const res = await c.post('/passwordupdate', newPassword(link, 'brand new password'));
    assert.equal(res.statusCode, 403);
    assert.equal(await canLogIn(h, 'quinn@example.org', PASSWORD), true);
  });
});
