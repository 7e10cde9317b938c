import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBlock } from '../../src/dcr/block.ts';
import type { Block } from '../../src/dcr/block.ts';
import { decodeTx, txid } from '../../src/dcr/tx.ts';
import type { Tx } from '../../src/dcr/tx.ts';
import type { PoolBlockContext } from '../../src/chain/pool-tickets.ts';
import {
  examinePoolBlock,
  findPoolTickets,
  hasPoolChanges,
  stakeSpendsInBlock,
  writePoolBlock,
} from '../../src/chain/pool-tickets.ts';
import { FakeChain, newHash, revocationFor, SIMNET, voteFor } from './fakes.ts';
import {
  addr,
  MemoryPoolStore,
  poolTicketTx,
  randomP2pkh,
  randomP2sh,
  soloTicketTx,
} from './pool-fakes.ts';

const DCR = 100_000_000n;

function setup() {
  const chain = new FakeChain(200);
  const feeAddress = randomP2pkh(SIMNET);
  const alice = randomP2sh(SIMNET);
  const bob = randomP2sh(SIMNET);
  let feeSetAsked = 0;
  const ctx: PoolBlockContext = {
    owners: new Map([
      [addr(alice), 1],
      [addr(bob), 2],
    ]),
    feeAddresses: () => {
      feeSetAsked++;
      return new Set([addr(feeAddress)]);
    },
    poolFeePercent: 7.5,
    net: SIMNET,
  };
  const ticket = (voting = alice, poolFee = 55_968_924n): Tx =>
    poolTicketTx({ net: SIMNET, voting, feeAddress, poolFee, price: 10n * DCR });
  const read = (hash: string): Block => decodeBlock(chain.blocks.get(hash)!.hex);
  return { chain, ctx, alice, bob, feeAddress, ticket, read, feeSetAsked: () => feeSetAsked };
}

describe('findPoolTickets', () => {
  it('finds the tickets paying our P2SH addresses, with their owner and fee check', () => {
    const s = setup();
    const a = s.ticket(s.alice);
    const b = s.ticket(s.bob, 1_000n);
    const stranger = s.ticket(randomP2sh(SIMNET));
    const solo = soloTicketTx(SIMNET, 10n * DCR);
    const mined = s.chain.mine([a, stranger, solo, b]);
    const found = findPoolTickets(s.read(mined.hash), mined.hash, s.ctx);
    assert.deepEqual(
      found.map((t) => [t.hash, t.userId, t.feeStatus]),
      [
        [txid(a), 1, 'ok'],
        [txid(b), 2, 'low'],
      ],
    );
    const t = found[0]!;
    assert.equal(t.ticketAddress, addr(s.alice));
    assert.equal(t.purchaseHeight, mined.height);
    assert.equal(t.purchaseBlock, mined.hash);
    assert.equal(t.price, 10n * DCR);
    assert.equal(t.feePaid, 55_968_924n);
    assert.equal(t.feeRequired, 55_968_924n);
    // The stored hex is the ticket itself: the voter builds votes from it without an RPC.
    assert.equal(txid(decodeTx(t.ticketHex)), txid(a));
  });

  it("stores a ticket whose fee goes elsewhere with status 'address'", () => {
    const s = setup();
    const t = poolTicketTx({
      net: SIMNET,
      voting: s.alice,
      feeAddress: randomP2pkh(SIMNET),
      poolFee: 100_000_000n,
      price: 10n * DCR,
    });
    const mined = s.chain.mine([t]);
    const [found] = findPoolTickets(s.read(mined.hash), mined.hash, s.ctx);
    assert.equal(found?.feeStatus, 'address');
  });

  it('checks the fee at the height of the block that mined the ticket', () => {
    const s = setup();
    s.chain.mineN(300); // past two subsidy reductions (every 128 blocks on simnet)
    const t = s.ticket(s.alice, 55_968_924n);
    const mined = s.chain.mine([t]);
    const [found] = findPoolTickets(s.read(mined.hash), mined.hash, s.ctx);
    assert.ok(found !== undefined && found.feeRequired < 55_968_924n);
    assert.equal(found.feeStatus, 'ok');
  });

  it('neither derives the fee addresses nor reads tickets when nobody has an address', () => {
    const s = setup();
    const mined = s.chain.mine([s.ticket()]);
    const found = findPoolTickets(s.read(mined.hash), mined.hash, { ...s.ctx, owners: new Map() });
    assert.deepEqual(found, []);
    const plain = s.chain.mine([soloTicketTx(SIMNET, DCR)]);
    assert.deepEqual(findPoolTickets(s.read(plain.hash), plain.hash, s.ctx), []);
    assert.equal(s.feeSetAsked(), 0);
  });
});

