// POST /api/v3/setvotechoices: vspAuth → wallets reachable → unknown → fee none → outcome →
// binding → replay (timestamps) → choice validation → merge, record, then push to wallets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../src/vsp/errors.ts';
import { requestTimestamp } from '../../src/vsp/store.ts';
import type { VspTicket } from '../../src/vsp/store.ts';
import {
  assertError,
  assertOk,
  harness,
  newKey,
  newTicket,
  nowSeconds,
  post,
  storeTicket,
} from './fixtures.ts';
import type { Harness, TicketFixture } from './fixtures.ts';

const HASH = 'ab'.repeat(32);
const PIKEY = '02' + 'cd'.repeat(32);

function setup(patch: Partial<VspTicket> = {}, config = {}) {
  const h = harness(config);
  const t = newTicket();
  storeTicket(h, t, { feeTxStatus: 'received', ...patch });
  return { h, t };
}

function body(h: Harness, t: TicketFixture, over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    timestamp: nowSeconds(h),
    tickethash: t.hash,
    votechoices: { maxtreasuryspend: 'yes' },
    tspendpolicy: {},
    treasurypolicy: {},
    ...over,
  });
}

const set = (h: Harness, t: TicketFixture, b: string, signer = t.commitment) =>
  post(h, '/setvotechoices', b, { signer });

