// Decred HD extended keys (dcrd hdkeychain): BIP32 maths with Decred's serialization (double
// BLAKE-256 checksum, BLAKE-256-based fingerprints, per-network dprv/dpub versions), plus the fee
// address derivation a pool runs on an xpub (dcrstakepool FeeAddressForUserID, vspd
// addressgenerator). @scure/bip32 is not used: its checksums and fingerprints are Bitcoin's.
// Every curve operation goes through secp.ts so the backend can be swapped for a faster one.
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { base58CheckEncode, base58Decode, base58Encode } from './base58.ts';
import { equalBytes, toHex } from './bytes.ts';
import { blake256, hash160 } from './hash.ts';
import type { NetParams, NetworkName } from './params.ts';
import { NETWORKS, netParams } from './params.ts';
import {
  isValidPrivateKey,
  isValidPublicKey,
  privateKeyTweakAdd,
  publicKeyCreate,
  publicKeyTweakAdd,
} from './secp.ts';

/** First hardened child index (2^31). */
export const HARDENED = 0x80000000;

export const MIN_SEED_BYTES = 16;
export const MAX_SEED_BYTES = 64;

/** version(4) depth(1) parentFP(4) childNum(4) chainCode(32) keyData(33). */
const PAYLOAD_LEN = 78;
const DECODED_LEN = PAYLOAD_LEN + 4;
// dcrd rejects an over-long string before decoding it: ceil(82 · log58(256)) with its rounding.
const MAX_STRING_LEN = Math.floor((DECODED_LEN * 137) / 100) + 1;
const MASTER_HMAC_KEY = new TextEncoder().encode('Bitcoin seed');

/**
 * The dcrd hdkeychain error each failure corresponds to, so callers can branch on `err.code`
 * rather than on message text. Public keys that fail to parse carry secp256k1's code.
 */
export type HDKeyErrorCode =
  | 'ErrInvalidSeedLen'
  | 'ErrUnusableSeed'
  | 'ErrInvalidKeyLen'
  | 'ErrBadChecksum'
  | 'ErrWrongNetwork'
  | 'ErrInvalidKeyType'
  | 'ErrPubKeyNotOnCurve'
  | 'ErrPubKeyInvalidFormat'
  | 'ErrInvalidChild'
  | 'ErrDeriveHardFromPublic'
  | 'ErrNotPrivExtKey';

/** A value out of range (length, network, key or derived child). */
export class HDKeyRangeError extends RangeError {
  readonly code: HDKeyErrorCode;
  constructor(code: HDKeyErrorCode, message: string) {
    super(message);
    this.name = 'HDKeyRangeError';
    this.code = code;
  }
}

/** A value of the wrong kind (bad encoding, public key where a private one is needed). */
export class HDKeyTypeError extends TypeError {
  readonly code: HDKeyErrorCode;
  constructor(code: HDKeyErrorCode, message: string) {
    super(message);
    this.name = 'HDKeyTypeError';
    this.code = code;
  }
}

/**
 * The child at `index` does not exist (IL ≥ n, IL = 0, or the key is zero / the point at
 * infinity; each < 1 in 2^127). Callers skip to the next index, as dcrstakepool and vspd do.
 */
export class InvalidChildError extends HDKeyRangeError {
  readonly index: number;
  constructor(index: number) {
    super('ErrInvalidChild', `index: child ${index} is invalid; use the next index`);
    this.name = 'InvalidChildError';
    this.index = index;
  }
}

function checkUint32(n: number, field: string): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new RangeError(`${field}: must be an integer in [0, 2^32-1], got ${String(n)}`);
  }
}

function checkNonHardened(n: number, field: string): void {
  if (!Number.isInteger(n) || n < 0 || n >= HARDENED) {
    throw new RangeError(`${field}: must be a non-hardened index in [0, 2^31-1], got ${String(n)}`);
  }
}

function resolveNet(net: NetParams | NetworkName): NetParams {
  return typeof net === 'string' ? netParams(net) : net;
}

function pad32(b: Uint8Array): Uint8Array {
  if (b.length === 32) return b;
  const out = new Uint8Array(32);
  out.set(b, 32 - b.length);
  return out;
}

function readU32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

function writeU32(b: Uint8Array, off: number, v: number): void {
  b[off] = v >>> 24;
  b[off + 1] = (v >>> 16) & 0xff;
  b[off + 2] = (v >>> 8) & 0xff;
  b[off + 3] = v & 0xff;
}

function checksum(payload: Uint8Array): Uint8Array {
  return blake256(blake256(payload)).subarray(0, 4);
}

function describeVersion(version: Uint8Array): string {
  for (const n of Object.values(NETWORKS)) {
    if (equalBytes(version, n.hdPrivateKeyId)) return `a ${n.name} private key`;
    if (equalBytes(version, n.hdPublicKeyId)) return `a ${n.name} public key`;
  }
  return `unknown version ${toHex(version)}`;
}

