import assert from 'node:assert/strict';
import { it } from 'node:test';
import { appendVoteChange, voteChanges } from '../../src/db/vsp-vote-changes.ts';
import { getAltSignAddress, insertAltSignAddress } from '../../src/db/vsp-alt-sign.ts';
import {
  countsByOutcome,
  deleteTicket,
  earliestVotablePurchaseHeight,
  feeRevenue,
  findTickets,
  getTicket,
  getTicketByFeeAddress,
  getTickets,
  insertTicket,
  missingPurchaseHeight,
  pendingFees,
  ticketsByFeeStatus,
  ticketsByOutcome,
  unconfirmedFees,
  unconfirmedTickets,
  updateTicket,
  votableTickets,
} from '../../src/db/vsp-tickets.ts';
import type { NewTicket, Ticket, TicketPatch } from '../../src/db/vsp-tickets.ts';
import type { Db } from '../../src/db/transaction.ts';
import { describeEachEngine, newHash } from './engines.ts';

let feeIndex = 0;
function newTicket(overrides: Partial<NewTicket> = {}): NewTicket {
  feeIndex += 1;
  return {
    hash: newHash(),
    commitmentAddress: `SsCommitment${feeIndex}`,
    feeAddressXpubId: 0,
    feeAddressIndex: feeIndex,
    feeAddress: `SsFeeAddress${feeIndex}x${Math.random().toString(36).slice(2, 10)}`,
    feeAmount: 1_081_256n,
    feeExpiration: 1_700_000_000 + feeIndex,
    ...overrides,
  };
}

async function stored(db: Db, t: NewTicket, patch: TicketPatch = {}): Promise<Ticket> {
  assert.equal(await insertTicket(db, t), true);
  if (Object.keys(patch).length > 0) assert.equal(await updateTicket(db, t.hash, patch), true);
  const got = await getTicket(db, t.hash);
  assert.ok(got);
  return got;
}

const hashesOf = (ts: Ticket[]) => ts.map((t) => t.hash);

