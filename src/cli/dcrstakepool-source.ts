// Reading a dcrstakepool MySQL/MariaDB database: where it is (a URL or dcrstakepool's db*
// options), and every row the import needs, in one read-only snapshot. The source is never
// written; a dcrstakepool that is still running sees no difference.
import { createConnection } from 'mysql2/promise';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { SourceRow } from '../pool/import.ts';

/** dcrstakepool's own database options (its dcrstakepool.conf names and defaults). */
export interface DcrstakepoolDbOptions {
  dbHost?: string;
  dbPort?: number;
  dbName?: string;
  dbUser?: string;
  dbPassword?: string;
}

export interface SourceDb {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

const DEFAULTS = { host: 'localhost', port: 3306, user: 'stakepool', database: 'stakepool' };

export function checkPort(port: number, field: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`${field}: must be a port number (1-65535), got ${port}`);
  }
  return port;
}

/** The connection settings from a URL or from dcrstakepool's option names. */
export function sourceDb(from: string | DcrstakepoolDbOptions): SourceDb {
  if (typeof from !== 'string') {
    return {
      host: from.dbHost || DEFAULTS.host,
      port: checkPort(from.dbPort ?? DEFAULTS.port, 'dbport'),
      user: from.dbUser || DEFAULTS.user,
      password: from.dbPassword ?? '',
      database: from.dbName || DEFAULTS.database,
    };
  }
  let url: URL;
  try {
    url = new URL(from);
  } catch {
    throw new TypeError('from: not a URL; give mysql://user:password@host:port/database');
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    throw new TypeError(
      `from: dcrstakepool used MySQL/MariaDB; give a mysql:// or mariadb:// URL, not ${url.protocol}//`,
    );
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) {
    throw new TypeError(
      'from: the URL names no database (mysql://user:password@host:port/database)',
    );
  }
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || DEFAULTS.host,
    port: checkPort(url.port === '' ? DEFAULTS.port : Number(url.port), 'from'),
    user: decodeURIComponent(url.username) || DEFAULTS.user,
    password: decodeURIComponent(url.password),
    database,
  };
}

export function describeSource(s: SourceDb): string {
  const host = s.host.includes(':') ? `[${s.host}]` : s.host;
  return `mysql://${encodeURIComponent(s.user)}@${host}:${s.port}/${encodeURIComponent(s.database)}`;
}

/** A one-line reason for an error, whatever threw it. */
export function reasonOf(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    // Node's multi-address connect fails with an AggregateError whose message is empty.
    if (err.message !== '') return err.message;
    if (typeof code === 'string') return code;
    return err.constructor.name;
  }
  return String(err);
}

/** The source cannot be opened or is not a dcrstakepool database; the message says which. */
export class DcrstakepoolSourceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DcrstakepoolSourceError';
  }
}

export interface SourceData {
  users: SourceRow[];
  lowFeeTickets: SourceRow[];
  sessions: number;
  emailChanges: number;
  passwordResets: number;
}

const USER_COLUMNS = ['UserId', 'Email', 'Password'] as const;
const LOW_FEE_COLUMNS = ['LowFeeTicketID', 'TicketHash', 'AddedByUid'] as const;

/** Everything the import needs from the source, read in one consistent snapshot. */
export async function readSource(s: SourceDb, display: string): Promise<SourceData> {
  let conn: Connection;
  try {
    conn = await createConnection({
      host: s.host,
      port: s.port,
      user: s.user,
      password: s.password,
      database: s.database,
      charset: 'UTF8MB4_GENERAL_CI',
      supportBigNumbers: true,
      bigNumberStrings: true,
      connectTimeout: 10_000,
    });
  } catch (err) {
    throw new DcrstakepoolSourceError(
      `cannot open the dcrstakepool database ${display}: ${reasonOf(err)}`,
      { cause: err },
    );
  }
  try {
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const [tableRows] = await conn.query<RowDataPacket[]>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()',
    );
    // gorp made them with these names; a server with lower_case_table_names=1 lowercases them.
    const tables = new Map<string, string>();
    for (const r of tableRows) tables.set(String(r['name']).toLowerCase(), String(r['name']));
    const users = tables.get('users');
    if (users === undefined) {
      throw new DcrstakepoolSourceError(
        `${display} has no Users table: it is not a dcrstakepool database`,
      );
    }
    const select = async (
      table: string,
      order: string,
      required: readonly string[],
    ): Promise<SourceRow[]> => {
      const [rows, fields] = await conn.query<RowDataPacket[]>(
        `SELECT * FROM \`${table}\` ORDER BY \`${order}\``,
      );
      const names = new Set(fields.map((f) => f.name));
      const missing = required.filter((c) => !names.has(c));
      if (missing.length > 0) {
        throw new DcrstakepoolSourceError(
          `${display}: table ${table} has no column ${missing.join(', ')}: it is not a ` +
            'dcrstakepool database',
        );
      }
      return rows;
    };
    const count = async (name: string): Promise<number> => {
      const table = tables.get(name.toLowerCase());
      if (table === undefined) return 0;
      const [rows] = await conn.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${table}\``);
      return Number(rows[0]?.['n'] ?? 0);
    };
    const lowFee = tables.get('lowfeeticket');
    return {
      users: await select(users, 'UserId', USER_COLUMNS),
      // Older dcrstakepool versions had no LowFeeTicket table.
      lowFeeTickets:
        lowFee === undefined ? [] : await select(lowFee, 'LowFeeTicketID', LOW_FEE_COLUMNS),
      sessions: await count('Session'),
      emailChanges: await count('EmailChange'),
      passwordResets: await count('PasswordReset'),
    };
  } catch (err) {
    if (err instanceof DcrstakepoolSourceError) throw err;
    throw new DcrstakepoolSourceError(
      `cannot read the dcrstakepool database ${display}: ${reasonOf(err)}`,
      { cause: err },
    );
  } finally {
    await conn.query('ROLLBACK').catch(() => undefined);
    await conn.end().catch(() => undefined);
  }
}