interface KeyFields {
  net: NetParams;
  depth: number;
  parentFingerprint: number;
  childNumber: number;
  chainCode: Uint8Array;
  isPrivate: boolean;
  /** Private scalar (possibly shorter than 32 bytes, see `legacyPrivateKey`) or compressed pubkey. */
  key: Uint8Array;
}

/**
 * An immutable Decred extended key. Byte getters return copies, so callers cannot alter it.
 */
export class ExtendedKey {
  readonly net: NetParams;
  /** dcrd keeps a uint16 depth and serializes depth mod 256. */
  readonly depth: number;
  readonly parentFingerprint: number;
  readonly childNumber: number;
  readonly isPrivate: boolean;
  readonly #chainCode: Uint8Array;
  readonly #key: Uint8Array;
  #publicKey: Uint8Array | undefined;
  #fingerprint: number | undefined;
  // HMAC keyed with the chain code, cloned per derivation: saves two of the four SHA-512
  // compressions when one key derives many children (a pool's branch key).
  #mac: ReturnType<typeof hmac.create> | undefined;

  private constructor(f: KeyFields) {
    this.net = f.net;
    this.depth = f.depth;
    this.parentFingerprint = f.parentFingerprint;
    this.childNumber = f.childNumber;
    this.isPrivate = f.isPrivate;
    this.#chainCode = f.chainCode;
    this.#key = f.key;
    if (!f.isPrivate) this.#publicKey = f.key;
    Object.freeze(this);
  }

  /** Master key from a 16–64 byte seed: HMAC-SHA512(key "Bitcoin seed", seed). */
  static fromSeed(seed: Uint8Array, net: NetParams | NetworkName): ExtendedKey {
    if (!(seed instanceof Uint8Array)) throw new TypeError('seed: expected bytes');
    if (seed.length < MIN_SEED_BYTES || seed.length > MAX_SEED_BYTES) {
      throw new HDKeyRangeError(
        'ErrInvalidSeedLen',
        `seed: length must be between ${MIN_SEED_BYTES} and ${MAX_SEED_BYTES} bytes, got ${seed.length}`,
      );
    }
    const params = resolveNet(net);
    const i = hmac(sha512, MASTER_HMAC_KEY, seed);
    const key = i.slice(0, 32);
    if (!isValidPrivateKey(key)) {
      throw new HDKeyRangeError('ErrUnusableSeed', 'seed: derives an invalid master key');
    }
    return new ExtendedKey({
      net: params,
      depth: 0,
      parentFingerprint: 0,
      childNumber: 0,
      chainCode: i.slice(32),
      isPrivate: true,
      key,
    });
  }

  /**
   * Parse a base58 extended key for `net`. Checks, in dcrd's order: string and decoded length,
   * checksum, network version, then the key itself. A dprv version must carry private key data
   * and a dpub version a public key (dcrd goes by the key data alone; a mismatch could not
   * round-trip through toString).
   */
  static fromString(s: string, net: NetParams | NetworkName, field = 'extendedKey'): ExtendedKey {
    if (typeof s !== 'string') throw new TypeError(`${field}: expected a string`);
    const params = resolveNet(net);
    if (s.length > MAX_STRING_LEN) {
      throw new HDKeyRangeError(
        'ErrInvalidKeyLen',
        `${field}: invalid length (${s.length} characters, at most ${MAX_STRING_LEN})`,
      );
    }
    let raw: Uint8Array;
    try {
      raw = base58Decode(s, field);
    } catch {
      // dcrd's base58 decoder yields no bytes for a bad character, hence its length error.
      throw new HDKeyTypeError('ErrInvalidKeyLen', `${field}: invalid base58 string`);
    }
    if (raw.length !== DECODED_LEN) {
      throw new HDKeyRangeError(
        'ErrInvalidKeyLen',
        `${field}: invalid length (${raw.length} bytes decoded, want ${DECODED_LEN})`,
      );
    }
    const payload = raw.subarray(0, PAYLOAD_LEN);
    if (!equalBytes(raw.subarray(PAYLOAD_LEN), checksum(payload))) {
      throw new HDKeyTypeError('ErrBadChecksum', `${field}: checksum mismatch`);
    }
    const version = payload.subarray(0, 4);
    const isPrivVersion = equalBytes(version, params.hdPrivateKeyId);
    if (!isPrivVersion && !equalBytes(version, params.hdPublicKeyId)) {
      throw new HDKeyRangeError(
        'ErrWrongNetwork',
        `${field}: wrong network: expected a ${params.name} extended key, got ${describeVersion(version)}`,
      );
    }
    const keyData = payload.slice(45, 78);
    const isPrivate = keyData[0] === 0x00;
    if (isPrivate !== isPrivVersion) {
      throw new HDKeyRangeError(
        'ErrInvalidKeyType',
        `${field}: ${isPrivVersion ? 'private' : 'public'} key version with ${isPrivate ? 'private' : 'public'} key data`,
      );
    }
    let key: Uint8Array;
    if (isPrivate) {
      key = keyData.slice(1);
      if (!isValidPrivateKey(key)) {
        throw new HDKeyRangeError('ErrUnusableSeed', `${field}: private key out of range`);
      }
    } else {
      key = keyData;
      if (!isValidPublicKey(key)) {
        const prefixOk = key[0] === 0x02 || key[0] === 0x03;
        throw new HDKeyRangeError(
          prefixOk ? 'ErrPubKeyNotOnCurve' : 'ErrPubKeyInvalidFormat',
          prefixOk
            ? `${field}: public key is not on the secp256k1 curve`
            : `${field}: public key has invalid prefix 0x${toHex(key.subarray(0, 1))}`,
        );
      }
    }
    return new ExtendedKey({
      net: params,
      depth: payload[4]!,
      parentFingerprint: readU32(payload, 5),
      childNumber: readU32(payload, 9),
      chainCode: payload.slice(13, 45),
      isPrivate,
      key,
    });
  }

