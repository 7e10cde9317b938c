import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  MAX_ATOMS,
  atomsFromCoin,
  atomsToCoin,
  blockSubsidy,
  calculateRevocationRewards,
  calculateRewards,
  formatAmount,
  formatDcr,
  parseDcr,
  splitAt,
  splitFromAgendas,
  stakePoolTicketFee,
  treasurySubsidy,
  voteSubsidy,
  workSubsidy,
} from '../../src/dcr/amounts.ts';
import type { SubsidySplit } from '../../src/dcr/amounts.ts';
import { NETWORKS, netParams } from '../../src/dcr/params.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';

type Variant = 'SSVOriginal' | 'SSVDCP0010' | 'SSVDCP0012';

interface StakeAmountsFile {
  subsidy_params_mainnet: {
    block_one_subsidy: number;
    base_subsidy: number;
    mul: number;
    div: number;
    reduction_interval: number;
    work_proportion: number;
    vote_proportion: number;
    treasury_proportion: number;
    stake_validation_height: number;
    votes_per_block: number;
    ticket_pool_size: number;
  };
  subsidy_cases_mainnet: {
    name: string;
    height: number;
    num_votes: number;
    variant: Variant;
    want_full_block_subsidy: number;
    want_work: number;
    want_vote_subsidy_per_vote: number;
    want_treasury: number;
  }[];
  stake_pool_ticket_fee_cases: {
    idx: number;
    net: string;
    stake_diff_atoms: number;
    relay_fee_atoms: number;
    height: number;
    pool_fee_percent: number;
    expected_fee_atoms: number;
    dcp0010_active: boolean;
    dcp0012_active: boolean;
  }[];
  vote_reward_cases: {
    name: string;
    contrib_amounts: number[];
    ticket_purchase_amount: number;
    vote_subsidy: number;
    want: number[];
  }[];
  revocation_reward_cases_no_autorevoke: {
    name: string;
    contrib_amounts: number[];
    ticket_purchase_amount: number;
    want: number[];
  }[];
}

const v = loadVectors<StakeAmountsFile>('stake_amounts.json');
const mainnet = NETWORKS.mainnet;

const SPLIT: Record<Variant, SubsidySplit> = {
  SSVOriginal: 'original',
  SSVDCP0010: 'dcp0010',
  SSVDCP0012: 'dcp0012',
};

const big = (xs: number[]): bigint[] => xs.map((x) => BigInt(x));

