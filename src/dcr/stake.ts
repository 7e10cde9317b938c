// Stake transactions (dcrd blockchain/stake): which kind a transaction is under the consensus
// form rules (CheckSStx, CheckSSGenVotes, CheckSSRtx, CheckTAdd, CheckTSpend, CheckTreasuryBase),
// and the fields a stake pool reads from them: ticket commitments and price, the block a vote
// votes on, its vote bits and the ticket it spends, and whether a vote pays a ticket's
// commitments correctly.
//
// The form checks look at one transaction alone. Whether its inputs exist, are mature, and sum
// up is the chain's business (dcrd validate.go), except for the vote/ticket pairing that
// checkVoteAgainstTicket covers because the pool builds votes itself.
import { encodeAddress, p2pkhAddressFromHash, p2shAddressFromHash } from './address.ts';
import { calculateRewards } from './amounts.ts';
import { equalBytes } from './bytes.ts';
import type { NetParams, NetworkName } from './params.ts';
import { OP, parseScript, stakeScriptDetails } from './script.ts';
import type { StakeTag } from './script.ts';
import type { Tx, TxOut } from './tx.ts';
import {
  NULL_BLOCK_HEIGHT,
  NULL_BLOCK_INDEX,
  TX_TREE_REGULAR,
  TX_TREE_STAKE,
  txHash,
} from './tx.ts';

export type StakeTxType =
  'regular' | 'ticket' | 'vote' | 'revocation' | 'treasuryAdd' | 'treasurySpend' | 'treasuryBase';

export const MAX_INPUTS_PER_TICKET = 64;
export const MAX_OUTPUTS_PER_TICKET = MAX_INPUTS_PER_TICKET * 2 + 1;
export const INPUTS_PER_VOTE = 2;
export const MAX_OUTPUTS_PER_VOTE = MAX_INPUTS_PER_TICKET + 2;
export const INPUTS_PER_REVOCATION = 1;
export const MAX_OUTPUTS_PER_REVOCATION = MAX_INPUTS_PER_TICKET;
/** Size bounds of a ticket commitment script (`6a <push 30..75> …`). */
export const COMMITMENT_MIN_SIZE = 32;
export const COMMITMENT_MAX_SIZE = 77;
/** A vote's block reference script: `6a 24 <hash 32> <height u32LE>`. */
export const VOTE_BLOCK_REF_SIZE = 38;
export const VOTE_BITS_MIN_SIZE = 4;
export const VOTE_BITS_MAX_SIZE = 77;
/** Votes with a treasury-vote output, and every treasury tx, carry this version. */
export const TX_VERSION_TREASURY = 3;
/** Revocations of this version or later are the fee-less DCP-0009 kind. */
export const TX_VERSION_AUTO_REVOCATIONS = 2;
/** Fee-limit bits in a commitment's u16: low byte for votes, high byte for revocations. */
export const VOTE_FEE_LIMIT_FLAG = 0x0040;
export const VOTE_FEE_LIMIT_MASK = 0x003f;
export const REVOCATION_FEE_LIMIT_FLAG = 0x4000;
export const REVOCATION_FEE_LIMIT_MASK = 0x3f00;

const MAX_SINGLE_BYTE_PUSH = 75;
const MAX_DATA_CARRIER_SIZE = 256;
const TSPEND_SIG_SCRIPT_SIZE = 100;
const P2SH_COMMITMENT_FLAG = 1n << 63n;

/**
 * A stake form rule failed. Still a RangeError (the message starts with the field at fault);
 * `rule` names the dcrd error kind (e.g. ErrSStxInOutProportions) for logs and callers that care.
 */
export class StakeRuleError extends RangeError {
  readonly rule: string;
  constructor(field: string, message: string, rule: string) {
    super(`${field}: ${message}`);
    this.rule = rule;
  }
}

function fail(field: string, message: string, rule: string): never {
  throw new StakeRuleError(field, message, rule);
}

// ---------------------------------------------------------------------------------------------
// Script shapes as the stake rules see them
// ---------------------------------------------------------------------------------------------

/**
 * dcrd stake.IsNullDataScript: OP_RETURN alone, or OP_RETURN and exactly one push of at most 256
 * bytes. Unlike the standardness classifier it accepts non-minimal pushes and rejects
 * OP_1NEGATE, so it is kept here rather than borrowed from script.ts.
 */
function isStakeNullData(out: TxOut): boolean {
  const s = out.pkScript;
  if (out.version !== 0 || s.length < 1 || s[0] !== OP.OP_RETURN) return false;
  if (s.length === 1) return true;
  let ops;
  try {
    ops = parseScript(s.subarray(1));
  } catch {
    return false;
  }
  const op = ops[0];
  if (ops.length !== 1 || op === undefined) return false;
  const smallInt = op.opcode === OP.OP_0 || (op.opcode >= OP.OP_1 && op.opcode <= OP.OP_16);
  if (!smallInt && op.opcode > OP.OP_PUSHDATA4) return false;
  return (op.data?.length ?? 0) <= MAX_DATA_CARRIER_SIZE;
}

