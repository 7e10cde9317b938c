import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitAt, voteSubsidy } from '../../src/dcr/amounts.ts';
import {
  concatBytes,
  fromHex,
  hashFromDisplay,
  hashToDisplay,
  toHex,
} from '../../src/dcr/bytes.ts';
import { blake256, hash160 } from '../../src/dcr/hash.ts';
import { netParams } from '../../src/dcr/params.ts';
import type { NetParams } from '../../src/dcr/params.ts';
import {
  classifyScript,
  multiSigScript,
  parseMultiSigScript,
  stakeTaggedScript,
} from '../../src/dcr/script.ts';
import { nobleSecp, publicKeyCreate } from '../../src/dcr/secp.ts';
import { calcSignatureHash, SigHashType } from '../../src/dcr/sighash.ts';
import {
  checkSignatureEncoding,
  sigScriptPushes,
  verifyInputSignature,
} from '../../src/dcr/sign.ts';
import {
  checkVote,
  checkVoteAgainstTicket,
  voteBits,
  voteBlockRef,
  voteTreasuryVotes,
} from '../../src/dcr/stake.ts';
import { decodeTx, encodeTx, txHash, txid, TxSerType } from '../../src/dcr/tx.ts';
import type { Tx } from '../../src/dcr/tx.ts';
import {
  blockRefScript,
  buildVote,
  signVote,
  treasuryVoteScript,
  voteBitsScript,
} from '../../src/dcr/vote.ts';
import type { TicketInfo, VoteCommitment, VoteParams } from '../../src/dcr/vote.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';

// ---------------------------------------------------------------------------------------------
// The real votes of stake_txs.json
// ---------------------------------------------------------------------------------------------

interface VoteDecoded {
  voted_block_hash: string;
  voted_height: number;
  votebits: number;
  vote_version: number;
  ticket_spent: string;
  ticket_spent_index: number;
  ticket_spent_tree: number;
  stakebase_value_in: number;
  ticket_value_in: number;
  payouts: { value: number; script_hex: string; address: string }[];
}

interface StakeTxsFile {
  mainnet_block_432100: {
    txs: { type: string; tx_hex: string; expected_txid: string; decoded: VoteDecoded }[];
  };
  mainnet_votes_p2sh_ticket: {
    file: string;
    tx_hex: string;
    expected_txid: string | null;
    derived_txid?: string;
    decoded: VoteDecoded;
    redeem_script_hex: string;
  }[];
  regnet_samples: {
    pairs: {
      ticket: { block_height: number; tx_hex: string; expected_txid: string };
      vote: { block_height: number; tx_hex: string; derived_txid: string; decoded: VoteDecoded };
    }[];
  };
}

interface RealVote {
  name: string;
  net: NetParams;
  txHex: string;
  txid: string;
  decoded: VoteDecoded;
  /** The ticket transaction, where the vector holds it. */
  ticketHex?: string;
  /** Recorded redeem script (the P2SH votes outside block 432100). */
  redeemHex?: string;
}

const file = loadVectors<StakeTxsFile>('stake_txs.json');
const mainnet = netParams('mainnet');
const regnet = netParams('regnet');

const realVotes: RealVote[] = [
  ...file.mainnet_block_432100.txs
    .filter((t) => t.type === 'vote')
    .map((t, i) => ({
      name: `mainnet block 432100 vote ${i} ${t.expected_txid.slice(0, 8)}`,
      net: mainnet,
      txHex: t.tx_hex,
      txid: t.expected_txid,
      decoded: t.decoded,
    })),
  ...file.mainnet_votes_p2sh_ticket.map((t) => ({
    name: `mainnet ${t.file.split('/').at(-1)}`,
    net: mainnet,
    txHex: t.tx_hex,
    txid: (t.expected_txid ?? t.derived_txid)!,
    decoded: t.decoded,
    redeemHex: t.redeem_script_hex,
  })),
  ...file.regnet_samples.pairs.map((p) => ({
    name: `regnet vote at ${p.vote.block_height} for ticket ${p.ticket.expected_txid.slice(0, 8)}`,
    net: regnet,
    txHex: p.vote.tx_hex,
    txid: p.vote.derived_txid,
    decoded: p.vote.decoded,
    ticketHex: p.ticket.tx_hex,
  })),
];

