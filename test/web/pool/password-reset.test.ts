// Password reset through app.inject() over real SQLite and a real SMTP server: captcha, the same
// answer for a known and an unknown address, the 1 h single-use link, and what a new password
// ends (every session and every reset link of the account).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSmtpSink } from '../../helpers/smtp-sink.ts';
import type { SmtpSink } from '../../helpers/smtp-sink.ts';
import {
  client,
  csrfOf,
  linkIn,
  loggedIn,
  PASSWORD,
  poolHarness,
  register,
  solveCaptcha,
  userByEmail,
  verifiedUser,
} from './harness.ts';
import type { PoolHarness } from './harness.ts';

let smtp: SmtpSink;
const open: PoolHarness[] = [];
before(async () => {
  smtp = await startSmtpSink();
});
after(async () => {
  for (const h of open) await h.close();
  await smtp.close();
});

async function harness(): Promise<PoolHarness> {
  const h = await poolHarness({ smtp });
  open.push(h);
  return h;
}

/** Asks for a reset of `email` through the pages; returns the flash the next page shows. */
async function askReset(h: PoolHarness, email: string, ip?: string): Promise<string> {
  const c = client(h, ip);
  const page = await solveCaptcha(h, c, '/passwordreset');
  assert.match(page.body, /action="\/passwordreset"/);
  const res = await c.post('/passwordreset', { csrf: csrfOf(page.body), email });
  assert.equal(res.statusCode, 303, res.body);
  assert.equal(res.headers.location, '/login');
  const shown = (await c.get('/login')).body;
  return /<p class="flash[^>]*>([^<]*)<\/p>/.exec(shown)?.[1] ?? '';
}

async function resetLink(h: PoolHarness, email: string): Promise<string> {
  const count = h.smtp.messages.length;
  await askReset(h, email);
  const mail = await h.smtp.waitFor(
    (m) =>
      h.smtp.messages.indexOf(m) >= count &&
      m.rcptTo.includes(email) &&
      m.subject === 'Voting service password reset',
  );
  return linkIn(mail, '/passwordupdate');
}

async function setNewPassword(h: PoolHarness, link: string, password: string, c = client(h)) {
  const page = await c.get(link);
  assert.equal(page.statusCode, 200, page.body);
  const token = link.split('=')[1] as string;
  return c.post('/passwordupdate', {
    csrf: csrfOf(page.body),
    t: token,
    password,
    passwordrepeat: password,
  });
}

async function canLogIn(h: PoolHarness, email: string, password: string): Promise<boolean> {
  const c = client(h);
  const page = await c.get('/login');
  const res = await c.post('/login', { csrf: csrfOf(page.body), email, password });
  return res.statusCode === 303;
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
    const mail = await h.smtp.waitFor((m) => m.rcptTo.includes('mallory@example.org'));
    assert.equal(mail.subject, 'Voting service password reset');
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
    const token = second.split('=')[1] as string;
    const mismatch = await c.post('/passwordupdate', {
      csrf: csrfOf(page.body),
      t: token,
      password: 'new password 1',
      passwordrepeat: 'new password 2',
    });
    assert.equal(mismatch.statusCode, 400);
    assert.match(mismatch.body, /do not match/);
    const short = await c.post('/passwordupdate', {
      csrf: csrfOf(page.body),
      t: token,
      password: 'short',
      passwordrepeat: 'short',
    });
    assert.match(short.body, /at least 8 characters/);

    const count = h.smtp.messages.length;
    const res = await setNewPassword(h, second, 'brand new password', c);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/login');
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
    const confirmation = await h.smtp.waitFor(
      (m) =>
        h.smtp.messages.indexOf(m) >= count &&
        m.rcptTo.includes('niaj@example.org') &&
        m.subject === 'Voting service password change',
    );
    assert.match(confirmation.text, /was changed/);
  });

  it('stops working after one hour', async () => {
    const h = await harness();
    await verifiedUser(h, 'olivia@example.org');
    const link = await resetLink(h, 'olivia@example.org');
    h.clock.ms += 3600_000;
    const res = await client(h).get(link);
    assert.equal(res.statusCode, 400);
    const token = link.split('=')[1] as string;
    const c = client(h);
    const login = await c.get('/login');
    const post = await c.post('/passwordupdate', {
      csrf: csrfOf(login.body),
      t: token,
      password: 'brand new password',
      passwordrepeat: 'brand new password',
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
    const res = await c.post('/passwordupdate', {
      t: link.split('=')[1] as string,
      password: 'brand new password',
      passwordrepeat: 'brand new password',
    });
    assert.equal(res.statusCode, 403);
    assert.equal(await canLogIn(h, 'quinn@example.org', PASSWORD), true);
  });
});
