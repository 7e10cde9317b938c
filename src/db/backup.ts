// Hot backup of the SQLite database while the server keeps using it (vspd's periodic
// vspd.db-backup). PostgreSQL and MySQL have their own tools (pg_dump, mariadb-dump).
import { randomBytes } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Database } from './database.ts';

export interface BackupResult {
  path: string;
  bytes: number;
  durationMs: number;
}

/**
 * Copies the live database to destPath with SQLite's online backup API, run on the server's own
 * connection: writes made through it during the copy are carried into the copy, so the result is
 * one consistent state. The copy goes to a temporary file in the same directory and is renamed
 * over destPath only when complete, so destPath is never a half-written file.
 */
export async function backupSqlite(database: Database, destPath: string): Promise<BackupResult> {
  const handle = database.sqlite;
  if (database.engine !== 'sqlite' || handle === undefined) {
    throw new TypeError(`database: hot backup is for sqlite, not ${database.engine}`);
  }
  if (typeof destPath !== 'string' || destPath.length === 0) {
    throw new TypeError('destPath: must be a file path');
  }
  const started = performance.now();
  const tmp = join(
    dirname(destPath),
    `.${basename(destPath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    // Small steps keep the event loop (and the server's queries) moving during a long copy.
    await handle.backup(tmp, { progress: () => 256 });
    await rename(tmp, destPath);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  const { size } = await stat(destPath);
  return { path: destPath, bytes: size, durationMs: performance.now() - started };
}
