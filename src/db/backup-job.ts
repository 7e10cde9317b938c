// Periodic hot backups of an SQLite database (vspd's backupinterval): a consistent copy beside
// the database file every interval and once more at shutdown. PostgreSQL and MySQL deployments
// back up with their own tools (pg_dump, mariadb-dump), so the job does nothing for them.
import type { Logger } from 'pino';
import { backupSqlite } from './backup.ts';
import type { Database } from './database.ts';

export interface BackupJobOptions {
  database: Database;
  /** Where the copy goes (replaced atomically each time). */
  destPath: string;
  intervalMs: number;
  log?: Pick<Logger, 'info' | 'error'>;
}

export class SqliteBackupJob {
  private readonly opts: BackupJobOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(options: BackupJobOptions) {
    this.opts = options;
  }

  get enabled(): boolean {
    return this.opts.database.engine === 'sqlite' && this.opts.intervalMs > 0;
  }

  start(): void {
    if (!this.enabled || this.timer !== undefined) return;
    this.timer = setInterval(() => void this.runOnce(), this.opts.intervalMs);
    this.timer.unref();
  }

  /** One backup; a failure is logged, never thrown (the next interval tries again). */
  runOnce(): Promise<void> {
    if (this.opts.database.engine !== 'sqlite') return Promise.resolve();
    this.running ??= (async () => {
      try {
        const r = await backupSqlite(this.opts.database, this.opts.destPath);
        this.opts.log?.info({ backup: this.opts.destPath, ...r }, 'database backed up');
      } catch (err) {
        this.opts.log?.error({ err, backup: this.opts.destPath }, 'database backup failed');
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** Stop the timer and take the shutdown backup. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.enabled) await this.runOnce();
  }
}
