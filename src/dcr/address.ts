// Decred version-0 addresses (dcrd stdaddr): base58check of a 2-byte network ID and a payload.
// Only secp256k1 ECDSA forms are supported — P2PKH (Ds…), P2SH (Dc…) and P2PK (Dk…) — because
// those are all a stake pool hands out or accepts; Ed25519 and Schnorr forms are recognised so
// they can be refused with a clear message.
import { base58CheckDecode, base58CheckEncode } from './base58.ts';
import { concatBytes, equalBytes, toHex } from './bytes.ts';
import { hash160 } from './hash.ts';
import { NETWORK_NAMES, NETWORKS, netParams } from './params.ts';
import type { NetParams, NetworkName } from './params.ts';
import { OP, p2pkScript, p2pkhScript, p2shScript, stakeTaggedScript } from './script.ts';
import type { StakeTag } from './script.ts';
import { isValidPublicKey, publicKeyConvert } from './secp.ts';

export type Address =
  | { kind: 'p2pkh'; net: NetParams; hash160: Uint8Array }
  | { kind: 'p2sh'; net: NetParams; hash160: Uint8Array }
  | { kind: 'p2pk'; net: NetParams; pubKey: Uint8Array /* 33-byte compressed */ };

/** dcrd's bound on an encoded version-0 address (ceil(39 bytes · log58(256))). */
export const MAX_ADDRESS_LENGTH = 54;

/** Bit 7 of a P2PK address's type byte: the compressed key's prefix was 0x03 (odd Y). */
const P2PK_ODD_Y_FLAG = 0x80;

/** Bit 63 of a commitment amount: the committed hash is a script hash (P2SH). */
const COMMITMENT_P2SH_FLAG = 1n << 63n;

/** Params for a network given by name or by value. */
export function resolveNet(net: NetParams | NetworkName, field = 'network'): NetParams {
  if (typeof net === 'string') return netParams(net, field);
  if (typeof net !== 'object' || net === null || !(net.pubKeyHashAddrId instanceof Uint8Array)) {
    throw new TypeError(`${field}: expected network params or a network name`);
  }
  return net;
}

type IdKind = 'pk' | 'pkh' | 'pkhEd25519' | 'pkhSchnorr' | 'sh';

function idKind(net: NetParams, version: Uint8Array): IdKind | undefined {
  if (equalBytes(version, net.pubKeyHashAddrId)) return 'pkh';
  if (equalBytes(version, net.scriptHashAddrId)) return 'sh';
  if (equalBytes(version, net.pubKeyAddrId)) return 'pk';
  if (equalBytes(version, net.pkhEdwardsAddrId)) return 'pkhEd25519';
  if (equalBytes(version, net.pkhSchnorrAddrId)) return 'pkhSchnorr';
  return undefined;
}

/**
 * Decode an address for `net`. Rejects, naming `field`: strings over 54 characters, bad base58,
 * bad checksum, another network's address, unknown prefixes, wrong payload lengths, Ed25519 and
 * Schnorr addresses (De/DS… and their Dk forms), and P2PK keys that are not on the curve.
 */
export function decodeAddress(s: string, net: NetParams | NetworkName, field = 'address'): Address {
  if (typeof s !== 'string') throw new TypeError(`${field}: expected a string`);
  if (s.length > MAX_ADDRESS_LENGTH) {
    throw new RangeError(
      `${field}: too long (${s.length} characters, at most ${MAX_ADDRESS_LENGTH})`,
    );
  }
  const params = resolveNet(net);
  const { version, payload } = base58CheckDecode(s, field);
  const kind = idKind(params, version);
  if (kind === undefined) {
    for (const name of NETWORK_NAMES) {
      const other = NETWORKS[name];
      if (other.name !== params.name && idKind(other, version) !== undefined) {
        throw new TypeError(
          `${field}: wrong network (the address is for ${other.name}, expected ${params.name})`,
        );
      }
    }
    throw new TypeError(`${field}: unsupported address type (prefix 0x${toHex(version)})`);
  }
  switch (kind) {
    case 'pkh':
    case 'sh': {
      if (payload.length !== 20) {
        throw new RangeError(`${field}: hash must be 20 bytes, got ${payload.length}`);
      }
      return kind === 'pkh'
        ? { kind: 'p2pkh', net: params, hash160: payload }
        : { kind: 'p2sh', net: params, hash160: payload };
    }
    case 'pkhEd25519':
      throw new TypeError(`${field}: Ed25519 addresses are not supported`);
    case 'pkhSchnorr':
      throw new TypeError(`${field}: Schnorr addresses are not supported`);
    case 'pk':
      return decodePubKeyPayload(payload, params, field);
  }
}

