import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NETWORK_NAMES, NETWORKS } from '../../src/dcr/params.ts';
import {
  agendasFor,
  currentAgendas,
  currentVoteVersion,
  DEPLOYMENTS,
} from '../../src/vsp/agendas.ts';
import {
  policySizeError,
  treasuryPolicyError,
  tspendPolicyError,
  voteChoicesError,
} from '../../src/vsp/vote-choices.ts';

describe('agendas', () => {
  it('current vote versions: mainnet 11, testnet3/simnet/regnet 12 (chaincfg)', () => {
    assert.equal(currentVoteVersion('mainnet'), 11);
    assert.equal(currentVoteVersion('testnet3'), 12);
    assert.equal(currentVoteVersion('simnet'), 12);
    assert.equal(currentVoteVersion('regnet'), 12);
    // dcrwallet votes with the same version on the networks it supports.
    for (const n of ['mainnet', 'testnet3', 'simnet'] as const) {
      assert.equal(currentVoteVersion(n), NETWORKS[n].voteVersion);
    }
  });

  it('the current agenda everywhere is maxtreasuryspend (DCP-0013), bits 1 and 2', () => {
    for (const n of NETWORK_NAMES) {
      const [a, ...rest] = currentAgendas(n);
      assert.equal(rest.length, 0);
      assert.equal(a?.id, 'maxtreasuryspend');
      assert.equal(a?.mask, 0x0006);
      assert.deepEqual(
        a?.choices.map((c) => [c.id, c.bits, c.isAbstain, c.isNo]),
        [
          ['abstain', 0, true, false],
          ['no', 0x0002, false, true],
          ['yes', 0x0004, false, false],
        ],
      );
    }
  });

  it('choice bits follow each mask (mainnet v9 and v4, simnet v4)', () => {
    const bits = (n: 'mainnet' | 'simnet', v: number) =>
      agendasFor(n, v).map((a) => [a.id, a.mask, a.choices.map((c) => c.bits)]);
    assert.deepEqual(bits('mainnet', 9), [
      ['reverttreasurypolicy', 0x06, [0, 0x02, 0x04]],
      ['explicitverupgrades', 0x18, [0, 0x08, 0x10]],
      ['autorevocations', 0x60, [0, 0x20, 0x40]],
      ['changesubsidysplit', 0x180, [0, 0x80, 0x100]],
    ]);
    assert.deepEqual(bits('mainnet', 4), [
      ['sdiffalgorithm', 0x06, [0, 0x02, 0x04]],
      ['lnsupport', 0x18, [0, 0x08, 0x10]],
    ]);
    assert.deepEqual(bits('simnet', 4), [['maxblocksize', 0x06, [0, 0x02, 0x04]]]);
    assert.deepEqual(agendasFor('testnet3', 4), []);
  });

  it('every network defines versions without gaps up to the current one', () => {
    for (const n of NETWORK_NAMES) {
      const versions = Object.keys(DEPLOYMENTS[n]).map(Number);
      const cur = currentVoteVersion(n);
      assert.deepEqual(
        versions,
        Array.from({ length: versions.length }, (_, i) => cur - versions.length + 1 + i),
      );
    }
  });
});

