import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBlock } from '../../src/dcr/block.ts';
import { txid } from '../../src/dcr/tx.ts';
import { clearOutcomesAbove } from '../../src/db/vsp-tickets.ts';
import {
  findForkPoint,
  getScanPoint,
  onMainChain,
  setScanPoint,
  spendOutcome,
  ticketSpendsInBlock,
  UNKNOWN_FORK_DEPTH,
} from '../../src/chain/outcomes.ts';
import { setLastScannedBlock } from '../../src/db/settings.ts';
import {
  FakeChain,
  memoryDb,
  newHash,
  revocationFor,
  SIMNET,
  storeTicket,
  ticket,
  voteFor,
} from './fakes.ts';

describe('ticketSpendsInBlock', () => {
  it('finds the votes and revocations of watched tickets only', () => {
    const chain = new FakeChain(3);
    const [a, b, c] = [newHash(), newHash(), newHash()];
    const vote = voteFor(a, chain.tip.hash, 3);
    const other = voteFor(c, chain.tip.hash, 3);
    const revocation = revocationFor(b);
    const block = decodeBlock(chain.mine([vote, other, revocation]).hex);
    const spends = ticketSpendsInBlock(block, new Set([a, b]));
    assert.deepEqual(spends, [
      { ticket: a, spendTx: txid(vote), kind: 'vote', height: 4 },
      { ticket: b, spendTx: txid(revocation), kind: 'revocation', height: 4 },
    ]);
    assert.deepEqual(ticketSpendsInBlock(block, new Set()), []);
  });
});

describe('spendOutcome', () => {
  const net = { ticketMaturity: 16, ticketExpiry: 100 };
  const expiry = 1000 + 16 + 100;
  const cases: [string, 'vote' | 'revocation', number, string][] = [
    ['a vote', 'vote', expiry + 50, 'voted'],
    ['revoked before expiry', 'revocation', expiry - 1, 'missed'],
    ['revoked at expiry', 'revocation', expiry, 'expired'],
    ['revoked one block after expiry', 'revocation', expiry + 1, 'expired'],
    ['revoked later', 'revocation', expiry + 2, 'missed'],
  ];
  for (const [name, kind, height, want] of cases) {
    it(name, () => assert.equal(spendOutcome({ kind, height }, 1000, net), want));
  }
  it('uses the network parameters', () => {
    const e = 10 + SIMNET.ticketMaturity + SIMNET.ticketExpiry;
    assert.equal(spendOutcome({ kind: 'revocation', height: e }, 10, SIMNET), 'expired');
  });
});

describe('scan point', () => {
  it('stores height and hash together; a height alone has no hash', async (t) => {
    const { db, close } = await memoryDb();
    t.after(close);
    assert.equal(await getScanPoint(db), undefined);
    await setLastScannedBlock(db, 7);
    assert.deepEqual(await getScanPoint(db), { height: 7, hash: undefined });
    const hash = newHash();
    await setScanPoint(db, { height: 9, hash });
    assert.deepEqual(await getScanPoint(db), { height: 9, hash });
  });

  it('clearOutcomesAbove touches only outcomes recorded above the height', async (t) => {
    const { db, close } = await memoryDb();
    t.after(close);
    const above = await storeTicket(db, {
      outcome: 'voted',
      outcomeHeight: 11,
      spendTxHash: newHash(),
    });
    const at = await storeTicket(db, { outcome: 'missed', outcomeHeight: 10 });
    const imported = await storeTicket(db, { outcome: 'voted' });
    assert.equal(await clearOutcomesAbove(db, 10), 1);
    const a = await ticket(db, above.hash);
    assert.deepEqual([a.outcome, a.outcomeHeight, a.spendTxHash], ['', 0, '']);
    assert.equal((await ticket(db, at.hash)).outcome, 'missed');
    assert.equal((await ticket(db, imported.hash)).outcome, 'voted');
  });
});

describe('fork point', () => {
  it('is the stored block itself while it is on the main chain', async () => {
    const chain = new FakeChain(20);
    const point = { height: 15, hash: chain.main[15]! };
    assert.equal(await onMainChain(chain.dcrd(), point, 20), true);
    assert.equal(await onMainChain(chain.dcrd(), { height: 15, hash: undefined }, 20), true);
    assert.equal(await onMainChain(chain.dcrd(), { height: 25, hash: undefined }, 20), false);
  });

  it('follows the old chain back to the newest common block', async () => {
    const chain = new FakeChain(20);
    const old = chain.tip.hash;
    chain.disconnectTo(17);
    chain.mineN(5);
    const point = { height: 20, hash: old };
    assert.equal(await onMainChain(chain.dcrd(), point, chain.height), false);
    assert.deepEqual(await findForkPoint(chain.dcrd(), point, chain.height), {
      height: 17,
      hash: chain.main[17],
    });
  });

  it('falls back a fixed depth when dcrd does not know the block', async () => {
    const chain = new FakeChain(400);
    const fork = await findForkPoint(chain.dcrd(), { height: 390, hash: newHash() }, 400);
    assert.deepEqual(fork, {
      height: 390 - UNKNOWN_FORK_DEPTH,
      hash: chain.main[390 - UNKNOWN_FORK_DEPTH],
    });
  });

  it('passes other dcrd errors up', async () => {
    const chain = new FakeChain(20);
    const old = chain.tip.hash;
    chain.disconnectTo(18);
    chain.mine();
    chain.fail.getBlockHeader = () => new Error('socket closed');
    await assert.rejects(
      findForkPoint(chain.dcrd(), { height: 20, hash: old }, 19),
      /socket closed/,
    );
  });
});
