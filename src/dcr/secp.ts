// secp256k1 operations used by src/dcr, behind one small module so the backend can change.
// Every function takes and returns plain bytes.
//
// Two backends with the same contracts:
// - libsecp256k1, native, through the prebuilt binaries the `secp256k1` npm package ships for
//   linux-x64, darwin-arm64 and win32-x64. It is several times faster than anything in JS on the
//   hot paths the pool has targets for (verifymessage's public key recovery, fee address
//   derivation, vote signing); bench/*.bench.ts print both backends' figures.
// - @noble/curves (pure JS, audited): used when the native binary cannot be loaded, and exported
//   as `nobleSecp` so tests cross-check the backends and benchmarks compare them.
// SECP_BACKEND says which one is active.
//
// Signing is dcrd's: RFC 6979 (HMAC-SHA256) nonces, low S. Like dcrd, the nonce is seeded with
// the digest as given, even when it is ≥ n, where RFC 6979 proper (and noble) would reduce it
// first; libsecp256k1 matches dcrd there and the noble backend handles that case itself.
import { createRequire } from 'node:module';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type * as NativeModule from 'secp256k1';

type Native = typeof NativeModule;

const Point = secp256k1.Point;
/** Group order n. */
export const CURVE_ORDER: bigint = Point.CURVE().n;

/** The operations both backends implement; `nobleSecp` and the active backend are of this type. */
export interface SecpBackend {
  isValidPrivateKey: (priv: Uint8Array) => boolean;
  isValidPublicKey: (pub: Uint8Array) => boolean;
  publicKeyCreate: (priv: Uint8Array, compressed?: boolean) => Uint8Array;
  publicKeyConvert: (pub: Uint8Array, compressed?: boolean) => Uint8Array;
  publicKeyTweakAdd: (pub: Uint8Array, tweak: Uint8Array) => Uint8Array | undefined;
  privateKeyTweakAdd: (priv: Uint8Array, tweak: Uint8Array) => Uint8Array | undefined;
  signDer: (digest: Uint8Array, priv: Uint8Array) => Uint8Array;
  signRecoverable: (digest: Uint8Array, priv: Uint8Array) => Uint8Array;
  recoverPublicKey: (
    recovered: Uint8Array,
    digest: Uint8Array,
    compressed?: boolean,
  ) => Uint8Array | undefined;
  verifyDer: (der: Uint8Array, digest: Uint8Array, pub: Uint8Array, lowS?: boolean) => boolean;
}

function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

function bigIntTo32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

const ORDER_BYTES = bigIntTo32(CURVE_ORDER);

/** 32 bytes read as a big-endian integer ≥ n. Decided almost always by the first byte. */
function atLeastOrder(b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) {
    if (b[i] !== ORDER_BYTES[i]) return b[i]! > ORDER_BYTES[i]!;
  }
  return true;
}

/**
 * A compressed (02/03, 33 bytes) or uncompressed (04, 65 bytes) encoding. libsecp256k1 also
 * parses hybrid (06/07) keys, which noble and dcrd refuse, so every native call is guarded by it.
 */
function hasPointPrefix(pub: Uint8Array): boolean {
  return (
    pub instanceof Uint8Array &&
    ((pub.length === 33 && (pub[0] === 0x02 || pub[0] === 0x03)) ||
      (pub.length === 65 && pub[0] === 0x04))
  );
}

function invalidKey(): RangeError {
  return new RangeError('privateKey: not a valid secp256k1 key');
}

function invalidPoint(): RangeError {
  return new RangeError('publicKey: not a valid secp256k1 point');
}

function checkDigest(digest: Uint8Array): void {
  if (!(digest instanceof Uint8Array) || digest.length !== 32) {
    throw new RangeError('digest: must be 32 bytes');
  }
}

function checkTweak(tweak: Uint8Array): void {
  if (!(tweak instanceof Uint8Array) || tweak.length !== 32) {
    throw new RangeError('tweak: must be 32 bytes');
  }
}

/** The shape recoverPublicKey accepts before any curve work: [0..3] || r || s, 32-byte digest. */
function recoverableShape(recovered: Uint8Array, digest: Uint8Array): boolean {
  return (
    recovered instanceof Uint8Array &&
    digest instanceof Uint8Array &&
    recovered.length === 65 &&
    digest.length === 32 &&
    recovered[0]! <= 3
  );
}

/**
 * (priv + tweak) mod n by plain arithmetic. It takes any priv, valid or not, which is the
 * contract both backends keep; the native one only handles the common valid-key case faster.
 */
