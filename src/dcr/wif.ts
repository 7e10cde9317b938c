// Decred WIF private keys (dcrutil): base58( netID[2] || sigType[1] || key[32] || checksum[4] ),
// the checksum being the first 4 bytes of ONE BLAKE-256 of the first 35 bytes — not the double
// hash of base58check — so @scure's base58check cannot be used here.
import { base58Decode, base58Encode } from './base58.ts';
import { concatBytes, equalBytes } from './bytes.ts';
import { blake256 } from './hash.ts';
import { NETWORK_NAMES, NETWORKS, netParams } from './params.ts';
import type { NetParams, NetworkName } from './params.ts';
import { isValidPrivateKey, publicKeyCreate } from './secp.ts';

/** dcrd's bound on an encoded WIF (ceil(39 bytes · log58(256))). */
export const MAX_WIF_LENGTH = 54;
const WIF_DECODED_LENGTH = 39;

const SIG_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'secp256k1 ECDSA',
  1: 'Ed25519',
  2: 'secp256k1 Schnorr',
};

function checksum(data: Uint8Array): Uint8Array {
  return blake256(data).subarray(0, 4);
}

/**
 * The raw fields of a WIF string after the length and checksum checks, for any network and any
 * signature type. Most callers want decodeWif, which also checks the network and key.
 */
export function decodeWifPayload(
  s: string,
  field = 'wif',
): { netId: Uint8Array; sigType: number; privateKey: Uint8Array } {
  if (typeof s !== 'string') throw new TypeError(`${field}: expected a string`);
  if (s.length > MAX_WIF_LENGTH) {
    throw new RangeError(`${field}: too long (${s.length} characters, at most ${MAX_WIF_LENGTH})`);
  }
  const raw = base58Decode(s, field);
  if (raw.length !== WIF_DECODED_LENGTH) {
    throw new RangeError(
      `${field}: decoded length is ${raw.length} bytes, expected ${WIF_DECODED_LENGTH}`,
    );
  }
  if (!equalBytes(checksum(raw.subarray(0, 35)), raw.subarray(35))) {
    throw new TypeError(`${field}: checksum mismatch`);
  }
  return { netId: raw.slice(0, 2), sigType: raw[2]!, privateKey: raw.slice(3, 35) };
}

/**
 * Decode a secp256k1 ECDSA WIF for `net`. Rejects, naming `field`: bad length, bad base58, bad
 * checksum, another network's key, other signature types, and keys outside [1, n-1].
 */
export function decodeWif(
  s: string,
  net: NetParams | NetworkName,
  field = 'wif',
): { privateKey: Uint8Array; publicKey: Uint8Array; net: NetParams } {
  const params = typeof net === 'string' ? netParams(net) : net;
  const { netId, sigType, privateKey } = decodeWifPayload(s, field);
  if (!equalBytes(netId, params.privateKeyId)) {
    const owner = NETWORK_NAMES.map((n) => NETWORKS[n]).find((p) =>
      equalBytes(p.privateKeyId, netId),
    );
    throw new TypeError(
      owner
        ? `${field}: wrong network (the key is for ${owner.name}, expected ${params.name})`
        : `${field}: wrong network (unknown network ID, expected ${params.name})`,
    );
  }
  if (sigType !== 0) {
    const name = SIG_TYPE_NAMES[sigType];
    throw new TypeError(
      `${field}: unsupported signature type ${sigType}${name ? ` (${name})` : ''}; only secp256k1 ECDSA keys are accepted`,
    );
  }
  if (!isValidPrivateKey(privateKey)) {
    throw new RangeError(`${field}: private key is not in [1, n-1]`);
  }
  return { privateKey, publicKey: publicKeyCreate(privateKey, true), net: params };
}

/** Encode a secp256k1 private key as WIF for `net`; only signature type 0 (ECDSA) is supported. */
export function encodeWif(
  privateKey: Uint8Array,
  net: NetParams | NetworkName,
  sigType = 0,
): string {
  const params = typeof net === 'string' ? netParams(net) : net;
  if (sigType !== 0) {
    const name = SIG_TYPE_NAMES[sigType];
    throw new RangeError(
      `sigType: unsupported signature type ${sigType}${name ? ` (${name})` : ''}; only 0 (secp256k1 ECDSA) is supported`,
    );
  }
  if (!(privateKey instanceof Uint8Array)) throw new TypeError('privateKey: expected bytes');
  if (!isValidPrivateKey(privateKey)) {
    throw new RangeError('privateKey: expected 32 bytes in [1, n-1]');
  }
  const body = concatBytes(params.privateKeyId, Uint8Array.of(sigType), privateKey);
  return base58Encode(concatBytes(body, checksum(body)));
}
