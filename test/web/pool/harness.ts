// The legacy pool's account pages over a real SQLite file and a real SMTP server on 127.0.0.1
// (the mails travel over TCP through nodemailer), with a settable clock, and a client that keeps
// the `session` cookie between app.inject() requests as a browser does.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createDatabase } from '../../../src/db/database.ts';
import type { Database } from '../../../src/db/database.ts';
import { migrateToLatest } from '../../../src/db/migrate.ts';
import { createPoolUser, getPoolUserByEmail } from '../../../src/db/pool-users.ts';
import type { PoolUser } from '../../../src/db/pool-users.ts';
import { setFeeXpub } from '../../../src/db/vsp-fee-xpubs.ts';
import { getWebSession } from '../../../src/db/web-sessions.ts';
import { createMailer } from '../../../src/pool/mailer.ts';
import { hashUserPassword } from '../../../src/pool/password.ts';
import { build } from '../../../src/web/app.ts';
import type { WebContext } from '../../../src/web/context.ts';
import type { PoolContext } from '../../../src/web/plugins/site.ts';
import { startSmtpSink } from '../../helpers/smtp-sink.ts';
import type { SinkMessage, SmtpSink } from '../../helpers/smtp-sink.ts';
import { csrfOf, form } from '../admin/harness.ts';
import type { Browser } from '../admin/harness.ts';
import { captureLogger, FEE_XPUB, START_MS } from '../fixtures.ts';
import type { LogEntry } from '../fixtures.ts';
import { vspWebContext } from './legacy-fixtures.ts';

// The account forms carry their CSRF token and are posted as the admin pages' are.
export { csrfOf, form };

export const BASE_URL = 'https://pool.example.org';
export const API_SECRET = 'api secret for tests';
export const PASSWORD = 'correct horse battery';

// Cheap scrypt for tests; production uses DEFAULT_SCRYPT.
export const TEST_SCRYPT = { N: 1024, r: 8, p: 1 };
export const hashForTests = (pw: string): Promise<string> => hashUserPassword(pw, TEST_SCRYPT);

export interface PoolHarness {
  app: FastifyInstance;
  database: Database;
  smtp: SmtpSink;
  clock: { ms: number };
  logs: LogEntry[];
  close(): Promise<void>;
}

export interface PoolHarnessOptions {
  pool?: Partial<PoolContext>;
  /** Another SMTP sink (shared across harnesses of one file). */
  smtp?: SmtpSink;
  /** Other WebContext fields (vsp, poolLink). */
  web?: Partial<WebContext>;
}

/**
 * For a test file whose tests each make a harness: one SMTP sink for all of them, and every
 * harness closed after the file's tests.
 */
export function harnessesSharingSmtp(): (opts?: PoolHarnessOptions) => Promise<PoolHarness> {
  let smtp: SmtpSink | undefined;
  const open: PoolHarness[] = [];
  before(async () => {
    smtp = await startSmtpSink();
  });
  after(async () => {
    for (const h of open) await h.close();
    await smtp?.close();
  });
  return async (opts = {}) => {
    const h = await poolHarness({ smtp, ...opts });
    open.push(h);
    return h;
  };
}

