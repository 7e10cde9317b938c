// The legacy pool's account pages as a person uses them, in Debian's Chromium, against the app on
// 127.0.0.1 with real SQLite and a real SMTP server: register → captcha → email link → verify →
// login → settings → logout, with JavaScript off (the pages need none), and password reset and
// the API token buttons with it on.
//
// STAKEPOOL_SCREENSHOTS=1 also writes docs/screenshots/pool-*.png.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { getPoolUserByEmail } from '../../src/db/pool-users.ts';
import { getWebSession } from '../../src/db/web-sessions.ts';
import { linkIn, PASSWORD, poolHarness, verifiedUser } from '../web/pool/harness.ts';
import type { PoolHarness } from '../web/pool/harness.ts';
import { launchChromium, screenshot, watchedPage } from './chromium.ts';
import type { PageWatch } from './chromium.ts';

interface Site {
  h: PoolHarness;
  origin: string;
}

async function serve(): Promise<Site> {
  const h = await poolHarness();
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as AddressInfo;
  return { h, origin: `http://127.0.0.1:${port}` };
}

/** Nothing went wrong on the page, but for the console errors a test expects. */
function assertQuiet(watch: PageWatch, consoleErrors: RegExp[] = []): void {
  assert.deepEqual(watch.dialogs, [], 'no alert/confirm/prompt');
  assert.deepEqual(watch.pageErrors, [], 'no script errors');
  const unexpected = watch.consoleErrors.filter((e) => !consoleErrors.some((re) => re.test(e)));
  assert.deepEqual(unexpected, [], 'no other console errors');
  assert.deepEqual(watch.brokenResources, [], 'every stylesheet and image loads');
  assert.deepEqual(watch.offsite, [], 'nothing is fetched from another origin');
}

// Chromium logs a non-2xx document (a 4xx form answer, the /address page another part adds).
const DOCUMENT_STATUS = /^Failed to load resource: the server responded with a status of 4\d\d/;

/** The digits of the browser's captcha, read where the server keeps them. */
async function captchaDigits(site: Site, context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies(site.origin)).find((c) => c.name === 'session');
  assert.ok(cookie !== undefined, 'the browser has a session cookie');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Lax');
  const idHash = createHash('sha256').update(cookie.value).digest('hex');
  const s = await getWebSession(site.h.database.db, idHash, Math.floor(site.h.clock.ms / 1000));
  const digits = (s?.data.captcha as { digits?: unknown } | undefined)?.digits;
  assert.ok(typeof digits === 'string');
  return digits;
}

async function solveCaptcha(site: Site, page: Page, context: BrowserContext): Promise<void> {
  const img = page.locator('.captcha img');
  assert.equal(await img.count(), 1);
  await page.getByLabel('Digits in the picture').fill(await captchaDigits(site, context));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForLoadState('load');
}

async function flash(page: Page): Promise<string> {
  return (await page.locator('.flash').first().innerText()).replace(/\s+/g, ' ').trim();
}

