// /stats: public, the pool's numbers from the database and the network's from dcrd, three donuts
// as inline SVG (no script, no style attribute), cacheable for visitors only.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { donutChart, shares } from '../../../src/web/views/pool/chart.ts';
import { addTicket, NET, pagesHarness, textOf, userClient, suiteHarness } from './pages-harness.ts';

describe('pool page /stats', () => {
  const h = suiteHarness(pagesHarness);

  test('dcrd down before any refresh: 503 with a notice', async () => {
    h.dcrd.fail = true;
    try {
      const res = await h.app.inject({ url: '/stats' });
      assert.equal(res.statusCode, 503);
      assert.ok(textOf(res.body).includes('Statistics are not available right now'));
    } finally {
      h.dcrd.fail = false;
    }
  });

  test('a visitor sees every number and three charts; cacheable for a minute', async () => {
    const { user } = await userClient(h);
    const tip = h.dcrd.height;
    await addTicket(h, user.id, { height: tip - NET.ticketMaturity - 10 });
    await addTicket(h, user.id, { height: tip - NET.ticketMaturity - 11 });
    await addTicket(h, user.id, { height: tip });
    await addTicket(h, user.id, { height: 100, outcome: 'voted', outcomeHeight: 2600 });
    await addTicket(h, user.id, { height: 101, outcome: 'missed', outcomeHeight: 2700 });
    await addTicket(h, user.id, { height: 102, feeStatus: 'low' });
    await h.stats.refresh();
    const res = await h.app.inject({ url: '/stats' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'public, max-age=60');
    assert.equal(res.headers['set-cookie'], undefined);
    const text = textOf(res.body);
    for (const s of [
      'Pool fee 7.5%',
      'Live 2',
      'Immature 1',
      'Voted 1',
      'Missed 1 50.00%',
      'Invalid (not voted) 1',
      'Ticket price 150.00000000 DCR',
      'Live tickets (pool size) 40,960',
      'Tickets in the mempool 3',
      'Block height 5,000',
      'Accounts 1',
    ]) {
      assert.ok(text.includes(s), s);
    }
    assert.equal([...res.body.matchAll(/<svg viewBox="0 0 42 42"/g)].length, 3);
    assert.ok(res.body.includes('https://testnet.dcrdata.org/charts?chart=ticket-price'));
    // The pages' CSP forbids scripts and inline styles: there are none.
    assert.ok(!/<script/i.test(res.body));
    assert.ok(!/\sstyle=/i.test(res.body));
    assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
  });

  test('a logged-in user gets a private copy with their navigation', async () => {
    const { c } = await userClient(h);
    const res = await c.get('/stats');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['cache-control']), /private/);
    assert.ok(textOf(res.body).includes('Log out'));
  });

  test('donut segments: dash lengths are the percentages', () => {
    assert.deepEqual(shares([1, 3]), [25, 75]);
    assert.deepEqual(shares([0, 0]), [0, 0]);
    assert.deepEqual(shares([-1, 1]), [0, 100]);
    const svg = donutChart({
      title: 'T <x>',
      center: '25%',
      segments: [
        { label: 'A', value: 1, color: '#2970ff' },
        { label: 'B', value: 3, color: '#ed6d47' },
      ],
    }).value;
    assert.ok(svg.includes('stroke-dasharray="25 75"'));
    assert.ok(svg.includes('stroke-dashoffset="25"'));
    assert.ok(svg.includes('stroke-dasharray="75 25"'));
    assert.ok(svg.includes('stroke-dashoffset="0"'));
    assert.ok(svg.includes('T &lt;x&gt;'));
  });
});
