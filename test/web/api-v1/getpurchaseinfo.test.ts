// GET getpurchaseinfo: codes 16, 9 and 0, PascalCase data exactly as dcrstakepool's PurchaseInfo,
// data null on errors, both API versions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setPoolUserMultisig, setPoolUserVoteBits } from '../../../src/db/pool-users.ts';
import {
  apiHarness,
  call,
  envelope,
  KEYS,
  newPubKeyAddress,
  newUser,
  suiteHarness,
} from './harness.ts';

describe('api getpurchaseinfo', () => {
  const h = suiteHarness(apiHarness);

  for (const v of ['v1', 'v2']) {
    test(`${v}: without a token: 16, data null`, async () => {
      const res = await call(h, `/api/${v}/getpurchaseinfo`);
      const body = envelope(res, {
        status: 'error',
        code: 16,
        message: 'purchaseinfo error - invalid api token',
      });
      assert.ok('data' in body);
      assert.equal(body.data, null);
    });
  }

  test('no address submitted yet: 9 FailedPrecondition, data null', async () => {
    const { token } = await newUser(h);
    const body = envelope(await call(h, '/api/v1/getpurchaseinfo', { token }), {
      status: 'error',
      code: 9,
      message: 'purchaseinfo error - no address submitted',
    });
    assert.equal(body.data, null);
  });

  test('after an address: the purchase info, exactly these fields in this order', async () => {
    const { user, token } = await newUser(h);
    const info = KEYS.multisig(user.id, newPubKeyAddress().pub);
    assert.ok(await setPoolUserMultisig(h.t.db, user.id, { ...info, heightRegistered: 500 }));
    await setPoolUserVoteBits(h.t.db, user.id, 5, 12);
    for (const v of ['v1', 'v2']) {
      const res = await call(h, `/api/${v}/getpurchaseinfo`, { token });
      const body = envelope(res, {
        status: 'success',
        code: 0,
        message: 'purchaseinfo successfully retrieved',
      });
      assert.deepEqual(Object.keys(JSON.parse(res.body) as object), [
        'status',
        'code',
        'message',
        'data',
      ]);
      assert.deepEqual(body.data, {
        PoolAddress: info.feeAddress,
        PoolFees: 7.5,
        Script: info.script,
        TicketAddress: info.address,
        VoteBits: 5,
        // Filled in (dcrstakepool always sent 0).
        VoteBitsVersion: 12,
      });
      assert.deepEqual(Object.keys(body.data ?? {}), [
        'PoolAddress',
        'PoolFees',
        'Script',
        'TicketAddress',
        'VoteBits',
        'VoteBitsVersion',
      ]);
    }
  });

  test('a query string or a body on the GET changes nothing', async () => {
    const { token } = await newUser(h);
    const res = await call(h, '/api/v1/getpurchaseinfo?x=1', {
      token,
      method: 'GET',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    envelope(res, {
      status: 'error',
      code: 9,
      message: 'purchaseinfo error - no address submitted',
    });
  });
});
