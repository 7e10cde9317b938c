// Turning dcrstakepool's rows (gorp over MySQL: BIGINT columns, VARCHAR(255) strings, the bcrypt
// hash as a MEDIUMBLOB) into stakepool's pool users and low-fee tickets, and comparing them with
// what a target database already holds. Pure: the import command does the reading and writing.
import { MAX_POOL_USER_ID, poolEmailKey } from '../db/pool-users.ts';
import type { EmailVerified, PoolMultisig, PoolUser } from '../db/pool-users.ts';

/** A Users row as mysql2 returns it (BIGINT as string or number, BLOB as Buffer, NULLs). */
export type SourceRow = Readonly<Record<string, unknown>>;

export interface ImportedUser {
  id: number;
  email: string;
  passwordHash: string;
  emailVerified: EmailVerified;
  multisig: PoolMultisig | undefined;
  voteBits: number;
  voteBitsVersion: number;
  apiToken: string | undefined;
  /** Things that were imported differently from the source, for the operator. */
  warnings: string[];
}

export interface RejectedRow {
  /** The row's id in the source (UserId, LowFeeTicketID), when it has a usable one. */
  id: number | undefined;
  reason: string;
}

export interface ImportedLowFeeTicket {
  ticketHash: string;
  addedBy: number;
  createdAt: number;
}

export interface DuplicateUser {
  id: number;
  email: string;
  /** The user with the same email (any case) and the lowest id, which is imported instead. */
  keptId: number;
  /** Had a multisig address: tickets bought to it will not be voted unless the operator acts. */
  hasMultisig: boolean;
}

/** The password value stored when the source has no usable bcrypt hash: it verifies nothing. */
export const UNUSABLE_PASSWORD_HASH = '!';

// Go's x/crypto/bcrypt writes $2a$; the verifier (src/pool/password.ts) takes costs 4..15.
const BCRYPT = /^\$2[aby]?\$(\d\d)\$[./A-Za-z0-9]{53}$/;
const BCRYPT_MAX_COST = 15;
const BCRYPT_MIN_COST = 4;
const MAX_EMAIL = 254;
const MAX_INT32 = 2 ** 31 - 1;
const MAX_API_TOKEN = 1024;
/** gorp stored MultiSigAddress etc. in VARCHAR(255); ours are narrower (see 002-pool). */
const MULTISIG_LIMITS = { address: 64, pubKeyAddr: 128, feeAddress: 64 } as const;

/** Upstream's back-fill values for columns added by its start-up migrations (reference §6). */
const DEFAULT_VOTE_BITS = 1;

/** A BIGINT from mysql2 (string with bigNumberStrings, else number/bigint); null for NULL. */
export function sourceInt(value: unknown, field: string): bigint | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  throw new TypeError(`${field}: not an integer`);
}

/** A VARCHAR or BLOB as text; null for NULL. */
export function sourceText(value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  throw new TypeError(`${field}: not text`);
}

function inRange(value: bigint | null, min: number, max: number): value is bigint {
  return value !== null && value >= BigInt(min) && value <= BigInt(max);
}

function usablePassword(hash: string | null): boolean {
  if (hash === null) return false;
  const m = BCRYPT.exec(hash);
  if (m === null) return false;
  const cost = Number(m[1]);
  return cost >= BCRYPT_MIN_COST && cost <= BCRYPT_MAX_COST;
}

