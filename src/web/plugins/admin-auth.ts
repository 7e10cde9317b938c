// Admin authentication: the session cookie (login form, CSRF), HTTP basic auth for the
// monitoring endpoint, and the client address the failed-login limit is keyed on.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifyPassword } from '../../admin/password.ts';
import { unixSeconds } from '../context.ts';
import type { ResolvedAdmin } from './site.ts';
import { parseCookies, serializeCookie, SessionSigner } from './session.ts';
import type { Session } from './session.ts';

export const ADMIN_COOKIE = 'stakepool_admin';
/** The cookie goes only to /admin and below. */
const COOKIE_PATH = '/admin';
/** How long a login form stays usable. */
const ANONYMOUS_SESSION_S = 3600;

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

/** The valid session the request's cookie holds, if any. */
export function readSession(
  request: FastifyRequest,
  admin: ResolvedAdmin,
  nowMs: number,
): Session | undefined {
  const token = parseCookies(request.headers.cookie).get(ADMIN_COOKIE);
  const s = admin.signer.decode(token, unixSeconds(nowMs));
  if (s === undefined) return undefined;
  // The absolute limit is enforced here too, so a refreshed cookie cannot outlive it.
  if (s.admin && unixSeconds(nowMs) >= s.issuedAt + Math.floor(admin.sessionMaxMs / 1000)) {
    return undefined;
  }
  return s;
}

function writeSession(reply: FastifyReply, admin: ResolvedAdmin, s: Session, nowMs: number): void {
  const cookie = serializeCookie(ADMIN_COOKIE, admin.signer.encode(s), {
    path: COOKIE_PATH,
    httpOnly: true,
    sameSite: 'Lax',
    secure: admin.cookieSecure,
    maxAge: s.expiresAt - unixSeconds(nowMs),
  });
  void reply.header('set-cookie', cookie);
}

/** A new session (new id, so no token of an earlier one applies), written to the reply. */
export function startSession(
  reply: FastifyReply,
  admin: ResolvedAdmin,
  asAdmin: boolean,
  nowMs: number,
): Session {
  const now = unixSeconds(nowMs);
  const s: Session = {
    sid: SessionSigner.newSid(),
    admin: asAdmin,
    issuedAt: now,
    expiresAt: now + (asAdmin ? Math.floor(admin.sessionIdleMs / 1000) : ANONYMOUS_SESSION_S),
  };
  writeSession(reply, admin, s, nowMs);
  return s;
}

/**
 * An admin session in use: push its expiry forward (idle timeout) once half of it has passed,
 * never beyond the absolute limit.
 */
export function touchSession(
  reply: FastifyReply,
  admin: ResolvedAdmin,
  s: Session,
  nowMs: number,
): void {
  const now = unixSeconds(nowMs);
  const idle = Math.floor(admin.sessionIdleMs / 1000);
  if (s.expiresAt - now > idle / 2) return;
  const expiresAt = Math.min(now + idle, s.issuedAt + Math.floor(admin.sessionMaxMs / 1000));
  if (expiresAt <= s.expiresAt) return;
  writeSession(reply, admin, { ...s, expiresAt }, nowMs);
}

/** The logged-in session, or undefined after redirecting the browser to the login form. */
export function requireAdmin(
  request: FastifyRequest,
  reply: FastifyReply,
  admin: ResolvedAdmin,
  nowMs: number,
): Session | undefined {
  const s = readSession(request, admin, nowMs);
  if (s === undefined || !s.admin) {
    void reply.code(303).header('location', '/admin').send();
    return undefined;
  }
  touchSession(reply, admin, s, nowMs);
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
