// Base58 (Bitcoin alphabet) and Decred's base58check: a 2-byte version and a checksum made of the
// first 4 bytes of a double BLAKE-256.
import { base58, createBase58check } from '@scure/base';
import { blake256 } from './hash.ts';
import { concatBytes } from './bytes.ts';

const check = createBase58check(blake256);

export function base58Encode(data: Uint8Array): string {
  return base58.encode(data);
}

export function base58Decode(s: string, field = 'base58'): Uint8Array {
  if (typeof s !== 'string') throw new TypeError(`${field}: expected a string`);
  try {
    return base58.decode(s);
  } catch {
    throw new TypeError(`${field}: invalid base58 string`);
  }
}

/** base58check(version[2] || payload || checksum). */
export function base58CheckEncode(version: Uint8Array, payload: Uint8Array): string {
  if (version.length !== 2) throw new RangeError('version: must be 2 bytes');
  return check.encode(concatBytes(version, payload));
}

/** Decode base58check into its 2-byte version and payload. */
export function base58CheckDecode(
  s: string,
  field = 'base58check',
): { version: Uint8Array; payload: Uint8Array } {
  const raw = base58Decode(s, field);
  if (raw.length < 6) throw new RangeError(`${field}: invalid format (too short)`);
  let data: Uint8Array;
  try {
    data = check.decode(s);
  } catch {
    throw new TypeError(`${field}: checksum mismatch`);
  }
  return { version: data.slice(0, 2), payload: data.slice(2) };
}