describe('stakeSpendsInBlock', () => {
  it('lists every vote and revocation, whoever owns the ticket', () => {
    const s = setup();
    const [t1, t2, t3] = [newHash(), newHash(), newHash()];
    const mined = s.chain.mine([
      voteFor(t1, s.chain.tip.hash, s.chain.height),
      revocationFor(t2),
      s.ticket(),
      voteFor(t3, s.chain.tip.hash, s.chain.height),
    ]);
    const spends = stakeSpendsInBlock(s.read(mined.hash));
    assert.deepEqual(
      spends.map((sp) => [sp.ticket, sp.kind, sp.height]),
      [
        [t1, 'vote', mined.height],
        [t2, 'revocation', mined.height],
        [t3, 'vote', mined.height],
      ],
    );
  });

  it('finds nothing in a block without stake txs', () => {
    const s = setup();
    const mined = s.chain.mine();
    assert.deepEqual(stakeSpendsInBlock(s.read(mined.hash)), []);
  });
});

describe('examinePoolBlock and writePoolBlock', () => {
  it('names the spends of stored tickets and skips the others', async () => {
    const s = setup();
    const store = new MemoryPoolStore();
    const voted = s.ticket();
    const revoked = s.ticket();
    const bought = s.chain.mine([voted, revoked]);
    await writePoolBlock(
      store,
      await examinePoolBlock(store, s.read(bought.hash), bought.hash, s.ctx),
    );
    assert.equal(store.tickets.length, 2);

    const vote = voteFor(txid(voted), s.chain.tip.hash, s.chain.height);
    const rev = revocationFor(txid(revoked));
    const spent = s.chain.mine([vote, voteFor(newHash(), s.chain.tip.hash, s.chain.height), rev]);
    const changes = await examinePoolBlock(store, s.read(spent.hash), spent.hash, s.ctx);
    assert.deepEqual(changes.tickets, []);
    assert.deepEqual(changes.outcomes, [
      { ticket: txid(voted), outcome: 'voted', height: spent.height, spendTx: txid(vote) },
      { ticket: txid(revoked), outcome: 'missed', height: spent.height, spendTx: txid(rev) },
    ]);
    assert.equal(hasPoolChanges(changes), true);
    await writePoolBlock(store, changes);
    assert.equal(store.ticket(txid(voted))?.outcome, 'voted');
    assert.equal(store.ticket(txid(voted))?.spentBy, txid(vote));
    assert.equal(store.ticket(txid(revoked))?.outcomeHeight, spent.height);

    // Read again (a restart before the scan point was stored): nothing left to write.
    const again = await examinePoolBlock(store, s.read(spent.hash), spent.hash, s.ctx);
    assert.equal(hasPoolChanges(again), false);
  });

  it("calls a revocation at the ticket's expiry 'expired'", async () => {
    const s = setup();
    const net = { ...SIMNET, ticketExpiry: 20 };
    const ctx = { ...s.ctx, net };
    const store = new MemoryPoolStore();
    const t = s.ticket();
    const bought = s.chain.mine([t]);
    await writePoolBlock(
      store,
      await examinePoolBlock(store, s.read(bought.hash), bought.hash, ctx),
    );
    s.chain.mineN(net.ticketMaturity + net.ticketExpiry - 1);
    const rev = s.chain.mine([revocationFor(txid(t))]);
    assert.equal(rev.height, bought.height + net.ticketMaturity + net.ticketExpiry);
    const changes = await examinePoolBlock(store, s.read(rev.hash), rev.hash, ctx);
    assert.equal(changes.outcomes[0]?.outcome, 'expired');
  });

  it('asks the store only when the block spends tickets', async () => {
    const s = setup();
    const store = new MemoryPoolStore();
    const mined = s.chain.mine([s.ticket()]);
    await examinePoolBlock(store, s.read(mined.hash), mined.hash, s.ctx);
    assert.equal(store.calls['getPoolTickets'], undefined);
  });
});
