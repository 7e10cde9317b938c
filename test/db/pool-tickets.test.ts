import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { createDatabase } from '../../src/db/database.ts';
import { addLowFeeTickets } from '../../src/db/pool-low-fee-tickets.ts';
import {
  clearPoolOutcomesFrom,
  countPoolUserTickets,
  deletePoolTicketsFrom,
  getPoolTicket,
  getPoolTickets,
  insertPoolTickets,
  listPoolUserTickets,
  POOL_TICKET_GROUPS,
  poolTicketCounts,
  setPoolTicketOutcome,
  votablePoolTickets,
} from '../../src/db/pool-tickets.ts';
import type {
  NewPoolTicket,
  PoolFeeStatus,
  PoolOutcome,
  PoolTicket,
  PoolTicketGroup,
} from '../../src/db/pool-tickets.ts';
import { createPoolUser, setPoolUserMultisig } from '../../src/db/pool-users.ts';
import type { Db } from '../../src/db/transaction.ts';
import { createTestDatabase, describeEachEngine, newHash } from './engines.ts';

const TICKET_HEX = '01000000' + 'ab'.repeat(150);
const MATURITY = 16;

function newTicket(
  userId: number,
  purchaseHeight: number,
  overrides: Partial<NewPoolTicket> = {},
): NewPoolTicket {
  return {
    hash: newHash(),
    userId,
    ticketAddress: `TcPool${userId}`,
    purchaseHeight,
    purchaseBlock: newHash(),
    price: 12_345_678_901n,
    feePaid: 55_968_924n,
    feeRequired: 55_968_924n,
    feeStatus: 'ok',
    ticketHex: TICKET_HEX,
    ...overrides,
  };
}

function stored(t: NewPoolTicket, extra: Partial<PoolTicket> = {}): PoolTicket {
  return { ...t, outcome: '', outcomeHeight: 0, spentBy: '', lowFeeAdded: false, ...extra };
}

/** The rule the SQL implements, written out plainly. */
function groupOf(t: PoolTicket, tipHeight: number, maturity: number): PoolTicketGroup {
  if (t.feeStatus !== 'ok' && !t.lowFeeAdded) return 'invalid';
  if (t.outcome !== '') return t.outcome;
  return tipHeight < t.purchaseHeight + maturity + 1 ? 'immature' : 'live';
}

function newestFirst(a: PoolTicket, b: PoolTicket): number {
  return b.purchaseHeight - a.purchaseHeight || (a.hash < b.hash ? 1 : a.hash > b.hash ? -1 : 0);
}

function modelCounts(tickets: readonly PoolTicket[], tipHeight: number, maturity: number) {
  const counts = Object.fromEntries(POOL_TICKET_GROUPS.map((g) => [g, 0])) as Record<
    PoolTicketGroup,
    number
  >;
  for (const t of tickets) counts[groupOf(t, tipHeight, maturity)] += 1;
  return counts;
}

async function addUser(db: Db, email: string): Promise<number> {
  const user = await createPoolUser(db, {
    email,
    passwordHash: 'x',
    emailVerified: 1,
    voteBits: 1,
    voteBitsVersion: 10,
  });
  assert.ok(user);
  return user.id;
}

