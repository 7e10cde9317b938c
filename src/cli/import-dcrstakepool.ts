// `stakepool import-dcrstakepool`: copies a dcrstakepool MySQL/MariaDB database (Users and
// LowFeeTicket) into stakepool's own database. Re-running it changes nothing; a user that exists
// with other data is reported and left alone unless --overwrite. The source is only read (see
// dcrstakepool-source.ts).
import { readFileSync } from 'node:fs';
import { readIni } from '../config/index.ts';
import { openDatabase, createLogger } from '../context.ts';
import { isUniqueViolation, nowSeconds, toNumber } from '../db/engine.ts';
import {
  createPoolUser,
  getPoolUser,
  getPoolUserByEmail,
  setPoolUserApiToken,
  setPoolUserEmail,
  setPoolUserEmailVerified,
  setPoolUserMultisig,
  setPoolUserPassword,
  setPoolUserVoteBits,
} from '../db/pool-users.ts';
import { deleteSetting, getSetting, setSetting, SETTING_KEYS } from '../db/settings.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Db, Trx } from '../db/transaction.ts';
import {
  dedupeLowFeeTickets,
  mapSourceLowFeeTicket,
  mapSourceUser,
  splitDuplicateEmails,
  userDifferences,
} from '../pool/import.ts';
import type {
  DuplicateUser,
  ImportedLowFeeTicket,
  ImportedUser,
  RejectedRow,
  UserField,
} from '../pool/import.ts';
import { loadCommandConfig } from './config-load.ts';
import {
  checkPort,
  DcrstakepoolSourceError,
  describeSource,
  readSource,
  reasonOf,
  sourceDb,
} from './dcrstakepool-source.ts';
import type { DcrstakepoolDbOptions } from './dcrstakepool-source.ts';
import { createProgress } from './progress.ts';
import type { Progress } from './progress.ts';

export { DcrstakepoolSourceError, sourceDb } from './dcrstakepool-source.ts';
export type { DcrstakepoolDbOptions } from './dcrstakepool-source.ts';

export interface ImportOptions {
  /** Our database, already opened and migrated. */
  target: Db;
  /** The dcrstakepool database: mysql://user:pass@host:port/db (or mariadb://), or its options. */
  from: string | DcrstakepoolDbOptions;
  /** Replace users and low-fee tickets that exist in the target with other data. */
  overwrite?: boolean;
  /** Makes a progress bar for each phase; none by default. */
  progress?: (label: string, total: number) => Progress;
}

/** A user left as the target has it, in part or whole. */
export interface UserDifference {
  id: number;
  email: string;
  /** Fields that differ and were kept because --overwrite was not given. */
  fields: UserField[];
  /** The target has another multisig address, which is never replaced. */
  multisigKept: boolean;
}

export interface UserConflict {
  id: number;
  email: string;
  reason: string;
}

export interface ImportReport {
  /** The source, without its password. */
  source: string;
  users: {
    read: number;
    created: number;
    unchanged: number;
    updated: { id: number; fields: UserField[] }[];
    differing: UserDifference[];
    duplicates: DuplicateUser[];
    conflicts: UserConflict[];
    rejected: RejectedRow[];
    warnings: { id: number; message: string }[];
  };
  lowFeeTickets: {
    read: number;
    created: number;
    unchanged: number;
    updated: number;
    differing: { ticketHash: string; fields: ('addedBy' | 'createdAt')[] }[];
    rejected: RejectedRow[];
  };
  /** What is deliberately not copied: live sessions and emailed tokens. */
  notCarriedOver: {
    sessions: number;
    emailChanges: number;
    passwordResets: number;
    /** Unverified users: their emailed verification links no longer work. */
    pendingVerifications: number;
  };
  /** The chain follower's scan point, lowered so it finds the imported users' tickets. */
  scanPoint: { from: number | undefined; to: number } | undefined;
}

type ScanPoint = { from: number | undefined; to: number };

