// /settings through app.inject() over real SQLite and a real SMTP server: the API token (made
// when first shown, revoke, regenerate), password change, and email change with its completion
// link (uniqueness re-checked, reset links and the owner's sessions ended).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getPoolUser } from '../../../src/db/pool-users.ts';
import { verifyApiToken } from '../../../src/pool/api-token.ts';
import { startSmtpSink } from '../../helpers/smtp-sink.ts';
import type { SmtpSink } from '../../helpers/smtp-sink.ts';
import {
  API_SECRET,
  BASE_URL,
  client,
  csrfOf,
  linkIn,
  loggedIn,
  PASSWORD,
  poolHarness,
  solveCaptcha,
  userByEmail,
  verifiedUser,
} from './harness.ts';
import type { Client, PoolHarness } from './harness.ts';

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

async function canLogIn(h: PoolHarness, email: string, password: string): Promise<boolean> {
  const c = client(h);
  const page = await c.get('/login');
  const res = await c.post('/login', { csrf: csrfOf(page.body), email, password });
  return res.statusCode === 303;
}

function tokenOn(body: string): string | undefined {
  return /id="apitoken-value">([^<]+)</.exec(body)?.[1];
}

async function post(c: Client, fields: Record<string, string>) {
  const page = await c.get('/settings');
  return c.post('/settings', { csrf: csrfOf(page.body), ...fields });
}

describe('settings page', () => {
  it('is for logged-in users only and never cached', async () => {
    const h = await harness();
    const anon = client(h);
    const res = await anon.get('/settings');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/login');
    assert.match((await anon.get('/login')).body, /Log in to see that page/);
    const posted = await h.app.inject({
      method: 'POST',
      url: '/settings',
      payload: 'action=revoke',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(posted.statusCode, 303);

    await verifiedUser(h, 'rose@example.org');
    const c = await loggedIn(h, 'rose@example.org');
    const page = await c.get('/settings');
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['cache-control'], 'private, no-store, no-cache');
    assert.match(page.body, /Your account uses <strong>rose@example\.org<\/strong>/);
  });

  it('refuses a post without the CSRF token, or with an unknown action', async () => {
    const h = await harness();
    await verifiedUser(h, 'sam@example.org');
    const c = await loggedIn(h, 'sam@example.org');
    const before = tokenOn((await c.get('/settings')).body);
    const res = await c.post('/settings', { action: 'revoke' });
    assert.equal(res.statusCode, 403);
    assert.equal(tokenOn((await c.get('/settings')).body), before);
    const unknown = await post(c, { action: 'delete everything' });
    assert.equal(unknown.statusCode, 400);
  });
});

describe('API token', () => {
  it('is made when first shown, and can be regenerated and revoked', async () => {
    const h = await harness();
    const user = await verifiedUser(h, 'tina@example.org');
    const c = await loggedIn(h, 'tina@example.org');
    const first = tokenOn((await c.get('/settings')).body);
    assert.ok(first !== undefined);
    assert.equal((await getPoolUser(h.database.db, user.id))?.apiToken, first);
    assert.deepEqual(await verifyApiToken(API_SECRET, first, { now: h.clock.ms / 1000 }), {
      userId: user.id,
      issuedAt: h.clock.ms / 1000,
    });
    const payload = JSON.parse(
      Buffer.from(first.split('.')[1] as string, 'base64url').toString(),
    ) as Record<string, unknown>;
    assert.equal(payload.iss, BASE_URL);
    assert.equal(payload.loggedInAs, user.id);
    // Shown again, it is the same token.
    assert.equal(tokenOn((await c.get('/settings')).body), first);

    // Regenerate in the same second still gives another token.
    const regen = await post(c, { action: 'regenerate' });
    assert.equal(regen.statusCode, 303);
    const page = await c.get('/settings');
    assert.match(page.body, /Here is your new API token/);
    const second = tokenOn(page.body);
    assert.ok(second !== undefined && second !== first);
    assert.equal((await getPoolUser(h.database.db, user.id))?.apiToken, second);

    // (Tokens are deterministic in their claims: a token made in the very second of an older
    // one is that one. Real clicks are seconds apart; the frozen test clock is moved.)
    h.clock.ms += 1000;
    const revoked = await post(c, { action: 'revoke' });
    assert.equal(revoked.statusCode, 200);
    assert.match(revoked.body, /Your API token is revoked/);
    assert.match(revoked.body, /Create a token/);
    assert.equal(tokenOn(revoked.body), undefined);
    assert.equal((await getPoolUser(h.database.db, user.id))?.apiToken, undefined);
    h.clock.ms += 1000;
    const created = await c.post('/settings', { csrf: csrfOf(revoked.body), action: 'regenerate' });
    assert.equal(created.statusCode, 303);
    const third = (await getPoolUser(h.database.db, user.id))?.apiToken;
    assert.ok(third !== undefined && third !== second && third !== first);
    assert.equal(tokenOn((await c.get('/settings')).body), third);
  });
});

describe('password change', () => {
  it('needs the current password and a good new one', async () => {
    const h = await harness();
    await verifiedUser(h, 'uma@example.org');
    const c = await loggedIn(h, 'uma@example.org');
    const cases: [Record<string, string>, RegExp][] = [
      [
        { password: 'wrong', newpassword: 'new password', newpasswordrepeat: 'new password' },
        /current password is not correct/,
      ],
      [{ password: PASSWORD, newpassword: 'short', newpasswordrepeat: 'short' }, /at least 8/],
      [
        { password: PASSWORD, newpassword: 'new password', newpasswordrepeat: 'other one!' },
        /do not match/,
      ],
      [{ updatePassword: 'true', password: PASSWORD, newpassword: 'x' }, /at least 8/],
    ];
    for (const [fields, message] of cases) {
      const res = await post(c, { action: 'password', ...fields });
      assert.equal(res.statusCode, 400, JSON.stringify(fields));
      assert.match(res.body, message);
    }
    assert.equal(await canLogIn(h, 'uma@example.org', PASSWORD), true);
  });

  it('limits wrong current passwords like logins', async () => {
    const h = await harness();
    await verifiedUser(h, 'vic@example.org');
    const c = await loggedIn(h, 'vic@example.org');
    for (let i = 0; i < 5; i++) {
      await post(c, {
        action: 'password',
        password: `nope ${i}`,
        newpassword: 'x',
        newpasswordrepeat: 'x',
      });
    }
    const res = await post(c, {
      action: 'password',
      password: PASSWORD,
      newpassword: 'new password',
      newpasswordrepeat: 'new password',
    });
    assert.equal(res.statusCode, 429);
    assert.match(res.body, /Too many wrong passwords/);
    assert.ok(res.headers['retry-after'] !== undefined);
  });

  it('changes it, ends the other sessions but not this one, and mails a confirmation', async () => {
    const h = await harness();
    await verifiedUser(h, 'wade@example.org');
    const c = await loggedIn(h, 'wade@example.org');
    const other = await loggedIn(h, 'wade@example.org', PASSWORD, '203.0.113.40');
    const count = h.smtp.messages.length;
    const res = await post(c, {
      action: 'password',
      password: PASSWORD,
      newpassword: 'a new password',
      newpasswordrepeat: 'a new password',
    });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/settings');
    const page = await c.get('/settings');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Your password is changed/);
    assert.equal((await other.get('/settings')).statusCode, 303, 'the other session ended');
    assert.equal(await canLogIn(h, 'wade@example.org', PASSWORD), false);
    assert.equal(await canLogIn(h, 'wade@example.org', 'a new password'), true);
    await h.smtp.waitFor(
      (m) =>
        h.smtp.messages.indexOf(m) >= count &&
        m.rcptTo.includes('wade@example.org') &&
        m.subject === 'Voting service password change',
    );
  });
});