function mapMultisig(row: SourceRow): PoolMultisig | string | undefined {
  const address = (sourceText(row['MultiSigAddress'], 'MultiSigAddress') ?? '').trim();
  // dcrstakepool's "active user" test: MultiSigAddress <> ''.
  if (address === '') return undefined;
  const script = (sourceText(row['MultiSigScript'], 'MultiSigScript') ?? '').trim().toLowerCase();
  const poolPubKeyAddr = (sourceText(row['PoolPubKeyAddr'], 'PoolPubKeyAddr') ?? '').trim();
  const userPubKeyAddr = (sourceText(row['UserPubKeyAddr'], 'UserPubKeyAddr') ?? '').trim();
  const feeAddress = (sourceText(row['UserFeeAddr'], 'UserFeeAddr') ?? '').trim();
  // NULL became 0 in upstream's own 0.0.3 fix; 0 means "scan from the start", which is safe.
  const height = sourceInt(row['HeightRegistered'], 'HeightRegistered') ?? 0n;
  if (address.length > MULTISIG_LIMITS.address) return 'MultiSigAddress is too long';
  if (!/^(?:[0-9a-f]{2})+$/.test(script)) return 'MultiSigScript is not hex';
  if (script.length > 1000) return 'MultiSigScript is too long';
  if (poolPubKeyAddr === '' || poolPubKeyAddr.length > MULTISIG_LIMITS.pubKeyAddr) {
    return 'PoolPubKeyAddr is empty or too long';
  }
  if (userPubKeyAddr === '' || userPubKeyAddr.length > MULTISIG_LIMITS.pubKeyAddr) {
    return 'UserPubKeyAddr is empty or too long';
  }
  if (feeAddress === '' || feeAddress.length > MULTISIG_LIMITS.feeAddress) {
    return 'UserFeeAddr is empty or too long';
  }
  if (!inRange(height, 0, MAX_INT32)) return 'HeightRegistered is out of range';
  return {
    address,
    script,
    poolPubKeyAddr,
    userPubKeyAddr,
    feeAddress,
    heightRegistered: Number(height),
  };
}

/**
 * One Users row as a pool user, or why it cannot be imported. Values that merely cannot be
 * carried over (an unusable password hash, out-of-range vote bits) are replaced and warned about
 * rather than rejected: the account may own tickets that must go on being voted.
 */
export function mapSourceUser(row: SourceRow): { user: ImportedUser } | { rejected: RejectedRow } {
  let id: bigint | null;
  try {
    id = sourceInt(row['UserId'], 'UserId');
  } catch {
    id = null;
  }
  const idNumber = id !== null && id >= 0n && id <= BigInt(MAX_INT32) ? Number(id) : undefined;
  const reject = (reason: string) => ({ rejected: { id: idNumber, reason } });
  try {
    if (!inRange(id, 1, MAX_POOL_USER_ID)) {
      // The id is the HD index of the user's keys; stakepool derives children 1..9999 only.
      return reject(`UserId is outside 1..${MAX_POOL_USER_ID}`);
    }
    const email = (sourceText(row['Email'], 'Email') ?? '').trim();
    if (email === '') return reject('Email is empty');
    if (email.length > MAX_EMAIL || poolEmailKey(email).length > MAX_EMAIL) {
      return reject(`Email is longer than ${MAX_EMAIL} characters`);
    }
    const warnings: string[] = [];

    const stored = sourceText(row['Password'], 'Password');
    let passwordHash = UNUSABLE_PASSWORD_HASH;
    if (usablePassword(stored) && stored !== null) passwordHash = stored;
    else warnings.push('Password is not a usable bcrypt hash: the user must reset the password');

    const verified = sourceInt(row['EmailVerified'], 'EmailVerified');
    let emailVerified: EmailVerified;
    if (verified === null) {
      // The column is absent only before upstream 0.0.3, which grandfathered everyone it found.
      emailVerified = row['EmailVerified'] === undefined ? 2 : 0;
    } else if (verified === 0n || verified === 1n || verified === 2n) {
      emailVerified = Number(verified) as EmailVerified;
    } else {
      return reject('EmailVerified is not 0, 1 or 2');
    }

    const multisig = mapMultisig(row);
    if (typeof multisig === 'string') return reject(multisig);

    const bits = sourceInt(row['VoteBits'], 'VoteBits');
    let voteBits = DEFAULT_VOTE_BITS;
    if (inRange(bits, 0, 0xffff)) voteBits = Number(bits);
    else if (bits !== null) warnings.push('VoteBits is not a 16-bit value: imported as 1');
    const version = sourceInt(row['VoteBitsVersion'], 'VoteBitsVersion');
    // A version that is not the pool's current one makes the pool reset the bits to 1 on start.
    const voteBitsVersion = inRange(version, 0, MAX_INT32) ? Number(version) : 0;

    const token = (sourceText(row['APIToken'], 'APIToken') ?? '').trim();
    let apiToken: string | undefined = token === '' ? undefined : token;
    if (apiToken !== undefined && apiToken.length > MAX_API_TOKEN) {
      apiToken = undefined;
      warnings.push('APIToken is too long: not imported (the user gets a new one)');
    }

    return {
      user: {
        id: Number(id),
        email,
        passwordHash,
        emailVerified,
        multisig,
        voteBits,
        voteBitsVersion,
        apiToken,
        warnings,
      },
    };
  } catch (err) {
    return reject(err instanceof Error ? err.message : String(err));
  }
}

