import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  allFeeXpubs,
  currentFeeXpub,
  MAX_FEE_ADDRESS_INDEX,
  reserveFeeAddressIndex,
  setFeeXpub,
} from '../../src/db/vsp-fee-xpubs.ts';
import { withTransaction } from '../../src/db/transaction.ts';
import { describeEachEngine, runConcurrently } from './engines.ts';

const XPUB_A =
  'tpubVojSCUuMt7dzwbHLGmbrcBeHvLD5ZHhnYi8tEHDDHGkKcnEnbuoYCDeTT5JuXHRPSk9GMVeHntGaHWAqyhvAsR8CEvBMt9aJ1TkAJhUtyLV';
const XPUB_B = XPUB_A.replace('V', 'W');
const XPUB_C = XPUB_A.replace('V', 'X');

describeEachEngine('vsp fee xpubs', (get) => {
  it('has no key before createdb, and reserving then fails clearly', async () => {
    const { db } = get();
    assert.equal(await currentFeeXpub(db), undefined);
    await assert.rejects(reserveFeeAddressIndex(db), /fee xpub: no active key/);
  });

  it('sets the first key with id 0 and hands out indexes from 1', async () => {
    const { db } = get();
    const key = await setFeeXpub(db, XPUB_A);
    assert.deepEqual(
      { ...key, createdAt: 0 },
      {
        id: 0,
        xpub: XPUB_A,
        lastUsedIndex: 0,
        retiredAt: undefined,
        createdAt: 0,
      },
    );
    assert.deepEqual(await reserveFeeAddressIndex(db), { xpubId: 0, xpub: XPUB_A, index: 1 });
    assert.deepEqual(await reserveFeeAddressIndex(db), { xpubId: 0, xpub: XPUB_A, index: 2 });
    assert.equal((await currentFeeXpub(db))?.lastUsedIndex, 2);
  });

  it('gives 20 parallel reservations 20 distinct consecutive indexes', async () => {
    const { db } = get();
    const start = (await currentFeeXpub(db))?.lastUsedIndex ?? 0;
    const results = await Promise.all(Array.from({ length: 20 }, () => reserveFeeAddressIndex(db)));
    const indexes = results.map((r) => r.index).sort((a, b) => a - b);
    assert.deepEqual(
      indexes,
      Array.from({ length: 20 }, (_, i) => start + 1 + i),
    );
    assert.equal((await currentFeeXpub(db))?.lastUsedIndex, start + 20);
  });

  it('keeps reservations distinct across processes sharing the database', async () => {
    const { db, config } = get();
    const start = (await currentFeeXpub(db))?.lastUsedIndex ?? 0;
    const job = { config, action: 'reserve', count: 15 } as const;
    const [children, mine] = await runConcurrently([job, job], () =>
      Promise.all(Array.from({ length: 15 }, () => reserveFeeAddressIndex(db))),
    );
    const indexes = [...(children as number[][]).flat(), ...mine.map((r) => r.index)].sort(
      (x, y) => x - y,
    );
    assert.deepEqual(
      indexes,
      Array.from({ length: 45 }, (_, i) => start + 1 + i),
    );
  });

  it('joins a surrounding transaction: a rollback gives the index back', async () => {
    const { db } = get();
    const before = (await currentFeeXpub(db))?.lastUsedIndex;
    await assert.rejects(
      withTransaction(db, async (trx) => {
        await reserveFeeAddressIndex(trx);
        throw new Error('ticket insert failed');
      }),
      /ticket insert failed/,
    );
    assert.equal((await currentFeeXpub(db))?.lastUsedIndex, before);
  });

  it('retires the current key when a new one is set, restarting at index 1', async () => {
    const { db } = get();
    const old = await currentFeeXpub(db);
    const key = await setFeeXpub(db, XPUB_B);
    assert.equal(key.id, 1);
    assert.deepEqual(await reserveFeeAddressIndex(db), { xpubId: 1, xpub: XPUB_B, index: 1 });
    const all = await allFeeXpubs(db);
    assert.deepEqual(
      all.map((k) => [k.id, k.xpub, k.lastUsedIndex, k.retiredAt !== undefined]),
      [
        [0, XPUB_A, old?.lastUsedIndex, true],
        [1, XPUB_B, 1, false],
      ],
    );
    assert.equal((await currentFeeXpub(db))?.id, 1);
  });

  it('refuses a key that was ever used, and bad input', async () => {
    const { db } = get();
    await assert.rejects(setFeeXpub(db, XPUB_A), {
      name: 'RangeError',
      message: /^xpub: already used/,
    });
    await assert.rejects(setFeeXpub(db, XPUB_B), {
      name: 'RangeError',
      message: /^xpub: already used/,
    });
    await assert.rejects(setFeeXpub(db, ''), { name: 'TypeError', message: /^xpub:/ });
    assert.equal((await currentFeeXpub(db))?.xpub, XPUB_B);
  });

  it('stops at the last non-hardened index', async () => {
    const { db } = get();
    await setFeeXpub(db, XPUB_C);
    await db
      .updateTable('vsp_fee_xpubs')
      .set({ last_used_index: MAX_FEE_ADDRESS_INDEX - 1 })
      .where('retired_at', 'is', null)
      .execute();
    assert.equal((await reserveFeeAddressIndex(db)).index, MAX_FEE_ADDRESS_INDEX);
    await assert.rejects(reserveFeeAddressIndex(db), {
      name: 'RangeError',
      message: /used every non-hardened index/,
    });
  });
});
