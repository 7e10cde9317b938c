// The few places where the three engines need different SQL are decided here, from the kysely
// adapter, so repositories can take any Kysely (or Transaction) and still pick the right form.
import { MysqlAdapter, PostgresAdapter, SqliteAdapter } from 'kysely';
import type { Kysely } from 'kysely';

export type Engine = 'sqlite' | 'postgres' | 'mysql';

export const ENGINES: readonly Engine[] = ['sqlite', 'postgres', 'mysql'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema: also used by migrations
export function engineOf(db: Kysely<any>): Engine {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof MysqlAdapter) return 'mysql';
  throw new TypeError(`db: unsupported kysely dialect ${adapter.constructor.name}`);
}

/** True for a primary-key or unique-index violation, whatever the engine. */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; errno?: unknown };
  return (
    e.code === '23505' || // PostgreSQL unique_violation
    e.code === 'ER_DUP_ENTRY' ||
    e.errno === 1062 ||
    e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}

/**
 * True only for a duplicate primary key. MySQL has no ON CONFLICT, so "insert unless the key
 * exists" is an insert whose ER_DUP_ENTRY on PRIMARY is caught (a duplicate in another unique
 * index must still fail, as it does under PostgreSQL's ON CONFLICT (pk) DO NOTHING).
 */
export function isPrimaryKeyViolation(err: unknown): boolean {
  if (!isUniqueViolation(err)) return false;
  const e = err as { code?: unknown; message?: unknown; constraint?: unknown };
  if (e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  if (e.code === '23505') return typeof e.constraint === 'string' && e.constraint.endsWith('_pkey');
  return typeof e.message === 'string' && /for key '(?:[^']*\.)?PRIMARY'/.test(e.message);
}

/** Unix time in whole seconds, the unit every *_at column uses. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Aggregates come back in engine-specific shapes (PostgreSQL numeric → string, MySQL DECIMAL →
 * string, COUNT → bigint, SQLite → bigint or null); repositories normalise them with these.
 */
export function toBigint(value: unknown): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new TypeError(
    `aggregate: not an integer: ${typeof value === 'string' || typeof value === 'number' ? value : typeof value}`,
  );
}

export function toNumber(value: unknown): number {
  const n = toBigint(value);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`aggregate: ${n} does not fit a safe integer`);
  }
  return Number(n);
}