/** OP_RETURN followed by a direct push of exactly `len` bytes (dcrd IsStrictNullData, len ≤ 75). */
function isStrictNullData(out: TxOut, len: number): boolean {
  const s = out.pkScript;
  return out.version === 0 && s.length === len + 2 && s[0] === OP.OP_RETURN && s[1] === len;
}

/** A stake payment: the P2PKH/P2SH hash behind a tagged version-0 output. */
export interface StakePayee {
  kind: 'p2pkh' | 'p2sh';
  hash160: Uint8Array;
}

function taggedPayee(out: TxOut, tag: StakeTag): StakePayee | undefined {
  if (out.version !== 0) return undefined;
  const d = stakeScriptDetails(out.pkScript);
  if (d === undefined || d.tag !== tag) return undefined;
  return { kind: d.kind, hash160: d.hash160 };
}

/** The address string of a stake payee on `net`. */
export function payeeAddress(p: StakePayee, net: NetParams | NetworkName): string {
  return encodeAddress(
    p.kind === 'p2sh' ? p2shAddressFromHash(p.hash160, net) : p2pkhAddressFromHash(p.hash160, net),
  );
}

function u32le(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

function u16le(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8);
}

// ---------------------------------------------------------------------------------------------
// Tickets (SStx)
// ---------------------------------------------------------------------------------------------

function checkCommitmentShape(s: Uint8Array, field: string): void {
  if (!isStakeNullData({ value: 0n, version: 0, pkScript: s })) {
    fail(field, 'not a null data (OP_RETURN) push', 'ErrSStxInvalidOutputs');
  }
  if (s.length < COMMITMENT_MIN_SIZE || s.length > COMMITMENT_MAX_SIZE) {
    fail(
      field,
      `commitment script is ${s.length} bytes (must be ${COMMITMENT_MIN_SIZE}–${COMMITMENT_MAX_SIZE})`,
      'ErrSStxInvalidOutputs',
    );
  }
  const push = s[1]!;
  if (push < OP.OP_DATA_30 || push > MAX_SINGLE_BYTE_PUSH) {
    fail(
      field,
      `commitment must start with OP_RETURN and a direct push of 30–75 bytes (got 0x${push.toString(16)})`,
      'ErrSStxInvalidOutputs',
    );
  }
}

/**
 * Check a transaction against dcrd's ticket form rules (CheckSStx): at most 64 inputs,
 * 2·inputs + 1 outputs, every output script version 0, vout[0] an OP_SSTX-tagged P2PKH/P2SH,
 * then (commitment, change) pairs: a null-data commitment of 32–77 bytes opening with
 * `6a <push 30..75>`, and an OP_SSTXCHANGE-tagged P2PKH/P2SH change output.
 * Throws a StakeRuleError naming the first rule that fails.
 */
export function checkTicket(tx: Tx): void {
  const nIn = tx.inputs.length;
  const nOut = tx.outputs.length;
  if (nIn > MAX_INPUTS_PER_TICKET) {
    fail(
      'ticket.inputs',
      `${nIn} inputs exceed the maximum of ${MAX_INPUTS_PER_TICKET}`,
      'ErrSStxTooManyInputs',
    );
  }
  if (nOut > MAX_OUTPUTS_PER_TICKET) {
    fail(
      'ticket.outputs',
      `${nOut} outputs exceed the maximum of ${MAX_OUTPUTS_PER_TICKET}`,
      'ErrSStxTooManyOutputs',
    );
  }
  if (nOut === 0) fail('ticket.outputs', 'no outputs', 'ErrSStxNoOutputs');
  tx.outputs.forEach((o, i) => {
    if (o.version !== 0) {
      fail(
        `ticket.outputs[${i}].version`,
        `script version ${o.version} (must be 0)`,
        'ErrSStxInvalidOutputs',
      );
    }
  });
  if (taggedPayee(tx.outputs[0]!, 'ticket') === undefined) {
    fail(
      'ticket.outputs[0]',
      'not an OP_SSTX-tagged P2PKH or P2SH script',
      'ErrSStxInvalidOutputs',
    );
  }
  if (nIn * 2 + 1 !== nOut) {
    fail(
      'ticket.outputs',
      `${nOut} outputs for ${nIn} inputs (must be 2 × inputs + 1)`,
      'ErrSStxInOutProportions',
    );
  }
  for (let i = 1; i < nOut; i++) {
    const out = tx.outputs[i]!;
    if (i % 2 === 0) {
      if (taggedPayee(out, 'change') === undefined) {
        fail(
          `ticket.outputs[${i}]`,
          'change output is not an OP_SSTXCHANGE-tagged P2PKH or P2SH script',
          'ErrSStxInvalidOutputs',
        );
      }
    } else {
      checkCommitmentShape(out.pkScript, `ticket.outputs[${i}]`);
    }
  }
}

