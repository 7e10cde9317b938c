// Votes (SSGen) as dcrwallet builds and signs them (wallet/createtx.go createUnsignedVote and
// signVoteOrRevocation, wallet/chainntfns.go VoteOnOwnedTickets), so that a vote stakepool makes
// for a legacy 1-of-2 multisig ticket is byte-for-byte the one dcrwallet would have made.
//
// Layout: vin[0] stakebase (null outpoint, ValueIn = vote subsidy, the network's stakebase
// script), vin[1] the ticket's vout[0] in the stake tree; vout[0] `OP_RETURN <voted block hash ‖
// height>`, vout[1] `OP_RETURN <vote bits u16 ‖ vote version u32>`, then one OP_SSGEN-tagged
// payout per ticket commitment, and optionally a final `OP_RETURN 'T''V' (tspend hash ‖ vote)…`
// treasury-vote output, which requires transaction version 3.
import { concatBytes, equalBytes, toHex } from './bytes.ts';
import { hash160 } from './hash.ts';
import { calculateRewards } from './amounts.ts';
import type { NetParams } from './params.ts';
import {
  classifyScript,
  nullDataScript,
  parseMultiSigScript,
  stakeTaggedScript,
} from './script.ts';
import { publicKeyCreate } from './secp.ts';
import { p2pkhSigScript, p2shMultiSigSigScript, signInput } from './sign.ts';
import { SigHashType } from './sighash.ts';
import { MAX_OUTPUTS_PER_VOTE, TX_VERSION_TREASURY, ticketCommitments } from './stake.ts';
import {
  MAX_PREV_OUT_INDEX,
  NULL_BLOCK_HEIGHT,
  NULL_BLOCK_INDEX,
  TX_TREE_REGULAR,
  TX_TREE_STAKE,
  newTxIn,
  txHash,
} from './tx.ts';
import type { Tx, TxOut } from './tx.ts';

/** Version of a vote without a treasury-vote output (wire.TxVersion); 3 with one. */
export const VOTE_TX_VERSION = 1;
/** Treasury votes one output can carry: a null-data script holds at most 256 bytes. */
export const MAX_TREASURY_VOTES = 7;
/** Extended vote bits fit a direct push (OP_DATA_2..OP_DATA_75) together with the 2 vote bits. */
const MAX_EXTENDED_VOTE_BITS = 73;

/** A ticket commitment as the vote needs it; `amount` excludes the P2SH flag bit. */
export interface VoteCommitment {
  hash160: Uint8Array;
  isP2SH: boolean;
  amount: bigint;
}

/** The ticket data a vote depends on, for callers that hold no decoded ticket transaction. */
export interface TicketInfo {
  /** Ticket txid, internal byte order. */
  hash: Uint8Array;
  /** vout[0].value: the price paid, which the ticket input's ValueIn carries. */
  price: bigint;
  /** In ticket order (the ticket's vout[1], vout[3], …). */
  commitments: VoteCommitment[];
  /** vout[0].pkScript: OP_SSTX-tagged P2PKH or P2SH. */
  votingScript: Uint8Array;
}

export interface VoteParams {
  /** The ticket purchase transaction, or the parts of it a vote needs. */
  ticket: Tx | TicketInfo;
  /** The ticket's hash, checked against `ticket` when given. */
  ticketHash?: Uint8Array;
  /** The block voted on (internal order) and its height. */
  blockHash: Uint8Array;
  blockHeight: number;
  /** u16 vote bits; bit 0 approves the voted block's regular tree. */
  voteBits: number;
  /** u32 vote version written after the vote bits. */
  voteVersion: number;
  /**
   * Raw extended vote bits written after the 2 vote-bit bytes instead of the u32LE vote version
   * (dcrwallet's VoteBits.ExtendedBits; 0–73 bytes). Only for reproducing old votes: regnet test
   * chains vote with none (`6a 02 <bits>`).
   */
  extendedVoteBits?: Uint8Array;
  /** Per-vote subsidy at the voted height (the stakebase ValueIn). */
  subsidy: bigint;
  net: NetParams;
  /** Stakebase signature script; defaults to `net.stakeBaseSigScript`. */
  stakeBaseSigScript?: Uint8Array;
  /**
   * Ticket's block height and index in that block's stake tree: the ticket input's fraud proof.
   * Not signed; dcrwallet leaves them null (0 / 0xffffffff) and dcrd's mempool fills them in.
   */
  ticketBlockHeight?: number;
  ticketBlockIndex?: number;
  /** Treasury spend votes (tspend hash internal order); adds the 'TV' output and version 3. */
  treasuryVotes?: { hash: Uint8Array; vote: 'yes' | 'no' }[];
}

