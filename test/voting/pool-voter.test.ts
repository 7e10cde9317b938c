import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { hashToDisplay, toHex } from '../../src/dcr/bytes.ts';
import { netParams } from '../../src/dcr/params.ts';
import { sigScriptPushes, verifyInputSignature } from '../../src/dcr/sign.ts';
import { checkVoteAgainstTicket, voteBits, voteTicketHash } from '../../src/dcr/stake.ts';
import { decodeTx, txid } from '../../src/dcr/tx.ts';
import { addLowFeeTickets } from '../../src/db/pool-low-fee-tickets.ts';
import {
  insertPoolTickets,
  setPoolTicketOutcome,
  votablePoolTickets,
} from '../../src/db/pool-tickets.ts';
import { createPoolUser, setPoolUserMultisig } from '../../src/db/pool-users.ts';
import { PoolVotingKey, VotingKeyError } from '../../src/pool/voting-key.ts';
import type { DcrdClient } from '../../src/rpc/dcrd.ts';
import type { WinningTickets } from '../../src/rpc/notifications.ts';
import { RpcConnectionError, RpcError, RpcErrorCode } from '../../src/rpc/errors.ts';
import { currentVoteVersion } from '../../src/vsp/agendas.ts';
import { poolVoteSubsidy } from '../../src/voting/pool-vote.ts';
import { createPoolVoter, isDuplicateVoteError, PoolVoter } from '../../src/voting/pool-voter.ts';
import type {
  PoolVoteResult,
  PoolVoterConnection,
  PoolVoterNode,
  PoolVoterOptions,
  VotableTicket,
  VotableTicketSource,
} from '../../src/voting/pool-voter.ts';
import { poolTicket, userMultisig, votingAccount } from './pool-vote-fixtures.ts';
import type { PoolTicket } from './pool-vote-fixtures.ts';
import { describeEachEngine } from '../db/engines.ts';

const net = netParams('simnet');
const VERSION = currentVoteVersion('simnet');
const account = votingAccount(net);
const BLOCK = '0000003fe1c6a2b5d9e8f70615243342516170f8e9dacbbcadbecfd0e1f20314';
const HEIGHT = 2000;

interface Owned {
  ticket: PoolTicket;
  votable: VotableTicket;
}

/** Pool ticket i of user `userId`, with the user's stored vote preferences. */
function owned(i: number, userId: number, voteBits = 1, voteBitsVersion = VERSION): Owned {
  const ms = userMultisig(account.key, userId, net);
  const ticket = poolTicket({ redeemScript: ms.redeemScript, seed: `voter ticket ${i}`, net });
  return {
    ticket,
    votable: {
      hash: ticket.hash,
      userId,
      ticketHex: ticket.hex,
      redeemScript: toHex(ms.redeemScript),
      voteBits,
      voteBitsVersion,
    },
  };
}

/** The contract's votablePoolTickets over an in-memory table, counting calls. */
class FakeTickets implements VotableTicketSource {
  calls = 0;
  failures = 0;
  constructor(readonly rows: VotableTicket[]) {}
  votablePoolTickets(hashes: readonly string[]): Promise<VotableTicket[]> {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new Error('connection terminated unexpectedly'));
    }
    return Promise.resolve(this.rows.filter((r) => hashes.includes(r.hash)));
  }
}

/**
 * dcrd as the voter sees it, with a mempool that answers like dcrd 2.1: the same vote again is
 * -40 "already have transaction", another vote of the same ticket on the same block is a -1
 * rule error "… already votes on block …".
 */
class FakeDcrd extends EventEmitter<{ winningTickets: [WinningTickets]; ready: [] }> {
  readonly mempool = new Map<string, { ticket: string; block: string }>();
  readonly sent: string[] = [];
  rebroadcasts = 0;
  fail: ((hex: string) => Error | undefined) | undefined;