/**
 * Commitment amounts that make CalculateRewards give exactly the recorded payouts. The vector
 * records a mainnet vote's payouts (kind, hash, value) but not its ticket, so the amounts are the
 * first solution with Σ = ticket price; any such solution fixes the same vote bytes.
 */
function solveCommitments(decoded: VoteDecoded): VoteCommitment[] {
  const price = BigInt(decoded.ticket_value_in);
  const total = price + BigInt(decoded.stakebase_value_in);
  const outs = decoded.payouts.map((p) => BigInt(p.value));
  for (let sum = price; sum < price + 1_000_000n; sum++) {
    const amounts = outs.slice(0, -1).map((o) => (o * sum + total - 1n) / total);
    amounts.push(sum - amounts.reduce((a, b) => a + b, 0n));
    if (amounts.every((a, i) => (a * total) / sum === outs[i])) {
      return decoded.payouts.map((p, i) => {
        const c = classifyScript(fromHex(p.script_hex));
        assert.ok(c.type === 'stakeGenP2PKH' || c.type === 'stakeGenP2SH', p.script_hex);
        return { hash160: c.hash160, isP2SH: c.type === 'stakeGenP2SH', amount: amounts[i]! };
      });
    }
  }
  throw new Error('no commitment amounts reproduce the payouts');
}

interface Rebuilt {
  real: Tx;
  ticket: Tx | TicketInfo;
  votingScript: Uint8Array;
  /** The voting script's redeem script for a P2SH ticket. */
  redeem: Uint8Array | undefined;
  params: VoteParams;
}

/** Everything a rebuilt vote needs, from the ticket data rather than from the vote's outputs. */
function rebuildInputs(v: RealVote): Rebuilt {
  const real = decodeTx(v.txHex);
  const d = v.decoded;
  const pushes = sigScriptPushes(real.inputs[1]!.sigScript);
  assert.ok(pushes && pushes.length === 2, 'vin[1] sigScript is <sig> <pubkey|redeem>');
  let ticket: Tx | TicketInfo;
  let votingScript: Uint8Array;
  let redeem: Uint8Array | undefined;
  if (v.ticketHex !== undefined) {
    const t = decodeTx(v.ticketHex);
    ticket = t;
    votingScript = t.outputs[0]!.pkScript;
  } else {
    // No ticket tx in the vector: its voting script is the tagged P2SH of the redeem script the
    // vote reveals (recorded separately for two of them), its hash, price and commitments are
    // what the vector records.
    redeem = pushes[1]!;
    if (v.redeemHex !== undefined) assert.equal(toHex(redeem), v.redeemHex);
    votingScript = stakeTaggedScript('ticket', 'p2sh', hash160(redeem));
    ticket = {
      hash: hashFromDisplay(d.ticket_spent),
      price: BigInt(d.ticket_value_in),
      commitments: solveCommitments(d),
      votingScript,
    };
  }
  const subsidy = voteSubsidy(d.voted_height, v.net, splitAt(v.net, d.voted_height));
  assert.equal(subsidy, BigInt(d.stakebase_value_in), 'subsidy at the voted height');
  const params: VoteParams = {
    ticket,
    blockHash: hashFromDisplay(d.voted_block_hash),
    blockHeight: d.voted_height,
    voteBits: d.votebits,
    voteVersion: d.vote_version,
    subsidy,
    net: v.net,
  };
  // The regnet test chain votes carry no vote version at all (`6a 02 <bits>`; vote_version 0
  // in the vector means "absent"), which dcrwallet's VoteBits models as empty ExtendedBits.
  if (v.net === regnet) params.extendedVoteBits = new Uint8Array(0);
  return { real, ticket, votingScript, redeem, params };
}