/**
 * Moves the pool's scan point back to just before `height`, so the chain follower reads the
 * blocks where the imported user's tickets can be (none before the address existed). The
 * stored block hash belongs to the old height, so it goes too.
 */
async function lowerScanPoint(trx: Trx, height: number): Promise<ScanPoint | undefined> {
  const to = Math.max(0, height - 1);
  const raw = await getSetting(trx, SETTING_KEYS.poolLastScannedBlock);
  let from: number | undefined;
  if (raw !== undefined) {
    if (!/^\d+$/.test(raw)) {
      throw new TypeError(`${SETTING_KEYS.poolLastScannedBlock}: stored value is not a height`);
    }
    from = Number(raw);
    if (from <= to) return undefined;
  }
  await setSetting(trx, SETTING_KEYS.poolLastScannedBlock, String(to));
  await deleteSetting(trx, SETTING_KEYS.poolLastScannedHash);
  return { from, to };
}

async function multisigOwner(trx: Trx, address: string): Promise<number | undefined> {
  const row = await trx
    .selectFrom('pool_users')
    .select('id')
    .where('multisig_address', '=', address)
    .executeTakeFirst();
  return row?.id;
}

type UserOutcome =
  | { kind: 'created' | 'unchanged' }
  | { kind: 'conflict'; reason: string }
  | { kind: 'differs'; updated: UserField[]; kept: UserField[]; multisigKept: boolean };

interface UserResult {
  outcome: UserOutcome;
  scan: ScanPoint | undefined;
}

/**
 * One user, in one transaction: either all of it lands (account, multisig, token and the scan
 * point) or none, so an interrupted import resumes cleanly. Conflicts are checked before any
 * write because a failed statement would abort the whole transaction on PostgreSQL.
 */
async function importUser(db: Db, u: ImportedUser, overwrite: boolean): Promise<UserResult> {
  return withTransaction(db, async (trx): Promise<UserResult> => {
    const existing = await getPoolUser(trx, u.id);
    const emailOwner = await getPoolUserByEmail(trx, u.email);
    if (emailOwner !== undefined && emailOwner.id !== u.id) {
      return {
        outcome: { kind: 'conflict', reason: `email belongs to user ${emailOwner.id} here` },
        scan: undefined,
      };
    }
    const msOwner = u.multisig && (await multisigOwner(trx, u.multisig.address));
    if (msOwner !== undefined && msOwner !== u.id) {
      return {
        outcome: { kind: 'conflict', reason: `multisig address belongs to user ${msOwner} here` },
        scan: undefined,
      };
    }
    let scan: ScanPoint | undefined;
    const addMultisig = async () => {
      if (u.multisig === undefined) return;
      if (!(await setPoolUserMultisig(trx, u.id, u.multisig))) {
        throw new Error(`user ${u.id}: multisig address could not be stored`);
      }
      scan = await lowerScanPoint(trx, u.multisig.heightRegistered);
    };

    if (existing === undefined) {
      const created = await createPoolUser(trx, {
        id: u.id,
        email: u.email,
        passwordHash: u.passwordHash,
        emailVerified: u.emailVerified,
        voteBits: u.voteBits,
        voteBitsVersion: u.voteBitsVersion,
      });
      if (created === undefined) throw new Error(`user ${u.id}: email taken during the import`);
      await addMultisig();
      if (u.apiToken !== undefined) await setPoolUserApiToken(trx, u.id, u.apiToken);
      return { outcome: { kind: 'created' }, scan };
    }

    const fields = userDifferences(existing, u);
    if (fields.length === 0) return { outcome: { kind: 'unchanged' }, scan };
    const updated: UserField[] = [];
    const kept: UserField[] = [];
    let multisigKept = false;
    for (const field of fields) {
      if (field === 'multisig') {
        // Filling in an address submitted since the last run replaces nothing, so it needs no
        // --overwrite; a stored one is never replaced, as tickets may vote through it already.
        if (existing.multisig === undefined) {
          await addMultisig();
          updated.push(field);
        } else multisigKept = true;
        continue;
      }
      if (!overwrite) {
        kept.push(field);
        continue;
      }
      switch (field) {
        case 'email':
          if (!(await setPoolUserEmail(trx, u.id, u.email))) {
            throw new Error(`user ${u.id}: email could not be changed`);
          }
          break;
        case 'password':
          await setPoolUserPassword(trx, u.id, u.passwordHash);
          break;
        case 'emailVerified':
          await setPoolUserEmailVerified(trx, u.id, u.emailVerified);
          break;
        case 'voteBits':
          await setPoolUserVoteBits(trx, u.id, u.voteBits, u.voteBitsVersion);
          break;
        case 'apiToken':
          await setPoolUserApiToken(trx, u.id, u.apiToken);
          break;
      }
      updated.push(field);
    }
    return { outcome: { kind: 'differs', updated, kept, multisigKept }, scan };
  });
}

