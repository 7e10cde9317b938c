import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ByteWriter,
  blake256,
  concatBytes,
  fromHex,
  hashToDisplay,
  NETWORKS,
  toHex,
} from '../../src/dcr/index.ts';
import type { NetworkName } from '../../src/dcr/index.ts';
import {
  BLOCK_HEADER_SIZE,
  MAX_BLOCK_PAYLOAD,
  MAX_TX_PER_TX_TREE,
  blockHash,
  blockHashDisplay,
  combinedMerkleRoot,
  decodeBlock,
  decodeBlockHeader,
  encodeBlock,
  encodeBlockHeader,
  merkleRoot,
  txTreeMerkleRoot,
} from '../../src/dcr/block.ts';
import type { Block, BlockHeader } from '../../src/dcr/block.ts';
import { TxSerType, encodeTx, newTxIn, txHash, txHashFull, txid } from '../../src/dcr/tx.ts';
import type { Tx } from '../../src/dcr/tx.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';

interface TransactionsFile {
  mainnet_genesis_block: { block_hex: string; expected_block_hash: string };
  mainnet_block_432100: {
    block_hex: string;
    expected_block_hash: string;
    expected_regular_txids: string[];
    expected_stake_txids: string[];
    height: number;
  };
}

const v = loadVectors<TransactionsFile>('transactions.json');

type ErrorClass = typeof RangeError | typeof TypeError;

function throwsNamed(fn: () => unknown, type: ErrorClass, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
    assert.match(e.message, message);
    return true;
  });
}

vectorSuite('transactions.json', (add) => {
  const g = v.mainnet_genesis_block;
  add('mainnet_genesis_block: decode, re-encode, block hash', () => {
    const block = decodeBlock(g.block_hex);
    assert.equal(toHex(encodeBlock(block)), g.block_hex);
    assert.equal(blockHashDisplay(block.header), g.expected_block_hash);
    assert.equal(hashToDisplay(blockHash(block.header)), g.expected_block_hash);
    assert.equal(block.transactions.length, 1);
    assert.equal(block.stakeTransactions.length, 0);
    assert.equal(block.header.height, 0);
    assert.deepEqual(block.header.prevBlock, new Uint8Array(32));
  });
  add('mainnet_genesis_block: header merkle root is the regular tree root (pre-DCP-0005)', () => {
    const block = decodeBlock(g.block_hex);
    const cb = block.transactions[0]!;
    assert.deepEqual(block.header.merkleRoot, txTreeMerkleRoot(block.transactions));
    // A one-leaf tree's root is the leaf itself.
    assert.deepEqual(block.header.merkleRoot, txHashFull(cb));
    assert.deepEqual(block.header.stakeRoot, txTreeMerkleRoot([]));
    assert.deepEqual(block.header.stakeRoot, new Uint8Array(32));
  });
  add('mainnet_genesis_block: header alone', () => {
    const bytes = fromHex(g.block_hex).subarray(0, BLOCK_HEADER_SIZE);
    const h = decodeBlockHeader(bytes);
    assert.deepEqual(encodeBlockHeader(h), bytes);
    assert.equal(blockHashDisplay(h), g.expected_block_hash);
    assert.deepEqual(blockHash(h), blake256(bytes));
  });

  const b = v.mainnet_block_432100;
  add('mainnet_block_432100: decode, re-encode, block hash', () => {
    const block = decodeBlock(b.block_hex);
    assert.equal(toHex(encodeBlock(block)), b.block_hex);
    assert.equal(blockHashDisplay(block.header), b.expected_block_hash);
    assert.equal(block.header.height, b.height);
    // The header's size field is the serialized block size.
    assert.equal(block.header.size, b.block_hex.length / 2);
  });
  add('mainnet_block_432100: regular and stake txids', () => {
    const block = decodeBlock(b.block_hex);
    assert.deepEqual(block.transactions.map(txid), b.expected_regular_txids);
    assert.deepEqual(block.stakeTransactions.map(txid), b.expected_stake_txids);
    // The header counts the stake tree: 4 votes, 1 new ticket, no revocations.
    assert.equal(block.header.voters, 4);
    assert.equal(block.header.freshStake, 1);
    assert.equal(block.header.revocations, 0);
    assert.equal(block.header.voters + block.header.freshStake, block.stakeTransactions.length);
  });
  add('mainnet_block_432100: header merkle root is the DCP-0005 combined root', () => {
    const block = decodeBlock(b.block_hex);
    // 432100 is past mainnet's DCP-0005 activation, so the combined form applies.
    const activation = NETWORKS.mainnet.dcp0005Height;
    assert.ok(activation !== null && b.height >= activation);
    const { transactions: reg, stakeTransactions: stake } = block;
    assert.deepEqual(block.header.merkleRoot, combinedMerkleRoot(reg, stake));
    assert.deepEqual(
      block.header.merkleRoot,
      blake256(concatBytes(txTreeMerkleRoot(reg), txTreeMerkleRoot(stake))),
    );
    // The legacy form does not match: the field really holds the combined root.
    assert.notDeepEqual(block.header.merkleRoot, txTreeMerkleRoot(reg));
    // After DCP-0005 the stake root field carries the header commitments, not the stake tree.
    assert.notDeepEqual(block.header.stakeRoot, txTreeMerkleRoot(stake));
  });
  add('mainnet_block_432100: header alone', () => {
    const bytes = fromHex(b.block_hex).subarray(0, BLOCK_HEADER_SIZE);
    const h = decodeBlockHeader(toHex(bytes));
    assert.deepEqual(encodeBlockHeader(h), bytes);
    assert.equal(blockHashDisplay(h), b.expected_block_hash);
    assert.equal(h.sbits, 14428162590n);
    assert.equal(h.stakeVersion, 7);
  });
});

