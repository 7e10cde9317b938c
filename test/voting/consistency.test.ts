import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { checkWalletConsistency, WalletConsistency } from '../../src/voting/consistency.ts';
import type { ConsistencyDcrd } from '../../src/voting/consistency.ts';
import { VspVotingWallets } from '../../src/voting/vsp-wallets.ts';
import { RpcConnectionError } from '../../src/rpc/errors.ts';
import type { Db } from '../../src/db/transaction.ts';
import type { FakeWallet } from '../chain/fakes.ts';
import {
  callsOf,
  fakeWallet,
  memoryDb,
  newHash,
  noTxInfo,
  recordingLog,
  storeTicket,
  ticket,
} from '../chain/fakes.ts';

const TSPEND = 'cc'.repeat(32);
const KEY = '03' + 'dd'.repeat(32);

async function setup(t: TestContext, walletCount = 2) {
  const { db, close } = await memoryDb();
  t.after(close);
  const mined = new Map<string, { hex: string; blockhash: string; blockheight: number }>();
  const failing = new Set<string>();
  const dcrd: ConsistencyDcrd = {
    getRawTransactionVerbose(id) {
      if (failing.has(id)) return Promise.reject(new RpcConnectionError('dcrd: not connected'));
      const tx = mined.get(id);
      return tx === undefined ? Promise.reject(noTxInfo()) : Promise.resolve(tx);
    },
  };
  const wallets: FakeWallet[] = [];
  for (let i = 1; i <= walletCount; i++) wallets.push(fakeWallet(`w${i}`));
  const log = recordingLog();
  const deps = { db, dcrd, wallets: new VspVotingWallets(wallets), log };
  return { db, mined, failing, wallets, deps, log };
}

/** A votable ticket (fee confirmed, no outcome) mined at `height`. */
async function votable(
  s: Awaited<ReturnType<typeof setup>>,
  height: number,
  extra: Parameters<typeof storeTicket>[1] = {},
) {
  const t = await storeTicket(s.db, {
    confirmed: true,
    purchaseHeight: height,
    feeTxStatus: 'confirmed',
    feeTxHash: newHash(),
    votingWif: 'PsWif',
    ...extra,
  });
  s.mined.set(t.hash, { hex: `hex-${t.hash}`, blockhash: newHash(), blockheight: height });
  return t;
}

function knows(w: FakeWallet, hash: string, choices: Record<string, string> = {}): void {
  w.tickets.set(hash, {
    hash,
    choices: Object.entries(choices).map(([agendaid, choiceid]) => ({ agendaid, choiceid })),
  });
}

