// createVspStore on all three engines: every VspStore method, the exact VspTicket round trip,
// ticketCounts' mapping, and applyVoteChange under concurrency (several pools at once), checked
// against the in-memory store's semantics.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Database } from '../../src/db/database.ts';
import { withTransaction } from '../../src/db/transaction.ts';
import { setFeeXpub } from '../../src/db/vsp-fee-xpubs.ts';
import { insertTicket as insertRow, updateTicket as updateRow } from '../../src/db/vsp-tickets.ts';
import { createVspStore } from '../../src/vsp/db-store.ts';
import { loadOrCreateServerKey, SERVER_KEY_SETTING } from '../../src/vsp/server-key.ts';
import { requestTimestamp } from '../../src/vsp/store.ts';
import type {
  ChoiceMap,
  FeeTxStatus,
  TicketOutcome,
  VoteChangeOutcome,
  VoteChangeRecord,
  VspStore,
  VspTicket,
} from '../../src/vsp/store.ts';
import { describeEachEngine, newHash } from '../db/engines.ts';
import { MemoryStore } from './memory-store.ts';

let feeIndex = 0;
/** A ticket as /feeaddress registers it: every optional field at its unset value. */
function freshTicket(over: Partial<VspTicket> = {}): VspTicket {
  feeIndex += 1;
  return {
    hash: newHash(),
    purchaseHeight: 0,
    commitmentAddress: 'TsWjioPrP8E1TuTMmTrVMM2BA4iPrjQXBpR',
    feeAddressXpubId: 0,
    feeAddressIndex: feeIndex,
    feeAddress: `TsFee${feeIndex}x${newHash().slice(0, 24)}`,
    confirmed: false,
    feeAmount: 1_081_256n,
    feeExpiration: 1_767_229_200,
    feeTxHex: '',
    feeTxHash: '',
    feeTxStatus: 'none',
    votingWif: '',
    outcome: '',
    voteChoices: {},
    tspendPolicy: {},
    treasuryPolicy: {},
    ...over,
  };
}

/** A ticket with every field set to something other than its default. */
function fullTicket(): VspTicket {
  return freshTicket({
    purchaseHeight: 1_234_567,
    feeAddressXpubId: 3,
    confirmed: true,
    // Above 2^53: must survive as an exact bigint on every engine.
    feeAmount: 9_007_199_254_740_993n,
    feeExpiration: 4_102_444_800,
    feeTxHex: '01000000' + 'ab'.repeat(200),
    feeTxHash: 'cd'.repeat(32),
    feeTxStatus: 'broadcast',
    votingWif: 'PtWUpbxAsdaPjLTZ7VMNi9eokxFY4ruRgqmEGDzLG1PagA5zHLyWm',
    voteChoices: { maxtreasuryspend: 'yes', reverttreasurypolicy: 'no' },
    tspendPolicy: { ['ef'.repeat(32)]: 'abstain' },
    treasuryPolicy: { ['02' + '11'.repeat(32)]: 'no', ['03' + '22'.repeat(32)]: 'yes' },
  });
}

function record(timestamp: number | undefined, tag = String(timestamp)): VoteChangeRecord {
  const request = JSON.stringify(
    timestamp === undefined ? { tag } : { timestamp, tickethash: 'x', tag },
  );
  return {
    request,
    requestSignature: `IC${tag}`.padEnd(88, '='),
    response: JSON.stringify({ timestamp: (timestamp ?? 0) + 1, request: btoa(request) }),
    responseSignature: `R${tag}`.padEnd(88, '='),
  };
}

const NO_CHANGE = { voteChoices: {}, tspendPolicy: {}, treasuryPolicy: {} };
const choices = (voteChoices: ChoiceMap) => ({ ...NO_CHANGE, voteChoices });

async function stored(store: VspStore, over: Partial<VspTicket> = {}): Promise<VspTicket> {
  const t = freshTicket(over);
  assert.equal(await store.insertTicket(t), true);
  return t;
}

