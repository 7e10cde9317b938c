// Server-side web sessions for the legacy account pages and the VSP admin alike. Only the sha256
// of the cookie value is stored, so a leaked database does not hand out live sessions; a session
// ends by deleting its row (logout, password change), which dcrstakepool's cookie-held state
// could not do (#328, #379).
import type { Selectable } from 'kysely';
import { toNumber } from './engine.ts';
import type { Db } from './transaction.ts';

export interface WebSessionsTable {
  id_hash: string;
  user_id: number | null;
  admin: number;
  data: string;
  created_at: bigint;
  expires_at: bigint;
}

export interface WebSession {
  /** sha256 hex of the cookie value. */
  idHash: string;
  /** Logged-in legacy account; undefined for an anonymous session. */
  userId: number | undefined;
  /** A logged-in VSP admin (adminpass). */
  admin: boolean;
  /** JSON-serialisable state: CSRF secret, captcha, flashes… */
  data: Record<string, unknown>;
  /** Unix seconds. */
  createdAt: number;
  /** Unix seconds; the session is gone from this second on. */
  expiresAt: number;
}

// A TEXT column on MySQL holds 65,535 bytes; refuse more here rather than fail there only.
const MAX_DATA_BYTES = 65_535;
const HASH_RE = /^[0-9a-f]{64}$/;

function checkIdHash(idHash: string): string {
  if (typeof idHash !== 'string' || !HASH_RE.test(idHash)) {
    throw new TypeError('idHash: must be 64 lowercase hex characters');
  }
  return idHash;
}

function checkSeconds(field: string, value: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${field}: must be a non-negative integer of seconds, got ${value}`);
  }
  return BigInt(value);
}

function checkUserId(userId: number): number {
  if (!Number.isInteger(userId) || userId < 0 || userId > 2 ** 31 - 1) {
    throw new RangeError(`userId: must be a non-negative integer, got ${userId}`);
  }
  return userId;
}

function encodeData(data: Record<string, unknown>): string {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TypeError('data: must be a plain object');
  }
  const text = JSON.stringify(data);
  if (Buffer.byteLength(text, 'utf8') > MAX_DATA_BYTES) {
    throw new RangeError(`data: more than ${MAX_DATA_BYTES} bytes as JSON`);
  }
  return text;
}

function decodeData(idHash: string, text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`data: stored value of session ${idHash.slice(0, 8)}… is not an object`);
  }
  return value as Record<string, unknown>;
}

function fromRow(r: Selectable<WebSessionsTable>): WebSession {
  return {
    idHash: r.id_hash,
    userId: r.user_id ?? undefined,
    admin: Number(r.admin) !== 0,
    data: decodeData(r.id_hash, r.data),
    createdAt: toNumber(r.created_at),
    expiresAt: toNumber(r.expires_at),
  };
}

/** Throws on a duplicate idHash (32 random bytes: it does not happen by chance). */
export async function createWebSession(db: Db, s: WebSession): Promise<void> {
  await db
    .insertInto('web_sessions')
    .values({
      id_hash: checkIdHash(s.idHash),
      user_id: s.userId === undefined ? null : checkUserId(s.userId),
      admin: s.admin ? 1 : 0,
      data: encodeData(s.data),
      created_at: checkSeconds('createdAt', s.createdAt),
      expires_at: checkSeconds('expiresAt', s.expiresAt),
    })
    .execute();
}

/** The session, unless unknown or expired (expiresAt ≤ nowSec). */
export async function getWebSession(
  db: Db,
  idHash: string,
  nowSec: number,
): Promise<WebSession | undefined> {
  if (typeof idHash !== 'string' || !HASH_RE.test(idHash)) return undefined;
  const row = await db
    .selectFrom('web_sessions')
    .selectAll()
    .where('id_hash', '=', idHash)
    .where('expires_at', '>', checkSeconds('nowSec', nowSec))
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** Replaces the data; false when the session is unknown. */
export async function updateWebSessionData(
  db: Db,
  idHash: string,
  data: Record<string, unknown>,
): Promise<boolean> {
  const result = await db
    .updateTable('web_sessions')
    .set({ data: encodeData(data) })
    .where('id_hash', '=', checkIdHash(idHash))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteWebSession(db: Db, idHash: string): Promise<boolean> {
  const result = await db
    .deleteFrom('web_sessions')
    .where('id_hash', '=', checkIdHash(idHash))
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Logs the user out everywhere (password or email change), except the session keepIdHash (the
 * one making the change). Returns how many sessions ended.
 */
export async function deleteUserWebSessions(
  db: Db,
  userId: number,
  keepIdHash?: string,
): Promise<number> {
  let query = db.deleteFrom('web_sessions').where('user_id', '=', checkUserId(userId));
  if (keepIdHash !== undefined) query = query.where('id_hash', '!=', checkIdHash(keepIdHash));
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Ends every VSP admin session (admin password changed). */
export async function deleteAdminWebSessions(db: Db): Promise<number> {
  const result = await db.deleteFrom('web_sessions').where('admin', '=', 1).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes the sessions expired at nowSec; returns how many. */
export async function purgeExpiredWebSessions(db: Db, nowSec: number): Promise<number> {
  const result = await db
    .deleteFrom('web_sessions')
    .where('expires_at', '<=', checkSeconds('nowSec', nowSec))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
