// Stake amounts: the block subsidy and its work/vote/treasury shares (dcrd standalone subsidy
// rules), what a vote or revocation pays back to each ticket commitment, the legacy stake-pool
// ticket fee (dcrwallet txrules), and DCR <-> atoms conversions for display and input.
//
// All arithmetic is on bigint. Go computes the same values with int64 / big.Int and, for valid
// inputs, never overflows, so exact integer maths reproduces it without any wrap-around emulation.
import type { NetParams } from './params.ts';

export const ATOMS_PER_DCR = 100_000_000n;
/** dcrutil.MaxAmount: no amount may exceed the 21 million DCR supply cap. */
export const MAX_ATOMS = 21_000_000n * ATOMS_PER_DCR;

/**
 * Which proportions split the block subsidy between PoW, votes and the treasury:
 * 'original' 6/3/1 of 10, 'dcp0010' 10/80/10 of 100, 'dcp0012' 1/89/10 of 100.
 */
export type SubsidySplit = 'original' | 'dcp0010' | 'dcp0012';

export const SUBSIDY_SPLITS: readonly SubsidySplit[] = ['original', 'dcp0010', 'dcp0012'];

interface Proportion {
  part: bigint;
  total: bigint;
}

function workProportion(net: NetParams, split: SubsidySplit): Proportion {
  switch (split) {
    case 'original':
      return { part: BigInt(net.workRewardProportion), total: totalProportions(net) };
    case 'dcp0010':
      return { part: 10n, total: 100n };
    case 'dcp0012':
      return { part: 1n, total: 100n };
  }
}

function voteProportion(net: NetParams, split: SubsidySplit): Proportion {
  switch (split) {
    case 'original':
      return { part: BigInt(net.stakeRewardProportion), total: totalProportions(net) };
    case 'dcp0010':
      return { part: 80n, total: 100n };
    case 'dcp0012':
      return { part: 89n, total: 100n };
  }
}

function totalProportions(net: NetParams): bigint {
  return BigInt(net.workRewardProportion + net.stakeRewardProportion + net.blockTaxProportion);
}

/** The fewest votes a block past stake validation needs; fewer and PoW/treasury get nothing. */
function minVotesRequired(net: NetParams): number {
  return Math.floor(net.ticketsPerBlock / 2) + 1;
}

function checkHeight(height: number, field = 'height'): void {
  if (!Number.isSafeInteger(height)) throw new RangeError(`${field}: must be an integer`);
}

function checkVotes(numVotes: number, net: NetParams): void {
  if (!Number.isInteger(numVotes) || numVotes < 0 || numVotes > net.ticketsPerBlock) {
    throw new RangeError(`numVotes: must be an integer in [0, ${net.ticketsPerBlock}]`);
  }
}

function checkSplit(split: SubsidySplit): void {
  if (!SUBSIDY_SPLITS.includes(split)) {
    throw new RangeError(`split: unknown subsidy split "${String(split)}"`);
  }
}

// Subsidy per reduction interval, per network, filled on demand. The sequence reaches 0 after
// under two thousand intervals on every network, so the cache stays small.
const intervalCache = new WeakMap<NetParams, bigint[]>();

function intervalSubsidy(net: NetParams, interval: number): bigint {
  let list = intervalCache.get(net);
  if (list === undefined) {
    list = [net.baseSubsidy];
    intervalCache.set(net, list);
  }
  while (list.length <= interval) {
    const last = list[list.length - 1]!;
    if (last === 0n) return 0n;
    list.push((last * net.mulSubsidy) / net.divSubsidy);
  }
  return list[interval]!;
}

/**
 * Full block subsidy at `height` (dcrd CalcBlockSubsidy): 0 at or below genesis, the premine
 * ledger at height 1, then the base subsidy reduced by mul/div once per reduction interval.
 */
export function blockSubsidy(height: number, net: NetParams): bigint {
  checkHeight(height);
  if (height <= 0) return 0n;
  if (height === 1) return net.blockOneSubsidy;
  return intervalSubsidy(net, Math.floor(height / net.subsidyReductionInterval));
}

/** PoW share of the subsidy for a block at `height` holding `numVotes` votes. */
export function workSubsidy(
  height: number,
  numVotes: number,
  net: NetParams,
  split: SubsidySplit,
): bigint {
  checkHeight(height);
  checkVotes(numVotes, net);
  checkSplit(split);
  if (height === 1) return net.blockOneSubsidy;
  const svh = net.stakeValidationHeight;
  if (height >= svh && numVotes < minVotesRequired(net)) return 0n;
  const { part, total } = workProportion(net, split);
  const subsidy = (blockSubsidy(height, net) * part) / total;
  if (height < svh) return subsidy;
  return (BigInt(numVotes) * subsidy) / BigInt(net.ticketsPerBlock);
}