vectorSuite('stake_amounts.json', (add) => {
  add('subsidy_params_mainnet match params.ts mainnet', () => {
    const p = v.subsidy_params_mainnet;
    assert.equal(mainnet.blockOneSubsidy, BigInt(p.block_one_subsidy));
    assert.equal(mainnet.baseSubsidy, BigInt(p.base_subsidy));
    assert.equal(mainnet.mulSubsidy, BigInt(p.mul));
    assert.equal(mainnet.divSubsidy, BigInt(p.div));
    assert.equal(mainnet.subsidyReductionInterval, p.reduction_interval);
    assert.equal(mainnet.workRewardProportion, p.work_proportion);
    assert.equal(mainnet.stakeRewardProportion, p.vote_proportion);
    assert.equal(mainnet.blockTaxProportion, p.treasury_proportion);
    assert.equal(mainnet.stakeValidationHeight, p.stake_validation_height);
    assert.equal(mainnet.ticketsPerBlock, p.votes_per_block);
    assert.equal(mainnet.ticketPoolSize, p.ticket_pool_size);
  });

  for (const c of v.subsidy_cases_mainnet) {
    const split = SPLIT[c.variant];
    add(`subsidy ${c.name} [${c.variant}]: full block`, () => {
      assert.equal(blockSubsidy(c.height, mainnet), BigInt(c.want_full_block_subsidy));
    });
    add(`subsidy ${c.name} [${c.variant}]: work`, () => {
      assert.equal(workSubsidy(c.height, c.num_votes, mainnet, split), BigInt(c.want_work));
    });
    add(`subsidy ${c.name} [${c.variant}]: vote`, () => {
      assert.equal(voteSubsidy(c.height, mainnet, split), BigInt(c.want_vote_subsidy_per_vote));
    });
    // dcrd's test computes the treasury share with the treasury agenda off (noTreasury).
    add(`subsidy ${c.name} [${c.variant}]: treasury`, () => {
      assert.equal(treasurySubsidy(c.height, c.num_votes, mainnet, false), BigInt(c.want_treasury));
    });
  }

  for (const c of v.stake_pool_ticket_fee_cases) {
    add(
      `StakePoolTicketFee #${c.idx} ${c.net} h=${c.height} ${c.pool_fee_percent}% dcp0010=${c.dcp0010_active} dcp0012=${c.dcp0012_active}`,
      () => {
        const fee = stakePoolTicketFee(
          BigInt(c.stake_diff_atoms),
          BigInt(c.relay_fee_atoms),
          c.height,
          c.pool_fee_percent,
          netParams(c.net),
          c.dcp0010_active,
          c.dcp0012_active,
        );
        assert.equal(fee, BigInt(c.expected_fee_atoms));
      },
    );
  }

  for (const c of v.vote_reward_cases) {
    add(`CalculateRewards ${c.name}`, () => {
      const got = calculateRewards(
        big(c.contrib_amounts),
        BigInt(c.ticket_purchase_amount),
        BigInt(c.vote_subsidy),
      );
      assert.deepEqual(got, big(c.want));
    });
  }

  for (const c of v.revocation_reward_cases_no_autorevoke) {
    add(`CalculateRevocationRewards ${c.name}`, () => {
      const got = calculateRevocationRewards(
        big(c.contrib_amounts),
        BigInt(c.ticket_purchase_amount),
      );
      assert.deepEqual(got, big(c.want));
      assert.deepEqual(
        calculateRewards(big(c.contrib_amounts), BigInt(c.ticket_purchase_amount), 0n),
        got,
      );
    });
  }
});

describe('subsidy splits and reference numbers', () => {
  it('splitAt follows the vspd activation heights', () => {
    assert.equal(splitAt(mainnet, 657279), 'original');
    assert.equal(splitAt(mainnet, 657280), 'dcp0010');
    assert.equal(splitAt(mainnet, 794367), 'dcp0010');
    assert.equal(splitAt(mainnet, 794368), 'dcp0012');
    assert.equal(splitAt(NETWORKS.testnet3, 877728), 'dcp0010');
    assert.equal(splitAt(NETWORKS.testnet3, 1170048), 'dcp0012');
    assert.equal(splitAt(NETWORKS.simnet, 1), 'dcp0012');
    assert.equal(splitAt(NETWORKS.regnet, 10_000_000), 'original');
  });

  it('DCP-0012 takes precedence over DCP-0010', () => {
    assert.equal(splitFromAgendas(false, false), 'original');
    assert.equal(splitFromAgendas(true, false), 'dcp0010');
    assert.equal(splitFromAgendas(false, true), 'dcp0012');
    assert.equal(splitFromAgendas(true, true), 'dcp0012');
  });

  it('mainnet vote subsidy at 432099 (original) equals the stakebase of block 432100', () => {
    assert.equal(voteSubsidy(432099, mainnet, 'original'), 93272061n);
  });

  it('simnet vote subsidies from voting.md §2.2', () => {
    const sim = NETWORKS.simnet;
    assert.equal(blockSubsidy(143, sim), 49504950495n);
    assert.equal(voteSubsidy(143, sim, 'dcp0012'), 8811881188n);
    assert.equal(voteSubsidy(255, sim, 'dcp0012'), 8811881188n);
    assert.equal(blockSubsidy(256, sim), 49014802470n);
    assert.equal(voteSubsidy(256, sim, 'dcp0012'), 8724634839n);
    assert.equal(voteSubsidy(142, sim, 'dcp0012'), 0n);
    assert.equal(voteSubsidy(143, sim, 'dcp0010'), 7920792079n);
    assert.equal(voteSubsidy(143, sim, 'original'), 2970297029n);
  });

  it('regnet vote subsidy at 143 equals the regnet stakebase sample', () => {
    assert.equal(voteSubsidy(143, NETWORKS.regnet, 'original'), 2970297029n);
  });

  it('treasury share ignores missing votes once the treasury agenda is on', () => {
    assert.equal(treasurySubsidy(4096, 4, mainnet, true), 311958266n);
    assert.equal(treasurySubsidy(4096, 4, mainnet, false), 249566612n);
    assert.equal(treasurySubsidy(4096, 2, mainnet, true), 0n);
  });

  it('rejects bad heights, vote counts and splits', () => {
    assert.throws(() => blockSubsidy(1.5, mainnet), { name: 'RangeError', message: /^height:/ });
    assert.throws(() => blockSubsidy(Number.NaN, mainnet), RangeError);
    assert.throws(() => workSubsidy(5000, 6, mainnet, 'original'), {
      name: 'RangeError',
      message: /^numVotes:/,
    });
    assert.throws(() => workSubsidy(5000, -1, mainnet, 'original'), RangeError);
    assert.throws(() => voteSubsidy(5000, mainnet, 'dcp9999' as SubsidySplit), {
      name: 'RangeError',
      message: /^split:/,
    });
  });
});

