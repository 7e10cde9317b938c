import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { agendasFor, currentAgendas } from '../../src/vsp/agendas.ts';
import type { Agenda } from '../../src/vsp/agendas.ts';
import {
  DEFAULT_VOTE_BITS,
  choiceOf,
  isValidVoteBits,
  voteBitsFromChoices,
} from '../../src/pool/vote-bits.ts';

// mainnet vote version 9: reverttreasurypolicy 0x0006, explicitverupgrades 0x0018,
// autorevocations 0x0060, changesubsidysplit 0x0180.
const V9 = agendasFor('mainnet', 9);
const ONE = agendasFor('mainnet', 11); // maxtreasuryspend 0x0006

describe('isValidVoteBits (reference §8 /voting)', () => {
  it('always accepts 1 (previous block valid, all abstain)', () => {
    assert.equal(isValidVoteBits(1, V9), true);
    assert.equal(isValidVoteBits(1, []), true);
    assert.equal(DEFAULT_VOTE_BITS, 1);
  });

  it('requires bit 0', () => {
    assert.equal(isValidVoteBits(0, V9), false);
    assert.equal(isValidVoteBits(0x0004, V9), false);
    assert.equal(isValidVoteBits(0x0002, ONE), false);
  });

  it("accepts each agenda's choices, alone and combined", () => {
    for (const bits of [0x0003, 0x0005, 0x0009, 0x0011, 0x0021, 0x0041, 0x0081, 0x0101]) {
      assert.equal(isValidVoteBits(bits, V9), true, bits.toString(16));
    }
    assert.equal(isValidVoteBits(1 | 0x0004 | 0x0008 | 0x0040 | 0x0100, V9), true);
    assert.equal(isValidVoteBits(0x0005, ONE), true);
  });

  it('refuses both bits of one mask (no such choice)', () => {
    assert.equal(isValidVoteBits(0x0007, V9), false);
    assert.equal(isValidVoteBits(0x0019, V9), false);
    assert.equal(isValidVoteBits(1 | 0x0180, V9), false);
  });

  it('refuses bits outside every agenda', () => {
    assert.equal(isValidVoteBits(0x0201, V9), false);
    assert.equal(isValidVoteBits(0x8001, V9), false);
    assert.equal(isValidVoteBits(0x0009, ONE), false);
    assert.equal(isValidVoteBits(0x0003, []), false);
  });

  it('refuses what is not a 16-bit integer', () => {
    for (const bits of [-1, 0x10001, 1.5, Number.NaN, Infinity]) {
      assert.equal(isValidVoteBits(bits, V9), false, String(bits));
    }
  });
});

describe('voteBitsFromChoices', () => {
  it('is 1 OR each choice', () => {
    assert.equal(voteBitsFromChoices(V9, {}), 1);
    assert.equal(voteBitsFromChoices(V9, { reverttreasurypolicy: 'yes' }), 0x0005);
    assert.equal(
      voteBitsFromChoices(V9, {
        reverttreasurypolicy: 'no',
        explicitverupgrades: 'yes',
        autorevocations: 'abstain',
        changesubsidysplit: 'yes',
      }),
      1 | 0x0002 | 0x0010 | 0x0100,
    );
  });

  it('names an unknown agenda or choice', () => {
    assert.throws(
      () => voteBitsFromChoices(V9, { lnfeatures: 'yes' }),
      /unknown agenda "lnfeatures"/,
    );
    assert.throws(
      () => voteBitsFromChoices(V9, { autorevocations: 'maybe' }),
      /choices\.autorevocations: unknown choice "maybe"/,
    );
  });

  it('always gives valid bits, and choiceOf reads each choice back', () => {
    for (const net of ['mainnet', 'testnet3', 'simnet'] as const) {
      const agendas = currentAgendas(net);
      const arb = fc.record(
        Object.fromEntries(
          agendas.map((a) => [a.id, fc.constantFrom(...a.choices.map((c) => c.id))]),
        ),
        { requiredKeys: [] },
      );
      fc.assert(
        fc.property(arb, (choices) => {
          const bits = voteBitsFromChoices(agendas, choices as Record<string, string>);
          assert.equal(isValidVoteBits(bits, agendas), true);
          for (const a of agendas) {
            const want = (choices as Record<string, string>)[a.id] ?? 'abstain';
            assert.equal(choiceOf(bits, a).id, want);
          }
        }),
      );
    }
  });
});

describe('choiceOf', () => {
  const revert = V9[0]!;

  it("reads the agenda's choice out of the bits", () => {
    assert.equal(choiceOf(1, revert).id, 'abstain');
    assert.equal(choiceOf(0x0003, revert).id, 'no');
    assert.equal(choiceOf(0x0005, revert).id, 'yes');
    assert.equal(choiceOf(0x0005, V9[1]!).id, 'abstain');
  });

  it('reads bits that match no choice as abstain', () => {
    assert.equal(choiceOf(0x0007, revert).isAbstain, true);
  });

  it('throws when an agenda has neither a match nor abstain', () => {
    const odd: Agenda = {
      id: 'odd',
      mask: 0x6,
      choices: [{ id: 'yes', bits: 4, isAbstain: false, isNo: false }],
    };
    assert.throws(() => choiceOf(1, odd), RangeError);
  });
});