function privateKeyTweakAddBigInt(priv: Uint8Array, tweak: Uint8Array): Uint8Array | undefined {
  const t = bytesToBigInt(tweak);
  if (t >= CURVE_ORDER) return undefined;
  const k = (bytesToBigInt(priv) + t) % CURVE_ORDER;
  if (k === 0n) return undefined;
  return bigIntTo32(k);
}

// ---------------------------------------------------------------------------------------------
// noble backend

const N = CURVE_ORDER;

function nobleIsValidPrivateKey(priv: Uint8Array): boolean {
  return (
    priv instanceof Uint8Array &&
    priv.length === 32 &&
    priv.some((b) => b !== 0) &&
    !atLeastOrder(priv)
  );
}

function nobleCheckPrivateKey(priv: Uint8Array): void {
  if (!nobleIsValidPrivateKey(priv)) throw invalidKey();
}

function nobleIsValidPublicKey(pub: Uint8Array): boolean {
  if (!hasPointPrefix(pub)) return false;
  try {
    Point.fromBytes(pub).assertValidity();
    return true;
  } catch {
    return false;
  }
}

function noblePoint(pub: Uint8Array): InstanceType<typeof Point> {
  if (!hasPointPrefix(pub)) throw invalidPoint();
  try {
    const p = Point.fromBytes(pub);
    p.assertValidity();
    return p;
  } catch {
    throw invalidPoint();
  }
}

/**
 * dcrd's signing for a digest ≥ n, which noble's sign() cannot do: RFC 6979's HMAC-DRBG seeded
 * with priv ‖ digest unreduced, candidates taken in order until one gives r ≠ 0 and s ≠ 0, then
 * S made low. Such digests turn up with probability about 2^-128, so speed does not matter.
 */
function nobleSignUnreducedDigest(digest: Uint8Array, priv: Uint8Array) {
  const concat = (...parts: Uint8Array[]): Uint8Array => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  const seed = concat(priv, digest);
  let k: Uint8Array = new Uint8Array(32);
  let v: Uint8Array = new Uint8Array(32).fill(1);
  k = hmac(sha256, k, concat(v, Uint8Array.of(0), seed));
  v = hmac(sha256, k, v);
  k = hmac(sha256, k, concat(v, Uint8Array.of(1), seed));
  v = hmac(sha256, k, v);
  const d = bytesToBigInt(priv);
  const e = bytesToBigInt(digest) % N;
  for (;;) {
    v = hmac(sha256, k, v);
    const nonce = bytesToBigInt(v);
    if (nonce > 0n && nonce < N) {
      const big = Point.BASE.multiply(nonce).toAffine();
      const r = big.x % N;
      let s = (Point.Fn.inv(nonce) * ((e + d * r) % N)) % N;
      if (r !== 0n && s !== 0n) {
        let recid = (big.y & 1n ? 1 : 0) | (big.x !== r ? 2 : 0);
        if (s > N >> 1n) {
          s = N - s;
          recid ^= 1;
        }
        return new secp256k1.Signature(r, s, recid);
      }
    }
    k = hmac(sha256, k, concat(v, Uint8Array.of(0)));
    v = hmac(sha256, k, v);
  }
}

/**
 * The @noble/curves backend, with the same contracts as the exported functions. Active when the
 * native binary cannot be loaded; always available to cross-check and benchmark against.
 */
export const nobleSecp: SecpBackend = {
  isValidPrivateKey: nobleIsValidPrivateKey,
  isValidPublicKey: nobleIsValidPublicKey,
  publicKeyCreate: (priv, compressed = true) => {
    nobleCheckPrivateKey(priv);
    return secp256k1.getPublicKey(priv, compressed);
  },
  publicKeyConvert: (pub, compressed = true) => noblePoint(pub).toBytes(compressed),
  publicKeyTweakAdd: (pub, tweak) => {
    checkTweak(tweak);
    const t = bytesToBigInt(tweak);
    if (t >= N) return undefined;
    const p = noblePoint(pub);
    const sum = t === 0n ? p : p.add(Point.BASE.multiply(t));
    if (sum.equals(Point.ZERO)) return undefined;
    return sum.toBytes(true);
  },
  privateKeyTweakAdd: privateKeyTweakAddBigInt,
  signDer: (digest, priv) => {
    checkDigest(digest);
    nobleCheckPrivateKey(priv);
    if (atLeastOrder(digest)) return nobleSignUnreducedDigest(digest, priv).toBytes('der');
    return secp256k1.sign(digest, priv, { prehash: false, format: 'der', lowS: true });
  },
  signRecoverable: (digest, priv) => {
    checkDigest(digest);
    nobleCheckPrivateKey(priv);
    if (atLeastOrder(digest)) return nobleSignUnreducedDigest(digest, priv).toBytes('recovered');
    return secp256k1.sign(digest, priv, { prehash: false, format: 'recovered', lowS: true });
  },
  recoverPublicKey: (recovered, digest, compressed = true) => {
    if (!recoverableShape(recovered, digest)) return undefined;
    try {
      const pub = secp256k1.recoverPublicKey(recovered, digest, { prehash: false });
      return Point.fromBytes(pub).toBytes(compressed);
    } catch {
      return undefined;
    }
  },
  verifyDer: (der, digest, pub, lowS = false) => {
    if (!hasPointPrefix(pub) || !(digest instanceof Uint8Array) || digest.length !== 32) {
      return false;
    }
    try {
      return secp256k1.verify(der, digest, pub, { prehash: false, format: 'der', lowS });
    } catch {
      return false;
    }
  },
};

