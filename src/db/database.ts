// Builds the kysely instance for one of the three engines, configured so that the same query
// returns the same JS types everywhere: BIGINT columns as bigint, INTEGER columns as number.
import { createRequire } from 'node:module';
import { CompiledQuery, Kysely, MysqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import type { LogEvent, PostgresPool, SqliteDatabase, SqliteStatement } from 'kysely';
import { createPool as createMysqlPool } from 'mysql2';
import type { TypeCast } from 'mysql2';
import type { Engine } from './engine.ts';
import type { DatabaseSchema } from './schema.ts';

export interface DatabaseConfig {
  engine: Engine;
  /** SQLite file (or ':memory:'); required for engine 'sqlite'. */
  sqlitePath?: string;
  /** postgres://… (or postgresql://) for 'postgres'; mysql://… (or mariadb://) for 'mysql'. */
  url?: string;
  /** Connections per pool (PostgreSQL, MySQL). Default 10. */
  poolSize?: number;
  /** How long SQLite waits for another process's lock before SQLITE_BUSY. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Receives kysely's query/error log events (e.g. to feed a pino child logger). */
  log?: (event: LogEvent) => void;
  /** Errors of idle pooled connections (server restart, network); default: process warning. */
  onPoolError?: (err: Error) => void;
}

export interface Database {
  readonly engine: Engine;
  readonly db: Kysely<DatabaseSchema>;
  /** The raw better-sqlite3 handle (engine 'sqlite' only); used by backupSqlite. */
  readonly sqlite: SqliteHandle | undefined;
  close(): Promise<void>;
}

// better-sqlite3 and pg ship no type declarations and @types/* are not installed; these
// structural types cover exactly what is used here.
interface SqliteColumn {
  name: string;
  type: string | null;
}
interface NativeSqliteStatement extends SqliteStatement {
  columns(): SqliteColumn[];
  /** True while an iterate() over it is open; it cannot run another query until then. */
  readonly busy: boolean;
}
export interface SqliteBackupProgress {
  totalPages: number;
  remainingPages: number;
}
export interface SqliteHandle {
  readonly open: boolean;
  prepare(sql: string): NativeSqliteStatement;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  defaultSafeIntegers(toggle?: boolean): SqliteHandle;
  backup(
    destination: string,
    options?: { progress?: (info: SqliteBackupProgress) => number },
  ): Promise<SqliteBackupProgress>;
  close(): void;
}
type SqliteConstructor = new (path: string, options?: { timeout?: number }) => SqliteHandle;

interface PgPool extends PostgresPool {
  on(event: 'error', listener: (err: Error) => void): unknown;
}
interface PgModule {
  Pool: new (config: object) => PgPool;
  types: { getTypeParser(oid: number, format?: string): (value: string) => unknown };
}

const require = createRequire(import.meta.url);

const PG_INT8_OID = 20;
const DEFAULT_POOL_SIZE = 10;
const DEFAULT_BUSY_TIMEOUT_MS = 5000;

// MySQL/MariaDB sessions run strict (no silent truncation) and READ COMMITTED, the isolation
// PostgreSQL uses by default, so that a read inside a transaction sees the same rows on both.
const MYSQL_SESSION_SETUP = [
  "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
  'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED',
];

export function createDatabase(config: DatabaseConfig): Database {
  switch (config.engine) {
    case 'sqlite':
      return createSqlite(config);
    case 'postgres':
      return createPostgres(config);
    case 'mysql':
      return createMysql(config);
    default: {
      const engine: never = config.engine;
      throw new TypeError(`engine: unknown database engine ${String(engine)}`);
    }
  }
}

function poolSize(config: DatabaseConfig): number {
  const size = config.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`poolSize: must be ≥ 1, got ${size}`);
  return size;
}

function requireUrl(config: DatabaseConfig, schemes: readonly string[]): URL {
  if (!config.url) throw new TypeError(`url: required for engine ${config.engine}`);
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    throw new TypeError(`url: not a valid URL for engine ${config.engine}`);
  }
  if (!schemes.includes(url.protocol)) {
    throw new TypeError(
      `url: engine ${config.engine} needs a ${schemes.join(' or ')}// URL, got ${url.protocol}//`,
    );
  }
  return url;
}

function createSqlite(config: DatabaseConfig): Database {
  if (!config.sqlitePath) throw new TypeError('sqlitePath: required for engine sqlite');
  const busyTimeout = config.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const BetterSqlite3 = require('better-sqlite3') as SqliteConstructor;
  const handle = new BetterSqlite3(config.sqlitePath, { timeout: busyTimeout });
  try {
    handle.pragma('journal_mode = WAL');
    handle.pragma('foreign_keys = ON');
    handle.pragma(`busy_timeout = ${Math.floor(busyTimeout)}`);
    // Every integer as bigint at the driver; narrowSqliteIntegers turns INTEGER columns back.
    handle.defaultSafeIntegers(true);
  } catch (err) {
    handle.close();
    throw err;
  }
  const db = new Kysely<DatabaseSchema>({
    dialect: new SqliteDialect({ database: narrowSqliteIntegers(handle) }),
    ...(config.log ? { log: config.log } : {}),
  });
  return { engine: 'sqlite', db, sqlite: handle, close: () => db.destroy() };
}

