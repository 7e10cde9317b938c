// Cookie headers: reading the Cookie a browser sends and writing a Set-Cookie. The sessions they
// carry live server-side (web-session.ts).

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
