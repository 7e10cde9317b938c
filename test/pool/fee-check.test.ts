import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stakePoolTicketFee } from '../../src/dcr/amounts.ts';
import { addressStakeScript, p2shAddressFromHash } from '../../src/dcr/address.ts';
import type { Address } from '../../src/dcr/address.ts';
import { netParams } from '../../src/dcr/params.ts';
import type { NetParams } from '../../src/dcr/params.ts';
import { legacyPoolTicketFee, ticketFee } from '../../src/dcr/stake.ts';
import { evaluatePoolTicket } from '../../src/pool/fee-check.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';
import { addr, poolTicketTx, randomP2pkh, randomP2sh } from '../chain/pool-fakes.ts';

const SIMNET = netParams('simnet');
const DCR = 100_000_000n;

function pool(net: NetParams) {
  const feeAddress = randomP2pkh(net);
  // Any user's fee address is fine: the set holds them all.
  const fees = new Set([addr(randomP2pkh(net)), addr(feeAddress), addr(randomP2pkh(net))]);
  return { feeAddress, fees, voting: randomP2sh(net) };
}

describe('evaluatePoolTicket: what the legacy buyer pays on simnet (simnet.md §10.2.3)', () => {
  // p = 7.5 %, ticket tx fee 3,000 atoms, heights 143–255.
  const table: [string, bigint, bigint, bigint][] = [
    ['20,000 atoms (simnet minimum)', 20_000n, 1_724n, 1_724n],
    ['1 DCR', DCR, 7_253_579n, 7_415_233n],
    ['10 DCR', 10n * DCR, 55_968_924n, 67_287_830n],
  ];
  for (const [name, price, walletFee, dcp0012Fee] of table) {
    it(`${name}: ${walletFee} atoms is enough, one atom less is not`, () => {
      const p = pool(SIMNET);
      const ticket = (poolFee: bigint) =>
        poolTicketTx({ net: SIMNET, voting: p.voting, feeAddress: p.feeAddress, poolFee, price });
      const ok = evaluatePoolTicket(ticket(walletFee), 150, p.fees, 7.5, SIMNET);
      assert.deepEqual(ok, { status: 'ok', feePaid: walletFee, feeRequired: walletFee });
      const low = evaluatePoolTicket(ticket(walletFee - 1n), 150, p.fees, 7.5, SIMNET);
      assert.deepEqual(low, { status: 'low', feePaid: walletFee - 1n, feeRequired: walletFee });
      // What the DCP-0012 split would ask (and must not be asked: wallets pay the original).
      assert.equal(stakePoolTicketFee(price, 3_000n, 150, 7.5, SIMNET, false, true), dcp0012Fee);
    });
  }

  it('accepts the 10 DCR ticket that DCP-0012 maths would call underpaid', () => {
    const p = pool(SIMNET);
    const t = poolTicketTx({
      net: SIMNET,
      voting: p.voting,
      feeAddress: p.feeAddress,
      poolFee: 60_000_000n,
      price: 10n * DCR,
    });
    assert.equal(evaluatePoolTicket(t, 200, p.fees, 7.5, SIMNET).status, 'ok');
  });

  it('asks nothing below height 143, where the vote subsidy is 0', () => {
    const p = pool(SIMNET);
    const t = poolTicketTx({
      net: SIMNET,
      voting: p.voting,
      feeAddress: p.feeAddress,
      poolFee: 0n,
      price: DCR,
    });
    assert.deepEqual(evaluatePoolTicket(t, 141, p.fees, 7.5, SIMNET), {
      status: 'ok',
      feePaid: 0n,
      feeRequired: 0n,
    });
  });

  it('uses the height it is given: the block that mined the ticket', () => {
    const p = pool(SIMNET);
    const t = poolTicketTx({
      net: SIMNET,
      voting: p.voting,
      feeAddress: p.feeAddress,
      poolFee: 55_968_924n,
      price: 10n * DCR,
    });
    const at = (h: number) => evaluatePoolTicket(t, h, p.fees, 7.5, SIMNET).feeRequired;
    assert.equal(at(200), stakePoolTicketFee(10n * DCR, 3_000n, 200, 7.5, SIMNET, false, false));
    // The subsidy shrinks every 128 blocks on simnet, and the requirement with it.
    assert.ok(at(1000) < at(200));
  });
});

