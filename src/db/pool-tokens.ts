// Emailed one-time tokens: email verification, password reset, email change. Only the sha256 of
// the token is stored. Every kind expires (dcrstakepool's verification links never did) and a
// token is consumed by one atomic DELETE, so two clicks racing cannot both succeed.
import type { Selectable } from 'kysely';
import { nowSeconds, toNumber } from './engine.ts';
import type { Db } from './transaction.ts';

export interface PoolTokensTable {
  token_hash: string;
  user_id: number;
  kind: string;
  new_email: string | null;
  created_at: bigint;
  expires_at: bigint;
}

export const POOL_TOKEN_KINDS = ['verify_email', 'reset_password', 'change_email'] as const;
export type PoolTokenKind = (typeof POOL_TOKEN_KINDS)[number];

export interface PoolToken {
  /** sha256 hex of the emailed token. */
  tokenHash: string;
  userId: number;
  kind: PoolTokenKind;
  /** The address being changed to (change_email only). */
  newEmail: string | undefined;
  /** Unix seconds. */
  createdAt: number;
  /** Unix seconds; the token stops working at this second. */
  expiresAt: number;
}

const HASH_RE = /^[0-9a-f]{64}$/;

function checkKind(kind: string): PoolTokenKind {
  if (!(POOL_TOKEN_KINDS as readonly string[]).includes(kind)) {
    throw new TypeError(`kind: unknown token kind ${JSON.stringify(kind)}`);
  }
  return kind as PoolTokenKind;
}

function checkSeconds(field: string, value: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${field}: must be a non-negative integer of seconds, got ${value}`);
  }
  return BigInt(value);
}

function fromRow(r: Selectable<PoolTokensTable>): PoolToken {
  return {
    tokenHash: r.token_hash,
    userId: r.user_id,
    kind: checkKind(r.kind),
    newEmail: r.new_email ?? undefined,
    createdAt: toNumber(r.created_at),
    expiresAt: toNumber(r.expires_at),
  };
}

export async function insertPoolToken(db: Db, t: Omit<PoolToken, 'createdAt'>): Promise<void> {
  if (typeof t.tokenHash !== 'string' || !HASH_RE.test(t.tokenHash)) {
    throw new TypeError('tokenHash: must be 64 lowercase hex characters');
  }
  if (!Number.isInteger(t.userId) || t.userId < 1 || t.userId > 2 ** 31 - 1) {
    throw new RangeError(`userId: must be a positive integer, got ${t.userId}`);
  }
  const kind = checkKind(t.kind);
  if (kind === 'change_email') {
    if (typeof t.newEmail !== 'string' || t.newEmail.length === 0 || t.newEmail.length > 254) {
      throw new TypeError('newEmail: change_email needs the new address (1 to 254 characters)');
    }
  } else if (t.newEmail !== undefined) {
    throw new TypeError(`newEmail: only for change_email, not ${kind}`);
  }
  await db
    .insertInto('pool_tokens')
    .values({
      token_hash: t.tokenHash,
      user_id: t.userId,
      kind,
      new_email: t.newEmail ?? null,
      created_at: BigInt(nowSeconds()),
      expires_at: checkSeconds('expiresAt', t.expiresAt),
    })
    .execute();
}

/** The token if it exists, is of this kind and has not expired; it stays usable. */
export async function peekPoolToken(
  db: Db,
  tokenHash: string,
  kind: PoolTokenKind,
  nowSec: number,
): Promise<PoolToken | undefined> {
  if (typeof tokenHash !== 'string' || !HASH_RE.test(tokenHash)) return undefined;
  const row = await db
    .selectFrom('pool_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('kind', '=', checkKind(kind))
    .where('expires_at', '>', checkSeconds('nowSec', nowSec))
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/**
 * As peekPoolToken, and uses the token up. The DELETE decides: when two requests race, only the
 * one whose DELETE removed the row gets the token, the other undefined.
 */
export async function takePoolToken(
  db: Db,
  tokenHash: string,
  kind: PoolTokenKind,
  nowSec: number,
): Promise<PoolToken | undefined> {
  const token = await peekPoolToken(db, tokenHash, kind, nowSec);
  if (token === undefined) return undefined;
  const result = await db
    .deleteFrom('pool_tokens')
    .where('token_hash', '=', tokenHash)
    .where('kind', '=', kind)
    .where('expires_at', '>', BigInt(nowSec))
    .executeTakeFirst();
  return result.numDeletedRows > 0n ? token : undefined;
}

/** Deletes the user's tokens (of one kind, or all); returns how many. */
export async function deletePoolTokens(
  db: Db,
  userId: number,
  kind?: PoolTokenKind,
): Promise<number> {
  let query = db.deleteFrom('pool_tokens').where('user_id', '=', userId);
  if (kind !== undefined) query = query.where('kind', '=', checkKind(kind));
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes every token expired at nowSec (housekeeping); returns how many. */
export async function purgeExpiredPoolTokens(db: Db, nowSec: number): Promise<number> {
  const result = await db
    .deleteFrom('pool_tokens')
    .where('expires_at', '<=', checkSeconds('nowSec', nowSec))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
