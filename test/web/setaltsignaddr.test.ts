// POST /api/v3/setaltsignaddr: vspd's handler table (setaltsignaddr_test.go) plus the chain
// before it: vspMustBeOpen → broadcastTicket → vspAuth → binding → already set → address →
// type → can vote → store.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base58CheckEncode } from '../../src/dcr/base58.ts';
import { encodeAddress, p2pkAddress, p2shAddress } from '../../src/dcr/address.ts';
import { netParams } from '../../src/dcr/params.ts';
import { ErrorCode } from '../../src/vsp/errors.ts';
import { verifyBodySignature } from '../../src/vsp/ticket.ts';
import {
  assertError,
  assertOk,
  harness,
  NET,
  newKey,
  newTicket,
  nowSeconds,
  onChain,
  post,
} from './fixtures.ts';
import type { Harness, TicketFixture } from './fixtures.ts';

function setup(confirmations = 1) {
  const h = harness();
  const t = newTicket();
  onChain(h, t, confirmations);
  return { h, t };
}

function body(
  h: Harness,
  t: TicketFixture,
  altsignaddress: string,
  over: Record<string, unknown> = {},
) {
  return JSON.stringify({
    timestamp: nowSeconds(h),
    tickethash: t.hash,
    tickethex: t.ticketHex,
    parenthex: t.parentHex,
    altsignaddress,
    ...over,
  });
}

const setAlt = (h: Harness, t: TicketFixture, b: string, signer = t.commitment) =>
  post(h, '/setaltsignaddr', b, { signer });

describe('setaltsignaddr', () => {
  it('ok: stores the address with the exact signed request and response', async () => {
    const { h, t } = setup();
    const alt = newKey();
    const b = body(h, t, alt.address);
    const res = await setAlt(h, t, b);
    const r = assertOk(h, res, b);
    assert.deepEqual(Object.keys(r), ['timestamp', 'request']);
    const rec = h.store.altSignAddresses.get(t.hash);
    assert.equal(rec?.address, alt.address);
    assert.equal(rec?.request, b);
    assert.ok(verifyBodySignature(t.commitment.address, rec.requestSignature, Buffer.from(b), NET));
    assert.equal(rec.response, res.body);
    assert.equal(rec.responseSignature, res.headers['vsp-server-signature']);
  });

  it('then the alternate key can sign ticketstatus (a ticket not yet registered is 6)', async () => {
    const { h, t } = setup();
    const alt = newKey();
    assertOk(h, await setAlt(h, t, body(h, t, alt.address)), body(h, t, alt.address));
    const status = JSON.stringify({ tickethash: t.hash });
    assertError(
      h,
      await post(h, '/ticketstatus', status, { signer: alt }),
      ErrorCode.UnknownTicket,
    );
    assertError(
      h,
      await post(h, '/ticketstatus', status, { signer: newKey() }),
      ErrorCode.BadSignature,
    );
  });

  it('2: VSP closed', async () => {
    const { h, t } = setup();
    h.config.vspClosed = true;
    assertError(h, await setAlt(h, t, body(h, t, newKey().address)), ErrorCode.VspClosed);
  });

  it('0: bad JSON', async () => {
    const { h, t } = setup();
    assertError(h, await setAlt(h, t, '{'), ErrorCode.BadRequest, /not valid JSON/);
  });

  it('0: altsignaddress missing (after the signature check)', async () => {
    const { h, t } = setup();
    const b = JSON.stringify({
      timestamp: 1,
      tickethash: t.hash,
      tickethex: t.ticketHex,
      parenthex: t.parentHex,
    });
    assertError(h, await setAlt(h, t, b, newKey()), ErrorCode.BadSignature);
    assertError(h, await setAlt(h, t, b), ErrorCode.BadRequest, 'altsignaddress: is required');
  });

  it('0: an address that does not decode, or is for another network', async () => {
    const { h, t } = setup();
    const mainnet = newKey();
    const mainnetAddr = encodeAddress({
      kind: 'p2pkh',
      net: netParams('mainnet'),
      hash160: new Uint8Array(20),
    });
    for (const [addr, msg] of [
      ['xyz', /^altsignaddress: /],
      [mainnetAddr, /wrong network/],
      // The last character changed (to one it is not already): a bad checksum.
      [mainnet.address.replace(/.$/, (ch) => (ch === '1' ? '2' : '1')), /^altsignaddress: /],
    ] as const) {
      assertError(h, await setAlt(h, t, body(h, t, addr)), ErrorCode.BadRequest, msg);
    }
  });

  it('0: wrong type (P2SH, P2PK, Ed25519 P2PKH)', async () => {
    const { h, t } = setup();
    const k = newKey();
    const addrs = [
      encodeAddress(p2shAddress(Uint8Array.of(0x51), NET)),
      encodeAddress(p2pkAddress(k.pub, NET)),
      base58CheckEncode(NET.pkhEdwardsAddrId, new Uint8Array(20).fill(3)),
    ];
    for (const a of addrs) {
      const res = await setAlt(h, t, body(h, t, a));
      assertError(h, res, ErrorCode.BadRequest, 'wrong type for alternate signing address');
    }
  });

  it('1: getrawtransaction fails', async () => {
    const { h, t } = setup();
    h.dcrd.getRawTransactionHook = () => new Error('dcrd down');
    assertError(h, await setAlt(h, t, body(h, t, newKey().address)), ErrorCode.InternalError);
  });

  it('1: existsliveticket fails', async () => {
    const { h, t } = setup(NET.ticketMaturity + 10);
    h.dcrd.existsLiveHook = () => new Error('dcrd down');
    assertError(h, await setAlt(h, t, body(h, t, newKey().address)), ErrorCode.InternalError);
  });

  it('7: the ticket cannot vote', async () => {
    const { h, t } = setup(NET.ticketMaturity + 10);
    assertError(h, await setAlt(h, t, body(h, t, newKey().address)), ErrorCode.TicketCannotVote);
  });

  it('0: only one address per ticket, ever', async () => {
    const { h, t } = setup();
    const first = newKey();
    assertOk(h, await setAlt(h, t, body(h, t, first.address)), body(h, t, first.address));
    h.clock.ms += 1000;
    // Signed by the commitment key…
    const again = body(h, t, newKey().address);
    assertError(
      h,
      await setAlt(h, t, again),
      ErrorCode.BadRequest,
      'alternate sign address data already exists',
    );
    // …or by the alternate key itself.
    assertError(
      h,
      await setAlt(h, t, again, first),
      ErrorCode.BadRequest,
      'alternate sign address data already exists',
    );
    assert.equal(h.store.altSignAddresses.get(t.hash)?.address, first.address);
  });

  it('13 and 0 from broadcastTicket apply here too', async () => {
    const { h, t } = setup();
    const alt = newKey().address;
    assertError(
      h,
      await setAlt(h, t, body(h, t, alt, { tickethex: t.parentHex })),
      ErrorCode.InvalidTicket,
    );
    assertError(
      h,
      await setAlt(h, t, body(h, t, alt, { tickethash: newTicket().hash })),
      ErrorCode.BadRequest,
      'ticket hex does not match hash',
    );
  });
});
