// GET /admin/backup: a consistent SQLite copy for the logged-in admin; a clear refusal for the
// engines that back themselves up.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AdminStore } from '../../../src/admin/store.ts';
import { createDatabase } from '../../../src/db/database.ts';
import { getTicket, insertTicket } from '../../../src/db/vsp-tickets.ts';
import { newKey, newTicket } from '../fixtures.ts';
import { adminHarness, loggedIn } from './harness.ts';
import type { AdminHarness } from './harness.ts';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

describe('admin backup download', () => {
  let h: AdminHarness;
  let dir: string;
  const t = newTicket();

  before(async () => {
    h = await adminHarness();
    dir = await mkdtemp(join(tmpdir(), 'stakepool-backup-download-'));
    await insertTicket(h.database.db, {
      hash: t.hash,
      commitmentAddress: t.commitment.address,
      feeAddressXpubId: 0,
      feeAddressIndex: 1,
      feeAddress: newKey().address,
      feeAmount: 5000n,
      feeExpiration: 0,
    });
  });
  after(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('streams a valid SQLite file holding the data', async () => {
    const { b } = await loggedIn(h);
    const tmpBefore = (await readdir(tmpdir())).filter((f) => f.startsWith('stakepool-backup-'));
    const res = await b.get('/admin/backup');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/vnd.sqlite3');
    assert.match(
      String(res.headers['content-disposition']),
      /^attachment; filename="stakepool-testnet3-20260101-000000\.db"$/,
    );
    assert.equal(res.headers['cache-control'], 'no-store');
    const bytes = res.rawPayload;
    assert.equal(Number(res.headers['content-length']), bytes.length);
    assert.ok(bytes.length > 4096);
    assert.deepEqual(bytes.subarray(0, 16), SQLITE_MAGIC);

    const path = join(dir, 'downloaded.db');
    await writeFile(path, bytes);
    const copy = createDatabase({ engine: 'sqlite', sqlitePath: path });
    try {
      const row = await getTicket(copy.db, t.hash);
      assert.equal(row?.feeAmount, 5000n);
    } finally {
      await copy.close();
    }
    const tmpAfter = (await readdir(tmpdir())).filter((f) => f.startsWith('stakepool-backup-'));
    assert.deepEqual(tmpAfter.sort(), tmpBefore.sort(), 'no temporary file is left behind');
  });

  it('is only for the logged-in admin', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/admin/backup' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/admin');
    assert.equal(res.rawPayload.length, 0);
  });

  it('links the download from the status page', async () => {
    const { b } = await loggedIn(h);
    const page = await b.get('/admin');
    assert.ok(page.body.includes('href="/admin/backup"'));
  });
});

describe('admin backup on PostgreSQL or MySQL', () => {
  function serverStore(base: AdminStore, engine: 'postgres' | 'mysql'): AdminStore {
    return { ...base, engine, backup: undefined, databaseSize: () => Promise.resolve(123_456_789) };
  }

  for (const engine of ['postgres', 'mysql'] as const) {
    it(`explains that ${engine} backups are the database's own job`, async () => {
      const base = await adminHarness();
      const h = await adminHarness({ admin: { store: serverStore(base.adminStore, engine) } });
      try {
        const { b } = await loggedIn(h);
        const res = await b.get('/admin/backup');
        assert.equal(res.statusCode, 501);
        assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
        assert.match(res.body, /the database&#39;s own job/);
        assert.match(res.body, engine === 'postgres' ? /pg_dump/ : /mariadb-dump/);
        const page = await b.get('/admin');
        assert.ok(!page.body.includes('href="/admin/backup"'));
        assert.match(page.body, engine === 'postgres' ? /use\s+pg_dump/ : /use\s+mariadb-dump/);
        assert.match(page.body, /117.7 MiB/);
      } finally {
        await h.close();
        await base.close();
      }
    });
  }
});
