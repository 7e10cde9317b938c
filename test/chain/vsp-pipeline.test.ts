import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { getSetting, setLastScannedBlock, setSetting } from '../../src/db/settings.ts';
import { appendVoteChange, voteChanges } from '../../src/db/vsp-vote-changes.ts';
import { getTicket, updateTicket } from '../../src/db/vsp-tickets.ts';
import type { Db } from '../../src/db/transaction.ts';
import {
  broadcastFees,
  confirmFees,
  confirmTickets,
  deleteNeverMinedTickets,
  PipelineRun,
  resolvePipelineOptions,
  scanOutcomes,
  VspPipeline,
} from '../../src/chain/vsp-pipeline.ts';
import type {
  PipelineDeps,
  PipelineStep,
  TicketWallets,
  VspPipelineOptions,
} from '../../src/chain/vsp-pipeline.ts';
import {
  getScanPoint,
  LAST_SCANNED_HASH_KEY,
  UNKNOWN_FORK_DEPTH,
} from '../../src/chain/outcomes.ts';
import { RpcError } from '../../src/rpc/errors.ts';
import type {
  AddTicketResult,
  MinedTicket,
  TicketForWallets,
} from '../../src/voting/vsp-wallets.ts';
import {
  FakeChain,
  memoryDb,
  newHash,
  notConnected,
  recordingLog,
  revocationFor,
  SIMNET,
  storeTicket,
  ticket,
  voteFor,
} from './fakes.ts';

interface Added {
  ticket: TicketForWallets;
  mined: MinedTicket;
  /** The stored fee status when the wallets were called: must already be committed. */
  storedStatus: string | undefined;
}

async function setup(t: TestContext, options: Partial<VspPipelineOptions> = {}) {
  const { db, close } = await memoryDb();
  t.after(close);
  const chain = new FakeChain(200);
  const added: Added[] = [];
  let walletResult: Partial<AddTicketResult> = {};
  const wallets: TicketWallets = {
    async addTicketToWallets(ticketArg, mined) {
      added.push({
        ticket: ticketArg,
        mined,
        storedStatus: (await getTicket(db, ticketArg.hash))?.feeTxStatus,
      });
      return { added: ['w1'], failed: [], skipped: [], invalidAgendas: [], ...walletResult };
    },
  };
  const log = recordingLog();
  const opts: VspPipelineOptions = {
    db,
    dcrd: chain.dcrd(),
    wallets,
    net: SIMNET,
    log,
    neverMinedGraceSeconds: 0,
    ...options,
  };
  const d: PipelineDeps = resolvePipelineOptions(opts);
  return {
    db,
    chain,
    d,
    opts,
    added,
    log,
    run: () => new PipelineRun(),
    setWalletResult: (r: Partial<AddTicketResult>) => {
      walletResult = r;
    },
  };
}

/** A ticket as /payfee leaves it: fee received, voting key stored. */
function paid(db: Db, extra: Parameters<typeof storeTicket>[1] = {}) {
  return storeTicket(db, {
    feeTxHex: 'feehex',
    feeTxHash: newHash(),
    feeTxStatus: 'received',
    votingWif: 'PsWif',
    voteChoices: { treasury: 'yes' },
    ...extra,
  });
}

