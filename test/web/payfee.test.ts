// POST /api/v3/payfee: vspd's check order (vspMustBeOpen → vspAuth → unknown → binding →
// received → can vote → expired → WIF → choices (dropped) → fee tx → amount → voting key), what
// is stored, and when and how the fee is broadcast.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeTx, encodeWif, txid } from '../../src/dcr/index.ts';
import { netParams } from '../../src/dcr/params.ts';
import { RpcError, RpcErrorCode } from '../../src/rpc/errors.ts';
import { ErrorCode } from '../../src/vsp/errors.ts';
import { verifyBodySignature } from '../../src/vsp/ticket.ts';
import {
  assertError,
  assertOk,
  harness,
  NET,
  newFeeTx,
  newKey,
  newTicket,
  nowSeconds,
  onChain,
  orphanError,
  payFeeBody,
  post,
  storeTicket,
} from './fixtures.ts';
import type { Harness, TicketFixture } from './fixtures.ts';
import { requestTimestamp } from '../../src/vsp/store.ts';
import type { VspTicket } from '../../src/vsp/store.ts';

const FEE = 1_000_000n;

function setup(patch: Partial<VspTicket> = {}, confirmations = 3) {
  const h = harness();
  const t = newTicket();
  onChain(h, t, confirmations);
  const ticket = storeTicket(h, t, { feeAmount: FEE, ...patch });
  const feeTx = newFeeTx(ticket.feeAddress, FEE);
  return { h, t, ticket, feeTx };
}

const pay = (h: Harness, t: TicketFixture, body: string, signer = t.commitment) =>
  post(h, '/payfee', body, { signer });

const HASH = 'ab'.repeat(32);
const PIKEY = '03' + 'cd'.repeat(32);

