// The VSP's block pipeline against a real simnet, without the HTTP API: a ticket row is written
// the way /payfee leaves it (a normal ticket the customer wallet bought, its voting key from
// dumpprivkey, a fee tx the customer wallet signed paying an address of a test xpub, status
// 'received'), then the follower runs while blocks are mined. The ticket must be confirmed at 6
// confirmations, its fee broadcast and then confirmed at 6, the ticket must appear in the voting
// wallet with its agenda choice and policies (and the consistency check must put them back when
// they are changed behind its back), a stop/restart of the follower must catch up the blocks it
// missed, and the voting wallet's vote must be found and stored as the ticket's outcome.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  addressPayScript,
  blake256,
  commitmentAddress,
  decodeAddress,
  decodeTx,
  deriveAddress,
  encodeTx,
  ExtendedKey,
  hashFromDisplay,
  hashToDisplay,
  newTxIn,
  stakeTxType,
  ticketCommitments,
  ticketVotingAddress,
  toHex,
  txid,
  voteTicketHash,
} from '../../src/dcr/index.ts';
import type { Tx } from '../../src/dcr/index.ts';
import { createDatabase } from '../../src/db/database.ts';
import type { Database } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { getTicket, insertTicket } from '../../src/db/vsp-tickets.ts';
import type { Ticket } from '../../src/db/vsp-tickets.ts';
import { ChainFollower } from '../../src/chain/follower.ts';
import { getScanPoint } from '../../src/chain/outcomes.ts';
import { VspPipeline } from '../../src/chain/vsp-pipeline.ts';
import type { RunReport } from '../../src/chain/vsp-pipeline.ts';
import { DcrdClient } from '../../src/rpc/dcrd.ts';
import { SIMNET, Simnet } from '../../src/simnet/harness.ts';
import { WalletConsistency } from '../../src/voting/consistency.ts';
import { vspVotingWallets } from '../../src/voting/vsp-wallets.ts';
import type { VspVotingWallets } from '../../src/voting/vsp-wallets.ts';
import { currentAgendas } from '../../src/vsp/agendas.ts';
import { publicKeyCreate } from '../../src/dcr/secp.ts';
import { recordingLog } from '../chain/fakes.ts';