  sendRawTransaction(hex: string): Promise<string> {
    this.sent.push(hex);
    const failure = this.fail?.(hex);
    if (failure !== undefined) return Promise.reject(failure);
    const tx = decodeTx(hex);
    const id = txid(tx);
    const ticket = hashToDisplay(voteTicketHash(tx));
    const block = toHex(tx.outputs[0]!.pkScript.subarray(2, 34));
    if (this.mempool.has(id)) {
      const m = `rejected transaction ${id}: already have transaction ${id}`;
      return Promise.reject(new RpcError(RpcErrorCode.DuplicateTx, m, 'sendrawtransaction'));
    }
    for (const [other, v] of this.mempool) {
      if (v.ticket === ticket && v.block === block) {
        const m =
          `rejected transaction ${id}: vote ${id} spending ticket ${ticket} already votes on ` +
          `block ${BLOCK} (height ${HEIGHT}) [other vote ${other}]`;
        return Promise.reject(new RpcError(RpcErrorCode.Misc, m, 'sendrawtransaction'));
      }
    }
    this.mempool.set(id, { ticket, block });
    return Promise.resolve(id);
  }

  rebroadcastWinners(): Promise<null> {
    this.rebroadcasts++;
    return Promise.resolve(null);
  }
}

interface LogLine {
  level: string;
  obj: Record<string, unknown>;
  msg: string | undefined;
}

function recorder(): { lines: LogLine[]; log: PoolVoterOptions['log'] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  return {
    lines,
    log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
  };
}

function voter(
  dcrd: FakeDcrd,
  tickets: VotableTicketSource,
  o: Partial<PoolVoterOptions> = {},
): PoolVoter {
  return new PoolVoter({
    dcrd,
    tickets,
    keys: new PoolVotingKey(account.key),
    net,
    lookupRetryMs: [1, 1],
    ...o,
  });
}

const otherHash = (i: number): string => i.toString(16).padStart(64, 'e');

function winners(...hashes: string[]): WinningTickets {
  return { blockHash: BLOCK, height: HEIGHT, tickets: hashes };
}

