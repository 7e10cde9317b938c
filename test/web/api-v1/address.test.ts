// POST address: 16, 6, 3 (each validation message), 14 (dcrd or storage failure), 0; what is
// stored matches PoolKeys and dcrd's height, and a second address is refused.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { base58CheckEncode, encodeAddress, p2pkAddressCompressed } from '../../../src/dcr/index.ts';
import { netParams } from '../../../src/dcr/params.ts';
import { getPoolUser } from '../../../src/db/pool-users.ts';
import {
  apiHarness,
  assertNeedsToken,
  call,
  envelope,
  KEYS,
  NET,
  newPubKeyAddress,
  newUser,
  suiteHarness,
} from './harness.ts';

const OK = { status: 'success', code: 0, message: 'address successfully imported' } as const;
const invalid = (reason: string) =>
  ({ status: 'error', code: 3, message: `address error - ${reason}` }) as const;
const UNAVAILABLE = {
  status: 'error',
  code: 14,
  message: 'system error - unable to process wallet commands',
} as const;

describe('api address', () => {
  const h = suiteHarness(apiHarness);

  test('without a token: 16, no data key', async () => {
    await assertNeedsToken(h, 'address', { UserPubKeyAddr: newPubKeyAddress().address });
  });

  test('a valid pubkey address: 0; the multisig, fee address and height are stored', async () => {
    const { user, token } = await newUser(h);
    const submitted = newPubKeyAddress();
    h.dcrd.height = 4321;
    const res = await call(h, '/api/v2/address', {
      token,
      form: { UserPubKeyAddr: submitted.address },
    });
    const body = envelope(res, OK);
    assert.ok(!('data' in body));
    const stored = await getPoolUser(h.t.db, user.id);
    const expected = KEYS.multisig(user.id, submitted.pub);
    assert.deepEqual(stored?.multisig, { ...expected, heightRegistered: 4321 });
    assert.equal(stored?.multisig?.userPubKeyAddr, submitted.address);
    assert.match(expected.address, /^Tc/);

    // A second submission, even of another valid address: 6, nothing changes.
    const again = await call(h, '/api/v1/address', {
      token,
      form: { UserPubKeyAddr: newPubKeyAddress().address },
    });
    envelope(again, {
      status: 'error',
      code: 6,
      message: 'address error - address already submitted',
    });
    assert.deepEqual((await getPoolUser(h.t.db, user.id))?.multisig, stored?.multisig);
  });

  test('already submitted wins over a bad address (dcrstakepool order)', async () => {
    const { token } = await newUser(h);
    envelope(
      await call(h, '/api/v1/address', {
        token,
        form: { UserPubKeyAddr: newPubKeyAddress().address },
      }),
      OK,
    );
    envelope(await call(h, '/api/v1/address', { token, form: { UserPubKeyAddr: 'x' } }), {
      status: 'error',
      code: 6,
      message: 'address error - address already submitted',
    });
  });

  test('validation failures: 3 with the validator text, nothing stored', async () => {
    const { user, token } = await newUser(h);
    const { address, pub } = newPubKeyAddress();
    // One character changed (to a different one) breaks the checksum.
    const flipped = address.slice(0, 20) + (address[20] === 'a' ? 'b' : 'a') + address.slice(21);
    // The same key as a mainnet pubkey address: well formed, wrong network.
    const mainnet = encodeAddress(p2pkAddressCompressed(pub, netParams('mainnet')));
    // A Schnorr pubkey address (signature type 2): decodes, but is not a secp256k1 ECDSA key.
    const schnorr = base58CheckEncode(NET.pubKeyAddrId, Uint8Array.from([2, ...pub.subarray(1)]));
    const cases: [string, string][] = [
      ['', 'Address is too short'],
      ['Tk', 'Address is too short'],
      [address.slice(0, 39), 'Address is too short'],
      [address + 'x'.repeat(66 - address.length), 'Address is too long'],
      [flipped, "Couldn't decode address"],
      [mainnet, "Couldn't decode address"],
      [schnorr, 'Incorrect address type'],
    ];
    for (const [value, reason] of cases) {
      const res = await call(h, '/api/v1/address', { token, form: { UserPubKeyAddr: value } });
      envelope(res, invalid(reason));
    }
    // The field missing altogether reads as empty.
    envelope(
      await call(h, '/api/v1/address', { token, form: {} }),
      invalid('Address is too short'),
    );
    assert.equal((await getPoolUser(h.t.db, user.id))?.multisig, undefined);
  });

  test('two submissions at once: one is stored, the other gets 6', async () => {
    const { user, token } = await newUser(h);
    const [a, b] = [newPubKeyAddress(), newPubKeyAddress()];
    const results = await Promise.all(
      [a, b].map((k) => call(h, '/api/v1/address', { token, form: { UserPubKeyAddr: k.address } })),
    );
    const codes = results.map((r) => (JSON.parse(r.body) as { code: number }).code).sort();
    assert.deepEqual(codes, [0, 6]);
    const stored = (await getPoolUser(h.t.db, user.id))?.multisig?.userPubKeyAddr;
    assert.ok(stored === a.address || stored === b.address);
  });

  test('dcrd down: 14, nothing stored; it works once dcrd is back', async () => {
    const { user, token } = await newUser(h);
    const { address } = newPubKeyAddress();
    h.dcrd.fail = true;
    try {
      const res = await call(h, '/api/v1/address', { token, form: { UserPubKeyAddr: address } });
      envelope(res, UNAVAILABLE);
    } finally {
      h.dcrd.fail = false;
    }
    assert.equal((await getPoolUser(h.t.db, user.id))?.multisig, undefined);
    envelope(await call(h, '/api/v1/address', { token, form: { UserPubKeyAddr: address } }), OK);
  });

  test('storage failure: 14', async () => {
    const { user, token } = await newUser(h);
    await sql`create trigger no_multisig before update on pool_users
      begin select raise(abort, 'read only'); end`.execute(h.t.db);
    try {
      const res = await call(h, '/api/v1/address', {
        token,
        form: { UserPubKeyAddr: newPubKeyAddress().address },
      });
      envelope(res, UNAVAILABLE);
    } finally {
      await sql`drop trigger no_multisig`.execute(h.t.db);
    }
    assert.equal((await getPoolUser(h.t.db, user.id))?.multisig, undefined);
  });
});
