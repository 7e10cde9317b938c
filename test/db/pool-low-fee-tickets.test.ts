import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  addedLowFeeTickets,
  addLowFeeTickets,
  ignoredLowFeeTickets,
  removeLowFeeTickets,
} from '../../src/db/pool-low-fee-tickets.ts';
import {
  getPoolTicket,
  insertPoolTickets,
  setPoolTicketOutcome,
} from '../../src/db/pool-tickets.ts';
import type { NewPoolTicket, PoolFeeStatus } from '../../src/db/pool-tickets.ts';
import type { Db } from '../../src/db/transaction.ts';
import { createTestDatabase, describeEachEngine, newHash } from './engines.ts';
import type { TestDatabase } from './engines.ts';

function newTicket(purchaseHeight: number, feeStatus: PoolFeeStatus): NewPoolTicket {
  return {
    hash: newHash(),
    userId: 3,
    ticketAddress: 'TcPool3',
    purchaseHeight,
    purchaseBlock: newHash(),
    price: 10_000_000_000n,
    feePaid: feeStatus === 'ok' ? 60_000_000n : 1_000n,
    feeRequired: 60_000_000n,
    feeStatus,
    ticketHex: 'ab'.repeat(200),
  };
}

const hashes = (ts: { hash: string }[]) => ts.map((t) => t.hash);

describeEachEngine('pool low-fee tickets', (_get, engine) => {
  // Each test on its own database: the lists are pool-wide.
  async function withDb(fn: (db: Db) => Promise<void>): Promise<void> {
    let t: TestDatabase | undefined;
    try {
      t = await createTestDatabase(engine);
      await fn(t.db);
    } finally {
      await t?.drop();
    }
  }

  it('lists the ignored tickets: failed fee check, unspent, not added', () =>
    withDb(async (db) => {
      const ok = newTicket(100, 'ok');
      const low = newTicket(101, 'low');
      const address = newTicket(102, 'address');
      const lowVoted = newTicket(99, 'low');
      await insertPoolTickets(db, [ok, low, address, lowVoted]);
      await setPoolTicketOutcome(db, lowVoted.hash, {
        outcome: 'expired',
        height: 500,
        spentBy: '',
      });
      assert.deepEqual(hashes(await ignoredLowFeeTickets(db)), [low.hash, address.hash]);
      assert.deepEqual(await addedLowFeeTickets(db), []);
    }));

  it('adds only currently ignored tickets, once', () =>
    withDb(async (db) => {
      const ok = newTicket(100, 'ok');
      const low = newTicket(101, 'low');
      const address = newTicket(102, 'address');
      const lowVoted = newTicket(99, 'low');
      await insertPoolTickets(db, [ok, low, address, lowVoted]);
      await setPoolTicketOutcome(db, lowVoted.hash, {
        outcome: 'voted',
        height: 500,
        spentBy: newHash(),
      });
      const before = Math.floor(Date.now() / 1000);
      assert.equal(
        await addLowFeeTickets(db, [ok.hash, low.hash, lowVoted.hash, newHash(), low.hash], 7),
        1,
      );
      assert.equal(await addLowFeeTickets(db, [low.hash], 8), 0);
      const added = await addedLowFeeTickets(db);
      assert.equal(added.length, 1);
      assert.equal(added[0]?.ticket.hash, low.hash);
      assert.equal(added[0]?.ticket.lowFeeAdded, true);
      assert.equal(added[0]?.addedBy, 7);
      assert.ok((added[0]?.addedAt ?? 0) >= before);
      assert.equal((await getPoolTicket(db, low.hash))?.lowFeeAdded, true);
      assert.deepEqual(hashes(await ignoredLowFeeTickets(db)), [address.hash]);
      assert.equal(await addLowFeeTickets(db, [address.hash], 0), 1);
      const byHash = new Map((await addedLowFeeTickets(db)).map((r) => [r.ticket.hash, r]));
      assert.equal(byHash.get(address.hash)?.addedBy, undefined);
    }));

  it('shows the current outcome of an added ticket, so "voted" stays true (#201)', () =>
    withDb(async (db) => {
      const a = newTicket(200, 'low');
      const b = newTicket(100, 'low');
      await insertPoolTickets(db, [a, b]);
      await addLowFeeTickets(db, [a.hash, b.hash], 1);
      const vote = newHash();
      await setPoolTicketOutcome(db, a.hash, { outcome: 'voted', height: 300, spentBy: vote });
      const rows = await addedLowFeeTickets(db);
      assert.deepEqual(
        rows.map((r) => [r.ticket.hash, r.ticket.outcome, r.ticket.purchaseHeight]),
        [
          [b.hash, '', 100],
          [a.hash, 'voted', 200],
        ],
      );
      assert.equal(rows[1]?.ticket.spentBy, vote);
    }));

  it('removes added tickets; an unspent one is ignored again', () =>
    withDb(async (db) => {
      const a = newTicket(100, 'low');
      const b = newTicket(101, 'low');
      await insertPoolTickets(db, [a, b]);
      await addLowFeeTickets(db, [a.hash, b.hash], 1);
      await setPoolTicketOutcome(db, b.hash, { outcome: 'voted', height: 300, spentBy: newHash() });
      assert.equal(await removeLowFeeTickets(db, [a.hash, b.hash, newHash()]), 2);
      assert.equal(await removeLowFeeTickets(db, [a.hash]), 0);
      assert.deepEqual(await addedLowFeeTickets(db), []);
      assert.deepEqual(hashes(await ignoredLowFeeTickets(db)), [a.hash]);
      assert.equal((await getPoolTicket(db, a.hash))?.lowFeeAdded, false);
      assert.equal(await removeLowFeeTickets(db, []), 0);
    }));

  it('keeps the decision across a reorg that drops and re-finds the ticket', () =>
    withDb(async (db) => {
      const a = newTicket(100, 'low');
      await insertPoolTickets(db, [a]);
      await addLowFeeTickets(db, [a.hash], 1);
      await db.deleteFrom('pool_tickets').where('hash', '=', a.hash).execute();
      assert.deepEqual(await addedLowFeeTickets(db), []);
      await insertPoolTickets(db, [{ ...a, purchaseHeight: 101 }]);
      assert.equal((await getPoolTicket(db, a.hash))?.lowFeeAdded, true);
      assert.deepEqual(await ignoredLowFeeTickets(db), []);
    }));

  it('rejects malformed hashes and admin ids', () =>
    withDb(async (db) => {
      await assert.rejects(addLowFeeTickets(db, ['xyz'], 1), /TypeError: hashes:/);
      await assert.rejects(
        removeLowFeeTickets(db, [newHash().toUpperCase()]),
        /TypeError: hashes:/,
      );
      await assert.rejects(addLowFeeTickets(db, [newHash()], -1), /RangeError: addedBy:/);
    }));
});