describe('PoolVoter', () => {
  it('votes each pool ticket among the winners with its user’s bits, signed by the pool', async () => {
    const a = owned(1, 5, 0x0005); // bits for the current version: used
    const b = owned(2, 6, 0x0005, VERSION - 1); // bits of an older version: pool default
    const dcrd = new FakeDcrd();
    const { lines, log } = recorder();
    const results: PoolVoteResult[] = [];
    const v = voter(dcrd, new FakeTickets([a.votable, b.votable]), {
      log,
      onVote: (r) => results.push(r),
    });
    const summary = await v.handle(
      winners(otherHash(1), a.ticket.hash, otherHash(2), b.ticket.hash, otherHash(3)),
    );
    assert.deepEqual(
      { ...summary, ms: 0 },
      {
        blockHash: BLOCK,
        height: HEIGHT,
        winners: 5,
        ours: 2,
        sent: 2,
        duplicates: 0,
        failed: 0,
        lookupFailed: false,
        ms: 0,
      },
    );
    assert.equal(dcrd.sent.length, 2);
    const bitsByTicket = new Map<string, number>();
    for (const hex of dcrd.sent) {
      const vote = decodeTx(hex);
      const ticketHash = hashToDisplay(voteTicketHash(vote));
      const own = [a, b].find((t) => t.ticket.hash === ticketHash)!;
      checkVoteAgainstTicket(vote, own.ticket.tx, poolVoteSubsidy(HEIGHT, net));
      const [sig, script] = sigScriptPushes(vote.inputs[1]!.sigScript)!;
      const poolPub = account.key.neuter().child(0).child(own.votable.userId).publicKey;
      assert.ok(verifyInputSignature(vote, 1, script!, sig!, poolPub), 'signature verifies');
      bitsByTicket.set(ticketHash, voteBits(vote).bits);
      assert.equal(voteBits(vote).version, VERSION);
    }
    assert.equal(bitsByTicket.get(a.ticket.hash), 0x0005);
    assert.equal(bitsByTicket.get(b.ticket.hash), 1);

    // One line per vote with ticket, height and latency; one per block.
    const voteLines = lines.filter((l) => l.msg === 'vote sent');
    assert.equal(voteLines.length, 2);
    for (const l of voteLines) {
      assert.equal(l.obj['height'], HEIGHT);
      assert.ok([a.ticket.hash, b.ticket.hash].includes(l.obj['ticket'] as string));
      assert.equal(typeof l.obj['ms'], 'number');
      assert.ok((l.obj['ms'] as number) >= 0);
      assert.equal(typeof l.obj['txid'], 'string');
    }
    const block = lines.find((l) => l.msg === 'winning tickets voted');
    assert.equal(block?.obj['block'], BLOCK);
    assert.equal(block?.obj['sent'], 2);
    assert.deepEqual(results.map((r) => r.status).sort(), ['sent', 'sent']);
    assert.ok(results.every((r) => r.answerMs >= r.ms));
  });

  it('sends nothing when no winner is a votable pool ticket', async () => {
    const dcrd = new FakeDcrd();
    const { lines, log } = recorder();
    const tickets = new FakeTickets([owned(3, 5).votable]);
    const summary = await voter(dcrd, tickets, { log }).handle(winners(otherHash(7)));
    assert.equal(summary.ours, 0);
    assert.equal(dcrd.sent.length, 0);
    assert.equal(lines.find((l) => l.msg === 'no pool tickets among the winners')?.level, 'debug');
    // An empty winner list does not even ask the database.
    await voter(dcrd, tickets).handle(winners());
    assert.equal(tickets.calls, 1);
  });

  it('counts dcrd’s duplicate answers as success, other errors as failures', async () => {
    const t = [owned(10, 5), owned(11, 5), owned(12, 6), owned(13, 6)];
    const byTicket = (hex: string) => hashToDisplay(voteTicketHash(decodeTx(hex)));
    const dcrd = new FakeDcrd();
    dcrd.fail = (hex) => {
      const id = txid(decodeTx(hex));
      switch (byTicket(hex)) {
        case t[0]!.ticket.hash:
          return new RpcError(
            -40,
            `rejected transaction ${id}: already have transaction ${id}`,
            'sendrawtransaction',
          );
        case t[1]!.ticket.hash:
          return new RpcError(
            -1,
            `rejected transaction ${id}: vote ${id} spending ticket ${t[1]!.ticket.hash} already votes on block ${BLOCK} (height ${HEIGHT})`,
            'sendrawtransaction',
          );
        case t[2]!.ticket.hash:
          return new RpcError(
            -1,
            `rejected transaction ${id}: orphan transaction ${id} references output ${t[2]!.ticket.hash}:0 of unknown or fully-spent transaction`,
            'sendrawtransaction',
          );
        default:
          return new RpcConnectionError('sendrawtransaction: not connected');
      }
    };
    const { lines, log } = recorder();
    const summary = await voter(dcrd, new FakeTickets(t.map((x) => x.votable)), { log }).handle(
      winners(...t.map((x) => x.ticket.hash)),
    );
    assert.deepEqual(
      { sent: summary.sent, duplicates: summary.duplicates, failed: summary.failed },
      { sent: 0, duplicates: 2, failed: 2 },
    );
    assert.equal(lines.filter((l) => l.msg === 'vote already sent by another voter').length, 2);
    const errors = lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 2);
    assert.ok(
      errors.every((l) => typeof l.obj['err'] === 'string' && l.obj['ticket'] !== undefined),
    );
  });

  it('isDuplicateVoteError knows dcrd’s codes and messages', () => {
    assert.equal(isDuplicateVoteError(new RpcError(-40, 'already have transaction x', 'm')), true);
    assert.equal(
      isDuplicateVoteError(
        new RpcError(-1, 'vote a spending ticket b already votes on block c', 'm'),
      ),
      true,
    );
    assert.equal(
      isDuplicateVoteError(new RpcError(-1, 'transaction x votes on old block', 'm')),
      false,
    );
    assert.equal(isDuplicateVoteError(new RpcError(-22, 'already votes on block', 'm')), false);
    assert.equal(isDuplicateVoteError(new Error('already have transaction')), false);
  });

  it('logs a vote it cannot build and still sends the others', async () => {
    const good = owned(20, 5);
    const bad = owned(21, 5);
    // The row names another user than the one whose key is in the script.
    bad.votable = { ...bad.votable, userId: 8 };
    const dcrd = new FakeDcrd();
    const { lines, log } = recorder();
    const summary = await voter(dcrd, new FakeTickets([good.votable, bad.votable]), {
      log,
    }).handle(winners(good.ticket.hash, bad.ticket.hash));
    assert.deepEqual([summary.sent, summary.failed], [1, 1]);
    const line = lines.find((l) => l.msg === 'cannot build the vote');
    assert.equal(line?.obj['ticket'], bad.ticket.hash);
    assert.match(String(line?.obj['err']), /not in the redeem script/);
  });

  it('retries a failing database lookup, then gives the block up without throwing', async () => {
    const t = owned(30, 5);
    const dcrd = new FakeDcrd();
    const tickets = new FakeTickets([t.votable]);
    tickets.failures = 1;
    const { lines, log } = recorder();
    const first = await voter(dcrd, tickets, { log }).handle(winners(t.ticket.hash));
    assert.equal(first.sent, 1);
    assert.equal(
      lines.filter((l) => l.msg === 'winning tickets lookup failed; retrying').length,
      1,
    );

    tickets.failures = 10;
    const dcrd2 = new FakeDcrd();
    const given = await voter(dcrd2, tickets, { log }).handle(winners(t.ticket.hash));
    assert.equal(given.lookupFailed, true);
    assert.equal(dcrd2.sent.length, 0);
    const err = lines.find((l) => l.level === 'error');
    assert.match(err?.msg ?? '', /cannot look up the winning tickets/);
    assert.equal(err?.obj['height'], HEIGHT);
  });

  it('follows winningTickets after start(), drains on stop(), and ignores events after', async () => {
    const t = owned(40, 5);
    const dcrd = new FakeDcrd();
    const v = voter(dcrd, new FakeTickets([t.votable]), { connection: dcrd });
    dcrd.emit('winningTickets', winners(t.ticket.hash));
    assert.equal(dcrd.listenerCount('winningTickets'), 0);
    v.start();
    v.start(); // idempotent
    assert.equal(dcrd.listenerCount('winningTickets'), 1);
    dcrd.emit('winningTickets', winners(t.ticket.hash));
    dcrd.emit('ready');
    assert.equal(dcrd.rebroadcasts, 1, 'a reconnect asks dcrd for the winners again');
    await v.stop();
    assert.equal(dcrd.sent.length, 1, 'stop() waited for the vote under way');
    assert.equal(dcrd.listenerCount('winningTickets'), 0);
    assert.equal(dcrd.listenerCount('ready'), 0);
    dcrd.emit('winningTickets', winners(t.ticket.hash));
    v.start(); // a stopped voter stays stopped
    dcrd.emit('winningTickets', winners(t.ticket.hash));
    await v.stop();
    assert.equal(dcrd.sent.length, 1);
  });

  it('never throws out of the event handler', async () => {
    const t = owned(50, 5);
    const dcrd = new FakeDcrd();
    dcrd.fail = () => {
      throw new TypeError('socket exploded');
    };
    const { lines, log } = recorder();
    const v = voter(dcrd, new FakeTickets([t.votable]), { log });
    v.start();
    assert.doesNotThrow(() => dcrd.emit('winningTickets', winners(t.ticket.hash)));
    await v.stop();
    assert.match(String(lines.find((l) => l.level === 'error')?.obj['err']), /socket exploded/);
  });

  it('two voters on one database: the same vote bytes, one vote in the mempool, both succeed', async () => {
    const t = [owned(60, 5, 0x0005), owned(61, 6), owned(62, 7, 0x0003)];
    const db = new FakeTickets(t.map((x) => x.votable));
    const dcrd = new FakeDcrd();
    const one = voter(dcrd, db);
    const two = voter(dcrd, db, { keys: new PoolVotingKey(account.key, 1) });
    one.start();
    two.start();
    dcrd.emit('winningTickets', winners(...t.map((x) => x.ticket.hash), otherHash(9)));
    await Promise.all([one.stop(), two.stop()]);
    assert.equal(dcrd.sent.length, 6);
    assert.equal(new Set(dcrd.sent).size, 3, 'both voters built identical votes');
    assert.equal(dcrd.mempool.size, 3);

    // Bits changed between the two voters' reads: the second vote differs, dcrd keeps the
    // first, and the second voter still counts it a success.
    const dcrd2 = new FakeDcrd();
    const a = voter(dcrd2, new FakeTickets([t[0]!.votable]));
    const b = voter(dcrd2, new FakeTickets([{ ...t[0]!.votable, voteBits: 0x0003 }]));
    const [ra, rb] = [
      await a.handle(winners(t[0]!.ticket.hash)),
      await b.handle(winners(t[0]!.ticket.hash)),
    ];
    assert.deepEqual([ra.sent, rb.duplicates, dcrd2.mempool.size], [1, 1, 1]);
  });
});

