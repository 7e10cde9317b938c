// secp256k1 operations used by src/dcr, behind one small module so the backend can change.
// Every function takes and returns plain bytes.
//
// Two backends: @noble/curves (pure JS, audited) and tiny-secp256k1 (libsecp256k1 compiled to
// WASM). The hot paths — signing (votes, messages), public key recovery (verifymessage), DER
// verification and the key arithmetic of HD derivation — run on WASM, where bench/message.bench.ts
// and bench/vote.bench.ts measure it several times faster; the rest stays on noble. `nobleSecp`
// keeps the noble versions of the switched functions so tests cross-check both backends and the
// benchmarks print both figures.
//
// Both backends sign with RFC 6979 (HMAC-SHA256) nonces and normalize to low S, as dcrd's
// ecdsa.Sign/SignCompact do, so signatures are byte-identical across backends and with dcrd.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import * as ecc from 'tiny-secp256k1';

const Point = secp256k1.Point;
/** Group order n. */
export const CURVE_ORDER: bigint = Point.CURVE().n;

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

/** True for a 32-byte scalar in [1, n-1]. */
export function isValidPrivateKey(priv: Uint8Array): boolean {
  return priv instanceof Uint8Array && priv.length === 32 && ecc.isPrivate(priv);
}

/** True when `pub` is a valid encoded point (33-byte compressed or 65-byte uncompressed). */
export function isValidPublicKey(pub: Uint8Array): boolean {
  if (!(pub instanceof Uint8Array) || (pub.length !== 33 && pub.length !== 65)) return false;
  try {
    Point.fromBytes(pub).assertValidity();
    return true;
  } catch {
    return false;
  }
}

/**
 * A compressed (02/03, 33 bytes) or uncompressed (04, 65 bytes) encoding. libsecp256k1 also
 * parses hybrid (06/07) keys, which noble and dcrd refuse, so WASM calls are guarded by this.
 */
function hasPointPrefix(pub: Uint8Array): boolean {
  return (
    pub instanceof Uint8Array &&
    ((pub.length === 33 && (pub[0] === 0x02 || pub[0] === 0x03)) ||
      (pub.length === 65 && pub[0] === 0x04))
  );
}

function checkPrivateKey(priv: Uint8Array): void {
  if (!isValidPrivateKey(priv)) throw new RangeError('privateKey: not a valid secp256k1 key');
}

function checkDigest(digest: Uint8Array): void {
  if (!(digest instanceof Uint8Array) || digest.length !== 32) {
    throw new RangeError('digest: must be 32 bytes');
  }
}

/** Public key of a private key; compressed (33 bytes) unless `compressed` is false (65). */
export function publicKeyCreate(priv: Uint8Array, compressed = true): Uint8Array {
  checkPrivateKey(priv);
  const pub = ecc.pointFromScalar(priv, compressed);
  // Unreachable for a key in [1, n-1]; kept so a backend fault cannot become a bogus key.
  if (pub === null) throw new RangeError('privateKey: not a valid secp256k1 key');
  return pub;
}

/** Re-encode a public key compressed or uncompressed; throws on an invalid point. */
export function publicKeyConvert(pub: Uint8Array, compressed = true): Uint8Array {
  if (!isValidPublicKey(pub)) throw new RangeError('publicKey: not a valid secp256k1 point');
  return Point.fromBytes(pub).toBytes(compressed);
}

/**
 * pub + tweak·G, compressed; undefined if tweak ≥ n or the result is the point at infinity (the
 * caller, HD derivation, then skips to the next index). Throws on an invalid `pub`.
 */
export function publicKeyTweakAdd(pub: Uint8Array, tweak: Uint8Array): Uint8Array | undefined {
  if (!(tweak instanceof Uint8Array) || tweak.length !== 32) {
    throw new RangeError('tweak: must be 32 bytes');
  }
  if (bytesToBigInt(tweak) >= CURVE_ORDER) return undefined;
  let sum: Uint8Array | null;
  try {
    if (!hasPointPrefix(pub)) throw new RangeError('prefix');
    sum = ecc.pointAddScalar(pub, tweak, true);
  } catch {
    throw new RangeError('publicKey: not a valid secp256k1 point');
  }
  return sum ?? undefined;
}

/** (priv + tweak) mod n as 32 bytes; undefined if tweak ≥ n or the result is zero. */
export function privateKeyTweakAdd(priv: Uint8Array, tweak: Uint8Array): Uint8Array | undefined {
  const t = bytesToBigInt(tweak);
  if (t >= CURVE_ORDER) return undefined;
  const k = (bytesToBigInt(priv) + t) % CURVE_ORDER;
  if (k === 0n) return undefined;
  return bigIntTo32(k);
}

