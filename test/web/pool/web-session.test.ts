// WebSessionManager on its own, in a small fastify app over real SQLite: cookie form, data written
// back only when changed, start() replacing the old row, end(), the accept filter, the fixed
// life, and the purge of expired rows.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createDatabase } from '../../../src/db/database.ts';
import type { Database } from '../../../src/db/database.ts';
import { migrateToLatest } from '../../../src/db/migrate.ts';
import { createWebSession } from '../../../src/db/web-sessions.ts';
import { sessionIdHash, WebSessionManager } from '../../../src/web/plugins/web-session.ts';
import { START_MS } from '../fixtures.ts';

let dir: string;
let database: Database;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stakepool-session-test-'));
  database = createDatabase({ engine: 'sqlite', sqlitePath: join(dir, 's.db') });
  await migrateToLatest(database.db);
});
after(async () => {
  await database.close();
  await rm(dir, { recursive: true, force: true });
});

interface App {
  app: FastifyInstance;
  clock: { ms: number };
}

async function app(o: { purgeEveryMs?: number; secure?: boolean } = {}): Promise<App> {
  const clock = { ms: START_MS };
  const a: App = { app: Fastify(), clock };
  const sessions = new WebSessionManager({
    db: database.db,
    cookie: { name: 'sid', path: '/', secure: o.secure ?? false },
    lifeSeconds: 3600,
    now: () => clock.ms,
    accept: (s) => !s.admin,
    purgeEveryMs: o.purgeEveryMs ?? 0,
  });
  sessions.install(a.app);
  a.app.get('/touch', async (request, reply) => {
    const s = await sessions.ensure(request, reply);
    s.data.n = (typeof s.data.n === 'number' ? s.data.n : 0) + 1;
    return { n: s.data.n };
  });
  a.app.get('/read', async (request) => {
    const s = await sessions.current(request);
    return { n: s?.data.n ?? null, user: s?.userId ?? null };
  });
  a.app.get('/login', async (request, reply) => {
    await sessions.start(request, reply, { userId: 7, data: { kept: true } });
    return { ok: true };
  });
  a.app.get('/logout', async (request, reply) => {
    await sessions.end(request, reply);
    return { ok: true };
  });
  await a.app.ready();
  return a;
}

function cookieOf(res: LightMyRequestResponse): string | undefined {
  const raw = res.headers['set-cookie'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  assert.ok(list.length <= 1, 'one Set-Cookie at most');
  return list[0];
}

const get = (a: App, url: string, cookie?: string) =>
  a.app.inject({ method: 'GET', url, headers: cookie === undefined ? {} : { cookie } });

describe('WebSessionManager', () => {
  it('sets a random 32-byte id cookie and stores only its sha256', async () => {
    const a = await app({ secure: true });
    const res = await get(a, '/touch');
    const set = cookieOf(res) ?? assert.fail('cookie set');
    assert.match(
      set,
      /^sid=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax$/,
    );
    const value = set.slice(4, 47);
    assert.equal(Buffer.from(value, 'base64url').length, 32);
    const row = await database.db
      .selectFrom('web_sessions')
      .selectAll()
      .where('id_hash', '=', createHash('sha256').update(value).digest('hex'))
      .executeTakeFirst();
    assert.ok(row !== undefined);
    assert.deepEqual(JSON.parse(row.data), { n: 1 });
    assert.equal(Number(row.expires_at) - Number(row.created_at), 3600);
    await a.app.close();
  });

  it('writes data back when it changed, keeps the cookie, and ends at its fixed life', async () => {
    const a = await app();
    const first = await get(a, '/touch');
    const cookie = (cookieOf(first) ?? '').split(';')[0] as string;
    const second = await get(a, '/touch', cookie);
    assert.equal(cookieOf(second), undefined, 'no new cookie for a known session');
    assert.deepEqual(second.json(), { n: 2 });
    assert.deepEqual((await get(a, '/read', cookie)).json(), { n: 2, user: null });
    a.clock.ms += 3599_000;
    assert.deepEqual((await get(a, '/read', cookie)).json(), { n: 2, user: null });
    a.clock.ms += 1000;
    assert.deepEqual((await get(a, '/read', cookie)).json(), { n: null, user: null });
    await a.app.close();
  });

  it('start() replaces the session under a new id; end() deletes it and the cookie', async () => {
    const a = await app();
    const anon = (cookieOf(await get(a, '/touch')) ?? '').split(';')[0] as string;
    const login = await get(a, '/login', anon);
    const logged = (cookieOf(login) ?? '').split(';')[0] as string;
    assert.notEqual(logged, anon);
    assert.deepEqual((await get(a, '/read', anon)).json(), { n: null, user: null });
    assert.deepEqual((await get(a, '/read', logged)).json(), { n: null, user: 7 });
    const out = await get(a, '/logout', logged);
    assert.match(cookieOf(out) ?? '', /^sid=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax$/);
    assert.deepEqual((await get(a, '/read', logged)).json(), { n: null, user: null });
    await a.app.close();
  });

  it('ignores malformed cookies and rows its accept rule refuses', async () => {
    const a = await app();
    for (const c of ['sid=', 'sid=abc', `sid=${'A'.repeat(44)}`, 'sid=../../etc', 'other=x']) {
      assert.deepEqual((await get(a, '/read', c)).json(), { n: null, user: null }, c);
    }
    // An admin row under this cookie name is not this manager's.
    const value = Buffer.alloc(32, 9).toString('base64url');
    const now = Math.floor(a.clock.ms / 1000);
    await createWebSession(database.db, {
      idHash: sessionIdHash(value),
      userId: undefined,
      admin: true,
      data: { n: 99 },
      createdAt: now,
      expiresAt: now + 3600,
    });
    assert.deepEqual((await get(a, '/read', `sid=${value}`)).json(), { n: null, user: null });
    await a.app.close();
  });

  it('purges expired rows when the app starts serving', async () => {
    const value = Buffer.alloc(32, 5).toString('base64url');
    const past = Math.floor(START_MS / 1000) - 10;
    await createWebSession(database.db, {
      idHash: sessionIdHash(value),
      userId: undefined,
      admin: false,
      data: {},
      createdAt: past - 3600,
      expiresAt: past,
    });
    const a = await app({ purgeEveryMs: 3_600_000 });
    const left = await database.db
      .selectFrom('web_sessions')
      .select('id_hash')
      .where('id_hash', '=', sessionIdHash(value))
      .execute();
    assert.deepEqual(left, []);
    await a.app.close();
  });
});
