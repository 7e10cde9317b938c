// Sessions as signed, expiring cookies: nothing is stored server-side, so every `serve` instance
// sharing the database (and so the cookie secret in settings) accepts every other's sessions.
// A token is `<sid>.<admin 0|1>.<issued>.<expires>.<mac>`: sid is random and names the session
// (CSRF tokens are bound to it), the times are unix seconds, mac is HMAC-SHA256 over the rest.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Session {
  /** Random, base64url; a new one on every login and logout. */
  sid: string;
  admin: boolean;
  /** When the session was created (unix seconds); bounds its total life. */
  issuedAt: number;
  /** When the cookie stops being accepted (unix seconds). */
  expiresAt: number;
}

/** Parse a Cookie header; the first of repeated names wins, as browsers send the most specific first. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (header === undefined) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      value = value.slice(1, -1);
    }
    if (name !== '' && !out.has(name)) out.set(name, value);
  }
  return out;
}

export interface CookieOptions {
  path: string;
  httpOnly: boolean;
  sameSite: 'Lax' | 'Strict';
  secure: boolean;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
}

const COOKIE_VALUE = /^[A-Za-z0-9._~-]*$/;
const COOKIE_NAME = /^[A-Za-z0-9_-]+$/;

export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  if (!COOKIE_NAME.test(name)) throw new TypeError(`name: not a cookie name: ${name}`);
  if (!COOKIE_VALUE.test(value)) throw new TypeError('value: not a plain cookie value');
  const parts = [
    `${name}=${value}`,
    `Path=${o.path}`,
    `Max-Age=${Math.max(0, Math.floor(o.maxAge))}`,
  ];
  if (o.httpOnly) parts.push('HttpOnly');
  if (o.secure) parts.push('Secure');
  parts.push(`SameSite=${o.sameSite}`);
  return parts.join('; ');
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

const TOKEN = /^([A-Za-z0-9_-]{22})\.([01])\.(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** Signs and checks session tokens and the CSRF tokens bound to them. */
export class SessionSigner {
  readonly #sessionKey: Buffer;
  readonly #csrfKey: Buffer;

  /**
   * `secret` is the cookie secret from settings; `binding` is mixed into both keys so that
   * changing it (the admin password hash) ends every session made before.
   */
  constructor(secret: Uint8Array, binding: Uint8Array = new Uint8Array(0)) {
    if (!(secret instanceof Uint8Array) || secret.length < 16) {
      throw new RangeError('secret: must be at least 16 bytes');
    }
    const derive = (label: string): Buffer =>
      createHmac('sha256', secret).update(label).update(binding).digest();
    this.#sessionKey = derive('stakepool session v1\0');
    this.#csrfKey = derive('stakepool csrf v1\0');
  }

  static newSid(random: (n: number) => Uint8Array = randomBytes): string {
    return b64url(random(16));
  }

  #mac(payload: string): string {
    return createHmac('sha256', this.#sessionKey).update(payload).digest('base64url');
  }

  encode(s: Session): string {
    const payload = `${s.sid}.${s.admin ? 1 : 0}.${s.issuedAt}.${s.expiresAt}`;
    return `${payload}.${this.#mac(payload)}`;
  }

  /** The session a cookie holds, or undefined if it is malformed, forged or expired. */
  decode(token: string | undefined, nowSeconds: number): Session | undefined {
    if (token === undefined) return undefined;
    const m = TOKEN.exec(token);
    if (m === null) return undefined;
    const [, sid, admin, issued, expires, mac] = m;
    if (sid === undefined || mac === undefined) return undefined;
    const payload = `${sid}.${admin}.${issued}.${expires}`;
    if (!sameText(this.#mac(payload), mac)) return undefined;
    const expiresAt = Number(expires);
    if (expiresAt <= nowSeconds) return undefined;
    return { sid, admin: admin === '1', issuedAt: Number(issued), expiresAt };
  }

  /** The CSRF token of a session: a MAC of its id, so a form is only good for its session. */
  csrfToken(sid: string): string {
    return createHmac('sha256', this.#csrfKey).update(sid).digest('base64url');
  }

  checkCsrf(sid: string, token: unknown): boolean {
    return typeof token === 'string' && sameText(this.csrfToken(sid), token);
  }
}
