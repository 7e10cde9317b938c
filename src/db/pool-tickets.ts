// Legacy pool tickets, found by following the chain ourselves (dcrwallet's stakepooluserinfo is
// gone): every ticket whose voting output pays a user's 1-of-2 P2SH, with its fee check result,
// the raw ticket (to build votes without an RPC) and its outcome. /tickets reads this table a page
// at a time instead of asking a wallet for everything (dcrstakepool: 39 s for 50,000 tickets).
import { sql } from 'kysely';
import type { ExpressionBuilder, Selectable } from 'kysely';
import { engineOf, isPrimaryKeyViolation, nowSeconds, toBigint, toNumber } from './engine.ts';
import type { DatabaseSchema } from './schema.ts';
import type { Db } from './transaction.ts';

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

/** ok; low: the pool fee paid is too small; address: TxOut[1] pays no pool fee address. */
export const POOL_FEE_STATUSES = ['ok', 'low', 'address'] as const;
export type PoolFeeStatus = (typeof POOL_FEE_STATUSES)[number];

/** '' while unspent. */
export const POOL_OUTCOMES = ['', 'voted', 'missed', 'expired', 'revoked'] as const;
export type PoolOutcome = (typeof POOL_OUTCOMES)[number];

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

/**
 * Exactly one group per ticket. immature: unspent, valid, tip < purchase + maturity + 1; live:
 * unspent, valid, past that; invalid: fee check failed and no admin added it (any outcome);
 * the outcome groups hold valid tickets. Valid = fee ok, or added by an admin.
 */
export const POOL_TICKET_GROUPS = [
  'immature',
  'live',
  'voted',
  'missed',
  'expired',
  'revoked',
  'invalid',
] as const;
export type PoolTicketGroup = (typeof POOL_TICKET_GROUPS)[number];

export interface PoolTicketChainView {
  tipHeight: number;
  /** Blocks before a ticket may vote (ticket maturity of the network). */
  maturity: number;
}

export interface PoolTicketPage extends PoolTicketChainView {
  group: PoolTicketGroup;
  limit: number;
  offset: number;
}

const HASH_RE = /^[0-9a-f]{64}$/;
const MAX_INT32 = 2 ** 31 - 1;
// Bounded IN lists and multi-row inserts: SQLite allows the fewest bound parameters.
const CHUNK = 200;
const MAX_PAGE = 10_000;

function checkHash(field: string, value: string): string {
  if (typeof value !== 'string' || !HASH_RE.test(value)) {
    throw new TypeError(`${field}: must be 64 lowercase hex characters`);
  }
  return value;
}

function checkInt(field: string, value: number, min = 0, max = MAX_INT32): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${field}: must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

function checkAtoms(field: string, value: bigint): bigint {
  if (typeof value !== 'bigint' || value < 0n) {
    throw new RangeError(`${field}: must be a non-negative bigint of atoms`);
  }
  return value;
}

function checkFeeStatus(value: string): PoolFeeStatus {
  if (!(POOL_FEE_STATUSES as readonly string[]).includes(value)) {
    throw new TypeError(`feeStatus: unknown fee status ${JSON.stringify(value)}`);
  }
  return value as PoolFeeStatus;
}

function checkOutcome(value: string): PoolOutcome {
  if (!(POOL_OUTCOMES as readonly string[]).includes(value)) {
    throw new TypeError(`outcome: unknown outcome ${JSON.stringify(value)}`);
  }
  return value as PoolOutcome;
}

