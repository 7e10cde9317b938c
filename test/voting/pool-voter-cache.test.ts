// The voter with its cache: a database that fails (faked at the narrow interface, and a real
// SQLite database closed or unreadable) costs no votes.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JobLog } from '../../src/chain/log.ts';
import { deferredDatabase } from '../../src/cli/deferred-database.ts';
import { hashToDisplay, toHex } from '../../src/dcr/bytes.ts';
import { netParams } from '../../src/dcr/params.ts';
import { sigScriptPushes, verifyInputSignature } from '../../src/dcr/sign.ts';
import { voteBits, voteTicketHash } from '../../src/dcr/stake.ts';
import { decodeTx, txid } from '../../src/dcr/tx.ts';
import { createDatabase } from '../../src/db/database.ts';
import type { Database } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import {
  allVotablePoolTickets,
  insertPoolTickets,
  votablePoolTickets,
} from '../../src/db/pool-tickets.ts';
import type { VotablePage } from '../../src/db/pool-tickets.ts';
import { createPoolUser, setPoolUserMultisig } from '../../src/db/pool-users.ts';
import { PoolVotingKey } from '../../src/pool/voting-key.ts';
import type { WinningTickets } from '../../src/rpc/notifications.ts';
import { currentVoteVersion } from '../../src/vsp/agendas.ts';
import { PoolVoter } from '../../src/voting/pool-voter.ts';
import type {
  PoolVoterOptions,
  VotableTicket,
  VotableTicketSource,
} from '../../src/voting/pool-voter.ts';
import { VOTER_CACHE_FILE, VotableCache } from '../../src/voting/votable-cache.ts';
import { poolTicket, userMultisig, votingAccount } from './pool-vote-fixtures.ts';

const net = netParams('simnet');
const VERSION = currentVoteVersion('simnet');
const account = votingAccount(net);
const BLOCK = '00000021a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c';
const HEIGHT = 3000;

function votable(i: number, userId: number, bits = 1): VotableTicket {
  const ms = userMultisig(account.key, userId, net);
  const t = poolTicket({ redeemScript: ms.redeemScript, seed: `cache voter ${i}`, net });
  return {
    hash: t.hash,
    userId,
    ticketHex: t.hex,
    redeemScript: toHex(ms.redeemScript),
    voteBits: bits,
    voteBitsVersion: VERSION,
  };
}

/** dcrd at the voter's interface: takes every vote, remembers them. */
class FakeDcrd extends EventEmitter<{ winningTickets: [WinningTickets] }> {
  readonly sent: string[] = [];
  sendRawTransaction(hex: string): Promise<string> {
    this.sent.push(hex);
    return Promise.resolve(txid(decodeTx(hex)));
  }
  /** ticket hash → vote bits of the votes sent. */
  votes(): Map<string, number> {
    return new Map(
      this.sent.map((hex) => {
        const v = decodeTx(hex);
        return [hashToDisplay(voteTicketHash(v)), voteBits(v).bits];
      }),
    );
  }
}

/** The database side of the voter, failing (or hanging) on demand. */
class Db implements VotableTicketSource {
  calls = 0;
  mode: 'up' | 'down' | 'hang' = 'up';
  constructor(public rows: VotableTicket[]) {}
  votablePoolTickets(hashes: readonly string[]): Promise<VotableTicket[]> {
    this.calls++;
    if (this.mode === 'down')
      return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    if (this.mode === 'hang') return new Promise(() => undefined);
    return Promise.resolve(this.rows.filter((r) => hashes.includes(r.hash)));
  }
  allVotablePoolTickets(page: VotablePage): Promise<VotableTicket[]> {
    if (this.mode !== 'up') return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    const rows = [...this.rows]
      .sort((a, b) => (a.hash < b.hash ? -1 : 1))
      .filter((r) => r.hash > page.afterHash)
      .slice(0, page.limit);
    return Promise.resolve(rows);
  }
}