describe('checkWalletConsistency', () => {
  it('does nothing without votable tickets', async (t) => {
    const s = await setup(t);
    await storeTicket(s.db, { confirmed: true, purchaseHeight: 10 }); // fee not paid
    const r = await checkWalletConsistency(s.deps);
    assert.equal(r.tickets, 0);
    assert.deepEqual(s.wallets[0]!.calls, []);
  });

  it('adds the tickets a wallet lacks, then rescans it from the lowest of their heights', async (t) => {
    const s = await setup(t);
    const [w1, w2] = s.wallets as [FakeWallet, FakeWallet];
    const a = await votable(s, 120, { voteChoices: { treasury: 'yes' } });
    const b = await votable(s, 110);
    const c = await votable(s, 130);
    await storeTicket(s.db, {
      confirmed: true,
      purchaseHeight: 100,
      feeTxStatus: 'confirmed',
      outcome: 'voted',
    });
    knows(w1, a.hash, { treasury: 'yes' });
    knows(w1, b.hash);
    knows(w1, c.hash);
    knows(w2, a.hash, { treasury: 'yes' });
    const r = await checkWalletConsistency(s.deps);
    assert.deepEqual(callsOf(w1, 'ticketInfo'), [[110]]);
    assert.deepEqual(
      w1.calls.map((x) => x.method),
      ['ticketInfo'],
    );
    const r2 = r.wallets.find((x) => x.wallet === 'w2')!;
    assert.deepEqual(r2.missing.sort(), [b.hash, c.hash].sort());
    assert.deepEqual(r2.added.sort(), [b.hash, c.hash].sort());
    assert.equal(r2.rescanFrom, 110);
    assert.deepEqual(callsOf(w2, 'importPrivKey'), [
      ['PsWif', 'imported', false, 0],
      ['PsWif', 'imported', false, 0],
    ]);
    assert.deepEqual(callsOf(w2, 'addTransaction')[0], [
      s.mined.get(b.hash)!.blockhash,
      `hex-${b.hash}`,
    ]);
    assert.deepEqual(callsOf(w2, 'rescanWallet'), [[110]]);
  });

  it('sets again only the choices and policies that differ', async (t) => {
    const s = await setup(t, 1);
    const w = s.wallets[0]!;
    const a = await votable(s, 120, {
      voteChoices: { treasury: 'yes', maxblocksize: 'no' },
      tspendPolicy: { [TSPEND]: 'yes', ['ee'.repeat(32)]: 'abstain' },
      treasuryPolicy: { [KEY]: 'no' },
    });
    const ok = await votable(s, 121, {
      voteChoices: { treasury: 'no' },
      treasuryPolicy: { [KEY]: 'abstain' },
    });
    knows(w, a.hash, { treasury: 'yes', maxblocksize: 'yes' });
    knows(w, ok.hash, { treasury: 'no' });
    const r = await checkWalletConsistency(s.deps);
    assert.deepEqual(callsOf(w, 'setVoteChoice'), [['maxblocksize', 'no', a.hash]]);
    assert.deepEqual(callsOf(w, 'setTSpendPolicy'), [[TSPEND, 'yes', a.hash]]);
    assert.deepEqual(callsOf(w, 'setTreasuryPolicy'), [[KEY, 'no', a.hash]]);
    // An abstain tspend policy is not asked about: the wallet's answer falls back to its globals.
    assert.deepEqual(callsOf(w, 'tspendPolicy'), [[TSPEND, a.hash]]);
    assert.deepEqual(r.wallets[0]!.choicesFixed, [a.hash]);
    assert.deepEqual(r.wallets[0]!.policiesFixed, [a.hash]);
    // Now consistent: a second check changes nothing.
    w.calls.length = 0;
    knows(w, a.hash, { treasury: 'yes', maxblocksize: 'no' });
    await checkWalletConsistency(s.deps);
    assert.deepEqual(
      w.calls.filter((c) => c.method.startsWith('set')),
      [],
    );
  });

  it('drops an agenda the wallets do not know from the stored choices', async (t) => {
    const s = await setup(t, 1);
    const w = s.wallets[0]!;
    const a = await votable(s, 120, { voteChoices: { treasury: 'yes', retired: 'no' } });
    knows(w, a.hash, { treasury: 'yes' });
    w.fail['setVoteChoice'] = () => new Error('no agenda with ID "retired"');
    await checkWalletConsistency(s.deps);
    assert.deepEqual((await ticket(s.db, a.hash)).voteChoices, { treasury: 'yes' });
  });

  it('goes on with the other wallets when one fails, and skips wallets that are down', async (t) => {
    const s = await setup(t, 3);
    const [w1, w2, w3] = s.wallets as [FakeWallet, FakeWallet, FakeWallet];
    const a = await votable(s, 120);
    w1.fail['ticketInfo'] = () => new RpcConnectionError('gone');
    w3.up = false;
    const r = await checkWalletConsistency(s.deps);
    assert.deepEqual(r.skipped, ['w3']);
    assert.match(r.wallets[0]!.error ?? '', /gone/);
    assert.deepEqual(r.wallets[1]!.added, [a.hash]);
    assert.deepEqual(callsOf(w2, 'rescanWallet'), [[120]]);
    assert.deepEqual(w3.calls, []);
  });

  it('does not rescan when no missing ticket could be added', async (t) => {
    const s = await setup(t, 1);
    const w = s.wallets[0]!;
    const a = await votable(s, 120);
    const b = await votable(s, 125);
    s.failing.add(a.hash);
    w.fail['importPrivKey'] = () => new Error('wallet locked');
    const r = await checkWalletConsistency(s.deps);
    assert.deepEqual(r.wallets[0]!.missing.sort(), [a.hash, b.hash].sort());
    assert.deepEqual(r.wallets[0]!.added, []);
    assert.deepEqual(callsOf(w, 'rescanWallet'), []);
    assert.equal(s.log.lines.filter((l) => l.level === 'error').length, 2);
  });

  it('a rescan failure is logged, not thrown', async (t) => {
    const s = await setup(t, 1);
    await votable(s, 120);
    s.wallets[0]!.fail['rescanWallet'] = () => new Error('rescan failed');
    const r = await checkWalletConsistency(s.deps);
    assert.equal(r.wallets[0]!.rescanFrom, 120);
    assert.ok(s.log.lines.some((l) => l.msg === 'rescanwallet failed'));
  });
});