// Genesis blocks rebuilt from the field values in dcrd chaincfg/{mainnet,testnet,simnet,regnet}
// params.go, so params.ts's genesisHash constants are checked against an independent derivation.
describe('genesis blocks from chaincfg facts', () => {
  const zero = (n: number): Uint8Array => new Uint8Array(n);
  const header = (fields: Partial<BlockHeader>): BlockHeader => ({
    version: 1,
    prevBlock: zero(32),
    merkleRoot: zero(32),
    stakeRoot: zero(32),
    voteBits: 0,
    finalState: zero(6),
    voters: 0,
    freshStake: 0,
    revocations: 0,
    poolSize: 0,
    bits: 0,
    sbits: 0n,
    height: 0,
    size: 0,
    timestamp: 0,
    nonce: 0,
    extraData: zero(32),
    stakeVersion: 0,
    ...fields,
  });
  // The coinbase mainnet, testnet3 and regnet share: fully null input and witness.
  const nullCoinbase: Tx = {
    version: 1,
    inputs: [newTxIn(zero(32), 0xffffffff, 0, { sigScript: fromHex('0000') })],
    outputs: [
      {
        value: 0n,
        version: 0,
        pkScript: fromHex('801679e98561ada96caec2949a5d41c4cab3851eb740d951c10ecbcf265c1fd9'),
      },
    ],
    lockTime: 0,
    expiry: 0,
  };
  // Simnet's coinbase leaves the witness fields at Go's zero values (not the "null" markers).
  const simnetCoinbase: Tx = {
    version: 1,
    inputs: [
      newTxIn(zero(32), 0xffffffff, 0, {
        valueIn: 0n,
        blockHeight: 0,
        blockIndex: 0,
        sigScript: fromHex(
          '04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e' +
            '206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73',
        ),
      }),
    ],
    outputs: [
      {
        value: 0n,
        version: 0,
        pkScript: fromHex(
          '4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38' +
            'c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac',
        ),
      },
    ],
    lockTime: 0,
    expiry: 0,
  };

  const genesis: Record<NetworkName, Block> = {
    mainnet: {
      header: header({
        timestamp: 1454954400,
        bits: 0x1b01ffff,
        sbits: 200000000n,
        merkleRoot: txHashFull(nullCoinbase),
      }),
      transactions: [nullCoinbase],
      stakeTransactions: [],
    },
    testnet3: {
      header: header({
        version: 6,
        timestamp: 1533513600,
        bits: 0x1e00ffff,
        sbits: 20000000n,
        nonce: 0x18aea41a,
        stakeVersion: 6,
        // chaincfg notes testnet3 used TxHash here by mistake and keeps it for compatibility.
        merkleRoot: txHash(nullCoinbase),
      }),
      transactions: [nullCoinbase],
      stakeTransactions: [],
    },
    simnet: {
      header: header({
        timestamp: 1401292357,
        bits: 0x207fffff,
        merkleRoot: txHashFull(simnetCoinbase),
      }),
      transactions: [simnetCoinbase],
      stakeTransactions: [],
    },
    regnet: {
      header: header({
        timestamp: 1538524800,
        bits: 0x207fffff,
        merkleRoot: txHashFull(nullCoinbase),
      }),
      transactions: [nullCoinbase],
      stakeTransactions: [],
    },
  };

  it('mainnet rebuilt genesis serializes to the vector bytes', () => {
    assert.equal(toHex(encodeBlock(genesis.mainnet)), v.mainnet_genesis_block.block_hex);
  });
  for (const net of Object.keys(genesis) as NetworkName[]) {
    it(`${net} genesis hash equals params.ts genesisHash`, () => {
      const block = genesis[net];
      assert.deepEqual(decodeBlock(encodeBlock(block)), block);
      assert.equal(blockHashDisplay(block.header), NETWORKS[net].genesisHash);
    });
  }
  // Pinned too: params.ts once carried a wrong simnet value (5bec7567…); this serialization matches
  // dcrd TestSimNetGenesisBlock byte for byte.
  it('simnet genesis hash is the chaincfg-derived value', () => {
    assert.equal(
      blockHashDisplay(genesis.simnet.header),
      '6bef82c645999585f7255cb02672921ac2f5492820090cd635fe3a59d16b4f87',
    );
  });
});