function decodePubKeyPayload(payload: Uint8Array, net: NetParams, field: string): Address {
  if (payload.length === 0) {
    throw new RangeError(`${field}: pay-to-pubkey address has no data`);
  }
  const sigType = payload[0]! & ~P2PK_ODD_Y_FLAG;
  if (sigType === 1) throw new TypeError(`${field}: Ed25519 addresses are not supported`);
  if (sigType === 2) throw new TypeError(`${field}: Schnorr addresses are not supported`);
  if (sigType !== 0) {
    throw new TypeError(`${field}: unsupported pay-to-pubkey signature type ${sigType}`);
  }
  if (payload.length !== 33) {
    throw new RangeError(`${field}: pay-to-pubkey data must be 33 bytes, got ${payload.length}`);
  }
  const pubKey = Uint8Array.from(payload);
  pubKey[0] = payload[0]! & P2PK_ODD_Y_FLAG ? 0x03 : 0x02;
  if (!isValidPublicKey(pubKey)) {
    throw new RangeError(`${field}: public key is not a valid secp256k1 point`);
  }
  return { kind: 'p2pk', net, pubKey };
}

function checkHash(h: unknown, field: string): Uint8Array {
  if (!(h instanceof Uint8Array)) throw new TypeError(`${field}: expected bytes`);
  if (h.length !== 20) throw new RangeError(`${field}: expected 20 bytes, got ${h.length}`);
  return h;
}

function checkCompressed(pub: unknown, field: string): Uint8Array {
  if (!(pub instanceof Uint8Array)) throw new TypeError(`${field}: expected bytes`);
  if (pub.length !== 33 && pub.length !== 65) {
    throw new RangeError(`${field}: expected a 33-byte public key, got ${pub.length} bytes`);
  }
  if (pub.length !== 33 || (pub[0] !== 0x02 && pub[0] !== 0x03)) {
    throw new TypeError(`${field}: expected a compressed public key (02/03 prefix)`);
  }
  if (!isValidPublicKey(pub)) throw new RangeError(`${field}: not a valid secp256k1 point`);
  return pub;
}

/** Encode an address as its base58check string. */
export function encodeAddress(a: Address): string {
  if (typeof a !== 'object' || a === null) throw new TypeError('address: expected an address');
  const net = resolveNet(a.net, 'address.net');
  switch (a.kind) {
    case 'p2pkh':
      return base58CheckEncode(net.pubKeyHashAddrId, checkHash(a.hash160, 'address.hash160'));
    case 'p2sh':
      return base58CheckEncode(net.scriptHashAddrId, checkHash(a.hash160, 'address.hash160'));
    case 'p2pk': {
      const pub = checkCompressed(a.pubKey, 'address.pubKey');
      const data = Uint8Array.from(pub);
      data[0] = pub[0] === 0x03 ? P2PK_ODD_Y_FLAG : 0x00;
      return base58CheckEncode(net.pubKeyAddrId, data);
    }
    default:
      throw new TypeError(`address: unknown kind ${JSON.stringify((a as { kind: unknown }).kind)}`);
  }
}

/**
 * P2PKH address of a public key, hashing the key exactly as given: 33 bytes compressed or 65
 * uncompressed (an uncompressed key hashes to a different address, as in dcrd).
 */
export function p2pkhAddress(pubKey: Uint8Array, net: NetParams | NetworkName): Address {
  if (!(pubKey instanceof Uint8Array)) throw new TypeError('pubKey: expected bytes');
  const ok =
    (pubKey.length === 33 && (pubKey[0] === 0x02 || pubKey[0] === 0x03)) ||
    (pubKey.length === 65 && pubKey[0] === 0x04);
  if (!ok) {
    throw new TypeError('pubKey: expected a 33-byte compressed or 65-byte uncompressed key');
  }
  if (!isValidPublicKey(pubKey)) throw new RangeError('pubKey: not a valid secp256k1 point');
  return { kind: 'p2pkh', net: resolveNet(net), hash160: hash160(pubKey) };
}

export function p2pkhAddressFromHash(hash: Uint8Array, net: NetParams | NetworkName): Address {
  return {
    kind: 'p2pkh',
    net: resolveNet(net),
    hash160: Uint8Array.from(checkHash(hash, 'hash160')),
  };
}

/** P2SH address of a redeem script (hash160 of the script). */
export function p2shAddress(redeemScript: Uint8Array, net: NetParams | NetworkName): Address {
  if (!(redeemScript instanceof Uint8Array)) throw new TypeError('redeemScript: expected bytes');
  return { kind: 'p2sh', net: resolveNet(net), hash160: hash160(redeemScript) };
}

export function p2shAddressFromHash(hash: Uint8Array, net: NetParams | NetworkName): Address {
  return {
    kind: 'p2sh',
    net: resolveNet(net),
    hash160: Uint8Array.from(checkHash(hash, 'hash160')),
  };
}

/**
 * P2PK address of a secp256k1 key. A 65-byte uncompressed (0x04) key is compressed first, as
 * dcrd's NewAddressPubKeyEcdsaSecp256k1 does; hybrid (0x06/0x07) keys are rejected.
 */
