// Legacy pool tickets, found by following the chain ourselves (dcrwallet's stakepooluserinfo is
// gone): every ticket whose voting output pays a user's 1-of-2 P2SH, with its fee check result,
// the raw ticket (to build votes without an RPC) and its outcome. /tickets reads this table a page
// at a time instead of asking a wallet for everything (dcrstakepool: 39 s for 50,000 tickets).
import { engineOf, isPrimaryKeyViolation, nowSeconds } from './engine.ts';
import {
  CHUNK,
  checkFeeStatus,
  checkHash,
  checkInt,
  checkOutcome,
  fromRow,
  MAX_PAGE,
  outcomeIs,
  ticketsWithFlag,
} from './pool-ticket-rows.ts';
import type { PoolFeeStatus, PoolOutcome } from './pool-ticket-rows.ts';
import type { Db } from './transaction.ts';

export { POOL_FEE_STATUSES, POOL_OUTCOMES } from './pool-ticket-rows.ts';
export type { PoolFeeStatus, PoolOutcome } from './pool-ticket-rows.ts';
export {
  countPoolUserTickets,
  listPoolUserTickets,
  POOL_TICKET_GROUPS,
  poolTicketCounts,
} from './pool-ticket-groups.ts';
export type { PoolTicketChainView, PoolTicketGroup, PoolTicketPage } from './pool-ticket-groups.ts';

export interface PoolTicketsTable {
  hash: string;
  user_id: number;
  ticket_address: string;
  purchase_height: number;
  purchase_block: string;
  price: bigint;
  fee_paid: bigint;
  fee_required: bigint;
  fee_status: string;
  ticket_hex: string;
  outcome: string;
  outcome_height: number;
  spent_by: string;
  created_at: bigint;
  updated_at: bigint;
}

export interface PoolTicket {
  /** Display hex. */
  hash: string;
  userId: number;
  /** The P2SH the voting output pays. */
  ticketAddress: string;
  purchaseHeight: number;
  purchaseBlock: string;
  /** TxOut[0], atoms. */
  price: bigint;
  /** Commitment #1 (TxOut[1]), atoms. */
  feePaid: bigint;
  /** StakePoolTicketFee for this ticket, atoms. */
  feeRequired: bigint;
  feeStatus: PoolFeeStatus;
  ticketHex: string;
  outcome: PoolOutcome;
  /** Block of the vote or revocation (or where the ticket missed/expired); 0 while unspent. */
  outcomeHeight: number;
  /** The vote or revocation tx; '' without one. */
  spentBy: string;
  /** An admin added it on /admintickets despite its fee check: it is voted and shown as valid. */
  lowFeeAdded: boolean;
}

export type NewPoolTicket = Omit<
  PoolTicket,
  'outcome' | 'outcomeHeight' | 'spentBy' | 'lowFeeAdded'
>;

/** What the voter needs to build and sign a vote for one ticket. */
export interface VotableTicket {
  hash: string;
  userId: number;
  ticketHex: string;
  /** The owner's 1-of-2 redeem script, hex. */
  redeemScript: string;
  voteBits: number;
  voteBitsVersion: number;
}

function checkAtoms(field: string, value: bigint): bigint {
  if (typeof value !== 'bigint' || value < 0n) {
    throw new RangeError(`${field}: must be a non-negative bigint of atoms`);
  }
  return value;
}

function toRow(t: NewPoolTicket, now: bigint): PoolTicketsTable {
  const hex = t.ticketHex;
  if (typeof hex !== 'string' || !/^(?:[0-9a-f]{2})+$/.test(hex)) {
    throw new TypeError('ticketHex: must be lowercase hex');
  }
  if (typeof t.ticketAddress !== 'string' || t.ticketAddress.length === 0) {
    throw new TypeError('ticketAddress: must be a non-empty string');
  }
  if (t.ticketAddress.length > 64) throw new RangeError('ticketAddress: longer than 64 characters');
  return {
    hash: checkHash('hash', t.hash),
    user_id: checkInt('userId', t.userId, 1),
    ticket_address: t.ticketAddress,
    purchase_height: checkInt('purchaseHeight', t.purchaseHeight),
    purchase_block: checkHash('purchaseBlock', t.purchaseBlock),
    price: checkAtoms('price', t.price),
    fee_paid: checkAtoms('feePaid', t.feePaid),
    fee_required: checkAtoms('feeRequired', t.feeRequired),
    fee_status: checkFeeStatus(t.feeStatus),
    ticket_hex: hex,
    outcome: '',
    outcome_height: 0,
    spent_by: '',
    created_at: now,
    updated_at: now,
  };
}

