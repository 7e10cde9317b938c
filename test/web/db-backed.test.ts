// The v3 API on the real database store (createVspStore) on each engine: one wallet's complete
// registration, vspinfo → feeaddress → setaltsignaddr → payfee → ticketstatus → setvotechoices,
// with real tickets, keys and signatures, checking what each step leaves in the database; and
// the two places where concurrent requests meet in the store.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { decodeTx, txid } from '../../src/dcr/index.ts';
import { deriveAddress, ExtendedKey } from '../../src/dcr/hdkey.ts';
import type { Db } from '../../src/db/transaction.ts';
import { currentFeeXpub, setFeeXpub } from '../../src/db/vsp-fee-xpubs.ts';
import { build } from '../../src/web/app.ts';
import { createVspStore } from '../../src/vsp/db-store.ts';
import { ErrorCode } from '../../src/vsp/errors.ts';
import { feeAddressSource } from '../../src/vsp/fee-address.ts';
import { vspFee } from '../../src/vsp/fees.ts';
import { loadOrCreateServerKey } from '../../src/vsp/server-key.ts';
import type { ServerKey } from '../../src/vsp/server-key.ts';
import { VspStatsCache } from '../../src/vsp/stats.ts';
import type { VspStore } from '../../src/vsp/store.ts';
import { describeEachEngine } from '../db/engines.ts';
import {
  assertServerSigned,
  FakeDcrd,
  FakeWallets,
  FEE_XPUB,
  NET,
  newFeeTx,
  newKey,
  newTicket,
  signBody,
  START_MS,
} from './fixtures.ts';
import type { Key, TicketFixture } from './fixtures.ts';

const PIKEY = '02' + 'cd'.repeat(32);

interface DbHarness {
  app: FastifyInstance;
  store: VspStore;
  dcrd: FakeDcrd;
  wallets: FakeWallets;
  serverKey: ServerKey;
  stats: VspStatsCache;
  clock: { ms: number };
}

async function dbHarness(db: Db): Promise<DbHarness> {
  if ((await currentFeeXpub(db)) === undefined) await setFeeXpub(db, FEE_XPUB);
  const store = createVspStore(db);
  const serverKey = await loadOrCreateServerKey(store);
  const dcrd = new FakeDcrd();
  const wallets = new FakeWallets();
  const clock = { ms: START_MS };
  const now = () => clock.ms;
  const stats = new VspStatsCache({ store, dcrd, wallets, now });
  const app = build({
    net: NET,
    config: {
      vspFee: 2,
      vspClosed: false,
      vspClosedMsg: '',
      designation: 'DB VSP',
      version: '0.1.0-test',
    },
    store,
    dcrd,
    wallets,
    serverKey,
    feeAddresses: feeAddressSource(store, NET),
    now,
    sleep: () => Promise.resolve(),
    stats,
  });
  return { app, store, dcrd, wallets, serverKey, stats, clock };
}

const seconds = (h: DbHarness) => Math.floor(h.clock.ms / 1000);

/** dcrd holds the parent and the ticket, the ticket with `confirmations`. */
function onChain(h: DbHarness, t: TicketFixture, confirmations: number): void {
  h.dcrd.add(t.parentHex, t.parentHash, confirmations + 10, 1000);
  h.dcrd.add(t.ticketHex, t.hash, confirmations, h.dcrd.best.height - confirmations + 1);
}

function post(h: DbHarness, path: string, body: string, signer: Key) {
  return h.app.inject({
    method: 'POST',
    url: `/api/v3${path}`,
    payload: body,
    headers: { 'vsp-client-signature': signBody(body, signer) },
  });
}

function ok(h: DbHarness, res: LightMyRequestResponse, sent: string): Record<string, unknown> {
  assert.equal(res.statusCode, 200, res.body);
  assertServerSigned(res, h.serverKey.publicKey);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  assert.equal(body['request'], Buffer.from(sent).toString('base64'));
  return body;
}

function failed(h: DbHarness, res: LightMyRequestResponse, code: ErrorCode): void {
  assertServerSigned(res, h.serverKey.publicKey);
  assert.equal((JSON.parse(res.body) as { code: unknown }).code, code, res.body);
}

async function vspinfo(h: DbHarness): Promise<Record<string, unknown>> {
  const res = await h.app.inject({ method: 'GET', url: '/api/v3/vspinfo' });
  assert.equal(res.statusCode, 200, res.body);
  assertServerSigned(res, h.serverKey.publicKey);
  return JSON.parse(res.body) as Record<string, unknown>;
}

