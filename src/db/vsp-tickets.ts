// VSP tickets: one row per ticket a wallet registered through /feeaddress, with its fee, voting
// key, vote choices and outcome (vspd's ticketbkt, see shared/reference/vspd.md §6).
import type { Selectable, Updateable } from 'kysely';
import { engineOf, isPrimaryKeyViolation, nowSeconds, toBigint, toNumber } from './engine.ts';
import { withTransaction } from './transaction.ts';
import type { Db, Trx } from './transaction.ts';

export interface VspTicketsTable {
  hash: string;
  purchase_height: number;
  commitment_address: string;
  fee_address_xpub_id: number;
  fee_address_index: number;
  fee_address: string;
  fee_amount: bigint;
  fee_expiration: bigint;
  fee_tx_hash: string;
  fee_tx_hex: string;
  fee_tx_status: string;
  voting_wif: string;
  vote_choices: string;
  tspend_policy: string;
  treasury_policy: string;
  confirmed: number;
  outcome: string;
  outcome_height: number;
  spend_tx_hash: string;
  created_at: bigint;
  updated_at: bigint;
}

export const FEE_STATUSES = ['none', 'received', 'broadcast', 'confirmed', 'error'] as const;
export type FeeStatus = (typeof FEE_STATUSES)[number];

/** '' while the ticket can still vote; 'revoked' is vspd's legacy outcome (counted as expired). */
export const TICKET_OUTCOMES = ['', 'voted', 'missed', 'expired', 'revoked'] as const;
export type TicketOutcome = (typeof TICKET_OUTCOMES)[number];

/** agenda → choice, tspend hash → policy, treasury key → policy: JSON objects of strings. */
export type ChoiceMap = Record<string, string>;

export interface Ticket {
  hash: string;
  /** Block height the ticket was mined at; 0 until it has 6 confirmations. */
  purchaseHeight: number;
  commitmentAddress: string;
  feeAddressXpubId: number;
  feeAddressIndex: number;
  feeAddress: string;
  /** Atoms. */
  feeAmount: bigint;
  /** Unix seconds. */
  feeExpiration: number;
  /** Set when the ticket has 6+ confirmations. */
  confirmed: boolean;
  /** Set by payfee; '' before. */
  votingWif: string;
  voteChoices: ChoiceMap;
  tspendPolicy: ChoiceMap;
  treasuryPolicy: ChoiceMap;
  feeTxHex: string;
  feeTxHash: string;
  feeTxStatus: FeeStatus;
  outcome: TicketOutcome;
  /** Height of the block holding the vote or revocation; 0 without an outcome. */
  outcomeHeight: number;
  /** The vote or revocation tx hash; '' without an outcome. */
  spendTxHash: string;
  createdAt: number;
  updatedAt: number;
}

type TicketFields = Omit<Ticket, 'hash' | 'createdAt' | 'updatedAt'>;

/** What /feeaddress knows; everything else starts empty (status 'none', no outcome). */
export type NewTicket = Pick<
  Ticket,
  | 'hash'
  | 'commitmentAddress'
  | 'feeAddressXpubId'
  | 'feeAddressIndex'
  | 'feeAddress'
  | 'feeAmount'
  | 'feeExpiration'
> &
  Partial<TicketFields>;

export type TicketPatch = Partial<TicketFields>;

export interface UpdateCondition {
  /** Only update while the stored fee status is one of these (a compare-and-set). */
  feeTxStatusIn?: readonly FeeStatus[];
}

export interface OutcomeCounts {
  /** Fee confirmed, no outcome yet. */
  voting: number;
  voted: number;
  expired: number;
  missed: number;
  revoked: number;
}

const HASH_RE = /^[0-9a-f]{64}$/;
const MAX_INT32 = 2 ** 31 - 1;

function checkHash(field: string, value: string, allowEmpty = false): string {
  if (allowEmpty && value === '') return value;
  if (typeof value !== 'string' || !HASH_RE.test(value)) {
    throw new TypeError(`${field}: must be 64 lowercase hex characters`);
  }
  return value;
}