/** Strict DER of a 64-byte r‖s (each integer minimal, with a 0x00 pad when its top bit is set). */
function derFromCompact(rs: Uint8Array): Uint8Array {
  const int = (x: Uint8Array): Uint8Array => {
    let i = 0;
    while (i < 31 && x[i] === 0) i++;
    const body = x.subarray(i);
    if (body[0]! & 0x80) {
      const padded = new Uint8Array(body.length + 1);
      padded.set(body, 1);
      return padded;
    }
    return body;
  };
  const r = int(rs.subarray(0, 32));
  const s = int(rs.subarray(32, 64));
  const out = new Uint8Array(6 + r.length + s.length);
  out[0] = 0x30;
  out[1] = 4 + r.length + s.length;
  out[2] = 0x02;
  out[3] = r.length;
  out.set(r, 4);
  out[4 + r.length] = 0x02;
  out[5 + r.length] = s.length;
  out.set(s, 6 + r.length);
  return out;
}

/** RFC 6979 deterministic, low-S ECDSA signature over a 32-byte digest, DER encoded. */
export function signDer(digest: Uint8Array, priv: Uint8Array): Uint8Array {
  checkDigest(digest);
  checkPrivateKey(priv);
  return derFromCompact(ecc.sign(digest, priv));
}

/**
 * RFC 6979 compact recoverable signature: [recid] || r || s (65 bytes, noble's 'recovered'
 * layout; recid bit 0 = R.y odd, bit 1 = R.x overflowed n).
 */
export function signRecoverable(digest: Uint8Array, priv: Uint8Array): Uint8Array {
  checkDigest(digest);
  checkPrivateKey(priv);
  const { signature, recoveryId } = ecc.signRecoverable(digest, priv);
  const out = new Uint8Array(65);
  out[0] = recoveryId;
  out.set(signature, 1);
  return out;
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
  if (!(recovered instanceof Uint8Array) || !(digest instanceof Uint8Array)) return undefined;
  if (recovered.length !== 65 || digest.length !== 32) return undefined;
  const recid = recovered[0]!;
  if (recid > 3) return undefined;
  // tiny-secp256k1's wrapper also demands that r itself be an x coordinate on the curve, which is
  // wrong when R.x = r + n (recid bit 1). Such signatures occur with probability ~2^-128, so they
  // take the noble path rather than being rejected.
  if (recid & 2) return nobleSecp.recoverPublicKey(recovered, digest, compressed);
  try {
    const pub = ecc.recover(digest, recovered.subarray(1), recid as 0 | 1, compressed);
    return pub ?? undefined;
  } catch {
    return undefined;
  }
}

/** Verify a DER signature over a 32-byte digest (high S accepted unless `lowS`). */
export function verifyDer(
  der: Uint8Array,
  digest: Uint8Array,
  pub: Uint8Array,
  lowS = false,
): boolean {
  if (!hasPointPrefix(pub) || !(digest instanceof Uint8Array) || digest.length !== 32) {
    return false;
  }
  try {
    // noble parses the DER (cheap) and the curve work runs in libsecp256k1.
    const sig = secp256k1.Signature.fromBytes(der, 'der');
    if (sig.r >= CURVE_ORDER || sig.s >= CURVE_ORDER) return false;
    const compact = new Uint8Array(64);
    compact.set(bigIntTo32(sig.r), 0);
    compact.set(bigIntTo32(sig.s), 32);
    return ecc.verify(digest, pub, compact, lowS);
  } catch {
    return false;
  }
}

/**
 * The pure-JS (@noble/curves) versions of the functions that run on WASM, with the same
 * contracts. Used to cross-check the backends in tests and to print both figures in benchmarks.
 */
export const nobleSecp = {
  publicKeyCreate: (priv: Uint8Array, compressed = true): Uint8Array => {
    checkPrivateKey(priv);
    return secp256k1.getPublicKey(priv, compressed);
  },
  publicKeyTweakAdd: (pub: Uint8Array, tweak: Uint8Array): Uint8Array | undefined => {
    const t = bytesToBigInt(tweak);
    if (t >= CURVE_ORDER) return undefined;
    const p = Point.fromBytes(pub);
    const sum = t === 0n ? p : p.add(Point.BASE.multiply(t));
    if (sum.equals(Point.ZERO)) return undefined;
    return sum.toBytes(true);
  },
  signDer: (digest: Uint8Array, priv: Uint8Array): Uint8Array => {
    checkDigest(digest);
    checkPrivateKey(priv);
    return secp256k1.sign(digest, priv, { prehash: false, format: 'der', lowS: true });
  },
  signRecoverable: (digest: Uint8Array, priv: Uint8Array): Uint8Array => {
    checkDigest(digest);
    checkPrivateKey(priv);
    return secp256k1.sign(digest, priv, { prehash: false, format: 'recovered', lowS: true });
  },
  recoverPublicKey: (
    recovered: Uint8Array,
    digest: Uint8Array,
    compressed = true,
  ): Uint8Array | undefined => {
    if (recovered.length !== 65 || digest.length !== 32) return undefined;
    try {
      const pub = secp256k1.recoverPublicKey(recovered, digest, { prehash: false });
      return Point.fromBytes(pub).toBytes(compressed);
    } catch {
      return undefined;
    }
  },
  verifyDer: (der: Uint8Array, digest: Uint8Array, pub: Uint8Array, lowS = false): boolean => {
    try {
      return secp256k1.verify(der, digest, pub, { prehash: false, format: 'der', lowS });
    } catch {
      return false;
    }
  },
};
