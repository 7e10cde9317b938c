// `stakepool import-dcrstakepool`: copies a dcrstakepool MySQL/MariaDB database (Users and
// LowFeeTicket) into stakepool's own database. Re-running it changes nothing; a user that exists
// with other data is reported and left alone unless --overwrite. The source is only read (see
// dcrstakepool-source.ts).
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
import type { ImportedLowFeeTicket, ImportedUser, UserField } from '../pool/import.ts';
import { loadCommandConfig } from './config-load.ts';
import {
  DcrstakepoolSourceError,
  describeSource,
  readSource,
  reasonOf,
  sourceDb,
} from './dcrstakepool-source.ts';
import type { DcrstakepoolDbOptions } from './dcrstakepool-source.ts';
import { IMPORT_USAGE, parseImportArgs } from './import-args.ts';
import type { ImportArgs } from './import-args.ts';
import { formatImportReport } from './import-report.ts';
import type { ImportReport } from './import-report.ts';
import { createProgress } from './progress.ts';
import type { Progress } from './progress.ts';

export { DcrstakepoolSourceError, sourceDb } from './dcrstakepool-source.ts';
export type { DcrstakepoolDbOptions } from './dcrstakepool-source.ts';
export { dbOptionsFromConfigFile, IMPORT_USAGE, parseImportArgs } from './import-args.ts';
export type { ImportArgs } from './import-args.ts';
export { formatImportReport } from './import-report.ts';
export type { ImportReport, UserConflict, UserDifference } from './import-report.ts';

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