/** A deterministic stream of numbers in [0, n) (no Math.random: failures must replay). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s % n;
  };
}

describeEachEngine('pool tickets', (get, engine) => {
  it('stores tickets and reads them back exactly', async () => {
    const { db } = get();
    const t = newTicket(1, 812_345, {
      price: 2n ** 60n + 7n,
      feePaid: 0n,
      feeRequired: 9_007_199_254_740_993n,
      feeStatus: 'low',
    });
    assert.equal(await insertPoolTickets(db, [t]), 1);
    const got = await getPoolTicket(db, t.hash);
    assert.deepEqual(got, stored(t));
    assert.equal(typeof got?.price, 'bigint');
    assert.equal(await getPoolTicket(db, newHash()), undefined);
  });

  it('inserts idempotently: stored hashes are left as they are', async () => {
    const { db } = get();
    const a = newTicket(1, 100);
    const b = newTicket(1, 101);
    assert.equal(await insertPoolTickets(db, [a, b]), 2);
    const c = newTicket(1, 102);
    const changedA = { ...a, feeStatus: 'low' as const, purchaseHeight: 999 };
    assert.equal(await insertPoolTickets(db, [changedA, b, c, c]), 1);
    assert.deepEqual(await getPoolTicket(db, a.hash), stored(a));
    assert.deepEqual(await getPoolTicket(db, c.hash), stored(c));
    assert.equal(await insertPoolTickets(db, []), 0);
  });

  it('adds each ticket once when two scanners insert the same block at once', async () => {
    const { db } = get();
    const block = Array.from({ length: 20 }, () => newTicket(1, 7_000));
    const [a, b, c] = await Promise.all([
      insertPoolTickets(db, block),
      insertPoolTickets(db, block.slice(5)),
      insertPoolTickets(db, [...block].reverse()),
    ]);
    assert.equal(a + b + c, 20);
    assert.equal(
      (
        await getPoolTickets(
          db,
          block.map((x) => x.hash),
        )
      ).length,
      20,
    );
  });

  it('adds only the new tickets when another scanner commits the same ones meanwhile', async () => {
    const { db } = get();
    const [x, y] = [newTicket(1, 7_100), newTicket(1, 7_100)];
    let other: Promise<number> | undefined;
    await db.transaction().execute(async (trx) => {
      assert.equal(await insertPoolTickets(trx, [x]), 1);
      // This insert cannot see x yet, so it tries both and waits for our row lock.
      other = insertPoolTickets(db, [x, y]);
      if (engine === 'mysql') {
        // Wait until it is blocked in its INSERT (the processlist shows our own user's threads).
        for (let waiting = 0; waiting === 0;) {
          const r = await sql<{ n: unknown }>`select count(*) as n
            from information_schema.processlist
            where db = database() and info like 'insert into \`pool_tickets\`%'`.execute(db);
          waiting = Number(r.rows[0]?.n);
        }
      }
    });
    assert.equal(await other, 1);
    assert.equal((await getPoolTickets(db, [x.hash, y.hash])).length, 2);
  });

  it('validates tickets, naming the field, and stores none of a bad batch', async () => {
    const { db } = get();
    const good = newTicket(1, 100);
    const bad: [Partial<NewPoolTicket>, RegExp][] = [
      [{ hash: 'abc' }, /TypeError: hash:/],
      [{ hash: newHash().toUpperCase() }, /TypeError: hash:/],
      [{ purchaseBlock: '' }, /TypeError: purchaseBlock:/],
      [{ userId: 0 }, /RangeError: userId:/],
      [{ purchaseHeight: -1 }, /RangeError: purchaseHeight:/],
      [{ price: -1n }, /RangeError: price:/],
      [{ feePaid: 5 as unknown as bigint }, /RangeError: feePaid:/],
      [{ feeStatus: 'bad' as PoolFeeStatus }, /TypeError: feeStatus:/],
      [{ ticketHex: 'ABCD' }, /TypeError: ticketHex:/],
      [{ ticketHex: 'abc' }, /TypeError: ticketHex:/],
      [{ ticketAddress: '' }, /TypeError: ticketAddress:/],
    ];
    for (const [overrides, message] of bad) {
      await assert.rejects(insertPoolTickets(db, [good, newTicket(1, 100, overrides)]), message);
    }
    assert.equal(await getPoolTicket(db, good.hash), undefined);
  });

  it('reads many tickets at once, by purchase height then hash, skipping unknown ones', async () => {
    const { db } = get();
    const tickets = Array.from({ length: 450 }, (_, i) => newTicket(2, 50_000 + (i % 37)));
    assert.equal(await insertPoolTickets(db, tickets), 450);
    const wanted = [...tickets.map((t) => t.hash), newHash()].reverse();
    const got = await getPoolTickets(db, wanted);
    const expected = tickets
      .map((t) => stored(t))
      .sort((a, b) => -newestFirst(a, b))
      .map((t) => t.hash);
    assert.deepEqual(
      got.map((t) => t.hash),
      expected,
    );
    assert.deepEqual(await getPoolTickets(db, []), []);
  });

  it('records outcomes, and rewinds outcomes and purchases for a reorg', async () => {
    const t = await createTestDatabase(engine);
    try {
      const { db } = t;
      const early = newTicket(1, 100);
      const mid = newTicket(1, 110);
      const late = newTicket(1, 120);
      await insertPoolTickets(db, [early, mid, late]);
      const vote = newHash();
      const revoke = newHash();
      const o1 = { outcome: 'voted' as const, height: 130, spentBy: vote };
      assert.equal(await setPoolTicketOutcome(db, early.hash, o1), true);
      const o2 = { outcome: 'revoked' as const, height: 140, spentBy: revoke };
      assert.equal(await setPoolTicketOutcome(db, mid.hash, o2), true);
      assert.equal(await setPoolTicketOutcome(db, newHash(), o1), false);
      assert.deepEqual(
        await getPoolTicket(db, early.hash),
        stored(early, { outcome: 'voted', outcomeHeight: 130, spentBy: vote }),
      );
      await assert.rejects(
        setPoolTicketOutcome(db, late.hash, {
          outcome: 'won' as PoolOutcome,
          height: 1,
          spentBy: '',
        }),
        /TypeError: outcome:/,
      );
      await assert.rejects(
        setPoolTicketOutcome(db, late.hash, { outcome: 'voted', height: 1, spentBy: 'x' }),
        /TypeError: spentBy:/,
      );

      // Blocks from 140 on are replaced: the revocation goes, the vote at 130 stays.
      assert.equal(await clearPoolOutcomesFrom(db, 140), 1);
      assert.deepEqual(await getPoolTicket(db, mid.hash), stored(mid));
      assert.equal((await getPoolTicket(db, early.hash))?.outcome, 'voted');
      assert.equal(await clearPoolOutcomesFrom(db, 140), 0);

      // Blocks from 110 on: the purchases at 110 and 120 go.
      assert.equal(await deletePoolTicketsFrom(db, 110), 2);
      assert.deepEqual(
        (await getPoolTickets(db, [early.hash, mid.hash, late.hash])).map((x) => x.hash),
        [early.hash],
      );
      assert.equal(await deletePoolTicketsFrom(db, 110), 0);
    } finally {
      await t.drop();
    }
  });

  it('offers for voting only unspent tickets with an ok fee or added by an admin', async () => {
    const t = await createTestDatabase(engine);
    try {
      const { db } = t;
      const owner = await addUser(db, 'owner@example.org');
      const script = `5121${'02'.padEnd(66, 'c')}21${'03'.padEnd(66, 'd')}52ae`;
      await setPoolUserMultisig(db, owner, {
        address: 'TcOwner',
        script,
        poolPubKeyAddr: 'TkPool',
        userPubKeyAddr: 'TkUser',
        feeAddress: 'TsFee',
        heightRegistered: 10,
      });
      await db
        .updateTable('pool_users')
        .set({ vote_bits: 5, vote_bits_version: 11 })
        .where('id', '=', owner)
        .execute();
      const noScript = await addUser(db, 'noscript@example.org');
      const ok = newTicket(owner, 200);
      const low = newTicket(owner, 200, { feeStatus: 'low' });
      const lowAdded = newTicket(owner, 201, { feeStatus: 'low' });
      const addressAdded = newTicket(owner, 201, { feeStatus: 'address' });
      const voted = newTicket(owner, 202);
      const orphan = newTicket(noScript, 203);
      await insertPoolTickets(db, [ok, low, lowAdded, addressAdded, voted, orphan]);
      assert.equal(await addLowFeeTickets(db, [lowAdded.hash, addressAdded.hash], owner), 2);
      await setPoolTicketOutcome(db, voted.hash, {
        outcome: 'voted',
        height: 300,
        spentBy: newHash(),
      });
      const all = [ok, low, lowAdded, addressAdded, voted, orphan].map((x) => x.hash);
      const votable = await votablePoolTickets(db, [...all, newHash()]);
      assert.deepEqual(
        votable.map((v) => v.hash).sort(),
        [ok.hash, lowAdded.hash, addressAdded.hash].sort(),
      );
      assert.deepEqual(
        votable.find((v) => v.hash === ok.hash),
        {
          hash: ok.hash,
          userId: owner,
          ticketHex: TICKET_HEX,
          redeemScript: script,
          voteBits: 5,
          voteBitsVersion: 11,
        },
      );
      assert.deepEqual(await votablePoolTickets(db, []), []);
    } finally {
      await t.drop();
    }
  });

  it('puts each ticket in one group, at the exact immature/live boundary', async () => {
    const t = await createTestDatabase(engine);
    try {
      const { db } = t;
      const tip = 1000;
      const spend = (outcome: PoolOutcome) => ({ outcome, height: 999, spentBy: newHash() });
      const at = (h: number, s: PoolFeeStatus = 'ok') => newTicket(1, h, { feeStatus: s });
      const young = at(tip - MATURITY); // tip < purchase + maturity + 1
      const ripe = at(tip - MATURITY - 1); // tip = purchase + maturity + 1
      const lowIgnored = at(990, 'low');
      const lowAddedOld = at(900, 'low');
      const lowAddedYoung = at(995, 'low');
      const addressVoted = at(800, 'address');
      const lowAddedVoted = at(801, 'low');
      const lowAddedThenSpent = at(802, 'low');
      const voted = at(700);
      const missed = at(701);
      const expired = at(702);
      const revoked = at(703);
      const otherUser = newTicket(2, 500);
      const mine = [
        young,
        ripe,
        lowIgnored,
        lowAddedOld,
        lowAddedYoung,
        addressVoted,
        lowAddedVoted,
        lowAddedThenSpent,
        voted,
        missed,
        expired,
        revoked,
      ];
      await insertPoolTickets(db, [...mine, otherUser]);
      assert.equal(
        await addLowFeeTickets(
          db,
          [lowAddedOld.hash, lowAddedYoung.hash, lowAddedVoted.hash, lowAddedThenSpent.hash],
          1,
        ),
        4,
      );
      await setPoolTicketOutcome(db, addressVoted.hash, spend('voted'));
      await setPoolTicketOutcome(db, lowAddedVoted.hash, spend('voted'));
      await setPoolTicketOutcome(db, lowAddedThenSpent.hash, spend('missed'));
      await setPoolTicketOutcome(db, voted.hash, spend('voted'));
      await setPoolTicketOutcome(db, missed.hash, spend('missed'));
      await setPoolTicketOutcome(db, expired.hash, spend('expired'));
      await setPoolTicketOutcome(db, revoked.hash, spend('revoked'));

      const view = { tipHeight: tip, maturity: MATURITY };
      const list = async (group: PoolTicketGroup, tipHeight = tip) =>
        (
          await listPoolUserTickets(db, 1, {
            group,
            tipHeight,
            maturity: MATURITY,
            limit: 100,
            offset: 0,
          })
        ).map((x) => x.hash);
      assert.deepEqual(await list('immature'), [lowAddedYoung.hash, young.hash]);
      assert.deepEqual(await list('live'), [ripe.hash, lowAddedOld.hash]);
      assert.deepEqual(await list('voted'), [lowAddedVoted.hash, voted.hash]);
      assert.deepEqual(await list('missed'), [lowAddedThenSpent.hash, missed.hash]);
      assert.deepEqual(await list('expired'), [expired.hash]);
      assert.deepEqual(await list('revoked'), [revoked.hash]);
      assert.deepEqual(await list('invalid'), [lowIgnored.hash, addressVoted.hash]);
      assert.deepEqual(await countPoolUserTickets(db, 1, view), {
        immature: 2,
        live: 2,
        voted: 2,
        missed: 2,
        expired: 1,
        revoked: 1,
        invalid: 2,
      });
      assert.deepEqual(await poolTicketCounts(db, view), {
        immature: 2,
        live: 3,
        voted: 2,
        missed: 2,
        expired: 1,
        revoked: 1,
        invalid: 2,
      });
      // One block later the young ticket is live; the admin-added young one is still immature.
      assert.deepEqual(await list('immature', tip + 1), [lowAddedYoung.hash]);
      assert.deepEqual(await list('live', tip + 1), [young.hash, ripe.hash, lowAddedOld.hash]);
      // Each ticket reads back with its admin-added flag.
      const page = await listPoolUserTickets(db, 1, {
        ...view,
        group: 'live',
        limit: 5,
        offset: 0,
      });
      assert.deepEqual(
        page.map((x) => x.lowFeeAdded),
        [false, true],
      );
      assert.deepEqual(page[0], stored(ripe));
      // A user with no tickets, and an empty page.
      assert.deepEqual(await countPoolUserTickets(db, 3, view), modelCounts([], tip, MATURITY));
      assert.deepEqual(
        await listPoolUserTickets(db, 1, { ...view, group: 'voted', limit: 0, offset: 0 }),
        [],
      );
    } finally {
      await t.drop();
    }
  });

  it('agrees with the plain rule on generated tickets: counts, order and pages', async () => {
    const t = await createTestDatabase(engine);
    try {
      const { db } = t;
      const next = lcg(20_250_601);
      const statuses: PoolFeeStatus[] = ['ok', 'ok', 'ok', 'low', 'address'];
      const outcomes: PoolOutcome[] = [
        '',
        '',
        '',
        'voted',
        'voted',
        'missed',
        'expired',
        'revoked',
      ];
      const model: PoolTicket[] = [];
      for (let i = 0; i < 240; i++) {
        // Few distinct heights, so ties are broken by hash.
        const n = newTicket(1 + next(3), 300 + next(60), { feeStatus: statuses[next(5)]! });
        const outcome = outcomes[next(outcomes.length)]!;
        const added = n.feeStatus !== 'ok' && next(2) === 0;
        model.push(
          stored(n, {
            outcome,
            outcomeHeight: outcome === '' ? 0 : 400,
            spentBy: outcome === '' ? '' : newHash(),
            lowFeeAdded: added,
          }),
        );
      }
      await insertPoolTickets(db, model);
      // Admins add before the outcome is known (only ignored tickets can be added).
      const toAdd = model.filter((m) => m.lowFeeAdded).map((m) => m.hash);
      assert.equal(await addLowFeeTickets(db, toAdd, 99), toAdd.length);
      for (const m of model) {
        if (m.outcome === '') continue;
        await setPoolTicketOutcome(db, m.hash, {
          outcome: m.outcome,
          height: m.outcomeHeight,
          spentBy: m.spentBy,
        });
      }

      for (const tip of [300, 315, 316, 340, 375, 376, 500]) {
        const view = { tipHeight: tip, maturity: MATURITY };
        assert.deepEqual(await poolTicketCounts(db, view), modelCounts(model, tip, MATURITY));
        for (const user of [1, 2, 3]) {
          const theirs = model.filter((m) => m.userId === user);
          assert.deepEqual(
            await countPoolUserTickets(db, user, view),
            modelCounts(theirs, tip, MATURITY),
            `counts of user ${user} at tip ${tip}`,
          );
          for (const group of POOL_TICKET_GROUPS) {
            const expected = theirs
              .filter((m) => groupOf(m, tip, MATURITY) === group)
              .sort(newestFirst);
            const got = await listPoolUserTickets(db, user, {
              ...view,
              group,
              limit: 500,
              offset: 0,
            });
            assert.deepEqual(got, expected, `${group} of user ${user} at tip ${tip}`);
          }
        }
      }

      // Pages of 7 put back together give the whole list; past the end is empty.
      const view = { tipHeight: 340, maturity: MATURITY };
      for (const group of POOL_TICKET_GROUPS) {
        const whole = await listPoolUserTickets(db, 2, { ...view, group, limit: 500, offset: 0 });
        const pages: PoolTicket[] = [];
        for (let offset = 0; offset < whole.length; offset += 7) {
          const page = await listPoolUserTickets(db, 2, { ...view, group, limit: 7, offset });
          assert.ok(page.length === 7 || offset + page.length === whole.length);
          pages.push(...page);
        }
        assert.deepEqual(pages, whole, `pages of ${group}`);
        assert.deepEqual(
          await listPoolUserTickets(db, 2, { ...view, group, limit: 7, offset: whole.length }),
          [],
        );
      }
    } finally {
      await t.drop();
    }
  });

  it('rejects bad list and count arguments, naming the field', async () => {
    const { db } = get();
    const page = { group: 'live' as const, tipHeight: 10, maturity: 16, limit: 10, offset: 0 };
    const bad: [object, RegExp][] = [
      [{ group: 'won' }, /TypeError: group:/],
      [{ tipHeight: -1 }, /RangeError: tipHeight:/],
      [{ maturity: 1.5 }, /RangeError: maturity:/],
      [{ limit: -1 }, /RangeError: limit:/],
      [{ limit: 10_001 }, /RangeError: limit:/],
      [{ offset: -1 }, /RangeError: offset:/],
    ];
    for (const [overrides, message] of bad) {
      await assert.rejects(listPoolUserTickets(db, 1, { ...page, ...overrides }), message);
    }
    await assert.rejects(
      countPoolUserTickets(db, 1, { tipHeight: -5, maturity: 16 }),
      /RangeError: tipHeight:/,
    );
    await assert.rejects(
      countPoolUserTickets(db, -1, { tipHeight: 5, maturity: 16 }),
      /RangeError: userId:/,
    );
  });

  if (engine === 'sqlite') {
    it('pages from the (user_id, purchase_height) index and counts from the (user_id, outcome) one, alone (query plan)', async () => {
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
        const next = lcg(7);
        const many = Array.from({ length: 3000 }, (_, i) =>
          newTicket(1 + (i % 10 === 0 ? 1 : 0), 1000 + Math.floor(i / 5), {
            feeStatus: next(50) === 0 ? 'low' : 'ok',
          }),
        );
        await insertPoolTickets(db, many);
        await db
          .updateTable('pool_tickets')
          .set({ outcome: 'voted', outcome_height: 2000 })
          .where('purchase_height', '<', 1400)
          .execute();
        await addLowFeeTickets(db, [many.find((m) => m.feeStatus === 'low')!.hash], 1);
        const view = { tipHeight: 1600, maturity: 256 };
        const plan = (q: { sql: string; parameters: readonly unknown[] }) =>
          (
            t.database.sqlite!.prepare(`explain query plan ${q.sql}`).all(q.parameters) as {
              detail: string;
            }[]
          )
            .map((r) => r.detail)
            .join(' | ');
        // With and without planner statistics, as a fresh and an ANALYZEd database differ.
        for (const analyzed of [false, true]) {
          if (analyzed) await sql`analyze`.execute(db);
          for (const group of POOL_TICKET_GROUPS) {
            queries.length = 0;
            await listPoolUserTickets(logged.db, 1, { ...view, group, limit: 25, offset: 0 });
            const pick = plan(queries[0]!);
            assert.match(
              pick,
              /USING COVERING INDEX pool_tickets_user_height_idx \(user_id=\?/,
              `${group}: ${pick}`,
            );
            assert.doesNotMatch(pick, /TEMP B-TREE/, `${group} needs no sort: ${pick}`);
          }
          queries.length = 0;
          await countPoolUserTickets(logged.db, 1, view);
          const count = plan(queries[0]!);
          // Migration 003's index: grouped in index order, no temporary tree.
          assert.match(
            count,
            /USING COVERING INDEX pool_tickets_user_group_idx \(user_id=\?\)/,
            count,
          );
          assert.doesNotMatch(count, /TEMP B-TREE/, `the count needs no sort: ${count}`);
        }
      } finally {
        await logged.close();
        await t.drop();
      }
    });
  }
});
