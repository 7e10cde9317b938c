// Runs a suite once per engine, each on a database of its own: a temp SQLite file, or a fresh
// PostgreSQL / MariaDB database created on the servers scripts/ci-services.sh starts (and dropped
// afterwards). An unreachable server fails the suite; it is never skipped.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe } from 'node:test';
import { createConnection } from 'mysql2/promise';
import { createDatabase } from '../../src/db/database.ts';
import type { Database, DatabaseConfig } from '../../src/db/database.ts';
import { ENGINES } from '../../src/db/engine.ts';
import type { Engine } from '../../src/db/engine.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import type { Db } from '../../src/db/transaction.ts';

export const DEFAULT_POSTGRES_URL = 'postgres://stakepool:stakepool@127.0.0.1:55432/stakepool_test';
export const DEFAULT_MYSQL_URL = 'mysql://stakepool:stakepool@127.0.0.1:53306/stakepool_test';

export interface TestDatabase {
  engine: Engine;
  database: Database;
  db: Db;
  /** How to open it again: another pool, or (SQLite) another process — see childProcess. */
  config: DatabaseConfig;
  reopen: () => Database;
  drop: () => Promise<void>;
}

/** All three unless STAKEPOOL_TEST_ENGINES names a subset (e.g. "sqlite,postgres"). */
export function testEngines(): Engine[] {
  const env = process.env['STAKEPOOL_TEST_ENGINES'];
  if (!env) return [...ENGINES];
  const list = env.split(',').map((s) => s.trim());
  for (const e of list) {
    if (!(ENGINES as readonly string[]).includes(e)) {
      throw new Error(`STAKEPOOL_TEST_ENGINES: unknown engine ${e}`);
    }
  }
  return list as Engine[];
}

function serverUrl(engine: 'postgres' | 'mysql'): string {
  return engine === 'postgres'
    ? (process.env['STAKEPOOL_TEST_POSTGRES_URL'] ?? DEFAULT_POSTGRES_URL)
    : (process.env['STAKEPOOL_TEST_MYSQL_URL'] ?? DEFAULT_MYSQL_URL);
}

function unreachable(engine: string, url: URL, err: unknown): Error {
  const reason = err instanceof Error ? err.message || err.constructor.name : String(err);
  return new Error(
    `${engine} test server at ${url.host} is unreachable (${reason}). Start the test servers ` +
      `with \`scripts/ci-services.sh\` (as root), or point STAKEPOOL_TEST_` +
      `${engine === 'PostgreSQL' ? 'POSTGRES' : 'MYSQL'}_URL at one.`,
    { cause: err },
  );
}

interface PgClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
const require = createRequire(import.meta.url);
const pg = require('pg') as { Client: new (config: object) => PgClient };

async function pgAdmin(url: URL, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url.href, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw unreachable('PostgreSQL', url, err);
  }
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function mysqlAdmin(url: URL, statement: string): Promise<void> {
  let conn;
  try {
    conn = await createConnection({ uri: url.href, connectTimeout: 5000 });
  } catch (err) {
    throw unreachable('MariaDB/MySQL', url, err);
  }
  try {
    await conn.query(statement);
  } finally {
    await conn.end();
  }
}

export async function createTestDatabase(
  engine: Engine,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const name = `stakepool_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  let config: DatabaseConfig;
  let cleanup: () => Promise<void>;
  switch (engine) {
    case 'sqlite': {
      const dir = await mkdtemp(join(tmpdir(), 'stakepool-db-'));
      const sqlitePath = join(dir, 'test.db');
      config = { engine, sqlitePath };
      cleanup = () => rm(dir, { recursive: true, force: true });
      break;
    }
    case 'postgres': {
      const base = new URL(serverUrl(engine));
      await pgAdmin(base, `create database ${name}`);
      const url = new URL(base.href);
      url.pathname = `/${name}`;
      config = { engine, url: url.href };
      cleanup = () => pgAdmin(base, `drop database if exists ${name} with (force)`);
      break;
    }
    case 'mysql': {
      const base = new URL(serverUrl(engine));
      await mysqlAdmin(
        base,
        `create database \`${name}\` character set utf8mb4 collate utf8mb4_bin`,
      );
      const url = new URL(base.href);
      url.pathname = `/${name}`;
      config = { engine, url: url.href };
      cleanup = () => mysqlAdmin(base, `drop database if exists \`${name}\``);
      break;
    }
    default: {
      const never: never = engine;
      throw new Error(`engine ${String(never)}`);
    }
  }
  const open = () => createDatabase(config);
  const database = open();
  try {
    if (options.migrate !== false) await migrateToLatest(database.db);
  } catch (err) {
    await database.close();
    await cleanup();
    throw err;
  }
  return {
    engine,
    database,
    db: database.db,
    config,
    reopen: open,
    drop: async () => {
      await database.close();
      await cleanup();
    },
  };
}

/**
 * describe(`${title} [engine]`) for every test engine, with a fresh database created before the
 * suite and dropped after it. `get()` returns it inside tests.
 */
export function describeEachEngine(
  title: string,
  body: (get: () => TestDatabase, engine: Engine) => void,
  options: { migrate?: boolean } = {},
): void {
  for (const engine of testEngines()) {
    describe(`${title} [${engine}]`, () => {
      let t: TestDatabase | undefined;
      before(async () => {
        t = await createTestDatabase(engine, options);
      });
      after(async () => {
        await t?.drop();
      });
      body(() => {
        if (!t) throw new Error(`${engine} test database was not created`);
        return t;
      }, engine);
    });
  }
}

let counter = 0;
/** A distinct, valid 64-hex ticket hash for each call. */
export function newHash(): string {
  counter += 1;
  return randomBytes(28).toString('hex') + counter.toString(16).padStart(8, '0');
}

export interface ChildJob {
  config: DatabaseConfig;
  action: 'migrate' | 'reserve';
  count?: number;
}

/**
 * Runs each job in its own node process (test/db/child.ts) and, once every process has opened
 * the database, starts them together with local() in this process. Resolves with the children's
 * results followed by local()'s.
 */
export async function runConcurrently<T>(
  jobs: readonly ChildJob[],
  local: () => Promise<T>,
): Promise<[unknown[], T]> {
  const script = fileURLToPath(new URL('./child.ts', import.meta.url));
  const children = jobs.map((job) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(job)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.startsWith('ready\n')) resolve();
      });
      child.on('exit', () => reject(new Error(`child ${job.action} exited early: ${stderr}`)));
    });
    const done = new Promise<unknown>((resolve, reject) => {
      child.on('exit', (code) => {
        if (code !== 0) reject(new Error(`child ${job.action} failed (${code}): ${stderr}`));
        else resolve(JSON.parse(stdout.slice('ready\n'.length)));
      });
    });
    return { child, ready, done };
  });
  try {
    await Promise.all(children.map((c) => c.ready));
  } catch (err) {
    for (const c of children) c.child.kill();
    await Promise.allSettled(children.map((c) => c.done));
    throw err;
  }
  for (const c of children) c.child.stdin.end('go\n');
  const [results, mine] = await Promise.all([Promise.all(children.map((c) => c.done)), local()]);
  return [results, mine];
}