describe('calculateRewards', () => {
  it('rejects empty, negative and all-zero contributions', () => {
    assert.throws(() => calculateRewards([], 1n, 1n), {
      name: 'RangeError',
      message: /^contribAmounts:/,
    });
    assert.throws(() => calculateRewards([1n, -1n], 1n, 1n), {
      name: 'RangeError',
      message: /^contribAmounts\[1\]:/,
    });
    assert.throws(() => calculateRewards([0n, 0n], 1n, 1n), RangeError);
    assert.throws(() => calculateRewards([1n], -1n, 1n), {
      name: 'RangeError',
      message: /^ticketPrice:/,
    });
    assert.throws(() => calculateRewards([1n], 1n, -1n), {
      name: 'RangeError',
      message: /^subsidy:/,
    });
  });

  it('never pays more than price + subsidy and leaves a remainder below the payee count', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: MAX_ATOMS }), { minLength: 1, maxLength: 64 }),
        fc.bigInt({ min: 0n, max: MAX_ATOMS }),
        fc.bigInt({ min: 0n, max: 100_000_000_000n }),
        (contribs, price, subsidy) => {
          fc.pre(contribs.some((c) => c > 0n));
          const out = calculateRewards(contribs, price, subsidy);
          assert.equal(out.length, contribs.length);
          const paid = out.reduce((a, b) => a + b, 0n);
          assert.ok(paid <= price + subsidy);
          assert.ok(price + subsidy - paid < BigInt(contribs.length));
          for (const o of out) assert.ok(o >= 0n);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('equals plain floor(c * (price + subsidy) / sum)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1n, max: MAX_ATOMS }), { minLength: 1, maxLength: 8 }),
        fc.bigInt({ min: 0n, max: MAX_ATOMS }),
        (contribs, price) => {
          const sum = contribs.reduce((a, b) => a + b, 0n);
          const out = calculateRewards(contribs, price, 12345n);
          contribs.forEach((c, i) => assert.equal(out[i], (c * (price + 12345n)) / sum));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('stakePoolTicketFee', () => {
  it('reproduces the IEEE floor(pct * 100) quirk: 0.29% counts as 0.28%', () => {
    const args = [1500000000n, 5000000n, 50000] as const;
    const at029 = stakePoolTicketFee(...args, 0.29, mainnet, false, false);
    const at028 = stakePoolTicketFee(...args, 0.28, mainnet, false, false);
    const at030 = stakePoolTicketFee(...args, 0.3, mainnet, false, false);
    assert.equal(Math.floor(0.29 * 100), 28);
    assert.equal(at029, at028);
    assert.ok(at030 > at029);
  });

  it('rejects bad inputs with the field name', () => {
    assert.throws(() => stakePoolTicketFee(-1n, 0n, 1, 1, mainnet, false, false), {
      name: 'RangeError',
      message: /^stakeDiff:/,
    });
    assert.throws(() => stakePoolTicketFee(1n, -1n, 1, 1, mainnet, false, false), {
      name: 'RangeError',
      message: /^relayFee:/,
    });
    assert.throws(() => stakePoolTicketFee(1n, 0n, 1, Number.NaN, mainnet, false, false), {
      name: 'RangeError',
      message: /^poolFeePercent:/,
    });
    assert.throws(() => stakePoolTicketFee(1n, 0n, 1, 101, mainnet, false, false), {
      name: 'RangeError',
      message: /^poolFeePercent:/,
    });
    assert.throws(() => stakePoolTicketFee(0n, 0n, 1, 1, mainnet, false, false), {
      name: 'RangeError',
      message: /^stakeDiff:/,
    });
  });

  it('is zero before the vote subsidy starts', () => {
    assert.equal(stakePoolTicketFee(1000000000n, 1000000n, 100, 5, mainnet, false, false), 0n);
  });
});

describe('DCR amounts', () => {
  it('formats atoms with all 8 places', () => {
    assert.equal(formatDcr(150000000n), '1.50000000');
    assert.equal(formatDcr(0n), '0.00000000');
    assert.equal(formatDcr(1n), '0.00000001');
    assert.equal(formatDcr(-1n), '-0.00000001');
    assert.equal(formatDcr(MAX_ATOMS), '21000000.00000000');
    assert.equal(formatAmount(150000000n), '1.50000000 DCR');
  });

  it('parses strict decimals', () => {
    assert.equal(parseDcr('1'), 100000000n);
    assert.equal(parseDcr('1.5'), 150000000n);
    assert.equal(parseDcr('0.00000001'), 1n);
    assert.equal(parseDcr('21000000'), MAX_ATOMS);
    assert.equal(parseDcr('0021000000.00000000'), MAX_ATOMS);
  });

  const bad: [string, RegExp][] = [
    ['', /^amount: not a decimal/],
    ['-1', /^amount: not a decimal/],
    ['+1', /^amount: not a decimal/],
    ['1.', /^amount: not a decimal/],
    ['.5', /^amount: not a decimal/],
    ['1e8', /^amount: not a decimal/],
    [' 1', /^amount: not a decimal/],
    ['1,000', /^amount: not a decimal/],
    ['0x10', /^amount: not a decimal/],
    ['1.000000001', /^amount: more than 8 decimal places/],
    ['21000000.00000001', /^amount: exceeds the maximum/],
    ['99999999999999999999999', /^amount: exceeds the maximum/],
  ];
  for (const [text, message] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseDcr(text), { name: 'RangeError', message });
    });
  }

  it('names the given field', () => {
    assert.throws(() => parseDcr('x', 'poolFee'), { name: 'RangeError', message: /^poolFee:/ });
    assert.throws(() => parseDcr(1 as unknown as string), TypeError);
  });

  it('parseDcr(formatDcr(x)) round-trips every valid amount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_ATOMS }), (atoms) => {
        assert.equal(parseDcr(formatDcr(atoms)), atoms);
      }),
      { numRuns: 500 },
    );
  });

  it('formatDcr(parseDcr(s)) normalizes to 8 places', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_999_999 }),
        fc.stringMatching(/^\d{1,8}$/),
        (whole, frac) => {
          const s = `${whole}.${frac}`;
          assert.equal(formatDcr(parseDcr(s)), `${whole}.${frac.padEnd(8, '0')}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('converts RPC floats like dcrutil.NewAmount', () => {
    assert.equal(atomsFromCoin(1.5), 150000000n);
    assert.equal(atomsFromCoin(0.1), 10000000n);
    assert.equal(atomsFromCoin(144.27), 14427000000n);
    assert.equal(atomsFromCoin(-0.00000001), -1n);
    assert.equal(atomsFromCoin(0), 0n);
    assert.throws(() => atomsFromCoin(Number.POSITIVE_INFINITY), RangeError);
    assert.throws(() => atomsFromCoin(3e7), RangeError);
    assert.equal(atomsToCoin(150000000n), 1.5);
  });

  it('atomsFromCoin(atomsToCoin(x)) round-trips', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -MAX_ATOMS, max: MAX_ATOMS }), (atoms) => {
        assert.equal(atomsFromCoin(atomsToCoin(atoms)), atoms);
      }),
      { numRuns: 500 },
    );
  });
});
