// Decred signed messages (dcrd/dcrwallet signmessage and verifymessage). The digest is one
// BLAKE-256 over two var-strings (a fixed magic and the message); the signature is the 65-byte
// compact recoverable form, base64 encoded, whose first byte carries the recovery id and whether
// the signer's address hashes the compressed or the uncompressed public key.
import { base64 } from '@scure/base';
import { decodeAddress, resolveNet } from './address.ts';
import { ByteWriter, equalBytes } from './bytes.ts';
import { blake256, hash160 } from './hash.ts';
import type { NetParams, NetworkName } from './params.ts';
import { CURVE_ORDER, recoverPublicKey, signRecoverable } from './secp.ts';

const MAGIC = new TextEncoder().encode('Decred Signed Message:\n');
/** Compact signature header: 27 + recid (0..3), plus 4 when the key is to be compressed. */
const COMPACT_BASE = 27;
const COMPACT_COMPRESSED = 4;
const COMPACT_LENGTH = 65;

/** BLAKE256(varint(23) ‖ "Decred Signed Message:\n" ‖ varint(len) ‖ UTF-8 message). */
export function messageHash(message: string): Uint8Array {
  if (typeof message !== 'string') throw new TypeError('message: expected a string');
  const body = new TextEncoder().encode(message);
  const w = new ByteWriter(MAGIC.length + body.length + 10);
  w.varBytes(MAGIC).varBytes(body);
  return blake256(w.finish());
}

/**
 * Sign `message` as `signmessage` does (RFC 6979, low S): base64 of the 65-byte compact
 * signature. `compressed` must match the address the verifier will check against: the P2PKH of
 * the compressed key (the default, what wallets use) or of the uncompressed key.
 */
export function signMessage(message: string, privateKey: Uint8Array, compressed = true): string {
  const sig = signRecoverable(messageHash(message), privateKey);
  sig[0] = COMPACT_BASE + sig[0]! + (compressed ? COMPACT_COMPRESSED : 0);
  return base64.encode(sig);
}

function bigIntFrom(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/**
 * Recover the signer's public key from a 65-byte compact signature over a 32-byte hash (dcrd
 * ecdsa.RecoverCompact). The key is serialized compressed or uncompressed as the header byte
 * says. Undefined for every case dcrd rejects: wrong length, header outside 27..34, r or s zero
 * or ≥ n, an overflowed R.x that is not below p, and R or the result not being a curve point.
 * A high S is accepted, as in dcrd.
 */
export function recoverCompact(
  sig65: Uint8Array,
  hash: Uint8Array,
): { publicKey: Uint8Array; compressed: boolean } | undefined {
  if (!(sig65 instanceof Uint8Array) || sig65.length !== COMPACT_LENGTH) return undefined;
  if (!(hash instanceof Uint8Array) || hash.length !== 32) return undefined;
  const code = sig65[0]! - COMPACT_BASE;
  if (code < 0 || code > 7) return undefined;
  const r = bigIntFrom(sig65.subarray(1, 33));
  const s = bigIntFrom(sig65.subarray(33, 65));
  if (r === 0n || r >= CURVE_ORDER || s === 0n || s >= CURVE_ORDER) return undefined;
  const compressed = (code & COMPACT_COMPRESSED) !== 0;
  const recovered = Uint8Array.from(sig65);
  recovered[0] = code & 3;
  const publicKey = recoverPublicKey(recovered, hash, compressed);
  return publicKey === undefined ? undefined : { publicKey, compressed };
}

/**
 * Verify a signed message against a P2PKH address on `net`, as dcrd's verifymessage does.
 * Returns false for any signature that is not base64 of 65 bytes, does not recover, or recovers a
 * key whose P2PKH (compressed or not, per the signature) is not the address. An address that is
 * malformed, belongs to another network, or is not secp256k1 P2PKH (P2SH, P2PK, Ed25519,
 * Schnorr) also gives false; dcrd reports those as RPC errors instead, so a caller that must
 * tell them apart decodes the address first. An unknown `net` throws.
 */
export function verifyMessage(
  address: string,
  signature: string,
  message: string,
  net: NetParams | NetworkName,
): boolean {
  const params = resolveNet(net, 'net');
  if (typeof message !== 'string') throw new TypeError('message: expected a string');
  let wantHash: Uint8Array;
  try {
    const a = decodeAddress(address, params);
    if (a.kind !== 'p2pkh') return false;
    wantHash = a.hash160;
  } catch {
    return false;
  }
  if (typeof signature !== 'string') return false;
  let sig: Uint8Array;
  try {
    sig = base64.decode(signature);
  } catch {
    return false;
  }
  const rec = recoverCompact(sig, messageHash(message));
  return rec !== undefined && equalBytes(hash160(rec.publicKey), wantHash);
}
