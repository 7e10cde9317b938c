// GET /: the home page renders the pool's numbers and both ways in, escapes everything that
// comes from the configuration, and shows the network and closed banners.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { netParams } from '../../../src/dcr/params.ts';
import type { VspTicket } from '../../../src/vsp/store.ts';
import { adminHarness } from '../admin/harness.ts';
import type { AdminHarness, HarnessOptions } from '../admin/harness.ts';

const open: AdminHarness[] = [];
after(async () => {
  for (const h of open) await h.close();
});

async function harness(opts: HarnessOptions = {}): Promise<AdminHarness> {
  const h = await adminHarness(opts);
  open.push(h);
  return h;
}

let n = 0;
function addTicket(h: AdminHarness, patch: Partial<VspTicket>): void {
  n++;
  const hash = n.toString(16).padStart(64, '0');
  h.store.tickets.set(hash, {
    hash,
    purchaseHeight: 100,
    commitmentAddress: 'TsCommit',
    feeAddressXpubId: 0,
    feeAddressIndex: n,
    feeAddress: 'TsFee',
    confirmed: true,
    feeAmount: 1_000_000n,
    feeExpiration: 0,
    feeTxHex: '',
    feeTxHash: '',
    feeTxStatus: 'confirmed',
    votingWif: '',
    outcome: '',
    voteChoices: {},
    tspendPolicy: {},
    treasuryPolicy: {},
    ...patch,
  });
}

const home = (h: AdminHarness) => h.app.inject({ method: 'GET', url: '/' });