const key = (label: string): Uint8Array => blake256(new TextEncoder().encode(label));

/** The fresh-key sigScript checks: `<DER‖01> <tail>` with direct pushes and no OP_0. */
function assertSigScript(sigScript: Uint8Array, tail: Uint8Array): Uint8Array {
  const n = sigScript[0]!;
  assert.ok(n >= 0x09 && n <= 0x49, `first push is OP_DATA_${n}`);
  const sig = sigScript.subarray(1, 1 + n);
  assert.equal(sig.at(-1), SigHashType.All);
  checkSignatureEncoding(sig.subarray(0, -1)); // strict DER, low S
  assert.equal(
    toHex(sigScript.subarray(1 + n)),
    toHex(concatBytes(Uint8Array.of(tail.length), tail)),
  );
  assert.deepEqual(sigScriptPushes(sigScript), [sig, tail]);
  return sig;
}

vectorSuite('stake_txs.json', (add) => {
  for (const v of realVotes) {
    add(`rebuild ${v.name}`, () => {
      const { real, ticket, params } = rebuildInputs(v);
      assert.equal(txid(real), v.txid);
      const built = buildVote(params);
      checkVote(built);
      assert.equal(txid(built), v.txid);
      assert.equal(
        toHex(encodeTx(built, TxSerType.NoWitness)),
        toHex(encodeTx(real, TxSerType.NoWitness)),
      );
      if (!('hash' in ticket)) checkVoteAgainstTicket(built, ticket, params.subsidy);
      // Structure as dcrwallet writes it.
      assert.equal(built.version, 1);
      assert.equal(toHex(built.inputs[0]!.sigScript), toHex(v.net.stakeBaseSigScript));
      assert.equal(built.inputs[0]!.valueIn, params.subsidy);
      assert.equal(built.inputs[1]!.valueIn, BigInt(v.decoded.ticket_value_in));
      assert.equal(built.inputs[1]!.blockHeight, 0);
      assert.equal(built.inputs[1]!.blockIndex, 0xffffffff);
      assert.equal(hashToDisplay(voteBlockRef(built).blockHash), v.decoded.voted_block_hash);
      // With the witness the chain carries (the ticket's block location; the old regnet chain's
      // `deadbeef` stakebase script) and the real signature, every byte is the real vote's.
      const full = buildVote({
        ...params,
        stakeBaseSigScript: real.inputs[0]!.sigScript,
        ticketBlockHeight: real.inputs[1]!.blockHeight,
        ticketBlockIndex: real.inputs[1]!.blockIndex,
      });
      full.inputs[1]!.sigScript = real.inputs[1]!.sigScript;
      assert.equal(toHex(encodeTx(full)), v.txHex);
    });

    add(`real signature ${v.name}`, () => {
      const { real, votingScript, params } = rebuildInputs(v);
      const [sig, last] = sigScriptPushes(real.inputs[1]!.sigScript)!;
      assert.equal(sig!.at(-1), SigHashType.All);
      checkSignatureEncoding(sig!.subarray(0, -1));
      const built = buildVote(params);
      const cls = classifyScript(votingScript);
      if (cls.type === 'stakeSubmissionP2SH') {
        const redeem = last!;
        assert.equal(toHex(hash160(redeem)), toHex(cls.hash160));
        const ms = parseMultiSigScript(redeem);
        assert.ok(ms && ms.m === 1 && ms.pubKeys.length === 2, '1-of-2 multisig');
        const [first, second] = ms.pubKeys;
        // The sighash commits to the redeem script; every sample was signed by the first key.
        for (const tx of [real, built]) {
          assert.equal(verifyInputSignature(tx, 1, redeem, sig!, first!), true);
          assert.equal(verifyInputSignature(tx, 1, redeem, sig!, second!), false);
          assert.equal(verifyInputSignature(tx, 1, votingScript, sig!, first!), false);
          assert.equal(verifyInputSignature(tx, 1, votingScript.subarray(1), sig!, first!), false);
        }
      } else {
        assert.equal(cls.type, 'stakeSubmissionP2PKH');
        const pub = last!;
        assert.equal(toHex(hash160(pub)), toHex(cls.hash160));
        // The sighash commits to the whole tagged script, OP_SSTX included.
        for (const tx of [real, built]) {
          assert.equal(verifyInputSignature(tx, 1, votingScript, sig!, pub), true);
          assert.equal(verifyInputSignature(tx, 1, votingScript.subarray(1), sig!, pub), false);
        }
      }
      // For SigHashAll the prefix digest is the TxHash.
      const sub = cls.type === 'stakeSubmissionP2SH' ? last! : votingScript;
      assert.equal(
        toHex(calcSignatureHash(sub, 1, built, 1, txHash(real))),
        toHex(calcSignatureHash(sub, 1, real, 1)),
      );
    });

    add(`sign fresh 1-of-2 P2SH and P2PKH ${v.name}`, () => {
      const { ticket, params } = rebuildInputs(v);
      const base: TicketInfo =
        'hash' in ticket
          ? ticket
          : {
              hash: txHash(ticket),
              price: ticket.outputs[0]!.value,
              commitments: solveCommitments(v.decoded),
              votingScript: ticket.outputs[0]!.pkScript,
            };
      const poolPriv = key(`pool ${v.name}`);
      const userPriv = key(`user ${v.name}`);
      const poolPub = publicKeyCreate(poolPriv);
      const userPub = publicKeyCreate(userPriv);

      // Legacy pool ticket: 1-of-2 [pool, user], the pool signs.
      const redeem = multiSigScript(1, [poolPub, userPub]);
      const p2shScript = stakeTaggedScript('ticket', 'p2sh', hash160(redeem));
      const unsigned = buildVote({ ...params, ticket: { ...base, votingScript: p2shScript } });
      assert.equal(txid(unsigned), v.txid, 'the voting script is not part of the vote prefix');
      const signed = signVote(unsigned, p2shScript, poolPriv, redeem);
      assert.equal(txid(signed), v.txid);
      assert.equal(unsigned.inputs[1]!.sigScript.length, 0, 'the input vote is not modified');
      assert.equal(redeem.length, 71);
      const sig = assertSigScript(signed.inputs[1]!.sigScript, redeem);
      const digest = calcSignatureHash(redeem, SigHashType.All, unsigned, 1);
      assert.equal(toHex(sig.subarray(0, -1)), toHex(nobleSecp.signDer(digest, poolPriv)));
      assert.equal(verifyInputSignature(signed, 1, redeem, sig, poolPub), true);
      assert.equal(verifyInputSignature(signed, 1, redeem, sig, userPub), false);
      assert.equal(
        toHex(encodeTx(signVote(unsigned, p2shScript, poolPriv, redeem))),
        toHex(encodeTx(signed)),
      );
      // The user's key may vote too.
      const byUser = signVote(unsigned, p2shScript, userPriv, redeem);
      const userSig = assertSigScript(byUser.inputs[1]!.sigScript, redeem);
      assert.equal(verifyInputSignature(byUser, 1, redeem, userSig, userPub), true);

      // Solo/VSP ticket: tagged P2PKH of a compressed key.
      const p2pkh = stakeTaggedScript('ticket', 'p2pkh', hash160(userPub));
      const unsigned2 = buildVote({ ...params, ticket: { ...base, votingScript: p2pkh } });
      const signed2 = signVote(unsigned2, p2pkh, userPriv);
      assert.equal(txid(signed2), v.txid);
      const sig2 = assertSigScript(signed2.inputs[1]!.sigScript, userPub);
      assert.equal(verifyInputSignature(signed2, 1, p2pkh, sig2, userPub), true);
      assert.equal(verifyInputSignature(signed2, 1, p2pkh.subarray(1), sig2, userPub), false);
      checkVote(signed);
      checkVote(signed2);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Scripts, options and errors
// ---------------------------------------------------------------------------------------------

const sample = realVotes.find((v) => v.ticketHex !== undefined)!;
const sampleTicket = decodeTx(sample.ticketHex!);
const sampleParams = (): VoteParams => rebuildInputs(sample).params;

describe('vote scripts', () => {
  it('blockRefScript: 6a 24 <hash> <height u32LE>', () => {
    const h = key('block');
    assert.equal(toHex(blockRefScript(h, 0x01020304)), `6a24${toHex(h)}04030201`);
    assert.throws(() => blockRefScript(h.subarray(1), 1), /^RangeError: blockHash: /);
    assert.throws(() => blockRefScript(h, -1), /^RangeError: blockHeight: /);
  });

  it('voteBitsScript: 6a 06 <bits u16LE> <version u32LE>, as in the voting reference table', () => {
    assert.equal(toHex(voteBitsScript(1, mainnet.voteVersion)), '6a0601000b000000');
    assert.equal(toHex(voteBitsScript(1, 12)), '6a0601000c000000');
    assert.equal(toHex(voteBitsScript(0xabcd, 0xffffffff)), '6a06cdabffffffff');
    assert.equal(toHex(voteBitsScript(1, new Uint8Array(0))), '6a020100');
    assert.equal(voteBitsScript(1, new Uint8Array(73))[1], 75);
    assert.throws(() => voteBitsScript(1, new Uint8Array(74)), /^RangeError: extendedVoteBits: /);
    assert.throws(() => voteBitsScript(0x10000, 1), /^RangeError: voteBits: /);
    assert.throws(() => voteBitsScript(1, 2 ** 32), /^RangeError: voteVersion: /);
  });

  it('treasuryVoteScript: OP_DATA_n up to 2 votes, OP_PUSHDATA1 from 3, 1–7 distinct', () => {
    const a = key('tspend a');
    const b = key('tspend b');
    assert.equal(toHex(treasuryVoteScript([{ hash: a, vote: 'yes' }])), `6a235456${toHex(a)}01`);
    const two = treasuryVoteScript([
      { hash: a, vote: 'yes' },
      { hash: b, vote: 'no' },
    ]);
    assert.equal(toHex(two.subarray(0, 4)), '6a445456');
    const seven = Array.from({ length: 7 }, (_, i) => ({
      hash: key(`t${i}`),
      vote: 'no' as const,
    }));
    const s7 = treasuryVoteScript(seven);
    assert.equal(toHex(s7.subarray(0, 5)), '6a4ce95456');
    assert.throws(() => treasuryVoteScript([]), /^RangeError: treasuryVotes: /);
    assert.throws(
      () => treasuryVoteScript([...seven, { hash: a, vote: 'yes' }]),
      /^RangeError: treasuryVotes: /,
    );
    assert.throws(
      () =>
        treasuryVoteScript([
          { hash: a, vote: 'yes' },
          { hash: a, vote: 'no' },
        ]),
      /^RangeError: treasuryVotes\[1\]\.hash: duplicate/,
    );
    assert.throws(
      () => treasuryVoteScript([{ hash: a, vote: 'abstain' as 'yes' }]),
      /^TypeError: treasuryVotes\[0\]\.vote: /,
    );
  });
});

describe('buildVote', () => {
  it('adds the treasury-vote output last and sets version 3', () => {
    const tv = [
      { hash: key('ts1'), vote: 'yes' as const },
      { hash: key('ts2'), vote: 'no' as const },
      { hash: key('ts3'), vote: 'yes' as const },
    ];
    const vote = buildVote({ ...sampleParams(), treasuryVotes: tv });
    assert.equal(vote.version, 3);
    assert.equal(vote.outputs.length, 2 + 1 + 1);
    assert.deepEqual(
      voteTreasuryVotes(vote).map((t) => [toHex(t.tspendHash), t.vote]),
      tv.map((t) => [toHex(t.hash), t.vote]),
    );
    checkVoteAgainstTicket(vote, sampleTicket, sampleParams().subsidy);
    // An empty list is no output at all.
    assert.equal(buildVote({ ...sampleParams(), treasuryVotes: [] }).version, 1);
  });

  it('fills the ticket fraud proof when given, which does not change the txid', () => {
    const a = buildVote(sampleParams());
    const b = buildVote({ ...sampleParams(), ticketBlockHeight: 64, ticketBlockIndex: 12 });
    assert.equal(b.inputs[1]!.blockHeight, 64);
    assert.equal(b.inputs[1]!.blockIndex, 12);
    assert.equal(txid(a), txid(b));
  });

  it('writes the network stakebase script and the default vote version', () => {
    for (const name of ['mainnet', 'testnet3', 'simnet', 'regnet'] as const) {
      const net = netParams(name);
      const vote = buildVote({
        ...sampleParams(),
        net,
        extendedVoteBits: undefined,
        voteVersion: net.voteVersion,
      });
      assert.equal(toHex(vote.inputs[0]!.sigScript), name === 'regnet' ? '7357' : '0000');
      assert.equal(voteBits(vote).version, net.voteVersion);
      assert.equal(voteBits(vote).bits, 1);
    }
  });

  it('pays the simnet DCP-0012 subsidy as the stakebase ValueIn', () => {
    const simnet = netParams('simnet');
    const subsidy = voteSubsidy(143, simnet, 'dcp0012');
    assert.equal(subsidy, 8_811_881_188n);
    const vote = buildVote({ ...sampleParams(), net: simnet, blockHeight: 143, subsidy });
    assert.equal(vote.inputs[0]!.valueIn, subsidy);
    checkVoteAgainstTicket(vote, sampleTicket, subsidy);
  });

  it('accepts a ticket hash that matches and rejects one that does not', () => {
    const p = sampleParams();
    assert.equal(txid(buildVote({ ...p, ticketHash: txHash(sampleTicket) })), sample.txid);
    assert.throws(() => buildVote({ ...p, ticketHash: key('x') }), /^RangeError: ticketHash: /);
  });

  it('rejects bad parameters, naming the field', () => {
    const p = sampleParams();
    const cases: [Partial<VoteParams>, RegExp][] = [
      [{ blockHash: new Uint8Array(31) }, /^RangeError: blockHash: /],
      [{ blockHeight: -1 }, /^RangeError: blockHeight: /],
      [{ voteBits: 0x10000 }, /^RangeError: voteBits: /],
      [{ voteVersion: 1.5, extendedVoteBits: undefined }, /^RangeError: voteVersion: /],
      [{ subsidy: -1n }, /^RangeError: subsidy: /],
      [{ stakeBaseSigScript: Uint8Array.of(0) }, /^RangeError: stakeBaseSigScript: /],
      [{ ticketBlockIndex: -2 }, /^RangeError: ticketBlockIndex: /],
      [
        { ticket: { ...sampleTicket, outputs: sampleTicket.outputs.slice(0, 2) } },
        /^RangeError: ticket/,
      ],
      [
        {
          ticket: {
            hash: key('t'),
            price: 1n,
            commitments: [],
            votingScript: sampleTicket.outputs[0]!.pkScript,
          },
        },
        /^RangeError: ticket\.commitments: /,
      ],
      [
        {
          ticket: {
            hash: key('t'),
            price: 1n,
            commitments: [{ hash160: new Uint8Array(20), isP2SH: false, amount: 1n }],
            votingScript: sampleTicket.outputs[0]!.pkScript.subarray(1),
          },
        },
        /^TypeError: ticket\.votingScript: /,
      ],
    ];
    for (const [change, re] of cases) assert.throws(() => buildVote({ ...p, ...change }), re);
  });

  it('refuses more outputs than a vote may have', () => {
    const commitments = Array.from({ length: 64 }, () => ({
      hash160: new Uint8Array(20),
      isP2SH: false,
      amount: 1n,
    }));
    const ticket: TicketInfo = {
      hash: key('big'),
      price: 64n,
      commitments,
      votingScript: sampleTicket.outputs[0]!.pkScript,
    };
    const vote = buildVote({ ...sampleParams(), ticket });
    assert.equal(vote.outputs.length, 66);
    assert.throws(
      () =>
        buildVote({ ...sampleParams(), ticket, treasuryVotes: [{ hash: key('t'), vote: 'yes' }] }),
      /^RangeError: ticket\.commitments: /,
    );
  });
});

describe('signVote', () => {
  const poolPriv = key('pool');
  const userPriv = key('user');
  const redeem = multiSigScript(1, [publicKeyCreate(poolPriv), publicKeyCreate(userPriv)]);
  const p2sh = stakeTaggedScript('ticket', 'p2sh', hash160(redeem));
  const p2pkh = stakeTaggedScript('ticket', 'p2pkh', hash160(publicKeyCreate(userPriv)));
  const vote = buildVote(sampleParams());

  it('signs a P2PKH ticket committed to an uncompressed key with that key', () => {
    const unc = publicKeyCreate(userPriv, false);
    const script = stakeTaggedScript('ticket', 'p2pkh', hash160(unc));
    const signed = signVote(vote, script, userPriv);
    const sig = assertSigScript(signed.inputs[1]!.sigScript, unc);
    assert.equal(verifyInputSignature(signed, 1, script, sig, unc), true);
  });

  it('rejects keys and scripts that do not match', () => {
    assert.throws(() => signVote(vote, p2pkh, poolPriv), /^RangeError: privateKey: /);
    assert.throws(() => signVote(vote, p2sh, poolPriv), /^TypeError: redeemScript: required/);
    assert.throws(
      () => signVote(vote, p2sh, poolPriv, multiSigScript(1, [publicKeyCreate(userPriv)])),
      /^RangeError: redeemScript: does not hash/,
    );
    assert.throws(() => signVote(vote, p2sh, key('stranger'), redeem), /^RangeError: privateKey: /);
    const twoOfTwo = multiSigScript(2, [publicKeyCreate(poolPriv), publicKeyCreate(userPriv)]);
    const p2sh2 = stakeTaggedScript('ticket', 'p2sh', hash160(twoOfTwo));
    assert.throws(
      () => signVote(vote, p2sh2, poolPriv, twoOfTwo),
      /^RangeError: redeemScript: needs 2/,
    );
    assert.throws(
      () => signVote(vote, p2pkh.subarray(1), userPriv),
      /^TypeError: ticketVotingScript: /,
    );
    assert.throws(() => signVote(vote, p2pkh, new Uint8Array(32)), /^RangeError: privateKey: /);
    const oneInput = { ...vote, inputs: vote.inputs.slice(0, 1) };
    assert.throws(() => signVote(oneInput, p2pkh, userPriv), /^RangeError: vote: /);
    const wrongTree = { ...vote, inputs: [vote.inputs[0]!, { ...vote.inputs[1]!, prevTree: 0 }] };
    assert.throws(() => signVote(wrongTree, p2pkh, userPriv), /^RangeError: vote: /);
  });

  it('signs only the ticket input and only with SigHashAll', () => {
    const signed = signVote(vote, p2sh, poolPriv, redeem);
    assert.equal(toHex(signed.inputs[0]!.sigScript), toHex(vote.inputs[0]!.sigScript));
    const [sig] = sigScriptPushes(signed.inputs[1]!.sigScript)!;
    assert.equal(sig!.at(-1), 0x01);
    // The signature covers the prefix: changing the vote bits afterwards invalidates it.
    const changed: Tx = {
      ...signed,
      outputs: signed.outputs.map((o, i) =>
        i === 1 ? { ...o, pkScript: voteBitsScript(0, 7) } : o,
      ),
    };
    assert.equal(verifyInputSignature(changed, 1, redeem, sig!, publicKeyCreate(poolPriv)), false);
    // … while the unsigned witness fields do not.
    const located: Tx = {
      ...signed,
      inputs: [signed.inputs[0]!, { ...signed.inputs[1]!, blockHeight: 9, blockIndex: 3 }],
    };
    assert.equal(verifyInputSignature(located, 1, redeem, sig!, publicKeyCreate(poolPriv)), true);
  });
});