type TicketOutcome =
  | { kind: 'created' | 'unchanged' | 'updated' }
  | { kind: 'differs'; fields: ('addedBy' | 'createdAt')[] };

/**
 * Low-fee rows name a ticket by hash only: the chain follower finds the ticket itself later, and
 * the row then makes it votable (no foreign key, by design of pool_low_fee_tickets).
 */
async function importLowFeeTicket(
  db: Db,
  t: ImportedLowFeeTicket,
  overwrite: boolean,
): Promise<TicketOutcome> {
  const row = await db
    .selectFrom('pool_low_fee_tickets')
    .selectAll()
    .where('ticket_hash', '=', t.ticketHash)
    .executeTakeFirst();
  if (row === undefined) {
    await db
      .insertInto('pool_low_fee_tickets')
      .values({ ticket_hash: t.ticketHash, added_by: t.addedBy, created_at: BigInt(t.createdAt) })
      .execute();
    return { kind: 'created' };
  }
  const fields: ('addedBy' | 'createdAt')[] = [];
  if (row.added_by !== t.addedBy) fields.push('addedBy');
  if (toNumber(row.created_at) !== t.createdAt) fields.push('createdAt');
  if (fields.length === 0) return { kind: 'unchanged' };
  if (!overwrite) return { kind: 'differs', fields };
  await db
    .updateTable('pool_low_fee_tickets')
    .set({ added_by: t.addedBy, created_at: BigInt(t.createdAt) })
    .where('ticket_hash', '=', t.ticketHash)
    .execute();
  return { kind: 'updated' };
}

const noProgress = (): Progress => ({ tick: () => undefined, done: () => undefined });