export function p2pkAddress(pubKey: Uint8Array, net: NetParams | NetworkName): Address {
  if (!(pubKey instanceof Uint8Array)) throw new TypeError('pubKey: expected bytes');
  if (pubKey.length === 65 && (pubKey[0] === 0x06 || pubKey[0] === 0x07)) {
    throw new TypeError('pubKey: hybrid public keys (06/07 prefix) are not supported');
  }
  if (pubKey.length === 65 && pubKey[0] === 0x04) {
    if (!isValidPublicKey(pubKey)) throw new RangeError('pubKey: not a valid secp256k1 point');
    return { kind: 'p2pk', net: resolveNet(net), pubKey: publicKeyConvert(pubKey, true) };
  }
  return p2pkAddressCompressed(pubKey, net);
}

/**
 * P2PK address of a key that must already be compressed (dcrd's ...Raw constructor): the form
 * multisig redeem scripts and pool users' pubkey addresses carry.
 */
export function p2pkAddressCompressed(pubKey: Uint8Array, net: NetParams | NetworkName): Address {
  const pub = checkCompressed(pubKey, 'pubKey');
  return { kind: 'p2pk', net: resolveNet(net), pubKey: Uint8Array.from(pub) };
}

/** The P2PKH address of a P2PK address's (compressed) key. */
export function addressToPubKeyHashAddress(a: Address): Address {
  if (a.kind !== 'p2pk') throw new TypeError('address: expected a pay-to-pubkey address');
  return {
    kind: 'p2pkh',
    net: a.net,
    hash160: hash160(checkCompressed(a.pubKey, 'address.pubKey')),
  };
}

/** The version-0 output script paying to the address. */
export function addressPayScript(a: Address): Uint8Array {
  switch (a.kind) {
    case 'p2pkh':
      return p2pkhScript(checkHash(a.hash160, 'address.hash160'));
    case 'p2sh':
      return p2shScript(checkHash(a.hash160, 'address.hash160'));
    case 'p2pk':
      return p2pkScript(checkCompressed(a.pubKey, 'address.pubKey'));
    default:
      throw new TypeError(`address: unknown kind ${JSON.stringify((a as { kind: unknown }).kind)}`);
  }
}

/** The stake-tagged output script for the address (P2PKH or P2SH only, as consensus requires). */
export function addressStakeScript(a: Address, tag: StakeTag): Uint8Array {
  if (a.kind === 'p2pk') {
    throw new TypeError('address: stake outputs must pay to a P2PKH or P2SH address, not P2PK');
  }
  return stakeTaggedScript(tag, a.kind, a.hash160);
}

/**
 * Encode vote and revocation fee limits (in atoms; 0 = no limit) into a commitment's u16: each
 * byte is 0x40 | e with 2^e the smallest power of two ≥ the limit (dcrd rounds up the same way).
 * Low byte: vote limit; high byte: revocation limit.
 */
export function encodeFeeLimits(voteFeeLimit: bigint, revocationFeeLimit: bigint): number {
  return (
    feeLimitByte(voteFeeLimit, 'voteFeeLimit') |
    (feeLimitByte(revocationFeeLimit, 'revocationFeeLimit') << 8)
  );
}

function feeLimitByte(limit: bigint, field: string): number {
  if (typeof limit !== 'bigint') throw new TypeError(`${field}: expected a bigint`);
  if (limit < 0n || limit >= 1n << 63n) throw new RangeError(`${field}: out of range`);
  if (limit === 0n) return 0;
  let e = 0;
  while (1n << BigInt(e) < limit) e++;
  return 0x40 | e;
}

/**
 * A ticket commitment output script: `OP_RETURN OP_DATA_30 <hash160> <amount u64LE, bit 63 set
 * for P2SH> <feeLimits u16LE>` (32 bytes).
 */
export function commitmentScript(a: Address, amount: bigint, feeLimits: number): Uint8Array {
  if (a.kind !== 'p2pkh' && a.kind !== 'p2sh') {
    throw new TypeError('address: commitments must pay to a P2PKH or P2SH address');
  }
  const h = checkHash(a.hash160, 'address.hash160');
  if (typeof amount !== 'bigint') throw new TypeError('amount: expected a bigint');
  if (amount < 0n || amount >= COMMITMENT_P2SH_FLAG) throw new RangeError('amount: out of range');
  if (!Number.isInteger(feeLimits) || feeLimits < 0 || feeLimits > 0xffff) {
    throw new RangeError('feeLimits: expected an integer in [0, 65535]');
  }
  const tail = new Uint8Array(10);
  const view = new DataView(tail.buffer);
  view.setBigUint64(0, a.kind === 'p2sh' ? amount | COMMITMENT_P2SH_FLAG : amount, true);
  view.setUint16(8, feeLimits, true);
  return concatBytes(Uint8Array.of(OP.OP_RETURN, OP.OP_DATA_30), h, tail);
}