/**
 * Subsidy paid to one vote (dcrd CalcStakeVoteSubsidyV3). `height` is the height of the block
 * being voted on (the parent of the block that will hold the vote), which is a consensus quirk
 * of Decred; it is 0 for heights below StakeValidationHeight - 1.
 */
export function voteSubsidy(height: number, net: NetParams, split: SubsidySplit): bigint {
  checkHeight(height);
  checkSplit(split);
  if (height < net.stakeValidationHeight - 1) return 0n;
  const { part, total } = voteProportion(net, split);
  return (blockSubsidy(height, net) * part) / (total * BigInt(net.ticketsPerBlock));
}

/**
 * Treasury share of the subsidy (dcrd CalcTreasurySubsidy). Before the treasury agenda
 * (DCP-0006) it shrinks with missing votes like the PoW share; once active it does not.
 */
export function treasurySubsidy(
  height: number,
  numVotes: number,
  net: NetParams,
  treasuryEnabled: boolean,
): bigint {
  checkHeight(height);
  checkVotes(numVotes, net);
  if (height <= 1) return 0n;
  const svh = net.stakeValidationHeight;
  if (height >= svh && numVotes < minVotesRequired(net)) return 0n;
  const subsidy =
    (blockSubsidy(height, net) * BigInt(net.blockTaxProportion)) / totalProportions(net);
  if (height < svh || treasuryEnabled) return subsidy;
  return (BigInt(numVotes) * subsidy) / BigInt(net.ticketsPerBlock);
}

/** The split selected by agenda states; DCP-0012 wins when both are active, as in dcrd. */
export function splitFromAgendas(dcp0010Active: boolean, dcp0012Active: boolean): SubsidySplit {
  if (dcp0012Active) return 'dcp0012';
  if (dcp0010Active) return 'dcp0010';
  return 'original';
}

/**
 * The split at `height` from the activation heights vspd hard-codes per network
 * (net.dcp0010Height / dcp0012Height; null means never active, e.g. regnet).
 */
export function splitAt(net: NetParams, height: number): SubsidySplit {
  checkHeight(height);
  const at = (h: number | null): boolean => h !== null && height >= h;
  return splitFromAgendas(at(net.dcp0010Height), at(net.dcp0012Height));
}

function checkContribs(contribAmounts: readonly bigint[]): bigint {
  if (contribAmounts.length === 0) {
    throw new RangeError('contribAmounts: at least one commitment is required');
  }
  let total = 0n;
  contribAmounts.forEach((c, i) => {
    if (typeof c !== 'bigint' || c < 0n) {
      throw new RangeError(`contribAmounts[${i}]: must be a non-negative bigint`);
    }
    total += c;
  });
  if (total === 0n) throw new RangeError('contribAmounts: the contributions sum to zero');
  return total;
}

/**
 * What a vote pays back to each ticket commitment (dcrd stake.CalculateRewards): every
 * contributor gets the share of price + subsidy proportional to its contribution, rounded down.
 * The rounding remainder (fewer atoms than there are commitments) is left to the vote's fee.
 */
export function calculateRewards(
  contribAmounts: readonly bigint[],
  ticketPrice: bigint,
  subsidy: bigint,
): bigint[] {
  const total = checkContribs(contribAmounts);
  if (typeof ticketPrice !== 'bigint' || ticketPrice < 0n) {
    throw new RangeError('ticketPrice: must be a non-negative bigint');
  }
  if (typeof subsidy !== 'bigint' || subsidy < 0n) {
    throw new RangeError('subsidy: must be a non-negative bigint');
  }
  const payout = ticketPrice + subsidy;
  // dcrd shifts left by 32 before dividing and back after; for non-negative integers that is
  // plain floor division, but the shifts are kept so the formula reads as upstream states it.
  return contribAmounts.map((c) => (((c * payout) << 32n) / total) >> 32n);
}

/**
 * What a revocation pays back (dcrd CalculateRevocationRewards without the DCP-0009
 * automatic-revocation remainder distribution): the ticket price shared by contribution.
 */
export function calculateRevocationRewards(
  contribAmounts: readonly bigint[],
  ticketPrice: bigint,
): bigint[] {
  return calculateRewards(contribAmounts, ticketPrice, 0n);
}

/**
 * The fee a legacy stake pool (dcrstakepool) required ticket commitment #1 to cover
 * (dcrwallet txrules.StakePoolTicketFee). `poolFeePercent` is a percentage such as 2.59 and is
 * turned into hundredths of a percent with IEEE-754 `floor(pct * 100)`, exactly as Go does, so
 * 0.29 becomes 28, not 29. The vote subsidy is taken at `height` and then reduced as if
 * ceil(TicketPoolSize / SubsidyReductionInterval) reductions had passed, to estimate the
 * subsidy when the ticket is likely to vote.
 */