describeEachEngine('db vsp store: tickets', (get) => {
  const store = () => createVspStore(get().db);

  it('a fully populated ticket reads back field for field, with the right JS types', async () => {
    const s = store();
    const t = fullTicket();
    assert.equal(await s.insertTicket(t), true);
    const got = await s.getTicket(t.hash);
    assert.deepEqual(got, t);
    assert.deepEqual(Object.keys(got).sort(), Object.keys(t).sort(), 'no extra fields');
    assert.equal(typeof got.feeAmount, 'bigint');
    assert.equal(typeof got.feeExpiration, 'number');
    assert.equal(typeof got.purchaseHeight, 'number');
    assert.equal(typeof got.feeAddressIndex, 'number');
    assert.equal(got.confirmed, true);
  });

  it('a fresh ticket keeps its unset strings as "" and false as false', async () => {
    const s = store();
    const t = freshTicket();
    assert.equal(await s.insertTicket(t), true);
    const got = await s.getTicket(t.hash);
    assert.deepEqual(got, t);
    assert.equal(got.confirmed, false);
    assert.equal(got.feeTxHash, '');
    assert.equal(got.votingWif, '');
  });

  it('every outcome and fee status round-trips', async () => {
    const s = store();
    const outcomes: TicketOutcome[] = ['', 'voted', 'missed', 'expired', 'revoked'];
    const statuses: FeeTxStatus[] = ['none', 'received', 'broadcast', 'confirmed', 'error'];
    for (const [i, outcome] of outcomes.entries()) {
      const t = await stored(s, { outcome, feeTxStatus: statuses[i]! });
      assert.deepEqual(await s.getTicket(t.hash), t);
    }
  });

  it('returns undefined for an unknown ticket and copies, not shared objects', async () => {
    const s = store();
    assert.equal(await s.getTicket(newHash()), undefined);
    const t = await stored(s, { voteChoices: { a: 'yes' } });
    const got = await s.getTicket(t.hash);
    got!.voteChoices['a'] = 'no';
    assert.deepEqual((await s.getTicket(t.hash))!.voteChoices, { a: 'yes' });
  });

  it('a second insert of the same hash returns false and changes nothing', async () => {
    const s = store();
    const t = await stored(s);
    const again = { ...fullTicket(), hash: t.hash };
    assert.equal(await s.insertTicket(again), false);
    assert.deepEqual(await s.getTicket(t.hash), t);
  });

  it('concurrent inserts of one new ticket: exactly one wins', async () => {
    const s = store();
    const hash = newHash();
    const wins = await Promise.all(
      Array.from({ length: 6 }, () => s.insertTicket(freshTicket({ hash }))),
    );
    assert.equal(wins.filter(Boolean).length, 1);
  });

  it('a malformed field is refused with an error naming it', async () => {
    const s = store();
    await assert.rejects(s.insertTicket(freshTicket({ hash: 'AB'.repeat(32) })), {
      name: 'TypeError',
      message: /^hash:/,
    });
    await assert.rejects(s.insertTicket(freshTicket({ feeAmount: -1n })), {
      name: 'RangeError',
      message: /^feeAmount:/,
    });
  });

  it('updateTicket writes the patched fields only', async () => {
    const s = store();
    const t = await stored(s);
    const patch = {
      votingWif: 'PtWVDUidYaiiNT5e2Sfb1Ah4evCaSgEGB4HmAB6J8jfA5RbyUM4a1',
      feeTxHex: 'beef',
      feeTxHash: '12'.repeat(32),
      feeTxStatus: 'received' as const,
      voteChoices: { maxtreasuryspend: 'no' },
    };
    assert.equal(await s.updateTicket(t.hash, patch), true);
    assert.deepEqual(await s.getTicket(t.hash), { ...t, ...patch });
    const more = { confirmed: true, purchaseHeight: 77, feeAmount: 5n, feeExpiration: 9 };
    assert.equal(await s.updateTicket(t.hash, more), true);
    assert.deepEqual(await s.getTicket(t.hash), { ...t, ...patch, ...more });
  });

  it('updateTicket never rewrites the fields a patch may not name', async () => {
    const s = store();
    const t = await stored(s);
    const sneaky = { outcome: 'voted', feeAddress: 'TsOther', commitmentAddress: 'TsOther' };
    assert.equal(await s.updateTicket(t.hash, sneaky as { outcome: 'voted' }), true);
    assert.deepEqual(await s.getTicket(t.hash), { ...t, outcome: 'voted' });
  });

  it('updateTicket: unknown ticket false; an unchanged row or an empty patch still true', async () => {
    const s = store();
    assert.equal(await s.updateTicket(newHash(), { confirmed: true }), false);
    const t = await stored(s);
    // MySQL reports "changed" rows unless asked for matched ones: the same values twice.
    assert.equal(await s.updateTicket(t.hash, { purchaseHeight: 5 }), true);
    assert.equal(await s.updateTicket(t.hash, { purchaseHeight: 5 }), true);
    assert.equal(await s.updateTicket(t.hash, {}), true);
  });

  it('updateTicket with onlyIfFeeTxStatus is a compare-and-set', async () => {
    const s = store();
    const t = await stored(s);
    assert.equal(await s.updateTicket(t.hash, { feeTxStatus: 'broadcast' }, ['received']), false);
    assert.equal((await s.getTicket(t.hash))!.feeTxStatus, 'none');
    assert.equal(await s.updateTicket(t.hash, { feeTxStatus: 'received' }, []), false);
    assert.equal(
      await s.updateTicket(t.hash, { feeTxStatus: 'received' }, ['none', 'error']),
      true,
    );
    assert.equal((await s.getTicket(t.hash))!.feeTxStatus, 'received');
  });

  it('concurrent payfee-style compare-and-sets: exactly one wins', async () => {
    const s = store();
    const t = await stored(s);
    const wins = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        s.updateTicket(t.hash, { feeTxStatus: 'received', feeTxHash: i.toString(16).repeat(64) }, [
          'none',
          'error',
        ]),
      ),
    );
    assert.equal(wins.filter(Boolean).length, 1);
    const winner = wins.indexOf(true);
    assert.equal((await s.getTicket(t.hash))!.feeTxHash, winner.toString(16).repeat(64));
  });
});

