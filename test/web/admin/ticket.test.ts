// Ticket search and the missed-tickets list over a real SQLite database: every stored field is
// shown, signed records included, and everything from the database is escaped.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertAltSignAddress } from '../../../src/db/vsp-alt-sign.ts';
import { insertTicket, updateTicket } from '../../../src/db/vsp-tickets.ts';
import { appendVoteChange } from '../../../src/db/vsp-vote-changes.ts';
import { escapeHtml } from '../../../src/web/views/html.ts';
import { newFeeTx, newKey, newTicket } from '../fixtures.ts';
import { adminHarness, browser, csrfOf, loggedIn } from './harness.ts';
import type { AdminHarness, Browser } from './harness.ts';

const XSS = '<script>alert(1)</script>';

describe('admin ticket search', () => {
  let h: AdminHarness;
  let b: Browser;
  let csrf: string;
  const t = newTicket();
  const feeAddress = newKey().address;
  const feeTxHex = newFeeTx(feeAddress, 1_234_567n);
  const altAddress = newKey().address;

  before(async () => {
    h = await adminHarness();
    ({ b, csrf } = await loggedIn(h));
    const db = h.database.db;
    await insertTicket(db, {
      hash: t.hash,
      commitmentAddress: t.commitment.address,
      feeAddressXpubId: 0,
      feeAddressIndex: 17,
      feeAddress,
      feeAmount: 1_234_567n,
      feeExpiration: 1_767_229_200,
      feeTxHex,
      feeTxStatus: 'broadcast',
      votingWif: t.voting.wif,
      confirmed: true,
      purchaseHeight: 1_199_000,
      voteChoices: { treasury: 'yes', [XSS]: `"${XSS}"` },
      tspendPolicy: {},
      treasuryPolicy: { '03abcdef': 'no' },
    });
    await appendVoteChange(db, t.hash, {
      request: JSON.stringify({ timestamp: 1, tickethash: t.hash, note: XSS }),
      requestSignature: 'H/reqsig==',
      response: JSON.stringify({ timestamp: 2, request: 'base64' }),
      responseSignature: 'respsig<b>',
    });
    await appendVoteChange(db, t.hash, {
      request: 'not json <i>',
      requestSignature: 'second-req-sig',
      response: '{}',
      responseSignature: 'second-resp-sig',
    });
    await insertAltSignAddress(db, {
      ticketHash: t.hash,
      address: altAddress,
      request: JSON.stringify({ altsignaddress: altAddress }),
      requestSignature: 'alt-req-sig',
      response: JSON.stringify({ ok: XSS }),
      responseSignature: 'alt-resp-sig',
    });
  });
  after(() => h.close());

  it('shows an empty search form', async () => {
    const res = await b.get('/admin/ticket');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<form method="get" action="\/admin\/ticket"/);
    assert.match(res.body, /aria-current="page">Ticket search/);
  });

  it('finds a stored ticket and shows every part of its record, escaped', async () => {
    const res = await b.get(`/admin/ticket?hash=${t.hash}`);
    assert.equal(res.statusCode, 200);
    const body = res.body;
    assert.ok(!body.includes(XSS), 'no raw markup from the database');
    assert.ok(!body.includes('<b>') && !body.includes('<i>'));
    for (const text of [
      t.hash,
      t.commitment.address,
      t.voting.wif,
      feeAddress,
      '0.01234567 DCR',
      '1767229200 (2026-01-01 01:00:00 UTC)',
      'broadcast',
      feeTxHex,
      'Confirmed (purchase height',
      '1199000',
      // choices, escaped
      '<code>treasury</code>: <code>yes</code>',
      '<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>: <code>&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;</code>',
      '<code>03abcdef</code>: <code>no</code>',
      // vote-change records: request (pretty JSON), signatures, response
      '&quot;note&quot;: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;',
      'H/reqsig==',
      'respsig&lt;b&gt;',
      'not json &lt;i&gt;',
      'second-req-sig',
      'second-resp-sig',
      '#0 ·',
      '#1 ·',
      // alternate signing address
      altAddress,
      'alt-req-sig',
      'alt-resp-sig',
      '&quot;ok&quot;: &quot;&lt;script&gt;',
    ]) {
      assert.ok(body.includes(text), `page shows ${text}`);
    }
    assert.match(body, /\(xpub id 0, index\s+17\)/);
    // The exact signed bytes are shown as well as the pretty form.
    const firstRequest = JSON.stringify({ timestamp: 1, tickethash: t.hash, note: XSS });
    assert.ok(body.includes(escapeHtml(firstRequest)));
    // The fee tx is decoded: its output to the fee address with the amount.
    assert.match(body, /<td>1<\/td>\s*<td>0.01234567 DCR<\/td>\s*<td><code class="break">T/);
    // Testnet explorer links.
    assert.ok(body.includes(`href="https://testnet.dcrdata.org/tx/${t.hash}"`));
  });

  it('accepts an upper-case hash with spaces around it', async () => {
    const res = await b.get(`/admin/ticket?hash=%20${t.hash.toUpperCase()}%20`);
    assert.equal(res.statusCode, 200);
    assert.ok(res.body.includes(t.voting.wif));
  });

  it('says so for an unknown ticket', async () => {
    const unknown = 'ab'.repeat(32);
    const res = await b.get(`/admin/ticket?hash=${unknown}`);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, new RegExp(`No ticket found with hash <code>${unknown}</code>`));
  });

  it('refuses a malformed hash with 400 and echoes it escaped', async () => {
    const res = await b.get(`/admin/ticket?hash=${encodeURIComponent('"><script>x</script>')}`);
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /64 hexadecimal characters/);
    assert.ok(!res.body.includes('<script>x'));
    assert.ok(res.body.includes('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"'));
  });

  it('sends a visitor without a session to the login form', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/admin/ticket?hash=${t.hash}` });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/admin');
    assert.ok(!res.body.includes(t.voting.wif));
  });

  it('takes vspd’s POST form with the CSRF token and redirects to the GET', async () => {
    const res = await b.post('/admin/ticket', { hash: t.hash, csrf });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/admin/ticket?hash=${t.hash}`);
    const missing = await b.post('/admin/ticket', { hash: t.hash });
    assert.equal(missing.statusCode, 403);
    const anon = browser(h);
    await anon.get('/admin');
    const notAdmin = await anon.post('/admin/ticket', { hash: t.hash, csrf });
    assert.equal(notAdmin.statusCode, 303);
    assert.equal(notAdmin.headers.location, '/admin');
  });

  it('lists missed tickets newest first, linked to the search', async () => {
    const db = h.database.db;
    const hashes: string[] = [];
    for (const height of [500, 900, 700]) {
      const m = newTicket();
      hashes[height] = m.hash;
      await insertTicket(db, {
        hash: m.hash,
        commitmentAddress: m.commitment.address,
        feeAddressXpubId: 0,
        feeAddressIndex: height,
        feeAddress: newKey().address,
        feeAmount: 1000n,
        feeExpiration: 0,
      });
      await updateTicket(db, m.hash, {
        purchaseHeight: height,
        confirmed: true,
        feeTxStatus: 'confirmed',
        outcome: 'missed',
        outcomeHeight: height + 8000,
      });
    }
    const res = await b.get('/admin/missed');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /3 missed/);
    const order = [900, 700, 500].map((height) =>
      res.body.indexOf(`href="/admin/ticket?hash=${hashes[height]}"`),
    );
    assert.ok(order.every((i) => i > 0));
    assert.deepEqual(
      [...order].sort((x, y) => x - y),
      order,
      'newest purchase first',
    );
    assert.ok(!res.body.includes(t.hash), 'a ticket that did not miss is not listed');
    const anon = await h.app.inject({ method: 'GET', url: '/admin/missed' });
    assert.equal(anon.statusCode, 303);
  });

  it('keeps the CSRF token out of the search form (a GET must not leak it in URLs)', async () => {
    const page = await b.get('/admin/ticket');
    const searchForm = /<form method="get"[\s\S]*?<\/form>/.exec(page.body)?.[0] ?? '';
    assert.ok(searchForm.length > 0);
    assert.doesNotMatch(searchForm, /csrf/);
    assert.equal(csrfOf(page.body), csrf, 'the logout form still has it');
  });
});