function checkUint(v: number, max: number, field: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new RangeError(`${field}: must be an integer in [0, ${max}]`);
  }
}

function checkHash32(h: Uint8Array, field: string): void {
  if (!(h instanceof Uint8Array)) throw new TypeError(`${field}: expected bytes`);
  if (h.length !== 32) throw new RangeError(`${field}: expected 32 bytes, got ${h.length}`);
}

/** `OP_RETURN OP_DATA_36 <block hash, internal order> <height u32LE>` (dcrd GenerateSSGenBlockRef). */
export function blockRefScript(hash: Uint8Array, height: number): Uint8Array {
  checkHash32(hash, 'blockHash');
  checkUint(height, 0xffffffff, 'blockHeight');
  const data = new Uint8Array(36);
  data.set(hash);
  new DataView(data.buffer).setUint32(32, height, true);
  return nullDataScript(data);
}

/**
 * `OP_RETURN <vote bits u16LE ‖ extended bits>` (dcrwallet newVoteScript). `version` is the vote
 * version, written as 4 bytes u32LE (what dcrwallet writes); raw bytes are written as given.
 */
export function voteBitsScript(bits: number, version: number | Uint8Array): Uint8Array {
  checkUint(bits, 0xffff, 'voteBits');
  let ext: Uint8Array;
  if (version instanceof Uint8Array) {
    if (version.length > MAX_EXTENDED_VOTE_BITS) {
      throw new RangeError(
        `extendedVoteBits: ${version.length} bytes exceed the maximum of ${MAX_EXTENDED_VOTE_BITS}`,
      );
    }
    ext = version;
  } else {
    checkUint(version, 0xffffffff, 'voteVersion');
    ext = new Uint8Array(4);
    new DataView(ext.buffer).setUint32(0, version, true);
  }
  const data = new Uint8Array(2 + ext.length);
  data[0] = bits & 0xff;
  data[1] = bits >>> 8;
  data.set(ext, 2);
  return nullDataScript(data);
}

const TREASURY_VOTE_BYTE = { yes: 0x01, no: 0x02 } as const;

/** `OP_RETURN <'T' 'V' (tspend hash ‖ 0x01 yes | 0x02 no)…>` with 1–7 distinct tspends. */
export function treasuryVoteScript(votes: { hash: Uint8Array; vote: 'yes' | 'no' }[]): Uint8Array {
  if (!Array.isArray(votes)) throw new TypeError('treasuryVotes: expected an array');
  if (votes.length < 1 || votes.length > MAX_TREASURY_VOTES) {
    throw new RangeError(`treasuryVotes: expected 1 to ${MAX_TREASURY_VOTES} votes`);
  }
  const seen = new Set<string>();
  const parts: Uint8Array[] = [Uint8Array.of(0x54, 0x56)];
  votes.forEach((v, i) => {
    checkHash32(v.hash, `treasuryVotes[${i}].hash`);
    const key = toHex(v.hash);
    if (seen.has(key)) throw new RangeError(`treasuryVotes[${i}].hash: duplicate tspend ${key}`);
    seen.add(key);
    if (v.vote !== 'yes' && v.vote !== 'no') {
      throw new TypeError(`treasuryVotes[${i}].vote: expected "yes" or "no"`);
    }
    parts.push(v.hash, Uint8Array.of(TREASURY_VOTE_BYTE[v.vote]));
  });
  return nullDataScript(concatBytes(...parts));
}

function isTx(t: Tx | TicketInfo): t is Tx {
  return Array.isArray((t as Tx).outputs);
}