describeEachEngine('db vsp store: ticketCounts', (get) => {
  it('is all zero on an empty database', async () => {
    const s = createVspStore(get().db);
    assert.deepEqual(await s.ticketCounts(), { voting: 0, voted: 0, expired: 0, missed: 0 });
  });

  it('counts fee-confirmed tickets by outcome, revoked as expired, like the memory store', async () => {
    const s = createVspStore(get().db);
    const memory = new MemoryStore();
    const layout: [FeeTxStatus, TicketOutcome, number][] = [
      ['confirmed', '', 3],
      ['confirmed', 'voted', 2],
      ['confirmed', 'expired', 1],
      ['confirmed', 'revoked', 2],
      ['confirmed', 'missed', 4],
      // Not fee-confirmed: never counted, whatever the outcome.
      ['none', '', 1],
      ['received', '', 1],
      ['broadcast', 'voted', 1],
      ['error', 'missed', 1],
    ];
    for (const [feeTxStatus, outcome, n] of layout) {
      for (let i = 0; i < n; i++) {
        const t = await stored(s, { feeTxStatus, outcome });
        await memory.insertTicket(t);
      }
    }
    const counts = await s.ticketCounts();
    assert.deepEqual(counts, { voting: 3, voted: 2, expired: 3, missed: 4 });
    assert.deepEqual(counts, await memory.ticketCounts());
    for (const v of Object.values(counts)) assert.equal(typeof v, 'number');
  });
});

describeEachEngine('db vsp store: vote change records', (get) => {
  const store = () => createVspStore(get().db);

  it('appends, reads back oldest first with exactly the record fields, and caps', async () => {
    const s = store();
    const t = await stored(s);
    assert.deepEqual(await s.getVoteChanges(t.hash), []);
    for (let i = 1; i <= 5; i++) await s.appendVoteChange(t.hash, record(100 + i), 3);
    const got = await s.getVoteChanges(t.hash);
    assert.deepEqual(got, [record(103), record(104), record(105)]);
    assert.deepEqual(Object.keys(got[0]!).sort(), Object.keys(record(0)).sort());
    assert.deepEqual(await s.getVoteChanges(newHash()), []);
  });

  it('appending for a ticket that is not stored is refused', async () => {
    await assert.rejects(store().appendVoteChange(newHash(), record(1), 10), {
      name: 'RangeError',
      message: /^ticketHash:/,
    });
  });
});

