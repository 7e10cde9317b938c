import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { txid } from '../../src/dcr/tx.ts';
import type { Tx } from '../../src/dcr/tx.ts';
import { UNKNOWN_FORK_DEPTH } from '../../src/chain/outcomes.ts';
import type { ChainReader } from '../../src/chain/outcomes.ts';
import {
  getPoolScanPoint,
  POOL_SCAN_KEYS,
  PoolPipeline,
  resolvePoolPipelineOptions,
  scanPoolTickets,
  setPoolScanPoint,
} from '../../src/chain/pool-pipeline.ts';
import type { PoolPipelineOptions, PoolPipelineStep } from '../../src/chain/pool-pipeline.ts';
import {
  FakeChain,
  newHash,
  notConnected,
  recordingLog,
  revocationFor,
  SIMNET,
  voteFor,
} from './fakes.ts';
import { addr, MemoryPoolStore, poolTicketTx, randomP2pkh, randomP2sh } from './pool-fakes.ts';

const DCR = 100_000_000n;

function setup(options: Partial<PoolPipelineOptions> & { height?: number } = {}) {
  const { height = 200, ...rest } = options;
  const chain = new FakeChain(height);
  const store = new MemoryPoolStore();
  const log = recordingLog();
  const feeAddress = randomP2pkh(SIMNET);
  const alice = randomP2sh(SIMNET);
  const bob = randomP2sh(SIMNET);
  const opts: PoolPipelineOptions = {
    store,
    dcrd: chain.dcrd(),
    net: SIMNET,
    poolFeePercent: 7.5,
    feeAddresses: () => new Set([addr(feeAddress)]),
    log,
    ...rest,
  };
  const d = resolvePoolPipelineOptions(opts);
  const ticket = (voting = alice, poolFee = 55_968_924n): Tx =>
    poolTicketTx({ net: SIMNET, voting, feeAddress, poolFee, price: 10n * DCR });
  const scan = (dd = d) => scanPoolTickets(dd);
  const point = () => getPoolScanPoint(store);
  const tipPoint = () => ({ height: chain.height, hash: chain.tip.hash });
  return { chain, store, log, d, opts, alice, bob, ticket, scan, point, tipPoint };
}

describe('scanPoolTickets: where it starts', () => {
  it('starts at the tip when no user has an address, reading no blocks', async () => {
    const s = setup();
    const r = await s.scan();
    assert.equal(r.scanned, 0);
    assert.deepEqual(await s.point(), s.tipPoint());
    assert.equal(s.chain.calls['getBlockHex'], undefined);
  });

  it('moves along with the tip while nobody has an address', async () => {
    const s = setup();
    await s.scan();
    s.chain.mineN(5);
    const r = await s.scan();
    assert.equal(r.scanned, 0);
    assert.deepEqual(await s.point(), s.tipPoint());
  });

  it('on the first run starts at the lowest height_registered', async () => {
    const s = setup({ height: 160 });
    s.store.addUser(addr(s.alice), 1, 180);
    s.store.addUser(addr(s.bob), 2, 170);
    s.chain.mineN(9); // 161..169
    s.chain.mine([s.ticket(s.bob)]); // 170: bob's first, at his registration height
    s.chain.mineN(20);
    const r = await s.scan();
    assert.equal(r.scanned, s.chain.height - 169);
    assert.deepEqual(
      r.found.map((f) => [f.userId, f.height]),
      [[2, 170]],
    );
    assert.deepEqual(await s.point(), s.tipPoint());
  });

  it('completes a scan point stored without a hash', async () => {
    const s = setup();
    s.store.addUser(addr(s.alice), 1, 100);
    s.store.state.settings.set(POOL_SCAN_KEYS.height, '195');
    const r = await s.scan();
    assert.equal(r.scanned, 5);
    assert.deepEqual(await s.point(), s.tipPoint());
  });

  it('refuses a stored height that is not a number', async () => {
    const s = setup();
    s.store.state.settings.set(POOL_SCAN_KEYS.height, '12x');
    await assert.rejects(s.scan(), (err: unknown) => err instanceof TypeError);
  });
});

