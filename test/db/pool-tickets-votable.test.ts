// allVotablePoolTickets: the voter's snapshot query, paged by hash, on all three engines.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { createDatabase } from '../../src/db/database.ts';
import { addLowFeeTickets } from '../../src/db/pool-low-fee-tickets.ts';
import {
  allVotablePoolTickets,
  insertPoolTickets,
  setPoolTicketOutcome,
  votablePoolTickets,
} from '../../src/db/pool-tickets.ts';
import type {
  NewPoolTicket,
  PoolFeeStatus,
  PoolOutcome,
  VotableTicket,
} from '../../src/db/pool-tickets.ts';
import { createPoolUser, setPoolUserMultisig } from '../../src/db/pool-users.ts';
import type { Db } from '../../src/db/transaction.ts';
import { createTestDatabase, describeEachEngine, newHash } from './engines.ts';

/** A deterministic stream of numbers in [0, n) (no Math.random: failures must replay). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s % n;
  };
}

const scriptOf = (id: number): string =>
  `5121${'02'.padEnd(66, (id % 10).toString())}21${'03'.padEnd(66, 'd')}52ae`;

async function addUser(db: Db, n: number, multisig: boolean): Promise<number> {
  const user = await createPoolUser(db, {
    email: `votable${n}@example.org`,
    passwordHash: 'x',
    emailVerified: 1,
    voteBits: 1 + 2 * (n % 3),
    voteBitsVersion: 10 + (n % 2),
  });
  assert.ok(user);
  if (multisig) {
    assert.ok(
      await setPoolUserMultisig(db, user.id, {
        address: `TcVotable${user.id}`,
        script: scriptOf(user.id),
        poolPubKeyAddr: `TkPool${user.id}`,
        userPubKeyAddr: `TkUser${user.id}`,
        feeAddress: `TsFee${user.id}`,
        heightRegistered: 1,
      }),
    );
  }
  return user.id;
}

function newTicket(userId: number, i: number, feeStatus: PoolFeeStatus): NewPoolTicket {
  return {
    hash: newHash(),
    userId,
    ticketAddress: `TcVotable${userId}`,
    purchaseHeight: 100 + i,
    purchaseBlock: newHash(),
    price: 10_000_000_000n,
    feePaid: 1_000_000n,
    feeRequired: 1_000_000n,
    feeStatus,
    // Each ticket its own bytes, so a mix-up between rows shows.
    ticketHex: `0100${i.toString(16).padStart(8, '0')}${'ab'.repeat(40)}`,
  };
}

async function readAll(db: Db, limit: number): Promise<VotableTicket[]> {
  const out: VotableTicket[] = [];
  let afterHash = '';
  for (;;) {
    const page = await allVotablePoolTickets(db, { afterHash, limit });
    assert.ok(page.length <= limit);
    out.push(...page);
    if (page.length < limit) return out;
    afterHash = page[page.length - 1]!.hash;
  }
}

describeEachEngine('allVotablePoolTickets', (get, engine) => {
  it('pages through exactly the tickets votablePoolTickets offers, in hash order', async () => {
    const t = await createTestDatabase(engine);
    try {
      const { db } = t;
      const next = lcg(25);
      const users = [
        await addUser(db, 1, true),
        await addUser(db, 2, true),
        await addUser(db, 3, true),
        await addUser(db, 4, false), // no multisig (yet): never voted
      ];
      const statuses: PoolFeeStatus[] = ['ok', 'ok', 'ok', 'low', 'address'];
      const outcomes: PoolOutcome[] = ['', '', '', 'voted', 'missed', 'expired', 'revoked'];
      const tickets = Array.from({ length: 240 }, (_, i) =>
        newTicket(users[next(users.length)]!, i, statuses[next(statuses.length)]!),
      );
      await insertPoolTickets(db, tickets);
      const invalid = tickets.filter((x) => x.feeStatus !== 'ok');
      const added = invalid.filter((_, i) => i % 2 === 0).map((x) => x.hash);
      assert.equal(await addLowFeeTickets(db, added, users[0]!), added.length);
      for (const x of tickets) {
        const outcome = outcomes[next(outcomes.length)]!;
        if (outcome === '') continue;
        await setPoolTicketOutcome(db, x.hash, { outcome, height: 900, spentBy: newHash() });
      }

      const expected = (
        await votablePoolTickets(
          db,
          tickets.map((x) => x.hash),
        )
      ).sort((a, b) => (a.hash < b.hash ? -1 : 1));
      assert.ok(expected.length > 40, 'the mix leaves a good number votable');
      assert.ok(
        expected.some((v) => added.includes(v.hash)),
        'admin-added tickets are among them',
      );
      for (const limit of [1, 7, 50, expected.length, 10_000]) {
        assert.deepEqual(await readAll(db, limit), expected, `limit ${limit}`);
      }
      const first = expected[0]!;
      assert.deepEqual(first.redeemScript, scriptOf(first.userId));

      // The page after the last hash is empty; a hash between two starts at the next.
      const last = expected[expected.length - 1]!.hash;
      assert.deepEqual(await allVotablePoolTickets(db, { afterHash: last, limit: 10 }), []);
      assert.deepEqual(
        await allVotablePoolTickets(db, { afterHash: 'f'.repeat(64), limit: 5 }),
        [],
      );
      const mid = await allVotablePoolTickets(db, { afterHash: expected[9]!.hash, limit: 3 });
      assert.deepEqual(mid, expected.slice(10, 13));
      assert.deepEqual(await allVotablePoolTickets(db, { afterHash: '', limit: 0 }), []);
    } finally {
      await t.drop();
    }
  });

  it('follows changes between pages: a ticket voted meanwhile drops out, bits are current', async () => {
    const t = await createTestDatabase(engine);
    try {
      const { db } = t;
      const owner = await addUser(db, 5, true);
      const tickets = Array.from({ length: 6 }, (_, i) => newTicket(owner, i, 'ok'));
      await insertPoolTickets(db, tickets);
      const order = tickets.map((x) => x.hash).sort();
      const page1 = await allVotablePoolTickets(db, { afterHash: '', limit: 3 });
      assert.deepEqual(
        page1.map((v) => v.hash),
        order.slice(0, 3),
      );
      await setPoolTicketOutcome(db, order[4]!, { outcome: 'voted', height: 9, spentBy: '' });
      await db.updateTable('pool_users').set({ vote_bits: 9 }).where('id', '=', owner).execute();
      const page2 = await allVotablePoolTickets(db, { afterHash: order[2]!, limit: 3 });
      assert.deepEqual(
        page2.map((v) => [v.hash, v.voteBits]),
        [
          [order[3], 9],
          [order[5], 9],
        ],
      );
    } finally {
      await t.drop();
    }
  });

  it('rejects a bad page, naming the field', async () => {
    const { db } = get();
    await assert.rejects(
      allVotablePoolTickets(db, { afterHash: 'ABC', limit: 10 }),
      /TypeError: afterHash:/,
    );
    await assert.rejects(
      allVotablePoolTickets(db, { afterHash: '', limit: -1 }),
      /RangeError: limit:/,
    );
    await assert.rejects(
      allVotablePoolTickets(db, { afterHash: '', limit: 10_001 }),
      /RangeError: limit:/,
    );
    await assert.rejects(
      allVotablePoolTickets(db, { afterHash: '', limit: 1.5 }),
      /RangeError: limit:/,
    );
  });

  if (engine === 'sqlite') {
    it('walks the primary key in order: no sort, whatever the statistics (query plan)', async () => {
      const t = await createTestDatabase(engine);
      const queries: { sql: string; parameters: readonly unknown[] }[] = [];
      const logged = createDatabase({
        ...t.config,
        log: (e) => {
          if (e.level === 'query') queries.push(e.query);
        },
      });
      try {
        const { db } = t;
        const owner = await addUser(db, 6, true);
        const many = Array.from({ length: 2000 }, (_, i) => newTicket(owner, i, 'ok'));
        await insertPoolTickets(db, many);
        // Most tickets long spent, as in a pool with years of history.
        await db
          .updateTable('pool_tickets')
          .set({ outcome: 'voted', outcome_height: 5000 })
          .where('purchase_height', '<', 1800)
          .execute();
        for (const analyzed of [false, true]) {
          if (analyzed) await sql`analyze`.execute(db);
          queries.length = 0;
          await allVotablePoolTickets(logged.db, { afterHash: many[0]!.hash, limit: 100 });
          const q = queries[0]!;
          const plan = (
            t.database.sqlite!.prepare(`explain query plan ${q.sql}`).all(q.parameters) as {
              detail: string;
            }[]
          )
            .map((r) => r.detail)
            .join(' | ');
          assert.match(
            plan,
            /SEARCH t USING INDEX sqlite_autoindex_pool_tickets_1 \(hash>\?\)/,
            plan,
          );
          assert.doesNotMatch(plan, /TEMP B-TREE/, plan);
          assert.doesNotMatch(plan, /pool_tickets_outcome_idx/, plan);
        }
      } finally {
        await logged.close();
        await t.drop();
      }
    });
  }
});