describeEachEngine('db vsp store: applyVoteChange', (get) => {
  const store = () => createVspStore(get().db);

  it("'unknown-ticket' for a ticket that is not stored, writing nothing", async () => {
    const s = store();
    const hash = newHash();
    assert.equal(
      await s.applyVoteChange(hash, choices({ a: 'yes' }), record(5), 10),
      'unknown-ticket',
    );
    assert.deepEqual(await s.getVoteChanges(hash), []);
  });

  it('merges the three maps (adding and overwriting, never removing) and appends the record', async () => {
    const s = store();
    const t = await stored(s, {
      feeTxStatus: 'received',
      voteChoices: { keep: 'yes', flip: 'no' },
      tspendPolicy: { ['aa'.repeat(32)]: 'yes' },
      treasuryPolicy: { k1: 'no' },
    });
    const change = {
      voteChoices: { flip: 'yes', added: 'abstain' },
      tspendPolicy: { ['bb'.repeat(32)]: 'no' },
      treasuryPolicy: { k1: 'yes' },
    };
    assert.equal(await s.applyVoteChange(t.hash, change, record(1000), 10), 'applied');
    assert.deepEqual(await s.getTicket(t.hash), {
      ...t,
      voteChoices: { keep: 'yes', flip: 'yes', added: 'abstain' },
      tspendPolicy: { ['aa'.repeat(32)]: 'yes', ['bb'.repeat(32)]: 'no' },
      treasuryPolicy: { k1: 'yes' },
    });
    assert.deepEqual(await s.getVoteChanges(t.hash), [record(1000)]);
  });

  it("'stale' for a timestamp not strictly above every stored one; nothing changes", async () => {
    const s = store();
    const t = await stored(s, { feeTxStatus: 'received' });
    // A payfee record counts too: its request carries a timestamp.
    await s.appendVoteChange(t.hash, record(2000), 10);
    assert.equal(
      await s.applyVoteChange(t.hash, choices({ a: '1' }), record(2000, 'eq'), 10),
      'stale',
    );
    assert.equal(await s.applyVoteChange(t.hash, choices({ a: '2' }), record(1999), 10), 'stale');
    assert.equal(await s.applyVoteChange(t.hash, choices({ a: '3' }), record(2001), 10), 'applied');
    // Below the newest but above the older one: still stale.
    assert.equal(
      await s.applyVoteChange(t.hash, choices({ a: '4' }), record(2000, 'x'), 10),
      'stale',
    );
    assert.deepEqual((await s.getTicket(t.hash))!.voteChoices, { a: '3' });
    assert.deepEqual(await s.getVoteChanges(t.hash), [record(2000), record(2001)]);
  });

  it('a request without a timestamp counts as 0, as in the memory store', async () => {
    const s = store();
    const t = await stored(s, { feeTxStatus: 'received' });
    assert.equal(
      await s.applyVoteChange(t.hash, choices({ a: '1' }), record(undefined, 'n'), 10),
      'applied',
    );
    assert.equal(
      await s.applyVoteChange(t.hash, choices({ a: '2' }), record(undefined, 'm'), 10),
      'stale',
    );
    assert.equal(await s.applyVoteChange(t.hash, choices({ a: '3' }), record(1), 10), 'applied');
  });

  it('keeps only the newest maxRecords records', async () => {
    const s = store();
    const t = await stored(s, { feeTxStatus: 'received' });
    for (let i = 1; i <= 12; i++) {
      assert.equal(
        await s.applyVoteChange(t.hash, choices({ [`a${i}`]: 'yes' }), record(i), 10),
        'applied',
      );
    }
    const kept = await s.getVoteChanges(t.hash);
    assert.deepEqual(
      kept.map((r) => requestTimestamp(r.request)),
      [3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    );
    // The cap drops records, never merged choices.
    assert.equal(Object.keys((await s.getTicket(t.hash))!.voteChoices).length, 12);
  });

  it('a failing append rolls the merge back (one transaction)', async () => {
    const s = store();
    const t = await stored(s, { feeTxStatus: 'received', voteChoices: { a: 'old' } });
    await assert.rejects(s.applyVoteChange(t.hash, choices({ a: 'new' }), record(7), 0), {
      message: /^max:/,
    });
    assert.deepEqual((await s.getTicket(t.hash))!.voteChoices, { a: 'old' });
    assert.deepEqual(await s.getVoteChanges(t.hash), []);
  });

  it('gives the same outcomes and state as the memory store for a mixed sequence', async () => {
    const s = store();
    const memory = new MemoryStore();
    const t = await stored(s, { feeTxStatus: 'received' });
    await memory.insertTicket(t);
    const steps: [number | undefined, ChoiceMap][] = [
      [50, { a: '1' }],
      [50, { a: '2' }],
      [40, { b: '1' }],
      [51, { a: '3', b: '2' }],
      [undefined, { c: '1' }],
      [60, { c: '2' }],
      [59, { d: '1' }],
      [61, {}],
    ];
    for (const [i, [ts, map]] of steps.entries()) {
      const rec = record(ts, `step${i}`);
      const want = await memory.applyVoteChange(t.hash, choices(map), rec, 4);
      assert.equal(await s.applyVoteChange(t.hash, choices(map), rec, 4), want, `step ${i}`);
    }
    assert.deepEqual(await s.getTicket(t.hash), await memory.getTicket(t.hash));
    assert.deepEqual(await s.getVoteChanges(t.hash), await memory.getVoteChanges(t.hash));
  });
});

describeEachEngine('db vsp store: applyVoteChange races', (get, engine) => {
  // Two pools on PostgreSQL/MySQL: the row lock must hold across connections, not just inside
  // one pool. SQLite gets one connection: better-sqlite3 is synchronous, so a second connection
  // in this process would block the event loop waiting for a lock only this loop can release
  // (other processes are serialised by BEGIN IMMEDIATE, which test/db covers).
  let second: Database | undefined;
  before(() => {
    if (engine !== 'sqlite') second = get().reopen();
  });
  after(async () => {
    await second?.close();
  });
  const stores = (): VspStore[] => [
    createVspStore(get().db),
    createVspStore(second?.db ?? get().db),
  ];

  /** Concurrent applies of (timestamp, key) pairs, alternating between the two pools. */
  async function race(hash: string, timestamps: readonly number[]): Promise<VoteChangeOutcome[]> {
    const [a, b] = stores();
    return Promise.all(
      timestamps.map((ts, i) =>
        (i % 2 === 0 ? a! : b!).applyVoteChange(
          hash,
          choices({ [`k${i}`]: String(ts), last: String(ts) }),
          record(ts, `r${i}`),
          10,
        ),
      ),
    );
  }

  /**
   * What any serial order of the applies must satisfy: the stored records are exactly the
   * applied requests, in strictly increasing timestamp order; the highest timestamp is always
   * applied; every stale request is at or below an applied one; the ticket holds the applied
   * keys only, and `last` is the newest applied value.
   */
  async function checkInvariants(
    s: VspStore,
    hash: string,
    timestamps: readonly number[],
    outcomes: readonly VoteChangeOutcome[],
  ): Promise<number[]> {
    const applied = outcomes.flatMap((o, i) => (o === 'applied' ? [i] : []));
    assert.ok(
      outcomes.every((o) => o === 'applied' || o === 'stale'),
      String(outcomes),
    );
    const recs = await s.getVoteChanges(hash);
    const recTs = recs.map((r) => requestTimestamp(r.request)!);
    assert.equal(recs.length, applied.length, 'one record per applied request, none lost');
    for (let i = 1; i < recTs.length; i++) assert.ok(recTs[i - 1]! < recTs[i]!, String(recTs));
    assert.deepEqual(
      recs.map((r) => r.request).sort(),
      applied.map((i) => record(timestamps[i], `r${i}`).request).sort(),
    );
    const max = Math.max(...timestamps);
    assert.equal(recTs.at(-1), max, 'the newest request always wins');
    for (const [i, o] of outcomes.entries()) {
      if (o === 'stale') assert.ok(timestamps[i]! <= max);
    }
    const t = await s.getTicket(hash);
    const expected: ChoiceMap = { last: String(max) };
    for (const i of applied) expected[`k${i}`] = String(timestamps[i]);
    assert.deepEqual(t!.voteChoices, expected);
    return applied;
  }

  it('10 concurrent applies with increasing timestamps: a consistent serial outcome', async () => {
    const [s] = stores();
    const t = await stored(s!, { feeTxStatus: 'received' });
    const timestamps = Array.from({ length: 10 }, (_, i) => 1_800_000_000 + i);
    const outcomes = await race(t.hash, timestamps);
    const applied = await checkInvariants(s!, t.hash, timestamps, outcomes);
    assert.ok(applied.includes(9));
  });

  it('10 concurrent applies with decreasing timestamps: a consistent serial outcome', async () => {
    const [s] = stores();
    const t = await stored(s!, { feeTxStatus: 'received' });
    const timestamps = Array.from({ length: 10 }, (_, i) => 1_800_000_100 - i);
    const outcomes = await race(t.hash, timestamps);
    await checkInvariants(s!, t.hash, timestamps, outcomes);
  });

  it('10 concurrent applies of one timestamp (a replay burst): exactly one is applied', async () => {
    const [s] = stores();
    const t = await stored(s!, { feeTxStatus: 'received' });
    const timestamps = Array.from({ length: 10 }, () => 1_800_000_500);
    const outcomes = await race(t.hash, timestamps);
    assert.equal(outcomes.filter((o) => o === 'applied').length, 1, String(outcomes));
    await checkInvariants(s!, t.hash, timestamps, outcomes);
  });

  it('applied in order one after another, each of 10 increasing timestamps wins', async () => {
    const [a, b] = stores();
    const t = await stored(a!, { feeTxStatus: 'received' });
    for (let i = 0; i < 10; i++) {
      const s = i % 2 === 0 ? a! : b!;
      const got = await s.applyVoteChange(t.hash, choices({ [`k${i}`]: 'x' }), record(100 + i), 10);
      assert.equal(got, 'applied');
    }
    assert.equal((await a!.getVoteChanges(t.hash)).length, 10);
    assert.equal(Object.keys((await a!.getTicket(t.hash))!.voteChoices).length, 10);
  });

  it('concurrent applies and payfee-style appends keep every record up to the cap', async () => {
    const [a, b] = stores();
    const t = await stored(a!, { feeTxStatus: 'received' });
    const jobs: Promise<unknown>[] = [];
    for (let i = 0; i < 4; i++) jobs.push(b!.appendVoteChange(t.hash, record(10 + i, `p${i}`), 10));
    for (let i = 0; i < 4; i++) {
      jobs.push(
        a!.applyVoteChange(t.hash, choices({ [`k${i}`]: 'x' }), record(1000 + i, `r${i}`), 10),
      );
    }
    const results = await Promise.all(jobs);
    const appliedCount = results.filter((r) => r === 'applied').length;
    assert.ok(appliedCount >= 1);
    assert.equal((await a!.getVoteChanges(t.hash)).length, 4 + appliedCount);
  });

  it('concurrent applies on many tickets do not interfere', async () => {
    const [a, b] = stores();
    const tickets = await Promise.all(
      Array.from({ length: 5 }, () => stored(a!, { feeTxStatus: 'received' })),
    );
    const outcomes = await Promise.all(
      tickets.flatMap((t, j) =>
        [0, 1].map((i) =>
          (i === 0 ? a! : b!).applyVoteChange(
            t.hash,
            choices({ [`k${i}`]: 'x' }),
            record(j * 10 + i),
            10,
          ),
        ),
      ),
    );
    // Different timestamps per ticket, so at least the higher of each pair is applied.
    assert.ok(outcomes.filter((o) => o === 'applied').length >= 5);
    for (const t of tickets) {
      const recs = await a!.getVoteChanges(t.hash);
      assert.ok(recs.length >= 1 && recs.length <= 2);
    }
  });
});

describeEachEngine('db vsp store: alternate sign addresses', (get) => {
  it('stores one per ticket, ever, and reads back exactly the record', async () => {
    const s = createVspStore(get().db);
    const hash = newHash(); // no ticket row needed: setaltsignaddr may come first
    assert.equal(await s.getAltSignAddress(hash), undefined);
    const rec = { ticketHash: hash, address: 'TsfDLrRkk9ciUuwfp2b8PawwnukYD7yAjGd', ...record(3) };
    assert.equal(await s.insertAltSignAddress(rec), true);
    assert.equal(await s.insertAltSignAddress({ ...rec, address: 'TsOther' }), false);
    const got = await s.getAltSignAddress(hash);
    assert.deepEqual(got, rec);
    assert.deepEqual(Object.keys(got).sort(), Object.keys(rec).sort());
  });

  it('concurrent inserts: exactly one wins', async () => {
    const s = createVspStore(get().db);
    const hash = newHash();
    const wins = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        s.insertAltSignAddress({ ticketHash: hash, address: `TsAddr${i}`, ...record(i) }),
      ),
    );
    assert.equal(wins.filter(Boolean).length, 1);
    assert.equal((await s.getAltSignAddress(hash))!.address, `TsAddr${wins.indexOf(true)}`);
  });
});