describe('scanPoolTickets: tickets and outcomes', () => {
  it('stores new tickets with their fee check and follows them to their outcome', async () => {
    const s = setup();
    s.store.addUser(addr(s.alice), 1, 150);
    s.store.addUser(addr(s.bob), 2, 150);
    await s.scan();
    const a = s.ticket(s.alice);
    const low = s.ticket(s.bob, 10_000n);
    const other = s.ticket(randomP2sh(SIMNET));
    const bought = s.chain.mine([a, low, other]);
    s.chain.mineN(3);
    const r1 = await s.scan();
    assert.equal(r1.scanned, 4);
    assert.deepEqual(
      r1.found.map((f) => [f.ticket, f.userId, f.feeStatus, f.height]),
      [
        [txid(a), 1, 'ok', bought.height],
        [txid(low), 2, 'low', bought.height],
      ],
    );
    assert.equal(s.store.tickets.length, 2);
    assert.equal(s.store.ticket(txid(a))?.purchaseBlock, bought.hash);
    const warn = s.log.lines.find((l) => l.level === 'warn');
    assert.match(warn?.msg ?? '', /less than the pool fee/);
    assert.deepEqual((warn?.obj as { feeRequired?: string }).feeRequired, '55968924');

    const vote = voteFor(txid(a), s.chain.tip.hash, s.chain.height);
    const rev = revocationFor(txid(low));
    const spent = s.chain.mine([vote, rev]);
    const r2 = await s.scan();
    assert.deepEqual(r2.outcomes, [
      { ticket: txid(a), outcome: 'voted', height: spent.height, spendTx: txid(vote) },
      { ticket: txid(low), outcome: 'missed', height: spent.height, spendTx: txid(rev) },
    ]);
    assert.equal(s.store.ticket(txid(a))?.outcome, 'voted');
    assert.deepEqual(await s.point(), s.tipPoint());
    assert.ok(s.log.lines.some((l) => l.msg === 'pool ticket voted'));
  });

  it('reloads the owners on every run', async () => {
    const s = setup();
    s.store.addUser(addr(s.alice), 1, 150);
    await s.scan();
    s.store.addUser(addr(s.bob), 2, s.chain.height);
    const b = s.ticket(s.bob);
    s.chain.mine([b]);
    const r = await s.scan();
    assert.deepEqual(
      r.found.map((f) => f.ticket),
      [txid(b)],
    );
  });

  it('commits the tickets of a block together with the scan point, or neither', async () => {
    const s = setup();
    s.store.addUser(addr(s.alice), 1, 150);
    await s.scan();
    const start = s.chain.height;
    s.chain.mine([s.ticket()]);
    // The scan point write fails after the insert: the insert is rolled back with it.
    s.store.fail.setSetting = () => new Error('disk full');
    await assert.rejects(s.scan(), /disk full/);
    assert.equal(s.store.tickets.length, 0);
    assert.equal((await s.point())?.height, start);
    delete s.store.fail.setSetting;
    await s.scan();
    assert.equal(s.store.tickets.length, 1);
  });
});