describeEachEngine('vsp tickets', (get) => {
  it('inserts a ticket with vspd defaults and reads it back', async () => {
    const { db } = get();
    const t = newTicket();
    const before = Math.floor(Date.now() / 1000);
    assert.equal(await insertTicket(db, t), true);
    const got = await getTicket(db, t.hash);
    assert.ok(got);
    assert.deepEqual(
      { ...got, createdAt: 0, updatedAt: 0 },
      {
        ...t,
        purchaseHeight: 0,
        confirmed: false,
        votingWif: '',
        voteChoices: {},
        tspendPolicy: {},
        treasuryPolicy: {},
        feeTxHex: '',
        feeTxHash: '',
        feeTxStatus: 'none',
        outcome: '',
        outcomeHeight: 0,
        spendTxHash: '',
        createdAt: 0,
        updatedAt: 0,
      },
    );
    assert.ok(got.createdAt >= before && got.updatedAt === got.createdAt);
    assert.deepEqual(await getTicketByFeeAddress(db, t.feeAddress), got);
  });

  it('returns undefined for an unknown ticket', async () => {
    const { db } = get();
    assert.equal(await getTicket(db, newHash()), undefined);
    assert.equal(await getTicketByFeeAddress(db, 'SsNope'), undefined);
    assert.equal(await updateTicket(db, newHash(), { confirmed: true }), false);
    assert.equal(await deleteTicket(db, newHash()), false);
  });

  it('reports a duplicate hash as false and keeps the first row', async () => {
    const { db } = get();
    const t = newTicket();
    assert.equal(await insertTicket(db, t), true);
    assert.equal(await insertTicket(db, { ...newTicket(), hash: t.hash }), false);
    assert.equal((await getTicket(db, t.hash))?.feeAddress, t.feeAddress);
  });

  it('still fails on a fee address used by another ticket', async () => {
    const { db } = get();
    const t = newTicket();
    await insertTicket(db, t);
    await assert.rejects(insertTicket(db, newTicket({ feeAddress: t.feeAddress })));
  });

  it('accepts optional fields at insert (e.g. purchase height known at /feeaddress)', async () => {
    const { db } = get();
    const t = newTicket({ purchaseHeight: 812_345, confirmed: true });
    const got = await stored(db, t);
    assert.equal(got.purchaseHeight, 812_345);
    assert.equal(got.confirmed, true);
  });

  it('updates only the fields named in a patch', async () => {
    const { db } = get();
    const t = newTicket();
    await insertTicket(db, t);
    const payfee: TicketPatch = {
      votingWif: 'PmQdVvV3Ji8bXvwKkUtwsaBH5JTWuYvA6WSGeAR3HmZ4VdRAWwXD1',
      feeTxHex: '01000000' + 'ab'.repeat(200),
      feeTxHash: newHash(),
      feeTxStatus: 'received',
      voteChoices: { autorevocations: 'yes', changesubsidysplit: 'no' },
      tspendPolicy: { [newHash()]: 'no' },
      treasuryPolicy: { ['02' + 'aa'.repeat(32)]: 'abstain' },
    };
    assert.equal(await updateTicket(db, t.hash, payfee), true);
    let got = await getTicket(db, t.hash);
    assert.ok(got);
    assert.deepEqual(
      {
        votingWif: got.votingWif,
        feeTxHex: got.feeTxHex,
        feeTxHash: got.feeTxHash,
        feeTxStatus: got.feeTxStatus,
        voteChoices: got.voteChoices,
        tspendPolicy: got.tspendPolicy,
        treasuryPolicy: got.treasuryPolicy,
      },
      payfee,
    );
    assert.equal(got.feeAmount, t.feeAmount, 'untouched field kept');
    assert.equal(got.commitmentAddress, t.commitmentAddress);

    assert.equal(await updateTicket(db, t.hash, { confirmed: true, purchaseHeight: 100 }), true);
    got = await getTicket(db, t.hash);
    assert.equal(got?.confirmed, true);
    assert.equal(got?.purchaseHeight, 100);
    assert.equal(got?.feeTxStatus, 'received', 'earlier patch kept');
    assert.deepEqual(got?.voteChoices, payfee.voteChoices);

    const spend = newHash();
    await updateTicket(db, t.hash, {
      feeTxStatus: 'confirmed',
      feeTxHex: '',
      outcome: 'voted',
      outcomeHeight: 4242,
      spendTxHash: spend,
      feeAmount: 2n ** 60n,
    });
    got = await getTicket(db, t.hash);
    assert.equal(got?.feeTxHex, '');
    assert.equal(got?.outcome, 'voted');
    assert.equal(got?.outcomeHeight, 4242);
    assert.equal(got?.spendTxHash, spend);
    assert.equal(got?.feeAmount, 2n ** 60n);
  });

  it('updates conditionally on the stored fee status (compare-and-set)', async () => {
    const { db } = get();
    const t = newTicket();
    await insertTicket(db, t);
    const open = { feeTxStatusIn: ['none', 'error'] as const };
    assert.equal(await updateTicket(db, t.hash, { feeTxStatus: 'received' }, open), true);
    // A second payfee racing the first finds the status moved on and writes nothing.
    assert.equal(
      await updateTicket(db, t.hash, { feeTxStatus: 'received', votingWif: 'x' }, open),
      false,
    );
    assert.equal((await getTicket(db, t.hash))?.votingWif, '');
    assert.equal(await updateTicket(db, t.hash, { votingWif: 'x' }, { feeTxStatusIn: [] }), false);
  });

  it('reports success for a patch that changes nothing (matched rows, not changed rows)', async () => {
    const { db } = get();
    const t = newTicket();
    await insertTicket(db, t);
    assert.equal(await updateTicket(db, t.hash, {}), true);
    assert.equal(await updateTicket(db, t.hash, { feeAmount: t.feeAmount }), true);
  });

  it('rejects malformed input naming the field', async () => {
    const { db } = get();
    await assert.rejects(insertTicket(db, newTicket({ hash: 'AB' })), {
      name: 'TypeError',
      message: /^hash:/,
    });
    await assert.rejects(insertTicket(db, newTicket({ feeAmount: -1n })), {
      name: 'RangeError',
      message: /^feeAmount:/,
    });
    const t = newTicket();
    await insertTicket(db, t);
    await assert.rejects(updateTicket(db, t.hash, { feeTxStatus: 'paid' as never }), {
      name: 'TypeError',
      message: /^feeTxStatus:/,
    });
    await assert.rejects(updateTicket(db, t.hash, { outcome: 'won' as never }), {
      message: /^outcome:/,
    });
    await assert.rejects(updateTicket(db, t.hash, { purchaseHeight: -5 }), {
      name: 'RangeError',
      message: /^purchaseHeight:/,
    });
    await assert.rejects(updateTicket(db, t.hash, { voteChoices: { a: 1 } as never }), {
      message: /^voteChoices:/,
    });
    await assert.rejects(updateTicket(db, t.hash, { spendTxHash: 'zz' }), {
      message: /^spendTxHash:/,
    });
  });

  it('deletes a ticket with its vote changes and alt sign address', async () => {
    const { db } = get();
    const t = newTicket();
    await insertTicket(db, t);
    const rec = { request: '{}', requestSignature: 's', response: '{}', responseSignature: 'r' };
    await appendVoteChange(db, t.hash, rec);
    await insertAltSignAddress(db, { ticketHash: t.hash, address: 'SsAlt', ...rec });
    assert.equal(await deleteTicket(db, t.hash), true);
    assert.equal(await getTicket(db, t.hash), undefined);
    assert.deepEqual(await voteChanges(db, t.hash), []);
    assert.equal(await getAltSignAddress(db, t.hash), undefined);
    // setaltsignaddr came first and the ticket never got stored: the record still goes.
    const orphan = newHash();
    await insertAltSignAddress(db, { ticketHash: orphan, address: 'SsAlt', ...rec });
    assert.equal(await deleteTicket(db, orphan), false);
    assert.equal(await getAltSignAddress(db, orphan), undefined);
  });

  it('answers the block pipeline queries', async () => {
    const { db } = get();
    // A private set of tickets: clear what earlier tests left.
    await db.deleteFrom('vsp_vote_changes').execute();
    await db.deleteFrom('vsp_tickets').execute();
    const fresh = await stored(db, newTicket());
    const immature = await stored(db, newTicket(), { feeTxStatus: 'received' });
    const pending = await stored(db, newTicket(), {
      confirmed: true,
      purchaseHeight: 300,
      feeTxStatus: 'received',
    });
    const broadcast = await stored(db, newTicket(), {
      confirmed: true,
      purchaseHeight: 200,
      feeTxStatus: 'broadcast',
    });
    const votable = await stored(db, newTicket({ feeAmount: 2n ** 55n }), {
      confirmed: true,
      purchaseHeight: 150,
      feeTxStatus: 'confirmed',
    });
    const votable2 = await stored(db, newTicket({ feeAmount: 10n }), {
      confirmed: true,
      purchaseHeight: 250,
      feeTxStatus: 'confirmed',
    });
    const voted = await stored(db, newTicket({ feeAmount: 20n }), {
      confirmed: true,
      purchaseHeight: 100,
      feeTxStatus: 'confirmed',
      outcome: 'voted',
    });
    const missed = await stored(db, newTicket({ feeAmount: 40n }), {
      confirmed: true,
      purchaseHeight: 90,
      feeTxStatus: 'confirmed',
      outcome: 'missed',
    });
    const revoked = await stored(db, newTicket({ feeAmount: 80n }), {
      confirmed: true,
      purchaseHeight: 80,
      feeTxStatus: 'confirmed',
      outcome: 'revoked',
    });
    const noHeight = await stored(db, newTicket({ feeAmount: 160n }), {
      confirmed: true,
      feeTxStatus: 'confirmed',
    });
    const failed = await stored(db, newTicket(), { feeTxStatus: 'error' });

    assert.deepEqual(
      hashesOf(await unconfirmedTickets(db)),
      hashesOf([fresh, immature, failed].sort((a, b) => (a.hash < b.hash ? -1 : 1))),
    );
    assert.deepEqual(hashesOf(await pendingFees(db)), [pending.hash]);
    assert.deepEqual(hashesOf(await unconfirmedFees(db)), [broadcast.hash]);
    // Ordered by purchase height: the missing height (0) first.
    assert.deepEqual(hashesOf(await votableTickets(db)), [
      noHeight.hash,
      votable.hash,
      votable2.hash,
    ]);
    assert.deepEqual(hashesOf(await ticketsByOutcome(db, 'missed')), [missed.hash]);
    assert.deepEqual(hashesOf(await ticketsByFeeStatus(db, 'error')), [failed.hash]);
    assert.deepEqual(hashesOf(await missingPurchaseHeight(db)), [noHeight.hash]);
    assert.deepEqual(hashesOf(await findTickets(db, { outcome: ['voted', 'revoked'] })), [
      revoked.hash,
      voted.hash,
    ]);
    assert.equal(await earliestVotablePurchaseHeight(db), 150);
    assert.deepEqual(await countsByOutcome(db), {
      voting: 3,
      voted: 1,
      expired: 0,
      missed: 1,
      revoked: 1,
    });
    const all = 2n ** 55n + 10n + 20n + 40n + 80n + 160n;
    assert.equal(await feeRevenue(db), all);
    // Since height 100: voted (100), votable (150), votable2 (250), and the unknown height.
    assert.equal(await feeRevenue(db, 100), 2n ** 55n + 10n + 20n + 160n);
    assert.deepEqual(hashesOf(await getTickets(db, [votable2.hash, newHash(), voted.hash])), [
      voted.hash,
      votable2.hash,
    ]);
  });

  it('gives empty answers on an empty table', async () => {
    const { db } = get();
    await db.deleteFrom('vsp_vote_changes').execute();
    await db.deleteFrom('vsp_tickets').execute();
    assert.equal(await earliestVotablePurchaseHeight(db), undefined);
    assert.equal(await feeRevenue(db), 0n);
    assert.deepEqual(await countsByOutcome(db), {
      voting: 0,
      voted: 0,
      expired: 0,
      missed: 0,
      revoked: 0,
    });
    assert.deepEqual(await getTickets(db, []), []);
  });
});