const FEE_ATOMS = 5_000_000n;
const TX_FEE_ATOMS = 10_000n;
const MAX_BLOCKS_TO_VOTE = 120;
// One agenda of the newest simnet vote version, as a customer's wallet would send it.
const AGENDA = currentAgendas('simnet')[0]!;
const VOTE_CHOICES = { [AGENDA.id]: 'no' };
const TSPEND = 'ab'.repeat(32);
const TREASURY_KEY = toHex(publicKeyCreate(blake256(new TextEncoder().encode('e2e pi key'))));

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('e2e: the VSP follower on simnet', { timeout: 900_000 }, () => {
  let sim: Simnet;
  let dcrd: DcrdClient;
  let database: Database;
  let dir: string;
  let wallets: VspVotingWallets;
  const log = recordingLog();
  const runs: RunReport[] = [];
  let pipeline: VspPipeline;
  let follower: ChainFollower | undefined;
  let consistency: WalletConsistency;

  function startFollower(): ChainFollower {
    pipeline = new VspPipeline({ db: database.db, dcrd, wallets, net: SIMNET, log });
    pipeline.onRun = (r) => runs.push(r);
    consistency = new WalletConsistency({ db: database.db, dcrd, wallets, log });
    const f = new ChainFollower({
      dcrd,
      dcrdConnection: dcrd.rpc,
      pipeline,
      consistency,
      walletConnections: sim.votingWallets.map((w) => w.client.rpc),
      log,
    });
    f.start();
    return f;
  }

  /** Mine one block and wait until the follower has run on it. */
  async function mineAndFollow(): Promise<number> {
    const [hash] = await sim.mine(1);
    assert.ok(hash);
    const { height } = await dcrd.getBlockHeader(hash);
    await waitFor(`the pipeline run for block ${height}`, () =>
      runs.some((r) => r.reason === `block ${height} connected`),
    );
    await pipeline.settled();
    return height;
  }

  before(async () => {
    sim = await Simnet.start();
    dcrd = new DcrdClient({
      url: `wss://127.0.0.1:${sim.dcrdRpcPort}/ws`,
      user: sim.state().rpcUser,
      pass: sim.state().rpcPass,
      ca: readFileSync(sim.dcrdCert),
      net: SIMNET,
      name: 'dcrd',
      notifyBlocks: true,
    });
    await dcrd.connect();
    dir = mkdtempSync(join(tmpdir(), 'stakepool-vsp-follower-'));
    database = createDatabase({ engine: 'sqlite', sqlitePath: join(dir, 'stakepool.db') });
    await migrateToLatest(database.db);
    wallets = vspVotingWallets(
      sim.votingWallets.map((w) => w.client),
      { log },
    );
  });

  after(async () => {
    await follower?.stop();
    dcrd?.close();
    await database?.close();
    await sim?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** Store a customer ticket the way /payfee leaves it; returns its hash. */
  async function payfeeTicket(): Promise<string> {
    const customer = sim.customer.client;
    const [ticketHash] = await customer.purchaseTicket('default', 1);
    assert.ok(ticketHash);
    const ticketTx = decodeTx((await dcrd.getRawTransactionVerbose(ticketHash)).hex);
    const votingAddress = ticketVotingAddress(ticketTx, SIMNET);
    const votingWif = await customer.dumpPrivKey(votingAddress);
    const commitment = commitmentAddress(ticketCommitments(ticketTx)[0]!, SIMNET);

    const master = ExtendedKey.fromSeed(
      blake256(new TextEncoder().encode('stakepool e2e fee xpub')),
      SIMNET,
    );
    const feeAddress = deriveAddress(master.neuter(), 0, 1);

    // The fee tx: one confirmed customer output in, the fee and the change out, signed by the
    // customer wallet and not broadcast (the VSP broadcasts it once the ticket is confirmed).
    const utxo = (await customer.listUnspent(1)).find(
      (u) => u.spendable && u.tree === 0 && u.amount >= 1,
    );
    assert.ok(utxo, 'the customer wallet has a confirmed output to pay the fee with');
    const inAtoms = BigInt(Math.round(utxo.amount * 1e8));
    const change = decodeAddress(await customer.getNewAddress(), SIMNET);
    const unsigned: Tx = {
      version: 1,
      inputs: [newTxIn(hashFromDisplay(utxo.txid), utxo.vout, utxo.tree, { valueIn: inAtoms })],
      outputs: [
        {
          value: FEE_ATOMS,
          version: 0,
          pkScript: addressPayScript(decodeAddress(feeAddress, SIMNET)),
        },
        {
          value: inAtoms - FEE_ATOMS - TX_FEE_ATOMS,
          version: 0,
          pkScript: addressPayScript(change),
        },
      ],
      lockTime: 0,
      expiry: 0,
    };
    const signed = await customer.signRawTransaction(toHex(encodeTx(unsigned)));
    assert.equal(signed.complete, true);

    assert.equal(
      await insertTicket(database.db, {
        hash: ticketHash,
        commitmentAddress: commitment,
        feeAddressXpubId: 0,
        feeAddressIndex: 1,
        feeAddress,
        feeAmount: FEE_ATOMS,
        feeExpiration: Math.floor(Date.now() / 1000) + 3600,
        votingWif,
        feeTxHex: signed.hex,
        feeTxHash: txid(decodeTx(signed.hex)),
        feeTxStatus: 'received',
        voteChoices: VOTE_CHOICES,
        tspendPolicy: { [TSPEND]: 'no' },
        treasuryPolicy: { [TREASURY_KEY]: 'yes' },
      }),
      true,
    );
    return ticketHash;
  }

  it('confirms the ticket and its fee, hands it to the voting wallet, and stores its vote', async (tc) => {
    follower = startFollower();
    await follower.started();
    const hash = await payfeeTicket();
    const stored = async (): Promise<Ticket> => {
      const t = await getTicket(database.db, hash);
      assert.ok(t, 'the ticket row is still there');
      return t;
    };

    // The ticket: confirmed on the block that gives it 6 confirmations, not before.
    let confirmedAt: number | undefined;
    for (let i = 0; i < 20 && confirmedAt === undefined; i++) {
      await mineAndFollow();
      const confs = (await dcrd.getRawTransactionVerbose(hash)).confirmations ?? 0;
      const t = await stored();
      if (t.confirmed) {
        assert.equal(confs, 6, 'confirmed at exactly 6 confirmations');
        assert.ok(t.purchaseHeight > 0);
        // The same run broadcast the fee.
        assert.equal(t.feeTxStatus, 'broadcast');
        confirmedAt = confs;
      } else {
        assert.ok(confs < 6, `not confirmed at ${confs} confirmations`);
        assert.equal(t.feeTxStatus, 'received', 'no fee broadcast before the ticket is confirmed');
      }
    }
    assert.equal(confirmedAt, 6);
    const feeHash = (await stored()).feeTxHash;
    assert.ok((await dcrd.getRawTransactionVerbose(feeHash)).hex, 'dcrd has the fee tx');

    // The fee: confirmed at 6 confirmations; then the ticket is in the voting wallet.
    let feeConfirmed = false;
    for (let i = 0; i < 20 && !feeConfirmed; i++) {
      await mineAndFollow();
      const confs = (await dcrd.getRawTransactionVerbose(feeHash)).confirmations ?? 0;
      const t = await stored();
      if (t.feeTxStatus === 'confirmed') {
        assert.equal(confs, 6, 'fee confirmed at exactly 6 confirmations');
        assert.equal(t.feeTxHex, '');
        feeConfirmed = true;
      } else {
        assert.equal(t.feeTxStatus, 'broadcast');
        assert.ok(confs < 6);
      }
    }
    assert.ok(feeConfirmed, 'the fee was confirmed');
    tc.diagnostic(`fee confirmed at height ${(await dcrd.getBestBlock()).height}`);
    const policies = async (w: Simnet['votingWallets'][number]) => {
      const info = (await w.client.ticketInfo((await stored()).purchaseHeight)).find(
        (k) => k.hash === hash,
      );
      const call = (m: string, key: string) =>
        w.client.rpc.call<{ policy: string }>(m, [key, hash]).then((r) => r.policy);
      return {
        known: info !== undefined,
        choice: info?.choices?.find((c) => c.agendaid === AGENDA.id)?.choiceid,
        treasury: await call('treasurypolicy', TREASURY_KEY),
        tspend: await call('tspendpolicy', TSPEND),
      };
    };
    const wanted = { known: true, choice: 'no', treasury: 'yes', tspend: 'no' };
    for (const w of sim.votingWallets) {
      assert.deepEqual(
        await policies(w),
        wanted,
        `wallet ${w.name} has the ticket and its settings`,
      );
    }

    // The consistency check puts back settings changed behind the VSP's back.
    const w0 = sim.votingWallets[0]!;
    await w0.client.setVoteChoice(AGENDA.id, 'yes', hash);
    await w0.client.setTreasuryPolicy(TREASURY_KEY, 'no', hash);
    const report = await consistency.check();
    assert.deepEqual(report?.wallets[0]?.choicesFixed, [hash]);
    assert.deepEqual(report?.wallets[0]?.policiesFixed, [hash]);
    assert.deepEqual(await policies(w0), wanted);

    // Downtime: the follower stops, blocks go by, a new follower catches up from the stored point.
    await follower.stop();
    follower = undefined;
    const before = await getScanPoint(database.db);
    assert.ok(before);
    await sim.mine(3);
    const tip = await dcrd.getBestBlock();
    assert.equal(tip.height, before.height + 3);
    runs.length = 0;
    follower = startFollower();
    await follower.started();
    assert.equal(runs[0]?.reason, 'startup');
    const point = await getScanPoint(database.db);
    const outcomes = runs[0]?.results['outcomes'] as { scanned: number } | undefined;
    if ((await stored()).outcome === '') {
      assert.deepEqual(point, tip, 'the scan caught up to the tip');
      assert.equal(outcomes?.scanned, 3, 'exactly the missed blocks were read');
    }

    // The vote: the voting wallet votes the ticket when it wins; the scan stores it.
    for (let i = 0; i < MAX_BLOCKS_TO_VOTE && (await stored()).outcome === ''; i++) {
      await mineAndFollow();
    }
    const t = await stored();
    tc.diagnostic(
      `ticket ${hash}: bought at ${t.purchaseHeight}, ${t.outcome || 'no outcome'} at ${t.outcomeHeight}`,
    );
    assert.equal(t.outcome, 'voted');
    const vote = await dcrd.getRawTransactionVerbose(t.spendTxHash);
    assert.equal(vote.blockheight, t.outcomeHeight);
    const voteTx = decodeTx(vote.hex);
    assert.equal(stakeTxType(voteTx), 'vote');
    assert.equal(hashToDisplay(voteTicketHash(voteTx)), hash, 'the vote spends our ticket');
    assert.equal(await dcrd.existsLiveTicket(hash), false);
    assert.deepEqual(
      runs.flatMap((r) => r.failed),
      [],
      'no pipeline step failed',
    );
    assert.deepEqual(
      log.lines.filter((l) => l.level === 'error'),
      [],
    );
  });
});
