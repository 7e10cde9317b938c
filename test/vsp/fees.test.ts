import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { deriveAddress, ExtendedKey } from '../../src/dcr/hdkey.ts';
import {
  encodeTx,
  newTxIn,
  toHex,
  decodeTx,
  addressPayScript,
  decodeAddress,
} from '../../src/dcr/index.ts';
import type { Tx } from '../../src/dcr/index.ts';
import { stakePoolTicketFee } from '../../src/dcr/amounts.ts';
import { netParams } from '../../src/dcr/params.ts';
import { feeAddressSource } from '../../src/vsp/fee-address.ts';
import { feePaidTo, MAX_TX_SIZE, txSanityError } from '../../src/vsp/fee-tx.ts';
import { FEE_EXPIRY_SECONDS, vspFee } from '../../src/vsp/fees.ts';
import { FEE_XPUB, NET, newKey } from '../web/fixtures.ts';
import { MemoryStore } from './memory-store.ts';

describe('vspFee', () => {
  it('mainnet h=1,000,000, ticket price 250 DCR: 1% → 1,081,256 atoms, 0.5% → 540,628', () => {
    const mainnet = netParams('mainnet');
    const best = { height: 1_000_000, sbits: 250_00000000n, poolSize: 41000 };
    assert.equal(vspFee(best, 1, mainnet), 1_081_256n);
    assert.equal(vspFee(best, 0.5, mainnet), 540_628n);
  });

  it('switches subsidy split at vspd’s hard-coded DCP-0010/0012 heights', () => {
    for (const name of ['mainnet', 'testnet3'] as const) {
      const net = netParams(name);
      for (const [h, d10, d12] of [
        [net.dcp0010Height! - 1, false, false],
        [net.dcp0010Height!, true, false],
        [net.dcp0012Height! - 1, true, false],
        [net.dcp0012Height!, true, true],
      ] as const) {
        const best = { height: h, sbits: 100_00000000n, poolSize: 1 };
        assert.equal(
          vspFee(best, 3, net),
          stakePoolTicketFee(100_00000000n, 10_000n, h, 3, net, d10, d12),
          `${name} at ${h}`,
        );
      }
    }
  });

  it('IEEE floor(pct × 100): 0.29% is charged as 0.28%', () => {
    const best = { height: 1_000_000, sbits: 250_00000000n, poolSize: 41000 };
    const mainnet = netParams('mainnet');
    assert.equal(vspFee(best, 0.29, mainnet), vspFee(best, 0.28, mainnet));
  });

  it('quotes hold one hour', () => {
    assert.equal(FEE_EXPIRY_SECONDS, 3600);
  });
});

describe('feeAddressSource', () => {
  it('hands out xpub/0/1, /0/2, … (index 0 is never used)', async () => {
    const store = new MemoryStore(FEE_XPUB);
    const src = feeAddressSource(store, NET);
    const xpub = ExtendedKey.fromString(FEE_XPUB, NET);
    for (const i of [1, 2, 3]) {
      assert.deepEqual(await src.next(), {
        address: deriveAddress(xpub, 0, i),
        xpubId: 0,
        index: i,
      });
    }
    assert.equal(store.xpubs[0]!.lastUsedIndex, 3);
  });

  it('moves to a newer xpub (retirexpub) starting again at index 1', async () => {
    const store = new MemoryStore(FEE_XPUB);
    const src = feeAddressSource(store, NET);
    await src.next();
    const next = ExtendedKey.fromSeed(new Uint8Array(32).fill(8), NET).neuter();
    store.xpubs.push({ id: 1, key: next.toString(), lastUsedIndex: 0, retired: 0 });
    assert.deepEqual(await src.next(), { address: deriveAddress(next, 0, 1), xpubId: 1, index: 1 });
  });

  it('refuses a private key as fee key', async () => {
    const store = new MemoryStore(ExtendedKey.fromSeed(new Uint8Array(32).fill(7), NET).toString());
    await assert.rejects(feeAddressSource(store, NET).next(), /private/);
  });
});

function tx(over: Partial<Tx> = {}): Tx {
  return {
    version: 1,
    inputs: [newTxIn(randomBytes(32), 0, 0, { valueIn: 5_000_000n })],
    outputs: [
      {
        value: 1_000_000n,
        version: 0,
        pkScript: addressPayScript(decodeAddress(newKey().address, NET)),
      },
    ],
    lockTime: 0,
    expiry: 0,
    ...over,
  };
}

describe('txSanityError (dcrd CheckTransactionSanity)', () => {
  const input = newTxIn(randomBytes(32), 3, 0);
  const out = tx().outputs[0]!;
  const cases: [string, Tx, RegExp | undefined][] = [
    ['a sane tx', tx(), undefined],
    ['no inputs', tx({ inputs: [] }), /no inputs/],
    ['no outputs', tx({ outputs: [] }), /no outputs/],
    ['negative output', tx({ outputs: [{ ...out, value: -1n }] }), /negative value/],
    [
      'output above 21e6 DCR',
      tx({ outputs: [{ ...out, value: 21_000_000_00000001n }] }),
      /too high/,
    ],
    [
      'outputs summing above 21e6 DCR',
      tx({
        outputs: [
          { ...out, value: 11_000_000_00000000n },
          { ...out, value: 11_000_000_00000000n },
        ],
      }),
      /total value/,
    ],
    [
      'negative fraud-proof input',
      tx({ inputs: [{ ...input, valueIn: -2n }] }),
      /input value has negative/,
    ],
    ['null fraud-proof value is fine', tx({ inputs: [{ ...input, valueIn: -1n }] }), undefined],
    ['duplicate inputs', tx({ inputs: [input, { ...input }] }), /duplicate inputs/],
    [
      'same outpoint in the other tree is not a duplicate',
      tx({ inputs: [input, { ...input, prevTree: 1 }] }),
      undefined,
    ],
    [
      'bigger than MaxTxSize',
      tx({ outputs: [{ ...out, pkScript: new Uint8Array(MAX_TX_SIZE.testnet3) }] }),
      /too big/,
    ],
  ];
  for (const [name, t, want] of cases) {
    it(name, () => {
      const got = txSanityError(t, NET);
      if (want === undefined) assert.equal(got, undefined);
      else assert.match(got ?? '', want);
    });
  }
});

describe('feePaidTo', () => {
  it('takes the first output paying the fee address (script and version 0)', () => {
    const fee = newKey().address;
    const script = addressPayScript(decodeAddress(fee, NET));
    const t = tx({
      outputs: [
        { value: 7n, version: 1, pkScript: script },
        { value: 0n, version: 0, pkScript: addressPayScript(decodeAddress(newKey().address, NET)) },
        { value: 500n, version: 0, pkScript: script },
        { value: 900n, version: 0, pkScript: script },
      ],
    });
    assert.equal(feePaidTo(decodeTx(toHex(encodeTx(t))), fee, NET), 500n);
    assert.equal(feePaidTo(tx(), fee, NET), 0n);
  });
});
