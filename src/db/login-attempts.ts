// Failed-login counters shared by every `serve` instance: one row per key (e.g. 'admin-ip:…',
// 'pool-ip:…', 'pool-email:…') counting failures since the window began. Each failure is a single
// conditional UPDATE (or the first INSERT), so concurrent failures from several processes all
// count.
import { engineOf, isPrimaryKeyViolation, toNumber } from './engine.ts';
import type { Db } from './transaction.ts';

export interface LoginAttemptsTable {
  attempt_key: string;
  failures: number;
  window_start: bigint;
}

export interface LoginAttempt {
  failures: number;
  /** Unix seconds of the first failure in the current window. */
  windowStart: number;
}

export const MAX_ATTEMPT_KEY = 190;

function checkKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_ATTEMPT_KEY) {
    throw new TypeError(`key: must be 1 to ${MAX_ATTEMPT_KEY} characters`);
  }
  return key;
}

function checkSeconds(field: string, value: number, min = 0): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${field}: must be an integer of seconds ≥ ${min}, got ${value}`);
  }
  return value;
}

/** The stored counter, whether or not its window is still open; undefined when none. */
export async function getLoginAttempt(db: Db, key: string): Promise<LoginAttempt | undefined> {
  const row = await db
    .selectFrom('login_attempts')
    .select(['failures', 'window_start'])
    .where('attempt_key', '=', checkKey(key))
    .executeTakeFirst();
  return row ? { failures: row.failures, windowStart: toNumber(row.window_start) } : undefined;
}

/**
 * Counts one failure at nowSec: +1 while the window that began at windowStart is open (nowSec <
 * windowStart + windowSec), else a new window with 1. Returns the counter after the failure.
 */
export async function recordLoginFailure(
  db: Db,
  key: string,
  nowSec: number,
  windowSec: number,
): Promise<LoginAttempt> {
  checkKey(key);
  const now = checkSeconds('nowSec', nowSec);
  const openAfter = BigInt(now - checkSeconds('windowSec', windowSec, 1));
  for (let attempt = 0; attempt < 3; attempt++) {
    const bumped = await db
      .updateTable('login_attempts')
      .set((eb) => ({ failures: eb('failures', '+', 1) }))
      .where('attempt_key', '=', key)
      .where('window_start', '>', openAfter)
      .executeTakeFirst();
    if (bumped.numUpdatedRows > 0n) {
      const row = await getLoginAttempt(db, key);
      if (row) return row;
      continue;
    }
    // Expired window: restart it. The condition makes a racing restart a no-op, so the loser
    // loops and increments the winner's fresh window instead of resetting it again.
    const restarted = await db
      .updateTable('login_attempts')
      .set({ failures: 1, window_start: BigInt(now) })
      .where('attempt_key', '=', key)
      .where('window_start', '<=', openAfter)
      .executeTakeFirst();
    if (restarted.numUpdatedRows > 0n) return { failures: 1, windowStart: now };
    if (await insertFirst(db, { attempt_key: key, failures: 1, window_start: BigInt(now) })) {
      return { failures: 1, windowStart: now };
    }
  }
  throw new Error(`login attempts: could not record a failure for ${key}`);
}

async function insertFirst(db: Db, row: LoginAttemptsTable): Promise<boolean> {
  if (engineOf(db) === 'mysql') {
    try {
      await db.insertInto('login_attempts').values(row).execute();
      return true;
    } catch (err) {
      if (isPrimaryKeyViolation(err)) return false;
      throw err;
    }
  }
  const result = await db
    .insertInto('login_attempts')
    .values(row)
    .onConflict((oc) => oc.column('attempt_key').doNothing())
    .executeTakeFirst();
  return result.numInsertedOrUpdatedRows === 1n;
}

/** Forgets the key's failures (a successful login). */
export async function clearLoginAttempts(db: Db, key: string): Promise<boolean> {
  const result = await db
    .deleteFrom('login_attempts')
    .where('attempt_key', '=', checkKey(key))
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Housekeeping: deletes counters whose window began before beforeSec; returns how many. */
export async function purgeLoginAttempts(db: Db, beforeSec: number): Promise<number> {
  const result = await db
    .deleteFrom('login_attempts')
    .where('window_start', '<', BigInt(checkSeconds('beforeSec', beforeSec)))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
