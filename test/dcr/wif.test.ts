import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { base58Encode } from '../../src/dcr/base58.ts';
import { concatBytes, fromHex, toHex } from '../../src/dcr/bytes.ts';
import { blake256 } from '../../src/dcr/hash.ts';
import { NETWORK_NAMES, NETWORKS } from '../../src/dcr/params.ts';
import type { NetworkName } from '../../src/dcr/params.ts';
import { CURVE_ORDER, isValidPrivateKey, publicKeyCreate } from '../../src/dcr/secp.ts';
import { decodeWif, decodeWifPayload, encodeWif } from '../../src/dcr/wif.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';

interface WifFile {
  privkey_ids_hex: Record<NetworkName, string>;
  cases: {
    name: string;
    net: NetworkName;
    privkey_hex?: string;
    sig_type?: string;
    make_error?: string;
    wif?: string;
    decode_error?: string;
    pubkey_hex?: string;
  }[];
}

const v = loadVectors<WifFile>('wif.json');

const SIG_TYPES: Record<string, number> = {
  STEcdsaSecp256k1: 0,
  STEd25519: 1,
  STSchnorrSecp256k1: 2,
};

function sigTypeNumber(s: string): number {
  return SIG_TYPES[s] ?? Number(s);
}

/** Ed25519 public key of a big-endian scalar, as dcrd's edwards.PrivKeyFromScalar derives it. */
function ed25519PubKey(scalar: Uint8Array): string {
  return toHex(ed25519.Point.BASE.multiply(BigInt(`0x${toHex(scalar)}`)).toBytes());
}

type ErrClass = typeof TypeError | typeof RangeError;

/** How each dcrd DecodeWIF error shows up here. */
const DECODE_ERRORS: Record<string, [ErrClass, RegExp]> = {
  ErrMalformedPrivateKey: [RangeError, /^wif: (too long|decoded length is \d+ bytes, expected 39)/],
  ErrChecksumMismatch: [TypeError, /^wif: checksum mismatch/],
  ErrWrongWIFNetwork: [
    TypeError,
    /^wif: wrong network \(the key is for testnet3, expected mainnet\)/,
  ],
  // dcrd rejects this Ed25519 scalar as ≥ the group order; this library refuses Ed25519 outright.
  'not on subgroup (>N)': [TypeError, /^wif: unsupported signature type 1 \(Ed25519\)/],
};

vectorSuite('wif.json', (add) => {
  add('privkey_ids_hex match params', () => {
    for (const [net, id] of Object.entries(v.privkey_ids_hex) as [NetworkName, string][]) {
      assert.equal(toHex(NETWORKS[net].privateKeyId), id, net);
    }
  });

  for (const c of v.cases) {
    add(c.name, () => {
      let checked = 0;
      if (c.make_error !== undefined) {
        checked++;
        const sigType = sigTypeNumber(c.sig_type!);
        assert.throws(() => encodeWif(fromHex(c.privkey_hex!), c.net, sigType), {
          name: 'RangeError',
          message: new RegExp(`^sigType: unsupported signature type ${sigType}\\b`),
        });
      }
      if (c.decode_error !== undefined) {
        checked++;
        const want = DECODE_ERRORS[c.decode_error];
        assert.ok(want, `unmapped error ${c.decode_error}`);
        assert.throws(
          () => decodeWif(c.wif!, c.net),
          (e: unknown) => {
            assert.ok(e instanceof want[0], String(e));
            assert.match(e.message, want[1]);
            return true;
          },
        );
        if (c.decode_error === 'not on subgroup (>N)') {
          const raw = decodeWifPayload(c.wif!);
          assert.equal(raw.sigType, 1);
          const scalar = BigInt(`0x${toHex(raw.privateKey)}`);
          assert.ok(scalar >= ed25519.Point.CURVE().n);
        }
      }
      if (c.make_error === undefined && c.decode_error === undefined) {
        checked++;
        const sigType = sigTypeNumber(c.sig_type!);
        const raw = decodeWifPayload(c.wif!);
        assert.deepEqual(raw, {
          netId: NETWORKS[c.net].privateKeyId,
          sigType,
          privateKey: fromHex(c.privkey_hex!),
        });
        if (sigType === 0) {
          const d = decodeWif(c.wif!, c.net);
          assert.equal(toHex(d.privateKey), c.privkey_hex);
          assert.equal(toHex(d.publicKey), c.pubkey_hex);
          assert.equal(d.net, NETWORKS[c.net]);
          assert.equal(encodeWif(d.privateKey, c.net), c.wif);
          assert.equal(encodeWif(d.privateKey, NETWORKS[c.net]), c.wif);
        } else {
          // Only ECDSA keys are accepted; the vector's other fields still check the payload.
          assert.throws(() => decodeWif(c.wif!, c.net), {
            name: 'TypeError',
            message: new RegExp(`^wif: unsupported signature type ${sigType} `),
          });
          assert.throws(() => encodeWif(raw.privateKey, c.net, sigType), RangeError);
          const pub =
            sigType === 1 ? ed25519PubKey(raw.privateKey) : toHex(publicKeyCreate(raw.privateKey));
          assert.equal(pub, c.pubkey_hex);
        }
      }
      assert.ok(checked > 0);
    });
  }
});

function rawWif(netId: Uint8Array, sigType: number, key: Uint8Array): string {
  const body = concatBytes(netId, Uint8Array.of(sigType), key);
  return base58Encode(concatBytes(body, blake256(body).subarray(0, 4)));
}

describe('WIF edge cases', () => {
  it('rejects keys outside [1, n-1] on decode and encode', () => {
    const zero = new Uint8Array(32);
    const n = fromHex(CURVE_ORDER.toString(16).padStart(64, '0'));
    for (const k of [zero, n, new Uint8Array(32).fill(0xff)]) {
      assert.throws(() => decodeWif(rawWif(NETWORKS.mainnet.privateKeyId, 0, k), 'mainnet'), {
        name: 'RangeError',
        message: /^wif: private key is not in \[1, n-1\]/,
      });
      assert.throws(() => encodeWif(k, 'mainnet'), { name: 'RangeError', message: /^privateKey/ });
    }
    assert.throws(() => encodeWif(new Uint8Array(31).fill(1), 'mainnet'), RangeError);
  });

  it('names the field and reports unknown network IDs', () => {
    const key = fromHex('0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d');
    assert.throws(() => decodeWif(rawWif(Uint8Array.of(0, 0), 0, key), 'mainnet', 'votingKey'), {
      name: 'TypeError',
      message: /^votingKey: wrong network \(unknown network ID, expected mainnet\)/,
    });
    assert.throws(() => decodeWif('0OIl', 'mainnet', 'votingKey'), {
      name: 'TypeError',
      message: /^votingKey: invalid base58/,
    });
    assert.throws(() => decodeWif(42 as unknown as string, 'mainnet'), TypeError);
  });
});

describe('WIF properties', () => {
  it('encodeWif/decodeWif round-trip on every network', () => {
    const privArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter(isValidPrivateKey);
    fc.assert(
      fc.property(privArb, fc.constantFrom(...NETWORK_NAMES), (priv, net) => {
        const s = encodeWif(priv, net);
        assert.ok(s.length <= 54);
        const d = decodeWif(s, net);
        assert.deepEqual(d.privateKey, priv);
        assert.deepEqual(d.publicKey, publicKeyCreate(priv));
        for (const other of NETWORK_NAMES) {
          if (other !== net) assert.throws(() => decodeWif(s, other), /wrong network/);
        }
      }),
      { numRuns: 100 },
    );
  });
});
