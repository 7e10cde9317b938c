// Legacy pool accounts (dcrstakepool's Users table): login, the multisig address a user's tickets
// vote through, vote preferences and the API token. The id doubles as the HD child index of the
// user's pool key and fee address, so it is allocated here, never by auto-increment.
import type { Selectable, Updateable } from 'kysely';
import { isPrimaryKeyViolation, isUniqueViolation, nowSeconds, toNumber } from './engine.ts';
import { withTransaction } from './transaction.ts';
import type { Db, Trx } from './transaction.ts';

export interface PoolUsersTable {
  id: number;
  email: string;
  email_key: string;
  password_hash: string;
  email_verified: number;
  multisig_address: string | null;
  multisig_script: string | null;
  pool_pubkey_addr: string | null;
  user_pubkey_addr: string | null;
  fee_address: string | null;
  height_registered: number | null;
  vote_bits: number;
  vote_bits_version: number;
  api_token: string | null;
  created_at: bigint;
  updated_at: bigint;
}

/** Highest user id: dcrwallet and dcrstakepool derive keys for children 0..9999 only. */
export const MAX_POOL_USER_ID = 9999;

/** 0 not verified, 1 verified, 2 grandfathered (accounts from before verification; may log in). */
export type EmailVerified = 0 | 1 | 2;

export interface PoolMultisig {
  /** P2SH address of the 1-of-2 script: the tickets' voting address. */
  address: string;
  /** Redeem script, hex. */
  script: string;
  poolPubKeyAddr: string;
  userPubKeyAddr: string;
  /** coldxpub/0/id, where the user's tickets pay the pool fee. */
  feeAddress: string;
  heightRegistered: number;
}

export interface PoolUser {
  id: number;
  /** As entered (trimmed); lookups use its lowercase form. */
  email: string;
  emailVerified: EmailVerified;
  passwordHash: string;
  multisig: PoolMultisig | undefined;
  voteBits: number;
  voteBitsVersion: number;
  /** The one API token that currently works; undefined when none was issued or it was revoked. */
  apiToken: string | undefined;
  createdAt: number;
}

export interface NewPoolUser {
  email: string;
  passwordHash: string;
  emailVerified: EmailVerified;
  voteBits: number;
  voteBitsVersion: number;
  /** Keep this id (imports from dcrstakepool); otherwise the next free one is taken. */
  id?: number;
}

/** Every user id up to MAX_POOL_USER_ID is taken. */
export class PoolFullError extends Error {
  constructor() {
    super(`pool users: every id up to ${MAX_POOL_USER_ID} is taken; the pool is full`);
    this.name = 'PoolFullError';
  }
}

const MAX_EMAIL = 254;
const MAX_INT32 = 2 ** 31 - 1;
// Racing registrations each take max(id)+1; the loser of a primary-key race tries again. With n
// racing at once the last may lose n-1 times.
const ID_ATTEMPTS = 32;

/** Lost an id race: a duplicate id, or the deadlock MySQL may report for the same collision. */
function isIdRace(err: unknown): boolean {
  if (isPrimaryKeyViolation(err)) return true;
  const e = err as { code?: unknown; errno?: unknown } | null;
  return e?.code === 'ER_LOCK_DEADLOCK' || e?.errno === 1213 || e?.code === '40P01';
}

/** The form emails are compared in: trimmed, lowercase. */
export function poolEmailKey(email: string): string {
  if (typeof email !== 'string') throw new TypeError('email: must be a string');
  return email.trim().toLowerCase();
}

function checkEmail(email: string): { email: string; key: string } {
  if (typeof email !== 'string') throw new TypeError('email: must be a string');
  const trimmed = email.trim();
  const key = poolEmailKey(trimmed);
  if (trimmed.length === 0) throw new TypeError('email: must not be empty');
  // Lowercasing can lengthen some characters, so the key is checked too.
  if (trimmed.length > MAX_EMAIL || key.length > MAX_EMAIL) {
    throw new RangeError(`email: longer than ${MAX_EMAIL} characters`);
  }
  return { email: trimmed, key };
}

