// Proof that dcrd accepts votes stakepool builds and signs itself: a ticket whose voting address
// is a key we hold (P2PKH) and one whose voting address is a 1-of-2 multisig P2SH we made (the
// legacy pool's ticket) are bought with dcrwallet 2.0.x; when each wins, src/dcr builds and signs
// the vote, dcrd takes it, and the next block's stake tree carries it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  buildVote,
  decodeTx,
  encodeAddress,
  encodeTx,
  hashFromDisplay,
  multiSigScript,
  p2pkhAddress,
  p2shAddress,
  signVote,
  toHex,
  txid,
  voteSubsidy,
} from '../../src/dcr/index.ts';
import { isValidPrivateKey, publicKeyCreate } from '../../src/dcr/secp.ts';
import { DcrdClient } from '../../src/rpc/dcrd.ts';
import { SIMNET, Simnet } from '../../src/simnet/harness.ts';

function randomKey(): Uint8Array {
  for (;;) {
    const k = randomBytes(32);
    if (isValidPrivateKey(k)) return k;
  }
}

interface OwnTicket {
  kind: string;
  address: string;
  privateKey: Uint8Array;
  redeemScript?: Uint8Array;
  hash?: string;
  voteTxid?: string;
}

describe('e2e: dcrd accepts votes built and signed by src/dcr', { timeout: 600_000 }, () => {
  let sim: Simnet;
  let dcrd: DcrdClient;
  const winners = new Map<string, { hash: string; height: number; tickets: string[] }>();

  before(async () => {
    sim = await Simnet.start();
    dcrd = new DcrdClient({
      url: `wss://127.0.0.1:${sim.dcrdRpcPort}/ws`,
      user: sim.state().rpcUser,
      pass: sim.state().rpcPass,
      ca: readFileSync(sim.dcrdCert),
      net: SIMNET,
      notifyWinningTickets: true,
    });
    dcrd.on('winningTickets', (w) =>
      winners.set(w.blockHash, { hash: w.blockHash, height: w.height, tickets: w.tickets }),
    );
    await dcrd.connect();
  });

  after(async () => {
    dcrd?.close();
    await sim?.stop();
  });

  it('votes a P2PKH ticket and a 1-of-2 P2SH ticket', async () => {
    const userKey = randomKey();
    const poolKey = randomKey();
    const p2pkhKey = randomKey();
    const redeemScript = multiSigScript(1, [publicKeyCreate(poolKey), publicKeyCreate(userKey)]);
    const own: OwnTicket[] = [
      {
        kind: 'P2PKH',
        address: encodeAddress(p2pkhAddress(publicKeyCreate(p2pkhKey), SIMNET)),
        privateKey: p2pkhKey,
      },
      {
        kind: 'P2SH 1-of-2',
        address: encodeAddress(p2shAddress(redeemScript, SIMNET)),
        privateKey: poolKey,
        redeemScript,
      },
    ];

    // dcrwallet 2.0.x still takes a ticket (voting) address in purchaseticket. One purchase per
    // block: 2.0.x can pick an output its own unmined split already spends.
    const legacy = sim.legacyCustomer.client;
    for (const t of own) {
      const args = ['default', 0, 1, t.address, 1];
      const [hash] = await legacy.rpc.call<string[]>('purchaseticket', args);
      assert.ok(hash !== undefined, `${t.kind}: purchaseticket returned no ticket`);
      t.hash = hash;
      if (t !== own[own.length - 1]) await sim.mine(1);
    }
    // From here on every block is checked: a ticket can win in the very block that makes it live,
    // and the first one matures a block earlier than the second.

    // Mine one block at a time. Whenever one of our tickets is among the new tip's winners, vote
    // on the tip; the next block must carry the vote.
    let sent: OwnTicket[] = [];
    for (let i = 0; i < 200 && own.some((t) => t.voteTxid === undefined); i++) {
      const [tip] = await sim.mine(1);
      assert.ok(tip !== undefined);
      if (sent.length > 0) {
        const block = await dcrd.getBlock(tip);
        for (const t of sent) {
          assert.ok(block.stx?.includes(t.voteTxid!), `${t.kind} vote is in block ${block.height}`);
          assert.equal(await dcrd.existsLiveTicket(t.hash!), false, `${t.kind} ticket is spent`);
        }
        sent = [];
      }
      const deadline = Date.now() + 5_000;
      while (!winners.has(tip) && Date.now() < deadline) await sleep(20);
      const w = winners.get(tip);
      assert.ok(w !== undefined, `no winningtickets notification for ${tip}`);
      for (const t of own) {
        if (t.voteTxid !== undefined || !w.tickets.includes(t.hash!)) continue;
        const ticketHex = await dcrd.getRawTransaction(t.hash!);
        const ticketInfo = await dcrd.getRawTransactionVerbose(t.hash!);
        const subsidy = voteSubsidy(w.height, SIMNET, 'dcp0012');
        const fromNode = await dcrd.getBlockSubsidy(w.height + 1, 1);
        assert.equal(subsidy, BigInt(fromNode.pos), 'vote subsidy agrees with getblocksubsidy');
        const ticket = decodeTx(ticketHex);
        const unsigned = buildVote({
          ticket,
          ticketHash: hashFromDisplay(t.hash!),
          blockHash: hashFromDisplay(w.hash),
          blockHeight: w.height,
          voteBits: 0x0001,
          voteVersion: SIMNET.voteVersion,
          subsidy,
          net: SIMNET,
          ticketBlockHeight: ticketInfo.blockheight,
          ticketBlockIndex: ticketInfo.blockindex,
        });
        const vote = signVote(unsigned, ticket.outputs[0]!.pkScript, t.privateKey, t.redeemScript);
        const sentTxid = await dcrd.sendRawTransaction(toHex(encodeTx(vote)));
        assert.equal(sentTxid, txid(vote));
        t.voteTxid = sentTxid;
        sent.push(t);
      }
    }
    if (sent.length > 0) {
      const [last] = await sim.mine(1);
      const block = await dcrd.getBlock(last!);
      for (const t of sent) assert.ok(block.stx?.includes(t.voteTxid!), `${t.kind} vote mined`);
    }
    for (const t of own)
      assert.ok(t.voteTxid !== undefined, `${t.kind} ticket never won in 200 blocks`);
  });
});
