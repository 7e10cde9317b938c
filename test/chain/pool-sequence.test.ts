// PipelineSequence (src/chain/pipelines.ts): the VSP's and the pool's pipelines behind one
// ChainFollower.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { txid } from '../../src/dcr/tx.ts';
import { ChainFollower } from '../../src/chain/follower.ts';
import type { FollowerPipeline } from '../../src/chain/follower.ts';
import { PipelineSequence } from '../../src/chain/pipelines.ts';
import { getScanPoint } from '../../src/chain/outcomes.ts';
import { PoolPipeline } from '../../src/chain/pool-pipeline.ts';
import { VspPipeline } from '../../src/chain/vsp-pipeline.ts';
import { FakeChain, memoryDb, recordingLog, SIMNET } from './fakes.ts';
import { addr, MemoryPoolStore, poolTicketTx, randomP2pkh, randomP2sh } from './pool-fakes.ts';

function recorder(name: string, events: string[], fail?: () => Error): FollowerPipeline {
  return {
    async trigger(reason) {
      await new Promise((r) => setImmediate(r));
      events.push(`${name}:${reason ?? ''}`);
      if (fail !== undefined) throw fail();
    },
    async stop() {
      await new Promise((r) => setImmediate(r));
      events.push(`${name}:stop`);
      if (fail !== undefined) throw fail();
    },
  };
}

describe('PipelineSequence', () => {
  it('runs the pipelines one after the other with the same reason', async () => {
    const events: string[] = [];
    const seq = new PipelineSequence([
      { name: 'vsp', pipeline: recorder('vsp', events) },
      { name: 'pool', pipeline: recorder('pool', events) },
    ]);
    await seq.trigger('block 5 connected');
    assert.deepEqual(events, ['vsp:block 5 connected', 'pool:block 5 connected']);
  });

  it('logs a failing pipeline by name and still runs the next', async () => {
    const events: string[] = [];
    const log = recordingLog();
    const seq = new PipelineSequence(
      [
        { name: 'vsp', pipeline: recorder('vsp', events, () => new Error('vsp broke')) },
        { name: 'pool', pipeline: recorder('pool', events) },
      ],
      log,
    );
    await seq.trigger('startup');
    assert.deepEqual(events, ['vsp:startup', 'pool:startup']);
    const line = log.lines.find((l) => l.level === 'error');
    assert.deepEqual(line?.obj, { pipeline: 'vsp', reason: 'startup', err: 'vsp broke' });
  });

  it('stops them all, even when one fails to stop', async () => {
    const events: string[] = [];
    const log = recordingLog();
    const seq = new PipelineSequence(
      [
        { name: 'vsp', pipeline: recorder('vsp', events, () => new Error('stuck')) },
        { name: 'pool', pipeline: recorder('pool', events) },
      ],
      log,
    );
    await seq.stop();
    assert.deepEqual(events.sort(), ['pool:stop', 'vsp:stop']);
    assert.equal(log.lines.filter((l) => l.level === 'error').length, 1);
  });

  it('lets ChainFollower drive the VSP and the pool from the same blocks', async (t) => {
    const { db, close } = await memoryDb();
    t.after(close);
    const chain = new FakeChain(200);
    const events = new EventEmitter();
    const vsp = new VspPipeline({
      db,
      dcrd: chain.dcrd(),
      wallets: {
        addTicketToWallets: () =>
          Promise.resolve({ added: [], failed: [], skipped: [], invalidAgendas: [] }),
      },
      net: SIMNET,
    });
    const store = new MemoryPoolStore();
    const voting = randomP2sh(SIMNET);
    const feeAddress = randomP2pkh(SIMNET);
    store.addUser(addr(voting), 1, 150);
    const pool = new PoolPipeline({
      store,
      dcrd: chain.dcrd(),
      net: SIMNET,
      poolFeePercent: 7.5,
      feeAddresses: () => new Set([addr(feeAddress)]),
    });
    const follower = new ChainFollower({
      dcrd: events,
      pipeline: new PipelineSequence([
        { name: 'vsp', pipeline: vsp },
        { name: 'pool', pipeline: pool },
      ]),
    });
    follower.start();
    await follower.started();
    assert.equal((await getScanPoint(db))?.height, 200);
    assert.equal(pool.lastReport?.reason, 'startup');

    const ticket = poolTicketTx({
      net: SIMNET,
      voting,
      feeAddress,
      poolFee: 55_968_924n,
      price: 1_000_000_000n,
    });
    const block = chain.mine([ticket]);
    // The pool runs after the VSP: wait for its run of this block.
    const poolRan = new Promise<void>((resolve) => {
      pool.onRun = (report) => {
        if (report.reason === `block ${block.height} connected`) resolve();
      };
    });
    events.emit('blockConnected', { height: block.height, hash: block.hash });
    await poolRan;
    assert.equal(store.ticket(txid(ticket))?.purchaseHeight, block.height);
    assert.equal(vsp.lastReport?.reason, `block ${block.height} connected`);
    await follower.stop();
    assert.equal(pool.running, false);
  });
});
