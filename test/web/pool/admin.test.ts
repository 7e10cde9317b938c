// /status and /admintickets: only an account in adminuserids from an address in adminips; the
// status of nodes, voters and the scanner; low-fee tickets added and removed, with voted and
// expiry kept current from the ticket table.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { getPoolTicket, setPoolTicketOutcome } from '../../../src/db/pool-tickets.ts';
import { setSetting, SETTING_KEYS } from '../../../src/db/settings.ts';
import { ipAllowList, plainIp } from '../../../src/web/routes/pool/admin-access.ts';
import { selectedTickets } from '../../../src/web/routes/pool/admintickets.ts';
import { ticketField } from '../../../src/web/views/pool/admintickets.ts';
import { assertRedirect, csrfOf } from './harness.ts';
import type { Client } from './harness.ts';
import {
  ADMIN_IP,
  addTicket,
  NET,
  pagesHarness,
  textOf,
  userClient,
  suiteHarness,
} from './pages-harness.ts';

describe('pool admin pages', () => {
  const h = suiteHarness(pagesHarness);
  let admin: Client;
  let adminId: number;
  before(async () => {
    const a = await userClient(h, ADMIN_IP);
    admin = a.c;
    adminId = a.user.id;
    h.adminUserIds.push(adminId);
  });

  test('refused: visitors, non-admins, and admins from another address', async () => {
    const user = await userClient(h, ADMIN_IP);
    const adminElsewhere = await userClient(h, '198.51.100.7');
    h.adminUserIds.push(adminElsewhere.user.id);
    for (const path of ['/status', '/admintickets']) {
      const anon = await h.app.inject({ url: path, remoteAddress: ADMIN_IP });
      assert.equal(anon.statusCode, 403, path);
      assert.ok(textOf(anon.body).includes('Forbidden'));
      assert.equal((await user.c.get(path)).statusCode, 403);
      assert.equal((await adminElsewhere.c.get(path)).statusCode, 403);
    }
    for (const c of [user.c, adminElsewhere.c]) {
      assert.equal((await c.post('/admintickets', { action: 'add' })).statusCode, 403);
    }
    assert.ok(h.logs.some((l) => l.msg === 'admin page refused' && l.level === 'warn'));
  });

  test('the allow-list: IPv4-mapped IPv6 and any IPv6 spelling match; empty allows all', () => {
    const allowed = ipAllowList([ADMIN_IP, '2001:db8::99']);
    assert.ok(allowed(ADMIN_IP));
    assert.ok(allowed(`::ffff:${ADMIN_IP}`));
    assert.ok(allowed('2001:0db8:0000:0000:0000:0000:0000:0099'));
    assert.ok(!allowed('192.0.2.98'));
    assert.ok(!allowed('not an ip'));
    assert.ok(ipAllowList([])('203.0.113.1'));
    assert.equal(plainIp('::FFFF:10.0.0.1'), '10.0.0.1');
    assert.equal(plainIp('::1'), '::1');
  });

  test('/status: dcrd, voters and the scanner', async () => {
    await setSetting(h.database.db, SETTING_KEYS.poolLastScannedBlock, '4990');
    const res = await admin.get('/status');
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['cache-control']), /no-store/);
    const text = textOf(res.body);
    assert.ok(text.includes('wss://127.0.0.1:19109/ws'));
    assert.ok(text.includes('this process'));
    assert.ok(text.includes('block 4,999'));
    assert.ok(text.includes('2 ours, 2 sent'));
    assert.ok(text.includes('Last block processed: 4,990 ( 10 blocks behind )'));
    h.status.report = {
      dcrd: [{ host: 'h', connected: false, bestBlockHeight: undefined }],
      voters: [],
    };
    const down = textOf((await admin.get('/status')).body);
    assert.ok(down.includes('No voter has reported to the database'));
    // Separate `stakepool voter`s, from their heartbeats: one current (voting from its cache
    // while the database was down), one stale.
    const at = 1_700_000_000;
    h.status.report = {
      dcrd: [{ host: 'h', connected: true, bestBlockHeight: 5000 }],
      voters: [
        {
          name: 'voter-a:4242',
          running: true,
          keyLoaded: true,
          voteVersion: 12,
          seenAt: at,
          stale: false,
          lastBlock: {
            height: 4998,
            at,
            ours: 3,
            sent: 1,
            duplicates: 2,
            failed: 0,
            cacheAgeS: 75,
          },
        },
        {
          name: 'voter-b:7',
          running: false,
          keyLoaded: true,
          voteVersion: 1,
          seenAt: at - 900,
          stale: true,
        },
      ],
    };
    const seen = textOf((await admin.get('/status')).body);
    assert.ok(!seen.includes('No voter has reported'), seen);
    assert.ok(seen.includes('voter-a:4242'));
    assert.ok(seen.includes('3 ours, 1 sent, 2 duplicate'));
    assert.ok(seen.includes('voted from the voter cache (75 s old)'));
    assert.ok(seen.includes('voter-b:7'));
    assert.ok(seen.includes('stale'));
    h.status.report = {
      dcrd: [{ host: 'h', connected: true, bestBlockHeight: 5000 }],
      voters: [{ name: 'voter-b:7', running: false, keyLoaded: true, voteVersion: 1, stale: true }],
    };
    assert.ok(
      textOf((await admin.get('/status')).body).includes(
        'No voter has reported in the last 10 minutes',
      ),
    );
    h.status.fail = true;
    try {
      assert.ok(textOf((await admin.get('/status')).body).includes('The status check failed'));
    } finally {
      h.status.fail = false;
    }
  });

  test('/admintickets: add an ignored ticket, see it vote, remove another', async () => {
    const { user } = await userClient(h);
    const low = await addTicket(h, user.id, { height: 3000, feeStatus: 'low' });
    const wrong = await addTicket(h, user.id, { height: 3001, feeStatus: 'address' });
    const ok = await addTicket(h, user.id, { height: 3002 });
    const spent = await addTicket(h, user.id, {
      height: 3003,
      feeStatus: 'low',
      outcome: 'missed',
    });

    const page = await admin.get('/admintickets');
    assert.equal(page.statusCode, 200);
    const fields = (body: string, action: string) => {
      const form =
        new RegExp(
          `<form[^>]*>\\s*<input[^>]*csrf[^>]*/>\\s*<input type="hidden" name="action" value="${action}"[\\s\\S]*?</form>`,
        ).exec(body)?.[0] ?? '';
      return [...form.matchAll(/name="ticket-([0-9a-f]{64})"/g)].map((m) => m[1]);
    };
    assert.deepEqual(new Set(fields(page.body, 'add')), new Set([low, wrong]));
    assert.deepEqual(fields(page.body, 'remove'), []);
    assert.ok(textOf(page.body).includes('pays no pool fee address'));

    // A ticket that is not ignored (fee ok, or spent) cannot be added.
    const res = await admin.post('/admintickets', {
      csrf: csrfOf(page.body),
      action: 'add',
      [ticketField(low)]: '1',
      [ticketField(wrong)]: '1',
      [ticketField(ok)]: '1',
      [ticketField(spent)]: '1',
    });
    assertRedirect(res, '/admintickets');
    assert.equal((await getPoolTicket(h.database.db, low))?.lowFeeAdded, true);
    assert.equal((await getPoolTicket(h.database.db, ok))?.lowFeeAdded, false);
    const afterAdd = await admin.get('/admintickets');
    const t = textOf(afterAdd.body);
    assert.ok(t.includes('Added 2 of 4 ticket(s)'));
    assert.deepEqual(new Set(fields(afterAdd.body, 'remove')), new Set([low, wrong]));
    assert.deepEqual(fields(afterAdd.body, 'add'), []);
    const expiry = 3000 + NET.ticketMaturity + NET.ticketExpiry;
    assert.ok(t.includes(`expires at block ${expiry.toLocaleString('en-US')}`));
    assert.ok(t.includes(`user ${adminId}`));

    // It votes: the added list says so at once (#201).
    await setPoolTicketOutcome(h.database.db, low, { outcome: 'voted', height: 3400, spentBy: '' });
    assert.ok(textOf((await admin.get('/admintickets')).body).includes('voted at 3,400'));

    // Remove the other: ignored again.
    const removed = await admin.post('/admintickets', {
      csrf: csrfOf(afterAdd.body),
      action: 'remove',
      [ticketField(wrong)]: '1',
    });
    assert.equal(removed.statusCode, 303);
    const final = await admin.get('/admintickets');
    assert.ok(textOf(final.body).includes('Removed 1 ticket(s)'));
    assert.deepEqual(fields(final.body, 'add'), [wrong]);
  });

  test('/admintickets: CSRF, unknown action and empty selections change nothing', async () => {
    const { user } = await userClient(h);
    const low = await addTicket(h, user.id, { height: 3100, feeStatus: 'low' });
    const page = await admin.get('/admintickets');
    for (const [fields, message] of [
      [{ csrf: 'forged', action: 'add', [ticketField(low)]: '1' }, 'The form has expired'],
      [{ csrf: csrfOf(page.body), action: 'delete', [ticketField(low)]: '1' }, 'Unknown action'],
      [{ csrf: csrfOf(page.body), action: 'add' }, 'Select at least one ticket'],
    ] as const) {
      const res = await admin.post('/admintickets', { ...fields });
      assert.equal(res.statusCode, 303);
      assert.ok(textOf((await admin.get('/admintickets')).body).includes(message), message);
    }
    assert.equal((await getPoolTicket(h.database.db, low))?.lowFeeAdded, false);
  });

  test('selectedTickets reads only well-formed checkbox names', () => {
    const a = 'ab'.repeat(32);
    const body = Object.assign(Object.create(null) as Record<string, string>, {
      [`ticket-${a}`]: '1',
      'ticket-XYZ': '1',
      [`ticket-${a.toUpperCase()}`]: '1',
      csrf: 'x',
    });
    assert.deepEqual(selectedTickets(body), [a]);
  });
});
