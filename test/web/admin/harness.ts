// An app with pages and admin over a real SQLite file (what the admin reads: tickets, vote
// changes, fee xpubs, backups; and its sessions and failed-login counts), the VSP API's in-memory
// store and node fakes, a settable health report and clock, and helpers to drive the login flow
// with app.inject().
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { HealthReport, NodeHealth, WalletHealth } from '../../../src/admin/health.ts';
import { hashPassword } from '../../../src/admin/password.ts';
import type { PasswordHash } from '../../../src/admin/password.ts';
import { dbAdminStore } from '../../../src/admin/store.ts';
import type { AdminStore } from '../../../src/admin/store.ts';
import { createDatabase } from '../../../src/db/database.ts';
import type { Database } from '../../../src/db/database.ts';
import { migrateToLatest } from '../../../src/db/migrate.ts';
import { setFeeXpub } from '../../../src/db/vsp-fee-xpubs.ts';
import type { NetParams } from '../../../src/dcr/params.ts';
import { build } from '../../../src/web/app.ts';
import type { VspApiConfig } from '../../../src/web/context.ts';
import type { AdminContext, SiteConfig } from '../../../src/web/plugins/site.ts';
import { feeAddressSource } from '../../../src/vsp/fee-address.ts';
import { ServerKey } from '../../../src/vsp/server-key.ts';
import { MemoryStore } from '../../vsp/memory-store.ts';
import { captureLogger, FakeDcrd, FakeWallets, FEE_XPUB, NET, START_MS } from '../fixtures.ts';
import type { LogEntry } from '../fixtures.ts';

export const PASSWORD = 'correct horse battery staple';

// Cheap scrypt for tests; the production default is DEFAULT_SCRYPT.
const TEST_SCRYPT = { N: 1024, r: 8, p: 1 };

let cachedHash: PasswordHash | undefined;
export async function testPasswordHash(): Promise<PasswordHash> {
  cachedHash ??= await hashPassword(PASSWORD, TEST_SCRYPT);
  return cachedHash;
}

export function healthyWallet(height = 1_200_000): WalletHealth {
  return {
    connected: true,
    infoError: false,
    daemonConnected: true,
    voteVersion: 11,
    unlocked: true,
    voting: true,
    bestBlockError: false,
    bestBlockHeight: height,
  };
}

export function healthyReport(): HealthReport {
  return {
    dcrd: {
      host: 'wss://127.0.0.1:19109/ws',
      connected: true,
      bestBlockError: false,
      bestBlockHeight: 1_200_000,
    },
    wallets: new Map([
      ['wss://10.0.0.1:19110/ws', healthyWallet()],
      ['wss://10.0.0.2:19110/ws', healthyWallet()],
    ]),
  };
}

export interface AdminHarness {
  app: FastifyInstance;
  database: Database;
  adminStore: AdminStore;
  store: MemoryStore;
  dcrd: FakeDcrd;
  wallets: FakeWallets;
  serverKey: ServerKey;
  clock: { ms: number };
  health: { report: HealthReport };
  logs: LogEntry[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  config?: Partial<VspApiConfig>;
  site?: Partial<SiteConfig>;
  admin?: Partial<AdminContext> | false;
  net?: NetParams;
  trustProxy?: boolean;
  /** Another app over this harness's database (as a second `serve` instance would be). */
  database?: Database;
}

export async function adminHarness(opts: HarnessOptions = {}): Promise<AdminHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'stakepool-admin-test-'));
  const shared = opts.database;
  const database =
    shared ?? createDatabase({ engine: 'sqlite', sqlitePath: join(dir, 'stakepool.db') });
  if (shared === undefined) {
    await migrateToLatest(database.db);
    await setFeeXpub(database.db, FEE_XPUB);
  }
  const adminStore = dbAdminStore(database);
  const net = opts.net ?? NET;
  const store = new MemoryStore(FEE_XPUB);
  const dcrd = new FakeDcrd();
  const wallets = new FakeWallets();
  const serverKey = new ServerKey(new Uint8Array(32).fill(1));
  const clock = { ms: START_MS };
  const logs: LogEntry[] = [];
  const health = { report: healthyReport() };
  const nodeHealth: NodeHealth = { check: () => Promise.resolve(health.report) };
  const admin: AdminContext | undefined =
    opts.admin === false
      ? undefined
      : {
          passwordHash: await testPasswordHash(),
          db: database.db,
          store: adminStore,
          health: nodeHealth,
          ...opts.admin,
        };
  const app = build(
    {
      net,
      config: {
        vspFee: 2,
        vspClosed: false,
        vspClosedMsg: '',
        designation: 'Test VSP',
        version: '0.1.0-test',
        ...opts.config,
      },
      store,
      dcrd,
      wallets,
      serverKey,
      feeAddresses: feeAddressSource(store, net),
      log: captureLogger(logs),
      now: () => clock.ms,
      sleep: () => Promise.resolve(),
      site: { supportEmail: 'support@example.org', legacyPool: true, ...opts.site },
      ...(admin === undefined ? {} : { admin }),
    },
    { trustProxy: opts.trustProxy ?? false },
  );
  return {
    app,
    database,
    adminStore,
    store,
    dcrd,
    wallets,
    serverKey,
    clock,
    health,
    logs,
    async close() {
      await app.close();
      if (shared === undefined) await database.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The name=value part of the response's Set-Cookie for the admin cookie, if it sets one. */
export function adminCookie(res: LightMyRequestResponse): string | undefined {
  const raw = res.headers['set-cookie'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const c = list.find((s) => s.startsWith('stakepool_admin='));
  return c?.split(';')[0];
}

export function setCookieHeader(res: LightMyRequestResponse): string {
  const raw = res.headers['set-cookie'];
  assert.ok(raw !== undefined, 'response sets a cookie');
  return Array.isArray(raw) ? (raw[0] as string) : raw;
}

export function csrfOf(body: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(body);
  assert.ok(m?.[1] !== undefined, 'page has a CSRF token');
  return m[1];
}

export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export interface Browser {
  cookie: string | undefined;
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  post(
    url: string,
    fields: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

/** A client that keeps the admin cookie between requests, as a browser does. */
export function browser(h: AdminHarness, remoteAddress = '192.0.2.10'): Browser {
  const b: Browser = {
    cookie: undefined,
    async get(url, headers = {}) {
      const res = await h.app.inject({
        method: 'GET',
        url,
        remoteAddress,
        headers: { ...(b.cookie === undefined ? {} : { cookie: b.cookie }), ...headers },
      });
      b.cookie = adminCookie(res) ?? b.cookie;
      return res;
    },
    async post(url, fields, headers = {}) {
      const res = await h.app.inject({
        method: 'POST',
        url,
        remoteAddress,
        payload: form(fields),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(b.cookie === undefined ? {} : { cookie: b.cookie }),
          ...headers,
        },
      });
      b.cookie = adminCookie(res) ?? b.cookie;
      return res;
    },
  };
  return b;
}

/** Log in through the form; returns the browser with an admin session and the status page. */
export async function loggedIn(
  h: AdminHarness,
  remoteAddress?: string,
): Promise<{ b: Browser; csrf: string }> {
  const b = browser(h, remoteAddress);
  const login = await b.get('/admin');
  assert.equal(login.statusCode, 200);
  const res = await b.post('/admin', { password: PASSWORD, csrf: csrfOf(login.body) });
  assert.equal(res.statusCode, 303, res.body);
  assert.equal(res.headers.location, '/admin');
  const page = await b.get('/admin');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /VSP status/);
  return { b, csrf: csrfOf(page.body) };
}
