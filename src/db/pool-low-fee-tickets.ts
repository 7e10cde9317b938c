// Tickets that failed the fee check and an admin chose to vote anyway (/admintickets). Only the
// decision is stored; whether the ticket voted and when it expires come from pool_tickets by
// join, so they stay current (dcrstakepool's LowFeeTicket.Voted was never updated, #201).
import { engineOf, isPrimaryKeyViolation, nowSeconds, toNumber } from './engine.ts';
import { getPoolTickets } from './pool-tickets.ts';
import type { PoolTicket } from './pool-tickets.ts';
import type { Db } from './transaction.ts';

export interface PoolLowFeeTicketsTable {
  ticket_hash: string;
  added_by: number;
  created_at: bigint;
}

export interface LowFeeTicketRow {
  ticket: PoolTicket;
  /** User id of the admin; undefined when not known (0 stored, e.g. imported). */
  addedBy: number | undefined;
  /** Unix seconds; undefined when not known. */
  addedAt: number | undefined;
}

const HASH_RE = /^[0-9a-f]{64}$/;
const CHUNK = 200;

function checkHashes(hashes: readonly string[]): string[] {
  const list: readonly unknown[] = hashes;
  if (!Array.isArray(list)) throw new TypeError('hashes: must be an array');
  for (const h of list) {
    if (typeof h !== 'string' || !HASH_RE.test(h)) {
      throw new TypeError('hashes: each must be 64 lowercase hex characters');
    }
  }
  return [...new Set(hashes)];
}

/** Failed the fee check, unspent, and not added: what the admin may add. Oldest first. */
export async function ignoredLowFeeTickets(db: Db): Promise<PoolTicket[]> {
  const rows = await db
    .selectFrom('pool_tickets as t')
    .leftJoin('pool_low_fee_tickets as lf', 'lf.ticket_hash', 't.hash')
    .select('t.hash')
    .where('t.fee_status', '!=', 'ok')
    .where('t.outcome', '=', '')
    .where('lf.ticket_hash', 'is', null)
    .execute();
  return getPoolTickets(
    db,
    rows.map((r) => r.hash),
  );
}

/**
 * Every added ticket still known to pool_tickets, with its current outcome (voted or not) and
 * purchase height (from which the page computes expiry). Oldest purchase first.
 */
export async function addedLowFeeTickets(db: Db): Promise<LowFeeTicketRow[]> {
  const rows = await db.selectFrom('pool_low_fee_tickets').selectAll().execute();
  const byHash = new Map(rows.map((r) => [r.ticket_hash, r]));
  const tickets = await getPoolTickets(db, [...byHash.keys()]);
  return tickets.map((ticket) => {
    const r = byHash.get(ticket.hash);
    const addedAt = r === undefined ? 0 : toNumber(r.created_at);
    return {
      ticket,
      addedBy: r === undefined || r.added_by === 0 ? undefined : r.added_by,
      addedAt: addedAt === 0 ? undefined : addedAt,
    };
  });
}

/**
 * Adds those of hashes that are currently ignored (failed fee check, unspent, not yet added);
 * the rest are skipped, as dcrstakepool required. Returns how many were added.
 */
export async function addLowFeeTickets(
  db: Db,
  hashes: readonly string[],
  addedBy: number,
): Promise<number> {
  if (!Number.isInteger(addedBy) || addedBy < 0 || addedBy > 2 ** 31 - 1) {
    throw new RangeError(`addedBy: must be a non-negative integer, got ${addedBy}`);
  }
  const wanted = checkHashes(hashes);
  const now = BigInt(nowSeconds());
  let added = 0;
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const chunk = wanted.slice(i, i + CHUNK);
    const candidates = (await getPoolTickets(db, chunk)).filter(
      (t) => t.feeStatus !== 'ok' && t.outcome === '' && !t.lowFeeAdded,
    );
    for (const t of candidates) {
      if (await insertOne(db, { ticket_hash: t.hash, added_by: addedBy, created_at: now })) {
        added++;
      }
    }
  }
  return added;
}

// One at a time: a handful per admin action, and an add racing another admin's is not an error.
async function insertOne(db: Db, row: PoolLowFeeTicketsTable): Promise<boolean> {
  if (engineOf(db) === 'mysql') {
    try {
      await db.insertInto('pool_low_fee_tickets').values(row).execute();
      return true;
    } catch (err) {
      if (isPrimaryKeyViolation(err)) return false;
      throw err;
    }
  }
  const result = await db
    .insertInto('pool_low_fee_tickets')
    .values(row)
    .onConflict((oc) => oc.column('ticket_hash').doNothing())
    .executeTakeFirst();
  return result.numInsertedOrUpdatedRows === 1n;
}

/** Takes tickets off the added list (they are ignored again unless spent); returns how many. */
export async function removeLowFeeTickets(db: Db, hashes: readonly string[]): Promise<number> {
  const wanted = checkHashes(hashes);
  let removed = 0;
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const result = await db
      .deleteFrom('pool_low_fee_tickets')
      .where('ticket_hash', 'in', wanted.slice(i, i + CHUNK))
      .executeTakeFirst();
    removed += Number(result.numDeletedRows);
  }
  return removed;
}