export function stakePoolTicketFee(
  stakeDiff: bigint,
  relayFee: bigint,
  height: number,
  poolFeePercent: number,
  net: NetParams,
  dcp0010Active: boolean,
  dcp0012Active: boolean,
): bigint {
  if (typeof stakeDiff !== 'bigint' || stakeDiff < 0n) {
    throw new RangeError('stakeDiff: must be a non-negative bigint');
  }
  if (typeof relayFee !== 'bigint' || relayFee < 0n) {
    throw new RangeError('relayFee: must be a non-negative bigint');
  }
  if (typeof poolFeePercent !== 'number' || !Number.isFinite(poolFeePercent)) {
    throw new RangeError('poolFeePercent: must be a finite number');
  }
  if (poolFeePercent < 0 || poolFeePercent > 100) {
    throw new RangeError('poolFeePercent: must be between 0 and 100');
  }
  checkHeight(height);
  const hundredths = BigInt(Math.floor(poolFeePercent * 100));
  const adjustments = Math.ceil(net.ticketPoolSize / net.subsidyReductionInterval);
  let subsidy = voteSubsidy(height, net, splitFromAgendas(dcp0010Active, dcp0012Active));
  // dcrwallet uses a literal 100/101 here, not the network's reduction factors.
  for (let i = 0; i < adjustments; i++) subsidy = (subsidy * 100n) / 101n;
  const den = (subsidy + stakeDiff) * 10000n;
  if (den === 0n) throw new RangeError('stakeDiff: must be positive when the subsidy is zero');
  const num = (hundredths * subsidy * (stakeDiff + relayFee)) << 64n;
  return (num / den) >> 64n;
}

/** Atoms as a DCR decimal with all 8 places, e.g. 150000000n -> "1.50000000". */
export function formatDcr(atoms: bigint): string {
  if (typeof atoms !== 'bigint') throw new TypeError('atoms: expected a bigint');
  const neg = atoms < 0n;
  const abs = neg ? -atoms : atoms;
  const whole = abs / ATOMS_PER_DCR;
  const frac = (abs % ATOMS_PER_DCR).toString().padStart(8, '0');
  return `${neg ? '-' : ''}${whole}.${frac}`;
}

/** Atoms as dcrutil's Amount.String() shows them: "1.50000000 DCR". */
export function formatAmount(atoms: bigint): string {
  return `${formatDcr(atoms)} DCR`;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Parse a non-negative DCR decimal ("1", "1.5", "0.00000001") into atoms. Strict: digits with
 * an optional point and 1–8 fraction digits; no sign, exponent, spaces or thousands separators;
 * at most the 21 million DCR supply.
 */
export function parseDcr(text: string, field = 'amount'): bigint {
  if (typeof text !== 'string') throw new TypeError(`${field}: expected a string`);
  const m = DECIMAL.exec(text);
  if (m === null)
    throw new RangeError(`${field}: not a decimal DCR amount: ${JSON.stringify(text)}`);
  const whole = m[1]!;
  const frac = m[2] ?? '';
  if (frac.length > 8) throw new RangeError(`${field}: more than 8 decimal places`);
  // Bound the digit count before BigInt so absurd inputs fail fast without huge allocations.
  if (whole.replace(/^0+/, '').length > 8) {
    throw new RangeError(`${field}: exceeds the maximum of 21000000 DCR`);
  }
  const atoms = BigInt(whole) * ATOMS_PER_DCR + BigInt(frac.padEnd(8, '0'));
  if (atoms > MAX_ATOMS) throw new RangeError(`${field}: exceeds the maximum of 21000000 DCR`);
  return atoms;
}

/**
 * Atoms from a float DCR amount as JSON-RPC reports it (dcrutil.NewAmount): multiply by 1e8 and
 * round half away from zero, the way Go's conversion does.
 */
export function atomsFromCoin(coins: number, field = 'amount'): bigint {
  if (typeof coins !== 'number' || !Number.isFinite(coins)) {
    throw new RangeError(`${field}: must be a finite number`);
  }
  const f = coins * 1e8;
  const rounded = Math.trunc(f < 0 ? f - 0.5 : f + 0.5);
  const atoms = BigInt(rounded);
  if (atoms > MAX_ATOMS || atoms < -MAX_ATOMS) {
    throw new RangeError(`${field}: exceeds the maximum of 21000000 DCR`);
  }
  return atoms;
}

/** Atoms as a float DCR amount (dcrutil Amount.ToCoin), for JSON-RPC parameters. */
export function atomsToCoin(atoms: bigint): number {
  if (typeof atoms !== 'bigint') throw new TypeError('atoms: expected a bigint');
  return Number(atoms) / 1e8;
}
