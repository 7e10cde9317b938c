// Legacy pool tickets for the voter's tests and benchmark: a voting account (xprv and xpub), the
// 1-of-2 multisig of user n ([votingxpub/0/n, user key]) and a ticket whose voting output pays its
// P2SH, shaped as dcrwallet 2.0's `purchaseticket … ticketaddress pooladdress poolfees` makes it:
// commitment 0 pays the pool fee, commitment 1 returns the user's stake. Deterministic from seeds.
import { blake256, hash160 } from '../../src/dcr/hash.ts';
import { toHex } from '../../src/dcr/bytes.ts';
import {
  commitmentScript,
  encodeAddress,
  p2pkhAddressFromHash,
  p2shAddress,
} from '../../src/dcr/address.ts';
import { ExtendedKey } from '../../src/dcr/hdkey.ts';
import type { NetParams } from '../../src/dcr/params.ts';
import { multiSigScript, stakeTaggedScript } from '../../src/dcr/script.ts';
import { isValidPrivateKey, publicKeyCreate } from '../../src/dcr/secp.ts';
import { encodeTx, newTxIn, TX_TREE_REGULAR, txid } from '../../src/dcr/tx.ts';
import type { Tx } from '../../src/dcr/tx.ts';

const enc = new TextEncoder();
const digest = (s: string): Uint8Array => blake256(enc.encode(s));

export interface VotingAccount {
  key: ExtendedKey;
  xprv: string;
  xpub: string;
}

/** A voting account (a master key stands in for dcrwallet's account key; derivation is alike). */
export function votingAccount(net: NetParams, seed = 'voting'): VotingAccount {
  const key = ExtendedKey.fromSeed(digest(`stakepool test ${seed}`), net);
  return { key, xprv: key.toString(), xpub: key.neuter().toString() };
}

/** A user's own key (the pubkey address they submit). */
export function userKey(i: number): Uint8Array {
  let k = digest(`stakepool test user ${i}`);
  while (!isValidPrivateKey(k)) k = blake256(k);
  return k;
}

export interface UserMultisig {
  redeemScript: Uint8Array;
  address: string;
}

/** User n's 1-of-2 script [votingxpub/0/n, user key] and its P2SH address. */
export function userMultisig(account: ExtendedKey, userId: number, net: NetParams): UserMultisig {
  const poolPub = account.neuter().child(0).child(userId).publicKey;
  const redeemScript = multiSigScript(1, [poolPub, publicKeyCreate(userKey(userId))]);
  return { redeemScript, address: encodeAddress(p2shAddress(redeemScript, net)) };
}

export interface PoolTicket {
  tx: Tx;
  hex: string;
  /** Display hex. */
  hash: string;
}

export interface PoolTicketOptions {
  redeemScript: Uint8Array;
  /** Makes the ticket unique (its funding outpoints derive from it). */
  seed: string;
  net: NetParams;
  price?: bigint;
  poolFee?: bigint;
  txFee?: bigint;
}

/** A two-input pool ticket: the pool fee input and the user's, each with commitment + change. */
export function poolTicket(o: PoolTicketOptions): PoolTicket {
  const price = o.price ?? 13_878_152_470n;
  const poolFee = o.poolFee ?? 944_988n;
  const txFee = o.txFee ?? 5_960n;
  const feeHash = digest(`${o.seed} fee address`).slice(0, 20);
  const userHash = digest(`${o.seed} user address`).slice(0, 20);
  const p2pkh = (h: Uint8Array) => p2pkhAddressFromHash(h, o.net);
  // Both contributions add up to price + the transaction fee, as CheckSStx requires.
  const userContribution = price + txFee - poolFee;
  const tx: Tx = {
    version: 1,
    inputs: [
      newTxIn(digest(`${o.seed} in 0`), 0, TX_TREE_REGULAR, { valueIn: poolFee }),
      newTxIn(digest(`${o.seed} in 1`), 1, TX_TREE_REGULAR, { valueIn: userContribution }),
    ],
    outputs: [
      {
        value: price,
        version: 0,
        pkScript: stakeTaggedScript('ticket', 'p2sh', hash160(o.redeemScript)),
      },
      { value: 0n, version: 0, pkScript: commitmentScript(p2pkh(feeHash), poolFee, 0x5800) },
      { value: 0n, version: 0, pkScript: stakeTaggedScript('change', 'p2pkh', feeHash) },
      {
        value: 0n,
        version: 0,
        pkScript: commitmentScript(p2pkh(userHash), userContribution, 0x5800),
      },
      { value: 0n, version: 0, pkScript: stakeTaggedScript('change', 'p2pkh', userHash) },
    ],
    lockTime: 0,
    expiry: 0,
  };
  return { tx, hex: toHex(encodeTx(tx)), hash: txid(tx) };
}