function checkInt32(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_INT32) {
    throw new RangeError(`${field}: must be an integer in [0, 2^31-1], got ${value}`);
  }
  return value;
}

function checkUnixSeconds(field: string, value: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${field}: must be a non-negative integer of seconds, got ${value}`);
  }
  return BigInt(value);
}

function checkString(field: string, value: string, max: number): string {
  if (typeof value !== 'string') throw new TypeError(`${field}: must be a string`);
  if (value.length > max) throw new RangeError(`${field}: longer than ${max} characters`);
  return value;
}

function checkFeeStatus(field: string, value: string): FeeStatus {
  if (!(FEE_STATUSES as readonly string[]).includes(value)) {
    throw new TypeError(`${field}: unknown fee status ${JSON.stringify(value)}`);
  }
  return value as FeeStatus;
}

function checkOutcome(field: string, value: string): TicketOutcome {
  if (!(TICKET_OUTCOMES as readonly string[]).includes(value)) {
    throw new TypeError(`${field}: unknown outcome ${JSON.stringify(value)}`);
  }
  return value as TicketOutcome;
}

function encodeChoices(field: string, map: ChoiceMap): string {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    throw new TypeError(`${field}: must be an object of strings`);
  }
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== 'string') throw new TypeError(`${field}: value of ${k} is not a string`);
  }
  return JSON.stringify(map);
}

function decodeChoices(field: string, hash: string, text: string): ChoiceMap {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${field}: stored value of ticket ${hash} is not a JSON object`);
  }
  const out: ChoiceMap = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new TypeError(`${field}: ticket ${hash} has non-string ${k}`);
    out[k] = v;
  }
  return out;
}

type TicketColumns = Omit<VspTicketsTable, 'hash' | 'created_at' | 'updated_at'>;

// Field-by-field so a patch writes only the columns it names.
function toColumns(p: TicketPatch): Partial<TicketColumns> {
  const c: Partial<TicketColumns> = {};
  if (p.purchaseHeight !== undefined)
    c.purchase_height = checkInt32('purchaseHeight', p.purchaseHeight);
  if (p.commitmentAddress !== undefined)
    c.commitment_address = checkString('commitmentAddress', p.commitmentAddress, 64);
  if (p.feeAddressXpubId !== undefined)
    c.fee_address_xpub_id = checkInt32('feeAddressXpubId', p.feeAddressXpubId);
  if (p.feeAddressIndex !== undefined)
    c.fee_address_index = checkInt32('feeAddressIndex', p.feeAddressIndex);
  if (p.feeAddress !== undefined) c.fee_address = checkString('feeAddress', p.feeAddress, 64);
  if (p.feeAmount !== undefined) {
    if (typeof p.feeAmount !== 'bigint' || p.feeAmount < 0n) {
      throw new RangeError('feeAmount: must be a non-negative bigint of atoms');
    }
    c.fee_amount = p.feeAmount;
  }
  if (p.feeExpiration !== undefined)
    c.fee_expiration = checkUnixSeconds('feeExpiration', p.feeExpiration);
  if (p.feeTxHash !== undefined) c.fee_tx_hash = checkHash('feeTxHash', p.feeTxHash, true);
  if (p.feeTxHex !== undefined) c.fee_tx_hex = checkString('feeTxHex', p.feeTxHex, 4_000_000);
  if (p.feeTxStatus !== undefined) c.fee_tx_status = checkFeeStatus('feeTxStatus', p.feeTxStatus);
  if (p.votingWif !== undefined) c.voting_wif = checkString('votingWif', p.votingWif, 128);
  if (p.voteChoices !== undefined) c.vote_choices = encodeChoices('voteChoices', p.voteChoices);
  if (p.tspendPolicy !== undefined) c.tspend_policy = encodeChoices('tspendPolicy', p.tspendPolicy);
  if (p.treasuryPolicy !== undefined)
    c.treasury_policy = encodeChoices('treasuryPolicy', p.treasuryPolicy);
  if (p.confirmed !== undefined) c.confirmed = p.confirmed ? 1 : 0;
  if (p.outcome !== undefined) c.outcome = checkOutcome('outcome', p.outcome);
  if (p.outcomeHeight !== undefined)
    c.outcome_height = checkInt32('outcomeHeight', p.outcomeHeight);
  if (p.spendTxHash !== undefined) c.spend_tx_hash = checkHash('spendTxHash', p.spendTxHash, true);
  return c;
}