describe('home page', () => {
  it('shows the network, fee, ticket counts, height, proportion and how to connect', async () => {
    const h = await harness({ config: { vspFee: 2.5 } });
    h.dcrd.best = { ...h.dcrd.best, height: 1_234_567, poolSize: 40_000 };
    for (let i = 0; i < 4; i++) addTicket(h, {});
    for (let i = 0; i < 3; i++) addTicket(h, { outcome: 'voted' });
    addTicket(h, { outcome: 'expired' });
    addTicket(h, { outcome: 'missed' });
    addTicket(h, { feeTxStatus: 'received' });
    const res = await home(h);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    const body = res.body;
    assert.match(body, /^<!doctype html>/);
    assert.match(body, /<dt>Network<\/dt>\s*<dd>testnet3<\/dd>/);
    assert.match(body, /<dt>VSP fee<\/dt>\s*<dd>2.5%<\/dd>/);
    assert.match(body, /<dt>Live tickets<\/dt>\s*<dd>4<\/dd>/);
    assert.match(body, /<dt>Voted<\/dt>\s*<dd>3<\/dd>/);
    assert.match(body, /<dt>Expired<\/dt>\s*<dd>1 <small>20.00%<\/small><\/dd>/);
    assert.match(body, /<dt>Missed<\/dt>\s*<dd>1 <small>20.00%<\/small><\/dd>/);
    assert.match(body, /<dt>Block height<\/dt>\s*<dd>1,234,567<\/dd>/);
    assert.match(body, /<dt>Network proportion<\/dt>\s*<dd>0.01%<\/dd>/);
    const pubkey = h.serverKey.publicKeyBase64;
    assert.ok(body.includes(`--vsp.url=http://localhost:80`), 'vsp.url from the Host header');
    assert.ok(body.includes(`--vsp.pubkey=${pubkey}`));
    assert.ok(body.includes('<a class="button" href="/register">'));
    assert.ok(body.includes('<a class="button" href="/login">'));
    // Footer: support address and key.
    assert.ok(body.includes('<a href="mailto:support@example.org">support@example.org</a>'));
    assert.ok(body.includes(`<code class="break">${pubkey}</code>`));
    assert.match(body, /Stats updated<\/dt>\s*<dd>just now<\/dd>/);
  });

  it('uses the configured base URL and hides the legacy links when that face is off', async () => {
    const h = await harness({ site: { baseUrl: 'https://vsp.example.org/', legacyPool: false } });
    const res = await home(h);
    assert.equal(res.statusCode, 200);
    assert.ok(res.body.includes('--vsp.url=https://vsp.example.org '));
    assert.ok(!res.body.includes('href="/register"'));
    assert.match(res.body, /does not offer legacy pool accounts/);
  });

  it('escapes the designation, closed message, description and support email', async () => {
    const xss = '<script>alert("x")</script>&';
    const h = await harness({
      config: {
        designation: xss,
        vspClosed: true,
        vspClosedMsg: '<img src=x onerror="alert(1)">',
      },
      site: { description: "<b>bold</b> 'quoted'", supportEmail: 'a"><script>@x.org' },
    });
    const res = await home(h);
    assert.equal(res.statusCode, 200);
    const body = res.body;
    assert.ok(!body.includes('<script>'), 'no raw script tag');
    assert.ok(!body.includes('<img src=x'), 'no raw img tag');
    assert.ok(!body.includes('<b>bold'), 'no raw markup from the description');
    assert.ok(body.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;'));
    assert.ok(body.includes('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'));
    assert.ok(body.includes('&lt;b&gt;bold&lt;/b&gt; &#39;quoted&#39;'));
    assert.ok(body.includes('href="mailto:a&quot;&gt;&lt;script&gt;@x.org"'));
    assert.match(body, /<title>Home · &lt;script&gt;/);
  });

  it('shows the closed banner with its message', async () => {
    const h = await harness({
      config: { vspClosed: true, vspClosedMsg: 'Moving to new hardware' },
    });
    const body = (await home(h)).body;
    assert.match(body, /closed to new tickets/);
    assert.ok(body.includes('<p class="closed-msg">Moving to new hardware</p>'));
    assert.match(body, /accepts no new tickets at the moment/);
  });

  it('shows no closed banner while open, and no closed message even if one is set', async () => {
    const h = await harness({ config: { vspClosed: false, vspClosedMsg: 'stale message' } });
    const body = (await home(h)).body;
    assert.doesNotMatch(body, /closed to new tickets/);
    assert.ok(!body.includes('stale message'));
  });

  it('warns on any network but mainnet', async () => {
    const test = await harness();
    assert.match((await home(test)).body, /This pool runs on <strong>testnet3<\/strong>/);
    const simnet = await harness({ net: netParams('simnet') });
    assert.match((await home(simnet)).body, /This pool runs on <strong>simnet<\/strong>/);
    const main = await harness({ net: netParams('mainnet') });
    const body = (await home(main)).body;
    assert.doesNotMatch(body, /This pool runs on/);
    assert.match(body, /<dt>Network<\/dt>\s*<dd>mainnet<\/dd>/);
  });

  it('still renders when dcrd cannot be reached for the stats', async () => {
    const h = await harness();
    h.dcrd.getBestBlockHeader = () => Promise.reject(new Error('connection refused'));
    const res = await home(h);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Statistics are not available right now/);
    assert.ok(!res.body.includes('connection refused'), 'the cause is not shown');
    assert.ok(res.body.includes(`--vsp.pubkey=${h.serverKey.publicKeyBase64}`));
  });

  it('sends security headers and a strict content security policy', async () => {
    const h = await harness();
    const res = await home(h);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /script-src/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['cache-control'], undefined, 'the home page may be cached');
  });

  it('serves the stylesheet', async () => {
    const h = await harness();
    const res = await h.app.inject({ method: 'GET', url: '/public/style.css' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/css; charset=utf-8');
    assert.match(res.body, /\.container/);
  });

  it('answers unknown pages with an HTML 404, and leaves the API’s own 404 alone', async () => {
    const h = await harness();
    const page = await h.app.inject({ method: 'GET', url: '/no/such/page?<script>' });
    assert.equal(page.statusCode, 404);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(page.body, /Not found/);
    const api = await h.app.inject({ method: 'GET', url: '/api/v3/nosuchthing' });
    assert.equal(api.statusCode, 404);
    assert.deepEqual(JSON.parse(api.body), { code: 0, message: 'not found' });
    assert.ok(api.headers['vsp-server-signature'] !== undefined, 'API replies stay signed');
  });

  it('serves no /admin without an admin context', async () => {
    const h = await harness({ admin: false });
    assert.equal((await h.app.inject({ method: 'GET', url: '/admin' })).statusCode, 404);
    assert.equal((await home(h)).statusCode, 200);
  });
});