export async function poolHarness(opts: PoolHarnessOptions = {}): Promise<PoolHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'stakepool-pool-test-'));
  const database = createDatabase({ engine: 'sqlite', sqlitePath: join(dir, 'stakepool.db') });
  await migrateToLatest(database.db);
  await setFeeXpub(database.db, FEE_XPUB);
  const smtp = opts.smtp ?? (await startSmtpSink());
  const logs: LogEntry[] = [];
  const log = captureLogger(logs);
  const clock = { ms: START_MS };
  const mailer = createMailer(
    {
      smtpHost: smtp.address,
      smtpFrom: 'pool@example.org',
      smtpUsername: '',
      smtpPassword: '',
      useSmtps: false,
      smtpCert: '',
      smtpSkipVerify: false,
    },
    log,
  );
  const pool: PoolContext = {
    db: database.db,
    mailer,
    apiSecret: API_SECRET,
    closePool: false,
    closePoolMsg: 'The voting service is temporarily closed to new signups.',
    baseUrl: BASE_URL,
    hashPassword: hashForTests,
    ...opts.pool,
  };
  const app = build({
    ...vspWebContext({ clock, log, designation: 'Test Pool', version: '0.1.0-test' }),
    sleep: () => Promise.resolve(),
    site: { supportEmail: 'support@example.org', legacyPool: true },
    pool,
    ...opts.web,
  });
  await app.ready();
  return {
    app,
    database,
    smtp,
    clock,
    logs,
    async close() {
      await app.close();
      await database.close();
      if (opts.smtp === undefined) await smtp.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function setCookies(res: LightMyRequestResponse): string[] {
  const raw = res.headers['set-cookie'];
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

/** The `session=…` pair a response sets, if it sets one. */
export function sessionCookie(res: LightMyRequestResponse): string | undefined {
  return setCookies(res)
    .find((s) => s.startsWith('session='))
    ?.split(';')[0];
}

/** A cookie-keeping client, as the admin pages' tests have, that knows its address. */
export interface Client extends Browser {
  readonly ip: string;
}

/** A client that keeps the session cookie between requests, as a browser does. */
export function client(h: PoolHarness, ip = '192.0.2.20'): Client {
  const keep = (res: LightMyRequestResponse) => {
    const c = sessionCookie(res);
    if (c !== undefined) b.cookie = c === 'session=' ? undefined : c;
  };
  const b: Client = {
    cookie: undefined,
    ip,
    async get(url, headers = {}) {
      const res = await h.app.inject({
        method: 'GET',
        url,
        remoteAddress: ip,
        headers: { ...(b.cookie === undefined ? {} : { cookie: b.cookie }), ...headers },
      });
      keep(res);
      return res;
    },
    async post(url, fields, headers = {}) {
      const res = await h.app.inject({
        method: 'POST',
        url,
        remoteAddress: ip,
        payload: form(fields),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(b.cookie === undefined ? {} : { cookie: b.cookie }),
          ...headers,
        },
      });
      keep(res);
      return res;
    },
  };
  return b;
}

/** The session row of a client's cookie (white box: the tests read the captcha digits here). */
export async function sessionOf(h: PoolHarness, c: Client) {
  assert.ok(c.cookie !== undefined, 'client has a session cookie');
  const value = c.cookie.slice('session='.length);
  const idHash = createHash('sha256').update(value).digest('hex');
  return getWebSession(h.database.db, idHash, Math.floor(h.clock.ms / 1000));
}

export async function captchaDigitsOf(h: PoolHarness, c: Client): Promise<string> {
  const s = await sessionOf(h, c);
  const digits = (s?.data.captcha as { digits?: unknown } | undefined)?.digits;
  assert.ok(typeof digits === 'string', 'the session holds captcha digits');
  return digits;
}

/** Opens `page` (a captcha page) and solves its captcha; returns the page after the solve. */
export async function solveCaptcha(
  h: PoolHarness,
  c: Client,
  page: '/register' | '/passwordreset' | '/settings',
): Promise<LightMyRequestResponse> {
  const first = await c.get(page);
  assert.equal(first.statusCode, 200, first.body);
  const res = await c.post('/verifyhuman', {
    csrf: csrfOf(first.body),
    captchaSolution: await captchaDigitsOf(h, c),
    return: page,
  });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, page);
  return c.get(page);
}

/** The first link to `path` in a mail. */
export function linkIn(m: SinkMessage, path: string): string {
  const re = new RegExp(`${BASE_URL.replace(/[.]/g, '\\.')}(${path}\\?t=[0-9a-f]{32})`);
  const found = re.exec(m.text);
  assert.ok(found?.[1] !== undefined, `mail has a ${path} link:\n${m.text}`);
  return found[1];
}

/** The first mail to `to` (with `subject`, if given) among those from number `since` on. */
export function mailTo(
  h: PoolHarness,
  to: string,
  o: { subject?: string; since?: number } = {},
): Promise<SinkMessage> {
  return h.smtp.waitFor(
    (m) =>
      h.smtp.messages.indexOf(m) >= (o.since ?? 0) &&
      m.rcptTo.includes(to) &&
      (o.subject === undefined || m.subject === o.subject),
  );
}

/** The text of the first flash message on a page ('' without one). */
export function flashOf(body: string): string {
  return /<p class="flash[^>]*>([^<]*)<\/p>/.exec(body)?.[1] ?? '';
}

/** A 303 to `location`. */
export function assertRedirect(res: LightMyRequestResponse, location: string): void {
  assert.equal(res.statusCode, 303, res.body);
  assert.equal(res.headers.location, location);
}

/** The fields of the registration form for this address and password (typed twice). */
export function registration(email: string, password = PASSWORD): Record<string, string> {
  return { email, password, passwordrepeat: password };
}

/** Mails to `to` received so far. */
export function mailsTo(h: PoolHarness, to: string): SinkMessage[] {
  return h.smtp.messages.filter((m) => m.rcptTo.includes(to));
}

/** Registers through the pages (captcha and all) and returns the verification link path. */
export async function register(
  h: PoolHarness,
  email: string,
  password = PASSWORD,
  ip?: string,
): Promise<string> {
  const c = client(h, ip);
  const page = await solveCaptcha(h, c, '/register');
  const since = h.smtp.messages.length;
  const res = await c.post('/register', {
    csrf: csrfOf(page.body),
    ...registration(email, password),
  });
  assert.equal(res.statusCode, 303, res.body);
  return linkIn(await mailTo(h, email, { since }), '/emailverify');
}

/** A verified account made straight in the database. */
export async function verifiedUser(
  h: PoolHarness,
  email: string,
  password = PASSWORD,
): Promise<PoolUser> {
  const user = await createPoolUser(h.database.db, {
    email,
    passwordHash: await hashForTests(password),
    emailVerified: 1,
    voteBits: 1,
    voteBitsVersion: 11,
  });
  assert.ok(user !== undefined);
  return user;
}

/** Opens /login with `c` and posts the form; the answer. */
export async function tryLogin(
  c: Client,
  email: string,
  password: string,
): Promise<LightMyRequestResponse> {
  const page = await c.get('/login');
  return c.post('/login', { csrf: csrfOf(page.body), email, password });
}

/** Whether a new client can log in with these. */
export async function canLogIn(h: PoolHarness, email: string, password: string): Promise<boolean> {
  return (await tryLogin(client(h), email, password)).statusCode === 303;
}

/** Logs a new client in through the form; returns it with the landing redirect followed. */
export async function loggedIn(
  h: PoolHarness,
  email: string,
  password = PASSWORD,
  ip?: string,
): Promise<Client> {
  const c = client(h, ip);
  const res = await tryLogin(c, email, password);
  assert.equal(res.statusCode, 303, res.body);
  return c;
}

export async function userByEmail(h: PoolHarness, email: string): Promise<PoolUser> {
  const u = await getPoolUserByEmail(h.database.db, email);
  assert.ok(u !== undefined, `user ${email} exists`);
  return u;
}
