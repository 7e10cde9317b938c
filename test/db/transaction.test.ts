import assert from 'node:assert/strict';
import { it } from 'node:test';
import { getSetting, setSetting } from '../../src/db/settings.ts';
import { AfterCommitError, afterCommit, withTransaction } from '../../src/db/transaction.ts';
import { reserveFeeAddressIndex, setFeeXpub, currentFeeXpub } from '../../src/db/vsp-fee-xpubs.ts';
import { getTicket, insertTicket, updateTicket } from '../../src/db/vsp-tickets.ts';
import { appendVoteChange, voteChanges } from '../../src/db/vsp-vote-changes.ts';
import type { Db } from '../../src/db/transaction.ts';
import { describeEachEngine, newHash } from './engines.ts';

async function newTicket(db: Db, hash = newHash()): Promise<string> {
  const { index } = await reserveFeeAddressIndex(db);
  await insertTicket(db, {
    hash,
    commitmentAddress: 'SsCommit',
    feeAddressXpubId: 0,
    feeAddressIndex: index,
    feeAddress: `SsFee${index}`,
    feeAmount: 5000n,
    feeExpiration: 1_700_000_000,
  });
  return hash;
}

const rec = {
  request: '{"a":1}',
  requestSignature: 'q',
  response: '{"b":2}',
  responseSignature: 'r',
};

describeEachEngine('transactions', (get) => {
  it('commits everything written inside', async () => {
    const { db } = get();
    await setFeeXpub(db, 'tpubTransactionTest');
    const hash = await withTransaction(db, async (trx) => {
      const h = await newTicket(trx);
      await appendVoteChange(trx, h, rec);
      await setSetting(trx, 'test.tx', 'committed');
      return h;
    });
    assert.ok(await getTicket(db, hash));
    assert.equal((await voteChanges(db, hash)).length, 1);
    assert.equal(await getSetting(db, 'test.tx'), 'committed');
  });

  it('leaves nothing half-written when the body throws', async () => {
    const { db } = get();
    const before = (await currentFeeXpub(db))?.lastUsedIndex;
    const hash = newHash();
    const existing = await newTicket(db);
    await assert.rejects(
      withTransaction(db, async (trx) => {
        await newTicket(trx, hash);
        await appendVoteChange(trx, hash, rec);
        await updateTicket(trx, existing, { feeTxStatus: 'received', votingWif: 'wif' });
        await setSetting(trx, 'test.rollback', 'x');
        assert.ok(await getTicket(trx, hash), 'visible inside the transaction');
        throw new Error('fee tx rejected');
      }),
      /fee tx rejected/,
    );
    assert.equal(await getTicket(db, hash), undefined);
    assert.deepEqual(await voteChanges(db, hash), []);
    assert.equal((await getTicket(db, existing))?.feeTxStatus, 'none');
    assert.equal(await getSetting(db, 'test.rollback'), undefined);
    assert.equal((await currentFeeXpub(db))?.lastUsedIndex, (before ?? 0) + 1);
  });

  it('rolls back on a failing statement too (duplicate key mid-transaction)', async () => {
    const { db } = get();
    const existing = await newTicket(db);
    const hash = newHash();
    await assert.rejects(
      withTransaction(db, async (trx) => {
        await setSetting(trx, 'test.dup', 'x');
        await insertTicket(trx, {
          hash,
          commitmentAddress: 'SsCommit',
          feeAddressXpubId: 0,
          feeAddressIndex: 0,
          // The same fee address as an existing ticket: a unique-index violation.
          feeAddress: (await getTicket(trx, existing))!.feeAddress,
          feeAmount: 1n,
          feeExpiration: 0,
        });
      }),
    );
    assert.equal(await getSetting(db, 'test.dup'), undefined);
    assert.equal(await getTicket(db, hash), undefined);
  });

  it('nested withTransaction joins the outer one', async () => {
    const { db } = get();
    await assert.rejects(
      withTransaction(db, async (trx) => {
        await withTransaction(trx, async (inner) => {
          assert.equal(inner, trx);
          await setSetting(inner, 'test.nested', 'x');
        });
        throw new Error('outer fails');
      }),
      /outer fails/,
    );
    assert.equal(await getSetting(db, 'test.nested'), undefined);
  });

  it('runs afterCommit hooks only after the commit, in order, and never on rollback', async () => {
    const { db, reopen } = get();
    const other = reopen();
    try {
      const seen: string[] = [];
      await withTransaction(db, async (trx) => {
        await setSetting(trx, 'test.hook', 'v');
        await afterCommit(trx, async () => {
          // Another connection (another process) can already read the row.
          seen.push(`first:${await getSetting(other.db, 'test.hook')}`);
        });
        await withTransaction(trx, async (inner) => {
          await afterCommit(inner, () => {
            seen.push('second');
          });
        });
        seen.push('body done');
      });
      assert.deepEqual(seen, ['body done', 'first:v', 'second']);
    } finally {
      await other.close();
    }

    let ran = false;
    await assert.rejects(
      withTransaction(db, async (trx) => {
        await afterCommit(trx, () => {
          ran = true;
        });
        throw new Error('rolled back');
      }),
    );
    assert.equal(ran, false);

    // Outside a transaction there is nothing to wait for.
    let now = false;
    await afterCommit(db, () => {
      now = true;
    });
    assert.equal(now, true);
  });

  it('reports failed hooks after committing, and runs the rest', async () => {
    const { db } = get();
    let later = false;
    await assert.rejects(
      withTransaction(db, async (trx) => {
        await setSetting(trx, 'test.hookfail', 'kept');
        await afterCommit(trx, () => {
          throw new Error('wallet down');
        });
        await afterCommit(trx, () => {
          later = true;
        });
      }),
      (err: unknown) => {
        assert.ok(err instanceof AfterCommitError);
        assert.equal(err.errors.length, 1);
        assert.match(err.message, /the transaction was committed/);
        return true;
      },
    );
    assert.equal(later, true);
    assert.equal(await getSetting(db, 'test.hookfail'), 'kept');
  });

  it('refuses afterCommit in a transaction not opened by withTransaction', async () => {
    const { db } = get();
    await assert.rejects(
      db.transaction().execute((trx) => afterCommit(trx, () => undefined)),
      /afterCommit: transaction was not opened with withTransaction/,
    );
  });
});