function checkGroup(value: string): PoolTicketGroup {
  if (!(POOL_TICKET_GROUPS as readonly string[]).includes(value)) {
    throw new TypeError(`group: unknown ticket group ${JSON.stringify(value)}`);
  }
  return value as PoolTicketGroup;
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

type TicketRow = Selectable<PoolTicketsTable> & { low_fee_added: unknown };

function fromRow(r: TicketRow): PoolTicket {
  return {
    hash: r.hash,
    userId: r.user_id,
    ticketAddress: r.ticket_address,
    purchaseHeight: r.purchase_height,
    purchaseBlock: r.purchase_block,
    price: toBigint(r.price),
    feePaid: toBigint(r.fee_paid),
    feeRequired: toBigint(r.fee_required),
    feeStatus: checkFeeStatus(r.fee_status),
    ticketHex: r.ticket_hex,
    outcome: checkOutcome(r.outcome),
    outcomeHeight: r.outcome_height,
    spentBy: r.spent_by,
    lowFeeAdded: toNumber(r.low_fee_added) !== 0,
  };
}

const ADDED = sql<number>`case when lf.ticket_hash is null then 0 else 1 end`;

/** Tickets joined with their admin-added flag; callers add where/order. */
function ticketsWithFlag(db: Db) {
  return db
    .selectFrom('pool_tickets as t')
    .leftJoin('pool_low_fee_tickets as lf', 'lf.ticket_hash', 't.hash')
    .selectAll('t')
    .select(ADDED.as('low_fee_added'));
}

type TicketEb = ExpressionBuilder<DatabaseSchema & { t: PoolTicketsTable }, 't'>;

// IN (subquery) rather than a join: the admin-added list is short, every engine evaluates it once,
// and rows whose fee is ok never look at it.
function addedList(eb: TicketEb) {
  return eb.selectFrom('pool_low_fee_tickets').select('ticket_hash');
}

function isValid(eb: TicketEb) {
  return eb.or([eb('t.fee_status', '=', 'ok'), eb('t.hash', 'in', addedList(eb))]);
}

/** Heights at or below this are live for unspent valid tickets; above, immature. */
function liveThrough(view: PoolTicketChainView): number {
  const tip = checkInt('tipHeight', view.tipHeight);
  const maturity = checkInt('maturity', view.maturity);
  // tip < purchase + maturity + 1  ⇔  purchase > tip - maturity - 1
  return tip - maturity - 1;
}

// Compared through coalesce (a no-op: the column is NOT NULL) so that no engine pages a user's
// tickets through pool_tickets_outcome_idx: for a rare outcome a planner may like that index, but
// it reads every user's tickets with that outcome and sorts them, where the user index reads only
// this user's entries, already in order. The cost then never depends on other users' tickets.
function outcomeIs(eb: TicketEb, outcome: PoolOutcome) {
  return eb(eb.fn.coalesce('t.outcome', eb.val('')), '=', outcome);
}

function groupFilter(eb: TicketEb, group: PoolTicketGroup, through: number) {
  switch (group) {
    case 'invalid':
      return eb.and([eb('t.fee_status', '!=', 'ok'), eb('t.hash', 'not in', addedList(eb))]);
    case 'immature':
      return eb.and([isValid(eb), outcomeIs(eb, ''), eb('t.purchase_height', '>', through)]);
    case 'live':
      return eb.and([isValid(eb), outcomeIs(eb, ''), eb('t.purchase_height', '<=', through)]);
    case 'voted':
    case 'missed':
    case 'expired':
    case 'revoked':
      return eb.and([isValid(eb), outcomeIs(eb, group)]);
    default: {
      const never: never = group;
      throw new TypeError(`group: ${String(never)}`);
    }
  }
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

/**
 * One page of a user's tickets in one group, newest purchase first (hash breaks ties). The page
 * is picked from pool_tickets_user_height_idx alone (it carries hash, outcome and fee status), so
 * it costs about limit + offset index entries however many tickets the user has, and only the
 * rows shown are read.
 */
export async function listPoolUserTickets(
  db: Db,
  userId: number,
  page: PoolTicketPage,
): Promise<PoolTicket[]> {
  const group = checkGroup(page.group);
  const through = liveThrough(page);
  const limit = checkInt('limit', page.limit, 0, MAX_PAGE);
  const offset = checkInt('offset', page.offset);
  checkInt('userId', userId);
  if (limit === 0) return [];
  const picked = await db
    .selectFrom('pool_tickets as t')
    .select('t.hash')
    .where('t.user_id', '=', userId)
    .where((eb) => groupFilter(eb, group, through))
    .orderBy('t.purchase_height', 'desc')
    .orderBy('t.hash', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  if (picked.length === 0) return [];
  const rows = await ticketsWithFlag(db)
    .where(
      't.hash',
      'in',
      picked.map((r) => r.hash),
    )
    .execute();
  return rows
    .map(fromRow)
    .sort(
      (a, b) =>
        b.purchaseHeight - a.purchaseHeight || (a.hash < b.hash ? 1 : a.hash > b.hash ? -1 : 0),
    );
}

function emptyCounts(): Record<PoolTicketGroup, number> {
  return { immature: 0, live: 0, voted: 0, missed: 0, expired: 0, revoked: 0, invalid: 0 };
}

function addCount(
  counts: Record<PoolTicketGroup, number>,
  outcomeText: string,
  n: number,
  young: number,
): void {
  const outcome = checkOutcome(outcomeText);
  if (outcome === '') {
    counts.immature += young;
    counts.live += n - young;
  } else {
    counts[outcome] += n;
  }
}

// Every ticket counted by (outcome, fee status), read from the index alone; then the few
// admin-added ones move from invalid to the group their outcome gives.
async function countGroups(
  db: Db,
  view: PoolTicketChainView,
  userId: number | undefined,
): Promise<Record<PoolTicketGroup, number>> {
  const through = liveThrough(view);
  if (userId !== undefined) checkInt('userId', userId);
  const young = (eb: TicketEb) =>
    eb.fn.sum(eb.case().when('t.purchase_height', '>', through).then(1).else(0).end());
  let all = db
    .selectFrom('pool_tickets as t')
    .select((eb) => ['t.outcome', 't.fee_status', eb.fn.countAll().as('n'), young(eb).as('young')])
    .groupBy(['t.outcome', 't.fee_status']);
  // Not filtered by user in SQL: a user filter would tempt the planner to walk that user's
  // tickets and probe the (short) added list for each, instead of the other way round.
  // Written as IN (the short list) so that every engine probes the primary key per added
  // ticket: as a join, SQLite without statistics read the whole pool's tickets (4-8 ms at
  // 100,000) instead.
  const added = db
    .selectFrom('pool_tickets as t')
    .select(['t.user_id', 't.outcome', 't.purchase_height'])
    .where('t.hash', 'in', (eb) => eb.selectFrom('pool_low_fee_tickets').select('ticket_hash'))
    .where('t.fee_status', '!=', 'ok');
  if (userId !== undefined) all = all.where('t.user_id', '=', userId);
  const counts = emptyCounts();
  for (const r of await all.execute()) {
    const n = toNumber(r.n);
    if (r.fee_status === 'ok') addCount(counts, r.outcome, n, toNumber(r.young));
    else counts.invalid += n;
  }
  for (const r of await added.execute()) {
    if (userId !== undefined && r.user_id !== userId) continue;
    counts.invalid -= 1;
    addCount(counts, r.outcome, 1, r.purchase_height > through ? 1 : 0);
  }
  return counts;
}

/** How many of the user's tickets are in each group. */
export function countPoolUserTickets(
  db: Db,
  userId: number,
  view: PoolTicketChainView,
): Promise<Record<PoolTicketGroup, number>> {
  return countGroups(db, view, userId);
}

/** The same over every user: the pool's own numbers for /stats. */
export function poolTicketCounts(
  db: Db,
  view: PoolTicketChainView,
): Promise<Record<PoolTicketGroup, number>> {
  return countGroups(db, view, undefined);
}