interface Line {
  level: string;
  obj: Record<string, unknown>;
  msg: string | undefined;
}

function recorder(): { lines: Line[]; log: JobLog } {
  const lines: Line[] = [];
  const at = (level: string) => (obj: object, msg?: string) =>
    lines.push({ level, obj: obj as Record<string, unknown>, msg });
  return {
    lines,
    log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
  };
}

function voter(dcrd: FakeDcrd, tickets: VotableTicketSource, o: Partial<PoolVoterOptions> = {}) {
  return new PoolVoter({
    dcrd,
    tickets,
    keys: new PoolVotingKey(account.key),
    net,
    lookupRetryMs: [1, 1],
    ...o,
  });
}

const winners = (...tickets: string[]): WinningTickets => ({
  blockHash: BLOCK,
  height: HEIGHT,
  tickets,
});
const other = (i: number): string => i.toString(16).padStart(64, 'c');

describe('PoolVoter with a cache', () => {
  it('votes from the cache at the first database failure, with the cached bits', async () => {
    const rows = [votable(1, 4, 0x0005), votable(2, 9), votable(3, 4, 0x0005)];
    const db = new Db(rows);
    const c = { t: 1_760_000_000_000 };
    const cache = new VotableCache({
      source: db,
      network: 'simnet',
      file: undefined,
      now: () => c.t,
    });
    assert.equal(await cache.refresh(), true);
    c.t += 185_000;
    db.mode = 'down';
    const dcrd = new FakeDcrd();
    const { lines, log } = recorder();
    const v = voter(dcrd, db, { fallback: cache, log });
    const s = await v.handle(winners(other(1), rows[0]!.hash, rows[2]!.hash, other(2)));
    assert.deepEqual(
      [s.ours, s.sent, s.failed, s.lookupFailed, s.cacheAgeS],
      [2, 2, 0, false, 185],
    );
    assert.equal(db.calls, 1, 'no retry: the cache answered at once');
    assert.deepEqual(
      [...dcrd.votes()].sort(),
      [
        [rows[0]!.hash, 0x0005],
        [rows[2]!.hash, 0x0005],
      ].sort(),
    );
    // Each cached vote is a real one: the pool key of the ticket's user signs it.
    for (const hex of dcrd.sent) {
      const vote = decodeTx(hex);
      const [sig, script] = sigScriptPushes(vote.inputs[1]!.sigScript)!;
      const poolPub = account.key.neuter().child(0).child(4).publicKey;
      assert.ok(verifyInputSignature(vote, 1, script!, sig!, poolPub));
    }
    const warn = lines.find((l) =>
      l.msg?.startsWith('winning tickets lookup failed; voting from the voter cache'),
    );
    assert.equal(warn?.level, 'warn');
    assert.deepEqual(
      [warn?.obj['cacheAgeS'], warn?.obj['ours'], warn?.obj['err']],
      [185, 2, 'connect ECONNREFUSED 127.0.0.1:5432'],
    );
    assert.equal(lines.find((l) => l.msg === 'winning tickets voted')?.obj['cacheAgeS'], 185);
    assert.equal(v.lastBlock?.cacheAgeS, 185);
  });

  it('prefers the database: fresh bits and tickets, no cache age', async () => {
    const rows = [votable(4, 2)];
    const db = new Db(rows);
    const cache = new VotableCache({ source: db, network: 'simnet', file: undefined });
    await cache.refresh();
    const bought = votable(5, 2, 0x0003); // after the snapshot
    db.rows = [{ ...rows[0]!, voteBits: 0x0003 }, bought];
    const dcrd = new FakeDcrd();
    const s = await voter(dcrd, db, { fallback: cache }).handle(
      winners(rows[0]!.hash, bought.hash),
    );
    assert.deepEqual([s.sent, s.cacheAgeS], [2, undefined]);
    assert.equal('cacheAgeS' in s, false);
    assert.deepEqual(dcrd.votes().get(rows[0]!.hash), 0x0003);

    // The same block from the cache: the ticket bought later is missing, the old bits are used.
    db.mode = 'down';
    const dcrd2 = new FakeDcrd();
    const s2 = await voter(dcrd2, db, { fallback: cache }).handle(
      winners(rows[0]!.hash, bought.hash),
    );
    assert.deepEqual([s2.ours, s2.sent], [1, 1]);
    assert.deepEqual([...dcrd2.votes()], [[rows[0]!.hash, 1]]);
  });

  it('does not wait for a database that hangs, once the cache holds a snapshot', async () => {
    const rows = [votable(6, 3)];
    const db = new Db(rows);
    const cache = new VotableCache({ source: db, network: 'simnet', file: undefined });
    const dcrd = new FakeDcrd();
    const v = voter(dcrd, db, { fallback: cache, lookupTimeoutMs: 20 });
    await cache.refresh();
    db.mode = 'hang';
    const s = await v.handle(winners(rows[0]!.hash));
    assert.deepEqual([s.sent, typeof s.cacheAgeS], [1, 'number']);
  });

  it('without a snapshot yet: retries the database as before, then gives the block up', async () => {
    const db = new Db([votable(7, 1)]);
    db.mode = 'down';
    const cache = new VotableCache({ source: db, network: 'simnet', file: undefined });
    const dcrd = new FakeDcrd();
    const { lines, log } = recorder();
    const s = await voter(dcrd, db, { fallback: cache, log }).handle(winners(db.rows[0]!.hash));
    assert.deepEqual([s.lookupFailed, s.sent, db.calls], [true, 0, 3]);
    assert.ok(
      lines.some((l) => l.msg === 'cannot look up the winning tickets; this block is not voted'),
    );
  });

  it('tells the cache after each block, so it refreshes (at most once a minute)', async () => {
    const db = new Db([votable(8, 1)]);
    const calls: string[] = [];
    const fallback = {
      takenAt: undefined,
      lookup: () => undefined,
      blockHandled: () => void calls.push('block'),
    };
    const dcrd = new FakeDcrd();
    const v = voter(dcrd, db, { fallback });
    await v.handle(winners(other(5)));
    await v.handle(winners(db.rows[0]!.hash));
    assert.deepEqual(calls, ['block', 'block']);

    // With the real cache: the first block refreshes it, the next one within the minute not.
    let reads = 0;
    const c = { t: 0 };
    const cache = new VotableCache({
      source: { allVotablePoolTickets: (p) => (reads++, db.allVotablePoolTickets(p)) },
      network: 'simnet',
      file: undefined,
      now: () => c.t,
    });
    const v2 = voter(new FakeDcrd(), db, { fallback: cache });
    c.t = 100_000;
    await v2.handle(winners(other(6)));
    await cache.refreshIfDue(Number.POSITIVE_INFINITY); // waits for the refresh under way
    c.t += 30_000;
    await v2.handle(winners(other(7)));
    await cache.refreshIfDue(Number.POSITIVE_INFINITY);
    assert.equal(reads, 1);
    assert.equal(cache.snapshot?.size, 1);
  });
});