  get chainCode(): Uint8Array {
    return this.#chainCode.slice();
  }

  /** Compressed public key (33 bytes). */
  get publicKey(): Uint8Array {
    return this.#pub().slice();
  }

  /** The 32-byte private key; TypeError on a public extended key. */
  get privateKey(): Uint8Array {
    if (!this.isPrivate) {
      throw new HDKeyTypeError('ErrNotPrivExtKey', 'extendedKey: not a private key');
    }
    return pad32(this.#key).slice();
  }

  /**
   * The private key as dcrd's SerializedPrivKey returns it: after `child()` its leading zero
   * bytes are stripped (so it may be shorter than 32 bytes); parsed and master keys are 32 bytes.
   */
  get legacyPrivateKey(): Uint8Array {
    if (!this.isPrivate) {
      throw new HDKeyTypeError('ErrNotPrivExtKey', 'extendedKey: not a private key');
    }
    return this.#key.slice();
  }

  /** First 4 bytes of Hash160(publicKey) as a big-endian u32; children carry it as parent. */
  get fingerprint(): number {
    this.#fingerprint ??= readU32(hash160(this.#pub()), 0);
    return this.#fingerprint;
  }

  #pub(): Uint8Array {
    this.#publicKey ??= publicKeyCreate(pad32(this.#key));
    return this.#publicKey;
  }

  /**
   * Child `index` (≥ HARDENED for hardened) as dcrd's Child derives it: a derived private key
   * keeps its leading zero bytes stripped, and a later hardened derivation from it feeds the
   * short key into the HMAC unpadded. Wallets created by dcrwallet depend on this; public
   * derivation is unaffected. Throws InvalidChildError when the child does not exist.
   */
  child(index: number): ExtendedKey {
    return this.#derive(index, false);
  }

  /** Child `index` by strict BIP32 (private keys always 32 bytes), dcrd's ChildBIP32Std. */
  childBIP32Std(index: number): ExtendedKey {
    return this.#derive(index, true);
  }