describe('merkle roots', () => {
  const leaf = (n: number): Uint8Array => blake256(Uint8Array.of(n));
  const h2 = (a: Uint8Array, b: Uint8Array): Uint8Array => blake256(concatBytes(a, b));

  it('no leaves give 32 zero bytes', () => {
    assert.deepEqual(merkleRoot([]), new Uint8Array(32));
    assert.deepEqual(txTreeMerkleRoot([]), new Uint8Array(32));
  });
  it('one leaf is its own root', () => {
    assert.deepEqual(merkleRoot([leaf(1)]), leaf(1));
  });
  it('two, three and five leaves', () => {
    const [a, b, c, d, e] = [leaf(0), leaf(1), leaf(2), leaf(3), leaf(4)];
    assert.deepEqual(merkleRoot([a, b]), h2(a, b));
    assert.deepEqual(merkleRoot([a, b, c]), h2(h2(a, b), h2(c, c)));
    const l1 = [h2(a, b), h2(c, d), h2(e, e)];
    const l2 = [h2(l1[0]!, l1[1]!), h2(l1[2]!, l1[2]!)];
    assert.deepEqual(merkleRoot([a, b, c, d, e]), h2(l2[0]!, l2[1]!));
  });
  it('does not modify its input', () => {
    const leaves = [leaf(0), leaf(1), leaf(2)];
    const copy = leaves.map((l) => Uint8Array.from(l));
    merkleRoot(leaves);
    assert.deepEqual(leaves, copy);
  });
  it('rejects leaves that are not 32 bytes, naming the leaf', () => {
    throwsNamed(() => merkleRoot([leaf(0), new Uint8Array(31)]), RangeError, /^leaves\[1\]: /);
  });
  it('combinedMerkleRoot is the two-leaf tree of the tree roots', () => {
    const block = decodeBlock(v.mainnet_block_432100.block_hex);
    const reg = txTreeMerkleRoot(block.transactions);
    const stake = txTreeMerkleRoot(block.stakeTransactions);
    assert.deepEqual(
      combinedMerkleRoot(block.transactions, block.stakeTransactions),
      merkleRoot([reg, stake]),
    );
  });
  it('properties: halves of a power-of-two tree; an odd level equals its padded form', () => {
    const leaves = fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), {
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(leaves, fc.integer({ min: 1, max: 4 }), (ls, k) => {
        const n = 2 ** k;
        const full = Array.from({ length: n }, (_, i) => ls[i % ls.length]!);
        assert.deepEqual(
          merkleRoot(full),
          h2(merkleRoot(full.slice(0, n / 2)), merkleRoot(full.slice(n / 2))),
        );
        if (ls.length % 2 === 1 && ls.length > 1) {
          assert.deepEqual(merkleRoot(ls), merkleRoot([...ls, ls[ls.length - 1]!]));
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('block header invalid input', () => {
  const bytes = fromHex(v.mainnet_block_432100.block_hex).subarray(0, BLOCK_HEADER_SIZE);
  const fields: [string, number][] = [
    ['version', 4],
    ['prevBlock', 32],
    ['merkleRoot', 32],
    ['stakeRoot', 32],
    ['voteBits', 2],
    ['finalState', 6],
    ['voters', 2],
    ['freshStake', 1],
    ['revocations', 1],
    ['poolSize', 4],
    ['bits', 4],
    ['sbits', 8],
    ['height', 4],
    ['size', 4],
    ['timestamp', 4],
    ['nonce', 4],
    ['extraData', 32],
    ['stakeVersion', 4],
  ];
  it('the field table adds up to 180 bytes', () => {
    assert.equal(
      fields.reduce((s, [, n]) => s + n, 0),
      BLOCK_HEADER_SIZE,
    );
  });
  let off = 0;
  for (const [name, size] of fields) {
    const at = off + size - 1;
    it(`truncated inside ${name} (at ${at} bytes) names it`, () => {
      throwsNamed(
        () => decodeBlockHeader(bytes.subarray(0, at)),
        RangeError,
        new RegExp(`^header\\.${name}: unexpected end of data`),
      );
    });
    off += size;
  }
  it('181 bytes: trailing byte', () => {
    throwsNamed(
      () => decodeBlockHeader(concatBytes(bytes, Uint8Array.of(0))),
      RangeError,
      /^header: 1 unexpected trailing bytes/,
    );
  });
  it('bad hex', () => {
    throwsNamed(() => decodeBlockHeader('xy'), TypeError, /^header: not a hex string/);
    throwsNamed(() => decodeBlockHeader('abc'), TypeError, /^header: hex string has odd length/);
    throwsNamed(
      () => decodeBlockHeader(null as unknown as string),
      TypeError,
      /^header: expected bytes or a hex string/,
    );
  });
  it('encode rejects out-of-range fields, naming them', () => {
    const h = decodeBlockHeader(bytes);
    const bad: [Partial<BlockHeader>, RegExp][] = [
      [{ version: 2 ** 31 }, /^header\.version: /],
      [{ prevBlock: new Uint8Array(31) }, /^header\.prevBlock: must be 32 bytes/],
      [{ merkleRoot: new Uint8Array(33) }, /^header\.merkleRoot: /],
      [{ stakeRoot: new Uint8Array(0) }, /^header\.stakeRoot: /],
      [{ voteBits: 0x10000 }, /^header\.voteBits: /],
      [{ finalState: new Uint8Array(5) }, /^header\.finalState: must be 6 bytes/],
      [{ voters: -1 }, /^header\.voters: /],
      [{ freshStake: 256 }, /^header\.freshStake: /],
      [{ revocations: 1.5 }, /^header\.revocations: /],
      [{ poolSize: 2 ** 32 }, /^header\.poolSize: /],
      [{ bits: -1 }, /^header\.bits: /],
      [{ sbits: 1n << 63n }, /^header\.sbits: /],
      [{ height: NaN }, /^header\.height: /],
      [{ size: 2 ** 32 }, /^header\.size: /],
      [{ timestamp: -1 }, /^header\.timestamp: /],
      [{ nonce: 2 ** 33 }, /^header\.nonce: /],
      [{ extraData: new Uint8Array(31) }, /^header\.extraData: must be 32 bytes/],
      [{ stakeVersion: -2 }, /^header\.stakeVersion: /],
    ];
    for (const [patch, re] of bad)
      throwsNamed(() => encodeBlockHeader({ ...h, ...patch }), RangeError, re);
    throwsNamed(
      () => encodeBlockHeader({ ...h, prevBlock: '00' as unknown as Uint8Array }),
      TypeError,
      /^header\.prevBlock: expected a Uint8Array/,
    );
  });
  it('version is a signed int32 as in dcrd', () => {
    const h = { ...decodeBlockHeader(bytes), version: -1 };
    const enc = encodeBlockHeader(h);
    assert.equal(toHex(enc.subarray(0, 4)), 'ffffffff');
    assert.equal(decodeBlockHeader(enc).version, -1);
  });
});

describe('block invalid input', () => {
  const blockBytes = fromHex(v.mainnet_block_432100.block_hex);
  const header = blockBytes.subarray(0, BLOCK_HEADER_SIZE);
  const block = decodeBlock(blockBytes);
  // Offset of the stake tree count: header, regular count, regular txs.
  const stakeCountAt =
    BLOCK_HEADER_SIZE + 1 + block.transactions.reduce((s, tx) => s + encodeTx(tx).length, 0);

  it('the layout used below matches the block', () => {
    assert.equal(blockBytes[BLOCK_HEADER_SIZE], block.transactions.length);
    assert.equal(blockBytes[stakeCountAt], block.stakeTransactions.length);
  });
  it('trailing bytes', () => {
    throwsNamed(
      () => decodeBlock(concatBytes(blockBytes, Uint8Array.of(0, 0))),
      RangeError,
      /^block: 2 unexpected trailing bytes/,
    );
  });
  it('header only: the regular count is missing', () => {
    throwsNamed(
      () => decodeBlock(header),
      RangeError,
      /^block\.transactions count: unexpected end/,
    );
  });
  it('truncated inside the header names the header field', () => {
    throwsNamed(() => decodeBlock(header.subarray(0, 100)), RangeError, /^header\.voteBits: /);
  });
  it('stake count missing', () => {
    throwsNamed(
      () => decodeBlock(blockBytes.subarray(0, stakeCountAt)),
      RangeError,
      /^block\.stakeTransactions count: unexpected end/,
    );
  });
  it('truncated inside a transaction names the tree, the index and the tx field', () => {
    throwsNamed(
      () => decodeBlock(blockBytes.subarray(0, stakeCountAt - 3)),
      RangeError,
      /^block\.transactions\[1\]: tx\.inputs\[1\]\.sigScript: unexpected end of data/,
    );
    throwsNamed(
      () => decodeBlock(blockBytes.subarray(0, blockBytes.length - 1)),
      RangeError,
      /^block\.stakeTransactions\[4\]: tx\.inputs\[0\]\.sigScript: unexpected end of data/,
    );
  });
  it('a count larger than the data can hold', () => {
    const w = new ByteWriter().bytes(header).varInt(1000).bytes(new Uint8Array(100));
    throwsNamed(
      () => decodeBlock(w.finish()),
      RangeError,
      /^block\.transactions count: 1000 exceeds what the remaining data can hold/,
    );
  });
  it('a count beyond MaxTxPerTxTree', () => {
    assert.equal(MAX_TX_PER_TX_TREE, 43691);
    const w = new ByteWriter().bytes(header).varInt(MAX_TX_PER_TX_TREE + 1);
    throwsNamed(
      () => decodeBlock(w.finish()),
      RangeError,
      /^block\.transactions count: 43692 exceeds the maximum of 43691/,
    );
    const s = new ByteWriter().bytes(blockBytes.subarray(0, stakeCountAt)).varInt(2n ** 64n - 1n);
    throwsNamed(() => decodeBlock(s.finish()), RangeError, /^block\.stakeTransactions count: /);
  });
  it('non-canonical tx count', () => {
    const w = new ByteWriter().bytes(header).bytes(Uint8Array.of(0xfd, 0x02, 0x00));
    throwsNamed(
      () => decodeBlock(concatBytes(w.finish(), blockBytes.subarray(BLOCK_HEADER_SIZE + 1))),
      RangeError,
      /^block\.transactions count: non-canonical varint/,
    );
  });
  it('more than MaxBlockPayload bytes', () => {
    assert.equal(MAX_BLOCK_PAYLOAD, 1310720);
    throwsNamed(
      () => decodeBlock(new Uint8Array(MAX_BLOCK_PAYLOAD + 1)),
      RangeError,
      /^block: 1310721 bytes exceeds the maximum of 1310720/,
    );
  });
  it('a prefix-only transaction inside a block', () => {
    const tx = encodeTx(block.transactions[0]!, TxSerType.NoWitness);
    const w = new ByteWriter().bytes(header).varInt(1).bytes(tx).varInt(0);
    throwsNamed(
      () => decodeBlock(w.finish()),
      RangeError,
      /^block\.transactions\[0\]: tx\.serType: expected a full serialization, got type 1/,
    );
  });
  it('an unknown serialization type inside a block', () => {
    const tx = encodeTx(block.stakeTransactions[0]!);
    tx[2] = 3;
    const w = new ByteWriter().bytes(header).varInt(0).varInt(1).bytes(tx);
    throwsNamed(
      () => decodeBlock(w.finish()),
      RangeError,
      /^block\.stakeTransactions\[0\]: tx\.serType: unknown serialization type 3/,
    );
  });
  it('bad hex and wrong input type', () => {
    throwsNamed(() => decodeBlock('0g'), TypeError, /^block: not a hex string/);
    throwsNamed(() => decodeBlock('0'), TypeError, /^block: hex string has odd length/);
    throwsNamed(
      () => decodeBlock([1, 2] as unknown as Uint8Array),
      TypeError,
      /^block: expected bytes or a hex string/,
    );
  });
  it('encodeBlock names the transaction that fails to encode', () => {
    const bad = { ...block.stakeTransactions[2]!, expiry: -1 };
    throwsNamed(
      () => encodeBlock({ ...block, stakeTransactions: [bad] }),
      RangeError,
      /^block\.stakeTransactions\[0\]: tx\.expiry: /,
    );
  });
});

describe('block properties', () => {
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  const bytes = (n: number): fc.Arbitrary<Uint8Array> =>
    fc.uint8Array({ minLength: n, maxLength: n });
  const arbHeader: fc.Arbitrary<BlockHeader> = fc
    .record({
      version: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      prevBlock: bytes(32),
      merkleRoot: bytes(32),
      stakeRoot: bytes(32),
      voteBits: fc.integer({ min: 0, max: 0xffff }),
      finalState: bytes(6),
      voters: fc.integer({ min: 0, max: 0xffff }),
      freshStake: fc.integer({ min: 0, max: 255 }),
      revocations: fc.integer({ min: 0, max: 255 }),
      poolSize: u32,
      bits: u32,
      sbits: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
      height: u32,
      size: u32,
      timestamp: u32,
      nonce: u32,
      extraData: bytes(32),
      stakeVersion: u32,
    })
    .map((r) => ({ ...r }));

  it('header encode → decode is the identity and always 180 bytes', () => {
    fc.assert(
      fc.property(arbHeader, (h) => {
        const enc = encodeBlockHeader(h);
        assert.equal(enc.length, BLOCK_HEADER_SIZE);
        assert.deepEqual(decodeBlockHeader(enc), h);
        assert.deepEqual(blockHash(h), blake256(enc));
      }),
      { numRuns: 200 },
    );
  });
  it('block encode → decode is the identity', () => {
    // Re-use real transactions in random arrangements; tx round trips are covered in tx.test.ts.
    const real = decodeBlock(v.mainnet_block_432100.block_hex);
    const pool = [...real.transactions, ...real.stakeTransactions];
    const txs = fc.array(fc.constantFrom(...pool), { maxLength: 12 });
    fc.assert(
      fc.property(arbHeader, txs, txs, (header, transactions, stakeTransactions) => {
        const block = { header, transactions, stakeTransactions };
        assert.deepEqual(decodeBlock(encodeBlock(block)), block);
      }),
      { numRuns: 100 },
    );
  });
});
