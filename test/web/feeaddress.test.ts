// POST /api/v3/feeaddress: every error code it can return, in vspd's order
// (vspMustBeOpen → broadcastTicket → vspAuth → handler), and the fee quote itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveAddress, ExtendedKey } from '../../src/dcr/hdkey.ts';
import { RpcError, RpcErrorCode } from '../../src/rpc/errors.ts';
import { ErrorCode } from '../../src/vsp/errors.ts';
import { vspFee } from '../../src/vsp/fees.ts';
import {
  assertError,
  assertOk,
  FEE_XPUB,
  feeAddressBody,
  harness,
  NET,
  newKey,
  newTicket,
  noTxInfo,
  nowSeconds,
  onChain,
  orphanError,
  post,
  signBody,
  storeTicket,
} from './fixtures.ts';
import type { Harness, TicketFixture } from './fixtures.ts';

function setup(confirmations = 1): { h: Harness; t: TicketFixture } {
  const h = harness();
  const t = newTicket();
  onChain(h, t, confirmations);
  return { h, t };
}

const send = (h: Harness, t: TicketFixture, body = feeAddressBody(h, t), signer = t.commitment) =>
  post(h, '/feeaddress', body, { signer });

describe('feeaddress: errors in check order', () => {
  it('2: VSP closed, before anything else (even a body that is not JSON)', async () => {
    const { h } = setup();
    h.config.vspClosed = true;
    assertError(h, await post(h, '/feeaddress', 'garbage'), ErrorCode.VspClosed);
  });

  it('0: ticket fields missing (broadcastTicket binding)', async () => {
    const { h, t } = setup();
    const body = JSON.stringify({ timestamp: 1, tickethash: t.hash, tickethex: t.ticketHex });
    assertError(h, await send(h, t, body), ErrorCode.BadRequest, 'parenthex: is required');
  });

  it('0: ticket hex that does not decode', async () => {
    const { h, t } = setup();
    for (const tickethex of ['zz', t.ticketHex.slice(0, -2), t.ticketHex + '00']) {
      const res = await send(h, t, feeAddressBody(h, t, { tickethex }));
      assertError(h, res, ErrorCode.BadRequest, 'cannot decode ticket hex');
    }
  });

  it('13: a tx that is not a ticket (before the hash comparison)', async () => {
    const { h, t } = setup();
    const res = await send(h, t, feeAddressBody(h, t, { tickethex: t.parentHex }));
    assertError(h, res, ErrorCode.InvalidTicket);
  });

  it('0: ticket hash does not match the hex (also for an uppercase hash)', async () => {
    const { h, t } = setup();
    const other = newTicket();
    for (const tickethash of [other.hash, t.hash.toUpperCase()]) {
      const res = await send(h, t, feeAddressBody(h, t, { tickethash }));
      assertError(h, res, ErrorCode.BadRequest, 'ticket hex does not match hash');
    }
  });

  it('0: parent hex that does not decode', async () => {
    const { h, t } = setup();
    const res = await send(h, t, feeAddressBody(h, t, { parenthex: '0011' }));
    assertError(h, res, ErrorCode.BadRequest, 'cannot decode parent hex');
  });

  it('0: an unknown parent that is not an input of the ticket is not relayed', async () => {
    const { h, t } = setup();
    const other = newTicket();
    const res = await send(h, t, feeAddressBody(h, t, { parenthex: other.parentHex }));
    assertError(h, res, ErrorCode.BadRequest, 'invalid ticket parent');
    assert.deepEqual(h.dcrd.sent, []);
  });

  it('1: dcrd fails looking up the parent', async () => {
    const { h, t } = setup();
    h.dcrd.getRawTransactionHook = (id) =>
      id === t.parentHash ? new Error('connection reset') : undefined;
    assertError(h, await send(h, t), ErrorCode.InternalError);
  });

  it('14: dcrd refuses the parent', async () => {
    const { h, t } = setup();
    h.dcrd.txs.delete(t.parentHash);
    h.dcrd.sendHook = () =>
      new RpcError(-22, 'rejected transaction: insufficient fee', 'sendrawtransaction');
    assertError(h, await send(h, t), ErrorCode.CannotBroadcastTicket);
  });

  it('14: an orphan parent still orphaned after 7 retries a second apart', async () => {
    const { h, t } = setup();
    h.dcrd.txs.delete(t.parentHash);
    h.dcrd.sendHook = () => orphanError();
    assertError(h, await send(h, t), ErrorCode.CannotBroadcastTicket);
    assert.deepEqual(h.sleeps, [1000, 1000, 1000, 1000, 1000, 1000, 1000]);
    assert.equal(h.dcrd.sent.length, 8);
  });

  it('an orphan parent accepted on a retry proceeds', async () => {
    const { h, t } = setup();
    h.dcrd.txs.delete(t.parentHash);
    let n = 0;
    h.dcrd.sendHook = (hex) => (hex === t.parentHex && n++ < 2 ? orphanError() : undefined);
    assertOk(h, await send(h, t), feeAddressBody(h, t));
    assert.equal(h.sleeps.length, 2);
  });

  it('1: dcrd fails looking up the ticket', async () => {
    const { h, t } = setup();
    h.dcrd.getRawTransactionHook = (id) =>
      id === t.hash ? new RpcError(-32603, 'internal', 'getrawtransaction') : undefined;
    assertError(h, await send(h, t), ErrorCode.InternalError);
  });

  it('14: dcrd refuses the ticket', async () => {
    const { h, t } = setup();
    h.dcrd.txs.delete(t.hash);
    h.dcrd.sendHook = (hex) =>
      hex === t.ticketHex ? new Error('rejected: ticket price too low') : undefined;
    assertError(h, await send(h, t), ErrorCode.CannotBroadcastTicket);
  });

  it('0: no VSP-Client-Signature header', async () => {
    const { h, t } = setup();
    const res = await post(h, '/feeaddress', feeAddressBody(h, t));
    assertError(h, res, ErrorCode.BadRequest, 'no VSP-Client-Signature header');
  });

  it('10: signed by a key that is not the commitment key (or garbage)', async () => {
    const { h, t } = setup();
    assertError(h, await send(h, t, feeAddressBody(h, t), newKey()), ErrorCode.BadSignature);
    assertError(h, await send(h, t, feeAddressBody(h, t), t.voting), ErrorCode.BadSignature);
    const res = await post(h, '/feeaddress', feeAddressBody(h, t), {
      signature: 'bm90IGEgc2lnbmF0dXJl',
    });
    assertError(h, res, ErrorCode.BadSignature);
  });

  it('10: a signature over different bytes (re-serialized JSON) fails', async () => {
    const { h, t } = setup();
    const body = feeAddressBody(h, t);
    const reformatted = JSON.stringify(JSON.parse(body), null, 1);
    const res = await post(h, '/feeaddress', reformatted, {
      signature: signBody(body, t.commitment),
    });
    assertError(h, res, ErrorCode.BadSignature);
  });

  it('10 before 0: a bad signature wins over a missing timestamp; then 0 for the timestamp', async () => {
    const { h, t } = setup();
    const body = feeAddressBody(h, t, { timestamp: 0 });
    assertError(h, await send(h, t, body, newKey()), ErrorCode.BadSignature);
    assertError(h, await send(h, t, body), ErrorCode.BadRequest, 'timestamp: is required');
  });

  for (const status of ['received', 'broadcast', 'confirmed'] as const) {
    it(`3: fee already ${status}`, async () => {
      const { h, t } = setup();
      storeTicket(h, t, { feeTxStatus: status });
      assertError(h, await send(h, t), ErrorCode.FeeAlreadyReceived);
    });
  }

  it('7: too old to vote; 7: mature but not live; 1: existsliveticket fails', async () => {
    const old = setup(NET.ticketMaturity + NET.ticketExpiry + 2);
    assertError(old.h, await send(old.h, old.t), ErrorCode.TicketCannotVote);
    const dead = setup(NET.ticketMaturity + 1);
    assertError(dead.h, await send(dead.h, dead.t), ErrorCode.TicketCannotVote);
    const broken = setup(NET.ticketMaturity + 1);
    broken.h.dcrd.existsLiveHook = () => new Error('dcrd down');
    assertError(broken.h, await send(broken.h, broken.t), ErrorCode.InternalError);
  });
});