describe('createPoolVoter', () => {
  it('takes the live clients: DcrdClient and its connection fit the narrow interfaces', () => {
    // A compile-time check (tsc): the CLI passes these without adapters.
    const fit = (d: DcrdClient): [PoolVoterNode, PoolVoterConnection] => [d, d.rpc];
    assert.equal(typeof fit, 'function');
  });

  it('loads the voting key from the config and refuses a mismatched one', async () => {
    const t = owned(70, 5);
    const dcrd = new FakeDcrd();
    const { lines, log } = recorder();
    const v = createPoolVoter({
      config: {
        votingWalletExtPrv: account.xprv,
        votingKeyFile: '',
        votingWalletExtPub: account.xpub,
      },
      dcrd,
      tickets: new FakeTickets([t.votable]),
      net,
      log,
    });
    assert.equal(v.voteVersion, VERSION);
    assert.equal((await v.handle(winners(t.ticket.hash))).sent, 1);
    assert.equal(lines.find((l) => l.msg === 'voting key loaded')?.obj['xpub'], account.xpub);
    assert.ok(!JSON.stringify(lines).includes(account.xprv), 'the private key is never logged');

    const other = votingAccount(net, 'not the pool');
    assert.throws(
      () =>
        createPoolVoter({
          config: {
            votingWalletExtPrv: other.xprv,
            votingKeyFile: '',
            votingWalletExtPub: account.xpub,
          },
          dcrd,
          tickets: new FakeTickets([]),
          net,
        }),
      (e: unknown) =>
        e instanceof VotingKeyError &&
        /votingwalletextprv: is not the private key of votingwalletextpub/.test(e.message),
    );
  });
});

