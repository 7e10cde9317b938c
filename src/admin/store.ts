// What the admin pages read from the database, as one small interface over the src/db
// repositories, plus its implementation on a live Database. Tests use a real SQLite file.
import { sql } from 'kysely';
import { backupSqlite } from '../db/backup.ts';
import type { Database } from '../db/database.ts';
import { toNumber } from '../db/engine.ts';
import type { Engine } from '../db/engine.ts';
import { getAltSignAddress } from '../db/vsp-alt-sign.ts';
import type { AltSignAddress } from '../db/vsp-alt-sign.ts';
import { allFeeXpubs } from '../db/vsp-fee-xpubs.ts';
import type { FeeXpub } from '../db/vsp-fee-xpubs.ts';
import { countsByOutcome, feeRevenue, findTickets, getTicket } from '../db/vsp-tickets.ts';
import type { OutcomeCounts, Ticket } from '../db/vsp-tickets.ts';
import { voteChanges } from '../db/vsp-vote-changes.ts';
import type { VoteChange } from '../db/vsp-vote-changes.ts';

export interface AdminStore {
  readonly engine: Engine;
  getTicket(hash: string): Promise<Ticket | undefined>;
  /** Oldest first. */
  voteChanges(hash: string): Promise<VoteChange[]>;
  altSignAddress(hash: string): Promise<AltSignAddress | undefined>;
  /** Newest purchase first, as vspd lists them. */
  missedTickets(): Promise<Ticket[]>;
  /** Every fee xpub ever used, oldest first; the active one has no retiredAt. */
  feeXpubs(): Promise<FeeXpub[]>;
  ticketCounts(): Promise<OutcomeCounts>;
  /** Sum of the fees of fee-confirmed tickets bought at or after sinceHeight (all without). */
  feeRevenue(sinceHeight?: number): Promise<bigint>;
  /** Bytes the database takes; undefined when the engine will not say. */
  databaseSize(): Promise<number | undefined>;
  /**
   * A consistent copy of the database written to destPath; only SQLite can be copied by the
   * server itself. PostgreSQL and MySQL backups are the database's own job (pg_dump,
   * mariadb-dump), so this is undefined for them.
   */
  readonly backup: ((destPath: string) => Promise<void>) | undefined;
}

async function sqlSize(database: Database): Promise<number | undefined> {
  const { db, engine } = database;
  switch (engine) {
    case 'sqlite': {
      const handle = database.sqlite;
      if (handle === undefined) return undefined;
      const pages = handle.pragma('page_count', { simple: true });
      const size = handle.pragma('page_size', { simple: true });
      return toNumber(pages) * toNumber(size);
    }
    case 'postgres': {
      const r = await sql<{
        size: unknown;
      }>`select pg_database_size(current_database()) as size`.execute(db);
      return r.rows[0] === undefined ? undefined : toNumber(r.rows[0].size);
    }
    case 'mysql': {
      const r = await sql<{
        size: unknown;
      }>`select cast(coalesce(sum(data_length + index_length), 0)
        as unsigned) as size from information_schema.tables where table_schema = database()`.execute(
        db,
      );
      return r.rows[0] === undefined ? undefined : toNumber(r.rows[0].size);
    }
    default: {
      const never: never = engine;
      throw new TypeError(`engine: unknown ${String(never)}`);
    }
  }
}

export function dbAdminStore(database: Database): AdminStore {
  const { db } = database;
  return {
    engine: database.engine,
    getTicket: (hash) => getTicket(db, hash),
    voteChanges: (hash) => voteChanges(db, hash),
    altSignAddress: (hash) => getAltSignAddress(db, hash),
    async missedTickets() {
      return (await findTickets(db, { outcome: 'missed' })).reverse();
    },
    feeXpubs: () => allFeeXpubs(db),
    ticketCounts: () => countsByOutcome(db),
    feeRevenue: (sinceHeight) => feeRevenue(db, sinceHeight),
    databaseSize: () => sqlSize(database),
    backup:
      database.engine === 'sqlite'
        ? async (destPath) => {
            await backupSqlite(database, destPath);
          }
        : undefined,
  };
}