describe('feeaddress: quotes', () => {
  it('a new ticket gets xpub/0/1 at the current fee for 1 hour, stored with status none', async () => {
    const { h, t } = setup(2);
    const body = feeAddressBody(h, t);
    const res = await send(h, t, body);
    const r = assertOk(h, res, body);
    const want = deriveAddress(ExtendedKey.fromString(FEE_XPUB, NET), 0, 1);
    const fee = vspFee(h.dcrd.best, h.config.vspFee, NET);
    assert.deepEqual(Object.keys(r), [
      'timestamp',
      'feeaddress',
      'feeamount',
      'expiration',
      'request',
    ]);
    assert.deepEqual(r, {
      timestamp: nowSeconds(h),
      feeaddress: want,
      feeamount: Number(fee),
      expiration: nowSeconds(h) + 3600,
      request: Buffer.from(body).toString('base64'),
    });
    const stored = h.store.tickets.get(t.hash);
    assert.deepEqual(
      { ...stored, feeAmount: String(stored?.feeAmount) },
      {
        hash: t.hash,
        purchaseHeight: 0,
        commitmentAddress: t.commitment.address,
        feeAddressXpubId: 0,
        feeAddressIndex: 1,
        feeAddress: want,
        confirmed: false,
        feeAmount: String(fee),
        feeExpiration: nowSeconds(h) + 3600,
        feeTxHex: '',
        feeTxHash: '',
        feeTxStatus: 'none',
        votingWif: '',
        outcome: '',
        voteChoices: {},
        tspendPolicy: {},
        treasuryPolicy: {},
      },
    );
  });

  it('a ticket with 6 confirmations is stored confirmed with its purchase height', async () => {
    const { h, t } = setup(6);
    assertOk(h, await send(h, t), feeAddressBody(h, t));
    const stored = h.store.tickets.get(t.hash);
    assert.equal(stored?.confirmed, true);
    assert.equal(stored?.purchaseHeight, h.dcrd.best.height - 5);
  });

  it('a ticket dcrd has never seen is broadcast (parent first if needed), then registered', async () => {
    const h = harness();
    const t = newTicket();
    assertOk(h, await send(h, t), feeAddressBody(h, t));
    assert.deepEqual(h.dcrd.sent, [t.parentHex, t.ticketHex]);
  });

  it('a duplicate-tx answer to a broadcast counts as broadcast', async () => {
    const h = harness();
    const t = newTicket();
    h.dcrd.add(t.parentHex, t.parentHash, 3);
    // Another request broadcast the ticket between our lookup and our send.
    h.dcrd.sendHook = (hex) => {
      h.dcrd.add(hex, t.hash, 0);
      return new RpcError(
        RpcErrorCode.DuplicateTx,
        'already have transaction',
        'sendrawtransaction',
      );
    };
    assertOk(h, await send(h, t), feeAddressBody(h, t));
  });

  it('asking again returns the same address and amount, using no new index', async () => {
    const { h, t } = setup();
    const first = JSON.parse((await send(h, t)).body) as Record<string, unknown>;
    h.clock.ms += 60_000;
    h.dcrd.best = { ...h.dcrd.best, sbits: h.dcrd.best.sbits * 2n };
    const body = feeAddressBody(h, t);
    const second = assertOk(h, await send(h, t, body), body);
    assert.equal(second['feeaddress'], first['feeaddress']);
    assert.equal(second['feeamount'], first['feeamount']);
    assert.equal(second['expiration'], first['expiration']);
    assert.equal(h.store.xpubs[0]!.lastUsedIndex, 1);
  });

  it('an expired quote is re-priced at the current ticket price with a new hour, same address', async () => {
    const { h, t } = setup();
    const first = JSON.parse((await send(h, t)).body) as Record<string, unknown>;
    h.clock.ms += 3600_000 + 1000;
    h.dcrd.best = { ...h.dcrd.best, sbits: h.dcrd.best.sbits * 2n };
    const body = feeAddressBody(h, t);
    const second = assertOk(h, await send(h, t, body), body);
    assert.equal(second['feeaddress'], first['feeaddress']);
    assert.equal(second['feeamount'], Number(vspFee(h.dcrd.best, h.config.vspFee, NET)));
    assert.notEqual(second['feeamount'], first['feeamount']);
    assert.equal(second['expiration'], nowSeconds(h) + 3600);
    assert.equal(h.store.tickets.get(t.hash)?.feeExpiration, nowSeconds(h) + 3600);
  });

  it('a fee in error state can be quoted again (the wallet pays again)', async () => {
    const { h, t } = setup();
    storeTicket(h, t, { feeTxStatus: 'error' });
    assertOk(h, await send(h, t), feeAddressBody(h, t));
  });

  it('two concurrent first requests for one ticket get the same address', async () => {
    const { h, t } = setup();
    const body = feeAddressBody(h, t);
    const [a, b] = await Promise.all([send(h, t, body), send(h, t, body)]);
    const ra = assertOk(h, a, body);
    const rb = assertOk(h, b, body);
    assert.equal(ra['feeaddress'], rb['feeaddress']);
    assert.equal(h.store.tickets.get(t.hash)?.feeAddress, ra['feeaddress']);
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
    assertOk(h, await send(h, t, feeAddressBody(h, t), alt), feeAddressBody(h, t));
  });

  it('a ticket dcrd reports unknown after broadcasting fails as 6 in vspAuth, not 500', async () => {
    const { h, t } = setup();
    // dcrd accepts the broadcast but then has no record: the ticket is treated as unknown.
    h.dcrd.getRawTransactionHook = (id) => (id === t.hash ? noTxInfo() : undefined);
    h.dcrd.sendHook = () => undefined;
    assertError(h, await send(h, t), ErrorCode.UnknownTicket);
  });
});
