// Shared by pool-tickets.ts and pool-ticket-groups.ts: field checks, the stored row → PoolTicket
// mapping and the query pieces both build on. Internal to src/db (not re-exported by index.ts,
// except the status and outcome lists through pool-tickets.ts).
import { sql } from 'kysely';
import type { ExpressionBuilder, Selectable } from 'kysely';
import { toBigint, toNumber } from './engine.ts';
import type { PoolTicket, PoolTicketsTable } from './pool-tickets.ts';
import type { DatabaseSchema } from './schema.ts';
import type { Db } from './transaction.ts';

/** ok; low: the pool fee paid is too small; address: TxOut[1] pays no pool fee address. */
export const POOL_FEE_STATUSES = ['ok', 'low', 'address'] as const;
export type PoolFeeStatus = (typeof POOL_FEE_STATUSES)[number];

/** '' while unspent. */
export const POOL_OUTCOMES = ['', 'voted', 'missed', 'expired', 'revoked'] as const;
export type PoolOutcome = (typeof POOL_OUTCOMES)[number];

const HASH_RE = /^[0-9a-f]{64}$/;
const MAX_INT32 = 2 ** 31 - 1;
// Bounded IN lists and multi-row inserts: SQLite allows the fewest bound parameters.
export const CHUNK = 200;
export const MAX_PAGE = 10_000;

export function checkHash(field: string, value: string): string {
  if (typeof value !== 'string' || !HASH_RE.test(value)) {
    throw new TypeError(`${field}: must be 64 lowercase hex characters`);
  }
  return value;
}

export function checkInt(field: string, value: number, min = 0, max = MAX_INT32): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${field}: must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}

export function checkFeeStatus(value: string): PoolFeeStatus {
  if (!(POOL_FEE_STATUSES as readonly string[]).includes(value)) {
    throw new TypeError(`feeStatus: unknown fee status ${JSON.stringify(value)}`);
  }
  return value as PoolFeeStatus;
}

export function checkOutcome(value: string): PoolOutcome {
  if (!(POOL_OUTCOMES as readonly string[]).includes(value)) {
    throw new TypeError(`outcome: unknown outcome ${JSON.stringify(value)}`);
  }
  return value as PoolOutcome;
}

export type TicketRow = Selectable<PoolTicketsTable> & { low_fee_added: unknown };

export function fromRow(r: TicketRow): PoolTicket {
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
export function ticketsWithFlag(db: Db) {
  return db
    .selectFrom('pool_tickets as t')
    .leftJoin('pool_low_fee_tickets as lf', 'lf.ticket_hash', 't.hash')
    .selectAll('t')
    .select(ADDED.as('low_fee_added'));
}

export type TicketEb = ExpressionBuilder<DatabaseSchema & { t: PoolTicketsTable }, 't'>;

// Compared through coalesce (a no-op: the column is NOT NULL) so that no engine pages a user's
// tickets through pool_tickets_outcome_idx: for a rare outcome a planner may like that index, but
// it reads every user's tickets with that outcome and sorts them, where the user index reads only
// this user's entries, already in order. The cost then never depends on other users' tickets.
export function outcomeIs(eb: TicketEb, outcome: PoolOutcome) {
  return eb(eb.fn.coalesce('t.outcome', eb.val('')), '=', outcome);
}
