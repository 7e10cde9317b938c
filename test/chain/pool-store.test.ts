// The pool's chain job over the real repositories (dbPoolTicketStore) on every engine.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeAddress } from '../../src/dcr/address.ts';
import { toHex } from '../../src/dcr/bytes.ts';
import { txid } from '../../src/dcr/tx.ts';
import type { Tx } from '../../src/dcr/tx.ts';
import { getPoolTicket } from '../../src/db/pool-tickets.ts';
import { createPoolUser, setPoolUserMultisig } from '../../src/db/pool-users.ts';
import { getSetting } from '../../src/db/settings.ts';
import type { Db } from '../../src/db/transaction.ts';
import {
  dbPoolTicketStore,
  getPoolScanPoint,
  POOL_SCAN_KEYS,
  resolvePoolPipelineOptions,
  scanPoolTickets,
} from '../../src/chain/pool-pipeline.ts';
import { describeEachEngine } from '../db/engines.ts';
import { FakeChain, SIMNET, voteFor } from './fakes.ts';
import { addr, poolTicketTx, randomP2pkh, randomP2sh } from './pool-fakes.ts';

const DCR = 100_000_000n;
let n = 0;

async function user(db: Db, heightRegistered: number): Promise<{ id: number; address: string }> {
  n++;
  const u = await createPoolUser(db, {
    email: `user${n}@example.org`,
    passwordHash: 'scrypt$x',
    emailVerified: 1,
    voteBits: 1,
    voteBitsVersion: 10,
  });
  assert.ok(u !== undefined);
  const address = addr(randomP2sh(SIMNET));
  const ok = await setPoolUserMultisig(db, u.id, {
    address,
    script: toHex(new Uint8Array(71).fill(n % 256)),
    poolPubKeyAddr: `SkPool${n}`,
    userPubKeyAddr: `SkUser${n}`,
    feeAddress: addr(randomP2pkh(SIMNET)),
    heightRegistered,
  });
  assert.ok(ok);
  return { id: u.id, address };
}

describeEachEngine('pool ticket scan on the database', (get) => {
  it('finds, follows and undoes tickets through dbPoolTicketStore', async () => {
    const { db } = get();
    const store = dbPoolTicketStore(db);
    const chain = new FakeChain(160);
    const feeAddress = randomP2pkh(SIMNET);
    const d = resolvePoolPipelineOptions({
      store,
      dcrd: chain.dcrd(),
      net: SIMNET,
      poolFeePercent: 7.5,
      feeAddresses: () => new Set([addr(feeAddress)]),
    });
    const ticket = (address: string, poolFee = 55_968_924n): Tx =>
      poolTicketTx({
        net: SIMNET,
        voting: decodeAddress(address, SIMNET),
        feeAddress,
        poolFee,
        price: 10n * DCR,
      });

    // Nobody has an address yet: the first run starts at the tip.
    await scanPoolTickets(d);
    assert.deepEqual(await getPoolScanPoint(store), { height: 160, hash: chain.tip.hash });

    const alice = await user(db, 150);
    const a = ticket(alice.address);
    const low = ticket(alice.address, 5n);
    const bought = chain.mine([a, low]);
    chain.mineN(2);
    const r1 = await scanPoolTickets(d);
    assert.equal(r1.found.length, 2);
    const stored = await getPoolTicket(db, txid(a));
    assert.equal(stored?.userId, alice.id);
    assert.equal(stored?.purchaseHeight, bought.height);
    assert.equal(stored?.feeStatus, 'ok');
    assert.equal(stored?.feeRequired, 55_968_924n);
    assert.equal((await getPoolTicket(db, txid(low)))?.feeStatus, 'low');
    assert.equal(await getSetting(db, POOL_SCAN_KEYS.height), String(chain.height));

    const fork = chain.height;
    const vote = voteFor(txid(a), chain.tip.hash, fork);
    chain.mine([vote]);
    await scanPoolTickets(d);
    assert.equal((await getPoolTicket(db, txid(a)))?.outcome, 'voted');
    assert.equal((await getPoolTicket(db, txid(a)))?.spentBy, txid(vote));

    // Reorg back below the purchase: the tickets and the vote are undone, then found again.
    chain.disconnectTo(bought.height - 1);
    chain.mine();
    const again = chain.mine([a, low]);
    const r2 = await scanPoolTickets(d);
    assert.equal(r2.reorg?.forkHeight, bought.height - 1);
    assert.equal(r2.reorg?.removed, 2);
    assert.equal((await getPoolTicket(db, txid(a)))?.purchaseHeight, again.height);
    assert.equal((await getPoolTicket(db, txid(a)))?.outcome, '');
  });

  it('rolls back every write of an atomically block that throws', async () => {
    const { db } = get();
    const store = dbPoolTicketStore(db);
    await assert.rejects(
      store.atomically(async (trx) => {
        await trx.setSetting(POOL_SCAN_KEYS.height, '999999');
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.notEqual(await getSetting(db, POOL_SCAN_KEYS.height), '999999');
  });

  it('knows the lowest registration height', async () => {
    const { db } = get();
    const store = dbPoolTicketStore(db);
    const before = await store.minHeightRegistered();
    await user(db, 3);
    assert.equal(await store.minHeightRegistered(), Math.min(3, before ?? 3));
    const owners = await store.poolMultisigOwners();
    assert.ok(owners.size >= 1);
  });
});
