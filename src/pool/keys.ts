// The pool's keys per legacy user (dcrstakepool §5): the user id is the HD index under branch 0
// of two account xpubs. votingxpub/0/id is the pool's key in the user's 1-of-2 ticket multisig
// (the pool key first, as dcrstakepool and stakepoold expected); coldxpub/0/id is the P2PKH the
// user's tickets pay the pool fee to. Both derivations are public, so no secret is needed here.
import { encodeAddress, p2pkAddressCompressed, p2shAddress } from '../dcr/address.ts';
import { toHex } from '../dcr/bytes.ts';
import { AddressDeriver } from '../dcr/hdkey.ts';
import type { DerivedAddress } from '../dcr/hdkey.ts';
import type { NetParams } from '../dcr/params.ts';
import { multiSigScript } from '../dcr/script.ts';
import { isValidPublicKey } from '../dcr/secp.ts';

/** dcrstakepool's MaxUsers, shared with dcrwallet's `stakepoolcoldextkey=xpub:10000`: ids 0..9999. */
export const MAX_POOL_USERS = 10000;

export interface PoolMultisigInfo {
  /** P2SH of the redeem script: the ticket voting address. */
  address: string;
  /** Redeem script hex: OP_1 <pool key> <user key> OP_2 OP_CHECKMULTISIG. */
  script: string;
  /** Pubkey address (Dk/Tk/Sk…) of the pool's key. */
  poolPubKeyAddr: string;
  /** Pubkey address of the user's key, canonical form. */
  userPubKeyAddr: string;
  /** coldxpub/0/userId P2PKH. */
  feeAddress: string;
}

function checkUserId(userId: number): number {
  if (!Number.isInteger(userId) || userId < 0 || userId >= MAX_POOL_USERS) {
    throw new RangeError(
      `userId: must be an integer from 0 to ${MAX_POOL_USERS - 1}, got ${userId}`,
    );
  }
  return userId;
}

function derive(deriver: AddressDeriver, userId: number, which: string): DerivedAddress {
  const d = deriver.address(checkUserId(userId));
  // An invalid child has probability ~2^-127; dcrstakepool failed that user too.
  if (d === undefined) throw new RangeError(`userId: ${which}/0/${userId} is not a valid key`);
  return d;
}

/**
 * The 1-of-2 multisig [poolPubKey, userPubKey] (in that order, never sorted) on `net`: its P2SH,
 * redeem script and both keys' pubkey addresses. Keys are 33-byte compressed points.
 */
export function multisigForKeys(
  poolPubKey: Uint8Array,
  userPubKey: Uint8Array,
  net: NetParams,
): Omit<PoolMultisigInfo, 'feeAddress'> {
  checkKey(poolPubKey, 'poolPubKey');
  checkKey(userPubKey, 'userPubKey');
  const script = multiSigScript(1, [poolPubKey, userPubKey]);
  return {
    address: encodeAddress(p2shAddress(script, net)),
    script: toHex(script),
    poolPubKeyAddr: encodeAddress(p2pkAddressCompressed(poolPubKey, net)),
    userPubKeyAddr: encodeAddress(p2pkAddressCompressed(userPubKey, net)),
  };
}

function checkKey(key: Uint8Array, field: string): void {
  if (!(key instanceof Uint8Array)) throw new TypeError(`${field}: expected bytes`);
  if (key.length !== 33 || (key[0] !== 0x02 && key[0] !== 0x03)) {
    throw new TypeError(`${field}: expected a 33-byte compressed public key`);
  }
  if (!isValidPublicKey(key)) throw new RangeError(`${field}: not a valid secp256k1 point`);
}

export class PoolKeys {
  readonly net: NetParams;
  readonly #voting: AddressDeriver;
  readonly #cold: AddressDeriver;
  #feeList: (string | undefined)[] | undefined;
  #feeSet: ReadonlySet<string> | undefined;

  /**
   * `votingXpub`: the voting wallet's default-account xpub (votingwalletextpub); `coldXpub`: the
   * cold fee wallet's account xpub (coldwalletextpub). Both public, both for `net`; the branch
   * key of each is derived once here.
   */
  constructor(votingXpub: string, coldXpub: string, net: NetParams) {
    this.net = net;
    this.#voting = AddressDeriver.fromString(votingXpub, net, 0, 'votingwalletextpub');
    this.#cold = AddressDeriver.fromString(coldXpub, net, 0, 'coldwalletextpub');
  }

  /** The pool's compressed public key for the user (votingxpub/0/userId), 33 bytes. */
  poolPubKey(userId: number): Uint8Array {
    return derive(this.#voting, userId, 'votingwalletextpub').publicKey;
  }

  /** The user's fee address (coldxpub/0/userId P2PKH). */
  feeAddress(userId: number): string {
    checkUserId(userId);
    const cached = this.#feeList?.[userId];
    return cached ?? derive(this.#cold, userId, 'coldwalletextpub').address;
  }

  /**
   * The user's 1-of-2 multisig [pool key, user key], its P2SH and the addresses stored with it.
   * `userPubKey` is the 33-byte compressed key of the validated pubkey address.
   */
  multisig(userId: number, userPubKey: Uint8Array): PoolMultisigInfo {
    const keys = multisigForKeys(this.poolPubKey(userId), userPubKey, this.net);
    return { ...keys, feeAddress: this.feeAddress(userId) };
  }

  /**
   * Every fee address the pool's tickets may pay (ids 0..9999), as dcrwallet's stake pool mode
   * and stakepoold checked commitment #1 against. Derived on first use, then cached: that first
   * call is 10,000 public derivations in one synchronous run, so make it at startup, not inside a
   * request.
   */
  feeAddresses(): ReadonlySet<string> {
    if (this.#feeSet === undefined) {
      const list: (string | undefined)[] = [];
      for (let i = 0; i < MAX_POOL_USERS; i++) list.push(this.#cold.address(i)?.address);
      this.#feeList = list;
      this.#feeSet = new Set(list.filter((a): a is string => a !== undefined));
    }
    return this.#feeSet;
  }
}