export function isTicket(tx: Tx): boolean {
  return passes(() => checkTicket(tx));
}

/** One ticket commitment: who gets the vote/revocation payout, for which contribution. */
export interface TicketCommitment {
  /** The reward address's hash160 (pubkey hash or script hash). */
  hash160: Uint8Array;
  /** Bit 63 of the encoded amount: the hash is a script hash. */
  isP2SH: boolean;
  /** Contribution in atoms, bit 63 cleared. */
  amount: bigint;
  /** The raw u16 after the amount: low byte vote limit, high byte revocation limit. */
  feeLimits: number;
  /** Largest fee (2^e atoms) a vote may take from this payout; undefined = must pay exactly. */
  voteFeeLimit: bigint | undefined;
  /** Same for a revocation. */
  revocationFeeLimit: bigint | undefined;
}

function feeLimit(
  feeLimits: number,
  flag: number,
  mask: number,
  shift: number,
): bigint | undefined {
  if ((feeLimits & flag) === 0) return undefined;
  return 1n << BigInt((feeLimits & mask) >> shift);
}

/**
 * Decode a ticket commitment output script. Only its first 30 data bytes carry meaning
 * (hash160, amount with the P2SH flag in bit 63, fee limits); the shape must pass the same
 * checks CheckSStx applies to commitment outputs. Throws a RangeError naming `field`.
 */
export function decodeCommitment(pkScript: Uint8Array, field = 'commitment'): TicketCommitment {
  if (!(pkScript instanceof Uint8Array)) throw new TypeError(`${field}: expected bytes`);
  checkCommitmentShape(pkScript, field);
  const hash160 = pkScript.slice(2, 22);
  const raw = new DataView(pkScript.buffer, pkScript.byteOffset + 22, 8).getBigUint64(0, true);
  const feeLimits = u16le(pkScript, 30);
  return {
    hash160,
    isP2SH: (raw & P2SH_COMMITMENT_FLAG) !== 0n,
    amount: raw & ~P2SH_COMMITMENT_FLAG,
    feeLimits,
    voteFeeLimit: feeLimit(feeLimits, VOTE_FEE_LIMIT_FLAG, VOTE_FEE_LIMIT_MASK, 0),
    revocationFeeLimit: feeLimit(
      feeLimits,
      REVOCATION_FEE_LIMIT_FLAG,
      REVOCATION_FEE_LIMIT_MASK,
      8,
    ),
  };
}

/** The commitments of a ticket (vout[1], vout[3], …) in order; throws if `tx` is not a ticket. */
export function ticketCommitments(tx: Tx): TicketCommitment[] {
  checkTicket(tx);
  const out: TicketCommitment[] = [];
  for (let i = 1; i < tx.outputs.length; i += 2) {
    out.push(decodeCommitment(tx.outputs[i]!.pkScript, `ticket.outputs[${i}]`));
  }
  return out;
}

/** The change outputs of a ticket (vout[2], vout[4], …) in order. */
export function ticketChangeOutputs(tx: Tx): TxOut[] {
  checkTicket(tx);
  return tx.outputs.filter((_, i) => i > 0 && i % 2 === 0);
}

/** The ticket's voting output script (vout[0], OP_SSTX-tagged): it decides who may vote. */
export function ticketVotingScript(tx: Tx): Uint8Array {
  checkTicket(tx);
  return tx.outputs[0]!.pkScript;
}

/** Kind and hash of the ticket's voting rights (vout[0]). */
export function ticketVotingPayee(tx: Tx): StakePayee {
  checkTicket(tx);
  return taggedPayee(tx.outputs[0]!, 'ticket')!;
}

/** The voting address string (P2PKH for a solo/VSP ticket, P2SH for a legacy-pool multisig). */
export function ticketVotingAddress(tx: Tx, net: NetParams | NetworkName): string {
  return payeeAddress(ticketVotingPayee(tx), net);
}

/** The ticket price paid: vout[0].value. */
export function ticketPrice(tx: Tx): bigint {
  checkTicket(tx);
  return tx.outputs[0]!.value;
}

/**
 * The ticket's transaction fee, Σ commitment amounts − ticket price. Consensus requires each
 * commitment to equal its input minus that input's change (dcrd checkTicketPurchaseInputs), so
 * this is exactly inputs − outputs, computed without knowing the inputs.
 */
export function ticketFee(tx: Tx): bigint {
  let committed = 0n;
  for (const c of ticketCommitments(tx)) committed += c.amount;
  return committed - tx.outputs[0]!.value;
}

