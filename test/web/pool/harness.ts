// The legacy pool's account pages over a real SQLite file and a real SMTP server on 127.0.0.1
// (the mails travel over TCP through nodemailer), with a settable clock, and a client that keeps
// the `session` cookie between app.inject() requests as a browser does.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { feeAddressSource } from '../../../src/vsp/fee-address.ts';
import { ServerKey } from '../../../src/vsp/server-key.ts';
import { startSmtpSink } from '../../helpers/smtp-sink.ts';
import type { SinkMessage, SmtpSink } from '../../helpers/smtp-sink.ts';
import { MemoryStore } from '../../vsp/memory-store.ts';
import { captureLogger, FakeDcrd, FakeWallets, FEE_XPUB, NET, START_MS } from '../fixtures.ts';
import type { LogEntry } from '../fixtures.ts';

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
  const store = new MemoryStore(FEE_XPUB);
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
  const ctx: WebContext = {
    net: NET,
    config: {
      vspFee: 2,
      vspClosed: false,
      vspClosedMsg: '',
      designation: 'Test Pool',
      version: '0.1.0-test',
    },
    store,
    dcrd: new FakeDcrd(),
    wallets: new FakeWallets(),
    serverKey: new ServerKey(new Uint8Array(32).fill(1)),
    feeAddresses: feeAddressSource(store, NET),
    log,
    now: () => clock.ms,
    sleep: () => Promise.resolve(),
    site: { supportEmail: 'support@example.org', legacyPool: true },
    pool,
  };
  const app = build(ctx);
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

export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
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

export function csrfOf(body: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(body);
  assert.ok(m?.[1] !== undefined, 'page has a CSRF token');
  return m[1];
}

export interface Client {
  cookie: string | undefined;
  readonly ip: string;
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  post(
    url: string,
    fields: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
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
  const before = h.smtp.messages.length;
  const res = await c.post('/register', {
    csrf: csrfOf(page.body),
    email,
    password,
    passwordrepeat: password,
  });
  assert.equal(res.statusCode, 303, res.body);
  const mail = await h.smtp.waitFor(
    (m) => h.smtp.messages.indexOf(m) >= before && m.rcptTo.includes(email),
  );
  return linkIn(mail, '/emailverify');
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

/** Logs a new client in through the form; returns it with the landing redirect followed. */
export async function loggedIn(
  h: PoolHarness,
  email: string,
  password = PASSWORD,
  ip?: string,
): Promise<Client> {
  const c = client(h, ip);
  const page = await c.get('/login');
  const res = await c.post('/login', { csrf: csrfOf(page.body), email, password });
  assert.equal(res.statusCode, 303, res.body);
  return c;
}

export async function userByEmail(h: PoolHarness, email: string): Promise<PoolUser> {
  const u = await getPoolUserByEmail(h.database.db, email);
  assert.ok(u !== undefined, `user ${email} exists`);
  return u;
}