describeEachEngine('v3 API on the database store', (get) => {
  it('a complete registration: vspinfo → feeaddress → setaltsignaddr → payfee → ticketstatus → setvotechoices', async () => {
    const h = await dbHarness(get().db);
    try {
      // vspinfo: the key loaded from (and stored in) the settings table, nothing voting yet.
      const info = await vspinfo(h);
      assert.equal(info['pubkey'], h.serverKey.publicKeyBase64);
      assert.equal(info['network'], 'testnet3');
      assert.equal(info['voting'], 0);
      assert.equal(info['blockheight'], h.dcrd.best.height);
      assert.equal(info['votingwalletsonline'], 2);

      // feeaddress: a ticket with 8 confirmations gets xpub/0/1 and is stored confirmed.
      const t = newTicket();
      onChain(h, t, 8);
      const feeBody = JSON.stringify({
        timestamp: seconds(h),
        tickethash: t.hash,
        tickethex: t.ticketHex,
        parenthex: t.parentHex,
      });
      const quote = ok(h, await post(h, '/feeaddress', feeBody, t.commitment), feeBody);
      const feeAddress = deriveAddress(ExtendedKey.fromString(FEE_XPUB, NET), 0, 1);
      const feeAmount = vspFee(h.dcrd.best, 2, NET);
      assert.equal(quote['feeaddress'], feeAddress);
      assert.equal(quote['feeamount'], Number(feeAmount));
      assert.deepEqual(await h.store.getTicket(t.hash), {
        hash: t.hash,
        purchaseHeight: h.dcrd.best.height - 7,
        commitmentAddress: t.commitment.address,
        feeAddressXpubId: 0,
        feeAddressIndex: 1,
        feeAddress,
        confirmed: true,
        feeAmount,
        feeExpiration: seconds(h) + 3600,
        feeTxHex: '',
        feeTxHash: '',
        feeTxStatus: 'none',
        votingWif: '',
        outcome: '',
        voteChoices: {},
        tspendPolicy: {},
        treasuryPolicy: {},
      });

      // setaltsignaddr: stored with the exact signed exchange.
      const alt = newKey();
      const altBody = JSON.stringify({
        timestamp: seconds(h),
        tickethash: t.hash,
        tickethex: t.ticketHex,
        parenthex: t.parentHex,
        altsignaddress: alt.address,
      });
      const altRes = await post(h, '/setaltsignaddr', altBody, t.commitment);
      ok(h, altRes, altBody);
      assert.deepEqual(await h.store.getAltSignAddress(t.hash), {
        ticketHash: t.hash,
        address: alt.address,
        request: altBody,
        requestSignature: signBody(altBody, t.commitment),
        response: altRes.body,
        responseSignature: altRes.headers['vsp-server-signature'],
      });

      // payfee: the ticket is confirmed, so the fee is broadcast at once.
      h.clock.ms += 5_000;
      const feeTx = newFeeTx(feeAddress, feeAmount);
      const payBody = JSON.stringify({
        timestamp: seconds(h),
        tickethash: t.hash,
        feetx: feeTx,
        votingkey: t.voting.wif,
        votechoices: { maxtreasuryspend: 'no' },
        tspendpolicy: {},
        treasurypolicy: {},
      });
      const payRes = await post(h, '/payfee', payBody, t.commitment);
      ok(h, payRes, payBody);
      assert.deepEqual(h.dcrd.sent.slice(-1), [feeTx]);
      const paid = await h.store.getTicket(t.hash);
      assert.equal(paid?.feeTxStatus, 'broadcast');
      assert.equal(paid?.feeTxHex, feeTx);
      assert.equal(paid?.feeTxHash, txid(decodeTx(feeTx)));
      assert.equal(paid?.votingWif, t.voting.wif);
      assert.deepEqual(paid?.voteChoices, { maxtreasuryspend: 'no' });
      assert.deepEqual(await h.store.getVoteChanges(t.hash), [
        {
          request: payBody,
          requestSignature: signBody(payBody, t.commitment),
          response: payRes.body,
          responseSignature: payRes.headers['vsp-server-signature'],
        },
      ]);

      // The chain follower sees the fee confirmed.
      assert.equal(
        await h.store.updateTicket(t.hash, { feeTxStatus: 'confirmed' }, ['broadcast']),
        true,
      );

      // ticketstatus, signed by the alternate address this time.
      const statusBody = JSON.stringify({ tickethash: t.hash });
      const status = ok(h, await post(h, '/ticketstatus', statusBody, alt), statusBody);
      assert.deepEqual(
        { ...status, timestamp: 0, request: '' },
        {
          timestamp: 0,
          ticketconfirmed: true,
          feetxstatus: 'confirmed',
          feetxhash: txid(decodeTx(feeTx)),
          altsignaddress: alt.address,
          votechoices: { maxtreasuryspend: 'no' },
          tspendpolicy: {},
          treasurypolicy: {},
          request: '',
        },
      );

      // setvotechoices in the same second as payfee is a replay; a second later it is applied,
      // merged, recorded and pushed to both wallets.
      const voteBody = (ts: number) =>
        JSON.stringify({
          timestamp: ts,
          tickethash: t.hash,
          votechoices: { maxtreasuryspend: 'yes' },
          tspendpolicy: {},
          treasurypolicy: { [PIKEY]: 'no' },
        });
      const replay = voteBody(seconds(h));
      failed(h, await post(h, '/setvotechoices', replay, alt), ErrorCode.InvalidTimestamp);
      h.clock.ms += 1_000;
      const vote = voteBody(seconds(h));
      ok(h, await post(h, '/setvotechoices', vote, alt), vote);
      for (const wallet of ['wallet-a', 'wallet-b']) {
        assert.deepEqual(
          h.wallets.calls.filter((c) => c.wallet === wallet).map((c) => [c.method, ...c.args]),
          [
            ['setvotechoice', 'maxtreasuryspend', 'yes', t.hash],
            ['settreasurypolicy', PIKEY, 'no', t.hash],
          ],
        );
      }
      const records = await h.store.getVoteChanges(t.hash);
      assert.deepEqual(
        records.map((r) => r.request),
        [payBody, vote],
      );
      failed(h, await post(h, '/setvotechoices', vote, alt), ErrorCode.InvalidTimestamp);

      const after = ok(h, await post(h, '/ticketstatus', statusBody, t.commitment), statusBody);
      assert.deepEqual(after['votechoices'], { maxtreasuryspend: 'yes' });
      assert.deepEqual(after['treasurypolicy'], { [PIKEY]: 'no' });

      // vspinfo counts the ticket once the stats refresh.
      await h.stats.refresh();
      h.clock.ms += 1_000;
      assert.equal((await vspinfo(h))['voting'], 1);
    } finally {
      await h.app.close();
    }
  });

  it('concurrent requests meet in the store: one fee address, one vote change per timestamp', async () => {
    const h = await dbHarness(get().db);
    try {
      const t = newTicket();
      onChain(h, t, 2);
      const feeBody = JSON.stringify({
        timestamp: seconds(h),
        tickethash: t.hash,
        tickethex: t.ticketHex,
        parenthex: t.parentHex,
      });
      const quotes = await Promise.all(
        [0, 1, 2].map(() => post(h, '/feeaddress', feeBody, t.commitment)),
      );
      const addresses = quotes.map((r) => ok(h, r, feeBody)['feeaddress']);
      assert.equal(new Set(addresses).size, 1);
      assert.equal((await h.store.getTicket(t.hash))?.feeAddress, addresses[0]);

      assert.equal(await h.store.updateTicket(t.hash, { feeTxStatus: 'received' }), true);
      h.clock.ms += 1_000;
      const bodies = ['yes', 'no', 'abstain'].map((choice) =>
        JSON.stringify({
          timestamp: seconds(h),
          tickethash: t.hash,
          votechoices: { maxtreasuryspend: choice },
          tspendpolicy: {},
          treasurypolicy: {},
        }),
      );
      const replies = await Promise.all(
        bodies.map((b) => post(h, '/setvotechoices', b, t.commitment)),
      );
      const winners = replies.flatMap((r, i) => (r.statusCode === 200 ? [i] : []));
      assert.equal(winners.length, 1, replies.map((r) => r.body).join('\n'));
      for (const [i, r] of replies.entries()) {
        if (i !== winners[0]) failed(h, r, ErrorCode.InvalidTimestamp);
      }
      assert.deepEqual(
        (await h.store.getVoteChanges(t.hash)).map((r) => r.request),
        [bodies[winners[0]!]],
      );
    } finally {
      await h.app.close();
    }
  });
});