/**
 * The fee as dcrstakepool's EvaluateStakePoolTicket computed it: Σ commitment amounts − Σ of
 * every output value, change included. It equals ticketFee only when all change outputs are
 * zero (what wallets buying pool tickets produce); with change it under-counts, even below 0.
 * Use it only to reproduce the legacy pool's fee check bit for bit.
 */
export function legacyPoolTicketFee(tx: Tx): bigint {
  let committed = 0n;
  for (const c of ticketCommitments(tx)) committed += c.amount;
  let paid = 0n;
  for (const o of tx.outputs) paid += o.value;
  return committed - paid;
}

/** The reward address of a commitment as a string for `net`. */
export function commitmentAddress(c: TicketCommitment, net: NetParams | NetworkName): string {
  return payeeAddress({ kind: c.isP2SH ? 'p2sh' : 'p2pkh', hash160: c.hash160 }, net);
}

// ---------------------------------------------------------------------------------------------
// Votes (SSGen)
// ---------------------------------------------------------------------------------------------

export interface TreasuryVote {
  /** The tspend's hash, internal byte order. */
  tspendHash: Uint8Array;
  vote: 'yes' | 'no';
}

/** dcrd GetSSGenTreasuryVotes on a vote's last (null-data) output. */
function parseTreasuryVotes(s: Uint8Array, field: string): TreasuryVote[] {
  if (s.length < 4 || s[1]! > OP.OP_PUSHDATA1) {
    fail(
      field,
      'last output has no valid type discriminator',
      'ErrSSGenInvalidDiscriminatorLength',
    );
  }
  const start = s[1] === OP.OP_PUSHDATA1 ? 3 : 2;
  if (start + 2 > s.length) {
    fail(field, 'last output is not a valid null data script', 'ErrSSGenInvalidNullScript');
  }
  if (s[start] !== 0x54 || s[start + 1] !== 0x56) {
    fail(
      field,
      `unknown discriminator 0x${s[start]!.toString(16)} 0x${s[start + 1]!.toString(16)} (expected 'TV')`,
      'ErrSSGenUnknownDiscriminator',
    );
  }
  const body = s.subarray(start + 2);
  const size = 33;
  if (body.length < size || body.length % size !== 0) {
    fail(
      field,
      `treasury votes take ${body.length} bytes (must be a multiple of 33)`,
      'ErrSSGenInvalidTVLength',
    );
  }
  const votes: TreasuryVote[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < body.length; i += size) {
    const tspendHash = body.slice(i, i + 32);
    const v = body[i + 32]!;
    if (v !== 1 && v !== 2) {
      fail(
        field,
        `invalid treasury vote 0x${v.toString(16)} (must be 1 or 2)`,
        'ErrSSGenInvalidTreasuryVote',
      );
    }
    const key = tspendHash.join(',');
    if (seen.has(key)) fail(field, 'duplicate treasury vote', 'ErrSSGenDuplicateTreasuryVote');
    seen.add(key);
    votes.push({ tspendHash, vote: v === 1 ? 'yes' : 'no' });
  }
  return votes;
}