describe('scanPoolTickets: restarts', () => {
  it('keeps its progress when a block cannot be read, and carries on next time', async () => {
    const s = setup();
    s.store.addUser(addr(s.alice), 1, 150);
    await s.scan();
    const start = s.chain.height;
    const a = s.ticket();
    s.chain.mine([a]);
    s.chain.mineN(3);
    const bad = s.chain.main[start + 3];
    s.chain.fail.getBlockHex = (hash) => (hash === bad ? notConnected('getblock') : undefined);
    await assert.rejects(s.scan(), /not connected/);
    assert.equal(s.store.tickets.length, 1);
    assert.equal((await s.point())?.height, start + 1);
    delete s.chain.fail.getBlockHex;
    // A new pipeline over the same store: a restart.
    const restarted = new PoolPipeline(s.opts);
    await restarted.trigger('startup');
    assert.deepEqual(restarted.lastReport?.failed, []);
    assert.deepEqual(await s.point(), s.tipPoint());
    assert.equal(s.store.tickets.length, 1);
  });

  it('scanning blocks again (scan point lost or behind) changes nothing', async () => {
    const s = setup();
    s.store.addUser(addr(s.alice), 1, 150);
    await s.scan();
    const start = { height: s.chain.height, hash: s.chain.tip.hash };
    const a = s.ticket();
    const b = s.ticket();
    s.chain.mine([a, b]);
    s.chain.mine([voteFor(txid(a), s.chain.tip.hash, s.chain.height)]);
    s.chain.mineN(2);
    await s.scan();
    const before = structuredClone(s.store.tickets);
    // As if the process stopped after writing the rows but before storing the scan point.
    await setPoolScanPoint(s.store, start);
    const inserts = s.store.calls['insertPoolTickets'] ?? 0;
    const outcomes = s.store.calls['setPoolTicketOutcome'] ?? 0;
    const r = await s.scan();
    assert.equal(r.scanned, 4);
    assert.deepEqual(r.found.map((f) => f.ticket).sort(), [txid(a), txid(b)].sort());
    assert.deepEqual(r.outcomes, [], 'the vote is already recorded: no write');
    assert.equal(s.store.calls['setPoolTicketOutcome'] ?? 0, outcomes);
    assert.equal((s.store.calls['insertPoolTickets'] ?? 0) - inserts, 1);
    assert.deepEqual(s.store.tickets, before);
  });

  it('stores its progress and logs it every progressEvery blocks while catching up', async () => {
    const s = setup({ progressEvery: 10, height: 150 });
    s.store.addUser(addr(s.alice), 1, 100);
    let highest = 0;
    const base = s.chain.dcrd();
    const dcrd: ChainReader = {
      ...base,
      getBlockHex: async (hash) => {
        highest = Math.max(highest, (await s.point())?.height ?? 0);
        return base.getBlockHex(hash);
      },
    };
    const r = await s.scan({ ...s.d, dcrd });
    assert.equal(r.scanned, 51);
    assert.ok(highest >= 150 - 10, `progress stored up to ${highest}`);
    const progress = s.log.lines.filter((l) => l.msg === 'catching up with the chain');
    assert.ok(progress.length >= 5, `${progress.length} progress lines`);
    assert.equal((progress[0]?.obj as { behind?: number }).behind, 51);
  });

  it('logs no progress when following the tip', async () => {
    const s = setup();
    s.store.addUser(addr(s.alice), 1, 150);
    await s.scan();
    s.log.lines.length = 0;
    s.chain.mineN(3);
    await s.scan();
    assert.equal(s.log.lines.filter((l) => l.msg === 'catching up with the chain').length, 0);
  });
});

describe('scanPoolTickets: reorgs', () => {
  it('forgets tickets and outcomes of disconnected blocks and finds them on the new chain', async () => {
    const s = setup();
    s.store.addUser(addr(s.alice), 1, 150);
    const old = s.ticket();
    const moved = s.ticket();
    s.chain.mine([old]); // 201, stays
    await s.scan();
    const fork = s.chain.height;
    s.chain.mine([moved, voteFor(txid(old), s.chain.tip.hash, fork)]); // fork+1, reorganised away
    s.chain.mine();
    await s.scan();
    assert.equal(s.store.ticket(txid(moved))?.purchaseHeight, fork + 1);
    assert.equal(s.store.ticket(txid(old))?.outcome, 'voted');

    s.chain.disconnectTo(fork);
    s.chain.mine(); // fork+1 without them
    const vote = voteFor(txid(old), s.chain.tip.hash, fork + 1);
    s.chain.mine([moved, vote]); // fork+2
    s.chain.mine();
    const r = await s.scan();
    assert.deepEqual(r.reorg, { from: fork + 2, forkHeight: fork, removed: 1, undone: 1 });
    assert.equal(s.store.ticket(txid(moved))?.purchaseHeight, fork + 2);
    assert.equal(s.store.ticket(txid(moved))?.purchaseBlock, s.chain.main[fork + 2]);
    assert.equal(s.store.ticket(txid(old))?.outcomeHeight, fork + 2);
    assert.equal(s.store.ticket(txid(old))?.spentBy, txid(vote));
    assert.deepEqual(await s.point(), s.tipPoint());
    assert.ok(s.log.lines.some((l) => l.level === 'warn' && /fork point/.test(l.msg ?? '')));
  });

  it('walks back when the new chain is shorter than the scanned one', async () => {
    const s = setup();
    s.store.addUser(addr(s.alice), 1, 150);
    await s.scan();
    const fork = s.chain.height;
    s.chain.mine([s.ticket()]);
    s.chain.mineN(3);
    await s.scan();
    assert.equal(s.store.tickets.length, 1);
    s.chain.disconnectTo(fork);
    const r = await s.scan();
    assert.equal(r.reorg?.forkHeight, fork);
    assert.equal(s.store.tickets.length, 0);
    assert.deepEqual(await s.point(), { height: fork, hash: s.chain.tip.hash });
  });

  it('restarts well below a stored block dcrd does not know at all', async () => {
    const s = setup();
    s.store.addUser(addr(s.alice), 1, 10);
    await setPoolScanPoint(s.store, { height: 180, hash: newHash() });
    const r = await s.scan();
    assert.equal(r.reorg?.forkHeight, Math.max(0, 180 - UNKNOWN_FORK_DEPTH));
    assert.deepEqual(await s.point(), s.tipPoint());
  });

  it('stops when the chain reorganises under the scan, and recovers on the next run', async () => {
    const s = setup();
    s.store.addUser(addr(s.alice), 1, 150);
    await s.scan();
    const start = s.chain.height;
    s.chain.mineN(3);
    const t = s.ticket();
    const base = s.chain.dcrd();
    let reorged = false;
    const dcrd: ChainReader = {
      ...base,
      getBlockHash: async (h) => {
        const hash = await base.getBlockHash(h);
        if (!reorged && h === start + 1) {
          reorged = true;
          s.chain.disconnectTo(start);
          s.chain.mine();
          s.chain.mine([t]);
          s.chain.mine();
        }
        return hash;
      },
    };
    const r1 = await s.scan({ ...s.d, dcrd });
    assert.equal(r1.scanned, 1);
    const r2 = await s.scan();
    assert.equal(r2.reorg?.forkHeight, start);
    assert.equal(s.store.ticket(txid(t))?.purchaseHeight, start + 2);
    assert.deepEqual(await s.point(), s.tipPoint());
  });
});