describe('payfee: errors in check order', () => {
  it('2: VSP closed, first', async () => {
    const { h } = setup();
    h.config.vspClosed = true;
    assertError(h, await post(h, '/payfee', '{}'), ErrorCode.VspClosed);
  });

  it('0: tickethash missing or malformed (vspAuth)', async () => {
    const { h, t, feeTx } = setup();
    assertError(
      h,
      await pay(h, t, JSON.stringify({ feetx: feeTx })),
      ErrorCode.BadRequest,
      'tickethash: is required',
    );
    for (const tickethash of ['abc', t.hash.toUpperCase(), 'zz'.repeat(32)]) {
      const res = await pay(h, t, payFeeBody(h, t, feeTx, { tickethash }));
      assertError(h, res, ErrorCode.BadRequest, 'invalid ticket hash');
    }
  });

  it('10: bad signature; 0: none', async () => {
    const { h, t, feeTx } = setup();
    assertError(h, await pay(h, t, payFeeBody(h, t, feeTx), newKey()), ErrorCode.BadSignature);
    const res = await post(h, '/payfee', payFeeBody(h, t, feeTx));
    assertError(h, res, ErrorCode.BadRequest, 'no VSP-Client-Signature header');
  });

  it('6: ticket dcrd knows but the VSP does not (before binding errors)', async () => {
    const h = harness();
    const t = newTicket();
    onChain(h, t);
    assertError(
      h,
      await pay(h, t, JSON.stringify({ tickethash: t.hash })),
      ErrorCode.UnknownTicket,
    );
  });

  it('6: ticket neither the VSP nor dcrd knows', async () => {
    const h = harness();
    const t = newTicket();
    assertError(
      h,
      await pay(h, t, JSON.stringify({ tickethash: t.hash })),
      ErrorCode.UnknownTicket,
    );
  });

  it('13: the hash names a tx that is not a 3-output ticket', async () => {
    const h = harness();
    const t = newTicket();
    h.dcrd.add(t.parentHex, t.parentHash, 3);
    const body = JSON.stringify({ tickethash: t.parentHash });
    assertError(h, await pay(h, t, body), ErrorCode.InvalidTicket);
  });

  const binding: [string, Record<string, unknown>, string][] = [
    ['feetx missing', { feetx: undefined }, 'feetx: is required'],
    ['votingkey empty', { votingkey: '' }, 'votingkey: is required'],
    ['votechoices missing', { votechoices: undefined }, 'votechoices: is required'],
    ['votechoices null', { votechoices: null }, 'votechoices: must be an object'],
    ['timestamp missing', { timestamp: undefined }, 'timestamp: is required'],
    ['tspendpolicy a list', { tspendpolicy: [] }, 'tspendpolicy: must be an object or null'],
  ];
  for (const [name, over, msg] of binding) {
    it(`0: ${name}`, async () => {
      const { h, t, feeTx } = setup();
      assertError(h, await pay(h, t, payFeeBody(h, t, feeTx, over)), ErrorCode.BadRequest, msg);
    });
  }

  for (const status of ['received', 'broadcast', 'confirmed'] as const) {
    it(`3: fee already ${status} (before expiry and key checks)`, async () => {
      const { h, t, feeTx } = setup({ feeTxStatus: status, feeExpiration: 1 });
      const res = await pay(h, t, payFeeBody(h, t, feeTx, { votingkey: 'bad' }));
      assertError(h, res, ErrorCode.FeeAlreadyReceived);
    });
  }

  it('7: the ticket can no longer vote (before expiry)', async () => {
    const h = harness();
    const t = newTicket();
    onChain(h, t, NET.ticketMaturity + 5);
    const ticket = storeTicket(h, t, { feeExpiration: 1 });
    const res = await pay(h, t, payFeeBody(h, t, newFeeTx(ticket.feeAddress, FEE)));
    assertError(h, res, ErrorCode.TicketCannotVote);
  });

  it('1: dcrd cannot tell whether the ticket can vote', async () => {
    const { h, t, feeTx } = setup();
    h.dcrd.getRawTransactionHook = () => new Error('timeout');
    assertError(h, await pay(h, t, payFeeBody(h, t, feeTx)), ErrorCode.InternalError);
  });

  it('8: the quote has expired (before the key is looked at)', async () => {
    const { h, t, feeTx } = setup();
    h.clock.ms += 3600_000 + 1000;
    assertError(
      h,
      await pay(h, t, payFeeBody(h, t, feeTx, { votingkey: 'x' })),
      ErrorCode.FeeExpired,
    );
  });

  it('not expired up to the last second of the hour', async () => {
    const { h, t, feeTx } = setup();
    h.clock.ms += 3600_000;
    const body = payFeeBody(h, t, feeTx);
    assertOk(h, await pay(h, t, body), body);
  });

  it('11: a WIF that does not decode, or is for another network (before the fee tx)', async () => {
    const { h, t } = setup();
    const mainnetWif = encodeWif(newKey().priv, netParams('mainnet'));
    // Change the last character (to one it is not already), which breaks the checksum.
    const last = t.voting.wif.endsWith('x') ? 'y' : 'x';
    const badChecksum = t.voting.wif.slice(0, -1) + last;
    for (const votingkey of ['notawif', badChecksum, mainnetWif]) {
      const res = await pay(h, t, payFeeBody(h, t, 'zz', { votingkey }));
      assertError(h, res, ErrorCode.InvalidPrivKey);
    }
  });

  it('4: fee tx that does not decode, or fails the sanity checks (before the voting key)', async () => {
    const { h, t, ticket } = setup();
    const other = newKey().wif;
    for (const feetx of ['zz', '00', newFeeTx(ticket.feeAddress, FEE, { inputs: [] })]) {
      const res = await pay(h, t, payFeeBody(h, t, feetx, { votingkey: other }));
      assertError(h, res, ErrorCode.InvalidFeeTx);
    }
  });

  it('4: fee tx paying nothing to the fee address', async () => {
    const { h, t, ticket } = setup();
    const res = await pay(h, t, payFeeBody(h, t, newFeeTx(newKey().address, FEE)));
    assertError(
      h,
      res,
      ErrorCode.InvalidFeeTx,
      `feetx did not include any payments for fee address ${ticket.feeAddress}`,
    );
  });

  it('5: fee too small (before the voting key)', async () => {
    const { h, t, ticket } = setup();
    const res = await pay(
      h,
      t,
      payFeeBody(h, t, newFeeTx(ticket.feeAddress, FEE - 1n), { votingkey: newKey().wif }),
    );
    assertError(h, res, ErrorCode.FeeTooSmall);
  });

  it('11: a valid WIF that is not the ticket’s voting key', async () => {
    const { h, t, feeTx } = setup();
    const res = await pay(h, t, payFeeBody(h, t, feeTx, { votingkey: newKey().wif }));
    assertError(
      h,
      res,
      ErrorCode.InvalidPrivKey,
      'voting address does not match provided private key',
    );
    assert.equal(h.store.tickets.get(t.hash)?.feeTxStatus, 'none');
  });
});