function checkVoteInternal(tx: Tx): TreasuryVote[] {
  const nOut = tx.outputs.length;
  if (tx.inputs.length !== INPUTS_PER_VOTE) {
    fail(
      'vote.inputs',
      `${tx.inputs.length} inputs (must be ${INPUTS_PER_VOTE})`,
      'ErrSSGenWrongNumInputs',
    );
  }
  if (nOut > MAX_OUTPUTS_PER_VOTE) {
    fail(
      'vote.outputs',
      `${nOut} outputs exceed the maximum of ${MAX_OUTPUTS_PER_VOTE}`,
      'ErrSSGenTooManyOutputs',
    );
  }
  if (nOut < 2) fail('vote.outputs', `${nOut} outputs (need at least 2)`, 'ErrSSGenNoOutputs');
  const base = tx.inputs[0]!;
  if (
    base.prevIndex !== 0xffffffff ||
    base.prevTree !== TX_TREE_REGULAR ||
    !base.prevHash.every((b) => b === 0)
  ) {
    fail(
      'vote.inputs[0]',
      'not a stakebase: the previous outpoint is not null',
      'ErrSSGenNoStakebase',
    );
  }
  if (base.blockHeight !== NULL_BLOCK_HEIGHT || base.blockIndex !== NULL_BLOCK_INDEX) {
    fail(
      'vote.inputs[0]',
      'not a stakebase: block height/index must be 0/0xffffffff',
      'ErrSSGenNoStakebase',
    );
  }
  const ticketIn = tx.inputs[1]!;
  if (ticketIn.prevIndex !== 0) {
    fail(
      'vote.inputs[1].prevIndex',
      `spends output ${ticketIn.prevIndex} of the ticket (must be 0)`,
      'ErrSSGenWrongIndex',
    );
  }
  if (ticketIn.prevTree !== TX_TREE_STAKE) {
    fail(
      'vote.inputs[1].prevTree',
      'spends a non-stake output (tree must be 1)',
      'ErrSSGenWrongTxTree',
    );
  }
  tx.outputs.forEach((o, i) => {
    if (o.version !== 0) {
      fail(
        `vote.outputs[${i}].version`,
        `script version ${o.version} (must be 0)`,
        'ErrSSGenBadGenOuts',
      );
    }
  });

  const ref = tx.outputs[0]!;
  if (!isStakeNullData(ref)) {
    fail(
      'vote.outputs[0]',
      'block reference is not a null data (OP_RETURN) push',
      'ErrSSGenNoReference',
    );
  }
  if (ref.pkScript.length !== VOTE_BLOCK_REF_SIZE) {
    fail(
      'vote.outputs[0]',
      `block reference is ${ref.pkScript.length} bytes (must be ${VOTE_BLOCK_REF_SIZE})`,
      'ErrSSGenBadReference',
    );
  }
  if (ref.pkScript[1] !== OP.OP_DATA_36) {
    fail('vote.outputs[0]', 'block reference must start with 6a 24', 'ErrSSGenBadReference');
  }

  const bits = tx.outputs[1]!;
  if (!isStakeNullData(bits)) {
    fail('vote.outputs[1]', 'vote bits are not a null data (OP_RETURN) push', 'ErrSSGenNoVotePush');
  }
  const bl = bits.pkScript.length;
  if (bl < VOTE_BITS_MIN_SIZE || bl > VOTE_BITS_MAX_SIZE) {
    fail(
      'vote.outputs[1]',
      `vote bits script is ${bl} bytes (must be ${VOTE_BITS_MIN_SIZE}–${VOTE_BITS_MAX_SIZE})`,
      'ErrSSGenBadVotePush',
    );
  }
  const push = bits.pkScript[1]!;
  if (push < 2 || push > MAX_SINGLE_BYTE_PUSH) {
    fail('vote.outputs[1]', 'vote bits must be a direct push of 2–75 bytes', 'ErrSSGenBadVotePush');
  }

  // A trailing null-data output must be a treasury vote, which needs tx version 3. With only
  // the two mandatory outputs the vote-bits output is "last" and fails this check, as in dcrd.
  let payeeEnd = nOut;
  let votes: TreasuryVote[] = [];
  const last = tx.outputs[nOut - 1]!;
  if (isStakeNullData(last)) {
    payeeEnd--;
    votes = parseTreasuryVotes(last.pkScript, `vote.outputs[${nOut - 1}]`);
    if (tx.version !== TX_VERSION_TREASURY) {
      fail(
        'vote.version',
        `tx version ${tx.version} with treasury votes (must be ${TX_VERSION_TREASURY})`,
        'ErrSSGenInvalidTxVersion',
      );
    }
  }
  for (let i = 2; i < payeeEnd; i++) {
    if (taggedPayee(tx.outputs[i]!, 'vote') === undefined) {
      fail(
        `vote.outputs[${i}]`,
        'not an OP_SSGEN-tagged P2PKH or P2SH script',
        'ErrSSGenBadGenOuts',
      );
    }
  }
  return votes;
}

/**
 * Check a transaction against dcrd's vote form rules (CheckSSGenVotes): exactly 2 inputs, a
 * stakebase (null outpoint, tree 0, block height 0 / index 0xffffffff) then the ticket's output 0
 * in the stake tree; 2–66 outputs, all script version 0; vout[0] the 38-byte `6a 24` block
 * reference; vout[1] a 4–77-byte vote-bits push `6a <2..75>`; then OP_SSGEN-tagged payees; and an
 * optional final 'TV' treasury-vote output that requires tx version 3.
 */
export function checkVote(tx: Tx): void {
  checkVoteInternal(tx);
}

export function isVote(tx: Tx): boolean {
  return passes(() => checkVote(tx));
}

/** The block a vote votes on (the parent of the block that includes it). */
export function voteBlockRef(tx: Tx): { blockHash: Uint8Array; height: number } {
  checkVote(tx);
  const s = tx.outputs[0]!.pkScript;
  return { blockHash: s.slice(2, 34), height: u32le(s, 34) };
}

/**
 * The vote bits (bit 0 approves the parent's regular tree), the vote version when the push
 * carries one (dcrd treats a push shorter than 6 bytes as "absent", i.e. 0), and the raw bytes
 * after the bits (dcrd VoteBits.ExtendedBits).
 */
export function voteBits(tx: Tx): {
  bits: number;
  version: number | undefined;
  extended: Uint8Array;
} {
  checkVote(tx);
  const s = tx.outputs[1]!.pkScript;
  return {
    bits: u16le(s, 2),
    version: s.length >= 8 ? u32le(s, 4) : undefined,
    extended: s.slice(4),
  };
}