describeEachEngine('db vsp store: fee address indexes', (get) => {
  it('fails without an active fee xpub', async () => {
    await assert.rejects(createVspStore(get().db).reserveFeeAddressIndex(), /fee xpub/);
  });

  it('hands out 1, 2, 3… on the active key, and starts again at 1 on a new key', async () => {
    const { db } = get();
    const s = createVspStore(db);
    await setFeeXpub(db, 'tpubFirst');
    assert.deepEqual(await s.reserveFeeAddressIndex(), { xpubId: 0, xpub: 'tpubFirst', index: 1 });
    assert.deepEqual(await s.reserveFeeAddressIndex(), { xpubId: 0, xpub: 'tpubFirst', index: 2 });
    await setFeeXpub(db, 'tpubSecond');
    assert.deepEqual(await s.reserveFeeAddressIndex(), { xpubId: 1, xpub: 'tpubSecond', index: 1 });
  });

  it('concurrent reservations are all distinct', async () => {
    const s = createVspStore(get().db);
    const got = await Promise.all(Array.from({ length: 12 }, () => s.reserveFeeAddressIndex()));
    const indexes = got.map((r) => r.index).sort((x, y) => x - y);
    assert.deepEqual(
      indexes,
      Array.from({ length: 12 }, (_, i) => i + 2),
    );
  });
});