/** Ticket hash, price, commitments and voting script, from a ticket Tx or TicketInfo. */
export function voteTicketInfo(ticket: Tx | TicketInfo, ticketHash?: Uint8Array): TicketInfo {
  if (typeof ticket !== 'object' || ticket === null) {
    throw new TypeError('ticket: expected a ticket transaction or ticket info');
  }
  let info: TicketInfo;
  if (isTx(ticket)) {
    const out0 = ticket.outputs[0];
    if (out0 === undefined) throw new RangeError('ticket: has no outputs');
    const hash = txHash(ticket);
    if (ticketHash !== undefined && !equalBytes(ticketHash, hash)) {
      throw new RangeError('ticketHash: does not match the ticket transaction');
    }
    info = {
      hash,
      price: out0.value,
      votingScript: out0.pkScript,
      commitments: ticketCommitments(ticket).map((c) => ({
        hash160: c.hash160,
        isP2SH: c.isP2SH,
        amount: c.amount,
      })),
    };
  } else {
    info = ticket;
    if (ticketHash !== undefined && !equalBytes(ticketHash, ticket.hash)) {
      throw new RangeError('ticketHash: does not match ticket.hash');
    }
  }
  checkHash32(info.hash, 'ticket.hash');
  if (typeof info.price !== 'bigint' || info.price <= 0n) {
    throw new RangeError('ticket.price: must be a positive bigint');
  }
  const kind = classifyScript(info.votingScript).type;
  if (kind !== 'stakeSubmissionP2PKH' && kind !== 'stakeSubmissionP2SH') {
    throw new TypeError('ticket.votingScript: not an OP_SSTX-tagged P2PKH or P2SH script');
  }
  if (!Array.isArray(info.commitments) || info.commitments.length === 0) {
    throw new RangeError('ticket.commitments: a ticket has at least one commitment');
  }
  info.commitments.forEach((c, i) => {
    if (!(c.hash160 instanceof Uint8Array) || c.hash160.length !== 20) {
      throw new RangeError(`ticket.commitments[${i}].hash160: expected 20 bytes`);
    }
    if (typeof c.amount !== 'bigint' || c.amount < 0n || c.amount >= 1n << 63n) {
      throw new RangeError(`ticket.commitments[${i}].amount: must be a bigint in [0, 2^63)`);
    }
  });
  return info;
}

/**
 * Build the unsigned vote dcrwallet would build for this ticket and block: version 1 (3 with
 * treasury votes), lock time and expiry 0, payouts = CalculateRewards(commitment amounts, ticket
 * price, subsidy) exactly, to OP_SSGEN-tagged scripts of the commitments' kind and hash.
 */
export function buildVote(params: VoteParams): Tx {
  const p = params;
  const ticket = voteTicketInfo(p.ticket, p.ticketHash);
  checkHash32(p.blockHash, 'blockHash');
  checkUint(p.blockHeight, 0xffffffff, 'blockHeight');
  if (typeof p.subsidy !== 'bigint' || p.subsidy < 0n) {
    throw new RangeError('subsidy: must be a non-negative bigint');
  }
  const stakeBaseSigScript = p.stakeBaseSigScript ?? p.net.stakeBaseSigScript;
  if (!(stakeBaseSigScript instanceof Uint8Array)) {
    throw new TypeError('stakeBaseSigScript: expected bytes');
  }
  // Consensus bounds the stakebase script to 2..100 bytes (ErrBadStakebaseScriptLen).
  if (stakeBaseSigScript.length < 2 || stakeBaseSigScript.length > 100) {
    throw new RangeError('stakeBaseSigScript: must be 2 to 100 bytes');
  }
  const hasTreasuryVotes = p.treasuryVotes !== undefined && p.treasuryVotes.length > 0;
  const nOutputs = 2 + ticket.commitments.length + (hasTreasuryVotes ? 1 : 0);
  if (nOutputs > MAX_OUTPUTS_PER_VOTE) {
    throw new RangeError(
      `ticket.commitments: ${nOutputs} vote outputs exceed the maximum of ${MAX_OUTPUTS_PER_VOTE}`,
    );
  }

  const outputs: TxOut[] = [
    { value: 0n, version: 0, pkScript: blockRefScript(p.blockHash, p.blockHeight) },
    {
      value: 0n,
      version: 0,
      pkScript: voteBitsScript(p.voteBits, p.extendedVoteBits ?? p.voteVersion),
    },
  ];
  const rewards = calculateRewards(
    ticket.commitments.map((c) => c.amount),
    ticket.price,
    p.subsidy,
  );
  ticket.commitments.forEach((c, i) => {
    outputs.push({
      value: rewards[i]!,
      version: 0,
      pkScript: stakeTaggedScript('vote', c.isP2SH ? 'p2sh' : 'p2pkh', c.hash160),
    });
  });
  if (hasTreasuryVotes) {
    outputs.push({ value: 0n, version: 0, pkScript: treasuryVoteScript(p.treasuryVotes!) });
  }

  if (p.ticketBlockHeight !== undefined) {
    checkUint(p.ticketBlockHeight, 0xffffffff, 'ticketBlockHeight');
  }
  if (p.ticketBlockIndex !== undefined) {
    checkUint(p.ticketBlockIndex, 0xffffffff, 'ticketBlockIndex');
  }
  const stakebase = newTxIn(new Uint8Array(32), MAX_PREV_OUT_INDEX, TX_TREE_REGULAR, {
    valueIn: p.subsidy,
    blockHeight: NULL_BLOCK_HEIGHT,
    blockIndex: NULL_BLOCK_INDEX,
    sigScript: Uint8Array.from(stakeBaseSigScript),
  });
  const ticketIn = newTxIn(Uint8Array.from(ticket.hash), 0, TX_TREE_STAKE, {
    valueIn: ticket.price,
    blockHeight: p.ticketBlockHeight ?? NULL_BLOCK_HEIGHT,
    blockIndex: p.ticketBlockIndex ?? NULL_BLOCK_INDEX,
  });
  return {
    version: hasTreasuryVotes ? TX_VERSION_TREASURY : VOTE_TX_VERSION,
    inputs: [stakebase, ticketIn],
    outputs,
    lockTime: 0,
    expiry: 0,
  };
}