describe('setvotechoices: errors in check order', () => {
  it('10 before 1: an unsigned or badly signed request is refused even with no wallets', async () => {
    const { h, t } = setup();
    h.wallets.online = [];
    assertError(h, await set(h, t, body(h, t), newKey()), ErrorCode.BadSignature);
  });

  it('1: no voting wallet reachable (even for an unknown ticket); nothing stored', async () => {
    const { h, t } = setup();
    h.wallets.online = [];
    assertError(h, await set(h, t, body(h, t)), ErrorCode.InternalError);
    assert.equal(h.store.voteChanges.get(t.hash), undefined);
    const unknown = newTicket();
    h.dcrd.add(unknown.ticketHex, unknown.hash, 3);
    assertError(h, await set(h, unknown, body(h, unknown)), ErrorCode.InternalError);
  });

  it('6: unknown ticket', async () => {
    const h = harness();
    const t = newTicket();
    h.dcrd.add(t.ticketHex, t.hash, 3);
    assertError(h, await set(h, t, body(h, t)), ErrorCode.UnknownTicket);
  });

  it('12: no fee received yet (before binding)', async () => {
    const { h, t } = setup({ feeTxStatus: 'none' });
    assertError(
      h,
      await set(h, t, JSON.stringify({ tickethash: t.hash })),
      ErrorCode.FeeNotReceived,
    );
  });

  for (const outcome of ['voted', 'missed', 'expired', 'revoked'] as const) {
    it(`7: the ticket has ${outcome}`, async () => {
      const { h, t } = setup({ outcome });
      const res = await set(h, t, body(h, t));
      assertError(
        h,
        res,
        ErrorCode.TicketCannotVote,
        `ticket not eligible to vote (status=${outcome})`,
      );
    });
  }

  const binding: [string, Record<string, unknown>, string][] = [
    ['votechoices missing', { votechoices: undefined }, 'votechoices: is required'],
    ['votechoices null', { votechoices: null }, 'votechoices: must be an object'],
    ['timestamp zero', { timestamp: 0 }, 'timestamp: is required'],
    [
      'a choice that is not a string',
      { votechoices: { maxtreasuryspend: true } },
      'votechoices["maxtreasuryspend"]: must be a string',
    ],
    [
      'more than 3 tspend policies',
      { tspendpolicy: Object.fromEntries(['1', '2', '3', '4'].map((c) => [c.repeat(64), 'no'])) },
      'tspendpolicy: 4 entries, at most 3 are allowed',
    ],
  ];
  for (const [name, over, msg] of binding) {
    it(`0: ${name}`, async () => {
      const { h, t } = setup();
      assertError(h, await set(h, t, body(h, t, over)), ErrorCode.BadRequest, msg);
    });
  }

  it('17: a timestamp not above every earlier one (before choice validation)', async () => {
    const { h, t } = setup();
    const first = body(h, t);
    assertOk(h, await set(h, t, first), first);
    // The same request replayed, byte for byte with its valid signature.
    assertError(h, await set(h, t, first), ErrorCode.InvalidTimestamp);
    // Same second, different content.
    assertError(h, await set(h, t, body(h, t, { votechoices: {} })), ErrorCode.InvalidTimestamp);
    // Older, and with invalid choices: 17 still wins.
    const older = body(h, t, { timestamp: nowSeconds(h) - 10, votechoices: { nope: 'yes' } });
    assertError(h, await set(h, t, older), ErrorCode.InvalidTimestamp);
    h.clock.ms += 1000;
    const next = body(h, t);
    assertOk(h, await set(h, t, next), next);
  });

  it('17: the payfee record’s timestamp counts too', async () => {
    const { h, t } = setup();
    h.store.voteChanges.set(t.hash, [
      {
        request: JSON.stringify({ timestamp: nowSeconds(h) + 100, tickethash: t.hash }),
        requestSignature: '',
        response: '',
        responseSignature: '',
      },
    ]);
    assertError(h, await set(h, t, body(h, t)), ErrorCode.InvalidTimestamp);
    const later = body(h, t, { timestamp: nowSeconds(h) + 101 });
    assertOk(h, await set(h, t, later), later);
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    [
      'an unknown agenda',
      { votechoices: { lnsupport: 'yes' } },
      'agenda "lnsupport" not found for vote version 12',
    ],
    [
      'an unknown choice',
      { votechoices: { maxtreasuryspend: 'maybe' } },
      'choice "maybe" not found for agenda "maxtreasuryspend"',
    ],
    [
      'a bad treasury key',
      { treasurypolicy: { abcd: 'yes' } },
      'treasury key "abcd" is not 33 bytes',
    ],
    [
      'a bad treasury policy',
      { treasurypolicy: { [PIKEY]: 'sure' } },
      '"sure" is not a valid policy option',
    ],
    [
      'a bad tspend hash',
      { tspendpolicy: { abcd: 'yes' } },
      'wrong tspend hash length, expected 64 got 4',
    ],
    [
      'a bad tspend policy',
      { tspendpolicy: { [HASH]: 'YES' } },
      '"YES" is not a valid policy option',
    ],
  ];
  for (const [name, over, msg] of invalid) {
    it(`9: ${name}; nothing stored`, async () => {
      const { h, t } = setup();
      assertError(h, await set(h, t, body(h, t, over)), ErrorCode.InvalidVoteChoices, msg);
      assert.deepEqual(h.store.tickets.get(t.hash)?.voteChoices, {});
      assert.equal(h.store.voteChanges.get(t.hash), undefined);
    });
  }
});

describe('setvotechoices: success', () => {
  it('merges the maps (adds and overwrites, never deletes) and works while closed', async () => {
    const { h, t } = setup(
      {
        voteChoices: { maxtreasuryspend: 'no', oldagenda: 'yes' },
        tspendPolicy: { [HASH]: 'no' },
      },
      { vspClosed: true },
    );
    const b = body(h, t, { tspendpolicy: null, treasurypolicy: { [PIKEY]: 'yes' } });
    const r = assertOk(h, await set(h, t, b), b);
    assert.deepEqual(Object.keys(r), ['timestamp', 'request']);
    const s = h.store.tickets.get(t.hash)!;
    assert.deepEqual(s.voteChoices, { maxtreasuryspend: 'yes', oldagenda: 'yes' });
    assert.deepEqual(s.tspendPolicy, { [HASH]: 'no' });
    assert.deepEqual(s.treasuryPolicy, { [PIKEY]: 'yes' });
  });

  it('records the signed exchange', async () => {
    const { h, t } = setup();
    const b = body(h, t);
    const res = await set(h, t, b);
    const rec = h.store.voteChanges.get(t.hash)?.[0];
    assert.equal(rec?.request, b);
    assert.equal(requestTimestamp(rec.request), nowSeconds(h));
    assert.equal(rec?.response, res.body);
    assert.equal(rec?.responseSignature, res.headers['vsp-server-signature']);
  });

  it('keeps at most 10 records per ticket, dropping the oldest', async () => {
    const { h, t } = setup();
    for (let i = 0; i < 12; i++) {
      h.clock.ms += 1000;
      assertOk(h, await set(h, t, body(h, t)), body(h, t));
    }
    const recs = h.store.voteChanges.get(t.hash)!;
    assert.equal(recs.length, 10);
    assert.equal(requestTimestamp(recs[9]!.request), nowSeconds(h));
    assert.equal(requestTimestamp(recs[0]!.request), nowSeconds(h) - 9);
  });

  it('fee not yet confirmed: the ticket is not on the wallets, so no wallet call', async () => {
    const { h, t } = setup({ feeTxStatus: 'broadcast' });
    assertOk(h, await set(h, t, body(h, t)), body(h, t));
    assert.deepEqual(h.wallets.calls, []);
  });

  it('fee confirmed: every stored choice goes to every reachable wallet, after the commit', async () => {
    const { h, t } = setup({
      feeTxStatus: 'confirmed',
      voteChoices: { oldagenda: 'no' },
      tspendPolicy: { [HASH]: 'abstain' },
    });
    h.wallets.failing.add('wallet-a');
    const b = body(h, t, { treasurypolicy: { [PIKEY]: 'no' } });
    assertOk(h, await set(h, t, b), b);
    for (const wallet of ['wallet-a', 'wallet-b']) {
      assert.deepEqual(
        h.wallets.calls.filter((c) => c.wallet === wallet).map((c) => [c.method, ...c.args]),
        [
          ['setvotechoice', 'oldagenda', 'no', t.hash],
          ['setvotechoice', 'maxtreasuryspend', 'yes', t.hash],
          ['settspendpolicy', HASH, 'abstain', t.hash],
          ['settreasurypolicy', PIKEY, 'no', t.hash],
        ],
      );
    }
    // wallet-a failed every call: logged, and the request still succeeded.
    const failures = h.logs.filter((l) => l.level === 'error' && /failed$/.test(l.msg ?? ''));
    assert.equal(failures.length, 4);
  });

  it('a request signed by the alternate signing address is accepted', async () => {
    const { h, t } = setup();
    const alt = newKey();
    h.store.altSignAddresses.set(t.hash, {
      ticketHash: t.hash,
      address: alt.address,
      request: '',
      requestSignature: '',
      response: '',
      responseSignature: '',
    });
    assertOk(h, await set(h, t, body(h, t), alt), body(h, t));
  });
});
