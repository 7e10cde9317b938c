import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { base64 } from '@scure/base';
import { p2pkhAddress, encodeAddress } from '../../src/dcr/address.ts';
import { fromHex, toHex } from '../../src/dcr/bytes.ts';
import { blake256 } from '../../src/dcr/hash.ts';
import { messageHash, recoverCompact, signMessage, verifyMessage } from '../../src/dcr/message.ts';
import type { NetworkName } from '../../src/dcr/params.ts';
import {
  CURVE_ORDER,
  nobleSecp,
  publicKeyCreate,
  publicKeyTweakAdd,
  recoverPublicKey,
  signRecoverable,
} from '../../src/dcr/secp.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';

interface SignedMessagesFile {
  verify_cases: {
    name: string;
    address: string;
    message: string;
    signature_b64: string;
    net: NetworkName;
    valid: boolean;
  }[];
  sign_cases: {
    privkey_hex: string;
    message: string;
    compressed: boolean;
    expected_signature_b64: string;
    address: string;
    net: NetworkName;
  }[];
  compact_sig_cases: {
    name: string;
    privkey_hex: string;
    msg_hex: string;
    hash_hex: string;
    r_hex: string;
    s_hex: string;
    recovery_code: number;
    compact_compressed_hex: string;
    compact_uncompressed_hex: string;
  }[];
  recover_compact_error_cases: { name: string; sig_hex: string; hash_hex: string; error: string }[];
}

const v = loadVectors<SignedMessagesFile>('signed_messages.json');

/** S replaced by n − S, with the recovery id's parity bit flipped: the same key recovers. */
function highS(compact: Uint8Array): Uint8Array {
  const out = Uint8Array.from(compact);
  let s = 0n;
  for (const b of compact.subarray(33)) s = (s << 8n) | BigInt(b);
  s = CURVE_ORDER - s;
  for (let i = 64; i >= 33; i--) {
    out[i] = Number(s & 0xffn);
    s >>= 8n;
  }
  out[0] = (((compact[0]! - 27) ^ 1) + 27) & 0xff;
  return out;
}

vectorSuite('signed_messages.json', (add) => {
  for (const c of v.verify_cases) {
    add(`verify ${c.name} (${c.net}) → ${c.valid}`, () => {
      assert.equal(verifyMessage(c.address, c.signature_b64, c.message, c.net), c.valid);
    });
  }

  for (const c of v.sign_cases) {
    add(`sign "${c.message}" ${c.compressed ? 'compressed' : 'uncompressed'}`, () => {
      const priv = fromHex(c.privkey_hex);
      assert.equal(signMessage(c.message, priv, c.compressed), c.expected_signature_b64);
      assert.equal(verifyMessage(c.address, c.expected_signature_b64, c.message, c.net), true);
      const pub = publicKeyCreate(priv, c.compressed);
      assert.equal(encodeAddress(p2pkhAddress(pub, c.net)), c.address);
    });
  }

  for (const c of v.compact_sig_cases) {
    add(`compact ${c.name}`, () => {
      const priv = fromHex(c.privkey_hex);
      const hash = fromHex(c.hash_hex);
      assert.equal(toHex(blake256(fromHex(c.msg_hex))), c.hash_hex);
      // RFC 6979 signing is deterministic: r, s and the recovery code are dcrd's, on both backends.
      for (const sign of [signRecoverable, nobleSecp.signRecoverable]) {
        const sig = sign(hash, priv);
        assert.equal(sig[0], c.recovery_code);
        assert.equal(toHex(sig.subarray(1, 33)), c.r_hex);
        assert.equal(toHex(sig.subarray(33)), c.s_hex);
      }
      for (const compressed of [true, false]) {
        const compact = fromHex(compressed ? c.compact_compressed_hex : c.compact_uncompressed_hex);
        assert.equal(compact[0], 27 + c.recovery_code + (compressed ? 4 : 0));
        const want = toHex(publicKeyCreate(priv, compressed));
        const rec = recoverCompact(compact, hash);
        assert.ok(rec);
        assert.equal(rec.compressed, compressed);
        assert.equal(toHex(rec.publicKey), want);
        // dcrd recovers from a high-S signature too.
        const hi = recoverCompact(highS(compact), hash);
        assert.ok(hi);
        assert.equal(toHex(hi.publicKey), want);
      }
    });
  }

  for (const c of v.recover_compact_error_cases) {
    add(`recover error ${c.name} (${c.error})`, () => {
      const sig = fromHex(c.sig_hex);
      const hash = fromHex(c.hash_hex);
      assert.equal(recoverCompact(sig, hash), undefined);
      // The noble backend rejects them as well, wherever the header byte is a valid code.
      if (sig.length === 65 && sig[0]! >= 27 && sig[0]! <= 34) {
        const rec = Uint8Array.from(sig);
        rec[0] = (sig[0]! - 27) & 3;
        assert.equal(nobleSecp.recoverPublicKey(rec, hash), undefined);
        assert.equal(recoverPublicKey(rec, hash), undefined);
      }
    });
  }
});