  /** Derive along a path of indexes, with child() or, if `strict`, childBIP32Std(). */
  derivePath(path: readonly number[], strict = false): ExtendedKey {
    return path.reduce<ExtendedKey>((k, i) => k.#derive(i, strict), this);
  }

  #derive(index: number, strict: boolean): ExtendedKey {
    checkUint32(index, 'index');
    const hardened = index >= HARDENED;
    if (hardened && !this.isPrivate) {
      throw new HDKeyTypeError(
        'ErrDeriveHardFromPublic',
        `extendedKey: cannot derive hardened child ${index} from a public key`,
      );
    }
    const data = new Uint8Array(37);
    // Hardened: 0x00 || key || ser32(i). The key is written from byte 1 whatever its length;
    // a stripped legacy key therefore leaves zeros after it instead of before (dcrd's quirk).
    if (hardened) data.set(this.#key, 1);
    else data.set(this.#pub(), 0);
    writeU32(data, 33, index);
    this.#mac ??= hmac.create(sha512, this.#chainCode);
    const i = this.#mac.clone().update(data).digest();
    const il = i.subarray(0, 32);
    if (!isValidPrivateKey(il)) throw new InvalidChildError(index);

    let key: Uint8Array | undefined;
    if (this.isPrivate) {
      key = privateKeyTweakAdd(pad32(this.#key), il);
      if (key !== undefined && !strict) {
        let z = 0;
        while (z < key.length && key[z] === 0) z++;
        key = key.subarray(z);
      }
    } else {
      key = publicKeyTweakAdd(this.#key, il);
    }
    if (key === undefined) throw new InvalidChildError(index);
    return new ExtendedKey({
      net: this.net,
      depth: this.depth + 1,
      parentFingerprint: this.fingerprint,
      childNumber: index,
      chainCode: i.slice(32),
      isPrivate: this.isPrivate,
      key,
    });
  }

  /** The public extended key; a public key returns itself. */
  neuter(): ExtendedKey {
    if (!this.isPrivate) return this;
    return new ExtendedKey({
      net: this.net,
      depth: this.depth,
      parentFingerprint: this.parentFingerprint,
      childNumber: this.childNumber,
      chainCode: this.#chainCode,
      isPrivate: false,
      key: this.#pub(),
    });
  }

  /**
   * base58(payload || first4(BLAKE256(BLAKE256(payload)))): 111 characters, 112 on regnet
   * (its larger version bytes).
   */
  toString(): string {
    const out = new Uint8Array(DECODED_LEN);
    out.set(this.isPrivate ? this.net.hdPrivateKeyId : this.net.hdPublicKeyId, 0);
    out[4] = this.depth & 0xff;
    writeU32(out, 5, this.parentFingerprint);
    writeU32(out, 9, this.childNumber);
    out.set(this.#chainCode, 13);
    if (this.isPrivate) out.set(pad32(this.#key), 46);
    else out.set(this.#key, 45);
    out.set(checksum(out.subarray(0, PAYLOAD_LEN)), PAYLOAD_LEN);
    return base58Encode(out);
  }
}

function p2pkh(net: NetParams, publicKey: Uint8Array): string {
  return base58CheckEncode(net.pubKeyHashAddrId, hash160(publicKey));
}

/**
 * P2PKH address of xpub/branch/index (both non-hardened), as dcrstakepool's FeeAddressForUserID
 * and vspd's address generator compute fee addresses. Throws InvalidChildError if either step
 * has no valid child. Derives the branch every call; use AddressDeriver for many indexes.
 */
export function deriveAddress(xpub: ExtendedKey, branch: number, index: number): string {
  checkNonHardened(branch, 'branch');
  checkNonHardened(index, 'index');
  return p2pkh(xpub.net, xpub.child(branch).child(index).publicKey);
}

export interface DerivedAddress {
  index: number;
  address: string;
  /** Compressed public key of xpub/branch/index. */
  publicKey: Uint8Array;
}

/**
 * Fee (or ticket) addresses under one branch of a pool's xpub. The branch key is derived once,
 * so each address costs one public derivation.
 */
export class AddressDeriver {
  readonly net: NetParams;
  readonly branch: number;
  readonly #branchKey: ExtendedKey;

  /**
   * `xpub` must be public (vspd refuses a private fee key too). Throws InvalidChildError if the
   * branch itself has no valid child.
   */
  constructor(xpub: ExtendedKey, branch = 0) {
    if (!(xpub instanceof ExtendedKey)) throw new TypeError('xpub: expected an ExtendedKey');
    if (xpub.isPrivate) throw new TypeError('xpub: is a private key; give the public key');
    checkNonHardened(branch, 'branch');
    this.net = xpub.net;
    this.branch = branch;
    this.#branchKey = xpub.child(branch);
  }

  /** Parse `xpub` for `net` and derive under `branch`. */
  static fromString(
    xpub: string,
    net: NetParams | NetworkName,
    branch = 0,
    field = 'xpub',
  ): AddressDeriver {
    return new AddressDeriver(ExtendedKey.fromString(xpub, net, field), branch);
  }

  /** The extended public key of the branch (xpub/branch). */
  get branchKey(): ExtendedKey {
    return this.#branchKey;
  }

  /** Address at `index`, or undefined when that child is invalid. */
  address(index: number): DerivedAddress | undefined {
    checkNonHardened(index, 'index');
    let child: ExtendedKey;
    try {
      child = this.#branchKey.child(index);
    } catch (err) {
      if (err instanceof InvalidChildError) return undefined;
      throw err;
    }
    const publicKey = child.publicKey;
    return { index, address: p2pkh(this.net, publicKey), publicKey };
  }

  /**
   * The first valid address at or after `fromIndex`, skipping invalid children as vspd's
   * nextAddress and dcrstakepool do. RangeError if none is left below 2^31.
   */
  next(fromIndex: number): DerivedAddress {
    checkNonHardened(fromIndex, 'fromIndex');
    for (let i = fromIndex; i < HARDENED; i++) {
      const a = this.address(i);
      if (a !== undefined) return a;
    }
    throw new RangeError(`fromIndex: no valid child at or after ${fromIndex}`);
  }
}
