// Numbered migrations, applied in order at startup and recorded in `migrations`. DDL is not
// transactional on MySQL, so a migration is a sequence of idempotent steps (IF NOT EXISTS, index
// checks): one interrupted half-way is simply run again. A database that has a migration this
// code does not know was written by a newer stakepool, and the program refuses it.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { engineOf, nowSeconds, toNumber } from './engine.ts';
import type { Engine } from './engine.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { tableOptions } from './migrations/helpers.ts';

export interface MigrationsTable {
  version: number;
  name: string;
  applied_at: bigint;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations predate the schema type
export type AnyDb = Kysely<any>;

export interface Migration {
  /** 1, 2, 3…: the NNN of migrations/NNN-name.ts. */
  version: number;
  name: string;
  up(db: AnyDb, engine: Engine): Promise<void>;
}

export interface MigrationStatus {
  /** Highest applied version, 0 for an empty database. */
  current: number;
  /** Highest version this code knows. */
  latest: number;
  pending: number[];
}

/** The database holds migrations newer than this code: run a newer stakepool (no downgrades). */
export class SchemaTooNewError extends Error {
  readonly version: number;
  readonly latest: number;
  constructor(version: number, name: string, latest: number) {
    super(
      `database: schema version ${version} (${name}) is newer than this stakepool knows ` +
        `(latest ${latest}); run the stakepool release that wrote it, or restore a backup ` +
        `made before the upgrade`,
    );
    this.name = 'SchemaTooNewError';
    this.version = version;
    this.latest = latest;
  }
}

function checkList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migrations: expected version ${i + 1} at position ${i}, got ${m.version}`);
    }
  });
}

async function createMigrationsTable(db: AnyDb, engine: Engine): Promise<void> {
  await db.schema
    .createTable('migrations')
    .ifNotExists()
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .$call((b) => tableOptions(b, engine))
    .execute();
}

async function appliedMigrations(db: AnyDb): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom('migrations')
    .select(['version', 'name'])
    .orderBy('version')
    .execute();
  return new Map(
    rows.map((r: { version: unknown; name: unknown }) => [toNumber(r.version), String(r.name)]),
  );
}

function checkNotNewer(applied: Map<number, string>, migrations: readonly Migration[]): void {
  const latest = migrations.length;
  for (const [version, name] of [...applied].reverse()) {
    if (version > latest) throw new SchemaTooNewError(version, name, latest);
  }
  const current = Math.max(0, ...applied.keys());
  for (const m of migrations) {
    if (m.version < current && !applied.has(m.version)) {
      throw new Error(
        `database: migration ${m.version} (${m.name}) was never applied but ${current} was`,
      );
    }
  }
}

// Serialises migrators of several processes sharing one database (several `serve` instances
// starting together). PostgreSQL and MySQL take a session lock; SQLite takes its write lock, which
// also makes a SQLite migration all-or-nothing (a bonus there, not something migrations rely on).
async function withMigrationLock<T>(db: AnyDb, engine: Engine, fn: () => Promise<T>): Promise<T> {
  if (engine === 'postgres') {
    await sql`select pg_advisory_lock(${sql.lit(0x5374616b65)})`.execute(db);
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(0x5374616b65)})`.execute(db);
    }
  }
  if (engine === 'mysql') {
    const name = sql`concat('stakepool-migrate:', left(database(), 40))`;
    const got = await sql<{ ok: unknown }>`select get_lock(${name}, 600) as ok`.execute(db);
    if (toNumber(got.rows[0]?.ok) !== 1) throw new Error('migrations: timed out waiting for lock');
    try {
      return await fn();
    } finally {
      await sql`select release_lock(${name})`.execute(db);
    }
  }
  await sql`begin immediate`.execute(db);
  try {
    const result = await fn();
    await sql`commit`.execute(db);
    return result;
  } catch (err) {
    await sql`rollback`.execute(db);
    throw err;
  }
}

/**
 * Brings the schema up to the latest version. Throws SchemaTooNewError, changing nothing, when
 * the database is ahead of this code. Returns the versions applied now.
 */
export async function migrateToLatest(
  db: AnyDb,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  checkList(migrations);
  const engine = engineOf(db);
  // One connection throughout: the advisory lock belongs to the session that took it.
  return db.connection().execute((conn) =>
    withMigrationLock(conn, engine, async () => {
      await createMigrationsTable(conn, engine);
      const applied = await appliedMigrations(conn);
      checkNotNewer(applied, migrations);
      const ran: number[] = [];
      for (const m of migrations) {
        if (applied.has(m.version)) continue;
        await m.up(conn, engine);
        await conn
          .insertInto('migrations')
          .values({ version: m.version, name: m.name, applied_at: BigInt(nowSeconds()) })
          .execute();
        ran.push(m.version);
      }
      return ran;
    }),
  );
}

/** Where the schema stands, without changing anything (for `voter`, admin pages, checks). */
export async function migrationStatus(
  db: AnyDb,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationStatus> {
  checkList(migrations);
  const tables = await db.introspection.getTables();
  const applied = tables.some((t) => t.name === 'migrations')
    ? await appliedMigrations(db)
    : new Map<number, string>();
  return {
    current: Math.max(0, ...applied.keys()),
    latest: migrations.length,
    pending: migrations.filter((m) => !applied.has(m.version)).map((m) => m.version),
  };
}

/** For processes that must not migrate (a remote voter): throws unless the schema is current. */
export async function assertSchemaCurrent(
  db: AnyDb,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<void> {
  const tables = await db.introspection.getTables();
  if (!tables.some((t) => t.name === 'migrations')) {
    throw new Error('database: not initialised; start `stakepool serve` once to create it');
  }
  const applied = await appliedMigrations(db);
  checkNotNewer(applied, migrations);
  const pending = migrations.filter((m) => !applied.has(m.version));
  if (pending.length > 0) {
    throw new Error(
      `database: schema version ${Math.max(0, ...applied.keys())} is older than this ` +
        `stakepool (latest ${migrations.length}); run \`stakepool serve\` to migrate it`,
    );
  }
}
