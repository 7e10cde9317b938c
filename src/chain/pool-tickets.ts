// What one block means for the legacy pool: the tickets whose voting output pays one of our 1-of-2
// multisig P2SH addresses (dcrwallet no longer has stakepooluserinfo, so we find them ourselves),
// each with its fee check, and the votes and revocations that spend a ticket we already store.
// Reading the block is separate from writing what it found, so the job can commit the findings and
// its scan point together.
import type { Block } from '../dcr/block.ts';
import { hashToDisplay, toHex } from '../dcr/bytes.ts';
import type { NetParams } from '../dcr/params.ts';
import { stakeTxType, ticketVotingAddress } from '../dcr/stake.ts';
import { encodeTx, TX_TREE_STAKE, txid } from '../dcr/tx.ts';
import type { NewPoolTicket, PoolOutcome, PoolTicket } from '../db/pool-tickets.ts';
import { evaluatePoolTicket } from '../pool/fee-check.ts';
import { spendOutcome, ticketSpendsInBlock } from './outcomes.ts';
import type { SpendOutcome, TicketSpend } from './outcomes.ts';

/**
 * The repository calls the pool's chain job makes (src/db pool-users.ts, pool-tickets.ts and
 * settings.ts without their `db` argument); dbPoolTicketStore in pool-pipeline.ts maps them.
 */
export interface PoolTicketStore {
  /** P2SH address → user id, for every user who has a multisig address. */
  poolMultisigOwners(): Promise<ReadonlyMap<string, number>>;
  /** Lowest height_registered among users with a multisig address; undefined when none. */
  minHeightRegistered(): Promise<number | undefined>;
  /** Idempotent: hashes already stored are left alone. */
  insertPoolTickets(tickets: NewPoolTicket[]): Promise<number>;
  getPoolTickets(hashes: string[]): Promise<StoredPoolTicket[]>;
  setPoolTicketOutcome(
    hash: string,
    o: { outcome: PoolOutcome; height: number; spentBy: string },
  ): Promise<unknown>;
  /** Reorg: removes the tickets purchased at ≥ height. */
  deletePoolTicketsFrom(height: number): Promise<number>;
  /** Reorg: outcomes at ≥ height back to unspent. */
  clearPoolOutcomesFrom(height: number): Promise<number>;
  getSetting(name: string): Promise<string | undefined>;
  setSetting(name: string, value: string): Promise<void>;
  /** Runs fn with a store whose writes commit together, or not at all. */
  atomically<T>(fn: (store: PoolTicketStore) => Promise<T>): Promise<T>;
}

/** What the spend lookup needs of a stored ticket. */
export type StoredPoolTicket = Pick<
  PoolTicket,
  'hash' | 'purchaseHeight' | 'outcome' | 'outcomeHeight' | 'spentBy'
>;

export interface PoolBlockContext {
  /** P2SH → user id, as loaded at the start of the run. */
  owners: ReadonlyMap<string, number>;
  /** The 10,000 fee addresses; asked for only when a pool ticket turns up (deriving costs). */
  feeAddresses: () => ReadonlySet<string>;
  poolFeePercent: number;
  net: NetParams;
}

export interface PoolOutcomeChange {
  ticket: string;
  outcome: SpendOutcome;
  height: number;
  spendTx: string;
}

/** Everything a block changes for the pool. */
export interface PoolBlockChanges {
  height: number;
  hash: string;
  tickets: NewPoolTicket[];
  outcomes: PoolOutcomeChange[];
}

/** The tickets in the block's stake tree whose voting output pays one of `ctx.owners`. */
export function findPoolTickets(
  block: Block,
  blockHash: string,
  ctx: PoolBlockContext,
): NewPoolTicket[] {
  const found: NewPoolTicket[] = [];
  if (ctx.owners.size === 0) return found;
  const height = block.header.height;
  for (const tx of block.stakeTransactions) {
    if (stakeTxType(tx) !== 'ticket') continue;
    const ticketAddress = ticketVotingAddress(tx, ctx.net);
    const userId = ctx.owners.get(ticketAddress);
    if (userId === undefined) continue;
    const fee = evaluatePoolTicket(tx, height, ctx.feeAddresses(), ctx.poolFeePercent, ctx.net);
    found.push({
      hash: txid(tx),
      userId,
      ticketAddress,
      purchaseHeight: height,
      purchaseBlock: blockHash,
      price: tx.outputs[0]!.value,
      feePaid: fee.feePaid,
      feeRequired: fee.feeRequired,
      feeStatus: fee.status,
      ticketHex: toHex(encodeTx(tx)),
    });
  }
  return found;
}

/**
 * Every vote and revocation in the block, whoever's ticket it spends: which of them are ours is a
 * database question (the pool may hold far more tickets than are worth keeping in memory).
 */
export function stakeSpendsInBlock(block: Block): TicketSpend[] {
  const spent = new Set<string>();
  for (const tx of block.stakeTransactions) {
    for (const i of tx.inputs) {
      if (i.prevIndex === 0 && i.prevTree === TX_TREE_STAKE) spent.add(hashToDisplay(i.prevHash));
    }
  }
  return ticketSpendsInBlock(block, spent);
}

/** Read a block: the pool tickets it buys and the stored tickets it spends (no writes). */
export async function examinePoolBlock(
  store: Pick<PoolTicketStore, 'getPoolTickets'>,
  block: Block,
  blockHash: string,
  ctx: PoolBlockContext,
): Promise<PoolBlockChanges> {
  const height = block.header.height;
  const changes: PoolBlockChanges = {
    height,
    hash: blockHash,
    tickets: findPoolTickets(block, blockHash, ctx),
    outcomes: [],
  };
  const spends = stakeSpendsInBlock(block);
  if (spends.length === 0) return changes;
  const stored = new Map(
    (await store.getPoolTickets(spends.map((s) => s.ticket))).map((t) => [t.hash, t]),
  );
  for (const sp of spends) {
    const t = stored.get(sp.ticket);
    if (t === undefined) continue;
    const outcome = spendOutcome(sp, t.purchaseHeight, ctx.net);
    // A rescan after a restart finds what is already recorded: no write needed.
    if (t.outcome === outcome && t.outcomeHeight === height && t.spentBy === sp.spendTx) continue;
    changes.outcomes.push({ ticket: sp.ticket, outcome, height, spendTx: sp.spendTx });
  }
  return changes;
}

export function hasPoolChanges(c: PoolBlockChanges): boolean {
  return c.tickets.length > 0 || c.outcomes.length > 0;
}

/** Store what examinePoolBlock found (run it inside the store's atomically with the scan point). */
export async function writePoolBlock(store: PoolTicketStore, c: PoolBlockChanges): Promise<void> {
  if (c.tickets.length > 0) await store.insertPoolTickets(c.tickets);
  for (const o of c.outcomes) {
    await store.setPoolTicketOutcome(o.ticket, {
      outcome: o.outcome,
      height: o.height,
      spentBy: o.spendTx,
    });
  }
}
