// Decred blocks (dcrd wire.MsgBlock): the fixed 180-byte header, the two transaction trees
// (regular and stake), the block hash, and the merkle roots that commit to the trees.
import { ByteReader, ByteWriter, checkUint, concatBytes, fromHex, hashToDisplay } from './bytes.ts';
import { blake256 } from './hash.ts';
import { TxSerType, encodeTx, readTx, txHashFull } from './tx.ts';
import type { Tx } from './tx.ts';

/** A serialized header is always exactly this long. */
export const BLOCK_HEADER_SIZE = 180;

/** dcrd's wire.MaxBlockPayload (1.25 MiB): the largest block message a peer may send. */
export const MAX_BLOCK_PAYLOAD = 1310720;

// dcrd's smallest possible full transaction: version, three one-byte counts (inputs, outputs,
// witnesses), lock time and expiry. It bounds how many transactions a block can claim to hold.
const MIN_TX_PAYLOAD = 4 + 1 + 1 + 1 + 4 + 4;

/** dcrd's wire.MaxTxPerTxTree for the current protocol version. */
export const MAX_TX_PER_TX_TREE =
  Math.floor(Math.floor(MAX_BLOCK_PAYLOAD / MIN_TX_PAYLOAD) / 2) + 1;

export interface BlockHeader {
  /** int32 in dcrd. */
  version: number;
  /** Previous block hash, internal byte order. */
  prevBlock: Uint8Array;
  /** Regular tree root before DCP-0005; the combined root of both trees after it. */
  merkleRoot: Uint8Array;
  /** Stake tree root before DCP-0005; the header commitment root after it. */
  stakeRoot: Uint8Array;
  voteBits: number;
  /** 6 bytes: the ticket lottery state. */
  finalState: Uint8Array;
  voters: number;
  freshStake: number;
  revocations: number;
  poolSize: number;
  /** Compact proof-of-work target. */
  bits: number;
  /** Ticket price in atoms. */
  sbits: bigint;
  height: number;
  size: number;
  /** Unix seconds. */
  timestamp: number;
  nonce: number;
  /** 32 bytes, used by miners as extra nonce space. */
  extraData: Uint8Array;
  stakeVersion: number;
}

export interface Block {
  header: BlockHeader;
  transactions: Tx[];
  stakeTransactions: Tx[];
}

function checkLength(b: Uint8Array, n: number, field: string): void {
  if (!(b instanceof Uint8Array)) throw new TypeError(`${field}: expected a Uint8Array`);
  if (b.length !== n) throw new RangeError(`${field}: must be ${n} bytes, got ${b.length}`);
}

function checkHeader(h: BlockHeader): void {
  if (!Number.isInteger(h.version) || h.version < -(2 ** 31) || h.version > 2 ** 31 - 1) {
    throw new RangeError('header.version: must be an int32');
  }
  checkLength(h.prevBlock, 32, 'header.prevBlock');
  checkLength(h.merkleRoot, 32, 'header.merkleRoot');
  checkLength(h.stakeRoot, 32, 'header.stakeRoot');
  checkUint(h.voteBits, 16, 'header.voteBits');
  checkLength(h.finalState, 6, 'header.finalState');
  checkUint(h.voters, 16, 'header.voters');
  checkUint(h.freshStake, 8, 'header.freshStake');
  checkUint(h.revocations, 8, 'header.revocations');
  checkUint(h.poolSize, 32, 'header.poolSize');
  checkUint(h.bits, 32, 'header.bits');
  if (typeof h.sbits !== 'bigint' || h.sbits < -(1n << 63n) || h.sbits >= 1n << 63n) {
    throw new RangeError('header.sbits: must be an int64 bigint');
  }
  checkUint(h.height, 32, 'header.height');
  checkUint(h.size, 32, 'header.size');
  checkUint(h.timestamp, 32, 'header.timestamp');
  checkUint(h.nonce, 32, 'header.nonce');
  checkLength(h.extraData, 32, 'header.extraData');
  checkUint(h.stakeVersion, 32, 'header.stakeVersion');
}

function writeHeader(w: ByteWriter, h: BlockHeader): void {
  checkHeader(h);
  w.u32(h.version >>> 0)
    .bytes(h.prevBlock)
    .bytes(h.merkleRoot)
    .bytes(h.stakeRoot)
    .u16(h.voteBits)
    .bytes(h.finalState)
    .u16(h.voters)
    .u8(h.freshStake)
    .u8(h.revocations)
    .u32(h.poolSize)
    .u32(h.bits)
    .i64(h.sbits)
    .u32(h.height)
    .u32(h.size)
    .u32(h.timestamp)
    .u32(h.nonce)
    .bytes(h.extraData)
    .u32(h.stakeVersion);
}

/** The 180-byte wire serialization of a header. */
export function encodeBlockHeader(h: BlockHeader): Uint8Array {
  const w = new ByteWriter(BLOCK_HEADER_SIZE);
  writeHeader(w, h);
  return w.finish();
}

