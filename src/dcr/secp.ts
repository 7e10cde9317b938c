// secp256k1 operations used by src/dcr, behind one small module so the backend can change (for
// example to libsecp256k1 compiled to WASM) where a benchmark shows @noble/curves is too slow.
// Every function takes and returns plain bytes.
import { secp256k1 } from '@noble/curves/secp256k1.js';

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
  if (priv.length !== 32) return false;
  const k = bytesToBigInt(priv);
  return k > 0n && k < CURVE_ORDER;
}

/** True when `pub` is a valid encoded point (33-byte compressed or 65-byte uncompressed). */
export function isValidPublicKey(pub: Uint8Array): boolean {
  if (pub.length !== 33 && pub.length !== 65) return false;
  try {
    Point.fromBytes(pub).assertValidity();
    return true;
  } catch {
    return false;
  }
}

/** Public key of a private key; compressed (33 bytes) unless `compressed` is false (65). */
export function publicKeyCreate(priv: Uint8Array, compressed = true): Uint8Array {
  if (!isValidPrivateKey(priv)) throw new RangeError('privateKey: not a valid secp256k1 key');
  return secp256k1.getPublicKey(priv, compressed);
}

/** Re-encode a public key compressed or uncompressed; throws on an invalid point. */
export function publicKeyConvert(pub: Uint8Array, compressed = true): Uint8Array {
  if (!isValidPublicKey(pub)) throw new RangeError('publicKey: not a valid secp256k1 point');
  return Point.fromBytes(pub).toBytes(compressed);
}

/**
 * pub + tweak·G, compressed; undefined if tweak ≥ n or the result is the point at infinity (the
 * caller, HD derivation, then skips to the next index).
 */
export function publicKeyTweakAdd(pub: Uint8Array, tweak: Uint8Array): Uint8Array | undefined {
  const t = bytesToBigInt(tweak);
  if (t >= CURVE_ORDER) return undefined;
  const p = Point.fromBytes(pub);
  const sum = t === 0n ? p : p.add(Point.BASE.multiply(t));
  if (sum.equals(Point.ZERO)) return undefined;
  return sum.toBytes(true);
}

/** (priv + tweak) mod n as 32 bytes; undefined if tweak ≥ n or the result is zero. */
export function privateKeyTweakAdd(priv: Uint8Array, tweak: Uint8Array): Uint8Array | undefined {
  const t = bytesToBigInt(tweak);
  if (t >= CURVE_ORDER) return undefined;
  const k = (bytesToBigInt(priv) + t) % CURVE_ORDER;
  if (k === 0n) return undefined;
  return bigIntTo32(k);
}

/** RFC 6979 deterministic, low-S ECDSA signature over a 32-byte digest, DER encoded. */
export function signDer(digest: Uint8Array, priv: Uint8Array): Uint8Array {
  if (digest.length !== 32) throw new RangeError('digest: must be 32 bytes');
  if (!isValidPrivateKey(priv)) throw new RangeError('privateKey: not a valid secp256k1 key');
  return secp256k1.sign(digest, priv, { prehash: false, format: 'der', lowS: true });
}

/**
 * RFC 6979 compact recoverable signature: [recid] || r || s (65 bytes, noble's 'recovered'
 * layout; recid bit 0 = R.y odd, bit 1 = R.x overflowed n).
 */
export function signRecoverable(digest: Uint8Array, priv: Uint8Array): Uint8Array {
  if (digest.length !== 32) throw new RangeError('digest: must be 32 bytes');
  if (!isValidPrivateKey(priv)) throw new RangeError('privateKey: not a valid secp256k1 key');
  return secp256k1.sign(digest, priv, { prehash: false, format: 'recovered', lowS: true });
}

/**
 * Recover the public key from [recid] || r || s over a 32-byte digest. Accepts high S (as dcrd's
 * RecoverCompact does). Returns undefined when no key can be recovered.
 */
export function recoverPublicKey(
  recovered: Uint8Array,
  digest: Uint8Array,
  compressed = true,
): Uint8Array | undefined {
  if (recovered.length !== 65 || digest.length !== 32) return undefined;
  try {
    const pub = secp256k1.recoverPublicKey(recovered, digest, { prehash: false });
    return Point.fromBytes(pub).toBytes(compressed);
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
  try {
    return secp256k1.verify(der, digest, pub, { prehash: false, format: 'der', lowS });
  } catch {
    return false;
  }
}