function checkUserId(id: number): number {
  if (!Number.isInteger(id) || id < 1 || id > MAX_POOL_USER_ID) {
    throw new RangeError(`id: must be an integer in [1, ${MAX_POOL_USER_ID}], got ${id}`);
  }
  return id;
}

function checkInt(field: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${field}: must be an integer in [0, ${max}], got ${value}`);
  }
  return value;
}

function checkString(field: string, value: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${field}: must be a non-empty string`);
  }
  if (value.length > max) throw new RangeError(`${field}: longer than ${max} characters`);
  return value;
}

function checkEmailVerified(value: number): EmailVerified {
  if (value !== 0 && value !== 1 && value !== 2) {
    throw new RangeError(`emailVerified: must be 0, 1 or 2, got ${value}`);
  }
  return value;
}

// Vote bits are a uint16 on the wire (vote script), the version a uint32 that fits INTEGER here.
const checkVoteBits = (bits: number) => checkInt('voteBits', bits, 0xffff);
const checkVoteBitsVersion = (v: number) => checkInt('voteBitsVersion', v, MAX_INT32);

function fromRow(r: Selectable<PoolUsersTable>): PoolUser {
  return {
    id: r.id,
    email: r.email,
    emailVerified: checkEmailVerified(r.email_verified),
    passwordHash: r.password_hash,
    multisig:
      r.multisig_address === null
        ? undefined
        : {
            address: r.multisig_address,
            script: r.multisig_script ?? '',
            poolPubKeyAddr: r.pool_pubkey_addr ?? '',
            userPubKeyAddr: r.user_pubkey_addr ?? '',
            feeAddress: r.fee_address ?? '',
            heightRegistered: r.height_registered ?? 0,
          },
    voteBits: r.vote_bits,
    voteBitsVersion: r.vote_bits_version,
    apiToken: r.api_token ?? undefined,
    createdAt: toNumber(r.created_at),
  };
}

/**
 * The id a new user gets: one above the highest, or (once that would pass MAX_POOL_USER_ID, e.g.
 * after importing a user with a high id) the lowest gap.
 */
async function nextUserId(trx: Trx): Promise<number> {
  const top = await trx
    .selectFrom('pool_users')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  const max = top?.id === null || top?.id === undefined ? 0 : toNumber(top.id);
  if (max < MAX_POOL_USER_ID) return max + 1;
  const first = await trx
    .selectFrom('pool_users')
    .select('id')
    .where('id', '=', 1)
    .executeTakeFirst();
  if (first === undefined) return 1;
  const gap = await trx
    .selectFrom('pool_users as u')
    .select('u.id')
    .where('u.id', '<', MAX_POOL_USER_ID)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('pool_users as n')
            .select('n.id')
            .where((inner) => inner('n.id', '=', inner('u.id', '+', 1))),
        ),
      ),
    )
    .orderBy('u.id')
    .limit(1)
    .executeTakeFirst();
  if (gap === undefined) throw new PoolFullError();
  return gap.id + 1;
}

/**
 * Adds an account. Returns undefined, adding nothing, when the email (in any case) is taken.
 * Throws PoolFullError when no id is left, and RangeError when an explicit id belongs to someone
 * else. Given a transaction, an id race cannot be retried (PostgreSQL aborts it) and is thrown.
 */
