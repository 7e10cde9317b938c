// Single-use tokens mailed to users (email verification, password reset, email change): 16 random
// bytes as 32 hex characters, the same form dcrstakepool mailed. Only their SHA-256 is stored, so
// a read of the database (a backup, an SQL injection elsewhere) yields no usable link.
import { createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 16;
// dcrstakepool parsed tokens with hex.DecodeString, which takes either case.
const TOKEN_FORMAT = /^[0-9a-fA-F]{32}$/;

/** A fresh token: 16 random bytes, lowercase hex. */
export function newSecretToken(): string {
  return randomBytes(TOKEN_BYTES).toString('hex');
}

/** Whether `t` looks like a token (32 hex characters) — check before touching the database. */
export function isSecretTokenFormat(t: unknown): t is string {
  return typeof t === 'string' && TOKEN_FORMAT.test(t);
}

/**
 * SHA-256 hex of the token as it is stored. Lowercased first so a link whose case a mail client
 * changed still finds its row.
 */
export function secretTokenHash(t: string): string {
  if (typeof t !== 'string') throw new TypeError('token: expected a string');
  return createHash('sha256').update(t.toLowerCase(), 'utf8').digest('hex');
}
