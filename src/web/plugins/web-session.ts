// Server-side sessions in the web_sessions table, for the legacy account pages and the VSP admin
// alike. The cookie holds 32 random bytes (base64url); only their SHA-256 is stored, so a copy of
// the database gives no usable session. Every `serve` instance sharing the database sees the same
// sessions, and deleting a row ends its session at once (logout, password change, a new admin
// password). A session has a fixed life from its creation: it is never extended.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  createWebSession,
  deleteWebSession,
  getWebSession,
  purgeExpiredWebSessions,
  updateWebSessionData,
} from '../../db/web-sessions.ts';
import type { Db } from '../../db/transaction.ts';
import { unixSeconds } from '../context.ts';
import { parseCookies, serializeCookie } from './session.ts';

/** Random bytes in a session id. */
export const SESSION_ID_BYTES = 32;
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/** What a session carries besides its owner: CSRF secret, captcha state, flashes… (JSON). */
export type SessionData = Record<string, unknown>;

export interface ActiveSession {
  readonly idHash: string;
  readonly userId: number | undefined;
  readonly admin: boolean;
  /** Unix seconds. */
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Change it freely during a request: it is written back before the response goes out. */
  data: SessionData;
}

export interface SessionCookie {
  name: string;
  /** Only requests under this path carry the cookie. */
  path: string;
  /** [cookiesecure] Sent over HTTPS only. */
  secure: boolean;
}

export interface WebSessionOptions {
  db: Db;
  cookie: SessionCookie;
  /** Life of a session from its creation, unless start() says otherwise. */
  lifeSeconds: number;
  /** ms clock. */
  now: () => number;
  /**
   * Rows this manager does not own (an admin row under the account cookie, or the reverse), or
   * that its own rules end early (the admin idle timeout), count as no session.
   */
  accept?: (s: ActiveSession, nowSeconds: number) => boolean;
  /** How often expired rows are deleted; default hourly. 0: never (tests). */
  purgeEveryMs?: number;
  random?: (n: number) => Uint8Array;
  onPurgeError?: (err: unknown) => void;
}

export interface StartOptions {
  userId?: number | undefined;
  admin?: boolean;
  data?: SessionData;
  lifeSeconds?: number;
}

interface Loaded {
  session: ActiveSession | undefined;
  /** JSON of the data as stored, to write back only what changed. */
  stored: string;
}

export function sessionIdHash(cookieValue: string): string {
  return createHash('sha256').update(cookieValue, 'utf8').digest('hex');
}

/** One cookie name's sessions. Call install() on the scope whose routes use it. */
export class WebSessionManager {
  readonly #o: WebSessionOptions;
  readonly #random: (n: number) => Uint8Array;
  // Per request: looked up once, written back once (onSend) if its data changed.
  readonly #loaded = new WeakMap<FastifyRequest, Loaded>();
  #timer: NodeJS.Timeout | undefined;

  constructor(o: WebSessionOptions) {
    if (!Number.isInteger(o.lifeSeconds) || o.lifeSeconds < 1) {
      throw new RangeError(`lifeSeconds: must be a positive integer, got ${o.lifeSeconds}`);
    }
    this.#o = o;
    this.#random = o.random ?? randomBytes;
  }

  get cookie(): SessionCookie {
    return this.#o.cookie;
  }

