// The simnet harness itself: the restored chain is past stake validation height with votes in
// every block since, mining keeps it that way, the wallets are funded, every process it started
// is accounted for, and stop() leaves nothing behind.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  blockHashDisplay,
  decodeBlock,
  hashToDisplay,
  stakeTxType,
  voteBlockRef,
} from '../../src/dcr/index.ts';
import { commandLine, isAlive } from '../../src/simnet/processes.ts';
import { SIMNET, SNAPSHOT_HEIGHT, Simnet } from '../../src/simnet/harness.ts';

/** A block after SVH needs a majority of its five winners to vote. */
const MIN_VOTERS = 3;

describe('e2e: the simnet harness', { timeout: 300_000 }, () => {
  let sim: Simnet;

  before(async () => {
    sim = await Simnet.start();
  });

  after(async () => {
    await sim?.stop();
  });

  /** Check one block's votes against its header, by our own decoding of the raw block. */
  async function checkVotedBlock(hash: string, height: number): Promise<void> {
    const [hex, verbose] = await Promise.all([
      sim.dcrd.getBlockHex(hash),
      sim.dcrd.getBlockHeader(hash),
    ]);
    const block = decodeBlock(hex);
    assert.equal(blockHashDisplay(block.header), hash, `block ${height}: hash`);
    assert.equal(block.header.height, height, `block ${height}: height`);
    assert.equal(verbose.voters, block.header.voters, `block ${height}: voters (getblockheader)`);
    assert.ok(
      block.header.voters >= MIN_VOTERS,
      `block ${height} has ${block.header.voters} voters, want at least ${MIN_VOTERS}`,
    );
    const votes = block.stakeTransactions.filter((tx) => stakeTxType(tx) === 'vote');
    assert.equal(votes.length, block.header.voters, `block ${height}: votes in the stake tree`);
    for (const v of votes) {
      const ref = voteBlockRef(v);
      assert.equal(hashToDisplay(ref.blockHash), verbose.previousblockhash, 'votes on its parent');
      assert.equal(ref.height, height - 1);
    }
  }

  it('restores a chain past SVH with votes in every block since', async () => {
    const { height, hash } = await sim.dcrd.getBestBlock();
    assert.ok(height >= SNAPSHOT_HEIGHT, `height ${height} < ${SNAPSHOT_HEIGHT}`);
    assert.equal(SIMNET.stakeValidationHeight, 144);
    for (let h = SIMNET.stakeValidationHeight; h <= height; h++) {
      await checkVotedBlock(await sim.dcrd.getBlockHash(h), h);
    }
    assert.equal(await sim.dcrd.getBlockHash(height), hash);
    // Before SVH no block may carry votes.
    const pre = await sim.dcrd.getBlockHeader(
      await sim.dcrd.getBlockHash(SIMNET.stakeValidationHeight - 1),
    );
    assert.equal(pre.voters, 0);
  });

  it('mines 5 more blocks, each with votes', async () => {
    const start = await sim.dcrd.getBestBlock();
    const hashes = await sim.mine(5);
    assert.equal(hashes.length, 5);
    let prev = start.hash;
    for (const [i, hash] of hashes.entries()) {
      const height = start.height + i + 1;
      assert.equal(await sim.dcrd.getBlockHash(height), hash, `block ${height} is on the chain`);
      const header = await sim.dcrd.getBlockHeader(hash);
      assert.equal(header.previousblockhash, prev, `block ${height} extends the previous one`);
      await checkVotedBlock(hash, height);
      prev = hash;
    }
    assert.deepEqual(await sim.dcrd.getBestBlock(), { hash: prev, height: start.height + 5 });
  });

  it('has funded wallets', async () => {
    for (const w of [sim.customer, sim.legacyCustomer, sim.miner, ...sim.votingWallets]) {
      const balance = await w.client.getBalance();
      assert.ok(balance > 0n, `wallet ${w.name} has no spendable balance`);
    }
  });

  it('follows a ticket to its vote (waitForTicketOutcome)', async () => {
    const [ticket] = await sim.miner.client.purchaseTicket('default', 1);
    assert.ok(ticket !== undefined);
    const result = await sim.waitForTicketOutcome(ticket);
    assert.equal(result.outcome, 'voted');
    const vote = await sim.dcrd.getRawTransactionVerbose(result.txid);
    assert.equal(vote.blockheight, result.height);
  });

  it('lists every process it started, each alive', () => {
    const st = sim.state();
    assert.equal(st.runDir, sim.runDir);
    assert.ok(existsSync(st.runDir));
    assert.equal(st.dcrd.rpcPort, sim.dcrdRpcPort);
    assert.equal(st.dcrd.cert, sim.dcrdCert);
    assert.ok(existsSync(st.dcrd.cert));
    assert.deepEqual(
      st.wallets.map((w) => [w.name, w.role]),
      [
        ['miner', 'miner'],
        ['voting1', 'voting'],
        ['customer', 'customer'],
        ['legacy', 'legacy'],
      ],
    );
    const procs = [
      { name: 'dcrd', pid: st.dcrd.pid },
      ...st.wallets.map((w) => ({ name: w.name, pid: w.pid })),
    ];
    for (const p of procs) {
      assert.ok(typeof p.pid === 'number', `${p.name} has no pid`);
      assert.ok(isAlive(p.pid), `${p.name} (pid ${p.pid}) is not running`);
      // The pid is really ours: its command line names this harness's run directory.
      assert.ok(commandLine(p.pid)?.includes(st.runDir), `${p.name} pid ${p.pid} is another's`);
    }
    assert.equal(new Set(procs.map((p) => p.pid)).size, procs.length, 'pids are distinct');
    const ports = [st.dcrd.rpcPort, st.dcrd.p2pPort, ...st.wallets.map((w) => w.rpcPort)];
    assert.equal(new Set(ports).size, ports.length, 'ports are distinct');
    for (const w of st.wallets) assert.ok(existsSync(w.cert), `${w.name} certificate`);
  });

  it('stop() leaves no process and no run directory behind', async () => {
    const st = sim.state();
    const pids = [st.dcrd.pid, ...st.wallets.map((w) => w.pid)].filter(
      (p): p is number => p !== undefined,
    );
    assert.equal(pids.length, 1 + st.wallets.length);
    await sim.stop();
    for (const pid of pids) {
      assert.throws(
        () => process.kill(pid, 0),
        (e: NodeJS.ErrnoException) => e.code === 'ESRCH',
        `pid ${pid} still exists`,
      );
    }
    assert.equal(existsSync(st.runDir), false, `${st.runDir} still exists`);
    const after = sim.state();
    assert.equal(after.dcrd.pid, undefined);
    for (const w of after.wallets) assert.equal(w.pid, undefined, `${w.name} pid`);
    await sim.stop(); // a second stop is harmless
  });
});
