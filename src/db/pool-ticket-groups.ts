// A user's tickets grouped as /tickets shows them (immature, live, the outcomes, invalid): one
// page of a group, and how many tickets each group holds for a user or the whole pool.
import { toNumber } from './engine.ts';
import type { PoolTicket } from './pool-tickets.ts';
import {
  checkInt,
  checkOutcome,
  fromRow,
  MAX_PAGE,
  outcomeIs,
  ticketsWithFlag,
} from './pool-ticket-rows.ts';
import type { TicketEb } from './pool-ticket-rows.ts';
import type { Db } from './transaction.ts';

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

function checkGroup(value: string): PoolTicketGroup {
  if (!(POOL_TICKET_GROUPS as readonly string[]).includes(value)) {
    throw new TypeError(`group: unknown ticket group ${JSON.stringify(value)}`);
  }
  return value as PoolTicketGroup;
}

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