describeEachEngine('PoolVoter on the pool tables', (get) => {
  const PURCHASE_BLOCK = 'ab'.repeat(32);
  let seq = 0;

  async function user(voteBits: number, voteBitsVersion = VERSION): Promise<number> {
    seq++;
    const u = await createPoolUser(get().db, {
      email: `voter${seq}@example.org`,
      passwordHash: 'scrypt$test',
      emailVerified: 1,
      voteBits,
      voteBitsVersion,
    });
    assert.ok(u !== undefined);
    const ms = userMultisig(account.key, u.id, net);
    const stored = await setPoolUserMultisig(get().db, u.id, {
      address: ms.address,
      script: toHex(ms.redeemScript),
      poolPubKeyAddr: `SkPool${u.id}`,
      userPubKeyAddr: `SkUser${u.id}`,
      feeAddress: `SsFee${u.id}`,
      heightRegistered: 100,
    });
    assert.ok(stored);
    return u.id;
  }

  async function ticket(userId: number, feeStatus: 'ok' | 'low'): Promise<PoolTicket> {
    seq++;
    const ms = userMultisig(account.key, userId, net);
    const t = poolTicket({ redeemScript: ms.redeemScript, seed: `db ticket ${seq}`, net });
    await insertPoolTickets(get().db, [
      {
        hash: t.hash,
        userId,
        ticketAddress: ms.address,
        purchaseHeight: 500 + seq,
        purchaseBlock: PURCHASE_BLOCK,
        price: t.tx.outputs[0]!.value,
        feePaid: 944_988n,
        feeRequired: feeStatus === 'ok' ? 944_988n : 2_000_000n,
        feeStatus,
        ticketHex: t.hex,
      },
    ]);
    return t;
  }

  it('votes the unspent valid and admin-added tickets, with the stored bits', async () => {
    const a = await user(0x0005);
    const b = await user(0x0005, VERSION - 1);
    const ok = await ticket(a, 'ok');
    const stale = await ticket(b, 'ok');
    const low = await ticket(a, 'low');
    const added = await ticket(b, 'low');
    const voted = await ticket(a, 'ok');
    assert.equal(await addLowFeeTickets(get().db, [added.hash], a), 1);
    await setPoolTicketOutcome(get().db, voted.hash, {
      outcome: 'voted',
      height: 700,
      spentBy: 'cd'.repeat(32),
    });

    const dcrd = new FakeDcrd();
    const db = get().db;
    const v = voter(dcrd, { votablePoolTickets: (h) => votablePoolTickets(db, h) });
    const summary = await v.handle(winners(ok.hash, stale.hash, low.hash, added.hash, voted.hash));
    assert.deepEqual([summary.ours, summary.sent, summary.failed], [3, 3, 0]);
    const bits = new Map(
      dcrd.sent.map((hex) => {
        const vote = decodeTx(hex);
        return [hashToDisplay(voteTicketHash(vote)), voteBits(vote).bits];
      }),
    );
    assert.deepEqual(
      [...bits.entries()].sort(),
      [
        [ok.hash, 0x0005],
        [stale.hash, 1],
        [added.hash, 1],
      ].sort(),
    );
  });

  it('two voters with their own connections race on one database: one vote per ticket', async () => {
    const u = [await user(0x0005), await user(1), await user(0x0003)];
    const tickets = [
      await ticket(u[0]!, 'ok'),
      await ticket(u[1]!, 'ok'),
      await ticket(u[2]!, 'ok'),
      await ticket(u[0]!, 'ok'),
      await ticket(u[2]!, 'ok'),
    ];
    const second = get().reopen();
    try {
      const dcrd = new FakeDcrd();
      const db1 = get().db;
      const db2 = second.db;
      const one = voter(dcrd, { votablePoolTickets: (h) => votablePoolTickets(db1, h) });
      const two = voter(dcrd, { votablePoolTickets: (h) => votablePoolTickets(db2, h) });
      one.start();
      two.start();
      dcrd.emit('winningTickets', winners(...tickets.map((t) => t.hash)));
      await Promise.all([one.stop(), two.stop()]);
      assert.equal(dcrd.sent.length, 10);
      assert.equal(dcrd.mempool.size, 5, 'each ticket voted once');
      assert.equal(new Set(dcrd.sent).size, 5, 'the two voters built the same votes');
    } finally {
      await second.close();
    }
  });
});
