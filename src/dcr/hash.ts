// Decred's hash functions. Decred uses the original BLAKE-256 (14 rounds) wherever Bitcoin uses
// SHA-256: txids, block hashes, checksums, and inside Hash160.
import { blake256 as nobleBlake256 } from '@noble/hashes/blake1.js';
import { ripemd160 } from '@noble/hashes/legacy.js';

/** BLAKE-256 (chainhash.HashB): single hash, 32 bytes, natural byte order. */
export function blake256(data: Uint8Array): Uint8Array {
  return nobleBlake256(data);
}

/** Hash160 = RIPEMD160(BLAKE256(data)); used for P2PKH, P2SH and HD fingerprints. */
export function hash160(data: Uint8Array): Uint8Array {
  return ripemd160(nobleBlake256(data));
}
