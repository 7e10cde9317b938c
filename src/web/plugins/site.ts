// What the pages, the admin and the legacy pool's account pages need beyond the VSP API's
// context, as given by the composition root, and the same with defaults filled in.
import type { FastifyReply } from 'fastify';
import { DbLoginThrottle } from '../../admin/db-login-throttle.ts';
import type { NodeHealth } from '../../admin/health.ts';
import type { LoginThrottle } from '../../admin/login-throttle.ts';
import type { PasswordHash } from '../../admin/password.ts';
import type { AdminStore } from '../../admin/store.ts';
import type { Db } from '../../db/transaction.ts';
import { hashUserPassword } from '../../pool/password.ts';
import type { Mailer } from '../../pool/mailer.ts';
import { currentVoteVersion } from '../../vsp/agendas.ts';
import type { ResolvedContext } from '../context.ts';
import type { SafeHtml } from '../views/html.ts';
import type { AdminNav, SiteView } from '../views/layout.ts';
import type { PoolPagesContext } from '../routes/pool/pages-context.ts';
import { csrfToken } from './csrf.ts';
import { WebSessionManager } from './web-session.ts';
import type { ActiveSession } from './web-session.ts';

/** Page settings from the configuration (option names in brackets). */
export interface SiteConfig {
  /** [supportemail] */
  supportEmail: string;
  /** [description] Free text on the home page. */
  description?: string;
  /** [legacypool] Link the legacy pool's account pages (/register, /login). Default false. */
  legacyPool?: boolean;
  /** [baseurl] Public URL of the site; default: taken from the request's Host header. */
  baseUrl?: string;
}

/** The admin pages; without it /admin is not served. */
export interface AdminContext {
  /** adminPasswordHash(config.adminPass), made once at startup. */
  passwordHash: PasswordHash;
  /** The database: admin sessions live in web_sessions (admin = 1), failed logins in login_attempts. */
  db: Db;
  /**
   * Bytes that change when the admin password changes, and only then; default the password
   * hash. A plain-text adminpass is re-salted at every start, so the composition root passes a
   * digest of the configured value. When it differs from the one the database last saw, every
   * admin session is deleted at startup.
   */
  sessionBinding?: Uint8Array;
  /** [cookiesecure] Mark the session cookie Secure (the site is served over HTTPS). */
  cookieSecure?: boolean;
  store: AdminStore;
  health: NodeHealth;
  /** Failed-login limiter; default a DbLoginThrottle shared by every instance ('admin-ip:'). */
  throttle?: LoginThrottle;
  /**
   * [realipheader] Header the reverse proxy sets to the client address (X-Real-IP); the rate
   * limit keys on it. Empty: the socket address (or X-Forwarded-For with build's trustProxy).
   */
  realIpHeader?: string;
  /** A logged-in session ends after this long without a request. Default 2 h. */
  sessionIdleMs?: number;
  /** …and this long after login in any case. Default 12 h. */
  sessionMaxMs?: number;
}

export interface ResolvedAdmin extends Required<
  Omit<AdminContext, 'realIpHeader' | 'sessionBinding'>
> {
  realIpHeader: string;
  sessionBinding: Uint8Array;
  sessions: WebSessionManager;
}

/** The legacy pool's account pages (register, login, settings…); not served without it. */
export interface PoolContext {
  db: Db;
  mailer: Mailer;
  /** [apisecret] Signs the API tokens (HS256). */
  apiSecret: string;
  /** [closepool] Accept no new accounts. */
  closePool: boolean;
  /** [closepoolmsg] Shown on /register while closed. */
  closePoolMsg: string;
  /**
   * [baseurl] Links in emails and the API tokens' issuer. Never taken from a request's Host
   * header: a forged one would send a victim's reset link to the forger's site.
   */
  baseUrl: string;
  /** [cookiesecure] Mark the session cookie Secure. */
  cookieSecure?: boolean;
  /** [realipheader] Header the reverse proxy puts the client address in; '' the socket's. */
  realIpHeader?: string;
  /** Failed logins per client address; default a DbLoginThrottle ('pool-ip:', 20 per 15 min). */
  ipThrottle?: LoginThrottle;
  /** Failed logins per account email; default a DbLoginThrottle ('pool-email:', 5 per 15 min). */
  emailThrottle?: LoginThrottle;
  /** Vote version of new accounts; default currentVoteVersion(net). */
  voteVersion?: number;
  /** Absolute life of a session; default 6 h (dcrstakepool's). */
  sessionLifeMs?: number;
  /** Hashes new passwords; default hashUserPassword (scrypt). Tests pass cheaper parameters. */
  hashPassword?: (password: string) => Promise<string>;
  /** The pool's own pages (/address, /tickets, /voting, /stats, /status, /admintickets). */
  pages?: PoolPagesContext;
}

export interface ResolvedPool extends Required<Omit<PoolContext, 'pages'>> {
  pages: PoolPagesContext | undefined;
  sessions: WebSessionManager;
}

export interface PagesDeps {
  ctx: ResolvedContext;
  site: Required<SiteConfig> & { baseUrl: string };
  admin: ResolvedAdmin | undefined;
  pool: ResolvedPool | undefined;
}

