import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { voteSubsidy } from '../../src/dcr/amounts.ts';
import { equalBytes, hashFromDisplay, hashToDisplay, toHex } from '../../src/dcr/bytes.ts';
import { netParams } from '../../src/dcr/params.ts';
import { publicKeyCreate } from '../../src/dcr/secp.ts';
import { sigScriptPushes, verifyInputSignature } from '../../src/dcr/sign.ts';
import {
  checkVote,
  checkVoteAgainstTicket,
  voteBits,
  voteBlockRef,
  voteTicketHash,
} from '../../src/dcr/stake.ts';
import { decodeTx, encodeTx } from '../../src/dcr/tx.ts';
import { buildVote, signVote } from '../../src/dcr/vote.ts';
import { PoolVotingKey } from '../../src/pool/voting-key.ts';
import { currentVoteVersion } from '../../src/vsp/agendas.ts';
import {
  buildPoolVote,
  DEFAULT_VOTE_BITS,
  poolVoteBits,
  poolVoteSubsidy,
  poolVoteTx,
} from '../../src/voting/pool-vote.ts';
import type { PoolVoteParams } from '../../src/voting/pool-vote.ts';
import { poolTicket, userKey, userMultisig, votingAccount } from './pool-vote-fixtures.ts';

const net = netParams('simnet');
const account = votingAccount(net);
const keys = new PoolVotingKey(account.key);
const USER = 7;
const ms = userMultisig(account.key, USER, net);
const ticket = poolTicket({ redeemScript: ms.redeemScript, seed: 'ticket A', net });
const BLOCK = '000000a2b1f4e2a5c9d7e8f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a';
const HEIGHT = 1234;

function params(o: Partial<PoolVoteParams> = {}): PoolVoteParams {
  return {
    ticketHex: ticket.hex,
    redeemScript: toHex(ms.redeemScript),
    blockHash: BLOCK,
    height: HEIGHT,
    voteBits: 0x0005,
    voteVersion: currentVoteVersion('simnet'),
    net,
    privKey: keys.privateKey(USER),
    ticketHash: ticket.hash,
    ...o,
  };
}

describe('buildPoolVote', () => {
  it('builds a vote that redeems the ticket, signed by the pool key of the user', () => {
    const vote = decodeTx(buildPoolVote(params()));
    checkVote(vote);
    checkVoteAgainstTicket(vote, ticket.tx, poolVoteSubsidy(HEIGHT, net));
    assert.equal(hashToDisplay(voteTicketHash(vote)), ticket.hash);
    const ref = voteBlockRef(vote);
    assert.equal(hashToDisplay(ref.blockHash), BLOCK);
    assert.equal(ref.height, HEIGHT);
    assert.deepEqual(
      { bits: voteBits(vote).bits, version: voteBits(vote).version },
      { bits: 0x0005, version: currentVoteVersion('simnet') },
    );

    // sigScript = <sig> <redeemScript>; the signature verifies against the pool key over the
    // redeem script, and the user's key does not stand in for it.
    const pushes = sigScriptPushes(vote.inputs[1]!.sigScript);
    assert.ok(pushes !== undefined && pushes.length === 2);
    const [sig, script] = pushes;
    assert.ok(equalBytes(script!, ms.redeemScript));
    const poolPub = account.key.neuter().child(0).child(USER).publicKey;
    assert.equal(verifyInputSignature(vote, 1, ms.redeemScript, sig!, poolPub), true);
    const userPub = publicKeyCreate(userKey(USER));
    assert.equal(verifyInputSignature(vote, 1, ms.redeemScript, sig!, userPub), false);
  });

  it('is the vote of the recipe dcrd accepted in test/e2e/own-vote.test.ts', () => {
    const t = decodeTx(ticket.hex);
    const unsigned = buildVote({
      ticket: t,
      ticketHash: hashFromDisplay(ticket.hash),
      blockHash: hashFromDisplay(BLOCK),
      blockHeight: HEIGHT,
      voteBits: 0x0005,
      voteVersion: net.voteVersion,
      subsidy: voteSubsidy(HEIGHT, net, 'dcp0012'),
      net,
    });
    const signed = signVote(
      unsigned,
      t.outputs[0]!.pkScript,
      keys.privateKey(USER),
      ms.redeemScript,
    );
    assert.equal(buildPoolVote(params()), toHex(encodeTx(signed)));
  });

  it('is deterministic: two voters build the same bytes', () => {
    const other = new PoolVotingKey(account.key);
    assert.equal(
      buildPoolVote(params()),
      buildPoolVote(params({ privKey: other.privateKey(USER) })),
    );
    assert.notEqual(buildPoolVote(params()), buildPoolVote(params({ voteBits: 1 })));
  });

  it('refuses a key that is not in the redeem script and a ticket of another hash', () => {
    assert.throws(
      () => buildPoolVote(params({ privKey: keys.privateKey(USER + 1) })),
      /^RangeError: privateKey: its public key is not in the redeem script/,
    );
    const otherScript = userMultisig(account.key, USER + 1, net).redeemScript;
    assert.throws(
      () => buildPoolVote(params({ redeemScript: toHex(otherScript) })),
      /^RangeError: redeemScript: does not hash to the ticket's script hash/,
    );
    const other = poolTicket({ redeemScript: ms.redeemScript, seed: 'ticket B', net });
    assert.throws(
      () => buildPoolVote(params({ ticketHash: other.hash })),
      /^RangeError: ticketHash: does not match/,
    );
    assert.throws(() => buildPoolVote(params({ ticketHex: 'zz' })), /ticketHex/);
    assert.throws(() => buildPoolVote(params({ voteBits: 0x10000 })), /^RangeError: voteBits: /);
  });

  it('poolVoteTx gives the same transaction as a Tx', () => {
    assert.equal(toHex(encodeTx(poolVoteTx(params()))), buildPoolVote(params()));
  });
});