/**
 * dcrstakepool had no unique index on Email, so two accounts may share one (#420). stakepool
 * keys accounts by the lowercased email: the lowest id of each group is kept.
 */
export function splitDuplicateEmails(users: readonly ImportedUser[]): {
  keep: ImportedUser[];
  duplicates: DuplicateUser[];
} {
  const byKey = new Map<string, ImportedUser>();
  for (const u of users) {
    const key = poolEmailKey(u.email);
    const first = byKey.get(key);
    if (first === undefined || u.id < first.id) byKey.set(key, u);
  }
  const keep: ImportedUser[] = [];
  const duplicates: DuplicateUser[] = [];
  for (const u of users) {
    const kept = byKey.get(poolEmailKey(u.email));
    if (kept === u) keep.push(u);
    else if (kept !== undefined) {
      duplicates.push({
        id: u.id,
        email: u.email,
        keptId: kept.id,
        hasMultisig: u.multisig !== undefined,
      });
    }
  }
  return { keep, duplicates };
}

export type UserField =
  'email' | 'password' | 'emailVerified' | 'multisig' | 'voteBits' | 'apiToken';

function sameMultisig(a: PoolMultisig | undefined, b: PoolMultisig | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.address === b.address &&
    a.script === b.script &&
    a.poolPubKeyAddr === b.poolPubKeyAddr &&
    a.userPubKeyAddr === b.userPubKeyAddr &&
    a.feeAddress === b.feeAddress &&
    a.heightRegistered === b.heightRegistered
  );
}

/** The fields in which the target's user differs from the imported one; [] when identical. */
export function userDifferences(existing: PoolUser, imported: ImportedUser): UserField[] {
  const out: UserField[] = [];
  if (existing.email !== imported.email) out.push('email');
  if (existing.passwordHash !== imported.passwordHash) out.push('password');
  if (existing.emailVerified !== imported.emailVerified) out.push('emailVerified');
  if (!sameMultisig(existing.multisig, imported.multisig)) out.push('multisig');
  if (
    existing.voteBits !== imported.voteBits ||
    existing.voteBitsVersion !== imported.voteBitsVersion
  ) {
    out.push('voteBits');
  }
  if (existing.apiToken !== imported.apiToken) out.push('apiToken');
  return out;
}

/** One LowFeeTicket row, or why it cannot be imported. */
export function mapSourceLowFeeTicket(
  row: SourceRow,
  nowSec: number,
): { ticket: ImportedLowFeeTicket } | { rejected: RejectedRow } {
  let id: number | undefined;
  try {
    const raw = sourceInt(row['LowFeeTicketID'], 'LowFeeTicketID');
    id = raw !== null && raw >= 0n && raw <= BigInt(MAX_INT32) ? Number(raw) : undefined;
    const hash = (sourceText(row['TicketHash'], 'TicketHash') ?? '').trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hash))
      return { rejected: { id, reason: 'TicketHash is not a hash' } };
    const addedBy = sourceInt(row['AddedByUid'], 'AddedByUid') ?? 0n;
    if (!inRange(addedBy, 0, MAX_INT32)) {
      return { rejected: { id, reason: 'AddedByUid is out of range' } };
    }
    const created = sourceInt(row['Created'], 'Created');
    const createdAt = inRange(created, 1, Number.MAX_SAFE_INTEGER) ? Number(created) : nowSec;
    return { ticket: { ticketHash: hash, addedBy: Number(addedBy), createdAt } };
  } catch (err) {
    return { rejected: { id, reason: err instanceof Error ? err.message : String(err) } };
  }
}

/** An admin may have added the same ticket twice upstream: the earliest addition is kept. */
export function dedupeLowFeeTickets(
  tickets: readonly ImportedLowFeeTicket[],
): ImportedLowFeeTicket[] {
  const byHash = new Map<string, ImportedLowFeeTicket>();
  for (const t of tickets) {
    const seen = byHash.get(t.ticketHash);
    if (seen === undefined || t.createdAt < seen.createdAt) byHash.set(t.ticketHash, t);
  }
  return [...byHash.values()];
}
