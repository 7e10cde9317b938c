import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { createDatabase } from '../../src/db/database.ts';
import { getTicket, insertTicket } from '../../src/db/vsp-tickets.ts';
import { describeEachEngine, newHash } from './engines.ts';

describe('createDatabase config', () => {
  it('requires sqlitePath for sqlite', () => {
    assert.throws(() => createDatabase({ engine: 'sqlite' }), {
      name: 'TypeError',
      message: /^sqlitePath: required/,
    });
  });
  it('requires a URL for postgres and mysql', () => {
    assert.throws(() => createDatabase({ engine: 'postgres' }), {
      name: 'TypeError',
      message: /^url: required/,
    });
    assert.throws(() => createDatabase({ engine: 'mysql', url: 'not a url' }), {
      name: 'TypeError',
      message: /^url: not a valid URL/,
    });
  });
  it('rejects a URL of the other engine', () => {
    assert.throws(() => createDatabase({ engine: 'postgres', url: 'mysql://u:p@127.0.0.1/x' }), {
      name: 'TypeError',
      message: /^url: engine postgres needs a postgres: or postgresql:\/\/ URL/,
    });
  });
  it('rejects a bad pool size', () => {
    assert.throws(
      () => createDatabase({ engine: 'postgres', url: 'postgres://127.0.0.1/x', poolSize: 0 }),
      { name: 'RangeError', message: /^poolSize:/ },
    );
  });
});

// Values a JS number cannot hold: 2^53+1 would round to 2^53.
const BIG = [2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 0n, -1n, 9_007_199_254_740_993n];

describeEachEngine('engine types', (get, engine) => {
  it('round-trips BIGINT values beyond 2^53 exactly, as bigint', async () => {
    const { db } = get();
    for (const value of BIG) {
      const hash = newHash();
      // Raw insert: the repository rightly refuses negative fees, the column itself does not.
      await db
        .insertInto('vsp_tickets')
        .values({
          hash,
          purchase_height: 7,
          commitment_address: 'Ss' + hash.slice(0, 30),
          fee_address_xpub_id: 0,
          fee_address_index: 1,
          fee_address: 'Ss' + hash.slice(30, 60),
          fee_amount: value,
          fee_expiration: value,
          fee_tx_hash: '',
          fee_tx_hex: '',
          fee_tx_status: 'none',
          voting_wif: '',
          vote_choices: '{}',
          tspend_policy: '{}',
          treasury_policy: '{}',
          confirmed: 1,
          outcome: '',
          outcome_height: 0,
          spend_tx_hash: '',
          created_at: value,
          updated_at: 0n,
        })
        .execute();
      const row = await db
        .selectFrom('vsp_tickets')
        .select(['fee_amount', 'fee_expiration', 'created_at', 'purchase_height', 'confirmed'])
        .where('hash', '=', hash)
        .executeTakeFirstOrThrow();
      assert.equal(typeof row.fee_amount, 'bigint', `${engine} fee_amount type`);
      assert.equal(row.fee_amount, value);
      assert.equal(row.fee_expiration, value);
      assert.equal(row.created_at, value);
      // INTEGER columns stay plain numbers on every engine.
      assert.equal(row.purchase_height, 7);
      assert.equal(row.confirmed, 1);
      // A bigint parameter in a WHERE clause matches exactly too.
      const found = await db
        .selectFrom('vsp_tickets')
        .select('hash')
        .where('fee_amount', '=', value)
        .where('hash', '=', hash)
        .execute();
      assert.equal(found.length, 1);
    }
  });

  it('returns COUNT as bigint and INTEGER aggregates normalisable', async () => {
    const { db } = get();
    const row = await db
      .selectFrom('vsp_tickets')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('purchase_height').as('h')])
      .executeTakeFirstOrThrow();
    assert.equal(typeof row.n, 'bigint');
    assert.equal(row.n, BigInt(BIG.length));
    assert.equal(Number(row.h), 7);
  });

  it('keeps a fee above 2^53 atoms exact through the repository', async () => {
    const { db } = get();
    const hash = newHash();
    const feeAmount = 2n ** 62n + 12345n;
    assert.equal(
      await insertTicket(db, {
        hash,
        commitmentAddress: 'SsCommit',
        feeAddressXpubId: 0,
        feeAddressIndex: 99,
        feeAddress: 'SsFee' + hash.slice(0, 20),
        feeAmount,
        feeExpiration: 4_102_444_800,
      }),
      true,
    );
    const t = await getTicket(db, hash);
    assert.equal(t?.feeAmount, feeAmount);
    assert.equal(t?.feeExpiration, 4_102_444_800);
  });

  it('compares strings case-sensitively (hashes, base58 addresses)', async () => {
    const { db } = get();
    const rows = await db
      .selectFrom('vsp_tickets')
      .select('hash')
      .where('fee_address', '=', 'SSFEE')
      .execute();
    assert.equal(rows.length, 0);
    const r = await sql<{
      same: unknown;
    }>`select case when ${'Ab'} = ${'aB'} then 1 else 0 end as same`.execute(db);
    // Literal comparison follows the connection collation; on MySQL that is utf8mb4_bin.
    assert.equal(Number(r.rows[0]?.same), 0);
  });

  if (engine === 'sqlite') {
    it('opens SQLite in WAL mode with foreign keys and a busy timeout', () => {
      const handle = get().database.sqlite;
      assert.ok(handle);
      assert.equal(handle.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(Number(handle.pragma('foreign_keys', { simple: true })), 1);
      assert.equal(Number(handle.pragma('busy_timeout', { simple: true })), 5000);
    });
  }
});
