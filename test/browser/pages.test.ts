// The pages as a person uses them, in Debian's Chromium: the home page (with and without
// JavaScript), the admin login, status page, ticket search and logout, over a real SQLite
// database and fake nodes, served on 127.0.0.1. Markup from the configuration or the database
// must show as text and never run.
//
// STAKEPOOL_SCREENSHOTS=1 also writes docs/screenshots/{home,admin-status,admin-ticket}.png.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { insertAltSignAddress } from '../../src/db/vsp-alt-sign.ts';
import { getTicket, insertTicket } from '../../src/db/vsp-tickets.ts';
import type { NewTicket } from '../../src/db/vsp-tickets.ts';
import { appendVoteChange } from '../../src/db/vsp-vote-changes.ts';
import { adminHarness, PASSWORD } from '../web/admin/harness.ts';
import type { AdminHarness, HarnessOptions } from '../web/admin/harness.ts';
import { newFeeTx, newKey, newTicket } from '../web/fixtures.ts';
import type { TicketFixture } from '../web/fixtures.ts';
import { launchChromium, screenshot, watchedPage } from './chromium.ts';
import type { PageWatch } from './chromium.ts';

const FEE = 1_234_567n;

interface Site {
  h: AdminHarness;
  origin: string;
  close(): Promise<void>;
}

/** The admin harness's app, listening on a free port of 127.0.0.1. */
async function serve(opts: HarnessOptions): Promise<Site> {
  const h = await adminHarness(opts);
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as AddressInfo;
  return { h, origin: `http://127.0.0.1:${port}`, close: () => h.close() };
}

/**
 * Stores a ticket in SQLite (what the admin pages read) and the same record in the VSP store the
 * home page's statistics count.
 */
async function storeTicket(
  h: AdminHarness,
  t: TicketFixture,
  fields: Partial<NewTicket> = {},
): Promise<void> {
  const feeAddress = newKey().address;
  await insertTicket(h.database.db, {
    hash: t.hash,
    commitmentAddress: t.commitment.address,
    feeAddressXpubId: 0,
    feeAddressIndex: h.store.tickets.size,
    feeAddress,
    feeAmount: FEE,
    feeExpiration: 1_767_229_200,
    feeTxHex: newFeeTx(feeAddress, FEE),
    feeTxStatus: 'confirmed',
    votingWif: t.voting.wif,
    confirmed: true,
    purchaseHeight: 1_199_000,
    ...fields,
  });
  const stored = await getTicket(h.database.db, t.hash);
  assert.ok(stored !== undefined);
  h.store.tickets.set(t.hash, stored);
}

/** The value cell of the table row whose header reads exactly `label` (or matches it). */
function cell(page: Page, label: string | RegExp) {
  const header = typeof label === 'string' ? new RegExp(`^\\s*${label}\\s*$`) : label;
  return page
    .locator('tr')
    .filter({ has: page.locator('th', { hasText: header }) })
    .locator('td')
    .first();
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();
}

/** Nothing went wrong on the page, but for the console errors a test expects. */
function assertQuiet(watch: PageWatch, consoleErrors: string[] = []): void {
  assert.deepEqual(watch.dialogs, [], 'no alert/confirm/prompt');
  assert.deepEqual(watch.pageErrors, [], 'no script errors');
  assert.deepEqual(watch.consoleErrors, consoleErrors, 'no other console errors');
  assert.deepEqual(watch.brokenResources, [], 'every stylesheet and image loads');
  assert.deepEqual(watch.offsite, [], 'nothing is fetched from another origin');
}

async function logIn(page: Page, origin: string, password = PASSWORD): Promise<number> {
  await page.goto(`${origin}/admin`);
  await page.getByLabel('Password').fill(password);
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === `${origin}/admin`),
    page.getByRole('button', { name: 'Log in' }).click(),
  ]);
  await page.waitForLoadState('load');
  return res.status();
}

async function searchTicket(page: Page, hash: string): Promise<void> {
  await page.getByRole('link', { name: 'Ticket search' }).click();
  await page.getByLabel('Ticket hash').fill(hash);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL((url) => url.searchParams.get('hash') === hash);
}

