// The voter's heartbeat: written at start, after every block the voter handled (through
// PoolVoter's onBlock) and on a timer; failures logged, never thrown; removed on a clean stop.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { netParams } from '../../src/dcr/params.ts';
import type { VoterHeartbeat } from '../../src/db/voter-heartbeats.ts';
import { MAX_VOTER_NAME } from '../../src/db/voter-heartbeats.ts';
import { PoolVoter } from '../../src/voting/pool-voter.ts';
import { defaultVoterName, VoterHeartbeatWriter } from '../../src/voting/voter-heartbeat.ts';
import type { VoterHeartbeatStore } from '../../src/voting/voter-heartbeat.ts';

class MemoryStore implements VoterHeartbeatStore {
  written: VoterHeartbeat[] = [];
  removed: string[] = [];
  failWrites = false;
  async write(hb: VoterHeartbeat): Promise<void> {
    await Promise.resolve();
    if (this.failWrites) throw new Error('database down');
    this.written.push(hb);
  }
  async remove(name: string): Promise<boolean> {
    this.removed.push(name);
    return Promise.resolve(true);
  }
}

function fakeVoter(onBlock: () => void): PoolVoter {
  const dcrd = Object.assign(new EventEmitter(), {
    sendRawTransaction: () => Promise.resolve(''),
  });
  return new PoolVoter({
    dcrd,
    tickets: { votablePoolTickets: () => Promise.resolve([]) },
    keys: { privateKey: () => new Uint8Array(32) },
    net: netParams('simnet'),
    voteVersion: 11,
    onBlock,
  });
}

describe('VoterHeartbeatWriter', () => {
  it('beats at start and after each block, then removes its row on stop', async () => {
    const store = new MemoryStore();
    let clock = 1_700_000_000_500;
    const voter = fakeVoter(() => void writer.beat());
    const writer = new VoterHeartbeatWriter({ voter, store, name: 'v1:9', now: () => clock });
    voter.start();
    await writer.start();
    assert.deepEqual(store.written, [
      { name: 'v1:9', startedAt: 1_700_000_000, at: 1_700_000_000, voteVersion: 11 },
    ]);
    clock += 30_000;
    await voter.handle({ blockHash: 'ab'.repeat(32), height: 77, tickets: [] });
    await writer.beat(); // waits for the write the block started
    const last = store.written.at(-1);
    assert.equal(last?.at, 1_700_000_030);
    assert.equal(last?.startedAt, 1_700_000_000);
    assert.equal(last?.lastBlock?.height, 77);
    assert.deepEqual(
      { ...last?.lastBlock, at: 0 },
      { height: 77, at: 0, ours: 0, sent: 0, duplicates: 0, failed: 0 },
    );
    await voter.stop();
    await writer.stop();
    assert.deepEqual(store.removed, ['v1:9']);
    const n = store.written.length;
    await writer.beat();
    assert.equal(store.written.length, n, 'no beat after stop');
  });

  it('carries the voter cache age of the last block', () => {
    const writer = new VoterHeartbeatWriter({
      store: new MemoryStore(),
      name: 'c',
      voter: {
        voteVersion: 11,
        lastBlock: {
          blockHash: '',
          height: 5,
          winners: 5,
          ours: 1,
          sent: 1,
          duplicates: 0,
          failed: 0,
          lookupFailed: false,
          cacheAgeS: 42,
          ms: 3,
          at: 9_000,
        },
      },
    });
    assert.deepEqual(writer.snapshot().lastBlock, {
      height: 5,
      at: 9,
      ours: 1,
      sent: 1,
      duplicates: 0,
      failed: 0,
      cacheAgeS: 42,
    });
  });

  it('folds beats asked during a write into one more, and logs failures', async () => {
    const store = new MemoryStore();
    const warnings: string[] = [];
    const log = {
      info: () => {},
      debug: () => {},
      error: () => {},
      warn: (_: object, msg: string) => void warnings.push(msg),
    };
    const writer = new VoterHeartbeatWriter({
      store,
      name: 'f',
      voter: { voteVersion: 1, lastBlock: undefined },
      log,
    });
    const first = writer.start();
    void writer.beat();
    void writer.beat();
    await first;
    assert.equal(store.written.length, 2);
    store.failWrites = true;
    await writer.beat();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /heartbeat not written/);
    await writer.stop();
    assert.deepEqual(store.removed, ['f']);
  });

  it('is named host:pid by default, cut to fit the settings row', () => {
    assert.equal(
      new VoterHeartbeatWriter({
        store: new MemoryStore(),
        voter: { voteVersion: 1, lastBlock: undefined },
      }).name,
      defaultVoterName(),
    );
    assert.match(defaultVoterName(), new RegExp(`:${process.pid}$`));
    const long = new VoterHeartbeatWriter({
      store: new MemoryStore(),
      name: 'n'.repeat(100),
      voter: { voteVersion: 1, lastBlock: undefined },
    });
    assert.equal(long.name.length, MAX_VOTER_NAME);
  });

  it('a writer never started removes nothing on stop', async () => {
    const store = new MemoryStore();
    const w = new VoterHeartbeatWriter({
      store,
      name: 'x',
      voter: { voteVersion: 1, lastBlock: undefined },
    });
    await w.stop();
    assert.deepEqual(store.removed, []);
  });
});