  /** Writes changed data back before each response, and purges expired rows while serving. */
  install(app: FastifyInstance): void {
    app.addHook('onSend', async (request, _reply, payload) => {
      const l = this.#loaded.get(request);
      if (l?.session !== undefined) {
        const json = JSON.stringify(l.session.data);
        if (json !== l.stored) {
          await updateWebSessionData(this.#o.db, l.session.idHash, l.session.data);
          l.stored = json;
        }
      }
      return payload;
    });
    const every = this.#o.purgeEveryMs ?? 3_600_000;
    if (every > 0) {
      app.addHook('onReady', async () => {
        this.#timer = setInterval(() => void this.#purgeLogged(), every);
        this.#timer.unref();
        await this.#purgeLogged();
      });
      app.addHook('onClose', async () => {
        clearInterval(this.#timer);
        this.#timer = undefined;
        return Promise.resolve();
      });
    }
  }

  async #purgeLogged(): Promise<void> {
    try {
      await this.purge();
    } catch (err) {
      this.#o.onPurgeError?.(err);
    }
  }

  /** Deletes expired rows (of every kind: they share the table). */
  purge(): Promise<number> {
    return purgeExpiredWebSessions(this.#o.db, unixSeconds(this.#o.now()));
  }

  /** The request's session, if its cookie names a live one. */
  async current(request: FastifyRequest): Promise<ActiveSession | undefined> {
    const known = this.#loaded.get(request);
    if (known !== undefined) return known.session;
    const value = parseCookies(request.headers.cookie).get(this.#o.cookie.name);
    let session: ActiveSession | undefined;
    if (value !== undefined && COOKIE_VALUE.test(value)) {
      const now = unixSeconds(this.#o.now());
      const row = await getWebSession(this.#o.db, sessionIdHash(value), now);
      if (row !== undefined && row.expiresAt > now) {
        const s: ActiveSession = { ...row, data: { ...row.data } };
        if (this.#o.accept?.(s, now) ?? true) session = s;
      }
    }
    this.#loaded.set(request, {
      session,
      stored: session === undefined ? '' : JSON.stringify(session.data),
    });
    return session;
  }

  /** The request's session, or a new anonymous one (for a form's CSRF token, a captcha…). */
  async ensure(request: FastifyRequest, reply: FastifyReply): Promise<ActiveSession> {
    return (await this.current(request)) ?? this.start(request, reply);
  }

  /**
   * A new session under a new id, replacing the request's current one (whose row is deleted):
   * login and logout both go through here, so no id outlives a change of who is logged in.
   */
  async start(
    request: FastifyRequest,
    reply: FastifyReply,
    o: StartOptions = {},
  ): Promise<ActiveSession> {
    const old = await this.current(request);
    if (old !== undefined) await deleteWebSession(this.#o.db, old.idHash);
    const value = Buffer.from(this.#random(SESSION_ID_BYTES)).toString('base64url');
    const now = unixSeconds(this.#o.now());
    const session: ActiveSession = {
      idHash: sessionIdHash(value),
      userId: o.userId,
      admin: o.admin ?? false,
      createdAt: now,
      expiresAt: now + (o.lifeSeconds ?? this.#o.lifeSeconds),
      data: { ...o.data },
    };
    await createWebSession(this.#o.db, { ...session, data: session.data });
    this.#loaded.set(request, { session, stored: JSON.stringify(session.data) });
    this.#setCookie(reply, value, session.expiresAt - now);
    return session;
  }

  /** Deletes the request's session and its cookie. */
  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const old = await this.current(request);
    if (old !== undefined) await deleteWebSession(this.#o.db, old.idHash);
    this.#loaded.set(request, { session: undefined, stored: '' });
    this.#setCookie(reply, '', 0);
  }

  /** Forget a session whose row someone else deleted in this request (a password change). */
  forget(request: FastifyRequest): void {
    this.#loaded.set(request, { session: undefined, stored: '' });
  }

  #setCookie(reply: FastifyReply, value: string, maxAge: number): void {
    const { name, path, secure } = this.#o.cookie;
    const cookie = serializeCookie(name, value, {
      path,
      httpOnly: true,
      sameSite: 'Lax',
      secure,
      maxAge,
    });
    // Replace, not add: start() after end() in one request leaves only the newest cookie.
    const prior = reply.getHeader('set-cookie');
    const list = prior === undefined ? [] : Array.isArray(prior) ? prior : [String(prior)];
    const others = list.map(String).filter((c) => !c.startsWith(`${name}=`));
    // fastify appends to set-cookie, so the old list goes first.
    void reply.removeHeader('set-cookie');
    void reply.header('set-cookie', [...others, cookie]);
  }
}
