import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  assertSchemaCurrent,
  migrateToLatest,
  migrationStatus,
  SchemaTooNewError,
} from '../../src/db/migrate.ts';
import type { Migration } from '../../src/db/migrate.ts';
import { createIndex, tableOptions } from '../../src/db/migrations/helpers.ts';
import { MIGRATIONS } from '../../src/db/migrations/index.ts';
import { describeEachEngine, runConcurrently } from './engines.ts';

const TABLES = [
  'login_attempts',
  'migrations',
  'pool_low_fee_tickets',
  'pool_tickets',
  'pool_tokens',
  'pool_users',
  'settings',
  'vsp_alt_sign_addresses',
  'vsp_fee_xpubs',
  'vsp_tickets',
  'vsp_vote_changes',
  'web_sessions',
];
const VERSIONS = MIGRATIONS.map((m) => m.version);

// A migration from "the future": what a newer stakepool would have applied.
const future: Migration = {
  version: MIGRATIONS.length + 1,
  name: `${String(MIGRATIONS.length + 1).padStart(3, '0')}-future`,
  async up(db, engine) {
    await db.schema
      .createTable('future_things')
      .ifNotExists()
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .$call((b) => tableOptions(b, engine))
      .execute();
    await createIndex(db, engine, {
      name: 'future_things_id_idx',
      table: 'future_things',
      columns: ['id'],
    });
  },
};

describeEachEngine(
  'migrations',
  (get) => {
    it('reports an empty database as pending, and assertSchemaCurrent refuses it', async () => {
      const { db } = get();
      assert.deepEqual(await migrationStatus(db), {
        current: 0,
        latest: MIGRATIONS.length,
        pending: MIGRATIONS.map((m) => m.version),
      });
      await assert.rejects(assertSchemaCurrent(db), /not initialised/);
    });

    it('migrates up, creating every table, and records each version once', async () => {
      const { db, config } = get();
      // Three processes starting together: the lock lets one migrate, the others see it done.
      const job = { config, action: 'migrate' } as const;
      const [children, mine] = await runConcurrently([job, job], () => migrateToLatest(db));
      const results = [...children, mine];
      assert.deepEqual(results.flat(), VERSIONS);
      const names = (await db.introspection.getTables()).map((t) => t.name).sort();
      for (const table of TABLES) assert.ok(names.includes(table), `${table} exists`);
      const rows = await db.selectFrom('migrations').selectAll().execute();
      assert.deepEqual(
        rows.map((r) => [r.version, r.name]),
        [
          [1, '001-vsp'],
          [2, '002-pool'],
          [3, '003-pool-count-index'],
        ],
      );
      assert.equal(typeof rows[0]?.applied_at, 'bigint');
      assert.deepEqual(await migrationStatus(db), {
        current: MIGRATIONS.length,
        latest: MIGRATIONS.length,
        pending: [],
      });
      await assertSchemaCurrent(db);
    });

    it('is a no-op when up to date, and re-running a migration body is harmless', async () => {
      const { db } = get();
      assert.deepEqual(await migrateToLatest(db), []);
      // Simulates a MySQL migration interrupted after its DDL but before it was recorded.
      for (const m of MIGRATIONS) await m.up(db, get().engine);
    });

    it('applies a newer migration when the code knows it', async () => {
      const { db } = get();
      assert.deepEqual(await migrateToLatest(db, [...MIGRATIONS, future]), [future.version]);
    });

    it('refuses to start on a database newer than the code, naming the version', async () => {
      const { db } = get();
      await assert.rejects(migrateToLatest(db), (err: unknown) => {
        assert.ok(err instanceof SchemaTooNewError);
        assert.equal(err.version, future.version);
        assert.equal(err.latest, MIGRATIONS.length);
        assert.match(
          err.message,
          new RegExp(`schema version ${future.version} \\(${future.name}\\)`),
        );
        assert.match(err.message, /newer than this stakepool knows/);
        return true;
      });
      await assert.rejects(assertSchemaCurrent(db), SchemaTooNewError);
      // Nothing was touched.
      const versions = (await db.selectFrom('migrations').select('version').execute()).map(
        (r) => r.version,
      );
      assert.deepEqual(versions, [...VERSIONS, future.version]);
    });

    it('rejects a malformed migration list', async () => {
      const { db } = get();
      await assert.rejects(migrateToLatest(db, [future]), /expected version 1 at position 0/);
    });
  },
  { migrate: false },
);
