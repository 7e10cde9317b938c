import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { concatBytes, fromHex, toHex } from '../../src/dcr/bytes.ts';
import { blake256 } from '../../src/dcr/hash.ts';
import {
  CURVE_ORDER,
  SECP_BACKEND,
  isValidPrivateKey,
  isValidPublicKey,
  nobleSecp,
  privateKeyTweakAdd,
  publicKeyConvert,
  publicKeyCreate,
  publicKeyTweakAdd,
  recoverPublicKey,
  signDer,
  signRecoverable,
  verifyDer,
} from '../../src/dcr/secp.ts';
import type { SecpBackend } from '../../src/dcr/secp.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';

interface SignedMessagesFile {
  compact_sig_cases: {
    name: string;
    privkey_hex: string;
    hash_hex: string;
    r_hex: string;
    s_hex: string;
    recovery_code: number;
  }[];
  recover_compact_error_cases: { name: string; sig_hex: string; hash_hex: string; error: string }[];
}

const active: SecpBackend = {
  isValidPrivateKey,
  isValidPublicKey,
  publicKeyCreate,
  publicKeyConvert,
  publicKeyTweakAdd,
  privateKeyTweakAdd,
  signDer,
  signRecoverable,
  recoverPublicKey,
  verifyDer,
};
const backends: [string, SecpBackend][] = [
  [`active (${SECP_BACKEND})`, active],
  ['noble', nobleSecp],
];

