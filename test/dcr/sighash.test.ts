import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fromHex, toHex } from '../../src/dcr/bytes.ts';
import { calcSignatureHash, SigHashType } from '../../src/dcr/sighash.ts';
import { decodeTx, txHash } from '../../src/dcr/tx.ts';
import type { Tx } from '../../src/dcr/tx.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';

interface SighashVector {
  upstream_index: number;
  tx_hex: string;
  script_hex: string;
  input_index: number;
  hash_type: number;
  expected_hash_hex: string | null;
  expected_result: 'OK' | 'SIGHASH_SINGLE_IDX';
  comment: string;
}

const v = loadVectors<{ vectors: SighashVector[] }>('sighash.json');

vectorSuite('sighash.json', (add) => {
  for (const c of v.vectors) {
    const name = `#${c.upstream_index} ${c.comment || `hashType 0x${c.hash_type.toString(16)}`}`;
    add(name, () => {
      const tx = decodeTx(c.tx_hex);
      const script = fromHex(c.script_hex);
      if (c.expected_result === 'SIGHASH_SINGLE_IDX') {
        assert.equal(c.hash_type & 0x1f, SigHashType.Single);
        assert.throws(
          () => calcSignatureHash(script, c.hash_type, tx, c.input_index),
          (e: unknown) =>
            e instanceof RangeError &&
            /^inputIndex: /.test(e.message) &&
            /ErrInvalidSigHashSingleIndex/.test(e.message),
        );
        return;
      }
      assert.equal(c.expected_result, 'OK');
      const got = calcSignatureHash(script, c.hash_type, tx, c.input_index);
      assert.equal(toHex(got), c.expected_hash_hex);
      // The cached prefix (TxHash) must give the same digest wherever it is used, and be ignored
      // wherever it is not (any type other than plain SigHashAll).
      assert.equal(
        toHex(calcSignatureHash(script, c.hash_type, tx, c.input_index, txHash(tx))),
        c.expected_hash_hex,
      );
    });
  }
});

describe('calcSignatureHash', () => {
  const first = v.vectors.find((c) => c.expected_result === 'OK' && c.hash_type === 1)!;
  const tx = decodeTx(first.tx_hex);

  it('rejects input indexes outside the transaction', () => {
    for (const idx of [-1, tx.inputs.length, 1.5, Number.NaN]) {
      assert.throws(
        () => calcSignatureHash(new Uint8Array(0), 1, tx, idx),
        /^RangeError: inputIndex: /,
      );
    }
  });

  it('rejects hash types outside one byte', () => {
    for (const ht of [-1, 256, 1.5]) {
      assert.throws(
        () => calcSignatureHash(new Uint8Array(0), ht, tx, 0),
        /^RangeError: hashType: /,
      );
    }
  });

  it('rejects a cached prefix hash of the wrong length', () => {
    assert.throws(
      () => calcSignatureHash(new Uint8Array(0), 1, tx, 0, new Uint8Array(31)),
      /^RangeError: cachedPrefixHash: /,
    );
  });

  it('ignores witness data (ValueIn, BlockHeight, BlockIndex, sigScripts)', () => {
    const withWitness = v.vectors.filter((c) => c.expected_result === 'OK');
    fc.assert(
      fc.property(
        fc.constantFrom(...withWitness),
        fc.bigInt({ min: -1n, max: 1n << 40n }),
        fc.nat(),
        fc.uint8Array({ maxLength: 40 }),
        (c, valueIn, height, sigScript) => {
          const t: Tx = decodeTx(c.tx_hex);
          for (const ti of t.inputs) {
            ti.valueIn = valueIn;
            ti.blockHeight = height;
            ti.blockIndex = height;
            ti.sigScript = sigScript;
          }
          const got = calcSignatureHash(fromHex(c.script_hex), c.hash_type, t, c.input_index);
          assert.equal(toHex(got), c.expected_hash_hex);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('commits to the full hash type byte, not only the bits that select', () => {
    const s = fromHex(first.script_hex);
    const a = calcSignatureHash(s, 0x01, tx, first.input_index);
    const b = calcSignatureHash(s, 0x21, tx, first.input_index);
    assert.notEqual(toHex(a), toHex(b));
  });
});