export async function importDcrstakepool(options: ImportOptions): Promise<ImportReport> {
  const source = sourceDb(options.from);
  const display = describeSource(source);
  const overwrite = options.overwrite === true;
  const progress = options.progress ?? noProgress;
  const data = await readSource(source, display);

  const report: ImportReport = {
    source: display,
    users: {
      read: data.users.length,
      created: 0,
      unchanged: 0,
      updated: [],
      differing: [],
      duplicates: [],
      conflicts: [],
      rejected: [],
      warnings: [],
    },
    lowFeeTickets: {
      read: data.lowFeeTickets.length,
      created: 0,
      unchanged: 0,
      updated: 0,
      differing: [],
      rejected: [],
    },
    notCarriedOver: {
      sessions: data.sessions,
      emailChanges: data.emailChanges,
      passwordResets: data.passwordResets,
      pendingVerifications: 0,
    },
    scanPoint: undefined,
  };

  const mapped: ImportedUser[] = [];
  for (const row of data.users) {
    const m = mapSourceUser(row);
    if ('rejected' in m) report.users.rejected.push(m.rejected);
    else mapped.push(m.user);
  }
  const { keep, duplicates } = splitDuplicateEmails(mapped);
  report.users.duplicates = duplicates;

  const noteScan = (scan: ScanPoint | undefined) => {
    if (scan === undefined) return;
    // Several users may each lower it: report where it was before the first and the last value.
    report.scanPoint = { from: report.scanPoint ? report.scanPoint.from : scan.from, to: scan.to };
  };

  const userBar = progress('users', keep.length);
  try {
    for (const u of keep) {
      for (const message of u.warnings) report.users.warnings.push({ id: u.id, message });
      if (u.emailVerified === 0) report.notCarriedOver.pendingVerifications += 1;
      let result: UserResult;
      try {
        result = await importUser(options.target, u, overwrite);
      } catch (err) {
        // A unique index the checks above did not foresee (a concurrent registration): report
        // the user and go on; anything else (the database is gone) stops the import.
        if (!isUniqueViolation(err)) throw err;
        result = {
          outcome: { kind: 'conflict', reason: 'email or multisig address is taken here' },
          scan: undefined,
        };
      }
      noteScan(result.scan);
      const o = result.outcome;
      switch (o.kind) {
        case 'created':
          report.users.created += 1;
          break;
        case 'unchanged':
          report.users.unchanged += 1;
          break;
        case 'conflict':
          report.users.conflicts.push({ id: u.id, email: u.email, reason: o.reason });
          break;
        case 'differs':
          if (o.updated.length > 0) report.users.updated.push({ id: u.id, fields: o.updated });
          if (o.kept.length > 0 || o.multisigKept) {
            report.users.differing.push({
              id: u.id,
              email: u.email,
              fields: o.kept,
              multisigKept: o.multisigKept,
            });
          }
          break;
      }
      userBar.tick();
    }
  } finally {
    userBar.done();
  }

  const nowSec = nowSeconds();
  const tickets: ImportedLowFeeTicket[] = [];
  for (const row of data.lowFeeTickets) {
    const m = mapSourceLowFeeTicket(row, nowSec);
    if ('rejected' in m) report.lowFeeTickets.rejected.push(m.rejected);
    else tickets.push(m.ticket);
  }
  const unique = dedupeLowFeeTickets(tickets);
  const ticketBar = progress('low-fee tickets', unique.length);
  try {
    for (const t of unique) {
      const o = await importLowFeeTicket(options.target, t, overwrite);
      if (o.kind === 'differs') {
        report.lowFeeTickets.differing.push({ ticketHash: t.ticketHash, fields: o.fields });
      } else report.lowFeeTickets[o.kind] += 1;
      ticketBar.tick();
    }
  } finally {
    ticketBar.done();
  }
  return report;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The report as the command prints it: a summary line per table, then the details. */
export function formatImportReport(r: ImportReport): string {
  const lines: string[] = [`imported from ${r.source}`];
  const u = r.users;
  const userParts = [
    `${u.created} created`,
    `${u.unchanged} unchanged`,
    ...(u.updated.length > 0 ? [`${u.updated.length} updated`] : []),
    ...(u.differing.length > 0 ? [`${u.differing.length} differ (kept as they are)`] : []),
    ...(u.duplicates.length > 0 ? [`${u.duplicates.length} duplicate email (skipped)`] : []),
    ...(u.conflicts.length > 0 ? [`${u.conflicts.length} conflicting (skipped)`] : []),
    ...(u.rejected.length > 0 ? [`${u.rejected.length} invalid (skipped)`] : []),
  ];
  lines.push(`users: ${u.read} read: ${userParts.join(', ')}`);
  for (const x of u.updated) lines.push(`  user ${x.id}: updated ${x.fields.join(', ')}`);
  for (const x of u.differing) {
    if (x.fields.length > 0) {
      lines.push(
        `  user ${x.id} <${x.email}>: differs in ${x.fields.join(', ')}; kept (--overwrite replaces)`,
      );
    }
    if (x.multisigKept) {
      lines.push(
        `  user ${x.id} <${x.email}>: has another multisig address here; kept (never replaced)`,
      );
    }
  }
  for (const x of u.duplicates) {
    lines.push(
      `  user ${x.id} <${x.email}>: skipped, same email as user ${x.keptId}` +
        (x.hasMultisig ? ' (it has a multisig address: its tickets will not be voted)' : ''),
    );
  }
  for (const x of u.conflicts) lines.push(`  user ${x.id} <${x.email}>: skipped, ${x.reason}`);
  for (const x of u.rejected) lines.push(`  user ${x.id ?? '?'}: skipped, ${x.reason}`);
  for (const x of u.warnings) lines.push(`  user ${x.id}: ${x.message}`);

  const t = r.lowFeeTickets;
  const ticketParts = [
    `${t.created} created`,
    `${t.unchanged} unchanged`,
    ...(t.updated > 0 ? [`${t.updated} updated`] : []),
    ...(t.differing.length > 0 ? [`${t.differing.length} differ (kept as they are)`] : []),
    ...(t.rejected.length > 0 ? [`${t.rejected.length} invalid (skipped)`] : []),
  ];
  lines.push(`low-fee tickets: ${t.read} read: ${ticketParts.join(', ')}`);
  for (const x of t.differing) {
    lines.push(`  ticket ${x.ticketHash}: differs in ${x.fields.join(', ')}; kept`);
  }
  for (const x of t.rejected) lines.push(`  LowFeeTicketID ${x.id ?? '?'}: skipped, ${x.reason}`);

  const n = r.notCarriedOver;
  lines.push(
    `not carried over: ${plural(n.sessions, 'session')} (users log in again); ` +
      `${plural(n.passwordResets, 'password reset')} and ${plural(n.emailChanges, 'email change')} ` +
      'in progress (to be asked for again); ' +
      `${plural(n.pendingVerifications, 'unverified user')} (must ask for a new verification link)`,
  );
  if (r.scanPoint !== undefined) {
    const { from, to } = r.scanPoint;
    lines.push(
      `pool scan point ${from === undefined ? 'set' : `moved back from block ${from}`} to block ` +
        `${to}: the chain follower looks for the imported users' tickets from there`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export const IMPORT_USAGE = `Usage: stakepool import-dcrstakepool --from=<source> [--overwrite] [config options]

Copies a dcrstakepool MySQL/MariaDB database (users with their password hashes, multisig
scripts, vote bits and API tokens; low-fee tickets) into stakepool's configured database.
Running it again changes nothing. Sessions and emailed tokens are not carried over.

Source (read only):
  --from=mysql://user:password@host:port/dbname   the dcrstakepool database
  --from=/path/to/dcrstakepool.conf               read dbhost, dbport, dbname, dbuser and
                                                   dbpassword from dcrstakepool's config
  --from-dbhost, --from-dbport, --from-dbname, --from-dbuser, --from-dbpassword
                                                   dcrstakepool's options given one by one
                                                   (they override the file's)
Options:
  --overwrite     replace users and low-fee tickets that exist here with other data (a stored
                  multisig address is never replaced)
  -h, --help      show this message
The target is stakepool's own database, from its config file, environment and flags (-C file,
--database, --databaseurl, --dbfile, …).
`;

export interface ImportArgs {
  from: string | DcrstakepoolDbOptions | undefined;
  overwrite: boolean;
  help: boolean;
  /** Everything else: the target's config flags and operands. */
  rest: string[];
}

const FROM_DB_FLAGS: Record<string, keyof DcrstakepoolDbOptions> = {
  'from-dbhost': 'dbHost',
  'from-dbport': 'dbPort',
  'from-dbname': 'dbName',
  'from-dbuser': 'dbUser',
  'from-dbpassword': 'dbPassword',
};

function parsePort(raw: string, field: string): number {
  if (!/^\d+$/.test(raw)) throw new TypeError(`${field}: not a port number`);
  return checkPort(Number(raw), field);
}

/** dbhost … dbpassword from a dcrstakepool.conf (its other options are not needed here). */
export function dbOptionsFromConfigFile(path: string, text?: string): DcrstakepoolDbOptions {
  let content = text;
  if (content === undefined) {
    try {
      content = readFileSync(path, 'utf8');
    } catch (err) {
      throw new TypeError(`from: cannot read ${path}: ${reasonOf(err)}`, { cause: err });
    }
  }
  const out: DcrstakepoolDbOptions = {};
  // readIni knows dcrstakepool's names; problems with options other than these do not matter.
  for (const a of readIni(content, path).assignments) {
    if (a.key === 'dbHost') out.dbHost = a.raw;
    else if (a.key === 'dbName') out.dbName = a.raw;
    else if (a.key === 'dbUser') out.dbUser = a.raw;
    else if (a.key === 'dbPassword') out.dbPassword = a.raw;
    else if (a.key === 'dbPort') out.dbPort = parsePort(a.raw, `dbport (${path})`);
  }
  return out;
}

/**
 * Takes this command's own flags out of argv; the rest goes to the config loader, which then
 * describes the target. Source flags carry a from- prefix so they never mix with the target's
 * dbhost/dbname/… .
 */
export function parseImportArgs(argv: readonly string[]): ImportArgs {
  let from: string | undefined;
  const dbFlags: DcrstakepoolDbOptions = {};
  let overwrite = false;
  let help = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const name = m?.[1];
    if (m === null || name === undefined) {
      rest.push(arg);
      continue;
    }
    if (name === 'overwrite') {
      if (m[2] !== undefined) throw new TypeError('--overwrite: takes no value');
      overwrite = true;
      continue;
    }
    const key = FROM_DB_FLAGS[name];
    if (name !== 'from' && key === undefined) {
      rest.push(arg);
      continue;
    }
    let value = m[2];
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined) throw new TypeError(`--${name}: needs a value`);
      i++;
    }
    if (key === undefined) from = value;
    else if (key === 'dbPort') dbFlags.dbPort = parsePort(value, `--${name}`);
    else dbFlags[key] = value;
  }
  const hasDbFlags = Object.keys(dbFlags).length > 0;
  let source: string | DcrstakepoolDbOptions | undefined;
  if (from !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(from)) {
    if (hasDbFlags) {
      throw new TypeError('--from: give either a URL or the --from-db… options, not both');
    }
    source = from;
  } else if (from !== undefined) {
    source = { ...dbOptionsFromConfigFile(from), ...dbFlags };
  } else if (hasDbFlags) {
    source = dbFlags;
  }
  return { from: source, overwrite, help, rest };
}

/** The whole command: parse, open the configured database, import, print the report. */
export async function importDcrstakepoolCommand(argv: readonly string[]): Promise<number> {
  let args: ImportArgs;
  try {
    args = parseImportArgs(argv);
  } catch (err) {
    process.stderr.write(`import-dcrstakepool: ${reasonOf(err)}\n\n${IMPORT_USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(IMPORT_USAGE);
    return 0;
  }
  if (args.from === undefined) {
    process.stderr.write(`import-dcrstakepool: --from is required\n\n${IMPORT_USAGE}`);
    return 2;
  }
  const loaded = loadCommandConfig(args.rest, 'admin');
  if (loaded === undefined) return 2;
  if (loaded.args.length > 0) {
    process.stderr.write(`import-dcrstakepool: unexpected argument ${loaded.args[0]}\n`);
    return 2;
  }
  const from = args.from;
  try {
    // Checked before the target is opened (and perhaps created): a typo should touch nothing.
    sourceDb(from);
  } catch (err) {
    process.stderr.write(`import-dcrstakepool: ${reasonOf(err)}\n`);
    return 2;
  }
  const database = await openDatabase(loaded.config, createLogger(loaded.config));
  try {
    const report = await importDcrstakepool({
      target: database.db,
      from,
      overwrite: args.overwrite,
      progress: (label, total) => createProgress(label, total, process.stderr),
    });
    process.stdout.write(formatImportReport(report));
    return 0;
  } catch (err) {
    if (!(err instanceof DcrstakepoolSourceError)) throw err;
    process.stderr.write(`import-dcrstakepool: ${err.message}\n`);
    return 1;
  } finally {
    await database.close();
  }
}