describe('evaluatePoolTicket: the fee address', () => {
  const price = 10n * DCR;
  const poolFee = 60_000_000n;

  it("is 'address' when commitment #1 pays an address outside the set", () => {
    const p = pool(SIMNET);
    const t = poolTicketTx({
      net: SIMNET,
      voting: p.voting,
      feeAddress: randomP2pkh(SIMNET),
      poolFee,
      price,
    });
    assert.deepEqual(evaluatePoolTicket(t, 150, p.fees, 7.5, SIMNET), {
      status: 'address',
      feePaid: poolFee,
      feeRequired: 55_968_924n,
    });
  });

  it("is 'address' for a P2SH commitment to a fee address's hash", () => {
    const p = pool(SIMNET);
    const fee = p.feeAddress as Extract<Address, { kind: 'p2pkh' }>;
    const t = poolTicketTx({
      net: SIMNET,
      voting: p.voting,
      feeAddress: p2shAddressFromHash(fee.hash160, SIMNET),
      poolFee,
      price,
    });
    assert.equal(evaluatePoolTicket(t, 150, p.fees, 7.5, SIMNET).status, 'address');
  });

  it("is 'address' when the fee address belongs to another network", () => {
    const p = pool(SIMNET);
    const mainnet = netParams('mainnet');
    const t = poolTicketTx({
      net: SIMNET,
      voting: p.voting,
      feeAddress: randomP2pkh(mainnet),
      poolFee,
      price,
    });
    assert.equal(evaluatePoolTicket(t, 150, p.fees, 7.5, SIMNET).status, 'address');
  });

  it('reads only commitment #1: the user commitment paying a fee address does not count', () => {
    const p = pool(SIMNET);
    const t = poolTicketTx({
      net: SIMNET,
      voting: p.voting,
      feeAddress: randomP2pkh(SIMNET),
      poolFee,
      price,
    });
    // Swap the commitments: the fee address is now commitment #2.
    const swapped = {
      ...t,
      outputs: [t.outputs[0]!, t.outputs[3]!, t.outputs[2]!, t.outputs[1]!, t.outputs[4]!],
    };
    const fees = new Set([...p.fees, addr(randomP2pkh(SIMNET))]);
    assert.equal(evaluatePoolTicket(swapped, 150, fees, 7.5, SIMNET).status, 'address');
  });
});

describe('evaluatePoolTicket: the ticket fee it uses', () => {
  it('is Σ commitments − Σ outputs (upstream), not the real fee, when change is non-zero', () => {
    const p = pool(SIMNET);
    const t = poolTicketTx({
      net: SIMNET,
      voting: p.voting,
      feeAddress: p.feeAddress,
      poolFee: 55_000_000n,
      price: 10n * DCR,
      txFee: 50_000n,
      change: [10_000n, 0n],
    });
    assert.equal(ticketFee(t), 50_000n);
    assert.equal(legacyPoolTicketFee(t), 40_000n);
    assert.equal(
      evaluatePoolTicket(t, 150, p.fees, 7.5, SIMNET).feeRequired,
      stakePoolTicketFee(10n * DCR, 40_000n, 150, 7.5, SIMNET, false, false),
    );
  });

  it('is floored at 0: change cannot talk the requirement down to nothing', () => {
    const p = pool(SIMNET);
    // Upstream would compute with −(price + 5 DCR) − …, i.e. require nothing at all.
    const t = poolTicketTx({
      net: SIMNET,
      voting: p.voting,
      feeAddress: p.feeAddress,
      poolFee: 1n,
      price: 10n * DCR,
      change: [15n * DCR, 0n],
    });
    assert.ok(legacyPoolTicketFee(t) < -10n * DCR);
    const r = evaluatePoolTicket(t, 150, p.fees, 7.5, SIMNET);
    assert.equal(r.status, 'low');
    assert.equal(r.feeRequired, stakePoolTicketFee(10n * DCR, 0n, 150, 7.5, SIMNET, false, false));
  });
});