function fromRow(r: Selectable<VspTicketsTable>): Ticket {
  return {
    hash: r.hash,
    purchaseHeight: r.purchase_height,
    commitmentAddress: r.commitment_address,
    feeAddressXpubId: r.fee_address_xpub_id,
    feeAddressIndex: r.fee_address_index,
    feeAddress: r.fee_address,
    feeAmount: toBigint(r.fee_amount),
    feeExpiration: toNumber(r.fee_expiration),
    confirmed: Number(r.confirmed) !== 0,
    votingWif: r.voting_wif,
    voteChoices: decodeChoices('voteChoices', r.hash, r.vote_choices),
    tspendPolicy: decodeChoices('tspendPolicy', r.hash, r.tspend_policy),
    treasuryPolicy: decodeChoices('treasuryPolicy', r.hash, r.treasury_policy),
    feeTxHex: r.fee_tx_hex,
    feeTxHash: r.fee_tx_hash,
    feeTxStatus: checkFeeStatus('fee_tx_status', r.fee_tx_status),
    outcome: checkOutcome('outcome', r.outcome),
    outcomeHeight: r.outcome_height,
    spendTxHash: r.spend_tx_hash,
    createdAt: toNumber(r.created_at),
    updatedAt: toNumber(r.updated_at),
  };
}

/**
 * Stores a new ticket. Returns false, writing nothing, when the hash is already stored (two
 * /feeaddress calls racing for the same new ticket: the loser reads the winner's row).
 */
export async function insertTicket(db: Db, ticket: NewTicket): Promise<boolean> {
  const now = BigInt(nowSeconds());
  const row: VspTicketsTable = {
    hash: checkHash('hash', ticket.hash),
    purchase_height: 0,
    commitment_address: '',
    fee_address_xpub_id: 0,
    fee_address_index: 0,
    fee_address: '',
    fee_amount: 0n,
    fee_expiration: 0n,
    fee_tx_hash: '',
    fee_tx_hex: '',
    fee_tx_status: 'none',
    voting_wif: '',
    vote_choices: '{}',
    tspend_policy: '{}',
    treasury_policy: '{}',
    confirmed: 0,
    outcome: '',
    outcome_height: 0,
    spend_tx_hash: '',
    ...toColumns(ticket),
    created_at: now,
    updated_at: now,
  };
  if (engineOf(db) === 'mysql') {
    try {
      await db.insertInto('vsp_tickets').values(row).execute();
      return true;
    } catch (err) {
      if (isPrimaryKeyViolation(err)) return false;
      throw err;
    }
  }
  const result = await db
    .insertInto('vsp_tickets')
    .values(row)
    .onConflict((oc) => oc.column('hash').doNothing())
    .executeTakeFirst();
  return result.numInsertedOrUpdatedRows === 1n;
}

