// CSRF tokens kept in the server-side session (synchronizer tokens): every form carries its
// session's random secret, and a POST is accepted only with it. Another site can make a browser
// post a form but cannot read the token, and a new session (login, logout) gets a new one.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { ActiveSession } from './web-session.ts';

const KEY = 'csrf';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The session's CSRF token, made on first use. */
export function csrfToken(session: ActiveSession): string {
  const existing = session.data[KEY];
  if (typeof existing === 'string' && TOKEN.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  session.data[KEY] = token;
  return token;
}

/** Whether a submitted token is the session's; false without a session or a token. */
export function csrfValid(session: ActiveSession | undefined, submitted: unknown): boolean {
  if (session === undefined || typeof submitted !== 'string') return false;
  const expected = session.data[KEY];
  if (typeof expected !== 'string' || !TOKEN.test(expected)) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(submitted, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
