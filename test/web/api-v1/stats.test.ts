// GET stats: every field of dcrstakepool's poolapi.Stats in its order, the pool's numbers from our
// ticket table (invalid tickets apart), the network's from dcrd, 14 when dcrd is down, the
// five-minute cache, no token needed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addLowFeeTickets } from '../../../src/db/pool-low-fee-tickets.ts';
import { setPoolUserMultisig } from '../../../src/db/pool-users.ts';
import { votesSubsidy } from '../../../src/pool/pool-stats.ts';
import {
  addTicket,
  apiHarness,
  call,
  envelope,
  KEYS,
  NET,
  newPubKeyAddress,
  newUser,
  suiteHarness,
} from './harness.ts';

const OK = { status: 'success', code: 0, message: 'stats successfully retrieved' } as const;

const FIELDS = [
  'AllMempoolTix',
  'APIVersionsSupported',
  'BlockHeight',
  'Difficulty',
  'Expired',
  'Immature',
  'Live',
  'Missed',
  'OwnMempoolTix',
  'PoolSize',
  'ProportionLive',
  'ProportionMissed',
  'Revoked',
  'TotalSubsidy',
  'Voted',
  'Network',
  'PoolEmail',
  'PoolFees',
  'PoolStatus',
  'UserCount',
  'UserCountActive',
  'Version',
];

describe('api stats', () => {
  const h = suiteHarness(apiHarness);

  test('dcrd down before any refresh: 14, data null', async () => {
    h.dcrd.fail = true;
    try {
      const body = envelope(await call(h, '/api/v1/stats'), {
        status: 'error',
        code: 14,
        message: 'stats error - RPC server error',
      });
      assert.ok('data' in body);
      assert.equal(body.data, null);
    } finally {
      h.dcrd.fail = false;
    }
  });

  test('every field, from our DB and dcrd', async () => {
    const tip = 5000;
    h.dcrd.height = tip;
    const maturity = NET.ticketMaturity;
    const a = await newUser(h);
    const b = await newUser(h);
    await newUser(h, { token: false });
    const info = KEYS.multisig(a.user.id, newPubKeyAddress().pub);
    await setPoolUserMultisig(h.t.db, a.user.id, { ...info, heightRegistered: 10 });
    // Immature: bought within maturity + 1 of the tip.
    await addTicket(h, a.user.id, { height: tip - maturity });
    await addTicket(h, b.user.id, { height: tip });
    // Live.
    for (let i = 0; i < 3; i++) await addTicket(h, a.user.id, { height: tip - maturity - 1 - i });
    // Outcomes.
    await addTicket(h, a.user.id, { height: 100, outcome: 'voted', outcomeHeight: 2600 });
    await addTicket(h, a.user.id, { height: 101, outcome: 'voted', outcomeHeight: 2600 });
    await addTicket(h, b.user.id, { height: 102, outcome: 'voted', outcomeHeight: 2700 });
    await addTicket(h, a.user.id, { height: 103, outcome: 'missed', outcomeHeight: 650 });
    await addTicket(h, a.user.id, { height: 104, outcome: 'expired', outcomeHeight: 900 });
    await addTicket(h, a.user.id, { height: 105, outcome: 'revoked', outcomeHeight: 910 });
    // Invalid: low fee (even voted by its owner's own wallet), and a live one with another fee
    // address; an admin-added low-fee ticket counts as valid.
    await addTicket(h, a.user.id, {
      height: 106,
      feeStatus: 'low',
      outcome: 'voted',
      outcomeHeight: 800,
    });
    await addTicket(h, a.user.id, { height: 200, feeStatus: 'address' });
    const added = await addTicket(h, a.user.id, { height: 201, feeStatus: 'low' });
    assert.equal(await addLowFeeTickets(h.t.db, [added], a.user.id), 1);

    const stats = await h.stats.refresh();
    assert.equal(stats.tickets.invalid, 2);
    const res = await call(h, '/api/v2/stats');
    const body = envelope(res, OK);
    const data = body.data ?? {};
    assert.deepEqual(Object.keys(data), FIELDS);
    const subsidy = votesSubsidy(NET, 2600, 2) + votesSubsidy(NET, 2700, 1);
    assert.ok(subsidy > 0n);
    assert.deepEqual(data, {
      AllMempoolTix: 7,
      APIVersionsSupported: [1, 2],
      BlockHeight: tip,
      Difficulty: 123.45678901,
      Expired: 1,
      Immature: 2,
      Live: 4,
      Missed: 1,
      OwnMempoolTix: 0,
      PoolSize: 40960,
      ProportionLive: 4 / 40960,
      ProportionMissed: 1 / 4,
      // Missed + expired (all revoked automatically since DCP-0009) + an old 'revoked' row.
      Revoked: 3,
      TotalSubsidy: Number(subsidy) / 1e8,
      Voted: 3,
      Network: 'testnet3',
      PoolEmail: 'support@pool.example',
      PoolFees: 7.5,
      PoolStatus: 'Open',
      UserCount: 3,
      UserCountActive: 1,
      Version: '0.1.0-test',
    });
  });

  test('cached five minutes: no dcrd call within, a refresh after; stale data while dcrd fails', async () => {
    await h.stats.refresh();
    const calls = h.dcrd.calls;
    envelope(await call(h, '/api/v1/stats'), OK);
    assert.equal(h.dcrd.calls, calls);
    h.clock.ms += 5 * 60_000;
    h.dcrd.height = 5001;
    envelope(await call(h, '/api/v1/stats'), OK);
    assert.ok(h.dcrd.calls > calls);
    // The background refresh has finished once the next request comes.
    await h.stats.refresh();
    const body = envelope(await call(h, '/api/v1/stats'), OK);
    assert.equal(body.data?.['BlockHeight'], 5001);

    h.dcrd.fail = true;
    try {
      h.clock.ms += 5 * 60_000;
      // The last good numbers are served while the refresh fails.
      const stale = envelope(await call(h, '/api/v1/stats'), OK);
      assert.equal(stale.data?.['BlockHeight'], 5001);
    } finally {
      h.dcrd.fail = false;
    }
  });

  test('a closed pool says Closed; the token is not needed nor looked at', async () => {
    const closed = await apiHarness({ closePool: true });
    try {
      const body = envelope(await call(closed, '/api/v1/stats', { token: 'not.a.token' }), OK);
      assert.equal(body.data?.['PoolStatus'], 'Closed');
      assert.equal(body.data?.['Live'], 0);
      assert.equal(body.data?.['ProportionMissed'], 0);
    } finally {
      await closed.close();
    }
  });
});
