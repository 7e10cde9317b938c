// Building blocks that make a migration's DDL portable and safe to run twice.
import { sql } from 'kysely';
import type { ColumnDataType, CreateTableBuilder, Expression } from 'kysely';
import type { Engine } from '../engine.ts';
import type { AnyDb } from '../migrate.ts';

/**
 * MySQL tables are InnoDB, utf8mb4 with binary collation: hashes and base58 addresses compare
 * case-sensitively, as they do on SQLite and PostgreSQL.
 */
export function tableOptions<T extends string, C extends string>(
  builder: CreateTableBuilder<T, C>,
  engine: Engine,
): CreateTableBuilder<T, C> {
  if (engine !== 'mysql') return builder;
  return builder.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
}

/** Text that may exceed 64 KiB (request bodies up to 1 MiB): MySQL's TEXT would truncate. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- kysely's own DataTypeExpression
export function longText(engine: Engine): ColumnDataType | Expression<any> {
  return engine === 'mysql' ? sql`mediumtext` : 'text';
}

async function indexExists(db: AnyDb, engine: Engine, table: string, name: string) {
  let result;
  switch (engine) {
    case 'sqlite':
      result =
        await sql`select 1 from sqlite_master where type = 'index' and name = ${name}`.execute(db);
      break;
    case 'postgres':
      result = await sql`select 1 from pg_indexes
        where schemaname = current_schema() and tablename = ${table} and indexname = ${name}`.execute(
        db,
      );
      break;
    case 'mysql':
      result = await sql`select 1 from information_schema.statistics
        where table_schema = database() and table_name = ${table} and index_name = ${name}`.execute(
        db,
      );
      break;
    default: {
      const never: never = engine;
      throw new TypeError(`engine: ${String(never)}`);
    }
  }
  return result.rows.length > 0;
}

/** CREATE [UNIQUE] INDEX unless it exists (MySQL has no IF NOT EXISTS for indexes). */
export async function createIndex(
  db: AnyDb,
  engine: Engine,
  spec: { name: string; table: string; columns: readonly string[]; unique?: boolean },
): Promise<void> {
  if (await indexExists(db, engine, spec.table, spec.name)) return;
  let builder = db.schema
    .createIndex(spec.name)
    .on(spec.table)
    .columns([...spec.columns]);
  if (spec.unique) builder = builder.unique();
  await builder.execute();
}
