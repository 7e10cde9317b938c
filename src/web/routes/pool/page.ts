// What the account routes share: the logged-in user, flash messages, captcha state in the
// session, the CSRF check of a posted form, the frame every page gets, redirects, one-message
// pages and mail sending.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { getPoolUser } from '../../../db/pool-users.ts';
import type { PoolUser } from '../../../db/pool-users.ts';
import { newCaptchaDigits } from '../../../pool/captcha.ts';
import type { MailMessage } from '../../../pool/mailer.ts';
import { clientIp } from '../../plugins/admin-auth.ts';
import { csrfToken, csrfValid } from '../../plugins/csrf.ts';
import { sendHtml, siteView } from '../../plugins/site.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import type { ActiveSession } from '../../plugins/web-session.ts';
import type { CaptchaView } from '../../views/pool/captcha.ts';
import { poolMessagePage } from '../../views/pool/layout.ts';
import type { Flash, PoolMessage, PoolPageView } from '../../views/pool/layout.ts';

/** Every account page: nothing of it may be kept by a browser or a proxy. */
export const PRIVATE_CACHE = 'private, no-store, no-cache';

export interface LoggedIn {
  session: ActiveSession;
  user: PoolUser;
}

// ----- flashes: messages that survive one redirect -----

export function addFlash(s: ActiveSession, kind: Flash['kind'], text: string): void {
  const list = Array.isArray(s.data.flash) ? (s.data.flash as Flash[]) : [];
  // A few at most: a loop of failed posts must not grow the session row without bound.
  s.data.flash = [...list, { kind, text }].slice(-5);
}

/** The session's flashes, removed from it (shown once). */
export function takeFlashes(s: ActiveSession | undefined): Flash[] {
  if (s === undefined || s.data.flash === undefined) return [];
  const list = s.data.flash;
  delete s.data.flash;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (f): f is Flash =>
      typeof f === 'object' &&
      f !== null &&
      typeof (f as Flash).text === 'string' &&
      ['error', 'success', 'info'].includes((f as Flash).kind),
  );
}

// ----- captcha: the digits live in the server-side session only -----

interface CaptchaState {
  digits?: string;
  solved?: boolean;
  serial: number;
}

function captchaState(s: ActiveSession): CaptchaState {
  const c = s.data.captcha as Partial<CaptchaState> | undefined;
  return {
    ...(typeof c?.digits === 'string' ? { digits: c.digits } : {}),
    ...(c?.solved === true ? { solved: true } : {}),
    serial: typeof c?.serial === 'number' ? c.serial : 0,
  };
}

export function captchaSolved(s: ActiveSession): boolean {
  return captchaState(s).solved === true;
}

/** The digits to draw, made now if the session has none (or a new set was asked for). */
export function captchaDigits(s: ActiveSession, renew = false): string {
  const c = captchaState(s);
  if (c.digits !== undefined && !renew) return c.digits;
  const digits = newCaptchaDigits();
  s.data.captcha = { ...c, digits, serial: c.serial + 1 };
  return digits;
}

/** A solve counts once: the digits go, and the session is marked until one action uses it. */
export function markCaptchaSolved(s: ActiveSession): void {
  const c = captchaState(s);
  s.data.captcha = { serial: c.serial, solved: true };
}

/** The protected action happened: the next one needs a new solve. */
export function consumeCaptcha(s: ActiveSession): void {
  const c = captchaState(s);
  s.data.captcha = { serial: c.serial };
}

/** Pages that show a captcha, and where /verifyhuman may send the browser back to. */
export const CAPTCHA_PAGES = ['/register', '/passwordreset', '/settings'] as const;
export type CaptchaPage = (typeof CAPTCHA_PAGES)[number];

export function captchaView(s: ActiveSession, returnTo: CaptchaPage, purpose: string): CaptchaView {
  captchaDigits(s);
  return { csrf: csrfToken(s), serial: captchaState(s).serial, returnTo, purpose };
}

// ----- who is asking -----

/** The logged-in account of the request, if any. */
export async function currentUser(
  deps: PoolDeps,
  request: FastifyRequest,
): Promise<LoggedIn | undefined> {
  const session = await deps.pool.sessions.current(request);
  if (session?.userId === undefined) return undefined;
  const user = await getPoolUser(deps.pool.db, session.userId);
  return user === undefined ? undefined : { session, user };
}