describeEachEngine('db vsp store: settings', (get) => {
  it('getSetting / setSettingIfAbsent: first writer wins', async () => {
    const s = createVspStore(get().db);
    assert.equal(await s.getSetting('test.x'), undefined);
    assert.equal(await s.setSettingIfAbsent('test.x', 'one'), 'one');
    assert.equal(await s.setSettingIfAbsent('test.x', 'two'), 'one');
    assert.equal(await s.getSetting('test.x'), 'one');
    const racers = await Promise.all(
      ['a', 'b', 'c', 'd'].map((v) => s.setSettingIfAbsent('test.race', v)),
    );
    assert.equal(new Set(racers).size, 1);
  });

  it('loadOrCreateServerKey keeps one key across loads', async () => {
    const s = createVspStore(get().db);
    const first = await loadOrCreateServerKey(s);
    const second = await loadOrCreateServerKey(s);
    assert.equal(first.publicKeyBase64, second.publicKeyBase64);
    assert.match((await s.getSetting(SERVER_KEY_SETTING))!, /^[0-9a-f]{64}$/);
  });
});

describeEachEngine('db vsp store: inside a transaction', (get) => {
  it('a store built on a transaction joins it, so a rollback undoes its writes', async () => {
    const { db } = get();
    const t = freshTicket();
    await assert.rejects(
      withTransaction(db, async (trx) => {
        const s = createVspStore(trx);
        assert.equal(await s.insertTicket(t), true);
        assert.equal(
          await s.applyVoteChange(t.hash, choices({ a: 'y' }), record(1), 10),
          'applied',
        );
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.equal(await createVspStore(db).getTicket(t.hash), undefined);
  });

  it('reads rows the repositories wrote directly', async () => {
    const { db } = get();
    const t = freshTicket();
    await insertRow(db, t);
    await updateRow(db, t.hash, {
      outcomeHeight: 9,
      spendTxHash: '77'.repeat(32),
      outcome: 'voted',
    });
    assert.deepEqual(await createVspStore(db).getTicket(t.hash), { ...t, outcome: 'voted' });
  });
});
