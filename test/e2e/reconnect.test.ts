// A DcrdClient outlives its dcrd: when dcrd is killed (SIGKILL) and started again on the same
// ports, the client reports the disconnect, reconnects by itself, re-subscribes, and serves calls
// and notifications again, without the caller doing anything.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { blockHashDisplay, decodeBlockHeader } from '../../src/dcr/index.ts';
import { DcrdClient } from '../../src/rpc/dcrd.ts';
import { RpcConnectionError } from '../../src/rpc/errors.ts';
import { SIMNET, Simnet } from '../../src/simnet/harness.ts';

const WAIT_MS = 30_000;

async function waitFor(what: string, cond: () => boolean, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('e2e: DcrdClient reconnects after dcrd is killed', { timeout: 300_000 }, () => {
  let sim: Simnet;
  let client: DcrdClient;
  const events: string[] = [];
  let disconnectError: Error | undefined;
  /** Block hash → height, from blockconnected (header decoded by src/dcr). */
  const connected = new Map<string, number>();
  /** Block hash → winners, from winningtickets. */
  const winners = new Map<string, { height: number; tickets: string[] }>();

  before(async () => {
    sim = await Simnet.start();
    client = new DcrdClient({
      url: `wss://127.0.0.1:${sim.dcrdRpcPort}/ws`,
      user: sim.state().rpcUser,
      pass: sim.state().rpcPass,
      ca: readFileSync(sim.dcrdCert),
      net: SIMNET,
      name: 'dcrd (reconnect test)',
      notifyBlocks: true,
      notifyWinningTickets: true,
      callTimeoutMs: 30_000,
      reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 },
    });
    client.rpc.on('ready', () => events.push('ready'));
    client.rpc.on('disconnected', (e) => {
      events.push('disconnected');
      disconnectError = e;
    });
    client.rpc.on('setupError', () => events.push('setupError'));
    client.rpc.on('notification', (method, params) => {
      if (method === 'blockconnected') {
        const header = decodeBlockHeader(params[0] as string);
        connected.set(blockHashDisplay(header), header.height);
      } else if (method === 'winningtickets') {
        const [hash, height, tickets] = params as [string, number, Record<string, string>];
        winners.set(hash, { height, tickets: Object.values(tickets) });
      }
    });
    await client.connect({ timeoutMs: 30_000 });
  });

  after(async () => {
    client?.close();
    await sim?.stop();
  });

  /** Mine `n` blocks and wait for both notifications of each. */
  async function mineAndExpectNotifications(n: number): Promise<void> {
    const start = await sim.dcrd.getBestBlock();
    const hashes = await sim.mine(n);
    assert.equal(hashes.length, n);
    for (const [i, hash] of hashes.entries()) {
      const height = start.height + i + 1;
      await waitFor(`blockconnected for ${height}`, () => connected.has(hash));
      assert.equal(connected.get(hash), height);
      await waitFor(`winningtickets for ${height}`, () => winners.has(hash));
      const w = winners.get(hash)!;
      assert.equal(w.height, height);
      assert.equal(w.tickets.length, SIMNET.ticketsPerBlock, `${height}: five winners`);
    }
  }

  it('connects, subscribes and gets notifications', async () => {
    assert.deepEqual(events, ['ready']);
    assert.equal(client.rpc.isReady, true);
    assert.deepEqual(await client.getBestBlock(), await sim.dcrd.getBestBlock());
    await mineAndExpectNotifications(2);
  });

  it('reports the kill, reconnects by itself and serves calls again', async () => {
    const before = await client.getBestBlock();
    await sim.restartDcrd(true);
    await waitFor('disconnected and ready again', () => events.length >= 3);
    assert.deepEqual(events, ['ready', 'disconnected', 'ready']);
    assert.ok(disconnectError instanceof RpcConnectionError, String(disconnectError));
    assert.equal(client.rpc.isReady, true);
    // The same chain, now served by the new dcrd process.
    assert.deepEqual(await client.getBestBlock(), before);
    assert.deepEqual(await client.getBestBlock(), await sim.dcrd.getBestBlock());
    const info = await client.getInfo();
    assert.equal(info.blocks, before.height);
    assert.equal(info.txindex, true);
  });

  it('gets notifications again for blocks mined after the restart', async () => {
    // Mining needs the miner wallet back on the new dcrd and voting: this also proves that.
    await mineAndExpectNotifications(3);
    assert.deepEqual(events, ['ready', 'disconnected', 'ready'], 'no further reconnects');
  });

  it('serves a call made while dcrd is down once dcrd is back', async () => {
    await sim.stopProcess('dcrd', true);
    await waitFor('disconnected', () => events.length >= 4);
    assert.equal(events[3], 'disconnected');
    assert.equal(client.rpc.isReady, false);
    const pending = client.getBestBlock();
    await sleep(500); // the client keeps retrying meanwhile
    await sim.restartDcrd();
    const best = await pending;
    assert.deepEqual(best, await sim.dcrd.getBestBlock());
    assert.deepEqual(events.slice(3), ['disconnected', 'ready']);
    await mineAndExpectNotifications(2);
  });
});
