import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ByteReader,
  base58CheckEncode,
  blake256,
  concatBytes,
  fromHex,
  hashToDisplay,
  NETWORKS,
  toHex,
  varIntSize,
} from '../../src/dcr/index.ts';
import {
  MAX_TX_IN_SEQUENCE,
  NULL_BLOCK_HEIGHT,
  NULL_BLOCK_INDEX,
  NULL_VALUE_IN,
  TxSerType,
  decodeTx,
  decodeTxWithType,
  encodeTx,
  newTxIn,
  readTx,
  txHash,
  txHashFull,
  txHashWitness,
  txSize,
  txid,
} from '../../src/dcr/tx.ts';
import type { Tx, TxIn } from '../../src/dcr/tx.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';

interface TxCase {
  tx_hex: string;
  expected_txhash: string | null;
  derived_txhash?: string;
  name?: string;
  file: string;
  expected_from?: string;
}

interface TransactionsFile {
  wire_multitx: {
    full_hex: string;
    prefix_only_hex: string;
    witness_only_hex: string;
    full_serialize_size: number;
    pkscript_locs_in_full: number[];
  };
  wire_txhash: { full_hex: string; expected_txhash: string };
  mainnet_genesis_block: { block_hex: string; expected_block_hash: string };
  mainnet_txs_txsort: TxCase[];
  mainnet_txs_rpcserver: TxCase[];
  mainnet_txs_rpcserver_extra: {
    'tx432098-11 outputs': {
      n: number;
      value_atoms: number;
      script_hex: string;
      address: string;
    }[];
    'tx432098-11 inputs AmountIn (witness ValueIn)': number[];
  };
  mainnet_block_432100: {
    block_hex: string;
    expected_regular_txids: string[];
    expected_stake_txids: string[];
  };
}

const v = loadVectors<TransactionsFile>('transactions.json');

/** Offsets of each output's pkScript inside the full serialization (dcrd MsgTx.PkScriptLocs). */
function pkScriptLocs(tx: Tx): number[] {
  let off = 4 + varIntSize(tx.inputs.length) + tx.inputs.length * (32 + 4 + 1 + 4);
  off += varIntSize(tx.outputs.length);
  return tx.outputs.map((o) => {
    const loc = off + 8 + 2 + varIntSize(o.pkScript.length);
    off = loc + o.pkScript.length;
    return loc;
  });
}

/** The prefix fields of a tx, with witness fields reset to what a prefix-only decode yields. */
function prefixPart(tx: Tx): Tx {
  return {
    ...tx,
    inputs: tx.inputs.map((ti) =>
      newTxIn(ti.prevHash, ti.prevIndex, ti.prevTree, { sequence: ti.sequence }),
    ),
  };
}

/** The witness fields of a tx, with prefix fields reset to what a witness-only decode yields. */
function witnessPart(tx: Tx): Tx {
  return {
    version: tx.version,
    inputs: tx.inputs.map((ti) =>
      newTxIn(new Uint8Array(32), 0, 0, {
        valueIn: ti.valueIn,
        blockHeight: ti.blockHeight,
        blockIndex: ti.blockIndex,
        sigScript: ti.sigScript,
      }),
    ),
    outputs: [],
    lockTime: 0,
    expiry: 0,
  };
}

/** The checks every real transaction gets: round trip in all three forms and hash identities. */
function checkRealTx(hex: string): Tx {
  const tx = decodeTx(hex);
  assert.equal(toHex(encodeTx(tx)), hex);
  assert.equal(txSize(tx), hex.length / 2);
  const prefix = encodeTx(tx, TxSerType.NoWitness);
  const witness = encodeTx(tx, TxSerType.OnlyWitness);
  assert.deepEqual(decodeTx(prefix, { anySerType: true }), prefixPart(tx));
  assert.deepEqual(decodeTx(witness, { anySerType: true }), witnessPart(tx));
  assert.deepEqual(txHash(tx), blake256(prefix));
  assert.deepEqual(txHashWitness(tx), blake256(witness));
  assert.deepEqual(txHashFull(tx), blake256(concatBytes(txHash(tx), txHashWitness(tx))));
  return tx;
}

