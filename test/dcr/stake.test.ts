import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  commitmentScript,
  encodeAddress,
  encodeFeeLimits,
  p2pkhAddressFromHash,
  p2shAddress,
  p2shAddressFromHash,
} from '../../src/dcr/address.ts';
import {
  calculateRevocationRewards,
  calculateRewards,
  voteSubsidy,
} from '../../src/dcr/amounts.ts';
import { fromHex, hashFromDisplay, hashToDisplay, toHex } from '../../src/dcr/bytes.ts';
import { NETWORKS } from '../../src/dcr/params.ts';
import type { NetworkName } from '../../src/dcr/params.ts';
import { parseScript, stakeTaggedScript } from '../../src/dcr/script.ts';
import {
  StakeRuleError,
  checkRevocation,
  checkTicket,
  checkTreasuryAdd,
  checkTreasuryBase,
  checkTreasurySpend,
  checkVote,
  checkVoteAgainstTicket,
  commitmentAddress,
  decodeCommitment,
  isRevocation,
  isTicket,
  isVote,
  legacyPoolTicketFee,
  payeeAddress,
  revocationPayouts,
  revocationTicketHash,
  stakeTxType,
  ticketChangeOutputs,
  ticketCommitments,
  ticketFee,
  ticketPrice,
  ticketVotingAddress,
  ticketVotingPayee,
  ticketVotingScript,
  voteBits,
  voteBlockRef,
  votePayouts,
  voteTicketHash,
  voteTreasuryVotes,
} from '../../src/dcr/stake.ts';
import type { StakeTxType } from '../../src/dcr/stake.ts';
import { decodeTx, newTxIn, txHash, txid } from '../../src/dcr/tx.ts';
import type { Tx, TxOut } from '../../src/dcr/tx.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';

// ---------------------------------------------------------------------------------------------
// Vector file shape
// ---------------------------------------------------------------------------------------------

interface OutputVec {
  var?: string;
  value: number;
  script_hex: string;
}

interface PayoutVec {
  value: number;
  script_hex: string;
  address: string;
}

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
  payouts: PayoutVec[];
}

interface TicketDecoded {
  voting_script_hex: string;
  voting_address: string;
  ticket_price: number;
  expiry: number;
  commitments: {
    hash160_hex: string;
    is_p2sh: boolean;
    address: string;
    amount_atoms: number;
    fee_limits_u16: number;
  }[];
  change: { value: number; script_hex: string }[];
}

interface StakeTxsFile {
  description: string;
  sources: unknown[];
  commitment_decode_cases: {
    name: string;
    script_hex: string;
    expected: {
      hash160_hex: string;
      is_p2sh: boolean;
      amount_atoms: number;
      vote_fee_limit_flag?: boolean;
      vote_fee_limit_exp?: number;
    };
    expected_from: string;
    decoded: {
      hash160_hex: string;
      is_p2sh: boolean;
      amount_atoms: number;
      fee_limits_u16: number;
      vote_fee_limit_flag: boolean;
      vote_fee_limit_exp: number;
      revoke_fee_limit_flag: boolean;
      revoke_fee_limit_exp: number;
    };
  }[];
  synthetic_ticket_outputs: { note: string; outputs: OutputVec[]; expected_change_amount: number };
  synthetic_vote_outputs: {
    outputs: OutputVec[];
    expected_block_hash_internal_byte_order_hex: string;
    expected_height: number;
    expected_votebits: number;
    expected_from: string;
  };
  mainnet_block_432100: {
    block_hash: string;
    prev_block_hash: string;
    height: number;
    header_sbits: number;
    txs: (
      | {
          index_in_stake_tree: number;
          type: 'vote';
          tx_hex: string;
          expected_txid: string;
          expected_from: string;
          decoded: VoteDecoded;
        }
      | {
          index_in_stake_tree: number;
          type: 'ticket';
          tx_hex: string;
          expected_txid: string;
          expected_from: string;
          decoded: TicketDecoded;
        }
    )[];
    checks_passed: string[];
  };
  mainnet_votes_p2sh_ticket: {
    file: string;
    tx_hex: string;
    expected_txid: string | null;
    derived_txid?: string;
    decoded: VoteDecoded;
    sigscript_layout: string;
    redeem_script_hex: string;
    redeem_script_p2sh_mainnet: string;
  }[];
  mainnet_votes_p2sh_ticket_note: string;
  regnet_samples: {
    source_note: string;
    net: NetworkName;
    pairs: {
      ticket: {
        block_height: number;
        tx_hex: string;
        expected_txid: string;
        expected_from: string;
        decoded: TicketDecoded;
      };
      vote: {
        block_height: number;
        tx_hex: string;
        derived_txid: string;
        decoded: VoteDecoded;
        expected_voted_block_hash: string;
        expected_from: string;
      };
    }[];
    revocation: {
      block_height: number;
      tx_hex: string;
      derived_txid: string;
      spends_ticket: string;
      ticket_tx_hex: string;
      outputs: { value: number; script_hex: string }[];
    };
    chain_wide_checks: string;
  };
}

const v = loadVectors<StakeTxsFile>('stake_txs.json');
const mainnet = NETWORKS.mainnet;
const regnet = NETWORKS.regnet;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const outs = (list: OutputVec[]): TxOut[] =>
  list.map((o) => ({ value: BigInt(o.value), version: 0, pkScript: fromHex(o.script_hex) }));

const hashN = (n: number): Uint8Array => new Uint8Array(32).fill(n);

function syntheticTicket(): Tx {
  const outputs = outs(v.synthetic_ticket_outputs.outputs);
  const nIn = (outputs.length - 1) / 2;
  return {
    version: 1,
    inputs: Array.from({ length: nIn }, (_, i) => newTxIn(hashN(i + 1), i, 0)),
    outputs,
    lockTime: 0,
    expiry: 0,
  };
}