describe('payfee: success', () => {
  it('stores the fee tx, key and choices as received; no broadcast before 6 confirmations', async () => {
    const { h, t, feeTx } = setup();
    const body = payFeeBody(h, t, feeTx, {
      votechoices: { maxtreasuryspend: 'no' },
      tspendpolicy: { [HASH]: 'yes' },
      treasurypolicy: { [PIKEY]: 'abstain' },
    });
    const res = await pay(h, t, body);
    const r = assertOk(h, res, body);
    assert.deepEqual(Object.keys(r), ['timestamp', 'request']);
    assert.equal(r['timestamp'], nowSeconds(h));
    const s = h.store.tickets.get(t.hash)!;
    assert.equal(s.feeTxStatus, 'received');
    assert.equal(s.votingWif, t.voting.wif);
    assert.equal(s.feeTxHex, feeTx);
    assert.equal(s.feeTxHash, txid(decodeTx(feeTx)));
    assert.deepEqual(s.voteChoices, { maxtreasuryspend: 'no' });
    assert.deepEqual(s.tspendPolicy, { [HASH]: 'yes' });
    assert.deepEqual(s.treasuryPolicy, { [PIKEY]: 'abstain' });
    assert.deepEqual(h.dcrd.sent, []);
  });

  it('records the signed exchange (request bytes, both signatures) as a vote change', async () => {
    const { h, t, feeTx } = setup();
    const body = payFeeBody(h, t, feeTx);
    const res = await pay(h, t, body);
    const [rec, ...more] = h.store.voteChanges.get(t.hash) ?? [];
    assert.equal(more.length, 0);
    assert.equal(rec?.request, body);
    assert.equal(requestTimestamp(rec.request), nowSeconds(h));
    assert.ok(
      verifyBodySignature(t.commitment.address, rec.requestSignature, Buffer.from(body), NET),
    );
    assert.equal(rec.response, res.body);
    assert.equal(rec.responseSignature, res.headers['vsp-server-signature']);
    assert.ok(h.serverKey.verify(rec.response, rec.responseSignature));
  });

  it('drops each invalid choice map whole, with a warning, and still registers', async () => {
    const { h, t, feeTx } = setup();
    const body = payFeeBody(h, t, feeTx, {
      votechoices: { maxtreasuryspend: 'yes', nosuchagenda: 'yes' },
      tspendpolicy: { [HASH]: 'maybe' },
      treasurypolicy: { [PIKEY]: 'yes' },
    });
    assertOk(h, await pay(h, t, body), body);
    const s = h.store.tickets.get(t.hash)!;
    assert.deepEqual(s.voteChoices, {});
    assert.deepEqual(s.tspendPolicy, {});
    assert.deepEqual(s.treasuryPolicy, { [PIKEY]: 'yes' });
    const warnings = h.logs.filter(
      (l) => l.level === 'warn' && l.msg === 'dropping invalid choices',
    );
    assert.deepEqual(
      warnings.map((w) => (w.obj as { field: string }).field),
      ['voteChoices', 'tspendPolicy'],
    );
  });

  it('a policy map over 3 entries is dropped, not a reason to refuse the fee (vspd: 400)', async () => {
    const { h, t, feeTx } = setup();
    const four = Object.fromEntries(['01', '02', '03', '04'].map((b) => [b.repeat(32), 'no']));
    const body = payFeeBody(h, t, feeTx, {
      tspendpolicy: four,
      votechoices: { maxtreasuryspend: 'yes' },
    });
    assertOk(h, await pay(h, t, body), body);
    const s = h.store.tickets.get(t.hash)!;
    assert.deepEqual(s.tspendPolicy, {});
    assert.deepEqual(s.voteChoices, { maxtreasuryspend: 'yes' });
  });

  it('missing or null policy maps are empty', async () => {
    const { h, t, feeTx } = setup();
    const body = payFeeBody(h, t, feeTx, { tspendpolicy: null, treasurypolicy: undefined });
    assertOk(h, await pay(h, t, body), body);
  });

  it('a fee in error state may be paid again', async () => {
    const { h, t, feeTx } = setup({ feeTxStatus: 'error', feeTxHex: 'old', feeTxHash: 'old' });
    const body = payFeeBody(h, t, feeTx);
    assertOk(h, await pay(h, t, body), body);
    assert.equal(h.store.tickets.get(t.hash)?.feeTxHex, feeTx);
  });

  it('overpaying is fine', async () => {
    const { h, t, ticket } = setup();
    const body = payFeeBody(h, t, newFeeTx(ticket.feeAddress, FEE * 3n));
    assertOk(h, await pay(h, t, body), body);
  });

  it('of two concurrent payments only one is accepted; the other gets 3', async () => {
    const { h, t, feeTx } = setup();
    const body = payFeeBody(h, t, feeTx);
    const replies = await Promise.all([pay(h, t, body), pay(h, t, body)]);
    assert.deepEqual(replies.map((r) => r.statusCode).sort(), [200, 400]);
    assertError(
      h,
      replies.find((r) => r.statusCode === 400)!,
      ErrorCode.FeeAlreadyReceived,
    );
  });
});

