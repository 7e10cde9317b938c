import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  deleteAltSignAddress,
  getAltSignAddress,
  insertAltSignAddress,
} from '../../src/db/vsp-alt-sign.ts';
import { insertTicket } from '../../src/db/vsp-tickets.ts';
import { appendVoteChange, MAX_VOTE_CHANGES, voteChanges } from '../../src/db/vsp-vote-changes.ts';
import type { Db } from '../../src/db/transaction.ts';
import { describeEachEngine, newHash } from './engines.ts';

let n = 0;
async function ticket(db: Db): Promise<string> {
  n += 1;
  const hash = newHash();
  await insertTicket(db, {
    hash,
    commitmentAddress: 'SsCommit',
    feeAddressXpubId: 0,
    feeAddressIndex: n,
    feeAddress: `SsFee${hash.slice(0, 20)}`,
    feeAmount: 1000n,
    feeExpiration: 1_700_000_000,
  });
  return hash;
}

function record(i: number) {
  const request = JSON.stringify({ timestamp: 1_700_000_000 + i, votechoices: { a: 'yes' } });
  return {
    request,
    requestSignature: `H${i}`.padEnd(88, '='),
    response: JSON.stringify({ timestamp: 1_700_000_100 + i, request: btoa(request) }),
    responseSignature: `R${i}`.padEnd(88, '='),
  };
}

describeEachEngine('vsp vote changes and alt sign addresses', (get) => {
  it('appends with increasing serial numbers and reads them back in order', async () => {
    const { db } = get();
    const hash = await ticket(db);
    assert.deepEqual(await voteChanges(db, hash), []);
    assert.equal(await appendVoteChange(db, hash, record(0)), 0);
    assert.equal(await appendVoteChange(db, hash, record(1)), 1);
    const got = await voteChanges(db, hash);
    assert.deepEqual(
      got.map((r) => ({ ...r, createdAt: 0 })),
      [0, 1].map((i) => ({ ticketHash: hash, seq: i, ...record(i), createdAt: 0 })),
    );
  });

  it('keeps at most 10 per ticket, dropping the oldest first, as vspd does', async () => {
    const { db } = get();
    const hash = await ticket(db);
    const other = await ticket(db);
    await appendVoteChange(db, other, record(99));
    for (let i = 0; i < 15; i++) await appendVoteChange(db, hash, record(i));
    const got = await voteChanges(db, hash);
    assert.equal(got.length, MAX_VOTE_CHANGES);
    assert.deepEqual(
      got.map((r) => r.seq),
      [5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
    );
    assert.equal(got[0]?.request, record(5).request);
    assert.equal(got.at(-1)?.request, record(14).request);
    assert.equal((await voteChanges(db, other)).length, 1, 'other tickets untouched');
  });

  it('honours a smaller cap', async () => {
    const { db } = get();
    const hash = await ticket(db);
    for (let i = 0; i < 4; i++) await appendVoteChange(db, hash, record(i), 2);
    assert.deepEqual(
      (await voteChanges(db, hash)).map((r) => r.seq),
      [2, 3],
    );
    await assert.rejects(appendVoteChange(db, hash, record(9), 0), { message: /^max:/ });
  });

  it('serialises concurrent appends to one ticket without losing the cap', async () => {
    const { db } = get();
    const hash = await ticket(db);
    const seqs = await Promise.all(
      Array.from({ length: 14 }, (_, i) => appendVoteChange(db, hash, record(i))),
    );
    assert.deepEqual(
      [...seqs].sort((a, b) => a - b),
      Array.from({ length: 14 }, (_, i) => i),
    );
    assert.deepEqual(
      (await voteChanges(db, hash)).map((r) => r.seq),
      [4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
    );
  });

  it('refuses a record for a ticket that is not stored', async () => {
    const { db } = get();
    await assert.rejects(appendVoteChange(db, newHash(), record(0)), {
      name: 'RangeError',
      message: /^ticketHash: ticket [0-9a-f]{64} is not stored/,
    });
  });

  it('stores one alternate sign address per ticket, ever', async () => {
    const { db } = get();
    const hash = newHash(); // setaltsignaddr may precede /feeaddress: no ticket row needed
    const rec = { ticketHash: hash, address: 'TsfDLrRkk9ciUuwfp2b8PawwnukYD7yAjGd', ...record(1) };
    assert.equal(await insertAltSignAddress(db, rec), true);
    assert.equal(await insertAltSignAddress(db, { ...rec, address: 'TsOther' }), false);
    const got = await getAltSignAddress(db, hash);
    assert.deepEqual({ ...got, createdAt: 0 }, { ...rec, createdAt: 0 });
    assert.equal(await getAltSignAddress(db, newHash()), undefined);
    assert.equal(await deleteAltSignAddress(db, hash), true);
    assert.equal(await getAltSignAddress(db, hash), undefined);
    await assert.rejects(insertAltSignAddress(db, { ...rec, ticketHash: 'x' }), {
      message: /^ticketHash:/,
    });
  });
});
