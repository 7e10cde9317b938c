// The database for `stakepool voter`, which must start and vote (from its cache file) even when
// the database is down: opened at the first use that finds it up. Once open, the PostgreSQL and
// MySQL pools reconnect by themselves; only the first open (with its migration and network
// check) is deferred here.
import type { JobLog } from '../chain/log.ts';
import { SILENT_LOG } from '../chain/log.ts';
import type { Database } from '../db/database.ts';
import type { Db } from '../db/transaction.ts';

export interface DeferredDatabase {
  /**
   * The open database, opening it if needed. A failed open is tried again only after retryMs;
   * meanwhile the same error comes back at once, so a caller with another way out (the voter's
   * cache) does not wait.
   */
  db(): Promise<Db>;
  readonly isOpen: boolean;
  /** Closes it if it was opened (waiting for an open under way). */
  close(): Promise<void>;
}

export interface DeferredDatabaseOptions {
  /** Default 10 s. */
  retryMs?: number;
  /** ms clock (default Date.now). */
  now?: () => number;
  log?: JobLog;
}

export function deferredDatabase(
  open: () => Promise<Database>,
  o: DeferredDatabaseOptions = {},
): DeferredDatabase {
  const retryMs = o.retryMs ?? 10_000;
  const now = o.now ?? Date.now;
  const log = o.log ?? SILENT_LOG;
  let database: Database | undefined;
  let opening: Promise<Database> | undefined;
  let failedAt = Number.NEGATIVE_INFINITY;
  let failure: unknown;
  let closed = false;

  const attempt = (): Promise<Database> => {
    const p = open().then(
      (d) => {
        if (failure !== undefined) log.info({}, 'database reachable again; opened');
        database = d;
        return d;
      },
      (err: unknown) => {
        failedAt = now();
        failure = err;
        throw err;
      },
    );
    opening = p;
    void p.catch(() => undefined).finally(() => (opening = undefined));
    return p;
  };

  return {
    get isOpen() {
      return database !== undefined;
    },
    async db() {
      if (database !== undefined) return database.db;
      if (closed) throw new Error('database closed');
      if (opening !== undefined) return (await opening).db;
      if (now() - failedAt < retryMs) throw failure;
      return (await attempt()).db;
    },
    async close() {
      closed = true;
      await opening?.catch(() => undefined);
      const d = database;
      database = undefined;
      await d?.close();
    },
  };
}

/**
 * Whether opening failed because the database answered but is not this pool's (another network,
 * a schema this release does not know, a gap in its migrations): a configuration error to stop
 * on, unlike a database that cannot be reached (or is busy migrating: tried again later).
 */
export function isDatabaseMismatch(err: unknown): boolean {
  return err instanceof Error && /^(network|database): /.test(err.message);
}