describe('step 1: tickets never mined', () => {
  it('deletes an unconfirmed ticket dcrd does not know, with its vote changes', async (t) => {
    const s = await setup(t);
    const gone = await storeTicket(s.db);
    await appendVoteChange(
      s.db,
      gone.hash,
      { request: '{}', requestSignature: 'a', response: '{}', responseSignature: 'b' },
      10,
    );
    const mempool = await storeTicket(s.db);
    s.chain.addTx(mempool.hash, 'hex', 0);
    const r = await deleteNeverMinedTickets(s.d, s.run());
    assert.deepEqual(r.deleted, [gone.hash]);
    assert.equal(await getTicket(s.db, gone.hash), undefined);
    assert.deepEqual(await voteChanges(s.db, gone.hash), []);
    assert.ok(await getTicket(s.db, mempool.hash));
  });

  it('waits for the grace period before deleting', async (t) => {
    const s = await setup(t, { neverMinedGraceSeconds: 600 });
    const fresh = await storeTicket(s.db);
    const r = await deleteNeverMinedTickets(s.d, s.run());
    assert.deepEqual(r.deleted, []);
    assert.equal(r.waiting, 1);
    assert.ok(await getTicket(s.db, fresh.hash));
    const later = resolvePipelineOptions({ ...s.opts, now: () => Date.now() + 601_000 });
    assert.deepEqual((await deleteNeverMinedTickets(later, s.run())).deleted, [fresh.hash]);
  });

  it('keeps a ticket whose lookup fails, and goes on with the others', async (t) => {
    const s = await setup(t);
    const a = await storeTicket(s.db);
    const b = await storeTicket(s.db);
    s.chain.fail.getRawTransactionVerbose = (id) =>
      id === a.hash ? new RpcError(-32603, 'internal error', 'getrawtransaction') : undefined;
    const r = await deleteNeverMinedTickets(s.d, s.run());
    assert.equal(r.lookupErrors, 1);
    assert.deepEqual(r.deleted, [b.hash]);
    assert.ok(await getTicket(s.db, a.hash));
    assert.ok(s.log.lines.some((l) => l.level === 'warn' && 'ticket' in l.obj));
  });

  it('stops at the first lookup when dcrd is unreachable', async (t) => {
    const s = await setup(t);
    const a = await storeTicket(s.db);
    const b = await storeTicket(s.db);
    s.chain.fail.getRawTransactionVerbose = () => notConnected('getrawtransaction');
    const r = await deleteNeverMinedTickets(s.d, s.run());
    assert.equal(r.lookupErrors, 1);
    assert.equal(s.chain.calls['getRawTransactionVerbose'], 1);
    assert.ok(await getTicket(s.db, a.hash));
    assert.ok(await getTicket(s.db, b.hash));
  });

  it('never deletes a confirmed ticket', async (t) => {
    const s = await setup(t);
    const c = await storeTicket(s.db, { confirmed: true, purchaseHeight: 150 });
    assert.deepEqual((await deleteNeverMinedTickets(s.d, s.run())).deleted, []);
    assert.ok(await getTicket(s.db, c.hash));
  });
});

describe('step 2: ticket confirmations', () => {
  it('confirms a ticket at 6 confirmations with its purchase height, not at 5', async (t) => {
    const s = await setup(t);
    const six = await paid(s.db);
    const five = await paid(s.db);
    s.chain.addTx(six.hash, 'hex', 6);
    s.chain.addTx(five.hash, 'hex', 5);
    const r = await confirmTickets(s.d, s.run());
    assert.deepEqual(r.confirmed, [six.hash]);
    const got = await ticket(s.db, six.hash);
    assert.equal(got.confirmed, true);
    assert.equal(got.purchaseHeight, s.chain.height - 5);
    assert.equal((await ticket(s.db, five.hash)).confirmed, false);
  });

  it('fills in the purchase height of a confirmed ticket that lacks one', async (t) => {
    const s = await setup(t);
    const old = await storeTicket(s.db, { confirmed: true });
    s.chain.addTx(old.hash, 'hex', 50);
    const r = await confirmTickets(s.d, s.run());
    assert.deepEqual(r.heightsFixed, [old.hash]);
    assert.equal((await ticket(s.db, old.hash)).purchaseHeight, s.chain.height - 49);
  });

  it('shares the lookup of step 1 within a run', async (t) => {
    const s = await setup(t);
    const a = await paid(s.db);
    s.chain.addTx(a.hash, 'hex', 6);
    const run = s.run();
    await deleteNeverMinedTickets(s.d, run);
    await confirmTickets(s.d, run);
    assert.equal(s.chain.calls['getRawTransactionVerbose'], 1);
  });

  it('asks dcrd nothing more in a run once it was unreachable', async (t) => {
    const s = await setup(t);
    await paid(s.db);
    await paid(s.db);
    await paid(s.db, { confirmed: true, feeTxStatus: 'broadcast' });
    s.chain.fail.getRawTransactionVerbose = () => notConnected('getrawtransaction');
    const run = s.run();
    await deleteNeverMinedTickets(s.d, run);
    await confirmTickets(s.d, run);
    await confirmFees(s.d, run);
    assert.equal(s.chain.calls['getRawTransactionVerbose'], 1);
  });

  it('skips a ticket whose lookup fails', async (t) => {
    const s = await setup(t);
    const a = await paid(s.db);
    s.chain.addTx(a.hash, 'hex', 6);
    s.chain.fail.getRawTransactionVerbose = () => notConnected('getrawtransaction');
    assert.deepEqual((await confirmTickets(s.d, s.run())).confirmed, []);
  });
});

