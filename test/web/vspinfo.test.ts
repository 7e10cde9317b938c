// GET /api/v3/vspinfo: every field, signed, cached per stats refresh and second.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../src/vsp/errors.ts';
import {
  assertError,
  assertServerSigned,
  harness,
  newTicket,
  nowSeconds,
  storeTicket,
} from './fixtures.ts';
import type { Harness } from './fixtures.ts';

const info = (h: Harness) => h.app.inject({ method: 'GET', url: '/api/v3/vspinfo' });

describe('vspinfo', () => {
  it('reports all 16 fields in vspd’s order', async () => {
    const h = harness({ vspFee: 0.5, vspClosedMsg: '' });
    h.dcrd.best = { ...h.dcrd.best, height: 1_234_567, poolSize: 40960 };
    for (let i = 0; i < 3; i++) storeTicket(h, newTicket(), { feeTxStatus: 'confirmed' });
    storeTicket(h, newTicket(), { feeTxStatus: 'confirmed', outcome: 'voted' });
    storeTicket(h, newTicket(), { feeTxStatus: 'confirmed', outcome: 'missed' });
    storeTicket(h, newTicket(), { feeTxStatus: 'confirmed', outcome: 'revoked' });
    storeTicket(h, newTicket(), { feeTxStatus: 'received' });
    h.wallets.total = 3;
    const res = await info(h);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assertServerSigned(res, h.serverKey.publicKey);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), [
      'apiversions',
      'timestamp',
      'pubkey',
      'feepercentage',
      'vspclosed',
      'vspclosedmsg',
      'network',
      'vspdversion',
      'voting',
      'voted',
      'totalvotingwallets',
      'votingwalletsonline',
      'expired',
      'missed',
      'blockheight',
      'estimatednetworkproportion',
    ]);
    assert.deepEqual(body, {
      apiversions: [3],
      timestamp: nowSeconds(h),
      pubkey: h.serverKey.publicKeyBase64,
      feepercentage: 0.5,
      vspclosed: false,
      vspclosedmsg: '',
      network: 'testnet3',
      vspdversion: '0.1.0-test',
      voting: 3,
      voted: 1,
      totalvotingwallets: 3,
      votingwalletsonline: 2,
      expired: 1,
      missed: 1,
      blockheight: 1_234_567,
      estimatednetworkproportion: 0.00007324219,
    });
    // Go prints a float32 at or above 1e-6 in plain decimal, with float32's shortest digits.
    assert.match(res.body, /"estimatednetworkproportion":0\.00007324219\}$/);
  });

  it('shows a closed VSP and its message', async () => {
    const h = harness({ vspClosed: true, vspClosedMsg: 'moving to a new host' });
    const body = JSON.parse((await info(h)).body) as Record<string, unknown>;
    assert.equal(body['vspclosed'], true);
    assert.equal(body['vspclosedmsg'], 'moving to a new host');
  });

  it('serves the same signed bytes within a second; a new timestamp the next second', async () => {
    const h = harness();
    const a = await info(h);
    const b = await info(h);
    assert.equal(a.body, b.body);
    assert.equal(a.headers['vsp-server-signature'], b.headers['vsp-server-signature']);
    h.clock.ms += 1000;
    const c = await info(h);
    assertServerSigned(c, h.serverKey.publicKey);
    assert.equal((JSON.parse(c.body) as { timestamp: number }).timestamp, nowSeconds(h));
  });

  it('stats come from a cache refreshed once a minute', async () => {
    const h = harness();
    await info(h);
    const calls = () => h.dcrd.calls.filter((c) => c === 'getbestblockheader').length;
    assert.equal(calls(), 1);
    h.dcrd.best = { ...h.dcrd.best, height: h.dcrd.best.height + 1 };
    h.clock.ms += 30_000;
    await info(h);
    assert.equal(calls(), 1);
    h.clock.ms += 30_000;
    await info(h); // stale: served at once, refresh started
    await new Promise((r) => setImmediate(r));
    const body = JSON.parse((await info(h)).body) as { blockheight: number };
    assert.equal(calls(), 2);
    assert.equal(body.blockheight, h.dcrd.best.height);
  });

  it('1 (as JSON, not vspd’s plain text) when the stats were never available', async () => {
    const h = harness();
    h.dcrd.best = { ...h.dcrd.best, poolSize: 0 };
    const res = await info(h);
    assertError(h, res, ErrorCode.InternalError);
  });
});