/** Split a serialized block into its transactions' hex, reading only with readTx. */
function blockTxs(blockHex: string): { regular: Tx[]; stake: Tx[] } {
  const r = new ByteReader(fromHex(blockHex));
  r.bytes(180, 'header');
  const tree = (): Tx[] => {
    const n = Number(r.varInt('count'));
    return Array.from({ length: n }, () => readTx(r).tx);
  };
  const regular = tree();
  const stake = tree();
  r.end('block');
  return { regular, stake };
}

vectorSuite('transactions.json', (add) => {
  const m = v.wire_multitx;
  add('wire_multitx full: decode and re-encode (no hash asserted: round trip only)', () => {
    const tx = decodeTx(m.full_hex);
    assert.equal(toHex(encodeTx(tx)), m.full_hex);
    assert.equal(tx.version, 1);
    assert.equal(tx.inputs.length, 1);
    assert.deepEqual(
      tx.outputs.map((o) => o.version),
      [0xabab, 0xbcbc],
    );
    assert.deepEqual(decodeTxWithType(m.full_hex).serType, TxSerType.Full);
  });
  add('wire_multitx full: serialize size', () => {
    assert.equal(txSize(decodeTx(m.full_hex)), m.full_serialize_size);
    assert.equal(m.full_hex.length / 2, m.full_serialize_size);
  });
  add('wire_multitx full: pkScript locations', () => {
    const tx = decodeTx(m.full_hex);
    const locs = pkScriptLocs(tx);
    assert.deepEqual(locs, m.pkscript_locs_in_full);
    const full = fromHex(m.full_hex);
    tx.outputs.forEach((o, i) => {
      const at = locs[i]!;
      assert.deepEqual(full.subarray(at, at + o.pkScript.length), o.pkScript);
    });
  });
  add('wire_multitx prefix-only: encode from the full tx and decode back', () => {
    const tx = decodeTx(m.full_hex);
    assert.equal(toHex(encodeTx(tx, TxSerType.NoWitness)), m.prefix_only_hex);
    const d = decodeTxWithType(m.prefix_only_hex, { anySerType: true });
    assert.equal(d.serType, TxSerType.NoWitness);
    assert.deepEqual(d.tx, prefixPart(tx));
    assert.equal(toHex(encodeTx(d.tx, TxSerType.NoWitness)), m.prefix_only_hex);
  });
  add('wire_multitx witness-only: encode from the full tx and decode back', () => {
    const tx = decodeTx(m.full_hex);
    assert.equal(toHex(encodeTx(tx, TxSerType.OnlyWitness)), m.witness_only_hex);
    const d = decodeTxWithType(m.witness_only_hex, { anySerType: true });
    assert.equal(d.serType, TxSerType.OnlyWitness);
    assert.deepEqual(d.tx, witnessPart(tx));
    assert.equal(toHex(encodeTx(d.tx, TxSerType.OnlyWitness)), m.witness_only_hex);
  });
  add('wire_multitx: full = prefix-only body followed by witness-only body', () => {
    const full = fromHex(m.full_hex);
    const prefix = fromHex(m.prefix_only_hex);
    const witness = fromHex(m.witness_only_hex);
    assert.deepEqual(full.subarray(4), concatBytes(prefix.subarray(4), witness.subarray(4)));
  });

  add('wire_txhash: txid and prefix preimage with serType 1', () => {
    const tx = checkRealTx(v.wire_txhash.full_hex);
    assert.equal(txid(tx), v.wire_txhash.expected_txhash);
    assert.equal(toHex(encodeTx(tx, TxSerType.NoWitness)).slice(0, 8), '01000100');
    const ti = tx.inputs[0]!;
    assert.equal(ti.valueIn, 5000000000n);
    assert.equal(ti.blockHeight, 0x3f3f3f3f);
    assert.equal(ti.blockIndex, 0x2e2e2e2e);
    assert.equal(toHex(ti.sigScript), '0431dc001b0162');
    assert.equal(tx.outputs[0]!.version, 0xf0f0);
  });

  add('mainnet_genesis_block coinbase: round trip, TxHashFull is the header merkle root', () => {
    const { regular, stake } = blockTxs(v.mainnet_genesis_block.block_hex);
    assert.equal(regular.length, 1);
    assert.equal(stake.length, 0);
    const cb = regular[0]!;
    assert.deepEqual(checkRealTx(toHex(encodeTx(cb))), cb);
    const headerMerkle = v.mainnet_genesis_block.block_hex.slice(36 * 2, 68 * 2);
    assert.equal(toHex(txHashFull(cb)), headerMerkle);
    // The null witness values dcrd uses for a coinbase input.
    assert.equal(cb.inputs[0]!.valueIn, NULL_VALUE_IN);
    assert.equal(cb.inputs[0]!.blockHeight, NULL_BLOCK_HEIGHT);
    assert.equal(cb.inputs[0]!.blockIndex, NULL_BLOCK_INDEX);
  });

  for (const c of v.mainnet_txs_txsort) {
    add(`mainnet_txs_txsort ${c.name ?? c.file}: txid and round trip`, () => {
      const tx = checkRealTx(c.tx_hex);
      assert.equal(txid(tx), c.expected_txhash);
    });
  }

  for (const c of v.mainnet_txs_rpcserver) {
    const base = c.file.replace(/^.*\//, '');
    if (c.expected_txhash !== null) {
      add(`mainnet_txs_rpcserver ${base}: txid and round trip`, () => {
        const tx = checkRealTx(c.tx_hex);
        assert.equal(txid(tx), c.expected_txhash);
      });
    } else {
      add(
        `mainnet_txs_rpcserver ${base}: no asserted hash, round trip and derived txid only`,
        () => {
          const tx = checkRealTx(c.tx_hex);
          assert.equal(txid(tx), c.derived_txhash);
        },
      );
    }
  }

  const extra = v.mainnet_txs_rpcserver_extra;
  const findRpc = (name: string): TxCase => {
    const c = v.mainnet_txs_rpcserver.find((x) => x.file.endsWith(`/${name}.hex`));
    assert.ok(c, name);
    return c;
  };
  add('mainnet_txs_rpcserver_extra tx432098-11 outputs: values, scripts, addresses', () => {
    const tx = decodeTx(findRpc('tx432098-11').tx_hex);
    const want = extra['tx432098-11 outputs'];
    assert.equal(tx.outputs.length, want.length);
    for (const o of want) {
      const got = tx.outputs[o.n]!;
      assert.equal(got.value, BigInt(o.value_atoms));
      assert.equal(got.version, 0);
      assert.equal(toHex(got.pkScript), o.script_hex);
      // P2PKH: OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG
      const h = got.pkScript.subarray(3, 23);
      assert.equal(base58CheckEncode(NETWORKS.mainnet.pubKeyHashAddrId, h), o.address);
    }
  });
  add('mainnet_txs_rpcserver_extra tx432098-11 inputs: witness ValueIn and prevouts', () => {
    const tx = decodeTx(findRpc('tx432098-11').tx_hex);
    assert.deepEqual(
      tx.inputs.map((ti) => ti.valueIn),
      extra['tx432098-11 inputs AmountIn (witness ValueIn)'].map((x) => BigInt(x)),
    );
    // Its inputs spend the other rpcserver vectors: tx431841-1 vout 3 (stake tree, block
    // 431841 index 1) and tx432083-2 vout 2 (regular tree, block 432083 index 2).
    const spent: [TxIn, string, number, number, number, number][] = [
      [tx.inputs[0]!, 'tx431841-1', 3, 1, 431841, 1],
      [tx.inputs[1]!, 'tx432083-2', 2, 0, 432083, 2],
    ];
    for (const [ti, name, index, tree, height, blockIndex] of spent) {
      const prev = decodeTx(findRpc(name).tx_hex);
      assert.deepEqual(ti.prevHash, txHash(prev));
      assert.equal(ti.prevIndex, index);
      assert.equal(ti.prevTree, tree);
      assert.equal(ti.blockHeight, height);
      assert.equal(ti.blockIndex, blockIndex);
      assert.equal(ti.valueIn, prev.outputs[index]!.value);
    }
  });

  const b = v.mainnet_block_432100;
  add('mainnet_block_432100 regular txs: txids and round trip', () => {
    const { regular } = blockTxs(b.block_hex);
    assert.deepEqual(regular.map(txid), b.expected_regular_txids);
    for (const tx of regular) checkRealTx(toHex(encodeTx(tx)));
    // tx[1] is the same bytes as the rpcserver vector tx432100-1.
    assert.equal(toHex(encodeTx(regular[1]!)), findRpc('tx432100-1').tx_hex);
  });
  add('mainnet_block_432100 stake txs: txids and round trip', () => {
    const { stake } = blockTxs(b.block_hex);
    assert.deepEqual(stake.map(txid), b.expected_stake_txids);
    for (const tx of stake) checkRealTx(toHex(encodeTx(tx)));
  });
});

describe('tx invalid input', () => {
  const full = fromHex(v.wire_multitx.full_hex);
  const prefixLen = v.wire_multitx.prefix_only_hex.length / 2; // offset of the witness count

  const rejects = (
    input: Uint8Array | string,
    type: typeof RangeError | typeof TypeError,
    message: RegExp,
    options?: { anySerType?: boolean },
  ): void => {
    assert.throws(
      () => decodeTx(input, options),
      (e: unknown) => {
        assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
        assert.match(e.message, message);
        return true;
      },
    );
  };
  const patch = (at: number, replace: number, bytes: number[]): Uint8Array =>
    concatBytes(full.subarray(0, at), Uint8Array.from(bytes), full.subarray(at + replace));

  it('truncation at every length names a tx field', () => {
    for (let n = 0; n < full.length; n++) {
      rejects(full.subarray(0, n), RangeError, /^tx\.[\w[\].]+( count)?: /);
    }
  });
  const points: [number, RegExp][] = [
    [0, /^tx\.version: unexpected end of data/],
    [3, /^tx\.version: unexpected end of data/],
    [4, /^tx\.inputs count: unexpected end of data/],
    [20, /^tx\.inputs count: count 1 exceeds what the remaining data can hold/],
    [46, /^tx\.outputs count: unexpected end of data/],
    [80, /^tx\.outputs\[0\]\.pkScript: unexpected end of data/],
    [135, /^tx\.outputs\[1\]\.pkScript: unexpected end of data/],
    [prefixLen - 6, /^tx\.lockTime: unexpected end of data/],
    [prefixLen - 2, /^tx\.expiry: unexpected end of data/],
    [prefixLen, /^tx\.witness count: unexpected end of data/],
    [full.length - 1, /^tx\.inputs\[0\]\.sigScript: unexpected end of data/],
  ];
  for (const [n, re] of points) {
    it(`truncated to ${n} bytes: ${re.source}`, () => rejects(full.subarray(0, n), RangeError, re));
  }
  it('trailing bytes', () => {
    rejects(concatBytes(full, Uint8Array.of(0)), RangeError, /^tx: 1 unexpected trailing bytes/);
    rejects(`${v.wire_multitx.full_hex}00ff`, RangeError, /^tx: 2 unexpected trailing bytes/);
  });
  it('non-canonical varint input count (0xfd 0x01 0x00)', () => {
    rejects(patch(4, 1, [0xfd, 0x01, 0x00]), RangeError, /^tx\.inputs count: non-canonical varint/);
  });
  it('non-canonical varint script length (0xfe with a value < 0x10000)', () => {
    assert.equal(full[57], 0x43); // output 0's script length
    rejects(
      patch(57, 1, [0xfe, 0x43, 0x00, 0x00, 0x00]),
      RangeError,
      /^tx\.outputs\[0\]\.pkScript: non-canonical varint/,
    );
  });
  it('non-canonical varint witness count (0xff with a value < 2^32)', () => {
    rejects(
      patch(prefixLen, 1, [0xff, 1, 0, 0, 0, 0, 0, 0, 0]),
      RangeError,
      /^tx\.witness count: non-canonical varint/,
    );
  });
  it('a count larger than the data can hold', () => {
    rejects(patch(4, 1, [0xfd, 0xff, 0x00]), RangeError, /^tx\.inputs count: count 255 exceeds/);
    rejects(patch(46, 1, [0x30]), RangeError, /^tx\.outputs count: count 48 exceeds/);
    rejects(patch(prefixLen, 1, [0x02]), RangeError, /^tx\.witness count: count 2 exceeds/);
  });
  it('a count beyond any message (2^64-1) is rejected before allocating', () => {
    rejects(
      patch(4, 1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      RangeError,
      /^tx\.inputs count: \d+ exceeds the maximum/,
    );
  });
  it('a script length longer than the data', () => {
    rejects(patch(57, 1, [0xfd, 0x00, 0x01]), RangeError, /^tx\.outputs\[0\]\.pkScript: /);
  });
  it('unknown serialization type 3', () => {
    rejects(patch(2, 2, [0x03, 0x00]), RangeError, /^tx\.serType: unknown serialization type 3/);
    rejects(patch(2, 2, [0x03, 0x00]), RangeError, /^tx\.serType: unknown/, { anySerType: true });
    rejects(patch(2, 2, [0xff, 0xff]), RangeError, /^tx\.serType: unknown serialization type/);
  });
  it('witness count different from the input count', () => {
    rejects(
      patch(prefixLen, 1, [0x00]).subarray(0, prefixLen + 1),
      RangeError,
      /^tx\.witness count: 0 witnesses for 1 inputs/,
    );
    // Two witnesses with enough bytes for both, so only the mismatch can fail.
    const witness = full.subarray(prefixLen + 1);
    const two = concatBytes(full.subarray(0, prefixLen), Uint8Array.of(2), witness, witness);
    rejects(two, RangeError, /^tx\.witness count: 2 witnesses for 1 inputs/);
  });
  it('prefix-only or witness-only passed to decodeTx without anySerType', () => {
    rejects(
      v.wire_multitx.prefix_only_hex,
      RangeError,
      /^tx\.serType: expected a full serialization, got type 1/,
    );
    rejects(
      v.wire_multitx.witness_only_hex,
      RangeError,
      /^tx\.serType: expected a full serialization, got type 2/,
    );
  });
  it('bad hex', () => {
    rejects('zz', TypeError, /^tx: not a hex string/);
    rejects('010', TypeError, /^tx: hex string has odd length/);
    rejects(`${v.wire_multitx.full_hex.slice(0, -2)}g0`, TypeError, /^tx: not a hex string/);
    rejects(123 as unknown as string, TypeError, /^tx: expected bytes or a hex string/);
  });
  it('encodeTx rejects out-of-range fields, naming them', () => {
    const tx = decodeTx(v.wire_multitx.full_hex);
    const cases: [Tx, RegExp][] = [
      [{ ...tx, version: 0x10000 }, /^tx\.version: /],
      [{ ...tx, lockTime: -1 }, /^tx\.lockTime: /],
      [{ ...tx, expiry: 2 ** 32 }, /^tx\.expiry: /],
      [{ ...tx, inputs: [{ ...tx.inputs[0]!, prevHash: new Uint8Array(31) }] }, /prevHash: /],
      [{ ...tx, inputs: [{ ...tx.inputs[0]!, prevIndex: 1.5 }] }, /^tx\.inputs\[0\]\.prevIndex/],
      [{ ...tx, inputs: [{ ...tx.inputs[0]!, prevTree: 128 }] }, /^tx\.inputs\[0\]\.prevTree/],
      [{ ...tx, inputs: [{ ...tx.inputs[0]!, valueIn: 1n << 63n }] }, /^tx\.inputs\[0\]\.valueIn/],
      [
        { ...tx, outputs: [{ ...tx.outputs[0]!, value: -(1n << 63n) - 1n }] },
        /outputs\[0\]\.value/,
      ],
      [{ ...tx, outputs: [{ ...tx.outputs[0]!, version: -1 }] }, /^tx\.outputs\[0\]\.version/],
    ];
    for (const [bad, re] of cases) {
      assert.throws(
        () => encodeTx(bad),
        (e: unknown) => e instanceof RangeError && re.test(e.message),
      );
    }
  });
});

// Arbitrary transactions, including negative amounts and scripts long enough to need the 3- and
// 5-byte varint length forms.
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const i64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
const script = fc.oneof(
  { weight: 20, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  { weight: 4, arbitrary: fc.uint8Array({ minLength: 0xfc, maxLength: 0x140 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 0xffff, max: 0x10010 }), fc.integer({ min: 0, max: 255 }))
      .map(([n, fill]) => new Uint8Array(n).fill(fill)),
  },
);
const txIn: fc.Arbitrary<TxIn> = fc
  .record({
    prevHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    prevIndex: u32,
    prevTree: fc.integer({ min: -128, max: 127 }),
    sequence: u32,
    valueIn: i64,
    blockHeight: u32,
    blockIndex: u32,
    sigScript: script,
  })
  .map((r) => ({ ...r })); // plain objects: fc.record's null prototype would fail deepEqual
const arbTx: fc.Arbitrary<Tx> = fc
  .record({
    version: fc.integer({ min: 0, max: 0xffff }),
    inputs: fc.array(txIn, { maxLength: 6 }),
    outputs: fc.array(
      fc
        .record({ value: i64, version: fc.integer({ min: 0, max: 0xffff }), pkScript: script })
        .map((r) => ({ ...r })),
      { maxLength: 6 },
    ),
    lockTime: u32,
    expiry: u32,
  })
  .map((r) => ({ ...r }));

describe('tx properties', () => {
  it('encodeTx → decodeTx is the identity (full)', () => {
    fc.assert(
      fc.property(arbTx, (tx) => {
        const bytes = encodeTx(tx);
        assert.deepEqual(decodeTx(bytes), tx);
        assert.equal(txSize(tx), bytes.length);
      }),
      { numRuns: 200 },
    );
  });
  it('prefix-only and witness-only encodings decode to their parts', () => {
    fc.assert(
      fc.property(arbTx, (tx) => {
        const p = decodeTxWithType(encodeTx(tx, TxSerType.NoWitness), { anySerType: true });
        assert.equal(p.serType, TxSerType.NoWitness);
        assert.deepEqual(p.tx, prefixPart(tx));
        const w = decodeTxWithType(encodeTx(tx, TxSerType.OnlyWitness), { anySerType: true });
        assert.equal(w.serType, TxSerType.OnlyWitness);
        assert.deepEqual(w.tx, witnessPart(tx));
        for (const ti of w.tx.inputs) assert.equal(ti.sequence, MAX_TX_IN_SEQUENCE);
      }),
      { numRuns: 100 },
    );
  });
  it('full = prefix body || witness body; hashes are BLAKE-256 of those forms', () => {
    fc.assert(
      fc.property(arbTx, (tx) => {
        const full = encodeTx(tx);
        const prefix = encodeTx(tx, TxSerType.NoWitness);
        const witness = encodeTx(tx, TxSerType.OnlyWitness);
        assert.deepEqual(full.subarray(4), concatBytes(prefix.subarray(4), witness.subarray(4)));
        assert.deepEqual(txHash(tx), blake256(prefix));
        assert.deepEqual(txHashWitness(tx), blake256(witness));
        assert.deepEqual(txHashFull(tx), blake256(concatBytes(txHash(tx), txHashWitness(tx))));
        assert.equal(txid(tx), hashToDisplay(txHash(tx)));
      }),
      { numRuns: 100 },
    );
  });
  it('any truncation of a valid encoding is a RangeError naming a tx field', () => {
    fc.assert(
      fc.property(arbTx, fc.nat(), (tx, at) => {
        const bytes = encodeTx(tx);
        const cut = bytes.subarray(0, at % bytes.length);
        assert.throws(
          () => decodeTx(cut),
          (e: unknown) => e instanceof RangeError && /^tx\.[\w[\].]+( count)?: /.test(e.message),
        );
      }),
      { numRuns: 100 },
    );
  });
});
