import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createDatabase, migrateToLatest, setSetting, getSetting } from '../../src/db/index.ts';
import { SqliteBackupJob } from '../../src/db/backup-job.ts';

describe('SqliteBackupJob', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stakepool-backup-job-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('backs up on demand and at stop(), replacing the copy, and logs instead of throwing', async () => {
    const database = createDatabase({ engine: 'sqlite', sqlitePath: join(dir, 'live.db') });
    await migrateToLatest(database.db);
    const dest = join(dir, 'live.db-backup');
    const logged: string[] = [];
    const log = {
      info: (_o: object, m?: string) => logged.push(`info ${m}`),
      error: (_o: object, m?: string) => logged.push(`error ${m}`),
    };
    const job = new SqliteBackupJob({
      database,
      destPath: dest,
      intervalMs: 60_000,
      log: log,
    });
    job.start();
    await setSetting(database.db, 'test.value', 'one');
    await job.runOnce();
    assert.equal(readFileSync(dest).subarray(0, 15).toString(), 'SQLite format 3');
    await setSetting(database.db, 'test.value', 'two');
    await job.stop();
    const copy = createDatabase({ engine: 'sqlite', sqlitePath: dest });
    assert.equal(
      await getSetting(copy.db, 'test.value'),
      'two',
      'the shutdown backup has the last write',
    );
    await copy.close();
    await database.close();
    assert.deepEqual(logged, ['info database backed up', 'info database backed up']);

    const bad = new SqliteBackupJob({
      database,
      destPath: join(dir, 'missing', 'x'),
      intervalMs: 1,
      log: log,
    });
    await bad.runOnce(); // closed database / missing directory: logged, not thrown
    assert.match(logged.at(-1) ?? '', /^error /);
    assert.equal(existsSync(join(dir, 'missing', 'x')), false);
  });
});
