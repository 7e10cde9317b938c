// /tickets: every group from our own table, counts in the tabs, newest first, paginated, explorer
// links, invalid tickets explained, the voted cap, only the user's own tickets.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { addLowFeeTickets } from '../../../src/db/pool-low-fee-tickets.ts';
import type { PoolUser } from '../../../src/db/pool-users.ts';
import { ticketsPage } from '../../../src/web/views/pool/tickets.ts';
import { assertRedirect } from './harness.ts';
import type { Client } from './harness.ts';
import {
  addTicket,
  NET,
  pagesHarness,
  textOf,
  userClient,
  withAddress,
  suiteHarness,
} from './pages-harness.ts';

/** Ticket hashes listed on a page, in order. */
function listed(body: string): string[] {
  return [...body.matchAll(/<code class="break">([0-9a-f]{64})<\/code>/g)].map((m) => m[1] ?? '');
}

describe('pool page /tickets', () => {
  const h = suiteHarness(() => pagesHarness({ maxVotedTickets: 4 }));
  let owner: { user: PoolUser; c: Client };
  const tip = 5000;
  const maturity = NET.ticketMaturity;
  const hashes: Record<string, string[]> = {};

  before(async () => {
    h.dcrd.height = tip;
    owner = await userClient(h);
    await withAddress(h, owner.user);
    const add = async (group: string, o: Parameters<typeof addTicket>[2]) => {
      (hashes[group] ??= []).push(await addTicket(h, owner.user.id, o));
    };
    // 120 live tickets, one per height, so the order is known.
    for (let i = 0; i < 120; i++) await add('live', { height: 1000 + i });
    await add('immature', { height: tip - maturity });
    await add('immature', { height: tip });
    for (let i = 0; i < 6; i++)
      await add('voted', {
        height: 100 + i,
        outcome: 'voted',
        outcomeHeight: 900 + i,
        spentBy: 'ab'.repeat(32),
      });
    await add('missed', { height: 200, outcome: 'missed', outcomeHeight: 950 });
    await add('expired', { height: 201, outcome: 'expired', outcomeHeight: 960 });
    await add('revoked', { height: 202, outcome: 'revoked', outcomeHeight: 970 });
    await add('invalid', { height: 300, feeStatus: 'low' });
    await add('invalid', { height: 301, feeStatus: 'address' });
    // Admin-added: counts as live.
    const added = await addTicket(h, owner.user.id, { height: 302, feeStatus: 'low' });
    assert.equal(await addLowFeeTickets(h.database.db, [added], 1), 1);
    hashes['live']?.push(added);
  });

  test('without an address: to /address', async () => {
    const { c } = await userClient(h);
    const res = await c.get('/tickets');
    assertRedirect(res, '/address');
  });

  test('a visitor: to /login', async () => {
    const res = await h.app.inject({ url: '/tickets' });
    assertRedirect(res, '/login');
  });

  test('tabs with every count; the live group by default, newest first, 50 a page', async () => {
    const res = await owner.c.get('/tickets');
    assert.equal(res.statusCode, 200);
    const text = textOf(res.body);
    for (const [label, n] of [
      ['Immature', 2],
      ['Live', 121],
      ['Voted', 6],
      ['Missed', 1],
      ['Expired', 1],
      ['Revoked', 1],
      ['Invalid', 2],
    ] as const) {
      assert.ok(text.includes(`${label} (${n})`), `${label} (${n})`);
    }
    const live = hashes['live'] ?? [];
    // Newest purchase first: heights 1119, 1118, … ; the admin-added one (302) is last.
    const expected = [...live.slice(0, 120)].reverse();
    assert.deepEqual(listed(res.body), expected.slice(0, 50));
    assert.ok(text.includes('Page 1 of 3'));
    const p3 = await owner.c.get('/tickets?group=live&page=3');
    assert.deepEqual(listed(p3.body), [...expected.slice(100), live[120]]);
    // Past the end: the last page.
    const p9 = await owner.c.get('/tickets?group=live&page=9');
    assert.ok(textOf(p9.body).includes('Page 3 of 3'));
    // Explorer links on testnet.
    assert.ok(res.body.includes(`https://testnet.dcrdata.org/tx/${expected[0]}`));
  });

  test('each group lists its tickets', async () => {
    for (const g of ['immature', 'missed', 'expired', 'revoked']) {
      const res = await owner.c.get(`/tickets?group=${g}`);
      assert.equal(res.statusCode, 200);
      assert.deepEqual(new Set(listed(res.body)), new Set(hashes[g]), g);
    }
    const imm = textOf((await owner.c.get('/tickets?group=immature')).body);
    assert.ok(imm.includes(`Live from block`));
    assert.ok(imm.includes((tip + maturity + 1).toLocaleString('en-US')));
  });

  test('voted: cut to maxvotedtickets, with the notice; the vote linked', async () => {
    const res = await owner.c.get('/tickets?group=voted');
    const shown = listed(res.body).filter((x) => x !== 'ab'.repeat(32));
    const voted = [...(hashes['voted'] ?? [])].reverse();
    assert.deepEqual(shown, voted.slice(0, 4));
    assert.ok(
      textOf(res.body).includes('You have 6 voted tickets. Only the most recent 4 are shown.'),
    );
    assert.ok(res.body.includes(`https://testnet.dcrdata.org/tx/${'ab'.repeat(32)}`));
  });

  test('invalid tickets explained, with the reason of each', async () => {
    const live = textOf((await owner.c.get('/tickets?group=live')).body);
    assert.ok(live.includes('You have 2 invalid tickets'));
    assert.ok(live.includes('vote them yourself'));
    assert.ok(live.includes("ask the pool's admin"));
    const res = await owner.c.get('/tickets?group=invalid');
    const text = textOf(res.body);
    assert.deepEqual(new Set(listed(res.body)), new Set(hashes['invalid']));
    assert.ok(text.includes('Pool fee too low: 0.00001000 DCR paid, 0.50000000 DCR required.'));
    assert.ok(text.includes('does not pay a pool fee address'));
  });

  test("another user's tickets are not shown", async () => {
    const other = await userClient(h);
    await withAddress(h, other.user);
    const res = await other.c.get('/tickets');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(listed(res.body), []);
    assert.ok(textOf(res.body).includes('Live (0)'));
  });

  test('an unknown group or page falls back; no dcrd and no stats: 503', async () => {
    const res = await owner.c.get('/tickets?group=bogus&page=x');
    assert.equal(res.statusCode, 200);
    h.dcrd.fail = true;
    try {
      const down = await owner.c.get('/tickets');
      assert.equal(down.statusCode, 503);
      assert.ok(textOf(down.body).includes('cannot reach its Decred node'));
    } finally {
      h.dcrd.fail = false;
    }
  });

  test('no explorer links on simnet', () => {
    const page = ticketsPage({
      site: { ...siteViewStub(), network: 'simnet' },
      nowMs: 0,
      net: 'simnet',
      counts: { immature: 0, live: 1, voted: 0, missed: 0, expired: 0, revoked: 0, invalid: 0 },
      group: 'live',
      tickets: [
        {
          hash: 'cd'.repeat(32),
          userId: 1,
          ticketAddress: 'Sc…',
          purchaseHeight: 10,
          purchaseBlock: '00'.repeat(32),
          price: 1n,
          feePaid: 1n,
          feeRequired: 1n,
          feeStatus: 'ok',
          ticketHex: '00',
          outcome: '',
          outcomeHeight: 0,
          spentBy: '',
          lowFeeAdded: false,
        },
      ],
      page: 1,
      pages: 1,
      pageSize: 50,
      tipHeight: 100,
      maturity: 16,
      maxVoted: 1000,
      supportEmail: '',
    });
    assert.ok(page.value.includes('cd'.repeat(32)));
    assert.ok(!page.value.includes('dcrdata'));
    // Revocations are recorded as missed or expired (DCP-0009): an empty 'revoked' tab is left
    // out; the others show even when empty.
    assert.ok(!page.value.includes('group=revoked'));
    assert.ok(page.value.includes('Expired (0)'));
  });
});

function siteViewStub() {
  return {
    designation: 'Test',
    network: 'simnet',
    vspClosed: false,
    vspClosedMsg: '',
    supportEmail: '',
    pubKey: '',
  };
}