describe('PoolVoter with a cache on a real SQLite database', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stakepool-voter-cache-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function seed(database: Database): Promise<VotableTicket[]> {
    const db = database.db;
    const out: VotableTicket[] = [];
    for (const [i, bits] of [0x0005, 1].entries()) {
      const u = await createPoolUser(db, {
        email: `cached${i}@example.org`,
        passwordHash: 'scrypt$test',
        emailVerified: 1,
        voteBits: bits,
        voteBitsVersion: VERSION,
      });
      assert.ok(u);
      const ms = userMultisig(account.key, u.id, net);
      await setPoolUserMultisig(db, u.id, {
        address: ms.address,
        script: toHex(ms.redeemScript),
        poolPubKeyAddr: `SkPool${u.id}`,
        userPubKeyAddr: `SkUser${u.id}`,
        feeAddress: `SsFee${u.id}`,
        heightRegistered: 1,
      });
      for (let k = 0; k < 3; k++) {
        const t = poolTicket({ redeemScript: ms.redeemScript, seed: `sqlite ${i} ${k}`, net });
        await insertPoolTickets(db, [
          {
            hash: t.hash,
            userId: u.id,
            ticketAddress: ms.address,
            purchaseHeight: 100 + k,
            purchaseBlock: 'ab'.repeat(32),
            price: t.tx.outputs[0]!.value,
            feePaid: 944_988n,
            feeRequired: 944_988n,
            feeStatus: 'ok',
            ticketHex: t.hex,
          },
        ]);
        out.push({
          hash: t.hash,
          userId: u.id,
          ticketHex: t.hex,
          redeemScript: toHex(ms.redeemScript),
          voteBits: bits,
          voteBitsVersion: VERSION,
        });
      }
    }
    return out;
  }

  it('keeps voting when the database is closed mid-way, and after a restart with it unreadable', async () => {
    const sqlitePath = join(dir, 'pool.db');
    const file = join(dir, 'data', VOTER_CACHE_FILE);
    const database = createDatabase({ engine: 'sqlite', sqlitePath });
    await migrateToLatest(database.db);
    const rows = await seed(database);

    const source = {
      votablePoolTickets: (h: readonly string[]) => votablePoolTickets(database.db, h),
      allVotablePoolTickets: (p: VotablePage) => allVotablePoolTickets(database.db, p),
    };
    const cache = new VotableCache({ source, network: 'simnet', file });
    await cache.start();
    assert.equal(cache.snapshot?.size, 6);
    const dcrd = new FakeDcrd();
    const { lines, log } = recorder();
    const v = voter(dcrd, source, { fallback: cache, log });
    const first = await v.handle(winners(rows[0]!.hash, other(1)));
    assert.deepEqual([first.sent, first.cacheAgeS], [1, undefined]);

    // The database goes away under the running voter.
    await database.close();
    await assert.rejects(votablePoolTickets(database.db, [rows[1]!.hash]));
    const second = await v.handle(winners(rows[1]!.hash, rows[4]!.hash, other(2)));
    assert.deepEqual([second.ours, second.sent, typeof second.cacheAgeS], [2, 2, 'number']);
    const warn = lines.find((l) => l.msg?.startsWith('winning tickets lookup failed; voting from'));
    assert.ok(warn, 'the log says the cache was used');
    await cache.stop();

    // A new voter process: the database file is now garbage, the cache file from the last run.
    await writeFile(sqlitePath, Buffer.alloc(8192, 0x5a));
    const { lines: startLines, log: startLog } = recorder();
    const lazy = deferredDatabase(async () => {
      const d = createDatabase({ engine: 'sqlite', sqlitePath });
      try {
        await migrateToLatest(d.db);
      } catch (err) {
        await d.close();
        throw err;
      }
      return d;
    });
    await assert.rejects(lazy.db(), /not a database/);
    const restarted = new VotableCache({
      source: { allVotablePoolTickets: async (p) => allVotablePoolTickets(await lazy.db(), p) },
      network: 'simnet',
      file,
      log: startLog,
    });
    await restarted.start();
    assert.equal(restarted.snapshot?.size, 6);
    assert.ok(startLines.some((l) => l.msg?.startsWith('voter cache loaded from its file')));
    const dcrd2 = new FakeDcrd();
    const v2 = voter(
      dcrd2,
      { votablePoolTickets: async (h) => votablePoolTickets(await lazy.db(), h) },
      { fallback: restarted },
    );
    const third = await v2.handle(winners(rows[2]!.hash, rows[5]!.hash));
    assert.deepEqual([third.sent, typeof third.cacheAgeS], [2, 'number']);
    assert.deepEqual(
      [...dcrd2.votes()].sort(),
      [
        [rows[2]!.hash, 0x0005],
        [rows[5]!.hash, 1],
      ].sort(),
    );
    await restarted.stop();
    await lazy.close();
  });
});
