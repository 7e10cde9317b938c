// The legacy API plugin (alone, or in the whole web app through BuildOptions.poolApi) on a real
// SQLite database: users with tokens, pool keys from fixed seeds, a fake dcrd at the narrow interfaces.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createPoolUser, setPoolUserApiToken } from '../../../src/db/pool-users.ts';
import type { PoolUser } from '../../../src/db/pool-users.ts';
import { signApiToken } from '../../../src/pool/api-token.ts';
import { dbPoolStatsStore, PoolStatsCache } from '../../../src/pool/pool-stats.ts';
import { build } from '../../../src/web/app.ts';
import { poolApi } from '../../../src/web/plugins/pool-api.ts';
import type { PoolApiConfig, PoolApiDeps } from '../../../src/web/routes/api/v1/deps.ts';
import { currentVoteVersion } from '../../../src/vsp/agendas.ts';
import { createTestDatabase } from '../../db/engines.ts';
import type { TestDatabase } from '../../db/engines.ts';
import { captureLogger, NET } from '../fixtures.ts';
import type { LogEntry } from '../fixtures.ts';
import {
  FakePoolDcrd,
  insertTestTicket,
  testPoolKeys,
  vspWebContext,
} from '../pool/legacy-fixtures.ts';
import type { TestTicket } from '../pool/legacy-fixtures.ts';

export { NET };
export { newPubKeyAddress, suiteHarness } from '../pool/legacy-fixtures.ts';

export const API_SECRET = 'test api secret: not for production';
export const BASE_URL = 'https://pool.example';

export const KEYS = testPoolKeys(11, 12);

export interface ApiHarness {
  app: FastifyInstance;
  t: TestDatabase;
  dcrd: FakePoolDcrd;
  stats: PoolStatsCache;
  clock: { ms: number };
  logs: LogEntry[];
  config: PoolApiConfig;
  close(): Promise<void>;
}

export const CONFIG: PoolApiConfig = {
  poolFees: 7.5,
  poolEmail: 'support@pool.example',
  closePool: false,
  version: '0.1.0-test',
};

export async function apiHarness(
  config: Partial<PoolApiConfig> = {},
  o: { viaBuild?: boolean } = {},
): Promise<ApiHarness> {
  const t = await createTestDatabase('sqlite');
  const dcrd = new FakePoolDcrd({ height: 1000, nextSdiff: 123_45678901n, mempool: 7 });
  const clock = { ms: Date.UTC(2026, 0, 1) };
  const logs: LogEntry[] = [];
  const stats = new PoolStatsCache({
    store: dbPoolStatsStore(t.db),
    dcrd,
    net: NET,
    now: () => clock.ms,
  });
  const cfg = { ...CONFIG, ...config };
  const poolApiDeps: PoolApiDeps = {
    db: t.db,
    net: NET,
    apiSecret: API_SECRET,
    keys: KEYS,
    dcrd,
    stats,
    config: cfg,
    now: () => clock.ms,
  };
  let app: FastifyInstance;
  if (o.viaBuild === true) {
    app = build({
      ...vspWebContext({
        clock,
        log: captureLogger(logs),
        designation: 'Test pool',
        version: cfg.version,
      }),
      poolApi: poolApiDeps,
    });
  } else {
    // The plugin alone, as app.ts registers it: the API does not depend on the pages.
    app = Fastify({ loggerInstance: captureLogger(logs) });
    void app.register(poolApi(poolApiDeps), { prefix: '/api' });
  }
  return {
    app,
    t,
    dcrd,
    stats,
    clock,
    logs,
    config: cfg,
    async close() {
      await app.close();
      await t.drop();
    },
  };
}

let userCounter = 0;

/** A verified user; with `token` (default) a current API token is stored and returned. */
export async function newUser(
  h: ApiHarness,
  o: { token?: boolean } = {},
): Promise<{ user: PoolUser; token: string }> {
  userCounter++;
  const user = await createPoolUser(h.t.db, {
    email: `user${userCounter}-${randomBytes(3).toString('hex')}@example.com`,
    passwordHash: 'scrypt$unused',
    emailVerified: 1,
    voteBits: 1,
    voteBitsVersion: currentVoteVersion(NET.name),
  });
  assert.ok(user);
  const token = await signApiToken(API_SECRET, {
    issuer: BASE_URL,
    userId: user.id,
    issuedAt: Math.floor(h.clock.ms / 1000) - 60,
  });
  if (o.token !== false) await setPoolUserApiToken(h.t.db, user.id, token);
  return { user, token };
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';
  token?: string;
  /** Sent as a urlencoded form. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

export function call(
  h: ApiHarness,
  url: string,
  o: CallOptions = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token !== undefined) headers['authorization'] = `Bearer ${o.token}`;
  let payload = o.body;
  if (o.form !== undefined) {
    payload = new URLSearchParams(o.form).toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  return h.app.inject({
    method: o.method ?? (o.form !== undefined ? 'POST' : 'GET'),
    url,
    headers,
    ...(payload !== undefined ? { payload } : {}),
  });
}

export interface Envelope {
  status: string;
  code: number;
  message: string;
  data?: Record<string, unknown> | null;
}

/** HTTP status, JSON content type, the envelope's exact keys; returns the parsed body. */
export function envelope(
  res: LightMyRequestResponse,
  expected: { http?: number; status: 'success' | 'error'; code: number; message: string },
): Envelope {
  assert.equal(res.statusCode, expected.http ?? 200, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json; charset=utf-8/);
  assert.ok(res.body.endsWith('}\n'), 'a trailing newline, as Go json.Encoder wrote');
  const body = JSON.parse(res.body) as Envelope;
  assert.equal(body.status, expected.status);
  assert.equal(body.code, expected.code);
  assert.equal(body.message, expected.message);
  return body;
}

/** A post command without a token, under both versions: 16, and no data key at all. */
export async function assertNeedsToken(
  h: ApiHarness,
  command: 'address' | 'voting',
  form: Record<string, string>,
): Promise<void> {
  for (const v of ['v1', 'v2']) {
    const body = envelope(await call(h, `/api/${v}/${command}`, { form }), {
      status: 'error',
      code: 16,
      message: `${command} error - invalid api token`,
    });
    assert.ok(!('data' in body));
  }
}

export const INVALID = {
  http: 404,
  status: 'error',
  code: 3,
  message: 'invalid API command or version',
} as const;

/** Stores a pool ticket of `userId` bought at `height`, with an outcome if given. */
export function addTicket(h: ApiHarness, userId: number, o: TestTicket): Promise<string> {
  return insertTestTicket(h.t.db, userId, o);
}

/** A token string with one character of its signature changed to a different one. */
export function tamper(token: string): string {
  const i = token.length - 5;
  const c = token[i];
  return token.slice(0, i) + (c === 'A' ? 'B' : 'A') + token.slice(i + 1);
}