describe('step 3: fee broadcast', () => {
  it('broadcasts the fee of a confirmed ticket and marks it broadcast', async (t) => {
    const s = await setup(t);
    const a = await paid(s.db, { confirmed: true, purchaseHeight: 190 });
    const unconfirmed = await paid(s.db);
    const r = await broadcastFees(s.d, s.run());
    assert.deepEqual(r.broadcast, [a.hash]);
    assert.deepEqual(s.chain.sent, ['feehex']);
    assert.equal((await ticket(s.db, a.hash)).feeTxStatus, 'broadcast');
    assert.equal((await ticket(s.db, unconfirmed.hash)).feeTxStatus, 'received');
  });

  it('counts a duplicate (−40) as broadcast', async (t) => {
    const s = await setup(t);
    const a = await paid(s.db, { confirmed: true, purchaseHeight: 190 });
    s.chain.fail.sendRawTransaction = () =>
      new RpcError(-40, 'rejected transaction: transaction already exists', 'sendrawtransaction');
    assert.deepEqual((await broadcastFees(s.d, s.run())).broadcast, [a.hash]);
    assert.equal((await ticket(s.db, a.hash)).feeTxStatus, 'broadcast');
  });

  it('marks a fee dcrd refuses as error', async (t) => {
    const s = await setup(t);
    const a = await paid(s.db, { confirmed: true, purchaseHeight: 190 });
    s.chain.fail.sendRawTransaction = () =>
      new RpcError(-1, 'rejected transaction: orphan transaction', 'sendrawtransaction');
    assert.deepEqual((await broadcastFees(s.d, s.run())).errored, [a.hash]);
    assert.equal((await ticket(s.db, a.hash)).feeTxStatus, 'error');
  });

  it('leaves the fees received when dcrd is unreachable, trying only once', async (t) => {
    const s = await setup(t);
    const a = await paid(s.db, { confirmed: true, purchaseHeight: 190 });
    const b = await paid(s.db, { confirmed: true, purchaseHeight: 190 });
    s.chain.fail.sendRawTransaction = () => notConnected('sendrawtransaction');
    assert.equal((await broadcastFees(s.d, s.run())).deferred.length, 1);
    assert.equal(s.chain.calls['sendRawTransaction'], 1);
    assert.equal((await ticket(s.db, a.hash)).feeTxStatus, 'received');
    assert.equal((await ticket(s.db, b.hash)).feeTxStatus, 'received');
  });

  it('does not overwrite a status payfee changed meanwhile', async (t) => {
    const s = await setup(t);
    const a = await paid(s.db, { confirmed: true, purchaseHeight: 190 });
    s.chain.onSend = async () => {
      await updateTicket(s.db, a.hash, { feeTxStatus: 'error' });
    };
    assert.deepEqual((await broadcastFees(s.d, s.run())).broadcast, []);
    assert.equal((await ticket(s.db, a.hash)).feeTxStatus, 'error');
  });
});

