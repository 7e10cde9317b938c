// The database layer: factory, migrations, transactions, and one repository module per table.
export { createDatabase } from './database.ts';
export type { Database, DatabaseConfig } from './database.ts';
export { ENGINES, engineOf, isPrimaryKeyViolation, isUniqueViolation } from './engine.ts';
export type { Engine } from './engine.ts';
export {
  assertSchemaCurrent,
  migrateToLatest,
  migrationStatus,
  SchemaTooNewError,
} from './migrate.ts';
export type { Migration, MigrationStatus } from './migrate.ts';
export { MIGRATIONS } from './migrations/index.ts';
export type { DatabaseSchema } from './schema.ts';
export { AfterCommitError, afterCommit, withTransaction } from './transaction.ts';
export type { Db, Trx } from './transaction.ts';
export { backupSqlite } from './backup.ts';
export type { BackupResult } from './backup.ts';
export * from './settings.ts';
export * from './vsp-tickets.ts';
export * from './vsp-fee-xpubs.ts';
export * from './vsp-vote-changes.ts';
export * from './vsp-alt-sign.ts';
export * from './pool-users.ts';
export * from './web-sessions.ts';
export * from './pool-tokens.ts';
export * from './pool-tickets.ts';
export * from './pool-low-fee-tickets.ts';
export * from './login-attempts.ts';