export async function createPoolUser(db: Db, user: NewPoolUser): Promise<PoolUser | undefined> {
  const { email, key } = checkEmail(user.email);
  const passwordHash = checkString('passwordHash', user.passwordHash, 255);
  const emailVerified = checkEmailVerified(user.emailVerified);
  const voteBits = checkVoteBits(user.voteBits);
  const voteBitsVersion = checkVoteBitsVersion(user.voteBitsVersion);
  const explicitId = user.id === undefined ? undefined : checkUserId(user.id);

  for (let attempt = 1; ; attempt++) {
    try {
      return await withTransaction(db, async (trx) => {
        const taken = await trx
          .selectFrom('pool_users')
          .select('id')
          .where('email_key', '=', key)
          .executeTakeFirst();
        if (taken) return undefined;
        const id = explicitId ?? (await nextUserId(trx));
        const now = BigInt(nowSeconds());
        const row: PoolUsersTable = {
          id,
          email,
          email_key: key,
          password_hash: passwordHash,
          email_verified: emailVerified,
          multisig_address: null,
          multisig_script: null,
          pool_pubkey_addr: null,
          user_pubkey_addr: null,
          fee_address: null,
          height_registered: null,
          vote_bits: voteBits,
          vote_bits_version: voteBitsVersion,
          api_token: null,
          created_at: now,
          updated_at: now,
        };
        await trx.insertInto('pool_users').values(row).execute();
        return fromRow(row);
      });
    } catch (err) {
      if (isIdRace(err)) {
        if (explicitId !== undefined && isPrimaryKeyViolation(err)) {
          throw new RangeError(`id: ${explicitId} already belongs to another user`, { cause: err });
        }
        if (!db.isTransaction && attempt < ID_ATTEMPTS) continue;
        throw err;
      }
      // The same email registered concurrently.
      if (isUniqueViolation(err)) return undefined;
      throw err;
    }
  }
}