// Launched by the first test that needs it, so that a missing Chromium fails every test with the
// launch error (a failing hook would only mark them cancelled).
let launched: Promise<Browser> | undefined;
const browser = (): Promise<Browser> => (launched ??= launchChromium());
after(async () => {
  const b = await launched?.catch(() => undefined);
  await b?.close();
});

describe('pages in Chromium', () => {
  let site: Site;
  const main = newTicket();
  const altAddress = newKey().address;

  before(async () => {
    site = await serve({ config: { vspFee: 2.5, designation: 'Test VSP' } });
    const { h } = site;
    await storeTicket(h, main, {
      feeTxStatus: 'broadcast',
      voteChoices: { treasury: 'yes', autorevocations: 'abstain' },
      treasuryPolicy: { '03abcdef': 'no' },
    });
    await storeTicket(h, newTicket());
    await storeTicket(h, newTicket());
    await storeTicket(h, newTicket(), { outcome: 'voted', outcomeHeight: 1_200_100 });
    await appendVoteChange(h.database.db, main.hash, {
      request: JSON.stringify({ timestamp: 1_767_225_600, tickethash: main.hash }),
      requestSignature: 'H/request-signature==',
      response: JSON.stringify({ timestamp: 1_767_225_601, request: 'base64' }),
      responseSignature: 'response-signature==',
    });
    await insertAltSignAddress(h.database.db, {
      ticketHash: main.hash,
      address: altAddress,
      request: JSON.stringify({ altsignaddress: altAddress }),
      requestSignature: 'alt-request-signature',
      response: JSON.stringify({ ok: true }),
      responseSignature: 'alt-response-signature',
    });
  });
  after(() => site?.close());

  /** What the home page must show, with or without JavaScript. */
  async function checkHome(page: Page): Promise<void> {
    const { h, origin } = site;
    const res = await page.goto(`${origin}/`);
    assert.equal(res?.status(), 200);
    assert.equal(await page.title(), 'Home · Test VSP');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Test VSP');
    assert.equal(await text(page, '.site-header .network'), 'testnet3');
    assert.match(
      await page.getByRole('status').innerText(),
      /This pool runs on testnet3: its coins have no value/,
    );
    const stat = (label: string) =>
      page.locator('.stat').filter({ has: page.locator('dt', { hasText: label }) });
    assert.equal(await stat('VSP fee').locator('dd').innerText(), '2.5%');
    assert.equal(await stat('Live tickets').locator('dd').innerText(), '2');
    assert.equal(await stat('Voted').locator('dd').innerText(), '1');
    const pubkey = h.serverKey.publicKeyBase64;
    assert.equal(
      await text(page, '#vsp pre'),
      `dcrwallet --enableticketbuyer --vsp.url=${origin} --vsp.pubkey=${pubkey}`,
    );
    assert.equal(await text(page, '.vsp-params dd:nth-of-type(1)'), origin);
    assert.equal(await text(page, '.vsp-params dd:nth-of-type(2)'), pubkey);
    const footer = page.locator('footer');
    const mail = footer.getByRole('link', { name: 'support@example.org' });
    assert.equal(await mail.getAttribute('href'), 'mailto:support@example.org');
    assert.equal(await footer.locator('code').innerText(), pubkey);
    assert.equal(await page.getByRole('link', { name: 'Create an account' }).count(), 1);
  }

  it('renders the home page: network banner, fee, how to connect, footer', async () => {
    const { page, context, watch } = await watchedPage(await browser(), site.origin);
    try {
      await checkHome(page);
      // The stylesheet applies: the header is the dark band, the banner yellow.
      const style = (selector: string, prop: string): Promise<unknown> =>
        page.evaluate(
          `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).${prop}`,
        );
      assert.equal(await style('.site-header', 'backgroundColor'), 'rgb(9, 20, 64)');
      assert.equal(await style('.banner-warning', 'backgroundColor'), 'rgb(255, 246, 220)');
      assertQuiet(watch);
      await screenshot(page, 'home');
    } finally {
      await context.close();
    }
  });

  it('works with JavaScript disabled: home page, login, ticket search, logout', async () => {
    const { page, context, watch } = await watchedPage(await browser(), site.origin, {
      javaScriptEnabled: false,
    });
    try {
      await checkHome(page);
      assert.equal(await logIn(page, site.origin), 303);
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'VSP status');
      await searchTicket(page, main.hash);
      assert.equal(await cell(page, 'Fee tx status').innerText(), 'broadcast');
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByLabel('Password').waitFor();
      assertQuiet(watch);
    } finally {
      await context.close();
    }
  });

  it('refuses a wrong password with an error on the login form', async () => {
    const { page, context, watch } = await watchedPage(await browser(), site.origin);
    try {
      assert.equal(await logIn(page, site.origin, 'not the password'), 401);
      assert.equal(await page.getByRole('alert').innerText(), 'Incorrect password.');
      assert.equal(await page.getByLabel('Password').inputValue(), '', 'password not echoed');
      assert.equal(await page.getByRole('heading', { name: 'VSP status' }).count(), 0);
      // Still logged out on the next visit.
      await page.goto(`${site.origin}/admin`);
      assert.equal(await page.getByRole('button', { name: 'Log in' }).count(), 1);
      // Chromium logs the 401 document itself; nothing else may go wrong.
      assertQuiet(watch, [
        'Failed to load resource: the server responded with a status of 401 (Unauthorized)',
      ]);
    } finally {
      await context.close();
    }
  });

  it('logs in, finds a stored ticket, and logs out with the button', async () => {
    const { page, context, watch } = await watchedPage(await browser(), site.origin);
    const { origin } = site;
    try {
      assert.equal(await logIn(page, origin), 303);
      assert.equal(page.url(), `${origin}/admin`);
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'VSP status');
      for (const h2 of ['dcrd', 'Voting wallets', 'Tickets', 'Revenue', 'Fee xpubs', 'Database']) {
        assert.equal(await page.getByRole('heading', { level: 2, name: h2 }).count(), 1, h2);
      }
      const nav = page.getByRole('navigation', { name: 'Admin' });
      assert.equal(
        await nav.getByRole('link', { name: 'VSP status' }).getAttribute('aria-current'),
        'page',
      );
      await screenshot(page, 'admin-status');

      await searchTicket(page, main.hash);
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Ticket search');
      assert.equal(await page.getByLabel('Ticket hash').inputValue(), main.hash);
      assert.equal(
        await page.evaluate(
          `(({ scrollWidth, clientWidth }) => scrollWidth <= clientWidth)(document.getElementById('hash'))`,
        ),
        true,
        'the whole hash shows in the search field',
      );
      const t = (await site.h.adminStore.getTicket(main.hash)) ?? assert.fail('stored');
      assert.equal(await cell(page, 'Hash').innerText(), main.hash);
      assert.equal(
        await cell(page, 'Hash').getByRole('link').getAttribute('href'),
        `https://testnet.dcrdata.org/tx/${main.hash}`,
      );
      assert.match(
        await cell(page, 'Status').innerText(),
        /^Confirmed \(purchase height 1199000\)$/,
      );
      assert.equal(await cell(page, 'Outcome').innerText(), 'none yet');
      assert.equal(await cell(page, 'Commitment address').innerText(), main.commitment.address);
      assert.equal(await cell(page, 'Voting WIF').innerText(), main.voting.wif);
      assert.match(
        (await cell(page, 'Fee address').innerText()).replace(/\s+/g, ' '),
        new RegExp(`^${t.feeAddress} \\(xpub id 0, index 0\\)$`),
      );
      assert.equal(await cell(page, 'Fee amount').innerText(), '0.01234567 DCR');
      assert.equal(
        await cell(page, 'Fee expiration').innerText(),
        '1767229200 (2026-01-01 01:00:00 UTC)',
      );
      assert.equal(await cell(page, 'Fee tx status').innerText(), 'broadcast');
      assert.deepEqual(await cell(page, 'Consensus vote choices').locator('li').allInnerTexts(), [
        'treasury: yes',
        'autorevocations: abstain',
      ]);
      assert.equal(await cell(page, 'Treasury policy').innerText(), '03abcdef: no');
      // Opening the decoded fee tx shows the output that pays the fee address.
      const feeTx = cell(page, 'Fee tx');
      await feeTx.getByText('Decoded').click();
      const feeOutput = feeTx.locator('tbody tr').filter({ hasText: t.feeAddress });
      assert.match((await feeOutput.innerText()).replace(/\s+/g, ' '), /^1 0.01234567 DCR T/);
      // The vote-change record and the alternate signing address.
      const change = cell(page, /^Vote choice changes/)
        .locator('details')
        .first();
      await change.locator(':scope > summary').click();
      assert.match(await change.innerText(), /H\/request-signature==/);
      assert.match(await change.innerText(), /"tickethash": "[0-9a-f]{64}"/);
      const alt = page.locator('section').filter({
        has: page.getByRole('heading', { name: 'Alternate signing address' }),
      });
      assert.equal(await cell(page, 'Address').innerText(), altAddress);
      assert.equal(await alt.count(), 1);
      await screenshot(page, 'admin-ticket');

      // A hash nobody registered.
      await searchTicket(page, 'ab'.repeat(32));
      assert.match(await page.locator('.notice').innerText(), /No ticket found with hash/);

      // Log out: the POST button ends the session and lands on the login form.
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL(`${origin}/admin`);
      await page.getByLabel('Password').waitFor();
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Admin');
      assert.equal(await page.getByRole('navigation', { name: 'Admin' }).count(), 0);
      // The session is gone: the ticket page asks for the password again.
      await page.goto(`${origin}/admin/ticket?hash=${main.hash}`);
      assert.equal(await page.getByRole('button', { name: 'Log in' }).count(), 1);
      assert.ok(
        !(await page.content()).includes(main.voting.wif),
        'no ticket data when logged out',
      );
      assertQuiet(watch);
    } finally {
      await context.close();
    }
  });
});