describe('messageHash', () => {
  it('matches the documented sanity value', () => {
    assert.match(toHex(messageHash('test message')), /^febaa090.*742dde$/);
  });

  it('hashes the UTF-8 bytes with a var-string length', () => {
    const msg = 'é'.repeat(200); // 400 bytes: a 3-byte varint
    const body = new TextEncoder().encode(msg);
    const pre = new Uint8Array([23, ...new TextEncoder().encode('Decred Signed Message:\n')]);
    const want = blake256(new Uint8Array([...pre, 0xfd, 0x90, 0x01, ...body]));
    assert.equal(toHex(messageHash(msg)), toHex(want));
  });

  it('rejects non-strings', () => {
    assert.throws(() => messageHash(42 as unknown as string), /^TypeError: message: /);
  });
});

describe('signMessage / verifyMessage', () => {
  const nets: NetworkName[] = ['mainnet', 'testnet3', 'simnet', 'regnet'];
  const keyArb = fc
    .uint8Array({ minLength: 32, maxLength: 32 })
    .filter((k) => k.some((b) => b !== 0) && k[0] !== 0xff);

  it('round-trips on every network, compressed and uncompressed', () => {
    fc.assert(
      fc.property(
        keyArb,
        fc.string(),
        fc.boolean(),
        fc.constantFrom(...nets),
        (k, msg, comp, net) => {
          const sig = signMessage(msg, k, comp);
          const addr = encodeAddress(p2pkhAddress(publicKeyCreate(k, comp), net));
          assert.equal(verifyMessage(addr, sig, msg, net), true);
          assert.equal(verifyMessage(addr, sig, `${msg}.`, net), false);
          // The other serialization of the key is another address.
          const other = encodeAddress(p2pkhAddress(publicKeyCreate(k, !comp), net));
          assert.equal(verifyMessage(other, sig, msg, net), false);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('returns false for malformed signatures', () => {
    const c = v.sign_cases[0]!;
    const good = base64.decode(c.expected_signature_b64);
    const bad = [
      '',
      '!!!!',
      c.expected_signature_b64.slice(0, -1),
      base64.encode(good.subarray(0, 64)),
      base64.encode(new Uint8Array([...good, 0])),
      base64.encode(Uint8Array.from([26, ...good.subarray(1)])),
      base64.encode(Uint8Array.from([35, ...good.subarray(1)])),
      base64.encode(new Uint8Array(65)),
      42 as unknown as string,
    ];
    for (const s of bad)
      assert.equal(verifyMessage(c.address, s, c.message, c.net), false, String(s));
  });

  it('returns false for addresses that are not P2PKH on the network', () => {
    const c = v.sign_cases[0]!;
    for (const addr of [
      '',
      'invalid',
      'DcXTb4QtmnyRsnzUVViYQawqFE5PuYTdX2C',
      'TsdbYVDoh3JsyP6oEg2aHVoTjsFuHzUgGKv',
    ]) {
      assert.equal(verifyMessage(addr, c.expected_signature_b64, c.message, 'mainnet'), false);
    }
    assert.equal(
      verifyMessage(null as unknown as string, c.expected_signature_b64, c.message, 'mainnet'),
      false,
    );
  });

  it('throws for an unknown network', () => {
    const c = v.sign_cases[0]!;
    assert.throws(
      () => verifyMessage(c.address, c.expected_signature_b64, c.message, 'nonet' as NetworkName),
      /^TypeError|^RangeError/,
    );
  });

  it('rejects invalid signing keys', () => {
    assert.throws(() => signMessage('m', new Uint8Array(32)), /^RangeError: privateKey: /);
    const n = fromHex(CURVE_ORDER.toString(16));
    assert.throws(() => signMessage('m', n), /^RangeError: privateKey: /);
    assert.throws(() => signMessage('m', new Uint8Array(31).fill(1)), /^RangeError: privateKey: /);
  });
});

describe('secp backends agree', () => {
  const keyArb = fc
    .uint8Array({ minLength: 32, maxLength: 32 })
    .filter((k) => k.some((b) => b !== 0) && k[0] !== 0xff);
  it('libsecp256k1 and noble give the same recoverable signatures and recovered keys', () => {
    fc.assert(
      fc.property(
        keyArb,
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.boolean(),
        (k, h, comp) => {
          const a = signRecoverable(h, k);
          assert.equal(toHex(a), toHex(nobleSecp.signRecoverable(h, k)));
          const want = toHex(publicKeyCreate(k, comp));
          assert.equal(toHex(nobleSecp.publicKeyCreate(k, comp)), want);
          assert.equal(toHex(recoverPublicKey(a, h, comp)!), want);
          assert.equal(toHex(nobleSecp.recoverPublicKey(a, h, comp)!), want);
          const hi = highS(Uint8Array.of(a[0]! + 27, ...a.subarray(1)));
          hi[0] = hi[0]! - 27;
          assert.equal(toHex(recoverPublicKey(hi, h, comp)!), want);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('libsecp256k1 and noble agree on publicKeyTweakAdd, edge cases included', () => {
    fc.assert(
      fc.property(
        keyArb,
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.boolean(),
        (k, t, comp) => {
          const pub = publicKeyCreate(k, comp);
          const a = publicKeyTweakAdd(pub, t);
          const b = nobleSecp.publicKeyTweakAdd(pub, t);
          assert.equal(a === undefined ? 'none' : toHex(a), b === undefined ? 'none' : toHex(b));
        },
      ),
      { numRuns: 100 },
    );
    const one = new Uint8Array(32);
    one[31] = 1;
    const g = publicKeyCreate(one);
    const nMinus1 = fromHex((CURVE_ORDER - 1n).toString(16));
    assert.equal(publicKeyTweakAdd(g, nMinus1), undefined); // G + (n-1)G = infinity
    assert.equal(publicKeyTweakAdd(g, fromHex(CURVE_ORDER.toString(16))), undefined);
    assert.equal(toHex(publicKeyTweakAdd(g, new Uint8Array(32))!), toHex(g));
    const hybrid = publicKeyCreate(one, false);
    hybrid[0] = 0x06 | (hybrid[64]! & 1);
    assert.throws(() => publicKeyTweakAdd(hybrid, one), /^RangeError: publicKey: /);
    const offCurve = new Uint8Array(33);
    offCurve[0] = 0x02;
    offCurve[32] = 0x05; // x = 5 has no y on secp256k1
    assert.throws(() => publicKeyTweakAdd(offCurve, one), /^RangeError: publicKey: /);
  });
});