async function logIn(page: Page, origin: string, email: string, password: string) {
  await page.goto(`${origin}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForLoadState('load');
}

let launched: Promise<Browser> | undefined;
const browser = (): Promise<Browser> => (launched ??= launchChromium());
after(async () => {
  const b = await launched?.catch(() => undefined);
  await b?.close();
});

describe('legacy pool accounts in Chromium', () => {
  let site: Site;
  before(async () => {
    site = await serve();
  });
  after(() => site?.h.close());

  it('register → captcha → email link → login → settings → logout, without JavaScript', async () => {
    const { h, origin } = site;
    const { page, context, watch } = await watchedPage(await browser(), origin, {
      javaScriptEnabled: false,
    });
    const email = 'chromium@example.org';
    try {
      await page.goto(`${origin}/`);
      await page.getByRole('link', { name: 'Create an account' }).click();
      assert.equal(new URL(page.url()).pathname, '/register');
      assert.equal(await page.title(), 'Register · Test Pool');
      // The captcha picture loads (a broken image would be in watch.brokenResources).
      assert.equal(await page.locator('.captcha img').getAttribute('width'), '257');
      await screenshot(page, 'pool-register-captcha');

      // A wrong answer: a new picture and a message.
      await page.getByLabel('Digits in the picture').fill('000000x');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForLoadState('load');
      assert.equal(await flash(page), 'Captcha verification failed. Please try again.');
      await solveCaptcha(site, page, context);

      // The form, with the password rule stated; passwords that differ get a message.
      assert.match(await page.locator('form.account-form').innerText(), /At least 8 characters/);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill('password one');
      await page.getByLabel('Repeat password').fill('password two');
      await screenshot(page, 'pool-register');
      await page.getByRole('button', { name: 'Register' }).click();
      await page.waitForLoadState('load');
      assert.equal(await page.getByRole('alert').innerText(), 'The passwords do not match.');
      assert.equal(await page.getByLabel('Email').inputValue(), email, 'address kept');

      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByLabel('Repeat password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Register' }).click();
      await page.waitForLoadState('load');
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.match(await flash(page), /We have sent an email to chromium@example\.org/);

      // Logging in before the address is verified is refused.
      await logIn(page, origin, email, PASSWORD);
      assert.match(await page.getByRole('alert').innerText(), /You must validate your email/);

      // The link from the mail the SMTP server received.
      const mail = await h.smtp.waitFor((m) => m.rcptTo.includes(email));
      await page.goto(`${origin}${linkIn(mail, '/emailverify')}`);
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(await flash(page), 'Your email address is verified. You can log in now.');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await screenshot(page, 'pool-login');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForLoadState('load');
      // dcrstakepool's landing page for a user without a multisig address (another part of the
      // legacy face serves it).
      assert.equal(new URL(page.url()).pathname, '/address');

      await page.goto(`${origin}/settings`);
      const nav = page.getByRole('navigation', { name: 'Account' });
      assert.equal(
        await nav.getByRole('link', { name: 'Settings' }).getAttribute('aria-current'),
        'page',
      );
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Settings');
      assert.match(await page.locator('#email').innerText(), /chromium@example\.org/);
      const token = await page.locator('#apitoken-value').innerText();
      const user = await getPoolUserByEmail(h.database.db, email);
      assert.equal(token, user?.apiToken);
      await screenshot(page, 'pool-settings');

      await nav.getByRole('button', { name: 'Log out' }).click();
      await page.waitForLoadState('load');
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(await flash(page), 'You are logged out.');
      await page.goto(`${origin}/settings`);
      assert.equal(new URL(page.url()).pathname, '/login');
      assertQuiet(watch, [DOCUMENT_STATUS]);
    } finally {
      await context.close();
    }
  });

  it('resets a forgotten password through the mailed link, and replaces the API token', async () => {
    const { h, origin } = site;
    const email = 'forgetful@example.org';
    await verifiedUser(h, email);
    const { page, context, watch } = await watchedPage(await browser(), origin);
    try {
      await page.goto(`${origin}/login`);
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await solveCaptcha(site, page, context);
      await page.getByLabel('Email').fill(email);
      await screenshot(page, 'pool-passwordreset');
      await page.getByRole('button', { name: 'Send the link' }).click();
      await page.waitForLoadState('load');
      assert.match(await flash(page), /If an account uses forgetful@example\.org/);

      const mail = await h.smtp.waitFor(
        (m) => m.rcptTo.includes(email) && m.subject === 'Voting service password reset',
      );
      await page.goto(`${origin}${linkIn(mail, '/passwordupdate')}`);
      await page.getByLabel('New password', { exact: true }).fill('a brand new password');
      await page.getByLabel('Repeat the new password').fill('a brand new password');
      await page.getByRole('button', { name: 'Set the password' }).click();
      await page.waitForLoadState('load');
      assert.equal(await flash(page), 'Your password is changed. Log in with the new one.');

      await logIn(page, origin, email, 'a brand new password');
      await page.goto(`${origin}/settings`);
      const before = await page.locator('#apitoken-value').innerText();
      h.clock.ms += 1000;
      await page.getByRole('button', { name: 'Regenerate' }).click();
      await page.waitForLoadState('load');
      const after = await page.locator('#apitoken-value').innerText();
      assert.notEqual(after, before);
      await page.getByRole('button', { name: 'Revoke' }).click();
      await page.waitForLoadState('load');
      assert.match(await flash(page), /Your API token is revoked/);
      assert.equal(await page.locator('#apitoken-value').count(), 0);
      assert.equal((await getPoolUserByEmail(h.database.db, email))?.apiToken, undefined);
      assertQuiet(watch, [DOCUMENT_STATUS]);
    } finally {
      await context.close();
    }
  });
});
