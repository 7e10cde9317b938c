import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deferredDatabase, isDatabaseMismatch } from '../../src/cli/deferred-database.ts';
import type { Database } from '../../src/db/database.ts';
import { SchemaTooNewError } from '../../src/db/migrate.ts';

/** A stand-in Database: only identity and close matter here. */
function fakeDatabase(): Database & { closed: number } {
  const d = {
    engine: 'sqlite' as const,
    db: {} as Database['db'],
    sqlite: undefined,
    closed: 0,
    close: () => {
      d.closed++;
      return Promise.resolve();
    },
  };
  return d;
}

describe('deferredDatabase', () => {
  it('opens at the first use that finds the database up, trying again only after retryMs', async () => {
    const c = { t: 0 };
    let opens = 0;
    let up = false;
    const real = fakeDatabase();
    const lazy = deferredDatabase(
      () => {
        opens++;
        return up ? Promise.resolve(real) : Promise.reject(new Error('ECONNREFUSED'));
      },
      { retryMs: 10_000, now: () => c.t },
    );
    assert.equal(lazy.isOpen, false);
    await assert.rejects(lazy.db(), /ECONNREFUSED/);
    c.t += 9_999;
    up = true;
    // Within retryMs: the last error again, at once, without asking.
    await assert.rejects(lazy.db(), /ECONNREFUSED/);
    assert.equal(opens, 1);
    c.t += 1;
    assert.equal(await lazy.db(), real.db);
    assert.equal(await lazy.db(), real.db);
    assert.equal(opens, 2);
    assert.equal(lazy.isOpen, true);
    await lazy.close();
    assert.equal(real.closed, 1);
    await assert.rejects(lazy.db(), /database closed/);
  });

  it('shares an open under way between callers', async () => {
    let opens = 0;
    let finish!: (d: Database) => void;
    const real = fakeDatabase();
    const lazy = deferredDatabase(() => {
      opens++;
      return new Promise<Database>((resolve) => (finish = resolve));
    });
    const a = lazy.db();
    const b = lazy.db();
    finish(real);
    assert.deepEqual(await Promise.all([a, b]), [real.db, real.db]);
    assert.equal(opens, 1);
  });

  it('closes a database whose open was still under way', async () => {
    let finish!: (d: Database) => void;
    const real = fakeDatabase();
    const lazy = deferredDatabase(() => new Promise<Database>((resolve) => (finish = resolve)));
    const pending = lazy.db();
    const closing = lazy.close();
    finish(real);
    await pending;
    await closing;
    assert.equal(real.closed, 1);
  });
});

describe('isDatabaseMismatch', () => {
  it('tells a database that is not this pool’s from one that cannot be reached', () => {
    assert.equal(
      isDatabaseMismatch(new Error('network: the database belongs to mainnet, not simnet')),
      true,
    );
    assert.equal(isDatabaseMismatch(new SchemaTooNewError(9, '009-future', 2)), true);
    assert.equal(isDatabaseMismatch(new Error('migrations: timed out waiting for lock')), false);
    assert.equal(isDatabaseMismatch(new Error('connect ECONNREFUSED 127.0.0.1:5432')), false);
    assert.equal(isDatabaseMismatch(new Error('file is not a database')), false);
    assert.equal(isDatabaseMismatch('network: text'), false);
  });
});