describe('step 4: fee confirmations and the voting wallets', () => {
  it('confirms a fee at 6 confirmations, drops its hex, then adds the ticket', async (t) => {
    const s = await setup(t);
    const a = await paid(s.db, { confirmed: true, purchaseHeight: 190, feeTxStatus: 'broadcast' });
    s.chain.addTx(a.feeTxHash, 'feehex', 6);
    s.chain.addTx(a.hash, 'tickethex', 11);
    const r = await confirmFees(s.d, s.run());
    assert.deepEqual(r.confirmed, [a.hash]);
    const got = await ticket(s.db, a.hash);
    assert.equal(got.feeTxStatus, 'confirmed');
    assert.equal(got.feeTxHex, '');
    assert.equal(s.added.length, 1);
    assert.equal(s.added[0]!.storedStatus, 'confirmed', 'wallets called after the commit');
    assert.equal(s.added[0]!.ticket.votingWif, 'PsWif');
    assert.deepEqual(s.added[0]!.mined, {
      blockHash: s.chain.main[s.chain.height - 10],
      hex: 'tickethex',
    });
  });

  it('waits below 6 confirmations', async (t) => {
    const s = await setup(t);
    const a = await paid(s.db, { confirmed: true, purchaseHeight: 190, feeTxStatus: 'broadcast' });
    s.chain.addTx(a.feeTxHash, 'feehex', 5);
    assert.deepEqual((await confirmFees(s.d, s.run())).confirmed, []);
    assert.equal((await ticket(s.db, a.hash)).feeTxStatus, 'broadcast');
    assert.equal(s.added.length, 0);
  });

  it('marks a fee dcrd lost as error, but not one it could not look up', async (t) => {
    const s = await setup(t);
    const lost = await paid(s.db, { confirmed: true, feeTxStatus: 'broadcast' });
    const unknown = await paid(s.db, { confirmed: true, feeTxStatus: 'broadcast' });
    s.chain.fail.getRawTransactionVerbose = (id) =>
      id === unknown.feeTxHash
        ? new RpcError(-32603, 'internal error', 'getrawtransaction')
        : undefined;
    const r = await confirmFees(s.d, s.run());
    assert.deepEqual(r.errored, [lost.hash]);
    assert.equal((await ticket(s.db, lost.hash)).feeTxStatus, 'error');
    assert.equal((await ticket(s.db, unknown.hash)).feeTxStatus, 'broadcast');
  });

  it('leaves broadcast fees alone while dcrd is unreachable', async (t) => {
    const s = await setup(t);
    const a = await paid(s.db, { confirmed: true, feeTxStatus: 'broadcast' });
    const b = await paid(s.db, { confirmed: true, feeTxStatus: 'broadcast' });
    s.chain.fail.getRawTransactionVerbose = () => notConnected('getrawtransaction');
    const r = await confirmFees(s.d, s.run());
    assert.deepEqual([r.confirmed, r.errored], [[], []]);
    assert.equal(s.chain.calls['getRawTransactionVerbose'], 1);
    assert.equal((await ticket(s.db, a.hash)).feeTxStatus, 'broadcast');
    assert.equal((await ticket(s.db, b.hash)).feeTxStatus, 'broadcast');
  });

  it('still confirms the fee when the ticket tx cannot be read for the wallets', async (t) => {
    const s = await setup(t);
    const a = await paid(s.db, { confirmed: true, feeTxStatus: 'broadcast' });
    s.chain.addTx(a.feeTxHash, 'feehex', 6);
    const r = await confirmFees(s.d, s.run());
    assert.deepEqual(r.confirmed, [a.hash]);
    assert.equal(r.wallets[a.hash], undefined);
    assert.equal(s.added.length, 0);
    assert.ok(
      s.log.lines.some((l) => l.level === 'error' && /consistency check/.test(l.msg ?? '')),
    );
  });

  it('drops agendas the wallets do not know from the stored choices', async (t) => {
    const s = await setup(t);
    const a = await paid(s.db, {
      confirmed: true,
      feeTxStatus: 'broadcast',
      voteChoices: { treasury: 'yes', gone: 'no' },
    });
    s.chain.addTx(a.feeTxHash, 'feehex', 6);
    s.chain.addTx(a.hash, 'tickethex', 12);
    s.setWalletResult({ invalidAgendas: ['gone'] });
    await confirmFees(s.d, s.run());
    assert.deepEqual((await ticket(s.db, a.hash)).voteChoices, { treasury: 'yes' });
  });
});