/**
 * Wraps the better-sqlite3 handle kysely sees. SQLite stores all integers alike, so the declared
 * column type decides: INT/INTEGER columns come back as number, BIGINT columns and computed values
 * (COUNT, SUM, MAX…) stay bigint, as they do on PostgreSQL and MySQL. Kysely's `begin` becomes
 * `begin immediate` so a transaction takes the write lock up front and waits (busy timeout) for
 * another process instead of failing later with SQLITE_BUSY when it first writes.
 */
/** Prepared statements kept per connection; kysely asks for one per query, by SQL text. */
export const SQLITE_STATEMENT_CACHE_SIZE = 256;

function narrowSqliteIntegers(handle: SqliteHandle): SqliteDatabase {
  // kysely's SQLite driver prepares every query afresh, and preparing costs more than running a
  // primary-key lookup: the profile of /api/v3/ticketstatus put 12% of the server's time in
  // prepare. The same few dozen SQL texts recur, so each prepared (and integer-narrowed)
  // statement is kept by its text. SQLite re-prepares a kept statement by itself after a schema
  // change; a statement busy in an open iterate() is not shared.
  const cache = new Map<string, { native: NativeSqliteStatement; wrapped: SqliteStatement }>();
  const prepare = (text: string): { native: NativeSqliteStatement; wrapped: SqliteStatement } => {
    const stmt = handle.prepare(text);
    if (!stmt.reader) return { native: stmt, wrapped: stmt };
    const narrow = stmt
      .columns()
      .filter((c) => c.type !== null && /INT/i.test(c.type) && !/BIGINT/i.test(c.type))
      .map((c) => c.name);
    if (narrow.length === 0) return { native: stmt, wrapped: stmt };
    const fix = (row: unknown): unknown => {
      const r = row as Record<string, unknown>;
      for (const name of narrow) {
        const v = r[name];
        if (typeof v === 'bigint') r[name] = Number(v);
      }
      return r;
    };
    return {
      native: stmt,
      wrapped: {
        reader: true,
        all: (params) => stmt.all(params).map(fix),
        run: (params) => stmt.run(params),
        iterate: function* (params) {
          for (const row of stmt.iterate(params)) yield fix(row);
        },
      },
    };
  };
  return {
    close: () => {
      cache.clear();
      handle.close();
    },
    prepare(sql: string): SqliteStatement {
      const text = sql === 'begin' ? 'begin immediate' : sql;
      const hit = cache.get(text);
      if (hit !== undefined && !hit.native.busy) return hit.wrapped;
      const entry = prepare(text);
      if (hit === undefined) {
        if (cache.size >= SQLITE_STATEMENT_CACHE_SIZE) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
        cache.set(text, entry);
      }
      return entry.wrapped;
    },
  };
}

function createPostgres(config: DatabaseConfig): Database {
  const url = requireUrl(config, ['postgres:', 'postgresql:']);
  const pg = require('pg') as PgModule;
  const pool = new pg.Pool({
    connectionString: url.href,
    max: poolSize(config),
    // Per pool, not pg's global registry, so other pg users in the process are unaffected.
    types: {
      getTypeParser: (oid: number, format?: string) =>
        oid === PG_INT8_OID ? (v: string) => BigInt(v) : pg.types.getTypeParser(oid, format),
    },
  });
  pool.on('error', config.onPoolError ?? ((err) => process.emitWarning(err)));
  const db = new Kysely<DatabaseSchema>({
    dialect: new PostgresDialect({ pool }),
    ...(config.log ? { log: config.log } : {}),
  });
  return { engine: 'postgres', db, sqlite: undefined, close: () => db.destroy() };
}

// BIGINT (and COUNT) arrive as LONGLONG; bigNumberStrings makes them exact strings first.
const mysqlTypeCast: TypeCast = (field, next) => {
  if (field.type === 'LONGLONG') {
    const text = field.string();
    return text === null ? null : BigInt(text);
  }
  return next();
};

function createMysql(config: DatabaseConfig): Database {
  const url = requireUrl(config, ['mysql:', 'mariadb:']);
  if (url.protocol === 'mariadb:') url.protocol = 'mysql:';
  const pool = createMysqlPool({
    uri: url.href,
    connectionLimit: poolSize(config),
    supportBigNumbers: true,
    bigNumberStrings: true,
    typeCast: mysqlTypeCast,
    // Connection collation too, so literals compare as the utf8mb4_bin columns do.
    charset: 'utf8mb4_bin',
    timezone: 'Z',
  });
  pool.on('connection', (conn) => {
    conn.on('error', config.onPoolError ?? ((err: Error) => process.emitWarning(err)));
  });
  const db = new Kysely<DatabaseSchema>({
    dialect: new MysqlDialect({
      pool,
      onCreateConnection: async (connection) => {
        for (const statement of MYSQL_SESSION_SETUP) {
          await connection.executeQuery(CompiledQuery.raw(statement));
        }
      },
    }),
    ...(config.log ? { log: config.log } : {}),
  });
  return { engine: 'mysql', db, sqlite: undefined, close: () => db.destroy() };
}
