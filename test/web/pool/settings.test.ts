// /settings through app.inject() over real SQLite and a real SMTP server: the API token (made
// when first shown, revoke, regenerate), password change, and email change with its completion
// link (uniqueness re-checked, reset links and the owner's sessions ended).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getPoolUser } from '../../../src/db/pool-users.ts';
import { verifyApiToken } from '../../../src/pool/api-token.ts';
import {
  API_SECRET,
  assertRedirect,
  canLogIn,
  BASE_URL,
  client,
  csrfOf,
  linkIn,
  loggedIn,
  mailTo,
  PASSWORD,
  harnessesSharingSmtp,
  solveCaptcha,
  userByEmail,
  verifiedUser,
} from './harness.ts';
import type { Client, PoolHarness } from './harness.ts';

const harness = harnessesSharingSmtp();

function tokenOn(body: string): string | undefined {
  return /id="apitoken-value">([^<]+)</.exec(body)?.[1];
}

async function post(c: Client, fields: Record<string, string>) {
  const page = await c.get('/settings');
  return c.post('/settings', { csrf: csrfOf(page.body), ...fields });
}

/** The password form's fields: the current password, the new one and its repetition. */
function passwordChange(current: string, next: string, repeat = next): Record<string, string> {
  return { action: 'password', password: current, newpassword: next, newpasswordrepeat: repeat };
}

describe('settings page', () => {
  it('is for logged-in users only and never cached', async () => {
    const h = await harness();
    const anon = client(h);
    const res = await anon.get('/settings');
    assertRedirect(res, '/login');
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
      [passwordChange('wrong', 'new password'), /current password is not correct/],
      [passwordChange(PASSWORD, 'short'), /at least 8/],
      [passwordChange(PASSWORD, 'new password', 'other one!'), /do not match/],
      [{ updatePassword: 'true', password: PASSWORD, newpassword: 'x' }, /at least 8/],
    ];
    for (const [fields, message] of cases) {
      const res = await post(c, fields);
      assert.equal(res.statusCode, 400, JSON.stringify(fields));
      assert.match(res.body, message);
    }
    assert.equal(await canLogIn(h, 'uma@example.org', PASSWORD), true);
  });

  it('limits wrong current passwords like logins', async () => {
    const h = await harness();
    await verifiedUser(h, 'vic@example.org');
    const c = await loggedIn(h, 'vic@example.org');
    for (let i = 0; i < 5; i++) await post(c, passwordChange(`nope ${i}`, 'x'));
    const res = await post(c, passwordChange(PASSWORD, 'new password'));
    assert.equal(res.statusCode, 429);
    assert.match(res.body, /Too many wrong passwords/);
    assert.ok(res.headers['retry-after'] !== undefined);
  });

  it('changes it, ends the other sessions but not this one, and mails a confirmation', async () => {
    const h = await harness();
    await verifiedUser(h, 'wade@example.org');
    const c = await loggedIn(h, 'wade@example.org');
    const other = await loggedIn(h, 'wade@example.org', PASSWORD, '203.0.113.40');
    const since = h.smtp.messages.length;
    const res = await post(c, passwordChange(PASSWORD, 'a new password'));
    assertRedirect(res, '/settings');
    const page = await c.get('/settings');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Your password is changed/);
    assert.equal((await other.get('/settings')).statusCode, 303, 'the other session ended');
    assert.equal(await canLogIn(h, 'wade@example.org', PASSWORD), false);
    assert.equal(await canLogIn(h, 'wade@example.org', 'a new password'), true);
    await mailTo(h, 'wade@example.org', { since, subject: 'Voting service password change' });
  });
});

describe('email change', () => {
  /** The email form's fields: the new address and the current password. */
  function emailChange(email: string, password = PASSWORD): Record<string, string> {
    return { action: 'email', email, password };
  }

  async function askChange(h: PoolHarness, c: Client, email: string, password = PASSWORD) {
    const page = await solveCaptcha(h, c, '/settings');
    assert.match(page.body, /name="action" value="email"/);
    return c.post('/settings', { csrf: csrfOf(page.body), ...emailChange(email, password) });
  }

  it('needs the captcha, the current password and a new valid address', async () => {
    const h = await harness();
    await verifiedUser(h, 'xena@example.org');
    const c = await loggedIn(h, 'xena@example.org');
    const first = await c.get('/settings');
    assert.match(first.body, /action="\/verifyhuman"/);
    const unsolved = await c.post('/settings', {
      csrf: csrfOf(first.body),
      ...emailChange('new@example.org'),
    });
    assert.equal(unsolved.statusCode, 400);
    assert.match(unsolved.body, /You must complete the captcha/);

    const wrongPw = await askChange(h, c, 'new@example.org', 'wrong password');
    assert.equal(wrongPw.statusCode, 400);
    assert.match(wrongPw.body, /current password is not correct/);
    assert.match(wrongPw.body, /value="new@example\.org"/);
    const page = await c.get('/settings');
    const csrf = csrfOf(page.body);
    const bad = await c.post('/settings', { csrf, ...emailChange('bad') });
    assert.match(bad.body, /not a valid email/);
    const same = await c.post('/settings', { csrf, ...emailChange('XENA@example.org') });
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
    const resetMail = await mailTo(h, 'yara@example.org', {
      subject: 'Voting service password reset',
    });
    const resetPath = linkIn(resetMail, '/passwordupdate');

    const res = await askChange(h, c, 'Yara.New@example.org');
    assert.equal(res.statusCode, 303);
    assert.match((await c.get('/settings')).body, /We have sent a link to Yara\.New@example\.org/);
    const toNew = await mailTo(h, 'Yara.New@example.org');
    assert.equal(toNew.subject, 'Voting service email change');
    const link = linkIn(toNew, '/emailupdate');
    const toOld = await mailTo(h, 'yara@example.org', { subject: 'Voting service email change' });
    assert.match(toOld.text, /Yara\.New@example\.org/);
    assert.doesNotMatch(toOld.text, /emailupdate/);
    // Nothing changes before the link is opened.
    assert.equal((await userByEmail(h, 'yara@example.org')).id, user.id);

    // Opened by someone else's browser (another logged-in user): the OWNER's sessions end.
    await verifiedUser(h, 'zed@example.org');
    const zed = await loggedIn(h, 'zed@example.org');
    const done = await zed.get(link);
    assertRedirect(done, '/login');
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
    const mail = await mailTo(h, 'TAKEN@example.org');
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
    const mail = await mailTo(h, 'bea2@example.org');
    h.clock.ms += 3600_000;
    const res = await client(h).get(linkIn(mail, '/emailupdate'));
    assert.equal(res.statusCode, 400);
    assert.equal((await getPoolUser(h.database.db, user.id))?.email, 'bea@example.org');
  });
});
