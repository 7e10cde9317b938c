// A browser-like client over real HTTP for the end-to-end tests of the legacy pool's pages: it
// keeps the `session` cookie and reads the CSRF token and (white box) the captcha digits.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { getWebSession } from '../../src/db/web-sessions.ts';
import type { Db } from '../../src/db/transaction.ts';

export interface PageResponse {
  status: number;
  location: string | null;
  body: string;
}

export class HttpBrowser {
  cookie: string | undefined;
  /** `timeoutMs` bounds each request (none by default). */
  constructor(
    readonly base: string,
    readonly timeoutMs?: number,
  ) {}

  async request(
    method: 'GET' | 'POST',
    path: string,
    fields?: Record<string, string>,
  ): Promise<PageResponse> {
    const res = await fetch(new URL(path, this.base), {
      method,
      redirect: 'manual',
      ...(this.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(this.timeoutMs) }),
      headers: {
        ...(this.cookie === undefined ? {} : { cookie: this.cookie }),
        ...(fields === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(fields === undefined ? {} : { body: new URLSearchParams(fields).toString() }),
    });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';', 1)[0] ?? '';
      if (pair.startsWith('session=')) this.cookie = pair === 'session=' ? undefined : pair;
    }
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  }
  get(path: string): Promise<PageResponse> {
    return this.request('GET', path);
  }
  post(path: string, fields: Record<string, string>): Promise<PageResponse> {
    return this.request('POST', path, fields);
  }

  /** White box: the captcha digits the server keeps in this browser's session (the image draws them). */
  async captchaDigits(db: Db): Promise<string | undefined> {
    const id = (this.cookie ?? '').slice('session='.length);
    const session = await getWebSession(
      db,
      createHash('sha256').update(id).digest('hex'),
      Math.floor(Date.now() / 1000),
    );
    return (session?.data.captcha as { digits?: string } | undefined)?.digits;
  }
}

export function csrfOf(body: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(body);
  assert.ok(m?.[1] !== undefined, 'the page has a CSRF token');
  return m[1];
}
