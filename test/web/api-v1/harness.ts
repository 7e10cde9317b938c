// The legacy API plugin (alone, or in the whole web app through BuildOptions.poolApi) on a real
// SQLite database: users with tokens, pool keys from fixed seeds, a fake dcrd at the narrow interfaces.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, LightMyRequestResponse } from 'fastify';
import { encodeAddress, ExtendedKey, p2pkAddressCompressed } from '../../../src/dcr/index.ts';
import { createPoolUser, setPoolUserApiToken } from '../../../src/db/pool-users.ts';
import type { PoolUser } from '../../../src/db/pool-users.ts';
import { insertPoolTickets, setPoolTicketOutcome } from '../../../src/db/pool-tickets.ts';
import type { NewPoolTicket, PoolOutcome } from '../../../src/db/pool-tickets.ts';
import { signApiToken } from '../../../src/pool/api-token.ts';
import { PoolKeys } from '../../../src/pool/keys.ts';
import { dbPoolStatsStore, PoolStatsCache } from '../../../src/pool/pool-stats.ts';
import type { PoolStatsDcrd } from '../../../src/pool/pool-stats.ts';
import { poolApi } from '../../../src/web/plugins/pool-api.ts';
import type { PoolApiConfig, PoolApiDeps } from '../../../src/web/routes/api/v1/deps.ts';
import { currentVoteVersion } from '../../../src/vsp/agendas.ts';
import { createTestDatabase } from '../../db/engines.ts';
import type { TestDatabase } from '../../db/engines.ts';
import { isValidPrivateKey, publicKeyCreate } from '../../../src/dcr/secp.ts';
import { netParams } from '../../../src/dcr/params.ts';

export const NET = netParams('testnet3');

export interface LogEntry {
  level: string;
  obj: unknown;
  msg: string | undefined;
}

/** A pino-shaped logger that records what it is given. */
export function captureLogger(entries: LogEntry[]): FastifyBaseLogger {
  const at =
    (level: string) =>
    (obj: unknown, msg?: string): void => {
      entries.push({ level, obj, msg: typeof obj === 'string' ? obj : msg });
    };
  const logger = {
    level: 'trace',
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
    silent: at('silent'),
    child: () => logger,
  };
  return logger;
}

export const API_SECRET = 'test api secret: not for production';
export const BASE_URL = 'https://pool.example';

const xpub = (fill: number): string =>
  ExtendedKey.fromSeed(new Uint8Array(32).fill(fill), NET).neuter().toString();
export const VOTING_XPUB = xpub(11);
export const COLD_XPUB = xpub(12);
export const KEYS = new PoolKeys(VOTING_XPUB, COLD_XPUB, NET);

/** dcrd for the stats and the registration height; `fail` makes every call throw. */
export class StatsDcrd implements PoolStatsDcrd {
  height = 1000;
  poolSize = 40960;
  nextSdiff = 123_45678901n;
  mempool = 7;
  fail = false;
  calls = 0;

  #check(): void {
    this.calls++;
    if (this.fail) throw new Error('dcrd is down');
  }
  getBestBlockHeader(): Promise<{ height: number; poolSize: number }> {
    this.#check();
    return Promise.resolve({ height: this.height, poolSize: this.poolSize });
  }
  getStakeDifficulty(): Promise<{ next: bigint }> {
    this.#check();
    return Promise.resolve({ next: this.nextSdiff });
  }
  mempoolTicketCount(): Promise<number> {
    this.#check();
    return Promise.resolve(this.mempool);
  }
  getBestBlock(): Promise<{ height: number }> {
    this.#check();
    return Promise.resolve({ height: this.height });
  }
}

export interface ApiHarness {
  app: FastifyInstance;
  t: TestDatabase;
  dcrd: StatsDcrd;
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
  const dcrd = new StatsDcrd();
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
    // Imported here so the other tests do not load the pages (and their work in progress).
    const { build } = await import('../../../src/web/app.ts');
    const f = await import('../fixtures.ts');
    const { MemoryStore } = await import('../../vsp/memory-store.ts');
    const { feeAddressSource } = await import('../../../src/vsp/fee-address.ts');
    const { ServerKey } = await import('../../../src/vsp/server-key.ts');
    const store = new MemoryStore(f.FEE_XPUB);
    app = build({
      net: NET,
      config: {
        vspFee: 2,
        vspClosed: false,
        vspClosedMsg: '',
        designation: 'Test pool',
        version: cfg.version,
      },
      store,
      dcrd: new f.FakeDcrd(),
      wallets: new f.FakeWallets(),
      serverKey: new ServerKey(new Uint8Array(32).fill(1)),
      feeAddresses: feeAddressSource(store, NET),
      log: captureLogger(logs),
      now: () => clock.ms,
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

/** A fresh user key's pubkey address (what dcrwallet's validateaddress shows as pubkeyaddr). */
export function newPubKeyAddress(): { address: string; pub: Uint8Array } {
  let priv: Uint8Array;
  do priv = randomBytes(32);
  while (!isValidPrivateKey(priv));
  const pub = publicKeyCreate(priv, true);
  return { address: encodeAddress(p2pkAddressCompressed(pub, NET)), pub };
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

export const INVALID = {
  http: 404,
  status: 'error',
  code: 3,
  message: 'invalid API command or version',
} as const;

let ticketCounter = 0;

/** Stores a pool ticket of `userId` bought at `height`, with an outcome if given. */
export async function addTicket(
  h: ApiHarness,
  userId: number,
  o: {
    height: number;
    feeStatus?: NewPoolTicket['feeStatus'];
    outcome?: PoolOutcome;
    outcomeHeight?: number;
  },
): Promise<string> {
  ticketCounter++;
  const hash = randomBytes(28).toString('hex') + ticketCounter.toString(16).padStart(8, '0');
  await insertPoolTickets(h.t.db, [
    {
      hash,
      userId,
      ticketAddress: 'TcFakeTicketAddressForTests',
      purchaseHeight: o.height,
      purchaseBlock: randomBytes(32).toString('hex'),
      price: 100_00000000n,
      feePaid: 1_00000000n,
      feeRequired: 50000000n,
      feeStatus: o.feeStatus ?? 'ok',
      ticketHex: '00',
    },
  ]);
  if (o.outcome !== undefined && o.outcome !== '') {
    await setPoolTicketOutcome(h.t.db, hash, {
      outcome: o.outcome,
      height: o.outcomeHeight ?? o.height + 300,
      spentBy: '',
    });
  }
  return hash;
}

/** A token string with one character of its signature changed to a different one. */
export function tamper(token: string): string {
  const i = token.length - 5;
  const c = token[i];
  return token.slice(0, i) + (c === 'A' ? 'B' : 'A') + token.slice(i + 1);
}