describe('step 5: outcomes', () => {
  async function votable(s: Awaited<ReturnType<typeof setup>>, purchaseHeight: number) {
    return paid(s.db, { confirmed: true, purchaseHeight, feeTxStatus: 'confirmed', feeTxHex: '' });
  }

  it('starts at the tip when nothing is watched, reading no blocks', async (t) => {
    const s = await setup(t);
    const r = await scanOutcomes(s.d, s.run());
    assert.equal(r.scanned, 0);
    assert.deepEqual(await getScanPoint(s.db), { height: s.chain.height, hash: s.chain.tip.hash });
    assert.equal(s.chain.calls['getBlockHex'], undefined);
  });

  it('records a vote with its height and tx, then follows new blocks only', async (t) => {
    const s = await setup(t);
    const a = await votable(s, 150);
    const b = await votable(s, 160);
    await scanOutcomes(s.d, s.run());
    assert.equal((await getScanPoint(s.db))?.height, s.chain.height);
    const vote = voteFor(a.hash, s.chain.tip.hash, s.chain.height);
    const block = s.chain.mine([vote]);
    s.chain.mineN(2);
    const before = s.chain.calls['getBlockHex'] ?? 0;
    const r = await scanOutcomes(s.d, s.run());
    assert.equal(r.scanned, 3);
    assert.equal((s.chain.calls['getBlockHex'] ?? 0) - before, 3);
    assert.equal(r.outcomes.length, 1);
    const got = await ticket(s.db, a.hash);
    assert.equal(got.outcome, 'voted');
    assert.equal(got.outcomeHeight, block.height);
    assert.match(got.spendTxHash, /^[0-9a-f]{64}$/);
    assert.equal((await ticket(s.db, b.hash)).outcome, '');
    assert.deepEqual(await getScanPoint(s.db), { height: s.chain.height, hash: s.chain.tip.hash });
  });

  it('on the first scan starts where the earliest watched ticket matured', async (t) => {
    const s = await setup(t);
    const a = await votable(s, 120);
    // Voted at 140, before the scan existed (e.g. stakepool was down).
    s.chain.disconnectTo(139);
    s.chain.mine([voteFor(a.hash, s.chain.tip.hash, 139)]);
    s.chain.mineN(20);
    const r = await scanOutcomes(s.d, s.run());
    assert.equal((await ticket(s.db, a.hash)).outcome, 'voted');
    assert.equal(r.outcomes[0]!.height, 140);
    // Once every watched ticket has its outcome the rest of the chain is not read.
    assert.equal(r.point?.height, s.chain.height);
    assert.ok(r.scanned <= 140 - (120 + SIMNET.ticketMaturity) + 1);
  });

  it('names revocations missed or expired by height', async (t) => {
    const s = await setup(t, { net: { ...SIMNET, ticketExpiry: 100 } });
    const missed = await votable(s, 190);
    // Revoked in block 201, exactly at its expiry.
    const expiring = await votable(s, 201 - SIMNET.ticketMaturity - 100);
    await scanOutcomes(s.d, s.run());
    s.chain.mine([revocationFor(missed.hash), revocationFor(expiring.hash)]);
    await scanOutcomes(s.d, s.run());
    assert.equal((await ticket(s.db, missed.hash)).outcome, 'missed');
    assert.equal((await ticket(s.db, expiring.hash)).outcome, 'expired');
  });

  it('ignores tickets whose fee was never paid', async (t) => {
    const s = await setup(t);
    const unpaid = await storeTicket(s.db, { confirmed: true, purchaseHeight: 150 });
    const watched = await votable(s, 150);
    await scanOutcomes(s.d, s.run());
    s.chain.mine([
      voteFor(unpaid.hash, s.chain.tip.hash, s.chain.height),
      voteFor(watched.hash, s.chain.tip.hash, s.chain.height),
    ]);
    await scanOutcomes(s.d, s.run());
    assert.equal((await ticket(s.db, unpaid.hash)).outcome, '');
    assert.equal((await ticket(s.db, watched.hash)).outcome, 'voted');
  });

  it('undoes outcomes of disconnected blocks and finds the spend on the new chain', async (t) => {
    const s = await setup(t);
    const a = await votable(s, 150);
    const keep = await votable(s, 150);
    await scanOutcomes(s.d, s.run());
    const fork = s.chain.height;
    s.chain.mine([voteFor(keep.hash, s.chain.tip.hash, fork)]); // fork+1, stays
    s.chain.mine([voteFor(a.hash, s.chain.tip.hash, fork + 1)]); // fork+2, reorganised away
    s.chain.mine();
    await scanOutcomes(s.d, s.run());
    assert.equal((await ticket(s.db, a.hash)).outcomeHeight, fork + 2);

    s.chain.disconnectTo(fork + 1);
    s.chain.mine(); // fork+2 without the vote
    s.chain.mine();
    s.chain.mine([voteFor(a.hash, s.chain.tip.hash, fork + 3)]); // fork+4
    const r = await scanOutcomes(s.d, s.run());
    assert.deepEqual(r.reorg, { from: fork + 3, forkHeight: fork + 1, undone: 1 });
    const got = await ticket(s.db, a.hash);
    assert.equal(got.outcome, 'voted');
    assert.equal(got.outcomeHeight, fork + 4);
    assert.equal((await ticket(s.db, keep.hash)).outcomeHeight, fork + 1);
    assert.deepEqual(await getScanPoint(s.db), { height: s.chain.height, hash: s.chain.tip.hash });
  });

  it('walks back when the new chain is shorter than the scanned one', async (t) => {
    const s = await setup(t);
    const a = await votable(s, 150);
    await scanOutcomes(s.d, s.run());
    const fork = s.chain.height;
    s.chain.mine([voteFor(a.hash, s.chain.tip.hash, fork)]);
    s.chain.mineN(3);
    await scanOutcomes(s.d, s.run());
    assert.equal((await ticket(s.db, a.hash)).outcome, 'voted');
    s.chain.disconnectTo(fork); // a blockdisconnected arrived, nothing new connected yet
    const r = await scanOutcomes(s.d, s.run());
    assert.equal(r.reorg?.forkHeight, fork);
    assert.equal((await ticket(s.db, a.hash)).outcome, '');
    assert.deepEqual(await getScanPoint(s.db), { height: fork, hash: s.chain.tip.hash });
  });

  it('restarts well below a stored block dcrd does not know at all', async (t) => {
    const s = await setup(t);
    const a = await votable(s, 20);
    await setLastScannedBlock(s.db, 180);
    await updateTicket(s.db, a.hash, { outcome: 'voted', outcomeHeight: 170 });
    await setSetting(s.db, LAST_SCANNED_HASH_KEY, newHash());
    const r = await scanOutcomes(s.d, s.run());
    assert.equal(r.reorg?.forkHeight, Math.max(0, 180 - UNKNOWN_FORK_DEPTH));
    assert.equal(r.reorg?.undone, 1);
  });

  it('stops when the chain reorganises under the scan, and recovers on the next run', async (t) => {
    const s = await setup(t);
    const a = await votable(s, 150);
    await votable(s, 150);
    await scanOutcomes(s.d, s.run());
    const start = s.chain.height;
    s.chain.mineN(3);
    const base = s.chain.dcrd();
    let reorged = false;
    const dcrd = {
      ...base,
      getBlockHash: async (h: number) => {
        const hash = await base.getBlockHash(h);
        if (!reorged && h === start + 1) {
          reorged = true;
          s.chain.disconnectTo(start);
          s.chain.mine();
          s.chain.mine([voteFor(a.hash, s.chain.tip.hash, start + 1)]);
          s.chain.mine();
        }
        return hash;
      },
    };
    const r1 = await scanOutcomes({ ...s.d, dcrd }, s.run());
    assert.equal(r1.scanned, 1);
    const r2 = await scanOutcomes(s.d, s.run());
    assert.equal(r2.reorg?.forkHeight, start);
    assert.equal((await ticket(s.db, a.hash)).outcomeHeight, start + 2);
    assert.deepEqual(await getScanPoint(s.db), { height: s.chain.height, hash: s.chain.tip.hash });
  });

  it('completes a scan point stored without a hash', async (t) => {
    const s = await setup(t);
    await setLastScannedBlock(s.db, 195);
    await votable(s, 150);
    const r = await scanOutcomes(s.d, s.run());
    assert.equal(r.scanned, 5);
    assert.deepEqual(await getScanPoint(s.db), { height: s.chain.height, hash: s.chain.tip.hash });
  });

  it('keeps its progress when a block cannot be read, and carries on next time', async (t) => {
    const s = await setup(t);
    const a = await votable(s, 150);
    await votable(s, 150);
    await scanOutcomes(s.d, s.run());
    const start = s.chain.height;
    s.chain.mine([voteFor(a.hash, s.chain.tip.hash, start)]);
    s.chain.mineN(3);
    const bad = s.chain.main[start + 2];
    s.chain.fail.getBlockHex = (hash) => (hash === bad ? notConnected('getblock') : undefined);
    await assert.rejects(scanOutcomes(s.d, s.run()), /not connected/);
    assert.equal((await ticket(s.db, a.hash)).outcome, 'voted');
    assert.equal((await getScanPoint(s.db))?.height, start + 1);
    delete s.chain.fail.getBlockHex;
    await scanOutcomes(s.d, s.run());
    assert.equal((await getScanPoint(s.db))?.height, s.chain.height);
  });

  it('stores progress periodically on a long scan', async (t) => {
    const s = await setup(t, { progressEvery: 10 });
    await votable(s, 20);
    let writes = 0;
    const spy = s.chain.dcrd();
    const d = {
      ...s.d,
      dcrd: {
        ...spy,
        getBlockHex: async (hash: string) => {
          const h = await getSetting(s.db, 'vsp.last_scanned_block');
          if (h !== undefined) writes = Math.max(writes, Number(h));
          return spy.getBlockHex(hash);
        },
      },
    };
    await scanOutcomes(d, s.run());
    assert.ok(writes >= s.chain.height - 11, `progress stored up to ${writes}`);
  });
});

