import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { backupSqlite } from '../../src/db/backup.ts';
import { createDatabase } from '../../src/db/database.ts';
import type { Database } from '../../src/db/database.ts';
import { MIGRATIONS } from '../../src/db/migrations/index.ts';
import { withTransaction } from '../../src/db/transaction.ts';
import { insertTicket } from '../../src/db/vsp-tickets.ts';
import { appendVoteChange } from '../../src/db/vsp-vote-changes.ts';
import type { Db } from '../../src/db/transaction.ts';
import { createTestDatabase, newHash } from './engines.ts';
import type { TestDatabase } from './engines.ts';

let seq = 0;
async function addTicket(db: Db, withVoteChange: boolean): Promise<void> {
  seq += 1;
  const hash = newHash();
  await withTransaction(db, async (trx) => {
    await insertTicket(trx, {
      hash,
      commitmentAddress: 'SsCommit',
      feeAddressXpubId: 0,
      feeAddressIndex: seq,
      feeAddress: `SsFee${seq}`,
      feeAmount: BigInt(seq),
      feeExpiration: 1_700_000_000,
      feeTxHex: 'ab'.repeat(600),
    });
    if (withVoteChange) {
      await appendVoteChange(trx, hash, {
        request: '{}',
        requestSignature: 's',
        response: '{}',
        responseSignature: 'r',
      });
    }
  });
}

async function count(db: Db, table: 'vsp_tickets' | 'vsp_vote_changes'): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('SQLite hot backup', () => {
  let t: TestDatabase;
  let dir: string;
  const INITIAL = 3000;

  before(async () => {
    t = await createTestDatabase('sqlite');
    dir = await mkdtemp(join(tmpdir(), 'stakepool-backup-'));
    await withTransaction(t.db, async (trx) => {
      for (let i = 0; i < INITIAL; i++) await addTicket(trx, false);
    });
  });
  after(async () => {
    await t.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('copies a consistent state while the server keeps writing', async (ctx) => {
    const dest = join(dir, 'stakepool.db-backup');
    let written = 0;
    let stop = false;
    // The server: a ticket and its vote-change record per transaction, yielding to the event
    // loop between writes as request handlers do.
    const writer = (async () => {
      while (!stop) {
        await addTicket(t.db, true);
        written += 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const writtenAtStart = written;
    const result = await backupSqlite(t.database, dest);
    const writtenAtEnd = written;
    stop = true;
    await writer;

    ctx.diagnostic(
      `${writtenAtEnd - writtenAtStart} transactions committed during a ${result.durationMs.toFixed(0)} ms backup of ${result.bytes} bytes`,
    );
    assert.ok(writtenAtEnd > writtenAtStart, 'the server wrote during the backup');
    assert.equal(result.path, dest);
    assert.ok(result.bytes > 1_000_000, `backup has the data (${result.bytes} bytes)`);

    const copy: Database = createDatabase({ engine: 'sqlite', sqlitePath: dest });
    try {
      const check = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(copy.db);
      assert.equal(check.rows[0]?.integrity_check, 'ok');
      const tickets = await count(copy.db, 'vsp_tickets');
      const changes = await count(copy.db, 'vsp_vote_changes');
      assert.ok(tickets >= INITIAL + writtenAtStart, `${tickets} tickets in the copy`);
      assert.ok(tickets <= INITIAL + written);
      // Each write was one transaction: the copy holds both halves of every one, or neither.
      assert.equal(changes, tickets - INITIAL);
      const migrations = await copy.db.selectFrom('migrations').select('version').execute();
      assert.deepEqual(
        migrations.map((m) => m.version),
        MIGRATIONS.map((m) => m.version),
      );
    } finally {
      await copy.close();
    }
    assert.equal(await count(t.db, 'vsp_tickets'), INITIAL + written, 'source intact');
  });

  it('replaces an earlier backup atomically and leaves no temp file', async () => {
    const dest = join(dir, 'stakepool.db-backup');
    await addTicket(t.db, true);
    await backupSqlite(t.database, dest);
    assert.deepEqual(await readdir(dir), ['stakepool.db-backup']);
    const copy = createDatabase({ engine: 'sqlite', sqlitePath: dest });
    try {
      assert.equal(await count(copy.db, 'vsp_tickets'), await count(t.db, 'vsp_tickets'));
    } finally {
      await copy.close();
    }
  });

  it('fails cleanly for a missing directory and for other engines', async () => {
    await assert.rejects(backupSqlite(t.database, join(dir, 'nope', 'x.db')));
    assert.deepEqual(await readdir(dir), ['stakepool.db-backup']);
    const fake = { ...t.database, engine: 'postgres' as const, sqlite: undefined };
    await assert.rejects(backupSqlite(fake, join(dir, 'y.db')), {
      name: 'TypeError',
      message: /^database: hot backup is for sqlite, not postgres/,
    });
  });
});