describe('poolVoteSubsidy', () => {
  it('takes the split of the block that holds the vote (voted-on height + 1)', () => {
    const mainnet = netParams('mainnet');
    const h = mainnet.dcp0010Height!;
    // The vote in the first DCP-0010 block votes on the block before it.
    assert.equal(poolVoteSubsidy(h - 1, mainnet), voteSubsidy(h - 1, mainnet, 'dcp0010'));
    assert.equal(poolVoteSubsidy(h - 2, mainnet), voteSubsidy(h - 2, mainnet, 'original'));
    const h12 = mainnet.dcp0012Height!;
    assert.equal(poolVoteSubsidy(h12 - 1, mainnet), voteSubsidy(h12 - 1, mainnet, 'dcp0012'));
    assert.equal(poolVoteSubsidy(h12 - 2, mainnet), voteSubsidy(h12 - 2, mainnet, 'dcp0010'));
    assert.notEqual(
      voteSubsidy(h - 1, mainnet, 'dcp0010'),
      voteSubsidy(h - 1, mainnet, 'original'),
    );
    // simnet runs the DCP-0012 split from block 1 (what the e2e vote used).
    assert.equal(poolVoteSubsidy(HEIGHT, net), voteSubsidy(HEIGHT, net, 'dcp0012'));
  });
});

describe('poolVoteBits', () => {
  const version = currentVoteVersion('simnet');

  it("uses the user's bits when they were set for the current vote version", () => {
    assert.equal(poolVoteBits({ voteBits: 0x0005, voteBitsVersion: version }, version), 0x0005);
    assert.equal(poolVoteBits({ voteBits: 0, voteBitsVersion: version }, version), 0);
  });

  it('falls back to the pool default 1 on a version mismatch or bits out of range', () => {
    assert.equal(DEFAULT_VOTE_BITS, 1);
    assert.equal(poolVoteBits({ voteBits: 0x0005, voteBitsVersion: version - 1 }, version), 1);
    assert.equal(poolVoteBits({ voteBits: 0x0005, voteBitsVersion: version + 1 }, version), 1);
    assert.equal(poolVoteBits({ voteBits: 0x10000, voteBitsVersion: version }, version), 1);
    assert.equal(poolVoteBits({ voteBits: -1, voteBitsVersion: version }, version), 1);
    assert.equal(poolVoteBits({ voteBits: 1.5, voteBitsVersion: version }, version), 1);
  });
});