/** Hash (internal order) of the ticket a vote spends. */
export function voteTicketHash(tx: Tx): Uint8Array {
  checkVote(tx);
  return Uint8Array.from(tx.inputs[1]!.prevHash);
}

/** The treasury votes a vote carries (empty without a 'TV' output). */
export function voteTreasuryVotes(tx: Tx): TreasuryVote[] {
  return checkVoteInternal(tx);
}

/** The vote's payouts (vout[2…], before any treasury-vote output), in commitment order. */
export function votePayouts(tx: Tx): (StakePayee & { value: bigint })[] {
  const tv = checkVoteInternal(tx);
  const end = tx.outputs.length - (tv.length > 0 ? 1 : 0);
  return tx.outputs.slice(2, end).map((o) => ({ ...taggedPayee(o, 'vote')!, value: o.value }));
}

/**
 * Check that a vote correctly redeems `ticket` (dcrd checkVoteInputs and
 * checkTicketRedeemerCommitments, minus the UTXO and maturity lookups): it spends the ticket's
 * vout[0], its stakebase claims exactly `subsidy` (the per-vote subsidy at the voted height),
 * it has one payee per commitment, each paying the commitment's type and hash, and each paying
 * the CalculateRewards amount — exactly, or when the commitment sets a vote fee limit 2^e, at
 * most 2^e atoms less, never more.
 */
