// POST /api/v3/ticketstatus: vspAuth → unknown → binding → reply; works while closed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../src/vsp/errors.ts';
import {
  assertError,
  assertOk,
  harness,
  newKey,
  newTicket,
  nowSeconds,
  onChain,
  post,
  storeTicket,
} from './fixtures.ts';

const statusBody = (hash: string) => JSON.stringify({ tickethash: hash });

describe('ticketstatus', () => {
  it('reports the stored state; maps are always objects; works while the VSP is closed', async () => {
    const h = harness({ vspClosed: true });
    const t = newTicket();
    onChain(h, t, 7);
    storeTicket(h, t, {
      confirmed: true,
      feeTxStatus: 'broadcast',
      feeTxHash: 'ee'.repeat(32),
      voteChoices: { maxtreasuryspend: 'yes' },
    });
    const body = statusBody(t.hash);
    const r = assertOk(h, await post(h, '/ticketstatus', body, { signer: t.commitment }), body);
    assert.deepEqual(r, {
      timestamp: nowSeconds(h),
      ticketconfirmed: true,
      feetxstatus: 'broadcast',
      feetxhash: 'ee'.repeat(32),
      altsignaddress: '',
      votechoices: { maxtreasuryspend: 'yes' },
      tspendpolicy: {},
      treasurypolicy: {},
      request: Buffer.from(body).toString('base64'),
    });
  });

  it('a fresh registration: status none, empty fee hash', async () => {
    const h = harness();
    const t = newTicket();
    onChain(h, t);
    storeTicket(h, t);
    const body = statusBody(t.hash);
    const r = assertOk(h, await post(h, '/ticketstatus', body, { signer: t.commitment }), body);
    assert.equal(r['feetxstatus'], 'none');
    assert.equal(r['feetxhash'], '');
    assert.equal(r['ticketconfirmed'], false);
  });

  it('shows the alternate signing address, and accepts requests signed by it', async () => {
    const h = harness();
    const t = newTicket();
    onChain(h, t);
    storeTicket(h, t);
    const alt = newKey();
    h.store.altSignAddresses.set(t.hash, {
      ticketHash: t.hash,
      address: alt.address,
      request: '',
      requestSignature: '',
      response: '',
      responseSignature: '',
    });
    const body = statusBody(t.hash);
    const r = assertOk(h, await post(h, '/ticketstatus', body, { signer: alt }), body);
    assert.equal(r['altsignaddress'], alt.address);
  });

  const errors: [string, (hash: string) => string, string][] = [
    ['tickethash missing', () => '{}', 'tickethash: is required'],
    ['tickethash not a string', () => '{"tickethash":7}', 'tickethash: must be a string'],
    ['tickethash too short', (x) => statusBody(x.slice(1)), 'invalid ticket hash'],
    ['tickethash uppercase', (x) => statusBody(x.toUpperCase()), 'invalid ticket hash'],
    ['tickethash not hex', () => statusBody('x'.repeat(64)), 'invalid ticket hash'],
  ];
  for (const [name, body, msg] of errors) {
    it(`0: ${name}`, async () => {
      const h = harness();
      const t = newTicket();
      assertError(
        h,
        await post(h, '/ticketstatus', body(t.hash), { signer: t.commitment }),
        ErrorCode.BadRequest,
        msg,
      );
    });
  }

  it('6: a ticket on chain the VSP does not know (after checking the signature)', async () => {
    const h = harness();
    const t = newTicket();
    onChain(h, t);
    assertError(
      h,
      await post(h, '/ticketstatus', statusBody(t.hash), { signer: t.commitment }),
      ErrorCode.UnknownTicket,
    );
    assertError(
      h,
      await post(h, '/ticketstatus', statusBody(t.hash), { signer: newKey() }),
      ErrorCode.BadSignature,
    );
  });

  it('6: a ticket dcrd does not know either (vspd: 1)', async () => {
    const h = harness();
    const t = newTicket();
    assertError(
      h,
      await post(h, '/ticketstatus', statusBody(t.hash), { signer: t.commitment }),
      ErrorCode.UnknownTicket,
    );
  });

  it('1: dcrd fails while the VSP looks up an unknown ticket', async () => {
    const h = harness();
    const t = newTicket();
    h.dcrd.getRawTransactionHook = () => new Error('socket hang up');
    assertError(
      h,
      await post(h, '/ticketstatus', statusBody(t.hash), { signer: t.commitment }),
      ErrorCode.InternalError,
    );
  });

  it('a known ticket needs no dcrd at all', async () => {
    const h = harness();
    const t = newTicket();
    storeTicket(h, t);
    h.dcrd.getRawTransactionHook = () => new Error('dcrd is down');
    const body = statusBody(t.hash);
    assertOk(h, await post(h, '/ticketstatus', body, { signer: t.commitment }), body);
    assert.deepEqual(h.dcrd.calls, []);
  });

  it('10: signed by the voting key instead of the commitment key; 0: unsigned', async () => {
    const h = harness();
    const t = newTicket();
    storeTicket(h, t);
    assertError(
      h,
      await post(h, '/ticketstatus', statusBody(t.hash), { signer: t.voting }),
      ErrorCode.BadSignature,
    );
    assertError(
      h,
      await post(h, '/ticketstatus', statusBody(t.hash)),
      ErrorCode.BadRequest,
      'no VSP-Client-Signature header',
    );
    assertError(
      h,
      await post(h, '/ticketstatus', statusBody(t.hash), { signature: '' }),
      ErrorCode.BadRequest,
      'no VSP-Client-Signature header',
    );
  });
});
