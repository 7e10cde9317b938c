// The admin status page: nodes, counts, revenue, fee xpubs and database, all escaped.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setFeeXpub } from '../../../src/db/vsp-fee-xpubs.ts';
import { insertTicket, updateTicket } from '../../../src/db/vsp-tickets.ts';
import { ExtendedKey } from '../../../src/dcr/hdkey.ts';
import { newKey, newTicket, NET } from '../fixtures.ts';
import { adminHarness, browser, csrfOf, healthyWallet, loggedIn, PASSWORD } from './harness.ts';
import type { AdminHarness } from './harness.ts';

const open: AdminHarness[] = [];
after(async () => {
  for (const h of open) await h.close();
});

async function addTicket(
  h: AdminHarness,
  feeAmount: bigint,
  purchaseHeight: number,
  patch: Parameters<typeof updateTicket>[2] = {},
): Promise<void> {
  const t = newTicket();
  await insertTicket(h.database.db, {
    hash: t.hash,
    commitmentAddress: t.commitment.address,
    feeAddressXpubId: 0,
    feeAddressIndex: 1,
    feeAddress: newKey().address,
    feeAmount,
    feeExpiration: 0,
  });
  await updateTicket(h.database.db, t.hash, {
    purchaseHeight,
    confirmed: purchaseHeight > 0,
    feeTxStatus: 'confirmed',
    ...patch,
  });
}

describe('admin status page', () => {
  it('shows nodes, ticket counts, revenue by period, fee xpubs and the database', async () => {
    const h = await adminHarness();
    open.push(h);
    // testnet3: 2-minute blocks, 720 a day. Best block 1,200,000.
    await addTicket(h, 100_000_000n, 1_199_900); // within 24 h
    await addTicket(h, 20_000_000n, 0); // just bought: counts everywhere
    await addTicket(h, 3_000_000n, 1_190_000, { outcome: 'voted' }); // within 28 days
    await addTicket(h, 400_000n, 1_000_000, { outcome: 'missed' }); // older
    await addTicket(h, 50_000n, 1_000_000, { outcome: 'expired' });
    await addTicket(h, 6n, 1_000_000, { feeTxStatus: 'broadcast' }); // not earned yet
    const second = ExtendedKey.fromSeed(new Uint8Array(32).fill(9), NET).neuter().toString();
    await setFeeXpub(h.database.db, second);
    const { b } = await loggedIn(h);
    const body = (await b.get('/admin')).body;

    assert.match(body, /<dt>Live<\/dt>\s*<dd>2<\/dd>/);
    assert.match(body, /<dt>Voted<\/dt>\s*<dd>1<\/dd>/);
    assert.match(body, /<dt>Expired<\/dt>\s*<dd>1<\/dd>/);
    assert.match(body, /<dt>Missed<\/dt>\s*<dd>1<\/dd>/);
    assert.match(body, /<dt>Last 24 hours<\/dt>\s*<dd>1.20000000 DCR<\/dd>/);
    assert.match(body, /<dt>Last 28 days<\/dt>\s*<dd>1.23000000 DCR<\/dd>/);
    assert.match(body, /<dt>Lifetime<\/dt>\s*<dd>1.23450000 DCR<\/dd>/);

    assert.ok(body.includes('<code>wss://127.0.0.1:19109/ws</code>'));
    assert.ok(body.includes('<code>wss://10.0.0.1:19110/ws</code>'));
    assert.match(body, /1,200,000/);

    // Both keys, newest (active) first, the old one with its retirement time.
    const active = body.indexOf(second);
    const old = body.indexOf(
      ExtendedKey.fromSeed(new Uint8Array(32).fill(7), NET).neuter().toString(),
    );
    assert.ok(active > 0 && old > active);
    assert.match(body.slice(active, old), /<strong>active<\/strong>/);
    assert.match(body.slice(old), /<td>\s*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\s*<\/td>\s*<\/tr>/);

    assert.match(body, /<dt>Engine<\/dt>\s*<dd>sqlite<\/dd>/);
    assert.match(body, /<dt>Size<\/dt>\s*<dd>\d+\.\d (KiB|MiB)<\/dd>/);
  });

  it('marks unhealthy nodes and escapes their names', async () => {
    const h = await adminHarness();
    open.push(h);
    const { b } = await loggedIn(h);
    h.health.report = {
      dcrd: { host: '<b>dcrd</b>', connected: false, bestBlockError: false, bestBlockHeight: 0 },
      wallets: new Map([
        ['<i>w1</i>', { ...healthyWallet(), unlocked: false }],
        ['w2', { ...healthyWallet(), connected: false }],
      ]),
    };
    const body = (await b.get('/admin')).body;
    assert.ok(!body.includes('<b>dcrd') && !body.includes('<i>w1'));
    assert.ok(body.includes('&lt;b&gt;dcrd&lt;/b&gt;'));
    assert.match(body, /cannot connect/);
    assert.match(body, /<span class="bad">problem<\/span>/);
    // Revenue windows need a height: with dcrd down and no stats yet, they are unknown…
    assert.match(body, /<dt>Last 24 hours<\/dt>\s*<dd>unknown<\/dd>/);
    assert.match(body, /<dt>Lifetime<\/dt>\s*<dd>0.00000000 DCR<\/dd>/);
    // …and once the stats cache has a height, that one is used.
    await h.app.inject({ method: 'GET', url: '/' });
    const again = (await b.get('/admin')).body;
    assert.match(again, /<dt>Last 24 hours<\/dt>\s*<dd>0.00000000 DCR<\/dd>/);
  });

  it('says when no fee xpub or voting wallet is configured, and renders on a store error', async () => {
    const h = await adminHarness();
    open.push(h);
    h.health.report = { ...h.health.report, wallets: new Map() };
    const { b } = await loggedIn(h);
    assert.match((await b.get('/admin')).body, /No voting wallet is configured/);

    const broken = await adminHarness({
      admin: {
        store: {
          ...h.adminStore,
          feeXpubs: () => Promise.resolve([]),
          ticketCounts: () => Promise.reject(new Error('db is gone')),
        },
      },
    });
    open.push(broken);
    const c = browser(broken);
    const form = await c.get('/admin');
    const login = await c.post('/admin', { password: PASSWORD, csrf: csrfOf(form.body) });
    assert.equal(login.statusCode, 303);
    const res = await c.get('/admin');
    assert.equal(res.statusCode, 500);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(res.body, /Something went wrong/);
    assert.ok(!res.body.includes('db is gone'), 'the cause stays in the log');
    assert.ok(broken.logs.some((l) => l.msg === 'page failed'));
  });
});