describe('PoolPipeline', () => {
  it('follows a ticket from purchase to vote, run by run', async () => {
    const s = setup();
    s.store.addUser(addr(s.alice), 7, 150);
    const pipeline = new PoolPipeline(s.opts);
    await pipeline.trigger('startup');
    const a = s.ticket();
    s.chain.mine([a]);
    await pipeline.trigger('block');
    assert.equal(s.store.ticket(txid(a))?.userId, 7);
    s.chain.mineN(SIMNET.ticketMaturity);
    s.chain.mine([voteFor(txid(a), s.chain.tip.hash, s.chain.height)]);
    await pipeline.trigger('block');
    assert.equal(s.store.ticket(txid(a))?.outcome, 'voted');
    assert.deepEqual(pipeline.lastReport?.failed, []);
  });

  it('logs a failing step by name and retries on the next block', async () => {
    const s = setup();
    const pipeline = new PoolPipeline(s.opts);
    s.chain.fail.getBestBlock = () => notConnected('getbestblock');
    await pipeline.trigger('block');
    assert.deepEqual(pipeline.lastReport?.failed, ['pool-tickets']);
    const line = s.log.lines.find((l) => l.level === 'error');
    assert.equal((line?.obj as { step?: string }).step, '1 pool-tickets');
    assert.match(line?.msg ?? '', /step 1 \(pool-tickets\) failed; the next block retries/);
    delete s.chain.fail.getBestBlock;
    await pipeline.trigger('block');
    assert.deepEqual(pipeline.lastReport?.failed, []);
  });

  it('never runs twice at once, and queues one run for any number of blocks', async () => {
    const s = setup();
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    const step: PoolPipelineStep = {
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
    const pipeline = new PoolPipeline(s.opts, [step]);
    const first = pipeline.trigger('a');
    const queued = [pipeline.trigger('b'), pipeline.trigger('c')];
    await new Promise((r) => setImmediate(r));
    assert.equal(runs, 1);
    release();
    gate = Promise.resolve();
    await Promise.all([first, ...queued]);
    assert.equal(runs, 2);
    assert.equal(maxActive, 1);
    assert.equal(pipeline.lastReport?.reason, 'c');
  });

  it('stop() ends a long catch-up between blocks, keeps its progress, refuses new runs', async () => {
    const s = setup({ height: 150 });
    s.store.addUser(addr(s.alice), 1, 10);
    let stopping: Promise<void> | undefined;
    const base = s.chain.dcrd();
    const pipeline: PoolPipeline = new PoolPipeline({
      ...s.opts,
      dcrd: {
        ...base,
        getBlockHex: async (hash) => {
          if (s.chain.blocks.get(hash)?.height === 60) stopping = pipeline.stop();
          return base.getBlockHex(hash);
        },
      },
    });
    await pipeline.trigger('startup');
    await stopping;
    assert.equal(pipeline.lastReport?.aborted, true);
    assert.deepEqual(pipeline.lastReport?.failed, []);
    assert.equal((await s.point())?.height, 60);
    const calls = s.chain.calls['getBestBlock'];
    await pipeline.trigger('late');
    assert.equal(s.chain.calls['getBestBlock'], calls);
  });
});