export async function getTicket(db: Db, hash: string): Promise<Ticket | undefined> {
  const row = await db
    .selectFrom('vsp_tickets')
    .selectAll()
    .where('hash', '=', hash)
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

export async function getTicketByFeeAddress(db: Db, address: string): Promise<Ticket | undefined> {
  const row = await db
    .selectFrom('vsp_tickets')
    .selectAll()
    .where('fee_address', '=', address)
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** The stored tickets among hashes (unknown ones are left out), by purchase height then hash. */
export async function getTickets(db: Db, hashes: readonly string[]): Promise<Ticket[]> {
  const out: Ticket[] = [];
  // Bounded IN lists: every engine has a parameter limit (SQLite's is the lowest).
  for (let i = 0; i < hashes.length; i += 500) {
    const chunk = hashes.slice(i, i + 500);
    const rows = await db
      .selectFrom('vsp_tickets')
      .selectAll()
      .where('hash', 'in', chunk)
      .execute();
    out.push(...rows.map(fromRow));
  }
  return out.sort(byHeightThenHash);
}

function byHeightThenHash(a: Ticket, b: Ticket): number {
  return a.purchaseHeight - b.purchaseHeight || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0);
}

/**
 * Writes the named fields only. Returns false when no row was changed: the ticket is unknown, or
 * condition.feeTxStatusIn did not match the stored status.
 */
export async function updateTicket(
  db: Db,
  hash: string,
  patch: TicketPatch,
  condition: UpdateCondition = {},
): Promise<boolean> {
  const set: Updateable<VspTicketsTable> = {
    ...toColumns(patch),
    updated_at: BigInt(nowSeconds()),
  };
  let query = db.updateTable('vsp_tickets').set(set).where('hash', '=', hash);
  if (condition.feeTxStatusIn !== undefined) {
    if (condition.feeTxStatusIn.length === 0) return false;
    query = query.where('fee_tx_status', 'in', [...condition.feeTxStatusIn]);
  }
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Takes the ticket's row lock until the transaction ends, so read-modify-write sequences on one
 * ticket (vote-change records, choice merges) run one at a time across processes. SQLite needs
 * nothing: its transactions already hold the database write lock. Returns false if unknown.
 */
export async function lockTicket(trx: Trx, hash: string): Promise<boolean> {
  let query = trx.selectFrom('vsp_tickets').select('hash').where('hash', '=', hash);
  if (engineOf(trx) !== 'sqlite') query = query.forUpdate();
  return (await query.executeTakeFirst()) !== undefined;
}

/**
 * Removes a ticket with its vote-change records and alternate sign address, as vspd does when the
 * ticket tx drops out of the mempool unmined. Returns whether the ticket was stored; an alternate
 * sign address recorded before /feeaddress is removed either way.
 */
export async function deleteTicket(db: Db, hash: string): Promise<boolean> {
  return withTransaction(db, async (trx) => {
    // Ticket row first, the order appendVoteChange locks in, so the two cannot deadlock.
    const exists = await lockTicket(trx, hash);
    await trx.deleteFrom('vsp_vote_changes').where('ticket_hash', '=', hash).execute();
    await trx.deleteFrom('vsp_alt_sign_addresses').where('ticket_hash', '=', hash).execute();
    if (!exists) return false;
    const result = await trx.deleteFrom('vsp_tickets').where('hash', '=', hash).executeTakeFirst();
    return result.numDeletedRows > 0n;
  });
}

export interface TicketFilter {
  feeTxStatus?: FeeStatus | readonly FeeStatus[];
  outcome?: TicketOutcome | readonly TicketOutcome[];
  confirmed?: boolean;
  /** purchase_height = 0 (true) or > 0 (false). */
  missingPurchaseHeight?: boolean;
}

/** Tickets matching every given criterion, by purchase height then hash. */
export async function findTickets(db: Db, filter: TicketFilter): Promise<Ticket[]> {
  let query = db.selectFrom('vsp_tickets').selectAll();
  if (filter.feeTxStatus !== undefined) {
    const list = typeof filter.feeTxStatus === 'string' ? [filter.feeTxStatus] : filter.feeTxStatus;
    query = query.where('fee_tx_status', 'in', [...list]);
  }
  if (filter.outcome !== undefined) {
    const list = typeof filter.outcome === 'string' ? [filter.outcome] : filter.outcome;
    query = query.where('outcome', 'in', [...list]);
  }
  if (filter.confirmed !== undefined)
    query = query.where('confirmed', '=', filter.confirmed ? 1 : 0);
  if (filter.missingPurchaseHeight !== undefined) {
    query = query.where('purchase_height', filter.missingPurchaseHeight ? '=' : '>', 0);
  }
  const rows = await query.orderBy('purchase_height').orderBy('hash').execute();
  return rows.map(fromRow);
}

export function ticketsByFeeStatus(db: Db, status: FeeStatus): Promise<Ticket[]> {
  return findTickets(db, { feeTxStatus: status });
}

export function ticketsByOutcome(db: Db, outcome: TicketOutcome): Promise<Ticket[]> {
  return findTickets(db, { outcome });
}

/** Tickets without 6 confirmations yet (update step 1). */
export function unconfirmedTickets(db: Db): Promise<Ticket[]> {
  return findTickets(db, { confirmed: false });
}

/** Confirmed tickets whose fee tx was received but not yet broadcast (update step 2). */
export function pendingFees(db: Db): Promise<Ticket[]> {
  return findTickets(db, { confirmed: true, feeTxStatus: 'received' });
}

/** Fee txs broadcast but not yet confirmed (update step 3). */
export function unconfirmedFees(db: Db): Promise<Ticket[]> {
  return findTickets(db, { feeTxStatus: 'broadcast' });
}

/** Fee confirmed and no outcome: what the voting wallets must hold. */
export function votableTickets(db: Db): Promise<Ticket[]> {
  return findTickets(db, { feeTxStatus: 'confirmed', outcome: '' });
}

/** Confirmed tickets whose purchase height was never filled in (startup integrity check). */
export function missingPurchaseHeight(db: Db): Promise<Ticket[]> {
  return findTickets(db, { confirmed: true, missingPurchaseHeight: true });
}

/** Lowest non-zero purchase height among votable tickets; undefined when there is none. */
export async function earliestVotablePurchaseHeight(db: Db): Promise<number | undefined> {
  const row = await db
    .selectFrom('vsp_tickets')
    .select((eb) => eb.fn.min('purchase_height').as('h'))
    .where('fee_tx_status', '=', 'confirmed')
    .where('outcome', '=', '')
    .where('purchase_height', '>', 0)
    .executeTakeFirst();
  return row?.h === null || row?.h === undefined ? undefined : toNumber(row.h);
}

/** Fee-confirmed tickets by outcome, as vspd's stats count them. */
export async function countsByOutcome(db: Db): Promise<OutcomeCounts> {
  const rows = await db
    .selectFrom('vsp_tickets')
    .select((eb) => ['outcome', eb.fn.countAll().as('n')])
    .where('fee_tx_status', '=', 'confirmed')
    .groupBy('outcome')
    .execute();
  const counts: OutcomeCounts = { voting: 0, voted: 0, expired: 0, missed: 0, revoked: 0 };
  for (const row of rows) {
    const outcome = checkOutcome('outcome', row.outcome);
    counts[outcome === '' ? 'voting' : outcome] += toNumber(row.n);
  }
  return counts;
}

/**
 * Sum of fee amounts (asked, not paid, as vspd counts) over fee-confirmed tickets. With
 * sinceHeight, only tickets bought at or after it, plus those whose height is not known yet.
 */
export async function feeRevenue(db: Db, sinceHeight?: number): Promise<bigint> {
  let query = db
    .selectFrom('vsp_tickets')
    .select((eb) => eb.fn.sum<bigint | string | number | null>('fee_amount').as('total'))
    .where('fee_tx_status', '=', 'confirmed');
  if (sinceHeight !== undefined) {
    const h = checkInt32('sinceHeight', sinceHeight);
    query = query.where((eb) =>
      eb.or([eb('purchase_height', '>=', h), eb('purchase_height', '=', 0)]),
    );
  }
  const row = await query.executeTakeFirst();
  return toBigint(row?.total);
}

/**
 * Forget the outcomes found in blocks above `height` (blocks no longer on the main chain): the
 * tickets become votable again until the scan finds their spends on the new chain. Outcomes with
 * no recorded height (imported) are never touched. Returns how many tickets changed.
 */
export async function clearOutcomesAbove(db: Db, height: number): Promise<number> {
  const result = await db
    .updateTable('vsp_tickets')
    .set({ outcome: '', outcome_height: 0, spend_tx_hash: '', updated_at: BigInt(nowSeconds()) })
    .where('outcome_height', '>', height)
    .where('outcome', '!=', '')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
