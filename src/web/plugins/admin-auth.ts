// Admin authentication: the server-side admin session (login form, CSRF, idle and absolute
// limits), HTTP basic auth for the monitoring endpoint, the client address the failed-login
// limit is keyed on, and ending every admin session when the admin password changes.
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  decodePasswordHash,
  encodePasswordHash,
  hashPassword,
  verifyPassword,
} from '../../admin/password.ts';
import { getSetting, setSetting } from '../../db/settings.ts';
import { deleteAdminWebSessions } from '../../db/web-sessions.ts';
import { unixSeconds } from '../context.ts';
import type { ResolvedAdmin } from './site.ts';
import type { ActiveSession } from './web-session.ts';

/** Settings row holding a slow hash of the admin password binding the sessions were made under. */
export const ADMIN_BINDING_SETTING = 'web.admin_session_binding';
/** How often an admin session's last-use time is written back (it bounds the idle timeout). */
const SEEN_RESOLUTION_S = 60;

/**
 * The address the failed-login limit counts against. With a real-IP header configured, the last
 * address in it: the one the proxy in front of us wrote, not one a client put there itself
 * (decred/vspd#535). Otherwise fastify's request.ip (socket address, or X-Forwarded-For when the
 * app was built with trustProxy).
 */
export function clientIp(request: FastifyRequest, realIpHeader: string): string {
  if (realIpHeader !== '') {
    const raw = request.headers[realIpHeader];
    const value = Array.isArray(raw) ? raw.at(-1) : raw;
    const last = value?.split(',').at(-1)?.trim();
    if (last !== undefined && last !== '') return last;
  }
  return request.ip;
}

/** The request's admin-cookie session (logged in or not), if any. */
export function readSession(
  request: FastifyRequest,
  admin: ResolvedAdmin,
): Promise<ActiveSession | undefined> {
  return admin.sessions.current(request);
}

/** The request's session, or a new not-logged-in one for the login form's CSRF token. */
export function ensureSession(
  request: FastifyRequest,
  reply: FastifyReply,
  admin: ResolvedAdmin,
): Promise<ActiveSession> {
  return admin.sessions.ensure(request, reply);
}

/** A logged-in admin session under a new id (the old row goes: no session fixation). */
export function startAdminSession(
  request: FastifyRequest,
  reply: FastifyReply,
  admin: ResolvedAdmin,
  nowMs: number,
): Promise<ActiveSession> {
  return admin.sessions.start(request, reply, {
    admin: true,
    data: { seen: unixSeconds(nowMs) },
    lifeSeconds: Math.floor(admin.sessionMaxMs / 1000),
  });
}

/** Record that the admin used the session now (the idle timeout counts from here). */
export function touchSession(s: ActiveSession, nowMs: number): void {
  const now = unixSeconds(nowMs);
  const seen = typeof s.data.seen === 'number' ? s.data.seen : s.createdAt;
  if (now - seen >= SEEN_RESOLUTION_S) s.data.seen = now;
}

/** The logged-in session, or undefined after redirecting the browser to the login form. */
export async function requireAdmin(
  request: FastifyRequest,
  reply: FastifyReply,
  admin: ResolvedAdmin,
  nowMs: number,
): Promise<ActiveSession | undefined> {
  const s = await readSession(request, admin);
  if (s === undefined || !s.admin) {
    void reply.code(303).header('location', '/admin').send();
    return undefined;
  }
  touchSession(s, nowMs);
  return s;
}

/** The password of an `Authorization: Basic` header (any user name), or undefined. */
export function basicAuthPassword(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (m?.[1] === undefined) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

export type PasswordCheck = 'ok' | 'wrong' | { throttled: number };

/**
 * Check a password against the admin password, through the failed-login limit: a throttled IP
 * is refused before its guess is even looked at, and every wrong guess counts.
 */
export async function checkAdminPassword(
  admin: ResolvedAdmin,
  ip: string,
  password: string,
): Promise<PasswordCheck> {
  const decision = await admin.throttle.check(ip);
  if (!decision.allowed) return { throttled: decision.retryAfterSeconds };
  if (password !== '' && (await verifyPassword(admin.passwordHash, password))) {
    await admin.throttle.succeeded(ip);
    return 'ok';
  }
  await admin.throttle.failed(ip);
  return 'wrong';
}

/**
 * At startup: when the admin password is not the one the database's admin sessions were made
 * under, delete them all, and remember the new one. Only a slow salted hash of the binding is
 * stored (the binding is a digest of the password: a fast hash would be an offline oracle).
 * Returns how many sessions ended.
 */
export async function endSessionsOfOldAdminPassword(admin: ResolvedAdmin): Promise<number> {
  const binding = Buffer.from(admin.sessionBinding).toString('hex');
  const stored = await getSetting(admin.db, ADMIN_BINDING_SETTING);
  let same = false;
  if (stored !== undefined) {
    try {
      const h = decodePasswordHash(stored);
      same = h !== undefined && (await verifyPassword(h, binding));
    } catch {
      same = false;
    }
  }
  if (same) return 0;
  const ended = await deleteAdminWebSessions(admin.db);
  const digest = await hashPassword(binding, admin.passwordHash.params);
  await setSetting(admin.db, ADMIN_BINDING_SETTING, encodePasswordHash(digest));
  return ended;
}