function syntheticVote(): Tx {
  return {
    version: 1,
    inputs: [newTxIn(new Uint8Array(32), 0xffffffff, 0), newTxIn(hashN(7), 0, 1)],
    outputs: outs(v.synthetic_vote_outputs.outputs),
    lockTime: 0,
    expiry: 0,
  };
}

/** The error a StakeRuleError check must throw: RangeError, field-first message, dcrd rule. */
function rule(field: string, name: string) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof StakeRuleError, `expected a StakeRuleError, got ${String(e)}`);
    assert.ok(e instanceof RangeError);
    assert.equal(e.name, 'RangeError');
    assert.ok(e.message.startsWith(`${field}: `), `message ${JSON.stringify(e.message)}`);
    assert.equal(e.rule, name);
    return true;
  };
}

function assertVote(tx: Tx, d: VoteDecoded, addressNet: NetworkName): void {
  assert.equal(stakeTxType(tx), 'vote');
  assert.ok(isVote(tx));
  assert.ok(!isTicket(tx));
  assert.ok(!isRevocation(tx));
  checkVote(tx);
  const ref = voteBlockRef(tx);
  assert.equal(hashToDisplay(ref.blockHash), d.voted_block_hash);
  assert.equal(ref.height, d.voted_height);
  const bits = voteBits(tx);
  assert.equal(bits.bits, d.votebits);
  // dcrd reports an absent vote version (push shorter than 6 bytes) as 0.
  assert.equal(bits.version ?? 0, d.vote_version);
  assert.equal(hashToDisplay(voteTicketHash(tx)), d.ticket_spent);
  assert.equal(tx.inputs[1]!.prevIndex, d.ticket_spent_index);
  assert.equal(tx.inputs[1]!.prevTree, d.ticket_spent_tree);
  assert.equal(tx.inputs[0]!.valueIn, BigInt(d.stakebase_value_in));
  assert.equal(tx.inputs[1]!.valueIn, BigInt(d.ticket_value_in));
  assert.deepEqual(voteTreasuryVotes(tx), []);
  const payouts = votePayouts(tx);
  assert.equal(payouts.length, d.payouts.length);
  assert.equal(tx.outputs.length, 2 + d.payouts.length);
  d.payouts.forEach((p, i) => {
    assert.equal(payouts[i]!.value, BigInt(p.value));
    assert.equal(toHex(tx.outputs[i + 2]!.pkScript), p.script_hex);
    assert.equal(payeeAddress(payouts[i]!, addressNet), p.address);
  });
}

function assertTicket(tx: Tx, d: TicketDecoded, net: NetworkName): void {
  assert.equal(stakeTxType(tx), 'ticket');
  assert.ok(isTicket(tx));
  assert.ok(!isVote(tx));
  assert.ok(!isRevocation(tx));
  checkTicket(tx);
  assert.equal(toHex(ticketVotingScript(tx)), d.voting_script_hex);
  assert.equal(ticketVotingAddress(tx, net), d.voting_address);
  assert.equal(ticketPrice(tx), BigInt(d.ticket_price));
  assert.equal(tx.expiry, d.expiry);
  const cs = ticketCommitments(tx);
  assert.equal(cs.length, d.commitments.length);
  d.commitments.forEach((c, i) => {
    const got = cs[i]!;
    assert.equal(toHex(got.hash160), c.hash160_hex);
    assert.equal(got.isP2SH, c.is_p2sh);
    assert.equal(got.amount, BigInt(c.amount_atoms));
    assert.equal(got.feeLimits, c.fee_limits_u16);
    assert.equal(commitmentAddress(got, net), c.address);
  });
  const change = ticketChangeOutputs(tx);
  assert.deepEqual(
    change.map((o) => [o.value, toHex(o.pkScript)]),
    d.change.map((o) => [BigInt(o.value), o.script_hex]),
  );
  // With the inputs' witness values filled in (mined tickets), the commitment-based fee must
  // equal inputs − outputs.
  const inSum = tx.inputs.reduce((a, i) => a + i.valueIn, 0n);
  const outSum = tx.outputs.reduce((a, o) => a + o.value, 0n);
  assert.equal(ticketFee(tx), inSum - outSum);
  const committed = d.commitments.reduce((a, c) => a + BigInt(c.amount_atoms), 0n);
  assert.equal(ticketFee(tx), committed - BigInt(d.ticket_price));
  assert.ok(ticketFee(tx) > 0n);
  // dcrstakepool subtracted the change too; the two agree only when every change output is 0.
  const changeSum = d.change.reduce((a, c) => a + BigInt(c.value), 0n);
  assert.equal(legacyPoolTicketFee(tx), committed - outSum);
  assert.equal(legacyPoolTicketFee(tx), ticketFee(tx) - changeSum);
}

// ---------------------------------------------------------------------------------------------
// Vector cases
// ---------------------------------------------------------------------------------------------

