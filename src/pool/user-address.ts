// The pubkey address a legacy-pool user submits (/address, API `address`): the `pubkeyaddr` that
// dcrwallet's validateaddress shows, whose key becomes the second key of the 1-of-2 ticket
// multisig. Checks and messages follow dcrstakepool's validateUserPubKeyAddr, which clients and
// the pages show verbatim.
import { decodeAddress, encodeAddress } from '../dcr/address.ts';
import type { Address } from '../dcr/address.ts';
import { base58CheckDecode } from '../dcr/base58.ts';
import { equalBytes } from '../dcr/bytes.ts';
import type { NetParams } from '../dcr/params.ts';

export const USER_ADDRESS_MIN_LENGTH = 40;
export const USER_ADDRESS_MAX_LENGTH = 65;

export type UserAddressError =
  | 'Address is too short'
  | 'Address is too long'
  | "Couldn't decode address"
  | 'Incorrect address type';

export type UserAddressResult =
  { pubKey: Uint8Array /* 33-byte compressed */; address: string } | { error: UserAddressError };

/**
 * Validate a submitted pubkey address for `net`. Surrounding whitespace (a sloppy paste) is
 * ignored. Lengths count UTF-8 bytes, as Go's len() did.
 */
export function validateUserPubKeyAddress(text: string, net: NetParams): UserAddressResult {
  const s = typeof text === 'string' ? text.trim() : '';
  const bytes = Buffer.byteLength(s, 'utf8');
  if (bytes < USER_ADDRESS_MIN_LENGTH) return { error: 'Address is too short' };
  if (bytes > USER_ADDRESS_MAX_LENGTH) return { error: 'Address is too long' };
  let addr: Address;
  try {
    addr = decodeAddress(s, net, 'UserPubKeyAddr');
  } catch {
    return {
      error: isOtherSignatureType(s, net) ? 'Incorrect address type' : "Couldn't decode address",
    };
  }
  if (addr.kind !== 'p2pk') return { error: 'Incorrect address type' };
  // Re-encoding gives the canonical string to store (it equals a valid input).
  return { pubKey: Uint8Array.from(addr.pubKey), address: encodeAddress(addr) };
}

/**
 * dcrd decodes Ed25519 and Schnorr addresses of the right network (decodeAddress refuses them):
 * those are well-formed addresses of the wrong type, not undecodable ones.
 */
function isOtherSignatureType(s: string, net: NetParams): boolean {
  let decoded: { version: Uint8Array; payload: Uint8Array };
  try {
    decoded = base58CheckDecode(s);
  } catch {
    return false;
  }
  const { version, payload } = decoded;
  if (equalBytes(version, net.pkhEdwardsAddrId) || equalBytes(version, net.pkhSchnorrAddrId)) {
    return payload.length === 20;
  }
  if (equalBytes(version, net.pubKeyAddrId) && payload.length === 33) {
    const sigType = payload[0]! & 0x7f;
    return sigType === 1 || sigType === 2;
  }
  return false;
}