/**
 * Sign the ticket input (vin[1]) of `vote` with `privateKey`, as dcrwallet does (SigHashAll):
 * - OP_SSTX-tagged P2SH ticket: `redeemScript` is required, must hash to the ticket's script
 *   hash and be a 1-of-n multisig containing the key; the signature commits to the redeem script
 *   and the sigScript is `<sig> <redeemScript>` (no OP_0 dummy).
 * - OP_SSTX-tagged P2PKH ticket: the signature commits to the whole tagged pkScript and the
 *   sigScript is `<sig> <pubkey>` (compressed, or uncompressed if that is what the ticket hashes).
 * Throws if the key or redeem script does not match the voting script. Returns a new Tx.
 */
export function signVote(
  vote: Tx,
  ticketVotingScript: Uint8Array,
  privateKey: Uint8Array,
  redeemScript?: Uint8Array,
): Tx {
  if (typeof vote !== 'object' || vote === null || !Array.isArray(vote.inputs)) {
    throw new TypeError('vote: expected a transaction');
  }
  const ticketIn = vote.inputs[1];
  if (vote.inputs.length !== 2 || ticketIn === undefined) {
    throw new RangeError('vote: a vote has exactly 2 inputs');
  }
  if (ticketIn.prevIndex !== 0 || ticketIn.prevTree !== TX_TREE_STAKE) {
    throw new RangeError('vote: vin[1] does not spend a ticket output (index 0, stake tree)');
  }
  if (!(ticketVotingScript instanceof Uint8Array)) {
    throw new TypeError('ticketVotingScript: expected bytes');
  }
  const cls = classifyScript(ticketVotingScript);
  let sigScript: Uint8Array;
  if (cls.type === 'stakeSubmissionP2SH') {
    if (redeemScript === undefined) {
      throw new TypeError('redeemScript: required for a P2SH ticket');
    }
    if (!(redeemScript instanceof Uint8Array)) throw new TypeError('redeemScript: expected bytes');
    if (!equalBytes(hash160(redeemScript), cls.hash160)) {
      throw new RangeError("redeemScript: does not hash to the ticket's script hash");
    }
    const ms = parseMultiSigScript(redeemScript);
    if (ms === undefined) throw new TypeError('redeemScript: not a standard multisig script');
    if (ms.m !== 1) {
      throw new RangeError(
        `redeemScript: needs ${ms.m} signatures; only 1-of-n can be signed here`,
      );
    }
    const pub = publicKeyCreate(privateKey, true);
    if (!ms.pubKeys.some((k) => equalBytes(k, pub))) {
      throw new RangeError('privateKey: its public key is not in the redeem script');
    }
    const sig = signInput(vote, 1, redeemScript, privateKey, SigHashType.All);
    sigScript = p2shMultiSigSigScript([sig], redeemScript);
  } else if (cls.type === 'stakeSubmissionP2PKH') {
    let pub = publicKeyCreate(privateKey, true);
    if (!equalBytes(hash160(pub), cls.hash160)) {
      pub = publicKeyCreate(privateKey, false);
      if (!equalBytes(hash160(pub), cls.hash160)) {
        throw new RangeError("privateKey: does not match the ticket's voting address");
      }
    }
    const sig = signInput(vote, 1, ticketVotingScript, privateKey, SigHashType.All);
    sigScript = p2pkhSigScript(sig, pub);
  } else {
    throw new TypeError('ticketVotingScript: not an OP_SSTX-tagged P2PKH or P2SH script');
  }
  const inputs = vote.inputs.map((ti, i) => (i === 1 ? { ...ti, sigScript } : { ...ti }));
  return { ...vote, inputs, outputs: vote.outputs.map((o) => ({ ...o })) };
}