vectorSuite('stake_txs.json', (add) => {
  add('file has exactly the sections this suite covers', () => {
    assert.deepEqual(Object.keys(v).sort(), [
      'commitment_decode_cases',
      'description',
      'mainnet_block_432100',
      'mainnet_votes_p2sh_ticket',
      'mainnet_votes_p2sh_ticket_note',
      'regnet_samples',
      'sources',
      'synthetic_ticket_outputs',
      'synthetic_vote_outputs',
    ]);
  });

  for (const c of v.commitment_decode_cases) {
    add(`commitment: ${c.name}`, () => {
      const got = decodeCommitment(fromHex(c.script_hex));
      const d = c.decoded;
      assert.equal(toHex(got.hash160), d.hash160_hex);
      assert.equal(got.isP2SH, d.is_p2sh);
      assert.equal(got.amount, BigInt(d.amount_atoms));
      assert.equal(got.feeLimits, d.fee_limits_u16);
      assert.equal((got.feeLimits & 0x0040) !== 0, d.vote_fee_limit_flag);
      assert.equal(got.feeLimits & 0x3f, d.vote_fee_limit_exp);
      assert.equal((got.feeLimits & 0x4000) !== 0, d.revoke_fee_limit_flag);
      assert.equal((got.feeLimits >> 8) & 0x3f, d.revoke_fee_limit_exp);
      assert.equal(
        got.voteFeeLimit,
        d.vote_fee_limit_flag ? 1n << BigInt(d.vote_fee_limit_exp) : undefined,
      );
      assert.equal(
        got.revocationFeeLimit,
        d.revoke_fee_limit_flag ? 1n << BigInt(d.revoke_fee_limit_exp) : undefined,
      );
      // The Go test's own expectations (a subset of the decoded fields).
      const e = c.expected;
      assert.equal(toHex(got.hash160), e.hash160_hex);
      assert.equal(got.isP2SH, e.is_p2sh);
      assert.equal(got.amount, BigInt(e.amount_atoms));
      if (e.vote_fee_limit_flag !== undefined) {
        assert.equal(got.voteFeeLimit !== undefined, e.vote_fee_limit_flag);
      }
      if (e.vote_fee_limit_exp !== undefined) {
        assert.equal(got.voteFeeLimit, 1n << BigInt(e.vote_fee_limit_exp));
      }
    });
  }

  add('synthetic ticket (staketx_test sstxTxOut0..4) passes CheckSStx and decodes', () => {
    const tx = syntheticTicket();
    assert.equal(stakeTxType(tx), 'ticket');
    checkTicket(tx);
    assert.equal(ticketPrice(tx), 556000000n);
    assert.deepEqual(ticketVotingPayee(tx), {
      kind: 'p2pkh',
      hash160: fromHex('c398efa9c392ba6013c5e04ee729755ef7f58b32'),
    });
    const cs = ticketCommitments(tx);
    assert.deepEqual(
      cs.map((c) => [toHex(c.hash160), c.isP2SH, c.amount]),
      [
        ['948c765a6914d43f2a7ac177da2c2f6b52de3d7c', false, 556000000n],
        ['948c765a6914d43f2a7ac177da2c2f6b52de3d7c', false, 556000000n],
        ['948c765a6914d43f2a7ac177da2c2f6b52de3d7c', true, 556000000n],
      ],
    );
    const change = ticketChangeOutputs(tx);
    assert.equal(change.length, 3);
    for (const o of change)
      assert.equal(o.value, BigInt(v.synthetic_ticket_outputs.expected_change_amount));
  });

  add('synthetic vote (staketx_test ssgenTxOut0..3) passes CheckSSGen and decodes', () => {
    const sv = v.synthetic_vote_outputs;
    const tx = syntheticVote();
    assert.equal(stakeTxType(tx), 'vote');
    checkVote(tx);
    const ref = voteBlockRef(tx);
    assert.equal(toHex(ref.blockHash), sv.expected_block_hash_internal_byte_order_hex);
    assert.equal(ref.height, sv.expected_height);
    const bits = voteBits(tx);
    assert.equal(bits.bits, sv.expected_votebits);
    assert.equal(bits.version, undefined);
    assert.equal(bits.extended.length, 0);
    assert.deepEqual(
      votePayouts(tx).map((p) => [p.kind, p.value]),
      [
        ['p2pkh', 556000000n],
        ['p2sh', 556000000n],
      ],
    );
  });

  const block = v.mainnet_block_432100;
  for (const t of block.txs) {
    add(
      `mainnet block 432100 stake tx #${t.index_in_stake_tree} (${t.type}) ${t.expected_txid}`,
      () => {
        const tx = decodeTx(t.tx_hex);
        assert.equal(txid(tx), t.expected_txid);
        assert.equal(stakeTxType(tx), t.type);
        if (t.type === 'vote') {
          assertVote(tx, t.decoded, 'mainnet');
          // Votes in block N name block N-1 and claim the original-split subsidy at N-1.
          const ref = voteBlockRef(tx);
          assert.equal(hashToDisplay(ref.blockHash), block.prev_block_hash);
          assert.equal(ref.height, block.height - 1);
          assert.equal(tx.inputs[0]!.valueIn, voteSubsidy(ref.height, mainnet, 'original'));
          assert.deepEqual(tx.inputs[0]!.sigScript, mainnet.stakeBaseSigScript);
        } else {
          assertTicket(tx, t.decoded, 'mainnet');
          assert.equal(ticketPrice(tx), BigInt(block.header_sbits));
        }
      },
    );
  }

  for (const p of v.mainnet_votes_p2sh_ticket) {
    const id = p.expected_txid ?? p.derived_txid!;
    add(`mainnet P2SH-ticket vote ${p.file} ${id}`, () => {
      const tx = decodeTx(p.tx_hex);
      assert.equal(txid(tx), id);
      assertVote(tx, p.decoded, 'mainnet');
      assert.equal(tx.inputs[0]!.valueIn, voteSubsidy(p.decoded.voted_height, mainnet, 'original'));
      // sigScript layout: <DER sig ‖ 0x01> <redeemScript>, and the redeem script's P2SH address.
      const ops = parseScript(tx.inputs[1]!.sigScript);
      assert.equal(ops.length, 2);
      assert.equal(ops[0]!.data!.at(-1), 0x01);
      assert.equal(toHex(ops[1]!.data!), p.redeem_script_hex);
      const redeem = fromHex(p.redeem_script_hex);
      assert.equal(encodeAddress(p2shAddress(redeem, mainnet)), p.redeem_script_p2sh_mainnet);
    });
  }

  const rs = v.regnet_samples;
  assert.equal(rs.net, 'regnet');
  rs.pairs.forEach((pair, i) => {
    add(
      `regnet pair #${i} ticket ${pair.ticket.expected_txid} (block ${pair.ticket.block_height})`,
      () => {
        const tx = decodeTx(pair.ticket.tx_hex);
        assert.equal(txid(tx), pair.ticket.expected_txid);
        assertTicket(tx, pair.ticket.decoded, rs.net);
      },
    );
    add(
      `regnet pair #${i} vote ${pair.vote.derived_txid} (block ${pair.vote.block_height})`,
      () => {
        const ticket = decodeTx(pair.ticket.tx_hex);
        const vote = decodeTx(pair.vote.tx_hex);
        assert.equal(txid(vote), pair.vote.derived_txid);
        // The vector's payout addresses were encoded with mainnet's prefix (Ds…); the same hash on
        // regnet is the ticket's commitment address (Rs…).
        assertVote(vote, pair.vote.decoded, 'mainnet');
        assert.equal(
          hashToDisplay(voteBlockRef(vote).blockHash),
          pair.vote.expected_voted_block_hash,
        );
        assert.equal(hashToDisplay(voteTicketHash(vote)), txid(ticket));
        assert.equal(pair.vote.decoded.ticket_spent, pair.ticket.expected_txid);
        // This test chain predates regnet's current StakeBaseSigScript (73 57): its stakebases
        // carry de ad be ef, so the network parameter is not compared here.
        assert.equal(toHex(vote.inputs[0]!.sigScript), 'deadbeef');
        const cs = ticketCommitments(ticket);
        votePayouts(vote).forEach((p, j) => {
          assert.equal(payeeAddress(p, 'regnet'), commitmentAddress(cs[j]!, 'regnet'));
        });
        const subsidy = voteSubsidy(pair.vote.decoded.voted_height, regnet, 'original');
        assert.equal(vote.inputs[0]!.valueIn, subsidy);
        assert.deepEqual(
          votePayouts(vote).map((p) => p.value),
          calculateRewards(
            cs.map((c) => c.amount),
            ticketPrice(ticket),
            subsidy,
          ),
        );
        checkVoteAgainstTicket(vote, ticket, subsidy);
      },
    );
  });

  add(
    `regnet revocation ${rs.revocation.derived_txid} (block ${rs.revocation.block_height})`,
    () => {
      const r = rs.revocation;
      const tx = decodeTx(r.tx_hex);
      const ticket = decodeTx(r.ticket_tx_hex);
      assert.equal(txid(tx), r.derived_txid);
      assert.equal(stakeTxType(tx), 'revocation');
      assert.ok(isRevocation(tx));
      checkRevocation(tx);
      assert.equal(hashToDisplay(revocationTicketHash(tx)), r.spends_ticket);
      assert.equal(txid(ticket), r.spends_ticket);
      assert.equal(stakeTxType(ticket), 'ticket');
      assert.deepEqual(
        tx.outputs.map((o) => [o.value, toHex(o.pkScript)]),
        r.outputs.map((o) => [BigInt(o.value), o.script_hex]),
      );
      // A version-1 revocation may pay each commitment up to its revocation fee limit less.
      const cs = ticketCommitments(ticket);
      const want = calculateRevocationRewards(
        cs.map((c) => c.amount),
        ticketPrice(ticket),
      );
      const payouts = revocationPayouts(tx);
      assert.equal(payouts.length, cs.length);
      payouts.forEach((p, j) => {
        const c = cs[j]!;
        assert.deepEqual(p.hash160, c.hash160);
        assert.equal(p.kind === 'p2sh', c.isP2SH);
        assert.ok(p.value <= want[j]!);
        assert.ok(c.revocationFeeLimit !== undefined);
        assert.ok(want[j]! - p.value <= c.revocationFeeLimit);
      });
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Rule-by-rule failures (mutations of the vector transactions)
// ---------------------------------------------------------------------------------------------

function regnetPair(): { ticket: Tx; vote: Tx } {
  const p = v.regnet_samples.pairs[0]!;
  return { ticket: decodeTx(p.ticket.tx_hex), vote: decodeTx(p.vote.tx_hex) };
}

const zeroChange = stakeTaggedScript('change', 'p2pkh', new Uint8Array(20));

describe('checkTicket rules', () => {
  const cases: [string, (tx: Tx) => void, string, string][] = [
    [
      'more than 64 inputs',
      (tx) => {
        tx.inputs = Array.from({ length: 65 }, (_, i) => newTxIn(hashN(1), i, 0));
      },
      'ticket.inputs',
      'ErrSStxTooManyInputs',
    ],
    [
      'more than 129 outputs',
      (tx) => {
        while (tx.outputs.length < 130) tx.outputs.push(tx.outputs[1]!);
      },
      'ticket.outputs',
      'ErrSStxTooManyOutputs',
    ],
    ['no outputs', (tx) => void (tx.outputs = []), 'ticket.outputs', 'ErrSStxNoOutputs'],
    [
      'script version 1 on a change output',
      (tx) => void (tx.outputs[2]!.version = 1),
      'ticket.outputs[2].version',
      'ErrSStxInvalidOutputs',
    ],
    [
      'untagged P2PKH voting output',
      (tx) => void (tx.outputs[0]!.pkScript = tx.outputs[0]!.pkScript.slice(1)),
      'ticket.outputs[0]',
      'ErrSStxInvalidOutputs',
    ],
    [
      'OP_SSGEN instead of OP_SSTX on vout[0]',
      (tx) => {
        tx.outputs[0]!.pkScript = Uint8Array.from(tx.outputs[0]!.pkScript);
        tx.outputs[0]!.pkScript[0] = 0xbb;
      },
      'ticket.outputs[0]',
      'ErrSStxInvalidOutputs',
    ],
    [
      'one input fewer than the outputs need',
      (tx) => void tx.inputs.pop(),
      'ticket.outputs',
      'ErrSStxInOutProportions',
    ],
    [
      'change output tagged OP_SSTX',
      (tx) => {
        tx.outputs[2]!.pkScript = tx.outputs[0]!.pkScript;
      },
      'ticket.outputs[2]',
      'ErrSStxInvalidOutputs',
    ],
    [
      'commitment that is not null data',
      (tx) => void (tx.outputs[3]!.pkScript = zeroChange),
      'ticket.outputs[3]',
      'ErrSStxInvalidOutputs',
    ],
    [
      'commitment push truncated (31 bytes)',
      (tx) => void (tx.outputs[1]!.pkScript = fromHex('6a1d' + '00'.repeat(29))),
      'ticket.outputs[1]',
      'ErrSStxInvalidOutputs',
    ],
    [
      'commitment with an OP_PUSHDATA1 push',
      (tx) => void (tx.outputs[1]!.pkScript = fromHex('6a4c1e' + '00'.repeat(30))),
      'ticket.outputs[1]',
      'ErrSStxInvalidOutputs',
    ],
    [
      'commitment longer than 77 bytes',
      (tx) => void (tx.outputs[1]!.pkScript = fromHex('6a4c4c' + '00'.repeat(76))),
      'ticket.outputs[1]',
      'ErrSStxInvalidOutputs',
    ],
  ];
  for (const [name, mutate, field, r] of cases) {
    it(`rejects ${name} (${r})`, () => {
      const tx = structuredClone(syntheticTicket());
      mutate(tx);
      assert.throws(() => checkTicket(tx), rule(field, r));
      assert.ok(!isTicket(tx));
      assert.notEqual(stakeTxType(tx), 'ticket');
      assert.throws(() => ticketCommitments(tx), RangeError);
    });
  }

  it('accepts a longer commitment push (only the first 30 bytes count)', () => {
    const tx = syntheticTicket();
    tx.outputs[1]!.pkScript = fromHex(
      '6a20948c765a6914d43f2a7ac177da2c2f6b52de3d7c00e3232100000000443fffff',
    );
    checkTicket(tx);
    assert.equal(ticketCommitments(tx)[0]!.amount, 556000000n);
  });

  it('decodeCommitment rejects malformed scripts with the field name', () => {
    assert.throws(
      () => decodeCommitment(fromHex('6a')),
      rule('commitment', 'ErrSStxInvalidOutputs'),
    );
    assert.throws(
      () => decodeCommitment(fromHex('6a1e00')),
      rule('commitment', 'ErrSStxInvalidOutputs'),
    );
    assert.throws(
      () => decodeCommitment(fromHex('6a1c' + '00'.repeat(28)), 'ticket.outputs[1]'),
      rule('ticket.outputs[1]', 'ErrSStxInvalidOutputs'),
    );
    assert.throws(() => decodeCommitment('6a' as unknown as Uint8Array), TypeError);
  });
});

describe('checkVote rules', () => {
  const tv = (body: string): Uint8Array => {
    const data = fromHex('5456' + body);
    return Uint8Array.from([0x6a, ...(data.length > 75 ? [0x4c] : []), data.length, ...data]);
  };
  const cases: [string, (tx: Tx) => void, string, string][] = [
    [
      'three inputs',
      (tx) => void tx.inputs.push(newTxIn(hashN(9), 0, 1)),
      'vote.inputs',
      'ErrSSGenWrongNumInputs',
    ],
    [
      'more than 66 outputs',
      (tx) => {
        while (tx.outputs.length < 67) tx.outputs.push(tx.outputs[2]!);
      },
      'vote.outputs',
      'ErrSSGenTooManyOutputs',
    ],
    ['one output', (tx) => void (tx.outputs.length = 1), 'vote.outputs', 'ErrSSGenNoOutputs'],
    [
      'stakebase with a non-null prevout',
      (tx) => void (tx.inputs[0]!.prevHash = hashN(1)),
      'vote.inputs[0]',
      'ErrSSGenNoStakebase',
    ],
    [
      'stakebase in the stake tree',
      (tx) => void (tx.inputs[0]!.prevTree = 1),
      'vote.inputs[0]',
      'ErrSSGenNoStakebase',
    ],
    [
      'stakebase with a block height (fraud proof not null)',
      (tx) => void (tx.inputs[0]!.blockHeight = 5),
      'vote.inputs[0]',
      'ErrSSGenNoStakebase',
    ],
    [
      'stakebase with a block index (fraud proof not null)',
      (tx) => void (tx.inputs[0]!.blockIndex = 0),
      'vote.inputs[0]',
      'ErrSSGenNoStakebase',
    ],
    [
      'ticket input index 1',
      (tx) => void (tx.inputs[1]!.prevIndex = 1),
      'vote.inputs[1].prevIndex',
      'ErrSSGenWrongIndex',
    ],
    [
      'ticket input from the regular tree',
      (tx) => void (tx.inputs[1]!.prevTree = 0),
      'vote.inputs[1].prevTree',
      'ErrSSGenWrongTxTree',
    ],
    [
      'script version 1 on a payee',
      (tx) => void (tx.outputs[2]!.version = 1),
      'vote.outputs[2].version',
      'ErrSSGenBadGenOuts',
    ],
    [
      'block reference that is not null data',
      (tx) => void (tx.outputs[0]!.pkScript = tx.outputs[2]!.pkScript),
      'vote.outputs[0]',
      'ErrSSGenNoReference',
    ],
    [
      'block reference of 37 bytes',
      (tx) => void (tx.outputs[0]!.pkScript = fromHex('6a23' + '00'.repeat(35))),
      'vote.outputs[0]',
      'ErrSSGenBadReference',
    ],
    [
      'block reference pushed with OP_PUSHDATA1',
      (tx) => void (tx.outputs[0]!.pkScript = fromHex('6a4c23' + '00'.repeat(35))),
      'vote.outputs[0]',
      'ErrSSGenBadReference',
    ],
    [
      'vote bits that are not null data',
      (tx) => void (tx.outputs[1]!.pkScript = tx.outputs[2]!.pkScript),
      'vote.outputs[1]',
      'ErrSSGenNoVotePush',
    ],
    [
      'vote bits of one byte',
      (tx) => void (tx.outputs[1]!.pkScript = fromHex('6a0101')),
      'vote.outputs[1]',
      'ErrSSGenBadVotePush',
    ],
    [
      'vote bits pushed with OP_PUSHDATA1',
      (tx) => void (tx.outputs[1]!.pkScript = fromHex('6a4c020100')),
      'vote.outputs[1]',
      'ErrSSGenBadVotePush',
    ],
    [
      'untagged payee',
      (tx) => void (tx.outputs[2]!.pkScript = tx.outputs[2]!.pkScript.slice(1)),
      'vote.outputs[2]',
      'ErrSSGenBadGenOuts',
    ],
    [
      'payee tagged OP_SSRTX',
      (tx) => {
        tx.outputs[3]!.pkScript = Uint8Array.from(tx.outputs[3]!.pkScript);
        tx.outputs[3]!.pkScript[0] = 0xbc;
      },
      'vote.outputs[3]',
      'ErrSSGenBadGenOuts',
    ],
    [
      'no payees (the vote bits become the "last" null-data output)',
      (tx) => void (tx.outputs.length = 2),
      'vote.outputs[1]',
      'ErrSSGenUnknownDiscriminator',
    ],
    [
      'treasury votes in a version 1 tx',
      (tx) => void tx.outputs.push({ value: 0n, version: 0, pkScript: tv('11'.repeat(32) + '01') }),
      'vote.version',
      'ErrSSGenInvalidTxVersion',
    ],
    [
      'unknown last-output discriminator',
      (tx) => {
        tx.version = 3;
        tx.outputs.push({ value: 0n, version: 0, pkScript: fromHex('6a03545801') });
      },
      'vote.outputs[4]',
      'ErrSSGenUnknownDiscriminator',
    ],
    [
      'treasury vote of the wrong length',
      (tx) => {
        tx.version = 3;
        tx.outputs.push({ value: 0n, version: 0, pkScript: tv('11'.repeat(31) + '01') });
      },
      'vote.outputs[4]',
      'ErrSSGenInvalidTVLength',
    ],
    [
      'treasury vote 0x03',
      (tx) => {
        tx.version = 3;
        tx.outputs.push({ value: 0n, version: 0, pkScript: tv('11'.repeat(32) + '03') });
      },
      'vote.outputs[4]',
      'ErrSSGenInvalidTreasuryVote',
    ],
    [
      'duplicate treasury vote',
      (tx) => {
        tx.version = 3;
        tx.outputs.push({
          value: 0n,
          version: 0,
          pkScript: tv('11'.repeat(32) + '01' + '11'.repeat(32) + '02'),
        });
      },
      'vote.outputs[4]',
      'ErrSSGenDuplicateTreasuryVote',
    ],
    [
      'treasury output with a small-int push',
      (tx) => {
        tx.version = 3;
        tx.outputs.push({ value: 0n, version: 0, pkScript: fromHex('6a51') });
      },
      'vote.outputs[4]',
      'ErrSSGenInvalidDiscriminatorLength',
    ],
  ];
  for (const [name, mutate, field, r] of cases) {
    it(`rejects ${name} (${r})`, () => {
      const tx = structuredClone(syntheticVote());
      mutate(tx);
      assert.throws(() => checkVote(tx), rule(field, r));
      assert.ok(!isVote(tx));
      assert.notEqual(stakeTxType(tx), 'vote');
      assert.throws(() => voteBlockRef(tx), RangeError);
    });
  }

  it('accepts a version 3 vote with treasury votes (PUSHDATA1 for 3+ votes)', () => {
    const tx = syntheticVote();
    tx.version = 3;
    const body = '11'.repeat(32) + '01' + '22'.repeat(32) + '02' + '33'.repeat(32) + '01';
    tx.outputs.push({ value: 0n, version: 0, pkScript: tv(body) });
    assert.equal(tx.outputs.at(-1)!.pkScript[1], 0x4c);
    assert.equal(stakeTxType(tx), 'vote');
    const votes = voteTreasuryVotes(tx);
    assert.deepEqual(
      votes.map((x) => [toHex(x.tspendHash).slice(0, 2), x.vote]),
      [
        ['11', 'yes'],
        ['22', 'no'],
        ['33', 'yes'],
      ],
    );
    assert.equal(votePayouts(tx).length, 2);
  });

  it('reads a vote version and extended bits when present', () => {
    const tx = syntheticVote();
    tx.outputs[1]!.pkScript = fromHex('6a0805000b000000aabb');
    assert.deepEqual(voteBits(tx), { bits: 5, version: 11, extended: fromHex('0b000000aabb') });
    tx.outputs[1]!.pkScript = fromHex('6a03010007');
    assert.deepEqual(voteBits(tx), { bits: 1, version: undefined, extended: fromHex('07') });
  });
});

describe('checkVoteAgainstTicket', () => {
  const subsidy = voteSubsidy(143, regnet, 'original');

  it('accepts the regnet pair', () => {
    const { ticket, vote } = regnetPair();
    checkVoteAgainstTicket(vote, ticket, subsidy);
  });

  const cases: [string, (p: { ticket: Tx; vote: Tx }) => void, string, string][] = [
    [
      'a vote for another ticket',
      ({ vote }) => void (vote.inputs[1]!.prevHash = hashN(3)),
      'vote.inputs[1]',
      'ErrMissingTxOut',
    ],
    [
      'a wrong stakebase amount',
      ({ vote }) => void (vote.inputs[0]!.valueIn -= 1n),
      'vote.inputs[0].valueIn',
      'ErrBadStakebaseAmountIn',
    ],
    [
      'an extra payee',
      ({ vote }) => void vote.outputs.push(vote.outputs[2]!),
      'vote.outputs',
      'ErrBadNumPayees',
    ],
    [
      'a P2SH payee for a P2PKH commitment',
      ({ vote }) => {
        const h = vote.outputs[2]!.pkScript.slice(4, 24);
        vote.outputs[2]!.pkScript = stakeTaggedScript('vote', 'p2sh', h);
      },
      'vote.outputs[2]',
      'ErrBadPayeeScriptType',
    ],
    [
      'a payee paying another hash',
      ({ vote }) => {
        vote.outputs[2]!.pkScript = stakeTaggedScript('vote', 'p2pkh', new Uint8Array(20).fill(9));
      },
      'vote.outputs[2]',
      'ErrMismatchedPayeeHash',
    ],
    [
      'a payout one atom short without a vote fee limit',
      ({ vote }) => void (vote.outputs[2]!.value -= 1n),
      'vote.outputs[2]',
      'ErrBadPayeeValue',
    ],
    [
      'a payout one atom over',
      ({ vote }) => void (vote.outputs[2]!.value += 1n),
      'vote.outputs[2]',
      'ErrBadPayeeValue',
    ],
  ];
  for (const [name, mutate, field, r] of cases) {
    it(`rejects ${name} (${r})`, () => {
      const p = regnetPair();
      mutate(p);
      assert.throws(() => checkVoteAgainstTicket(p.vote, p.ticket, subsidy), rule(field, r));
    });
  }

  it('allows up to 2^e atoms less when the commitment sets a vote fee limit', () => {
    const { ticket, vote } = regnetPair();
    const c = decodeCommitment(ticket.outputs[1]!.pkScript);
    const a = p2pkhAddressFromHash(c.hash160, regnet);
    // Vote limit 2^4 = 16 atoms, revocation limit unchanged.
    ticket.outputs[1]!.pkScript = commitmentScript(a, c.amount, (c.feeLimits & 0xff00) | 0x44);
    vote.inputs[1]!.prevHash = txHash(ticket);
    const full = vote.outputs[2]!.value;
    vote.outputs[2]!.value = full - 16n;
    checkVoteAgainstTicket(vote, ticket, subsidy);
    vote.outputs[2]!.value = full - 17n;
    assert.throws(
      () => checkVoteAgainstTicket(vote, ticket, subsidy),
      rule('vote.outputs[2]', 'ErrBadPayeeValue'),
    );
    vote.outputs[2]!.value = full + 1n;
    assert.throws(
      () => checkVoteAgainstTicket(vote, ticket, subsidy),
      rule('vote.outputs[2]', 'ErrBadPayeeValue'),
    );
  });
});

describe('checkRevocation rules', () => {
  const revocation = (): Tx => decodeTx(v.regnet_samples.revocation.tx_hex);
  const cases: [string, (tx: Tx) => void, string, string][] = [
    [
      'two inputs',
      (tx) => void tx.inputs.push(tx.inputs[0]!),
      'revocation.inputs',
      'ErrSSRtxWrongNumInputs',
    ],
    [
      'more than 64 outputs',
      (tx) => {
        while (tx.outputs.length < 65) tx.outputs.push(tx.outputs[0]!);
      },
      'revocation.outputs',
      'ErrSSRtxTooManyOutputs',
    ],
    ['no outputs', (tx) => void (tx.outputs = []), 'revocation.outputs', 'ErrSSRtxNoOutputs'],
    [
      'script version 1',
      (tx) => void (tx.outputs[0]!.version = 1),
      'revocation.outputs[0].version',
      'ErrSSRtxBadOuts',
    ],
    [
      'an input from the regular tree',
      (tx) => void (tx.inputs[0]!.prevTree = 0),
      'revocation.inputs[0].prevTree',
      'ErrSSRtxWrongTxTree',
    ],
    [
      'an output tagged OP_SSGEN',
      (tx) => {
        tx.outputs[0]!.pkScript = Uint8Array.from(tx.outputs[0]!.pkScript);
        tx.outputs[0]!.pkScript[0] = 0xbb;
      },
      'revocation.outputs[0]',
      'ErrSSRtxBadOuts',
    ],
    [
      'a version 2 revocation with a signature script',
      (tx) => void (tx.version = 2),
      'revocation.inputs[0].sigScript',
      'ErrSSRtxInputHasSigScript',
    ],
    [
      'a version 2 revocation paying a fee',
      (tx) => {
        tx.version = 2;
        tx.inputs[0]!.sigScript = new Uint8Array(0);
        tx.inputs[0]!.valueIn = tx.outputs[0]!.value + 1n;
      },
      'revocation.outputs',
      'ErrSSRtxInvalidFee',
    ],
  ];
  for (const [name, mutate, field, r] of cases) {
    it(`rejects ${name} (${r})`, () => {
      const tx = revocation();
      mutate(tx);
      assert.throws(() => checkRevocation(tx), rule(field, r));
      assert.ok(!isRevocation(tx));
      assert.notEqual(stakeTxType(tx), 'revocation');
    });
  }

  it('accepts a fee-less version 2 revocation', () => {
    const tx = revocation();
    tx.version = 2;
    tx.inputs[0]!.sigScript = new Uint8Array(0);
    tx.inputs[0]!.valueIn = tx.outputs[0]!.value;
    assert.equal(stakeTxType(tx), 'revocation');
  });
});

describe('treasury transaction types', () => {
  const tgen = stakeTaggedScript('treasury', 'p2pkh', new Uint8Array(20).fill(1));
  const tadd = (): Tx => ({
    version: 3,
    inputs: [newTxIn(hashN(1), 0, 0)],
    outputs: [
      { value: 100n, version: 0, pkScript: Uint8Array.of(0xc1) },
      { value: 5n, version: 0, pkScript: zeroChange },
    ],
    lockTime: 0,
    expiry: 0,
  });
  const tspend = (): Tx => ({
    version: 3,
    inputs: [
      newTxIn(new Uint8Array(32), 0xffffffff, 0, {
        sigScript: fromHex('40' + '11'.repeat(64) + '21' + '02' + '22'.repeat(32) + 'c2'),
      }),
    ],
    outputs: [
      { value: 0n, version: 0, pkScript: fromHex('6a20' + '33'.repeat(32)) },
      { value: 1000n, version: 0, pkScript: tgen },
    ],
    lockTime: 0,
    expiry: 100,
  });
  const tbase = (): Tx => ({
    version: 3,
    inputs: [newTxIn(new Uint8Array(32), 0xffffffff, 0)],
    outputs: [
      { value: 100n, version: 0, pkScript: Uint8Array.of(0xc1) },
      { value: 0n, version: 0, pkScript: fromHex('6a0c' + '44'.repeat(12)) },
    ],
    lockTime: 0,
    expiry: 0,
  });

  it('classifies treasury add, spend and base (version 3 only)', () => {
    const cases: [Tx, StakeTxType][] = [
      [tadd(), 'treasuryAdd'],
      [tspend(), 'treasurySpend'],
      [tbase(), 'treasuryBase'],
    ];
    for (const [tx, type] of cases) {
      assert.equal(stakeTxType(tx), type);
      tx.version = 2;
      assert.equal(stakeTxType(tx), 'regular');
    }
    const one = tadd();
    one.outputs.pop();
    assert.equal(stakeTxType(one), 'treasuryAdd');
  });

  it('names the failing treasury rule', () => {
    const a = tadd();
    a.outputs[1]!.pkScript = tgen;
    assert.throws(
      () => checkTreasuryAdd(a),
      rule('treasuryAdd.outputs[1]', 'ErrTAddInvalidChange'),
    );
    const s = tspend();
    s.inputs[0]!.sigScript = s.inputs[0]!.sigScript.slice(1);
    assert.throws(
      () => checkTreasurySpend(s),
      rule('treasurySpend.inputs[0].sigScript', 'ErrTSpendInvalidScript'),
    );
    const s2 = tspend();
    s2.outputs[1]!.pkScript = zeroChange;
    assert.throws(
      () => checkTreasurySpend(s2),
      rule('treasurySpend.outputs[1]', 'ErrTSpendInvalidTGen'),
    );
    const b = tbase();
    b.outputs[1]!.pkScript = fromHex('6a0b' + '44'.repeat(11));
    assert.throws(
      () => checkTreasuryBase(b),
      rule('treasuryBase.outputs[1]', 'ErrTreasuryBaseInvalidOpcode1'),
    );
    assert.throws(
      () => checkTreasuryBase({ ...tbase(), version: 1 }),
      rule('treasuryBase.version', 'ErrTreasuryBaseInvalidTxVersion'),
    );
  });
});

describe('stake properties', () => {
  it('commitment encode (address.ts commitmentScript) / decode round trip', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.boolean(),
        fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
        fc.integer({ min: 0, max: 0xffff }),
        (h, isP2SH, amount, feeLimits) => {
          const a = isP2SH ? p2shAddressFromHash(h, mainnet) : p2pkhAddressFromHash(h, mainnet);
          const c = decodeCommitment(commitmentScript(a, amount, feeLimits));
          assert.deepEqual(c.hash160, h);
          assert.equal(c.isP2SH, isP2SH);
          assert.equal(c.amount, amount);
          assert.equal(c.feeLimits, feeLimits);
          const vote = feeLimits & 0x40 ? 1n << BigInt(feeLimits & 0x3f) : undefined;
          const rev = feeLimits & 0x4000 ? 1n << BigInt((feeLimits >> 8) & 0x3f) : undefined;
          assert.equal(c.voteFeeLimit, vote);
          assert.equal(c.revocationFeeLimit, rev);
          assert.equal(commitmentAddress(c, mainnet), encodeAddress(a));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('encoded fee limits decode to the next power of two at or above the request', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 1n << 40n }),
        fc.bigInt({ min: 1n, max: 1n << 40n }),
        (vl, rl) => {
          const a = p2pkhAddressFromHash(new Uint8Array(20), mainnet);
          const c = decodeCommitment(commitmentScript(a, 1n, encodeFeeLimits(vl, rl)));
          for (const [got, want] of [
            [c.voteFeeLimit, vl],
            [c.revocationFeeLimit, rl],
          ] as const) {
            assert.ok(got !== undefined && got >= want && got < want * 2n);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stakeTxType never throws on arbitrary transactions', () => {
    const script = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.constantFrom(
        ...v.synthetic_ticket_outputs.outputs.map((o) => fromHex(o.script_hex)),
        ...v.synthetic_vote_outputs.outputs.map((o) => fromHex(o.script_hex)),
      ),
    );
    const txArb = fc.record({
      version: fc.integer({ min: 0, max: 4 }),
      inputs: fc.array(
        fc.record({
          prevHash: fc.oneof(
            fc.constant(new Uint8Array(32)),
            fc.uint8Array({ minLength: 32, maxLength: 32 }),
          ),
          prevIndex: fc.oneof(fc.constant(0), fc.constant(0xffffffff), fc.nat()),
          prevTree: fc.integer({ min: 0, max: 1 }),
          sequence: fc.constant(0xffffffff),
          valueIn: fc.bigInt({ min: -1n, max: 1000n }),
          blockHeight: fc.constantFrom(0, 1),
          blockIndex: fc.constantFrom(0, 0xffffffff),
          sigScript: fc.uint8Array({ maxLength: 8 }),
        }),
        { maxLength: 4 },
      ),
      outputs: fc.array(
        fc.record({
          value: fc.bigInt({ min: 0n, max: 1000n }),
          version: fc.constantFrom(0, 0, 0, 1),
          pkScript: script,
        }),
        { maxLength: 8 },
      ),
      lockTime: fc.constant(0),
      expiry: fc.constant(0),
    });
    const types = new Set<StakeTxType>([
      'regular',
      'ticket',
      'vote',
      'revocation',
      'treasuryAdd',
      'treasurySpend',
      'treasuryBase',
    ]);
    fc.assert(
      fc.property(txArb, (tx) => {
        assert.ok(types.has(stakeTxType(tx)));
      }),
      { numRuns: 500 },
    );
  });

  it('accessors refuse the wrong transaction type', () => {
    const { ticket, vote } = regnetPair();
    assert.throws(
      () => ticketCommitments(vote),
      rule('ticket.outputs[0]', 'ErrSStxInvalidOutputs'),
    );
    assert.throws(() => voteBlockRef(ticket), rule('vote.inputs', 'ErrSSGenWrongNumInputs'));
    assert.throws(
      () => revocationTicketHash(vote),
      rule('revocation.inputs', 'ErrSSRtxWrongNumInputs'),
    );
    assert.equal(hashToDisplay(hashFromDisplay(txid(ticket))), txid(ticket));
  });
});