describe('markup from the configuration and the database, in Chromium', () => {
  const DESIGNATION = '<script>alert("designation")</script><b>VSP</b>';
  const CLOSED = `<img src=x onerror="alert('closed')">`;
  const CHOICE = '<img src=y onerror=alert(document.cookie)>';
  const REQUEST = '</pre><script>alert("request")</script>';
  let site: Site;
  const t = newTicket();

  before(async () => {
    site = await serve({
      config: { designation: DESIGNATION, vspClosed: true, vspClosedMsg: CLOSED },
      site: { description: '<svg onload=alert("description")>' },
    });
    await storeTicket(site.h, t, { voteChoices: { [CHOICE]: `"${CHOICE}"` } });
    await appendVoteChange(site.h.database.db, t.hash, {
      request: REQUEST,
      requestSignature: '<i>sig</i>',
      response: '{}',
      responseSignature: 'sig',
    });
  });
  after(() => site?.close());

  it('shows it as text on every page, and no script runs', async () => {
    const { page, context, watch } = await watchedPage(await browser(), site.origin);
    try {
      await page.goto(`${site.origin}/`);
      assert.equal(await page.title(), `Home · ${DESIGNATION}`);
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), DESIGNATION);
      assert.equal(await page.locator('.brand').innerText(), DESIGNATION);
      assert.equal(await page.locator('.closed-msg').innerText(), CLOSED);
      assert.equal(
        await page.locator('.description').innerText(),
        '<svg onload=alert("description")>',
      );
      assert.equal(await page.locator('script, img, svg, b').count(), 0, 'no injected element');

      assert.equal(await logIn(page, site.origin), 303);
      assert.equal(await page.locator('.brand').innerText(), DESIGNATION);
      await searchTicket(page, t.hash);
      assert.equal(
        await cell(page, 'Consensus vote choices').innerText(),
        `${CHOICE}: "${CHOICE}"`,
      );
      const change = cell(page, /^Vote choice changes/)
        .locator('details')
        .first();
      await change.locator(':scope > summary').click();
      assert.match(await change.innerText(), /<\/pre><script>alert\("request"\)<\/script>/);
      assert.match(await change.innerText(), /<i>sig<\/i>/);
      assert.equal(await page.locator('script, img, svg, i, b').count(), 0, 'no injected element');
      assertQuiet(watch);
    } finally {
      await context.close();
    }
  });
});