// ---------------------------------------------------------------------------------------------
// libsecp256k1 backend
//
// Notes on the binding (secp256k1@5 lib/index.js): it throws plain Errors, which every caller
// here maps to this module's contract; privateKeyTweakAdd and signatureNormalize modify their
// first argument in place, so they only ever get fresh copies.

function nativeBackend(lib: Native): SecpBackend {
  const isValidPrivateKey = (priv: Uint8Array): boolean =>
    priv instanceof Uint8Array && priv.length === 32 && lib.privateKeyVerify(priv);
  const checkPrivateKey = (priv: Uint8Array): void => {
    if (!isValidPrivateKey(priv)) throw invalidKey();
  };
  const isValidPublicKey = (pub: Uint8Array): boolean =>
    hasPointPrefix(pub) && lib.publicKeyVerify(pub);

  return {
    isValidPrivateKey,
    isValidPublicKey,
    publicKeyCreate: (priv, compressed = true) => {
      checkPrivateKey(priv);
      return lib.publicKeyCreate(priv, compressed);
    },
    publicKeyConvert: (pub, compressed = true) => {
      if (!hasPointPrefix(pub)) throw invalidPoint();
      try {
        return lib.publicKeyConvert(pub, compressed);
      } catch {
        throw invalidPoint();
      }
    },
    publicKeyTweakAdd: (pub, tweak) => {
      checkTweak(tweak);
      if (!hasPointPrefix(pub)) {
        if (atLeastOrder(tweak)) return undefined;
        throw invalidPoint();
      }
      try {
        return lib.publicKeyTweakAdd(pub, tweak, true);
      } catch {
        // One error for three causes; sort them in the contract's order: a tweak ≥ n is
        // undefined whatever the key, then a bad key throws, else the sum was at infinity.
        if (atLeastOrder(tweak)) return undefined;
        if (!lib.publicKeyVerify(pub)) throw invalidPoint();
        return undefined;
      }
    },
    privateKeyTweakAdd: (priv, tweak) => {
      if (!(tweak instanceof Uint8Array) || tweak.length !== 32 || !isValidPrivateKey(priv)) {
        return privateKeyTweakAddBigInt(priv, tweak);
      }
      try {
        // A real copy: Buffer#slice would share the caller's memory.
        return lib.privateKeyTweakAdd(Uint8Array.from(priv), tweak);
      } catch {
        return undefined; // tweak ≥ n or a zero sum
      }
    },
    signDer: (digest, priv) => {
      checkDigest(digest);
      checkPrivateKey(priv);
      return lib.signatureExport(lib.ecdsaSign(digest, priv).signature);
    },
    signRecoverable: (digest, priv) => {
      checkDigest(digest);
      checkPrivateKey(priv);
      const { signature, recid } = lib.ecdsaSign(digest, priv);
      const out = new Uint8Array(65);
      out[0] = recid;
      out.set(signature, 1);
      return out;
    },
    recoverPublicKey: (recovered, digest, compressed = true) => {
      if (!recoverableShape(recovered, digest)) return undefined;
      try {
        // libsecp256k1 accepts high S here, and for recid bit 1 uses x = r + n after checking
        // r + n < p; r or s outside [1, n-1] fails, as in dcrd's RecoverCompact.
        return lib.ecdsaRecover(recovered.subarray(1), recovered[0]!, digest, compressed);
      } catch {
        return undefined;
      }
    },
    verifyDer: (der, digest, pub, lowS = false) => {
      if (!hasPointPrefix(pub) || !(digest instanceof Uint8Array) || digest.length !== 32) {
        return false;
      }
      try {
        // A strict DER parse; an r or s ≥ n parses as zero and then fails verification.
        const sig = lib.signatureImport(der);
        // libsecp256k1 verification refuses high S outright; without lowS a high S counts as
        // its low twin, which is the same signature to ECDSA.
        if (!lowS) lib.signatureNormalize(sig);
        return lib.ecdsaVerify(sig, digest, pub);
      } catch {
        return false;
      }
    },
  };
}

