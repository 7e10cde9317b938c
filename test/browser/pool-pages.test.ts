// The legacy pool's own pages in Debian's Chromium, as a user and an admin use them: log in,
// submit the pubkey address on /address and read the purchase information, page through
// /tickets, save a vote on /voting, read /stats, and as admin /status and /admintickets (add a
// low-fee ticket). Real SQLite, real SMTP, fake dcrd; served on 127.0.0.1; no script anywhere.
//
// STAKEPOOL_SCREENSHOTS=1 also writes docs/screenshots/pool-{address,tickets,voting,stats,status,
// admintickets}.png.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { encodeAddress, p2pkAddressCompressed } from '../../src/dcr/index.ts';
import { isValidPrivateKey, publicKeyCreate } from '../../src/dcr/secp.ts';
import { getPoolTicket } from '../../src/db/pool-tickets.ts';
import { getPoolUser } from '../../src/db/pool-users.ts';
import { setSetting, SETTING_KEYS } from '../../src/db/settings.ts';
import { PASSWORD, verifiedUser } from '../web/pool/harness.ts';
import { addTicket, KEYS, NET, pagesHarness } from '../web/pool/pages-harness.ts';
import type { PagesHarness } from '../web/pool/pages-harness.ts';
import { launchChromium, screenshot, watchedPage } from './chromium.ts';
import type { PageWatch } from './chromium.ts';

function pubKeyAddress(): { address: string; pub: Uint8Array } {
  let priv: Uint8Array;
  do priv = randomBytes(32);
  while (!isValidPrivateKey(priv));
  const pub = publicKeyCreate(priv, true);
  return { address: encodeAddress(p2pkAddressCompressed(pub, NET)), pub };
}

function clean(watch: PageWatch): void {
  assert.deepEqual(watch.offsite, []);
  assert.deepEqual(watch.brokenResources, []);
  assert.deepEqual(watch.consoleErrors, []);
  assert.deepEqual(watch.pageErrors, []);
  assert.deepEqual(watch.dialogs, []);
}

async function logIn(page: Page, origin: string, email: string): Promise<void> {
  await page.goto(`${origin}/login`);
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', PASSWORD);
  await Promise.all([page.waitForURL(/\/(address|tickets)$/), page.click('button[type="submit"]')]);
}

describe('pool pages in Chromium', () => {
  let h: PagesHarness;
  let origin: string;
  let browser: Browser;

  before(async () => {
    // The browser connects from 127.0.0.1: that is the admin address here.
    h = await pagesHarness({ adminIps: ['127.0.0.1'], maxVotedTickets: 1000 });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    origin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  it('a user: address, tickets, voting, stats', async () => {
    const email = 'alice@example.org';
    const user = await verifiedUser(h, email);
    const { context, page, watch } = await watchedPage(browser, origin, {
      javaScriptEnabled: false,
    });
    try {
      await logIn(page, origin, email);
      assert.match(page.url(), /\/address$/);
      const submitted = pubKeyAddress();
      await page.fill('#UserPubKeyAddr', submitted.address);
      await Promise.all([
        page.waitForURL(/\/address$/),
        page.click('form[action="/address"] button'),
      ]);
      const expected = KEYS.multisig(user.id, submitted.pub);
      assert.equal((await page.locator('#ticket-address').innerText()).trim(), expected.address);
      assert.equal((await page.locator('#fee-address').innerText()).trim(), expected.feeAddress);
      assert.match(await page.locator('#purchaseticket').innerText(), /purchaseticket "default"/);
      const token = (await getPoolUser(h.database.db, user.id))?.apiToken;
      assert.ok(token !== undefined);
      assert.equal((await page.locator('#api-token').innerText()).trim(), token);
      await screenshot(page, 'pool-address');

      // Tickets in every group; 60 live ones make two pages.
      const tip = h.dcrd.height;
      for (let i = 0; i < 60; i++) {
        await addTicket(h, user.id, { height: 1000 + i });
      }
      await addTicket(h, user.id, { height: tip });
      for (let i = 0; i < 5; i++) {
        await addTicket(h, user.id, {
          height: 200 + i,
          outcome: 'voted',
          outcomeHeight: 2600 + i,
          spentBy: randomBytes(32).toString('hex'),
        });
      }
      await addTicket(h, user.id, { height: 300, outcome: 'missed', outcomeHeight: 2800 });
      await addTicket(h, user.id, { height: 400, feeStatus: 'low' });
      await page.click('nav a[href="/tickets"]');
      await page.waitForURL(/\/tickets$/);
      assert.match(await page.locator('h2').first().innerText(), /Live/);
      assert.equal(await page.locator('table.tickets tbody tr').count(), 50);
      assert.match(await page.locator('main').innerText(), /You have 1 invalid ticket/);
      await page.click('a[rel="next"]');
      assert.equal(await page.locator('table.tickets tbody tr').count(), 10);
      await screenshot(page, 'pool-tickets');
      await page.click('a[href="/tickets?group=voted"]');
      assert.equal(await page.locator('table.tickets tbody tr').count(), 5);

      await page.goto(`${origin}/voting`);
      await page.selectOption('#agenda-maxtreasuryspend', 'yes');
      await Promise.all([
        page.waitForURL(/\/voting$/),
        page.click('form[action="/voting"] button'),
      ]);
      assert.match(await page.locator('main').innerText(), /Your voting preferences were saved/);
      assert.equal(await page.locator('#agenda-maxtreasuryspend').inputValue(), 'yes');
      assert.equal((await getPoolUser(h.database.db, user.id))?.voteBits, 5);
      await screenshot(page, 'pool-voting');

      await h.stats.refresh();
      await page.goto(`${origin}/stats`);
      assert.equal(await page.locator('svg[role="img"]').count(), 3);
      assert.match(await page.locator('main').innerText(), /Live tickets \(pool size\)/);
      await screenshot(page, 'pool-stats');
      clean(watch);
    } finally {
      await context.close();
    }
  });

  it('an admin: status and low-fee tickets', async () => {
    const adminEmail = 'admin@example.org';
    const admin = await verifiedUser(h, adminEmail);
    h.adminUserIds.push(admin.id);
    const owner = await verifiedUser(h, 'bob@example.org');
    const low = await addTicket(h, owner.id, { height: 4000, feeStatus: 'low' });
    await addTicket(h, owner.id, { height: 4001, feeStatus: 'address' });
    const { context, page, watch } = await watchedPage(browser, origin);
    try {
      await setSetting(h.database.db, SETTING_KEYS.poolLastScannedBlock, String(h.dcrd.height));
      await logIn(page, origin, adminEmail);
      await page.goto(`${origin}/status`);
      assert.match(await page.locator('main').innerText(), /up to date/);
      assert.match(await page.locator('main').innerText(), /Pool status/);
      assert.match(await page.locator('main').innerText(), /this process/);
      await screenshot(page, 'pool-status');

      await page.click('a[href="/admintickets"]');
      await page.check(`input[name="ticket-${low}"]`);
      await Promise.all([
        page.waitForURL(/\/admintickets$/),
        page.click('form:has(input[value="add"]) button'),
      ]);
      assert.match(await page.locator('main').innerText(), /Added 1 of 1 ticket/);
      assert.equal((await getPoolTicket(h.database.db, low))?.lowFeeAdded, true);
      assert.equal(
        await page.locator(`form:has(input[value="remove"]) input[name="ticket-${low}"]`).count(),
        1,
      );
      await screenshot(page, 'pool-admintickets');
      clean(watch);
    } finally {
      await context.close();
    }
  });
});