/**
 * Stores newly found tickets. Idempotent: hashes already stored are left as they are (the block
 * scanned again after a restart or by another process). Returns how many were added.
 */
export async function insertPoolTickets(
  db: Db,
  tickets: readonly NewPoolTicket[],
): Promise<number> {
  const now = BigInt(nowSeconds());
  const rows = tickets.map((t) => toRow(t, now));
  let added = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    added +=
      engineOf(db) === 'mysql' ? await insertMysql(db, chunk) : await insertOthers(db, chunk);
  }
  return added;
}

async function insertOthers(db: Db, rows: PoolTicketsTable[]): Promise<number> {
  const result = await db
    .insertInto('pool_tickets')
    .values(rows)
    .onConflict((oc) => oc.column('hash').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

// MySQL has no ON CONFLICT, and INSERT IGNORE would also swallow strict-mode errors: skip the
// stored hashes, and fall back to one row at a time if another process inserts meanwhile. InnoDB
// undoes only the failed statement on a duplicate key, so this works inside a transaction too.
async function insertMysql(db: Db, rows: PoolTicketsTable[]): Promise<number> {
  const existing = await db
    .selectFrom('pool_tickets')
    .select('hash')
    .where(
      'hash',
      'in',
      rows.map((r) => r.hash),
    )
    .execute();
  const stored = new Set(existing.map((r) => r.hash));
  const fresh = [
    ...new Map(rows.filter((r) => !stored.has(r.hash)).map((r) => [r.hash, r])).values(),
  ];
  if (fresh.length === 0) return 0;
  try {
    await db.insertInto('pool_tickets').values(fresh).execute();
    return fresh.length;
  } catch (err) {
    if (!isPrimaryKeyViolation(err)) throw err;
  }
  let added = 0;
  for (const row of fresh) {
    try {
      await db.insertInto('pool_tickets').values(row).execute();
      added++;
    } catch (err) {
      if (!isPrimaryKeyViolation(err)) throw err;
    }
  }
  return added;
}

export async function getPoolTicket(db: Db, hash: string): Promise<PoolTicket | undefined> {
  const row = await ticketsWithFlag(db).where('t.hash', '=', hash).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** The stored tickets among hashes (unknown ones left out), by purchase height then hash. */
export async function getPoolTickets(db: Db, hashes: readonly string[]): Promise<PoolTicket[]> {
  const out: PoolTicket[] = [];
  for (let i = 0; i < hashes.length; i += CHUNK) {
    const chunk = hashes.slice(i, i + CHUNK);
    const rows = await ticketsWithFlag(db).where('t.hash', 'in', chunk).execute();
    out.push(...rows.map(fromRow));
  }
  return out.sort(
    (a, b) =>
      a.purchaseHeight - b.purchaseHeight || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0),
  );
}

/** Records (or, with outcome '', clears) how the ticket was spent; false if it is unknown. */
export async function setPoolTicketOutcome(
  db: Db,
  hash: string,
  o: { outcome: PoolOutcome; height: number; spentBy: string },
): Promise<boolean> {
  const outcome = checkOutcome(o.outcome);
  if (o.spentBy !== '') checkHash('spentBy', o.spentBy);
  const result = await db
    .updateTable('pool_tickets')
    .set({
      outcome,
      outcome_height: checkInt('height', o.height),
      spent_by: o.spentBy,
      updated_at: BigInt(nowSeconds()),
    })
    .where('hash', '=', hash)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Reorg: forgets the tickets bought at height or above (rescanning finds them again). */
export async function deletePoolTicketsFrom(db: Db, height: number): Promise<number> {
  const result = await db
    .deleteFrom('pool_tickets')
    .where('purchase_height', '>=', checkInt('height', height))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Reorg: outcomes recorded at height or above go back to unspent. */
export async function clearPoolOutcomesFrom(db: Db, height: number): Promise<number> {
  const result = await db
    .updateTable('pool_tickets')
    .set({ outcome: '', outcome_height: 0, spent_by: '', updated_at: BigInt(nowSeconds()) })
    .where('outcome', '!=', '')
    .where('outcome_height', '>=', checkInt('height', height))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Of the given (winning) tickets, those the pool votes: unspent, and fee ok or admin-added, with
 * the owner's redeem script and vote preferences.
 */
export async function votablePoolTickets(
  db: Db,
  hashes: readonly string[],
): Promise<VotableTicket[]> {
  const out: VotableTicket[] = [];
  for (let i = 0; i < hashes.length; i += CHUNK) {
    const chunk = hashes.slice(i, i + CHUNK);
    const rows = await db
      .selectFrom('pool_tickets as t')
      .innerJoin('pool_users as u', 'u.id', 't.user_id')
      .leftJoin('pool_low_fee_tickets as lf', 'lf.ticket_hash', 't.hash')
      .select([
        't.hash',
        't.user_id',
        't.ticket_hex',
        't.outcome',
        't.fee_status',
        'lf.ticket_hash as low_fee_hash',
        'u.multisig_script',
        'u.vote_bits',
        'u.vote_bits_version',
      ])
      // Only the primary key in SQL: with more conditions SQLite (no statistics) walks the
      // outcome index over every unspent ticket instead (130 ms at 100,000 tickets, against
      // 0.3 ms). The few winners are filtered here.
      .where('t.hash', 'in', chunk)
      .execute();
    for (const r of rows) {
      if (r.outcome !== '' || r.multisig_script === null) continue;
      if (r.fee_status !== 'ok' && r.low_fee_hash === null) continue;
      out.push({
        hash: r.hash,
        userId: r.user_id,
        ticketHex: r.ticket_hex,
        redeemScript: r.multisig_script,
        voteBits: r.vote_bits,
        voteBitsVersion: r.vote_bits_version,
      });
    }
  }
  return out;
}

export interface VotablePage {
  /** '' for the first page, then the last hash of the previous page. */
  afterHash: string;
  limit: number;
}

/**
 * Every ticket the pool would vote (unspent, fee ok or admin-added, owner with a multisig), one
 * page at a time in hash order: the voter's snapshot for when the database is down. Keyset paging
 * on the primary key, so each page costs about `limit` rows however far it is, and no page holds
 * a long read open.
 */
export async function allVotablePoolTickets(db: Db, page: VotablePage): Promise<VotableTicket[]> {
  const limit = checkInt('limit', page.limit, 0, MAX_PAGE);
  if (page.afterHash !== '') checkHash('afterHash', page.afterHash);
  if (limit === 0) return [];
  const rows = await db
    .selectFrom('pool_tickets as t')
    .innerJoin('pool_users as u', 'u.id', 't.user_id')
    .leftJoin('pool_low_fee_tickets as lf', 'lf.ticket_hash', 't.hash')
    .select([
      't.hash',
      't.user_id',
      't.ticket_hex',
      'u.multisig_script',
      'u.vote_bits',
      'u.vote_bits_version',
    ])
    .where('t.hash', '>', page.afterHash)
    // Through coalesce (see outcomeIs): the walk must follow the primary key in hash order. A
    // plan over pool_tickets_outcome_idx would sort every unspent ticket for each page.
    .where((eb) => outcomeIs(eb, ''))
    .where((eb) => eb.or([eb('t.fee_status', '=', 'ok'), eb('lf.ticket_hash', 'is not', null)]))
    .where('u.multisig_script', 'is not', null)
    .orderBy('t.hash')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    hash: r.hash,
    userId: r.user_id,
    ticketHex: r.ticket_hex,
    // Not null: filtered above (kysely's select types do not narrow on where).
    redeemScript: r.multisig_script ?? '',
    voteBits: r.vote_bits,
    voteBitsVersion: r.vote_bits_version,
  }));
}