/** The cookie of the legacy account pages (dcrstakepool's name). */
export const POOL_SESSION_COOKIE = 'session';
export const ADMIN_SESSION_COOKIE = 'stakepool_admin';
/** How long a not-logged-in admin session (the login form's CSRF token) lasts. */
const ADMIN_ANONYMOUS_S = 3600;

function resolveAdmin(ctx: ResolvedContext, admin: AdminContext): ResolvedAdmin {
  if ((admin.db as Db | undefined) === undefined) {
    throw new TypeError('admin.db: the admin sessions and login limit need the database');
  }
  const idleS = Math.floor((admin.sessionIdleMs ?? 2 * 3600_000) / 1000);
  return {
    ...admin,
    cookieSecure: admin.cookieSecure ?? false,
    throttle:
      admin.throttle ?? new DbLoginThrottle({ db: admin.db, prefix: 'admin-ip:', now: ctx.now }),
    realIpHeader: (admin.realIpHeader ?? '').toLowerCase(),
    sessionIdleMs: admin.sessionIdleMs ?? 2 * 3600_000,
    sessionMaxMs: admin.sessionMaxMs ?? 12 * 3600_000,
    sessionBinding: admin.sessionBinding ?? admin.passwordHash.hash,
    sessions: new WebSessionManager({
      db: admin.db,
      cookie: { name: ADMIN_SESSION_COOKIE, path: '/admin', secure: admin.cookieSecure ?? false },
      lifeSeconds: ADMIN_ANONYMOUS_S,
      now: ctx.now,
      // Account sessions are not admin sessions, and an admin session ends after idleS unused.
      accept: (s, now) => {
        if (s.userId !== undefined) return false;
        if (!s.admin) return true;
        const seen = typeof s.data.seen === 'number' ? s.data.seen : s.createdAt;
        return now - seen < idleS;
      },
    }),
  };
}

function resolvePool(ctx: ResolvedContext, pool: PoolContext): ResolvedPool {
  const cookieSecure = pool.cookieSecure ?? false;
  const sessionLifeMs = pool.sessionLifeMs ?? 6 * 3600_000;
  if (!/^https?:\/\/[^/\s]+/.test(pool.baseUrl)) {
    throw new TypeError(
      `baseurl: must be the pool's http(s) URL, got ${JSON.stringify(pool.baseUrl)}`,
    );
  }
  return {
    ...pool,
    baseUrl: pool.baseUrl.replace(/\/+$/, ''),
    cookieSecure,
    realIpHeader: (pool.realIpHeader ?? '').toLowerCase(),
    ipThrottle:
      pool.ipThrottle ??
      new DbLoginThrottle({ db: pool.db, prefix: 'pool-ip:', maxFailures: 20, now: ctx.now }),
    emailThrottle:
      pool.emailThrottle ??
      new DbLoginThrottle({ db: pool.db, prefix: 'pool-email:', maxFailures: 5, now: ctx.now }),
    voteVersion: pool.voteVersion ?? currentVoteVersion(ctx.net.name),
    sessionLifeMs,
    hashPassword: pool.hashPassword ?? ((pw) => hashUserPassword(pw)),
    pages: pool.pages,
    sessions: new WebSessionManager({
      db: pool.db,
      cookie: { name: POOL_SESSION_COOKIE, path: '/', secure: cookieSecure },
      lifeSeconds: Math.floor(sessionLifeMs / 1000),
      now: ctx.now,
      accept: (s) => !s.admin,
    }),
  };
}

export function resolvePages(
  ctx: ResolvedContext,
  site: SiteConfig | undefined,
  admin: AdminContext | undefined,
  pool: PoolContext | undefined,
): PagesDeps {
  const poolContext = pool;
  return {
    ctx,
    site: {
      supportEmail: site?.supportEmail ?? '',
      description: site?.description ?? '',
      legacyPool: site?.legacyPool ?? false,
      baseUrl: (site?.baseUrl ?? '').replace(/\/+$/, ''),
    },
    admin: admin === undefined ? undefined : resolveAdmin(ctx, admin),
    pool: poolContext === undefined ? undefined : resolvePool(ctx, poolContext),
  };
}

export function siteView(deps: PagesDeps): SiteView {
  const { ctx, site } = deps;
  return {
    designation: ctx.config.designation,
    network: ctx.net.name,
    vspClosed: ctx.config.vspClosed,
    vspClosedMsg: ctx.config.vspClosed ? ctx.config.vspClosedMsg : '',
    supportEmail: site.supportEmail,
    // A legacy-only pool (vsp=0) has no VSP key to pin.
    pubKey: ctx.vsp === false ? '' : ctx.serverKey.publicKeyBase64,
  };
}

/** PagesDeps where the admin is configured. */
export interface AdminDeps extends PagesDeps {
  admin: ResolvedAdmin;
}

export function sendHtml(reply: FastifyReply, page: SafeHtml, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.value);
}

export function adminNav(session: ActiveSession, current: AdminNav['current']): AdminNav {
  return { csrf: csrfToken(session), current };
}

/** PagesDeps where the legacy pool is configured. */
export interface PoolDeps extends PagesDeps {
  pool: ResolvedPool;
}
