// What the pages and the admin need beyond the VSP API's context, as given by the composition
// root, and the same with defaults filled in.
import type { FastifyReply } from 'fastify';
import type { NodeHealth } from '../../admin/health.ts';
import { MemoryLoginThrottle } from '../../admin/login-throttle.ts';
import type { LoginThrottle } from '../../admin/login-throttle.ts';
import type { PasswordHash } from '../../admin/password.ts';
import type { AdminStore } from '../../admin/store.ts';
import type { ResolvedContext } from '../context.ts';
import type { SafeHtml } from '../views/html.ts';
import type { AdminNav, SiteView } from '../views/layout.ts';
import { SessionSigner } from './session.ts';

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
  /** getOrCreateSecret(db, SETTING_KEYS.cookieSecret, () => randomBytes(32)). */
  cookieSecret: Uint8Array;
  /**
   * Bytes that change when the admin password changes, and only then (ending every session);
   * default the password hash. A plain-text adminpass is re-salted at every start, so the
   * composition root passes a digest of the configured value: sessions then survive restarts
   * and work on every instance that shares the configuration.
   */
  sessionBinding?: Uint8Array;
  /** [cookiesecure] Mark the session cookie Secure (the site is served over HTTPS). */
  cookieSecure?: boolean;
  store: AdminStore;
  health: NodeHealth;
  /** Failed-login limiter; default an in-process MemoryLoginThrottle. */
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
  signer: SessionSigner;
}

export interface PagesDeps {
  ctx: ResolvedContext;
  site: Required<SiteConfig> & { baseUrl: string };
  admin: ResolvedAdmin | undefined;
}

export function resolvePages(
  ctx: ResolvedContext,
  site: SiteConfig | undefined,
  admin: AdminContext | undefined,
): PagesDeps {
  return {
    ctx,
    site: {
      supportEmail: site?.supportEmail ?? '',
      description: site?.description ?? '',
      legacyPool: site?.legacyPool ?? false,
      baseUrl: (site?.baseUrl ?? '').replace(/\/+$/, ''),
    },
    admin:
      admin === undefined
        ? undefined
        : {
            ...admin,
            cookieSecure: admin.cookieSecure ?? false,
            throttle: admin.throttle ?? new MemoryLoginThrottle({ now: ctx.now }),
            realIpHeader: (admin.realIpHeader ?? '').toLowerCase(),
            sessionIdleMs: admin.sessionIdleMs ?? 2 * 3600_000,
            sessionMaxMs: admin.sessionMaxMs ?? 12 * 3600_000,
            // Bound to the password hash: a new admin password ends every existing session.
            signer: new SessionSigner(
              admin.cookieSecret,
              admin.sessionBinding ?? admin.passwordHash.hash,
            ),
          },
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
    pubKey: ctx.serverKey.publicKeyBase64,
  };
}

/** PagesDeps where the admin is configured. */
export interface AdminDeps extends PagesDeps {
  admin: ResolvedAdmin;
}

export function sendHtml(reply: FastifyReply, page: SafeHtml, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.value);
}

export function adminNav(deps: AdminDeps, sid: string, current: AdminNav['current']): AdminNav {
  return { csrf: deps.admin.signer.csrfToken(sid), current };
}