// vspd internal/webapi/helpers_test.go, TestIsValidVoteChoices (mainnet, vote version 4).
describe('voteChoicesError (vspd table)', () => {
  const cases: [Record<string, string>, boolean][] = [
    [{}, true],
    [{ lnsupport: 'yes' }, true],
    [{ sdiffalgorithm: 'no', lnsupport: 'yes' }, true],
    [{ '': 'yes' }, false],
    [{ 'Fake agenda': 'yes' }, false],
    [{ lnsupport: '1234' }, false],
    [{ sdiffalgorithm: '' }, false],
    [{ sdiffalgorithm: 'no', lnsupport: '1234' }, false],
    [{ sdiffalgorithm: '1234', lnsupport: 'no' }, false],
    [{ fake: 'abstain', lnsupport: 'no' }, false],
    [{ sdiffalgorithm: 'abstain', '': 'no' }, false],
  ];
  for (const [choices, valid] of cases) {
    it(`${JSON.stringify(choices)} → ${valid ? 'valid' : 'invalid'}`, () => {
      assert.equal(voteChoicesError('mainnet', choices, 4) === undefined, valid);
    });
  }

  it('defaults to the newest vote version and names the problem', () => {
    assert.equal(voteChoicesError('mainnet', { maxtreasuryspend: 'abstain' }), undefined);
    assert.equal(
      voteChoicesError('mainnet', { lnsupport: 'yes' }),
      'agenda "lnsupport" not found for vote version 11',
    );
    assert.equal(
      voteChoicesError('simnet', { maxtreasuryspend: 'maybe' }),
      'choice "maybe" not found for agenda "maxtreasuryspend"',
    );
    // A key that is an Object.prototype member is still just an unknown agenda.
    assert.match(
      voteChoicesError('mainnet', JSON.parse('{"__proto__":"yes"}') as Record<string, string>) ??
        '',
      /not found/,
    );
  });
});

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const KEY_A = 'a'.repeat(66);
const KEY_B = 'b'.repeat(66);

// vspd helpers_test.go TestIsValidTSpendPolicy / TestIsValidTreasuryPolicy.
describe('tspend and treasury policies (vspd tables)', () => {
  const table = (
    valid1: string,
    valid2: string,
    extra: string,
  ): [Record<string, string>, boolean][] => [
    [{}, true],
    [{ [valid1]: 'yes' }, true],
    [{ [valid1]: '' }, true],
    [{ [valid1]: 'no', [valid2]: 'yes' }, true],
    [{ [valid1]: 'invalid' }, true],
    [{ '': 'yes' }, false],
    [{ a: 'yes' }, false],
    [{ 'non hex characters': 'yes' }, false],
    [{ [valid1 + extra]: 'yes' }, false],
    [{ [valid1]: '1234' }, false],
    [{ [valid1]: 'no', [valid2]: '1234' }, false],
    [{ [valid1]: '1234', [valid2]: 'no' }, false],
    [{ fake: 'abstain', [valid2]: 'no' }, false],
    [{ [valid1]: 'abstain', '': 'no' }, false],
  ];
  for (const [policy, valid] of table(HASH_A, HASH_B, 'a')) {
    it(`tspend ${JSON.stringify(policy).slice(0, 60)} → ${valid}`, () => {
      assert.equal(tspendPolicyError(policy) === undefined, valid);
    });
  }
  for (const [policy, valid] of table(KEY_A, KEY_B, 'a')) {
    it(`treasury ${JSON.stringify(policy).slice(0, 60)} → ${valid}`, () => {
      assert.equal(treasuryPolicyError(policy) === undefined, valid);
    });
  }
  it('messages', () => {
    assert.equal(tspendPolicyError({ abc: 'yes' }), 'wrong tspend hash length, expected 64 got 3');
    assert.equal(
      tspendPolicyError({ [HASH_A]: 'perhaps' }),
      '"perhaps" is not a valid policy option',
    );
    assert.equal(
      treasuryPolicyError({ [KEY_A.slice(2)]: 'yes' }),
      `treasury key "${KEY_A.slice(2)}" is not 33 bytes`,
    );
    assert.equal(treasuryPolicyError({ zz: 'yes' }), 'error decoding treasury key "zz"');
  });
  it('at most 3 entries per policy map', () => {
    const four = {
      [HASH_A]: 'yes',
      [HASH_B]: 'no',
      ['c'.repeat(64)]: 'yes',
      ['d'.repeat(64)]: 'no',
    };
    assert.equal(policySizeError('tspendpolicy', {}), undefined);
    assert.equal(
      policySizeError('tspendpolicy', { [HASH_A]: 'yes', [HASH_B]: 'no', ['c'.repeat(64)]: '' }),
      undefined,
    );
    assert.equal(
      policySizeError('tspendpolicy', four),
      'tspendpolicy: 4 entries, at most 3 are allowed',
    );
  });
});