describe('evaluatePoolTicket: bad input', () => {
  it('throws a RangeError naming the field for a tx that is not a ticket', () => {
    const p = pool(SIMNET);
    const t = poolTicketTx({
      net: SIMNET,
      voting: p.voting,
      feeAddress: p.feeAddress,
      poolFee: 1n,
      price: DCR,
    });
    const notTicket = {
      ...t,
      outputs: [
        { ...t.outputs[0]!, pkScript: addressStakeScript(p.voting, 'change') },
        ...t.outputs.slice(1),
      ],
    };
    assert.throws(
      () => evaluatePoolTicket(notTicket, 150, p.fees, 7.5, SIMNET),
      (err: unknown) => err instanceof RangeError && /^ticket\.outputs\[0\]/.test(err.message),
    );
  });

  it("says 'address' for a ticket without commitments", () => {
    const p = pool(SIMNET);
    const t = poolTicketTx({
      net: SIMNET,
      voting: p.voting,
      feeAddress: p.feeAddress,
      poolFee: 1n,
      price: DCR,
    });
    const bare = { ...t, inputs: [], outputs: [t.outputs[0]!] };
    assert.deepEqual(evaluatePoolTicket(bare, 150, p.fees, 7.5, SIMNET), {
      status: 'address',
      feePaid: 0n,
      feeRequired: 0n,
    });
  });
});

interface FeeCase {
  idx: number;
  net: string;
  stake_diff_atoms: number;
  relay_fee_atoms: number;
  height: number;
  pool_fee_percent: number;
  expected_fee_atoms: number;
  dcp0010_active: boolean;
  dcp0012_active: boolean;
}

const vectors = loadVectors<{ stake_pool_ticket_fee_cases: FeeCase[] }>('stake_amounts.json');

vectorSuite('stake_amounts.json (pool tickets)', (add) => {
  const cases = vectors.stake_pool_ticket_fee_cases;
  const sameInputs = (a: FeeCase, b: FeeCase) =>
    a.net === b.net &&
    a.stake_diff_atoms === b.stake_diff_atoms &&
    a.relay_fee_atoms === b.relay_fee_atoms &&
    a.height === b.height &&
    a.pool_fee_percent === b.pool_fee_percent;
  for (const c of cases) {
    // Cases with a newer split: the pool still asks what the original split gives (the case with
    // the same inputs and both flags off), because that is what the buyer pays.
    const original =
      c.dcp0010_active || c.dcp0012_active
        ? cases.find((o) => !o.dcp0010_active && !o.dcp0012_active && sameInputs(o, c))
        : c;
    if (original === undefined) continue;
    add(`case ${c.idx}: ${c.stake_diff_atoms} atoms at ${c.height}, ${c.pool_fee_percent}%`, () => {
      const net = netParams(c.net);
      const p = pool(net);
      const want = BigInt(original.expected_fee_atoms);
      const ticket = (poolFee: bigint) =>
        poolTicketTx({
          net,
          voting: p.voting,
          feeAddress: p.feeAddress,
          poolFee,
          price: BigInt(c.stake_diff_atoms),
          txFee: BigInt(c.relay_fee_atoms),
        });
      const ok = evaluatePoolTicket(ticket(want), c.height, p.fees, c.pool_fee_percent, net);
      assert.deepEqual(ok, { status: 'ok', feePaid: want, feeRequired: want });
      const low = evaluatePoolTicket(ticket(want - 1n), c.height, p.fees, c.pool_fee_percent, net);
      assert.equal(low.status, 'low');
      if (original !== c) assert.notEqual(ok.feeRequired, BigInt(c.expected_fee_atoms));
    });
  }
});