const P = 2n ** 256n - 2n ** 32n - 977n;
const N = CURVE_ORDER;
const enc = new TextEncoder();
const key = (s: string): Uint8Array => blake256(enc.encode(s));
const be32 = (v: bigint): Uint8Array => fromHex(v.toString(16).padStart(64, '0'));
const int = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt(`0x${toHex(b)}`));
const ONE = be32(1n);
const G = fromHex('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
const G_UNCOMPRESSED = fromHex(
  '0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798' +
    '483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8',
);
/** G in the hybrid encoding (06 = even y), which dcrd and this module refuse. */
const G_HYBRID = Uint8Array.from(G_UNCOMPRESSED, (b, i) => (i === 0 ? 0x06 : b));

/** A view at a non-zero byte offset of a copy of `b`, to check that offsets are honoured. */
function offsetView(b: Uint8Array): Uint8Array {
  const buf = new Uint8Array(b.length + 3);
  buf.set(b, 3);
  return buf.subarray(3);
}

/** Strict DER of (r, s), which may be any non-negative integers. */
function der(r: bigint, s: bigint): Uint8Array {
  const enc1 = (v: bigint): Uint8Array => {
    const hex = v.toString(16);
    const b = fromHex(hex.length % 2 === 1 ? `0${hex}` : hex);
    return b[0]! & 0x80 ? concatBytes(Uint8Array.of(0), b) : b;
  };
  const rb = enc1(r);
  const sb = enc1(s);
  const body = concatBytes(Uint8Array.of(2, rb.length), rb, Uint8Array.of(2, sb.length), sb);
  return concatBytes(Uint8Array.of(0x30, body.length), body);
}

function parseDer(sig: Uint8Array): { r: bigint; s: bigint } {
  const rLen = sig[3]!;
  return { r: int(sig.subarray(4, 4 + rLen)), s: int(sig.subarray(6 + rLen)) };
}

describe('secp backend', () => {
  it('runs on libsecp256k1 where the secp256k1 package ships a prebuilt binary', () => {
    const prebuilt = ['linux-x64', 'darwin-arm64', 'win32-x64'];
    if (prebuilt.includes(`${process.platform}-${process.arch}`)) {
      assert.equal(SECP_BACKEND, 'libsecp256k1');
    } else {
      assert.ok(SECP_BACKEND === 'libsecp256k1' || SECP_BACKEND === 'noble');
    }
  });
});

// Signatures made by dcrd's ecdsa.SignCompact and ecdsa.Sign(...).Serialize() (dcrd
// dcrec/secp256k1/v4 at the mirrored commit) over digests ≥ n. dcrd seeds the RFC 6979 nonce with
// the digest unreduced, which RFC 6979 itself and @noble/curves' sign() do not.
const DCRD_DIGEST_GE_ORDER = [
  {
    key: '0000000000000000000000000000000000000000000000000000000000000001',
    digest: 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141',
    compact:
      '20584d928bc02fb43cb889788304f47adb538f03a963fbe649a4112398adca0b70' +
      '4dd3158c4f4d7e45a5ec3a41bd407d2822e0302a4342ec5279dde7cf90175eef',
  },
  {
    key: '0000000000000000000000000000000000000000000000000000000000000007',
    digest: 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142',
    compact:
      '20005b3ed69bed4f285fcdeea6cc81fbc76a02eb1a87ec5cad021c43801bf49205' +
      '4faaef7da261d611f27442697f995b3dc612373b205f8a070e727a82ac04496b',
    der:
      '3043021f5b3ed69bed4f285fcdeea6cc81fbc76a02eb1a87ec5cad021c43801bf49205' +
      '02204faaef7da261d611f27442697f995b3dc612373b205f8a070e727a82ac04496b',
  },
  {
    key: '0000000000000000000000000000000000000000000000000000000000000007',
    digest: 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    compact:
      '20a11b753976bfce83e751940d19d0505437b1006181a26aadb359156e634a7d5e' +
      '750308d8e0d0ebfd6d6a0d9d5d30109f1c6f7e9a18d2edc180f65b6c5acdfee8',
  },
  {
    key: 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140',
    digest: 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142',
    compact:
      '1f9d38066fb55a6f355f86d98e1fb5714cd930d8c2117463daa87b2abe78956fa5' +
      '1c74f1cdb635288ff0fe0b1649c33572d7ae4abdf72233e7fba10b16f7de0cbc',
  },
];

const v = loadVectors<SignedMessagesFile>('signed_messages.json');

vectorSuite('signed_messages.json', (add) => {
  for (const c of v.compact_sig_cases) {
    add(`compact ${c.name}, both backends`, () => {
      const priv = fromHex(c.privkey_hex);
      const hash = fromHex(c.hash_hex);
      for (const [name, b] of backends) {
        const sig = b.signRecoverable(hash, priv);
        assert.equal(
          toHex(sig),
          toHex(Uint8Array.of(c.recovery_code, ...fromHex(c.r_hex + c.s_hex))),
          name,
        );
        const d = b.signDer(hash, priv);
        assert.deepEqual(parseDer(d), { r: int(fromHex(c.r_hex)), s: int(fromHex(c.s_hex)) }, name);
        for (const compressed of [true, false]) {
          const want = toHex(b.publicKeyCreate(priv, compressed));
          assert.equal(toHex(b.recoverPublicKey(sig, hash, compressed)!), want, name);
          // High S (and the flipped R.y parity it implies) recovers the same key.
          const hi = Uint8Array.from(sig);
          hi[0] = sig[0]! ^ 1;
          hi.set(be32(N - int(sig.subarray(33))), 33);
          assert.equal(toHex(b.recoverPublicKey(hi, hash, compressed)!), want, name);
          assert.equal(b.verifyDer(d, hash, fromHex(want), true), true, name);
        }
      }
    });
  }
  for (const c of v.recover_compact_error_cases) {
    add(`recover error ${c.name} (${c.error}), both backends`, () => {
      const sig = fromHex(c.sig_hex);
      const hash = fromHex(c.hash_hex);
      // The message layer's header byte 27 + recid (+ 4 compressed) becomes the bare recid;
      // codes outside 27..34 stay out of range.
      const rec = Uint8Array.from(sig);
      if (sig.length > 0) {
        const code = (sig[0]! - 27) & 0xff;
        rec[0] = code < 8 ? code & 3 : code;
      }
      for (const [name, b] of backends) {
        assert.equal(b.recoverPublicKey(rec, hash), undefined, name);
        assert.equal(b.recoverPublicKey(rec, hash, false), undefined, name);
      }
    });
  }
});

for (const [name, b] of backends) {
  describe(`secp contracts: ${name}`, () => {
    const priv = key('contract key');
    const pub = b.publicKeyCreate(priv);
    const pubU = b.publicKeyCreate(priv, false);
    const digest = key('contract digest');

    it('isValidPrivateKey accepts exactly [1, n-1] as 32 bytes', () => {
      assert.equal(b.isValidPrivateKey(ONE), true);
      assert.equal(b.isValidPrivateKey(be32(N - 1n)), true);
      assert.equal(b.isValidPrivateKey(offsetView(priv)), true);
      assert.equal(b.isValidPrivateKey(new Uint8Array(32)), false);
      assert.equal(b.isValidPrivateKey(be32(N)), false);
      assert.equal(b.isValidPrivateKey(new Uint8Array(32).fill(0xff)), false);
      assert.equal(b.isValidPrivateKey(priv.subarray(1)), false);
      assert.equal(b.isValidPrivateKey(concatBytes(Uint8Array.of(0), priv)), false);
      assert.equal(b.isValidPrivateKey([...priv] as unknown as Uint8Array), false);
    });

    it('isValidPublicKey accepts 02/03/04 points only', () => {
      assert.equal(b.isValidPublicKey(G), true);
      assert.equal(b.isValidPublicKey(G_UNCOMPRESSED), true);
      assert.equal(b.isValidPublicKey(offsetView(pubU)), true);
      assert.equal(b.isValidPublicKey(G_HYBRID), false);
      assert.equal(b.isValidPublicKey(Uint8Array.from(G, (x, i) => (i === 0 ? 0x05 : x))), false);
      assert.equal(b.isValidPublicKey(concatBytes(Uint8Array.of(2), be32(P))), false); // x = p
      assert.equal(b.isValidPublicKey(concatBytes(Uint8Array.of(2), be32(5n))), false); // no y
      const offCurve = Uint8Array.from(G_UNCOMPRESSED);
      offCurve[64]! ^= 1;
      assert.equal(b.isValidPublicKey(offCurve), false);
      assert.equal(b.isValidPublicKey(G.subarray(0, 32)), false);
      assert.equal(b.isValidPublicKey(new Uint8Array(0)), false);
    });

    it('publicKeyCreate and publicKeyConvert', () => {
      assert.equal(toHex(b.publicKeyCreate(ONE)), toHex(G));
      assert.equal(toHex(b.publicKeyCreate(ONE, false)), toHex(G_UNCOMPRESSED));
      assert.equal(toHex(b.publicKeyCreate(offsetView(priv))), toHex(pub));
      for (const bad of [new Uint8Array(32), be32(N), priv.subarray(1)]) {
        assert.throws(() => b.publicKeyCreate(bad), RangeError);
        assert.throws(() => b.publicKeyCreate(bad), /^RangeError: privateKey: /);
      }
      assert.equal(toHex(b.publicKeyConvert(pubU)), toHex(pub));
      assert.equal(toHex(b.publicKeyConvert(pub, false)), toHex(pubU));
      assert.equal(toHex(b.publicKeyConvert(offsetView(pub))), toHex(pub));
      for (const bad of [G_HYBRID, G.subarray(1), concatBytes(Uint8Array.of(3), be32(P))]) {
        assert.throws(() => b.publicKeyConvert(bad), /^RangeError: publicKey: /);
      }
    });

    it('publicKeyTweakAdd: sum, tweak ≥ n, infinity, bad inputs', () => {
      const t = key('tweak');
      const want = b.publicKeyCreate(b.privateKeyTweakAdd(priv, t)!);
      assert.equal(toHex(b.publicKeyTweakAdd(pub, t)!), toHex(want));
      assert.equal(toHex(b.publicKeyTweakAdd(pubU, t)!), toHex(want));
      assert.equal(toHex(b.publicKeyTweakAdd(offsetView(pub), offsetView(t))!), toHex(want));
      assert.equal(toHex(b.publicKeyTweakAdd(pubU, new Uint8Array(32))!), toHex(pub));
      assert.equal(b.publicKeyTweakAdd(G, be32(N - 1n)), undefined); // G + (n-1)G
      assert.equal(b.publicKeyTweakAdd(G, be32(N)), undefined);
      assert.equal(b.publicKeyTweakAdd(G, new Uint8Array(32).fill(0xff)), undefined);
      // A tweak ≥ n is reported before the key is looked at, as before.
      assert.equal(b.publicKeyTweakAdd(G_HYBRID, be32(N)), undefined);
      assert.throws(() => b.publicKeyTweakAdd(G_HYBRID, t), /^RangeError: publicKey: /);
      assert.throws(() => b.publicKeyTweakAdd(G.subarray(1), t), /^RangeError: publicKey: /);
      const notOnCurve = concatBytes(Uint8Array.of(2), be32(5n));
      assert.throws(() => b.publicKeyTweakAdd(notOnCurve, t), /^RangeError: publicKey: /);
      assert.throws(() => b.publicKeyTweakAdd(G, t.subarray(1)), /^RangeError: tweak: /);
    });

    it('privateKeyTweakAdd: mod n, tweak ≥ n, zero sum, invalid keys, no mutation', () => {
      const t = key('tweak');
      const copy = Uint8Array.from(priv);
      assert.equal(toHex(b.privateKeyTweakAdd(priv, t)!), toHex(be32((int(priv) + int(t)) % N)));
      assert.equal(toHex(priv), toHex(copy));
      const asBuffer = Buffer.from(priv);
      assert.equal(
        toHex(b.privateKeyTweakAdd(asBuffer, t)!),
        toHex(b.privateKeyTweakAdd(priv, t)!),
      );
      assert.equal(toHex(asBuffer), toHex(copy));
      assert.equal(toHex(b.privateKeyTweakAdd(be32(N - 1n), be32(2n))!), toHex(ONE));
      assert.equal(b.privateKeyTweakAdd(be32(N - 1n), ONE), undefined);
      assert.equal(b.privateKeyTweakAdd(priv, be32(N)), undefined);
      assert.equal(toHex(b.privateKeyTweakAdd(priv, new Uint8Array(32))!), toHex(priv));
      // Out-of-range keys are plain arithmetic mod n, as they always were.
      assert.equal(toHex(b.privateKeyTweakAdd(new Uint8Array(32), t)!), toHex(t));
      assert.equal(toHex(b.privateKeyTweakAdd(be32(N + 5n), ONE)!), toHex(be32(6n)));
      assert.equal(toHex(b.privateKeyTweakAdd(Uint8Array.of(1), ONE)!), toHex(be32(2n)));
    });

    it('signs dcrd-identically for digests ≥ n', () => {
      for (const c of DCRD_DIGEST_GE_ORDER) {
        const k = fromHex(c.key);
        const d = fromHex(c.digest);
        const compact = fromHex(c.compact);
        const sig = b.signRecoverable(d, k);
        assert.equal(
          toHex(sig),
          toHex(Uint8Array.of(compact[0]! - 27 - 4, ...compact.subarray(1))),
        );
        const derSig = b.signDer(d, k);
        if (c.der !== undefined) assert.equal(toHex(derSig), c.der);
        assert.equal(toHex(derSig), toHex(der(int(sig.subarray(1, 33)), int(sig.subarray(33)))));
        assert.equal(toHex(b.recoverPublicKey(sig, d)!), toHex(b.publicKeyCreate(k)));
        assert.equal(b.verifyDer(derSig, d, b.publicKeyCreate(k), true), true);
      }
    });

    it('signing rejects bad digests and keys, and works on offset views', () => {
      for (const sign of [b.signDer, b.signRecoverable]) {
        assert.throws(() => sign(digest.subarray(1), priv), /^RangeError: digest: /);
        assert.throws(() => sign(concatBytes(digest, ONE), priv), /^RangeError: digest: /);
        assert.throws(() => sign(digest, new Uint8Array(32)), /^RangeError: privateKey: /);
        assert.throws(() => sign(digest, be32(N)), /^RangeError: privateKey: /);
        assert.equal(toHex(sign(offsetView(digest), offsetView(priv))), toHex(sign(digest, priv)));
      }
      const sig = b.signRecoverable(digest, priv);
      assert.ok(int(sig.subarray(33)) <= N >> 1n, 'low S');
      assert.deepEqual(parseDer(b.signDer(digest, priv)), {
        r: int(sig.subarray(1, 33)),
        s: int(sig.subarray(33)),
      });
    });

    it('recoverPublicKey: bad shapes and out-of-range r, s give undefined', () => {
      const sig = b.signRecoverable(digest, priv);
      assert.equal(toHex(b.recoverPublicKey(offsetView(sig), offsetView(digest))!), toHex(pub));
      const with_ = (i: number, bytes: Uint8Array): Uint8Array => {
        const out = Uint8Array.from(sig);
        out.set(bytes, i);
        return out;
      };
      assert.equal(b.recoverPublicKey(with_(0, Uint8Array.of(4)), digest), undefined);
      assert.equal(b.recoverPublicKey(with_(0, Uint8Array.of(27)), digest), undefined);
      assert.equal(b.recoverPublicKey(with_(1, be32(0n)), digest), undefined);
      assert.equal(b.recoverPublicKey(with_(1, be32(N)), digest), undefined);
      assert.equal(b.recoverPublicKey(with_(33, be32(0n)), digest), undefined);
      assert.equal(b.recoverPublicKey(with_(33, be32(N)), digest), undefined);
      assert.equal(b.recoverPublicKey(sig.subarray(1), digest), undefined);
      assert.equal(b.recoverPublicKey(sig, digest.subarray(1)), undefined);
      assert.equal(b.recoverPublicKey([...sig] as unknown as Uint8Array, digest), undefined);
      // recid bit 1 needs r + n < p.
      const overflow = with_(0, Uint8Array.of(2));
      overflow.set(be32(P - N), 1);
      assert.equal(b.recoverPublicKey(overflow, digest), undefined);
    });

    it('verifyDer: lowS semantics, bad encodings, keys and digests', () => {
      const d = b.signDer(digest, priv);
      const { r, s } = parseDer(d);
      const high = der(r, N - s);
      const highCopy = Uint8Array.from(high);
      assert.equal(b.verifyDer(d, digest, pub, true), true);
      assert.equal(b.verifyDer(d, digest, pubU, false), true);
      assert.equal(b.verifyDer(high, digest, pub, false), true);
      assert.equal(b.verifyDer(high, digest, pub, true), false);
      assert.equal(toHex(high), toHex(highCopy));
      assert.equal(b.verifyDer(offsetView(d), offsetView(digest), offsetView(pub), true), true);
      assert.equal(b.verifyDer(d, key('other'), pub), false);
      assert.equal(b.verifyDer(d, digest, G), false);
      assert.equal(b.verifyDer(d, digest.subarray(1), pub), false);
      const hybrid = Uint8Array.from(pubU);
      hybrid[0] = 0x06 | (pubU[64]! & 1);
      assert.equal(b.verifyDer(d, digest, hybrid), false);
      assert.equal(b.verifyDer(der(r + N, s), digest, pub), false);
      assert.equal(b.verifyDer(der(r, s + N), digest, pub), false);
      assert.equal(b.verifyDer(der(0n, s), digest, pub), false);
      assert.equal(b.verifyDer(concatBytes(d, Uint8Array.of(0)), digest, pub), false);
      const padded = concatBytes(Uint8Array.of(0x30, d[1]! + 1, 2, d[3]! + 1, 0), d.subarray(4));
      assert.equal(b.verifyDer(padded, digest, pub), false); // non-minimal R
      assert.equal(b.verifyDer(new Uint8Array(0), digest, pub), false);
      assert.equal(b.verifyDer(b.signRecoverable(digest, priv).subarray(1), digest, pub), false);
    });
  });
}

describe('secp backends agree', () => {
  const keyArb = fc
    .uint8Array({ minLength: 32, maxLength: 32 })
    .filter((k) => k.some((x) => x !== 0) && int(k) < N);
  const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
  const show = (x: Uint8Array | undefined): string => (x === undefined ? 'none' : toHex(x));

  it('on signatures, recovery and key arithmetic', () => {
    fc.assert(
      fc.property(keyArb, bytes32, bytes32, fc.boolean(), (k, h, t, comp) => {
        const sig = signRecoverable(h, k);
        assert.equal(toHex(sig), toHex(nobleSecp.signRecoverable(h, k)));
        assert.equal(toHex(signDer(h, k)), toHex(nobleSecp.signDer(h, k)));
        const pub = publicKeyCreate(k, comp);
        assert.equal(toHex(pub), toHex(nobleSecp.publicKeyCreate(k, comp)));
        assert.equal(show(recoverPublicKey(sig, h, comp)), toHex(pub));
        assert.equal(show(nobleSecp.recoverPublicKey(sig, h, comp)), toHex(pub));
        assert.equal(show(publicKeyTweakAdd(pub, t)), show(nobleSecp.publicKeyTweakAdd(pub, t)));
        assert.equal(show(privateKeyTweakAdd(k, t)), show(nobleSecp.privateKeyTweakAdd(k, t)));
      }),
      { numRuns: 100 },
    );
  });

  it('on recovery with R.x overflowing n (recid 2 and 3), checked by verification', () => {
    // Signing never meets these (probability ~2^-128), so build them: r small enough that
    // r + n < p and r + n an x coordinate on the curve.
    let found = 0;
    for (let r = 1n; found < 6; r++) {
      if (!nobleSecp.isValidPublicKey(concatBytes(Uint8Array.of(2), be32(r + N)))) continue;
      found++;
      const s = int(key(`s ${r}`)) % N;
      const h = key(`h ${r}`);
      for (const recid of [2, 3]) {
        const rec = concatBytes(Uint8Array.of(recid), be32(r), be32(s));
        const a = recoverPublicKey(rec, h, false);
        assert.ok(a, `r = ${r}`);
        assert.equal(show(nobleSecp.recoverPublicKey(rec, h, false)), toHex(a));
        // Verification reduces R.x mod n, so the recovered key verifies (r, s).
        assert.equal(verifyDer(der(r, s), h, a), true);
        assert.equal(nobleSecp.verifyDer(der(r, s), h, a), true);
      }
    }
  });

  it('on verifyDer of mutated DER signatures', () => {
    const priv = key('fuzz key');
    const pub = publicKeyCreate(priv);
    fc.assert(
      fc.property(
        bytes32,
        fc.array(
          fc.tuple(fc.nat(80), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 })),
          {
            minLength: 0,
            maxLength: 3,
          },
        ),
        fc.boolean(),
        fc.boolean(),
        (h, edits, makeHigh, lowS) => {
          const { r, s } = parseDer(signDer(h, priv));
          let sig: Uint8Array = makeHigh ? der(r, N - s) : der(r, s);
          for (const [pos, val, op] of edits) {
            const i = pos % (sig.length + 1);
            if (op === 0 && i < sig.length)
              sig = Uint8Array.from(sig, (x, j) => (j === i ? val : x));
            else if (op === 1)
              sig = concatBytes(sig.subarray(0, i), Uint8Array.of(val), sig.subarray(i));
            else sig = concatBytes(sig.subarray(0, i), sig.subarray(i + 1));
          }
          assert.equal(verifyDer(sig, h, pub, lowS), nobleSecp.verifyDer(sig, h, pub, lowS));
        },
      ),
      { numRuns: 500 },
    );
  });
});
