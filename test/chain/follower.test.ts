import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { ChainFollower } from '../../src/chain/follower.ts';
import type { FollowerConsistency, FollowerPipeline } from '../../src/chain/follower.ts';

function fakes() {
  const triggers: string[] = [];
  const events: string[] = [];
  let releaseStartup!: () => void;
  const startupGate = new Promise<void>((r) => (releaseStartup = r));
  const pipeline: FollowerPipeline = {
    async trigger(reason = '') {
      triggers.push(reason);
      if (reason === 'startup') await startupGate;
    },
    stop() {
      events.push('pipeline.stop');
      return Promise.resolve();
    },
  };
  const consistency: FollowerConsistency = {
    start() {
      events.push('consistency.start');
    },
    check() {
      events.push('consistency.check');
      return Promise.resolve();
    },
    stop() {
      events.push('consistency.stop');
      return Promise.resolve();
    },
  };
  const dcrd = new EventEmitter();
  const dcrdConnection = new EventEmitter();
  const wallet = new EventEmitter();
  const follower = new ChainFollower({
    dcrd,
    dcrdConnection,
    pipeline,
    consistency,
    walletConnections: [wallet],
  });
  return { follower, triggers, events, dcrd, dcrdConnection, wallet, releaseStartup };
}

const block = { height: 7, hash: 'ab'.repeat(32) };

describe('ChainFollower', () => {
  it('runs the pipeline at startup, then starts the consistency check', async () => {
    const f = fakes();
    f.follower.start();
    assert.deepEqual(f.triggers, ['startup']);
    assert.deepEqual(f.events, []);
    f.releaseStartup();
    await f.follower.started();
    assert.deepEqual(f.events, ['consistency.start']);
    await f.follower.stop();
  });

  it('asks for a run on every block, disconnection and dcrd reconnection', async () => {
    const f = fakes();
    f.follower.start();
    f.releaseStartup();
    f.dcrd.emit('blockConnected', block);
    f.dcrd.emit('blockDisconnected', block);
    f.dcrdConnection.emit('ready');
    assert.deepEqual(f.triggers, [
      'startup',
      'block 7 connected',
      'block 7 disconnected',
      'dcrd connected',
    ]);
    await f.follower.stop();
  });

  it('checks the wallets again when one reconnects', async () => {
    const f = fakes();
    f.follower.start();
    f.releaseStartup();
    await f.follower.started();
    f.wallet.emit('ready');
    assert.deepEqual(f.events, ['consistency.start', 'consistency.check']);
    await f.follower.stop();
  });

  it('stop() stops intake first, then drains the pipeline and the check', async () => {
    const f = fakes();
    f.follower.start();
    f.releaseStartup();
    await f.follower.stop();
    assert.deepEqual(f.events.slice(-2), ['pipeline.stop', 'consistency.stop']);
    for (const e of [f.dcrd, f.dcrdConnection, f.wallet]) {
      assert.equal(e.eventNames().length, 0, 'no listener left');
    }
    f.dcrd.emit('blockConnected', block);
    assert.deepEqual(f.triggers, ['startup']);
    await f.follower.stop(); // twice is fine
  });

  it('does not start the consistency check if stopped during the startup run', async () => {
    const f = fakes();
    f.follower.start();
    const stopping = f.follower.stop();
    f.releaseStartup();
    await stopping;
    assert.ok(!f.events.includes('consistency.start'));
  });

  it('start() twice is a mistake', () => {
    const f = fakes();
    f.follower.start();
    assert.throws(() => f.follower.start(), /once/);
    f.releaseStartup();
    return f.follower.stop();
  });
});
