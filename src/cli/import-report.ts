// The import's outcome: what the report records and the text the command prints from it.
import type { DuplicateUser, RejectedRow, UserField } from '../pool/import.ts';

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