export function checkVoteAgainstTicket(vote: Tx, ticket: Tx, subsidy: bigint): void {
  checkVote(vote);
  const commitments = ticketCommitments(ticket);
  if (!equalBytes(vote.inputs[1]!.prevHash, txHash(ticket))) {
    fail('vote.inputs[1]', 'does not spend the given ticket', 'ErrMissingTxOut');
  }
  const base = vote.inputs[0]!.valueIn;
  if (base !== subsidy) {
    fail(
      'vote.inputs[0].valueIn',
      `stakebase claims ${base} atoms (subsidy is ${subsidy})`,
      'ErrBadStakebaseAmountIn',
    );
  }
  const payees = votePayouts(vote);
  if (payees.length !== commitments.length) {
    fail(
      'vote.outputs',
      `${payees.length} payments for a ticket with ${commitments.length} commitments`,
      'ErrBadNumPayees',
    );
  }
  const expected = calculateRewards(
    commitments.map((c) => c.amount),
    ticket.outputs[0]!.value,
    subsidy,
  );
  payees.forEach((p, i) => {
    const c = commitments[i]!;
    const field = `vote.outputs[${i + 2}]`;
    if ((p.kind === 'p2sh') !== c.isP2SH) {
      fail(
        field,
        `pays a ${p.kind.toUpperCase()} script but commitment ${i} is ${c.isP2SH ? 'P2SH' : 'P2PKH'}`,
        'ErrBadPayeeScriptType',
      );
    }
    if (!equalBytes(p.hash160, c.hash160)) {
      fail(field, `does not pay the hash of commitment ${i}`, 'ErrMismatchedPayeeHash');
    }
    const want = expected[i]!;
    const low =
      c.voteFeeLimit === undefined ? want : want > c.voteFeeLimit ? want - c.voteFeeLimit : 0n;
    if (p.value > want || p.value < low) {
      fail(
        field,
        low === want
          ? `pays ${p.value} atoms (commitment ${i} requires exactly ${want})`
          : `pays ${p.value} atoms (commitment ${i} allows ${low}–${want})`,
        'ErrBadPayeeValue',
      );
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Revocations (SSRtx)
// ---------------------------------------------------------------------------------------------

/**
 * Check a transaction against dcrd's revocation form rules (CheckSSRtx): exactly 1 input from
 * the stake tree, 1–64 outputs, all version 0 and OP_SSRTX-tagged P2PKH/P2SH; from tx version 2
 * (automatic revocations) the input carries no signature script and the tx pays no fee.
 */
export function checkRevocation(tx: Tx): void {
  const nOut = tx.outputs.length;
  if (tx.inputs.length !== INPUTS_PER_REVOCATION) {
    fail('revocation.inputs', `${tx.inputs.length} inputs (must be 1)`, 'ErrSSRtxWrongNumInputs');
  }
  if (nOut > MAX_OUTPUTS_PER_REVOCATION) {
    fail(
      'revocation.outputs',
      `${nOut} outputs exceed the maximum of ${MAX_OUTPUTS_PER_REVOCATION}`,
      'ErrSSRtxTooManyOutputs',
    );
  }
  if (nOut === 0) fail('revocation.outputs', 'no outputs', 'ErrSSRtxNoOutputs');
  tx.outputs.forEach((o, i) => {
    if (o.version !== 0) {
      fail(
        `revocation.outputs[${i}].version`,
        `script version ${o.version} (must be 0)`,
        'ErrSSRtxBadOuts',
      );
    }
  });
  const input = tx.inputs[0]!;
  if (input.prevTree !== TX_TREE_STAKE) {
    fail(
      'revocation.inputs[0].prevTree',
      'spends a non-stake output (tree must be 1)',
      'ErrSSRtxWrongTxTree',
    );
  }
  tx.outputs.forEach((o, i) => {
    if (taggedPayee(o, 'revocation') === undefined) {
      fail(
        `revocation.outputs[${i}]`,
        'not an OP_SSRTX-tagged P2PKH or P2SH script',
        'ErrSSRtxBadOuts',
      );
    }
  });
  if (tx.version >= TX_VERSION_AUTO_REVOCATIONS) {
    if (input.sigScript.length !== 0) {
      fail(
        'revocation.inputs[0].sigScript',
        'must be empty in a version 2 revocation',
        'ErrSSRtxInputHasSigScript',
      );
    }
    let paid = 0n;
    for (const o of tx.outputs) paid += o.value;
    if (paid < input.valueIn) {
      fail('revocation.outputs', 'a version 2 revocation must not pay a fee', 'ErrSSRtxInvalidFee');
    }
  }
}

export function isRevocation(tx: Tx): boolean {
  return passes(() => checkRevocation(tx));
}

/** Hash (internal order) of the ticket a revocation spends. */
export function revocationTicketHash(tx: Tx): Uint8Array {
  checkRevocation(tx);
  return Uint8Array.from(tx.inputs[0]!.prevHash);
}

/** The revocation's payouts in commitment order. */
export function revocationPayouts(tx: Tx): (StakePayee & { value: bigint })[] {
  checkRevocation(tx);
  return tx.outputs.map((o) => ({ ...taggedPayee(o, 'revocation')!, value: o.value }));
}

// ---------------------------------------------------------------------------------------------
// Treasury transactions (only to classify them; the pool never builds one)
// ---------------------------------------------------------------------------------------------

function checkTreasuryVersion(tx: Tx, field: string, rule: string): void {
  if (tx.version !== TX_VERSION_TREASURY) {
    fail(`${field}.version`, `tx version ${tx.version} (must be ${TX_VERSION_TREASURY})`, rule);
  }
}

/** dcrd CheckTAdd: version 3, ≥1 input, vout[0] = OP_TADD, optional stake-change vout[1]. */
export function checkTreasuryAdd(tx: Tx): void {
  const f = 'treasuryAdd';
  checkTreasuryVersion(tx, f, 'ErrTAddInvalidTxVersion');
  if (tx.inputs.length < 1) fail(`${f}.inputs`, 'no inputs', 'ErrTAddInvalidCount');
  if (tx.outputs.length !== 1 && tx.outputs.length !== 2) {
    fail(`${f}.outputs`, `${tx.outputs.length} outputs (must be 1 or 2)`, 'ErrTAddInvalidCount');
  }
  tx.outputs.forEach((o, i) => {
    if (o.version !== 0)
      fail(
        `${f}.outputs[${i}].version`,
        `script version ${o.version} (must be 0)`,
        'ErrTAddInvalidVersion',
      );
    if (o.pkScript.length === 0)
      fail(`${f}.outputs[${i}]`, 'empty script', 'ErrTAddInvalidScriptLength');
  });
  const first = tx.outputs[0]!.pkScript;
  if (first.length !== 1)
    fail(`${f}.outputs[0]`, `script is ${first.length} bytes (must be 1)`, 'ErrTAddInvalidLength');
  if (first[0] !== OP.OP_TADD)
    fail(`${f}.outputs[0]`, 'script is not OP_TADD', 'ErrTAddInvalidOpcode');
  const change = tx.outputs[1];
  if (change !== undefined && taggedPayee(change, 'change') === undefined) {
    fail(`${f}.outputs[1]`, 'not a stake change script', 'ErrTAddInvalidChange');
  }
}

/**
 * dcrd CheckTSpend (form only; the signature is not verified): version 3, one input whose
 * 100-byte script is `<64-byte sig> <33-byte compressed key> OP_TSPEND`, vout[0] a 32-byte
 * null-data push, the rest OP_TGEN-tagged P2PKH/P2SH.
 */
export function checkTreasurySpend(tx: Tx): void {
  const f = 'treasurySpend';
  checkTreasuryVersion(tx, f, 'ErrTSpendInvalidTxVersion');
  if (tx.inputs.length !== 1)
    fail(`${f}.inputs`, `${tx.inputs.length} inputs (must be 1)`, 'ErrTSpendInvalidLength');
  if (tx.outputs.length < 2)
    fail(
      `${f}.outputs`,
      `${tx.outputs.length} outputs (need at least 2)`,
      'ErrTSpendInvalidLength',
    );
  tx.outputs.forEach((o, i) => {
    if (o.version !== 0)
      fail(
        `${f}.outputs[${i}].version`,
        `script version ${o.version} (must be 0)`,
        'ErrTSpendInvalidVersion',
      );
    if (o.pkScript.length === 0)
      fail(`${f}.outputs[${i}]`, 'empty script', 'ErrTSpendInvalidScriptLength');
  });
  const sig = tx.inputs[0]!.sigScript;
  if (
    sig.length !== TSPEND_SIG_SCRIPT_SIZE ||
    sig[0] !== 64 ||
    sig[65] !== OP.OP_DATA_33 ||
    sig[99] !== OP.OP_TSPEND
  ) {
    fail(
      `${f}.inputs[0].sigScript`,
      'not <64-byte signature> <33-byte key> OP_TSPEND',
      'ErrTSpendInvalidScript',
    );
  }
  if (sig[66] !== 0x02 && sig[66] !== 0x03) {
    fail(
      `${f}.inputs[0].sigScript`,
      'public key is not strictly compressed',
      'ErrTSpendInvalidPubkey',
    );
  }
  if (!isStrictNullData(tx.outputs[0]!, 32)) {
    fail(`${f}.outputs[0]`, 'not OP_RETURN with a 32-byte push', 'ErrTSpendInvalidTransaction');
  }
  for (let i = 1; i < tx.outputs.length; i++) {
    const s = tx.outputs[i]!.pkScript;
    if (s[0] !== OP.OP_TGEN)
      fail(`${f}.outputs[${i}]`, 'not OP_TGEN-tagged', 'ErrTSpendInvalidTGen');
    if (taggedPayee(tx.outputs[i]!, 'treasury') === undefined) {
      fail(
        `${f}.outputs[${i}]`,
        'not an OP_TGEN-tagged P2PKH or P2SH script',
        'ErrTSpendInvalidSpendScript',
      );
    }
  }
}

/** dcrd CheckTreasuryBase: version 3, one null-outpoint input with an empty script, OP_TADD and a 12-byte null-data push. */
export function checkTreasuryBase(tx: Tx): void {
  const f = 'treasuryBase';
  checkTreasuryVersion(tx, f, 'ErrTreasuryBaseInvalidTxVersion');
  if (tx.inputs.length !== 1)
    fail(`${f}.inputs`, `${tx.inputs.length} inputs (must be 1)`, 'ErrTreasuryBaseInvalidCount');
  if (tx.outputs.length !== 2)
    fail(`${f}.outputs`, `${tx.outputs.length} outputs (must be 2)`, 'ErrTreasuryBaseInvalidCount');
  const input = tx.inputs[0]!;
  if (input.sigScript.length !== 0)
    fail(`${f}.inputs[0].sigScript`, 'must be empty', 'ErrTreasuryBaseInvalidLength');
  if (
    input.prevIndex !== 0xffffffff ||
    input.prevTree !== TX_TREE_REGULAR ||
    !input.prevHash.every((b) => b === 0)
  ) {
    fail(`${f}.inputs[0]`, 'previous outpoint is not null', 'ErrTreasuryBaseInvalid');
  }
  tx.outputs.forEach((o, i) => {
    if (o.version !== 0)
      fail(
        `${f}.outputs[${i}].version`,
        `script version ${o.version} (must be 0)`,
        'ErrTreasuryBaseInvalidVersion',
      );
  });
  const first = tx.outputs[0]!.pkScript;
  if (first.length !== 1 || first[0] !== OP.OP_TADD) {
    fail(`${f}.outputs[0]`, 'script is not OP_TADD', 'ErrTreasuryBaseInvalidOpcode0');
  }
  if (!isStrictNullData(tx.outputs[1]!, 12)) {
    fail(`${f}.outputs[1]`, 'not OP_RETURN with a 12-byte push', 'ErrTreasuryBaseInvalidOpcode1');
  }
}

// ---------------------------------------------------------------------------------------------
// Classification
// ---------------------------------------------------------------------------------------------

function passes(check: () => void): boolean {
  try {
    check();
    return true;
  } catch (e) {
    if (e instanceof StakeRuleError) return false;
    throw e;
  }
}

/**
 * The stake type of a transaction, in dcrd DetermineTxType's order: ticket, vote, revocation,
 * then (tx version ≥ 3 only) treasury add, spend and base; anything else is regular.
 */
export function stakeTxType(tx: Tx): StakeTxType {
  if (isTicket(tx)) return 'ticket';
  if (isVote(tx)) return 'vote';
  if (isRevocation(tx)) return 'revocation';
  if (tx.version >= TX_VERSION_TREASURY) {
    if (passes(() => checkTreasuryAdd(tx))) return 'treasuryAdd';
    if (passes(() => checkTreasurySpend(tx))) return 'treasurySpend';
    if (passes(() => checkTreasuryBase(tx))) return 'treasuryBase';
  }
  return 'regular';
}