describe('email change', () => {
  async function askChange(h: PoolHarness, c: Client, email: string, password = PASSWORD) {
    const page = await solveCaptcha(h, c, '/settings');
    assert.match(page.body, /name="action" value="email"/);
    return c.post('/settings', { csrf: csrfOf(page.body), action: 'email', email, password });
  }

  it('needs the captcha, the current password and a new valid address', async () => {
    const h = await harness();
    await verifiedUser(h, 'xena@example.org');
    const c = await loggedIn(h, 'xena@example.org');
    const first = await c.get('/settings');
    assert.match(first.body, /action="\/verifyhuman"/);
    const unsolved = await c.post('/settings', {
      csrf: csrfOf(first.body),
      action: 'email',
      email: 'new@example.org',
      password: PASSWORD,
    });
    assert.equal(unsolved.statusCode, 400);
    assert.match(unsolved.body, /You must complete the captcha/);

    const wrongPw = await askChange(h, c, 'new@example.org', 'wrong password');
    assert.equal(wrongPw.statusCode, 400);
    assert.match(wrongPw.body, /current password is not correct/);
    assert.match(wrongPw.body, /value="new@example\.org"/);
    const page = await c.get('/settings');
    const csrf = csrfOf(page.body);
    const bad = await c.post('/settings', {
      csrf,
      action: 'email',
      email: 'bad',
      password: PASSWORD,
    });
    assert.match(bad.body, /not a valid email/);
    const same = await c.post('/settings', {
      csrf,
      action: 'email',
      email: 'XENA@example.org',
      password: PASSWORD,
    });
    assert.match(same.body, /already your email address/);
    assert.equal((await userByEmail(h, 'xena@example.org')).email, 'xena@example.org');
  });

  it('mails a link to the new address and a notice to the old; the link completes it', async () => {
    const h = await harness();
    const user = await verifiedUser(h, 'yara@example.org');
    const c = await loggedIn(h, 'yara@example.org');
    const other = await loggedIn(h, 'yara@example.org', PASSWORD, '203.0.113.41');
    // A reset link from before the change must not survive it (#320).
    const reset = client(h);
    const resetPage = await solveCaptcha(h, reset, '/passwordreset');
    await reset.post('/passwordreset', { csrf: csrfOf(resetPage.body), email: 'yara@example.org' });
    const resetMail = await h.smtp.waitFor(
      (m) => m.rcptTo.includes('yara@example.org') && m.subject === 'Voting service password reset',
    );
    const resetPath = linkIn(resetMail, '/passwordupdate');

    const res = await askChange(h, c, 'Yara.New@example.org');
    assert.equal(res.statusCode, 303);
    assert.match((await c.get('/settings')).body, /We have sent a link to Yara\.New@example\.org/);
    const toNew = await h.smtp.waitFor((m) => m.rcptTo.includes('Yara.New@example.org'));
    assert.equal(toNew.subject, 'Voting service email change');
    const link = linkIn(toNew, '/emailupdate');
    const toOld = await h.smtp.waitFor(
      (m) => m.rcptTo.includes('yara@example.org') && m.subject === 'Voting service email change',
    );
    assert.match(toOld.text, /Yara\.New@example\.org/);
    assert.doesNotMatch(toOld.text, /emailupdate/);
    // Nothing changes before the link is opened.
    assert.equal((await userByEmail(h, 'yara@example.org')).id, user.id);

    // Opened by someone else's browser (another logged-in user): the OWNER's sessions end.
    await verifiedUser(h, 'zed@example.org');
    const zed = await loggedIn(h, 'zed@example.org');
    const done = await zed.get(link);
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, '/login');
    assert.match(
      (await zed.get('/login')).body,
      /Your email address is now Yara\.New@example\.org/,
    );
    assert.equal((await zed.get('/settings')).statusCode, 200, 'the opener stays logged in');
    assert.equal((await c.get('/settings')).statusCode, 303, 'the owner is logged out');
    assert.equal((await other.get('/settings')).statusCode, 303);

    const changed = await getPoolUser(h.database.db, user.id);
    assert.equal(changed?.email, 'Yara.New@example.org');
    assert.equal(changed?.emailVerified, 1);
    assert.equal(await canLogIn(h, 'yara.new@example.org', PASSWORD), true);
    assert.equal(await canLogIn(h, 'yara@example.org', PASSWORD), false);
    assert.equal((await client(h).get(resetPath)).statusCode, 400, 'reset link ended');
    assert.equal((await client(h).get(link)).statusCode, 400, 'single use');
  });

  it('does not tell whether the new address is taken, and re-checks it at the link', async () => {
    const h = await harness();
    const user = await verifiedUser(h, 'abe@example.org');
    await verifiedUser(h, 'taken@example.org');
    const c = await loggedIn(h, 'abe@example.org');
    const res = await askChange(h, c, 'TAKEN@example.org');
    assert.equal(res.statusCode, 303);
    assert.match((await c.get('/settings')).body, /We have sent a link to TAKEN@example\.org/);
    const mail = await h.smtp.waitFor((m) => m.rcptTo.includes('TAKEN@example.org'));
    const done = await client(h).get(linkIn(mail, '/emailupdate'));
    assert.equal(done.statusCode, 409);
    assert.match(done.body, /Another account uses this email address/);
    assert.equal((await getPoolUser(h.database.db, user.id))?.email, 'abe@example.org');
    assert.equal((await c.get('/settings')).statusCode, 200, 'nothing ended');
  });

  it('stops working after one hour', async () => {
    const h = await harness();
    const user = await verifiedUser(h, 'bea@example.org');
    const c = await loggedIn(h, 'bea@example.org');
    await askChange(h, c, 'bea2@example.org');
    const mail = await h.smtp.waitFor((m) => m.rcptTo.includes('bea2@example.org'));
    h.clock.ms += 3600_000;
    const res = await client(h).get(linkIn(mail, '/emailupdate'));
    assert.equal(res.statusCode, 400);
    assert.equal((await getPoolUser(h.database.db, user.id))?.email, 'bea@example.org');
  });
});