describe('WalletConsistency', () => {
  async function withDb(t: TestContext): Promise<Db> {
    const { db, close } = await memoryDb();
    t.after(close);
    return db;
  }

  it('checks at start and then on its interval, until stopped', async (t) => {
    const db = await withDb(t);
    const w = fakeWallet('w');
    await storeTicket(db, {
      confirmed: true,
      purchaseHeight: 5,
      feeTxStatus: 'confirmed',
      votingWif: 'x',
    });
    const dcrd: ConsistencyDcrd = { getRawTransactionVerbose: () => Promise.reject(noTxInfo()) };
    const c = new WalletConsistency(
      { db, dcrd, wallets: new VspVotingWallets([w]) },
      { intervalMs: 20 },
    );
    c.start();
    await new Promise((r) => setTimeout(r, 90));
    await c.stop();
    const n = callsOf(w, 'ticketInfo').length;
    assert.ok(n >= 3, `${n} checks`);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(callsOf(w, 'ticketInfo').length, n);
    assert.equal(await c.check(), undefined);
  });

  it('a request during a check queues one more, never two at once', async (t) => {
    const db = await withDb(t);
    const w = fakeWallet('w');
    await storeTicket(db, {
      confirmed: true,
      purchaseHeight: 5,
      feeTxStatus: 'confirmed',
      votingWif: 'x',
    });
    let active = 0;
    let max = 0;
    const inner = w.client.ticketInfo.bind(w.client);
    w.client.ticketInfo = async (h) => {
      active++;
      max = Math.max(max, active);
      await new Promise((r) => setTimeout(r, 10));
      active--;
      return inner(h);
    };
    const dcrd: ConsistencyDcrd = { getRawTransactionVerbose: () => Promise.reject(noTxInfo()) };
    const c = new WalletConsistency({ db, dcrd, wallets: new VspVotingWallets([w]) });
    const runs = [c.check(), c.check(), c.check()];
    const reports = await Promise.all(runs);
    assert.equal(callsOf(w, 'ticketInfo').length, 2);
    assert.equal(max, 1);
    assert.equal(reports[0]?.tickets, 1);
    await c.stop();
  });

  it('logs a failed check and resolves undefined', async (t) => {
    const db = await withDb(t);
    const log = recordingLog();
    const c = new WalletConsistency({
      db,
      dcrd: { getRawTransactionVerbose: () => Promise.reject(noTxInfo()) },
      wallets: new VspVotingWallets([]),
      log,
    });
    await db.destroy();
    assert.equal(await c.check(), undefined);
    assert.ok(log.lines.some((l) => l.level === 'error'));
  });
});