/** The logged-in account, or undefined after sending the browser to /login. */
export async function requireUser(
  deps: PoolDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<LoggedIn | undefined> {
  const found = await currentUser(deps, request);
  if (found !== undefined) return found;
  const s = await deps.pool.sessions.ensure(request, reply);
  addFlash(s, 'info', 'Log in to see that page.');
  void redirect(reply, '/login');
  return undefined;
}

/**
 * The logged-in account once it has submitted an address (its tickets vote through it), or
 * undefined after sending the browser to /login, or to /address with a note.
 */
export async function requireUserWithAddress(
  deps: PoolDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<LoggedIn | undefined> {
  const lu = await requireUser(deps, request, reply);
  if (lu === undefined || lu.user.multisig !== undefined) return lu;
  void redirectWithFlash(
    reply,
    lu.session,
    'info',
    'Submit an address first: your tickets vote through it.',
    '/address',
  );
  return undefined;
}

// ----- posted forms -----

/**
 * The session a form was posted with, when the form carries that session's CSRF token.
 * Otherwise `expired`, with the session to answer on: the browser's, or a new one if it had none.
 */
export async function formSession(
  deps: PoolDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  csrf: unknown,
): Promise<{ session: ActiveSession; expired: boolean }> {
  const current = await deps.pool.sessions.current(request);
  if (current !== undefined && csrfValid(current, csrf)) {
    return { session: current, expired: false };
  }
  return { session: current ?? (await deps.pool.sessions.ensure(request, reply)), expired: true };
}

/** A logged-in user's post without its session's CSRF token: back to `path`, with a note. */
export function expiredFormRedirect(
  reply: FastifyReply,
  session: ActiveSession,
  path: string,
): FastifyReply {
  return redirectWithFlash(
    reply,
    session,
    'error',
    'The form has expired. Please try again.',
    path,
  );
}

/** Where a user goes after logging in (dcrstakepool's choice). */
export function landingPath(user: PoolUser): string {
  return user.multisig === undefined ? '/address' : '/tickets';
}

export function clientAddress(deps: PoolDeps, request: FastifyRequest): string {
  return clientIp(request, deps.pool.realIpHeader);
}

/** The frame of a page: site, navigation (with the logout form's token) and flashes. */
export function pageView(
  deps: PoolDeps,
  session: ActiveSession | undefined,
  user?: PoolUser,
): Omit<PoolPageView, 'title'> {
  return {
    site: siteView(deps),
    nowMs: deps.ctx.now(),
    user:
      user !== undefined && session !== undefined
        ? { email: user.email, csrf: csrfToken(session) }
        : undefined,
    flashes: takeFlashes(session),
  };
}

export function redirect(reply: FastifyReply, location: string): FastifyReply {
  return reply.code(303).header('location', location).send();
}

/** A redirect whose next page shows `text`. */
export function redirectWithFlash(
  reply: FastifyReply,
  session: ActiveSession,
  kind: Flash['kind'],
  text: string,
  location: string,
): FastifyReply {
  addFlash(session, kind, text);
  return redirect(reply, location);
}

/** Answers with a page that only says one thing, in the frame of `session` and `user`. */
export function sendMessagePage(
  deps: PoolDeps,
  reply: FastifyReply,
  status: number,
  page: Pick<PoolPageView, 'title' | 'current'> & PoolMessage,
  session?: ActiveSession,
  user?: PoolUser,
): FastifyReply {
  return sendHtml(reply, poolMessagePage({ ...pageView(deps, session, user), ...page }), status);
}

/** "15 minutes": how long a refused client waits, in whole minutes rounded up. */
export function waitText(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/**
 * Sends a mail; a failure is logged (without the message, which may hold a link) and reported as
 * false, never thrown: the database change it follows is already committed.
 */
export async function sendMail(
  deps: PoolDeps,
  request: FastifyRequest,
  message: MailMessage,
): Promise<boolean> {
  try {
    await deps.pool.mailer.send(message);
    return true;
  } catch (err) {
    request.log.error({ err: (err as Error).message, subject: message.subject }, 'email not sent');
    return false;
  }
}

/** Unix seconds now. */
export function nowSeconds(deps: PoolDeps): number {
  return Math.floor(deps.ctx.now() / 1000);
}