export async function getPoolUser(db: Db, id: number): Promise<PoolUser | undefined> {
  if (!Number.isInteger(id) || id < 0 || id > MAX_INT32) return undefined;
  const row = await db.selectFrom('pool_users').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** Case and surrounding spaces do not matter. */
export async function getPoolUserByEmail(db: Db, email: string): Promise<PoolUser | undefined> {
  const key = poolEmailKey(email);
  if (key.length === 0 || key.length > MAX_EMAIL) return undefined;
  const row = await db
    .selectFrom('pool_users')
    .selectAll()
    .where('email_key', '=', key)
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

async function update(db: Db, id: number, set: Updateable<PoolUsersTable>): Promise<boolean> {
  const result = await db
    .updateTable('pool_users')
    .set({ ...set, updated_at: BigInt(nowSeconds()) })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** False when the user does not exist (likewise for the other setters). */
export async function setPoolUserPassword(db: Db, id: number, hash: string): Promise<boolean> {
  return update(db, id, { password_hash: checkString('passwordHash', hash, 255) });
}

export async function setPoolUserEmailVerified(
  db: Db,
  id: number,
  value: EmailVerified,
): Promise<boolean> {
  return update(db, id, { email_verified: checkEmailVerified(value) });
}

/**
 * False when another user has the email (any case), or the user does not exist. Inside a
 * caller's transaction the failed write aborts it on PostgreSQL: check first there.
 */
export async function setPoolUserEmail(db: Db, id: number, email: string): Promise<boolean> {
  const checked = checkEmail(email);
  try {
    return await update(db, id, { email: checked.email, email_key: checked.key });
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

/** Stores the user's multisig; false when they already have one, which is never overwritten. */
export async function setPoolUserMultisig(db: Db, id: number, m: PoolMultisig): Promise<boolean> {
  const script = checkString('script', m.script, 1_000);
  if (!/^(?:[0-9a-f]{2})+$/.test(script)) throw new TypeError('script: must be lowercase hex');
  const set: Updateable<PoolUsersTable> = {
    multisig_address: checkString('address', m.address, 64),
    multisig_script: script,
    pool_pubkey_addr: checkString('poolPubKeyAddr', m.poolPubKeyAddr, 128),
    user_pubkey_addr: checkString('userPubKeyAddr', m.userPubKeyAddr, 128),
    fee_address: checkString('feeAddress', m.feeAddress, 64),
    height_registered: checkInt('heightRegistered', m.heightRegistered, MAX_INT32),
    updated_at: BigInt(nowSeconds()),
  };
  const result = await db
    .updateTable('pool_users')
    .set(set)
    .where('id', '=', id)
    .where('multisig_address', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setPoolUserVoteBits(
  db: Db,
  id: number,
  bits: number,
  version: number,
): Promise<boolean> {
  return update(db, id, {
    vote_bits: checkVoteBits(bits),
    vote_bits_version: checkVoteBitsVersion(version),
  });
}

/**
 * After the pool's vote version changes (and at startup), as dcrstakepool's
 * CheckAndResetUserVoteBits: users saved under another version get version and bits 1; users
 * whose bits are not valid for the current agendas get bits 1. Returns how many users changed.
 * One query per distinct bits value, not per user.
 */
export async function resetStaleVoteBits(
  db: Db,
  version: number,
  isValid: (bits: number) => boolean,
): Promise<number> {
  checkVoteBitsVersion(version);
  const now = BigInt(nowSeconds());
  const stale = await db
    .updateTable('pool_users')
    .set({ vote_bits: 1, vote_bits_version: version, updated_at: now })
    .where('vote_bits_version', '!=', version)
    .executeTakeFirst();
  let changed = Number(stale.numUpdatedRows);
  const distinct = await db
    .selectFrom('pool_users')
    .select('vote_bits')
    .distinct()
    .where('vote_bits', '!=', 1)
    .execute();
  const invalid = distinct.map((r) => r.vote_bits).filter((bits) => !isValid(bits));
  if (invalid.length > 0) {
    const result = await db
      .updateTable('pool_users')
      .set({ vote_bits: 1, updated_at: now })
      .where('vote_bits', 'in', invalid)
      .where('vote_bits_version', '=', version)
      .executeTakeFirst();
    changed += Number(result.numUpdatedRows);
  }
  return changed;
}

/** undefined revokes: the API then refuses every token of this user until a new one is set. */
export async function setPoolUserApiToken(
  db: Db,
  id: number,
  token: string | undefined,
): Promise<boolean> {
  return update(db, id, {
    api_token: token === undefined ? null : checkString('token', token, 1024),
  });
}

/** All accounts, and those with a multisig address (dcrstakepool's "active" users). */
export async function poolUserCounts(db: Db): Promise<{ total: number; active: number }> {
  const row = await db
    .selectFrom('pool_users')
    .select((eb) => [eb.fn.countAll().as('total'), eb.fn.count('multisig_address').as('active')])
    .executeTakeFirst();
  return { total: toNumber(row?.total), active: toNumber(row?.active) };
}

/** P2SH address → user id, for every user with a multisig: what the ticket scanner matches. */
export async function poolMultisigOwners(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('pool_users')
    .select(['id', 'multisig_address'])
    .where('multisig_address', 'is not', null)
    .execute();
  const owners = new Map<string, number>();
  for (const r of rows) if (r.multisig_address !== null) owners.set(r.multisig_address, r.id);
  return owners;
}

/** Users with id > afterId, by id, at most limit: walks the table in pages (import, back-fill). */
export async function listPoolUsers(
  db: Db,
  page: { afterId: number; limit: number },
): Promise<PoolUser[]> {
  const afterId = checkInt('afterId', page.afterId, MAX_INT32);
  const limit = checkInt('limit', page.limit, 10_000);
  if (limit === 0) return [];
  const rows = await db
    .selectFrom('pool_users')
    .selectAll()
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(fromRow);
}

/**
 * Lowest height_registered among users with a multisig address (undefined when none): where the
 * ticket scanner must start, since no pool ticket can predate its address.
 */
export async function minPoolHeightRegistered(db: Db): Promise<number | undefined> {
  const row = await db
    .selectFrom('pool_users')
    .select((eb) => eb.fn.min('height_registered').as('h'))
    .where('multisig_address', 'is not', null)
    .executeTakeFirst();
  return row?.h === null || row?.h === undefined ? undefined : toNumber(row.h);
}