/** Read a header from a reader positioned at its start. */
export function readBlockHeader(r: ByteReader): BlockHeader {
  return {
    version: r.u32('header.version') | 0,
    prevBlock: r.bytes(32, 'header.prevBlock'),
    merkleRoot: r.bytes(32, 'header.merkleRoot'),
    stakeRoot: r.bytes(32, 'header.stakeRoot'),
    voteBits: r.u16('header.voteBits'),
    finalState: r.bytes(6, 'header.finalState'),
    voters: r.u16('header.voters'),
    freshStake: r.u8('header.freshStake'),
    revocations: r.u8('header.revocations'),
    poolSize: r.u32('header.poolSize'),
    bits: r.u32('header.bits'),
    sbits: r.i64('header.sbits'),
    height: r.u32('header.height'),
    size: r.u32('header.size'),
    timestamp: r.u32('header.timestamp'),
    nonce: r.u32('header.nonce'),
    extraData: r.bytes(32, 'header.extraData'),
    stakeVersion: r.u32('header.stakeVersion'),
  };
}

/** Decode exactly one 180-byte header. */
export function decodeBlockHeader(bytes: Uint8Array | string): BlockHeader {
  const data = typeof bytes === 'string' ? fromHex(bytes, 'header') : bytes;
  if (!(data instanceof Uint8Array)) throw new TypeError('header: expected bytes or a hex string');
  const r = new ByteReader(data);
  const h = readBlockHeader(r);
  r.end('header');
  return h;
}

/** Block hash: BLAKE-256 of the serialized header, internal byte order. */
export function blockHash(h: BlockHeader): Uint8Array {
  return blake256(encodeBlockHeader(h));
}

/** The block hash as dcrd prints it (reversed hex). */
export function blockHashDisplay(h: BlockHeader): string {
  return hashToDisplay(blockHash(h));
}

/** Wire serialization: header, then each tree as a count and full transactions. */
export function encodeBlock(block: Block): Uint8Array {
  const w = new ByteWriter(4096);
  writeHeader(w, block.header);
  const trees: [Tx[], string][] = [
    [block.transactions, 'block.transactions'],
    [block.stakeTransactions, 'block.stakeTransactions'],
  ];
  for (const [txs, field] of trees) {
    if (txs.length > MAX_TX_PER_TX_TREE) {
      throw new RangeError(`${field}: ${txs.length} exceeds the maximum of ${MAX_TX_PER_TX_TREE}`);
    }
    w.varInt(txs.length);
    txs.forEach((tx, i) => {
      w.bytes(withField(`${field}[${i}]`, () => encodeTx(tx, TxSerType.Full)));
    });
  }
  return w.finish();
}

// Transaction errors name the field inside the tx; prefixing the tx's position in the block keeps
// the message pointing at the exact place while keeping the error type.
function withField<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError) throw new RangeError(`${field}: ${e.message}`, { cause: e });
    if (e instanceof TypeError) throw new TypeError(`${field}: ${e.message}`, { cause: e });
    throw e;
  }
}

function readTree(r: ByteReader, field: string): Tx[] {
  const n = r.varIntMax(MAX_TX_PER_TX_TREE, `${field} count`);
  // Reject a count the remaining bytes cannot hold before reading (or allocating) anything.
  if (n * MIN_TX_PAYLOAD > r.remaining) {
    throw new RangeError(`${field} count: ${n} exceeds what the remaining data can hold`);
  }
  const txs: Tx[] = [];
  for (let i = 0; i < n; i++) {
    const decoded = withField(`${field}[${i}]`, () => readTx(r));
    // Blocks carry full transactions; a prefix- or witness-only one would lose data.
    if (decoded.serType !== TxSerType.Full) {
      throw new RangeError(
        `${field}[${i}]: tx.serType: expected a full serialization, got type ${decoded.serType}`,
      );
    }
    txs.push(decoded.tx);
  }
  return txs;
}

/** Decode a serialized block; trailing bytes and anything over MAX_BLOCK_PAYLOAD are errors. */
export function decodeBlock(bytes: Uint8Array | string): Block {
  const data = typeof bytes === 'string' ? fromHex(bytes, 'block') : bytes;
  if (!(data instanceof Uint8Array)) throw new TypeError('block: expected bytes or a hex string');
  if (data.length > MAX_BLOCK_PAYLOAD) {
    throw new RangeError(`block: ${data.length} bytes exceeds the maximum of ${MAX_BLOCK_PAYLOAD}`);
  }
  const r = new ByteReader(data);
  const header = readBlockHeader(r);
  const transactions = readTree(r, 'block.transactions');
  const stakeTransactions = readTree(r, 'block.stakeTransactions');
  r.end('block');
  return { header, transactions, stakeTransactions };
}

/**
 * Merkle root of 32-byte leaves: each level hashes adjacent pairs with BLAKE-256, pairing the last
 * node with itself when a level is odd; no leaves give 32 zero bytes.
 */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return new Uint8Array(32);
  leaves.forEach((l, i) => checkLength(l, 32, `leaves[${i}]`));
  let level = leaves.slice();
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i]!;
      const right = level[i + 1] ?? left;
      next.push(blake256(concatBytes(left, right)));
    }
    level = next;
  }
  return level[0]!;
}

/** Merkle root of one transaction tree; the leaves commit to witnesses too (TxHashFull). */
export function txTreeMerkleRoot(txs: readonly Tx[]): Uint8Array {
  return merkleRoot(txs.map(txHashFull));
}

/** DCP-0005 header merkle root: BLAKE-256(regular tree root || stake tree root). */
export function combinedMerkleRoot(regular: readonly Tx[], stake: readonly Tx[]): Uint8Array {
  return blake256(concatBytes(txTreeMerkleRoot(regular), txTreeMerkleRoot(stake)));
}
