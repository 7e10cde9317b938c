// One legacy pool vote, built and signed here because current dcrwallet can no longer vote a
// 1-of-2 multisig ticket (generatevote is gone): the vote dcrwallet would have made for the
// ticket, with the user's vote bits, its ticket input signed with the pool's key for that user.
// Pure: no I/O, deterministic (RFC 6979), so two voters given the same inputs send the same bytes.
import { fromHex, hashFromDisplay, toHex } from '../dcr/bytes.ts';
import { splitAt, voteSubsidy } from '../dcr/amounts.ts';
import type { NetParams } from '../dcr/params.ts';
import { decodeTx, encodeTx } from '../dcr/tx.ts';
import type { Tx } from '../dcr/tx.ts';
import { buildVote, signVote, voteTicketInfo } from '../dcr/vote.ts';

/** The vote bits of a user without (current) preferences: approve the block, abstain on all. */
export const DEFAULT_VOTE_BITS = 1;

export interface PoolVoteParams {
  /** The ticket purchase transaction, hex. */
  ticketHex: string;
  /** The 1-of-2 multisig redeem script the ticket's voting output pays (P2SH), hex. */
  redeemScript: string;
  /** The block voted on (display hex) and its height: a winningtickets notification's. */
  blockHash: string;
  height: number;
  voteBits: number;
  voteVersion: number;
  net: NetParams;
  /** The pool's private key for the ticket's user (votingxprv/0/userId), 32 bytes. */
  privKey: Uint8Array;
  /** The ticket's hash (display hex); when given, the ticket must hash to it. */
  ticketHash?: string;
}

/**
 * The per-vote subsidy for a vote on the block at `height`. The amount follows the voted-on
 * height (a consensus quirk), but the split is the one in force for the block that will hold
 * the vote, height + 1 (dcrd picks it from the voted-on block's agenda state, which is what
 * governs its child).
 */
export function poolVoteSubsidy(height: number, net: NetParams): bigint {
  return voteSubsidy(height, net, splitAt(net, height + 1));
}

/**
 * The bits to vote with: the user's when they were set for `currentVersion` (and fit in 16
 * bits), else the pool default — what stakepoold did on a vote version change.
 */
export function poolVoteBits(
  user: { voteBits: number; voteBitsVersion: number },
  currentVersion: number,
): number {
  const bits = user.voteBits;
  if (user.voteBitsVersion !== currentVersion) return DEFAULT_VOTE_BITS;
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffff) return DEFAULT_VOTE_BITS;
  return bits;
}

/** The signed vote transaction. Throws TypeError/RangeError naming the bad field. */
export function poolVoteTx(p: PoolVoteParams): Tx {
  const ticket = decodeTx(fromHex(p.ticketHex, 'ticketHex'));
  const info = voteTicketInfo(
    ticket,
    p.ticketHash === undefined ? undefined : hashFromDisplay(p.ticketHash, 'ticketHash'),
  );
  const unsigned = buildVote({
    ticket: info,
    blockHash: hashFromDisplay(p.blockHash, 'blockHash'),
    blockHeight: p.height,
    voteBits: p.voteBits,
    voteVersion: p.voteVersion,
    subsidy: poolVoteSubsidy(p.height, p.net),
    net: p.net,
  });
  return signVote(unsigned, info.votingScript, p.privKey, fromHex(p.redeemScript, 'redeemScript'));
}

/** The signed vote, hex, ready for sendrawtransaction. */
export function buildPoolVote(p: PoolVoteParams): string {
  return toHex(encodeTx(poolVoteTx(p)));
}