describe('the pipeline', () => {
  it('runs every step in order and follows a ticket from payfee to its vote', async (t) => {
    const s = await setup(t);
    const pipeline = new VspPipeline(s.opts);
    const a = await paid(s.db);
    s.chain.addTx(a.hash, 'tickethex', 1);
    s.chain.onSend = (hex) => s.chain.addTx(a.feeTxHash, hex, 0);
    await pipeline.trigger('startup');
    assert.equal((await ticket(s.db, a.hash)).confirmed, false);
    s.chain.mineN(5);
    s.chain.addTx(a.hash, 'tickethex', 6);
    await pipeline.trigger('block');
    let got = await ticket(s.db, a.hash);
    assert.equal(got.confirmed, true);
    assert.equal(got.feeTxStatus, 'broadcast');
    s.chain.mineN(5);
    s.chain.addTx(a.feeTxHash, 'feehex', 6);
    await pipeline.trigger('block');
    assert.equal((await ticket(s.db, a.hash)).feeTxStatus, 'confirmed');
    assert.equal(s.added.length, 1);
    s.chain.mine([voteFor(a.hash, s.chain.tip.hash, s.chain.height)]);
    await pipeline.trigger('block');
    got = await ticket(s.db, a.hash);
    assert.equal(got.outcome, 'voted');
    assert.deepEqual(pipeline.lastReport?.failed, []);
  });

  it('logs a failing step by name, runs the others, and retries on the next block', async (t) => {
    const s = await setup(t);
    const pipeline = new VspPipeline(s.opts);
    const a = await paid(s.db, { confirmed: true, purchaseHeight: 190 });
    s.chain.addTx(a.feeTxHash, 'feehex', 0); // in the mempool once sent
    s.chain.fail.getBestBlock = () => notConnected('getbestblock');
    await pipeline.trigger('block');
    assert.deepEqual(pipeline.lastReport?.failed, ['outcomes']);
    assert.equal((await ticket(s.db, a.hash)).feeTxStatus, 'broadcast', 'step 3 still ran');
    const line = s.log.lines.find((l) => l.level === 'error');
    assert.equal((line?.obj as { step?: string }).step, '5 outcomes');
    assert.match(line?.msg ?? '', /step 5 \(outcomes\) failed; the next block retries/);
    delete s.chain.fail.getBestBlock;
    await pipeline.trigger('block');
    assert.deepEqual(pipeline.lastReport?.failed, []);
  });

  it('survives every dcrd call failing', async (t) => {
    const s = await setup(t);
    await paid(s.db);
    await paid(s.db, { confirmed: true, purchaseHeight: 150 });
    await paid(s.db, { confirmed: true, purchaseHeight: 150, feeTxStatus: 'broadcast' });
    for (const m of [
      'getBestBlock',
      'getBlockHash',
      'getBlockHeader',
      'getBlockHex',
      'getRawTransactionVerbose',
      'sendRawTransaction',
    ] as const) {
      s.chain.fail[m] = () => notConnected(m);
    }
    const pipeline = new VspPipeline(s.opts);
    await pipeline.trigger('block');
    assert.deepEqual(pipeline.lastReport?.failed, ['outcomes']);
    await pipeline.trigger('block');
    assert.equal(pipeline.running, false);
  });

  it('never runs twice at once, and queues one run for any number of blocks', async (t) => {
    const s = await setup(t);
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    const step: PipelineStep = {
      n: 1,
      name: 'slow',
      async run() {
        active++;
        runs++;
        maxActive = Math.max(maxActive, active);
        await gate;
        active--;
      },
    };
    const pipeline = new VspPipeline(s.opts, [step]);
    const first = pipeline.trigger('a');
    const queued = [pipeline.trigger('b'), pipeline.trigger('c'), pipeline.trigger('d')];
    await new Promise((r) => setImmediate(r));
    assert.equal(runs, 1);
    release();
    gate = Promise.resolve();
    await Promise.all([first, ...queued]);
    assert.equal(runs, 2);
    assert.equal(maxActive, 1);
    assert.equal(pipeline.lastReport?.reason, 'd');
  });

  it('stop() waits for the running step, tells it to stop, and refuses new runs', async (t) => {
    const s = await setup(t);
    let sawAbort = false;
    let finished = false;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const steps: PipelineStep[] = [
      {
        n: 1,
        name: 'long',
        async run(_d, run) {
          await gate;
          sawAbort = run.signal.aborted;
          finished = true;
        },
      },
      {
        n: 2,
        name: 'after',
        run() {
          throw new Error('must not run after stop');
        },
      },
    ];
    const pipeline = new VspPipeline(s.opts, steps);
    void pipeline.trigger('block');
    void pipeline.trigger('queued');
    const stopping = pipeline.stop();
    setTimeout(release, 20);
    await stopping;
    assert.equal(finished, true);
    assert.equal(sawAbort, true);
    assert.equal(pipeline.lastReport?.aborted, true);
    assert.deepEqual(pipeline.lastReport?.failed, []);
    await pipeline.trigger('late');
    assert.equal(pipeline.lastReport?.reason, 'block');
  });

  it('stop() cuts short a dcrd call in flight and logs no failure', async (t) => {
    const s = await setup(t);
    await storeTicket(s.db);
    let called!: () => void;
    const inFlight = new Promise<void>((r) => (called = r));
    const dcrd = {
      ...s.chain.dcrd(),
      getRawTransactionVerbose: (_id: string, o?: { signal?: AbortSignal }) =>
        new Promise<never>((_resolve, reject) => {
          called();
          o?.signal?.addEventListener('abort', () => reject(notConnected('aborted')));
        }),
    };
    const pipeline = new VspPipeline({ ...s.opts, dcrd });
    void pipeline.trigger('block');
    await inFlight;
    await pipeline.stop();
    assert.equal(pipeline.lastReport?.aborted, true);
    assert.deepEqual(pipeline.lastReport?.failed, []);
    assert.deepEqual(
      s.log.lines.filter((l) => l.level === 'error'),
      [],
    );
  });

  it('an RPC error in one ticket does not hold back the others', async (t) => {
    const s = await setup(t);
    const bad = await paid(s.db, { confirmed: true, purchaseHeight: 190, feeTxHex: 'bad' });
    const good = await paid(s.db, { confirmed: true, purchaseHeight: 190 });
    s.chain.addTx(good.feeTxHash, 'feehex', 0);
    s.chain.fail.sendRawTransaction = (hex) =>
      hex === 'bad' ? new RpcError(-22, 'TX decode failed', 'sendrawtransaction') : undefined;
    const pipeline = new VspPipeline(s.opts);
    await pipeline.trigger('block');
    assert.equal((await ticket(s.db, bad.hash)).feeTxStatus, 'error');
    assert.equal((await ticket(s.db, good.hash)).feeTxStatus, 'broadcast');
  });
});