/** The native backend if its binary loads and passes a self-test, else undefined. */
function loadNative(): SecpBackend | undefined {
  let lib: Native;
  try {
    // `secp256k1/bindings`, not the package root: the root silently falls back to the old
    // pure-JS `elliptic` when the binary does not load, and noble is the better fallback.
    lib = createRequire(import.meta.url)('secp256k1/bindings') as Native;
  } catch {
    return undefined;
  }
  try {
    // 1·G and a recovery round trip, so a binary that loads but computes wrongly is not used.
    const one = new Uint8Array(32);
    one[31] = 1;
    const g = Point.BASE.toBytes(true);
    const backend = nativeBackend(lib);
    const digest = new Uint8Array(32).fill(0xab);
    const same = (a: Uint8Array | undefined): boolean =>
      a !== undefined && a.length === g.length && a.every((b, i) => b === g[i]);
    const ok =
      same(backend.publicKeyCreate(one)) &&
      same(backend.recoverPublicKey(backend.signRecoverable(digest, one), digest));
    return ok ? backend : undefined;
  } catch {
    return undefined;
  }
}

const nativeSecp = loadNative();
const active: SecpBackend = nativeSecp ?? nobleSecp;

/** Which backend the exported functions run on. */
export const SECP_BACKEND: 'libsecp256k1' | 'noble' =
  nativeSecp !== undefined ? 'libsecp256k1' : 'noble';

// ---------------------------------------------------------------------------------------------
// The API, on the active backend.

/** True for a 32-byte scalar in [1, n-1]. */
export function isValidPrivateKey(priv: Uint8Array): boolean {
  return active.isValidPrivateKey(priv);
}

/** True when `pub` is a valid encoded point (33-byte compressed or 65-byte uncompressed). */
export function isValidPublicKey(pub: Uint8Array): boolean {
  return active.isValidPublicKey(pub);
}

/** Public key of a private key; compressed (33 bytes) unless `compressed` is false (65). */
export function publicKeyCreate(priv: Uint8Array, compressed = true): Uint8Array {
  return active.publicKeyCreate(priv, compressed);
}

/** Re-encode a public key compressed or uncompressed; throws on an invalid point. */
export function publicKeyConvert(pub: Uint8Array, compressed = true): Uint8Array {
  return active.publicKeyConvert(pub, compressed);
}

/**
 * pub + tweak·G, compressed; undefined if tweak ≥ n or the result is the point at infinity (the
 * caller, HD derivation, then skips to the next index). Throws on an invalid `pub`.
 */
export function publicKeyTweakAdd(pub: Uint8Array, tweak: Uint8Array): Uint8Array | undefined {
  return active.publicKeyTweakAdd(pub, tweak);
}

/** (priv + tweak) mod n as 32 bytes; undefined if tweak ≥ n or the result is zero. */
export function privateKeyTweakAdd(priv: Uint8Array, tweak: Uint8Array): Uint8Array | undefined {
  return active.privateKeyTweakAdd(priv, tweak);
}

/** RFC 6979 deterministic, low-S ECDSA signature over a 32-byte digest, DER encoded. */
export function signDer(digest: Uint8Array, priv: Uint8Array): Uint8Array {
  return active.signDer(digest, priv);
}

/**
 * RFC 6979 compact recoverable signature: [recid] || r || s (65 bytes, noble's 'recovered'
 * layout; recid bit 0 = R.y odd, bit 1 = R.x overflowed n).
 */
export function signRecoverable(digest: Uint8Array, priv: Uint8Array): Uint8Array {
  return active.signRecoverable(digest, priv);
}

/**
 * Recover the public key from [recid] || r || s over a 32-byte digest. Accepts high S (as dcrd's
 * RecoverCompact does); requires 1 ≤ r, s < n, and r + n < p when recid says R.x overflowed.
 * Returns undefined when no key can be recovered.
 */
export function recoverPublicKey(
  recovered: Uint8Array,
  digest: Uint8Array,
  compressed = true,
): Uint8Array | undefined {
  return active.recoverPublicKey(recovered, digest, compressed);
}

/** Verify a DER signature over a 32-byte digest (high S accepted unless `lowS`). */
export function verifyDer(
  der: Uint8Array,
  digest: Uint8Array,
  pub: Uint8Array,
  lowS = false,
): boolean {
  return active.verifyDer(der, digest, pub, lowS);
}
