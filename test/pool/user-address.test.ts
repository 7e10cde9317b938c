import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAddress, encodeAddress, p2pkAddressCompressed } from '../../src/dcr/address.ts';
import { base58CheckEncode } from '../../src/dcr/base58.ts';
import { concatBytes, fromHex, toHex } from '../../src/dcr/bytes.ts';
import { NETWORKS } from '../../src/dcr/params.ts';
import type { NetworkName } from '../../src/dcr/params.ts';
import { isValidPublicKey } from '../../src/dcr/secp.ts';
import { validateUserPubKeyAddress } from '../../src/pool/user-address.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';

const mainnet = NETWORKS.mainnet;
const testnet = NETWORKS.testnet3;
const simnet = NETWORKS.simnet;

// dcrstakepool's apiClientExample.sh submits this testnet pubkey address.
const EXAMPLE_TK = 'TkKnJTAQTQ42nAwLj9wSXJcrKadSJneNkXT9LW25kqBKH646N4Bws';
const PK_EVEN = '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
const PK_ODD = '03fff97bd5755eeea420453a14355235d382f6472f8568a18b2f057a1460297556';

/** Change the character at `i` to a different base58 character. */
function flipAt(s: string, i: number): string {
  const c = s[i]!;
  return s.slice(0, i) + (c === 'x' ? 'y' : 'x') + s.slice(i + 1);
}

describe('validateUserPubKeyAddress', () => {
  it('accepts the example testnet pubkey address and returns its key', () => {
    const r = validateUserPubKeyAddress(EXAMPLE_TK, testnet);
    assert.ok('pubKey' in r, JSON.stringify(r));
    assert.equal(r.address, EXAMPLE_TK);
    assert.equal(r.pubKey.length, 33);
    const a = decodeAddress(EXAMPLE_TK, testnet);
    assert.equal(a.kind, 'p2pk');
    assert.equal(toHex(r.pubKey), toHex(a.kind === 'p2pk' ? a.pubKey : new Uint8Array()));
  });

  it('accepts even and odd keys on mainnet, testnet and simnet', () => {
    for (const net of [mainnet, testnet, simnet]) {
      for (const hex of [PK_EVEN, PK_ODD]) {
        const addr = encodeAddress(p2pkAddressCompressed(fromHex(hex), net));
        const r = validateUserPubKeyAddress(addr, net);
        assert.ok('pubKey' in r, `${net.name} ${hex}: ${JSON.stringify(r)}`);
        assert.equal(toHex(r.pubKey), hex);
        assert.equal(r.address, addr);
      }
    }
  });

  it('ignores surrounding whitespace', () => {
    const r = validateUserPubKeyAddress(`  ${EXAMPLE_TK}\n`, testnet);
    assert.ok('pubKey' in r);
    assert.equal(r.address, EXAMPLE_TK);
  });

  it("says 'Address is too short' below 40 characters", () => {
    for (const s of ['', 'Tk', 'x'.repeat(39), '   ', 'TsYLznZJn2xhM9F7Vnt7i39NuUFENGx9Hff']) {
      assert.deepEqual(validateUserPubKeyAddress(s, testnet), { error: 'Address is too short' }, s);
    }
    // A P2PKH address (35 characters) never reaches the type check, as in dcrstakepool.
    assert.deepEqual(validateUserPubKeyAddress('DsmyehuYCaHxUEJ44bLKF8r8AHU7c2Wv27A', mainnet), {
      error: 'Address is too short',
    });
  });

  it("says 'Address is too long' above 65 characters", () => {
    for (const s of ['x'.repeat(66), EXAMPLE_TK + EXAMPLE_TK]) {
      assert.deepEqual(validateUserPubKeyAddress(s, testnet), { error: 'Address is too long' });
    }
  });

  it('counts the length in UTF-8 bytes, as Go did', () => {
    // 33 characters, 66 bytes.
    assert.deepEqual(validateUserPubKeyAddress('é'.repeat(33), testnet), {
      error: 'Address is too long',
    });
  });

  it('says "Couldn\'t decode address" for what is not a valid address of the network', () => {
    const bad = [
      'x'.repeat(40),
      'x'.repeat(65),
      flipAt(EXAMPLE_TK, 20), // checksum
      EXAMPLE_TK.slice(0, 10) + '0' + EXAMPLE_TK.slice(11), // not base58
    ];
    for (const s of bad) {
      assert.deepEqual(
        validateUserPubKeyAddress(s, testnet),
        { error: "Couldn't decode address" },
        s,
      );
    }
    // The right key for another network.
    const main = encodeAddress(p2pkAddressCompressed(fromHex(PK_EVEN), mainnet));
    assert.deepEqual(validateUserPubKeyAddress(main, testnet), {
      error: "Couldn't decode address",
    });
    assert.deepEqual(validateUserPubKeyAddress(EXAMPLE_TK, mainnet), {
      error: "Couldn't decode address",
    });
  });

  it('says "Couldn\'t decode address" for an x coordinate that is not on the curve', () => {
    let x = 5;
    const key = (): Uint8Array =>
      concatBytes(Uint8Array.of(0x02), new Uint8Array(31), Uint8Array.of(x));
    while (isValidPublicKey(key())) x++;
    const data = concatBytes(Uint8Array.of(0x00), key().subarray(1));
    const s = base58CheckEncode(testnet.pubKeyAddrId, data);
    assert.deepEqual(validateUserPubKeyAddress(s, testnet), { error: "Couldn't decode address" });
  });

  it("says 'Incorrect address type' for Ed25519 and Schnorr pubkey addresses", () => {
    const x = fromHex(PK_EVEN).subarray(1);
    for (const type of [0x01, 0x02, 0x82]) {
      const s = base58CheckEncode(mainnet.pubKeyAddrId, concatBytes(Uint8Array.of(type), x));
      assert.deepEqual(validateUserPubKeyAddress(s, mainnet), { error: 'Incorrect address type' });
    }
  });

  it('returns only the four messages for arbitrary input', () => {
    const allowed = new Set([
      'Address is too short',
      'Address is too long',
      "Couldn't decode address",
      'Incorrect address type',
    ]);
    for (const s of ['\u0000'.repeat(50), '<script>'.repeat(6), ' '.repeat(64) + 'x']) {
      const r = validateUserPubKeyAddress(s, simnet);
      assert.ok('error' in r && allowed.has(r.error), JSON.stringify(r));
    }
  });
});

interface AddressCase {
  name: string;
  kind: string;
  net: NetworkName;
  addr: string;
  decodeErr?: string | null;
  pubKey?: string;
}

vectorSuite('addresses.json', (add) => {
  const { cases } = loadVectors<{ cases: AddressCase[] }>('addresses.json');
  for (const c of cases) {
    if (typeof c.addr !== 'string' || c.net === undefined) continue;
    add(`${c.name}: ${c.addr.slice(0, 12)}…`, () => {
      const r = validateUserPubKeyAddress(c.addr, NETWORKS[c.net]);
      const len = Buffer.byteLength(c.addr);
      if (len < 40) return assert.deepEqual(r, { error: 'Address is too short' });
      if (len > 65) return assert.deepEqual(r, { error: 'Address is too long' });
      if (c.decodeErr) return assert.deepEqual(r, { error: "Couldn't decode address" });
      if (c.kind === 'p2pk-ecdsa-secp256k1') {
        assert.ok('pubKey' in r, JSON.stringify(r));
        assert.equal(toHex(r.pubKey), c.pubKey);
        return assert.equal(r.address, c.addr);
      }
      assert.deepEqual(r, { error: 'Incorrect address type' });
    });
  }
});