describe('payfee: broadcast for a confirmed ticket', () => {
  it('broadcasts at once and marks it broadcast', async () => {
    const { h, t, feeTx } = setup({ confirmed: true }, 8);
    const body = payFeeBody(h, t, feeTx);
    assertOk(h, await pay(h, t, body), body);
    assert.deepEqual(h.dcrd.sent, [feeTx]);
    assert.equal(h.store.tickets.get(t.hash)?.feeTxStatus, 'broadcast');
  });

  it('duplicate tx: already broadcast, so marked broadcast', async () => {
    const { h, t, feeTx } = setup({ confirmed: true }, 8);
    h.dcrd.sendHook = () =>
      new RpcError(RpcErrorCode.DuplicateTx, 'already have', 'sendrawtransaction');
    const body = payFeeBody(h, t, feeTx);
    assertOk(h, await pay(h, t, body), body);
    assert.equal(h.store.tickets.get(t.hash)?.feeTxStatus, 'broadcast');
  });

  it('16 (HTTP 428): inputs unknown to dcrd; the fee is marked error', async () => {
    const { h, t, feeTx } = setup({ confirmed: true }, 8);
    h.dcrd.sendHook = () => orphanError();
    assertError(
      h,
      await pay(h, t, payFeeBody(h, t, feeTx)),
      ErrorCode.CannotBroadcastFeeUnknownOutputs,
    );
    assert.equal(h.store.tickets.get(t.hash)?.feeTxStatus, 'error');
    assert.equal(h.store.voteChanges.get(t.hash), undefined);
  });

  it('15: any other refusal; the fee is marked error and can be paid again', async () => {
    const { h, t, feeTx } = setup({ confirmed: true }, 8);
    h.dcrd.sendHook = () => new RpcError(-26, 'insufficient priority', 'sendrawtransaction');
    assertError(h, await pay(h, t, payFeeBody(h, t, feeTx)), ErrorCode.CannotBroadcastFee);
    assert.equal(h.store.tickets.get(t.hash)?.feeTxStatus, 'error');
    h.dcrd.sendHook = undefined;
    const body = payFeeBody(h, t, feeTx);
    assertOk(h, await pay(h, t, body), body);
    assert.equal(h.store.tickets.get(t.hash)?.feeTxStatus, 'broadcast');
  });
});
