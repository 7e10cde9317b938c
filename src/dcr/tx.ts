// Decred transaction wire format (dcrd wire.MsgTx): a prefix (inputs' outpoints and sequences,
// outputs, lock time, expiry) and a witness (per-input value, block location and signature
// script), serialized together or apart, and the three hashes built from those serializations.
import { ByteReader, ByteWriter, checkUint, concatBytes, fromHex, hashToDisplay } from './bytes.ts';
import { blake256 } from './hash.ts';

/** Serialization types carried in the upper 16 bits of the encoded version. */
export const TxSerType = { Full: 0, NoWitness: 1, OnlyWitness: 2 } as const;
export type TxSerType = (typeof TxSerType)[keyof typeof TxSerType];

export const TX_TREE_REGULAR = 0;
export const TX_TREE_STAKE = 1;
/** Witness ValueIn meaning "unknown". */
export const NULL_VALUE_IN = -1n;
export const NULL_BLOCK_HEIGHT = 0;
export const NULL_BLOCK_INDEX = 0xffffffff;
export const MAX_TX_IN_SEQUENCE = 0xffffffff;
export const MAX_PREV_OUT_INDEX = 0xffffffff;

/** dcrd's wire.MaxMessagePayload: no encoded tx, script or count may exceed what fits in it. */
export const MAX_MESSAGE_PAYLOAD = 32 * 1024 * 1024;
const MIN_TX_IN_PAYLOAD = 32 + 11; // outpoint hash + index + tree + script varint + sequence
const MIN_TX_OUT_PAYLOAD = 9; // value + script varint
const MAX_TX_IN_PER_MESSAGE = Math.floor(MAX_MESSAGE_PAYLOAD / MIN_TX_IN_PAYLOAD) + 1;
const MAX_TX_OUT_PER_MESSAGE = Math.floor(MAX_MESSAGE_PAYLOAD / MIN_TX_OUT_PAYLOAD) + 1;

export interface TxIn {
  /** Previous outpoint: tx hash in internal byte order. */
  prevHash: Uint8Array;
  prevIndex: number;
  /** 0 = regular tree, 1 = stake tree. */
  prevTree: number;
  sequence: number;
  // Witness fields.
  valueIn: bigint;
  blockHeight: number;
  blockIndex: number;
  sigScript: Uint8Array;
}

export interface TxOut {
  value: bigint;
  /** Script version (0 for every standard script). */
  version: number;
  pkScript: Uint8Array;
}

export interface Tx {
  version: number;
  inputs: TxIn[];
  outputs: TxOut[];
  lockTime: number;
  expiry: number;
}

/** A decoded transaction and the serialization it came in. */
export interface DecodedTx {
  tx: Tx;
  serType: TxSerType;
}

/** Input with null witness values, as a builder starts one. */
export function newTxIn(
  prevHash: Uint8Array,
  prevIndex: number,
  prevTree: number,
  fields: Partial<
    Pick<TxIn, 'sequence' | 'valueIn' | 'blockHeight' | 'blockIndex' | 'sigScript'>
  > = {},
): TxIn {
  return {
    prevHash,
    prevIndex,
    prevTree,
    sequence: fields.sequence ?? MAX_TX_IN_SEQUENCE,
    valueIn: fields.valueIn ?? NULL_VALUE_IN,
    blockHeight: fields.blockHeight ?? NULL_BLOCK_HEIGHT,
    blockIndex: fields.blockIndex ?? NULL_BLOCK_INDEX,
    sigScript: fields.sigScript ?? new Uint8Array(0),
  };
}

function checkTx(tx: Tx): void {
  if (!Number.isInteger(tx.version) || tx.version < 0 || tx.version > 0xffff) {
    throw new RangeError('tx.version: must be an integer in [0, 65535]');
  }
  checkUint(tx.lockTime, 32, 'tx.lockTime');
  checkUint(tx.expiry, 32, 'tx.expiry');
  tx.inputs.forEach((ti, i) => {
    if (ti.prevHash.length !== 32)
      throw new RangeError(`tx.inputs[${i}].prevHash: must be 32 bytes`);
    checkUint(ti.prevIndex, 32, `tx.inputs[${i}].prevIndex`);
    checkUint(ti.sequence, 32, `tx.inputs[${i}].sequence`);
    checkUint(ti.blockHeight, 32, `tx.inputs[${i}].blockHeight`);
    checkUint(ti.blockIndex, 32, `tx.inputs[${i}].blockIndex`);
    if (!Number.isInteger(ti.prevTree) || ti.prevTree < -128 || ti.prevTree > 127) {
      throw new RangeError(`tx.inputs[${i}].prevTree: must be an int8`);
    }
    if (typeof ti.valueIn !== 'bigint' || ti.valueIn < -(1n << 63n) || ti.valueIn >= 1n << 63n) {
      throw new RangeError(`tx.inputs[${i}].valueIn: must be an int64 bigint`);
    }
  });
  tx.outputs.forEach((to, i) => {
    if (!Number.isInteger(to.version) || to.version < 0 || to.version > 0xffff) {
      throw new RangeError(`tx.outputs[${i}].version: must be an integer in [0, 65535]`);
    }
    if (typeof to.value !== 'bigint' || to.value < -(1n << 63n) || to.value >= 1n << 63n) {
      throw new RangeError(`tx.outputs[${i}].value: out of int64 range`);
    }
  });
}

function writePrefix(w: ByteWriter, tx: Tx): void {
  w.varInt(tx.inputs.length);
  for (const ti of tx.inputs) {
    w.bytes(ti.prevHash)
      .u32(ti.prevIndex)
      .u8(ti.prevTree & 0xff)
      .u32(ti.sequence);
  }
  w.varInt(tx.outputs.length);
  for (const to of tx.outputs) {
    w.i64(to.value).u16(to.version).varBytes(to.pkScript);
  }
  w.u32(tx.lockTime).u32(tx.expiry);
}

function writeWitness(w: ByteWriter, tx: Tx): void {
  w.varInt(tx.inputs.length);
  for (const ti of tx.inputs) {
    w.i64(ti.valueIn).u32(ti.blockHeight).u32(ti.blockIndex).varBytes(ti.sigScript);
  }
}

/** Serialize a transaction; `serType` defaults to full (prefix then witness). */
export function encodeTx(tx: Tx, serType: TxSerType = TxSerType.Full): Uint8Array {
  checkTx(tx);
  const w = new ByteWriter(256);
  w.u32((tx.version | (serType << 16)) >>> 0);
  if (serType === TxSerType.Full || serType === TxSerType.NoWitness) writePrefix(w, tx);
  if (serType === TxSerType.Full || serType === TxSerType.OnlyWitness) writeWitness(w, tx);
  return w.finish();
}

function readCount(r: ByteReader, max: number, minItemSize: number, field: string): number {
  const n = r.varIntMax(max, field);
  // A count that cannot fit in the remaining bytes is rejected before anything is allocated.
  if (n * minItemSize > r.remaining) {
    throw new RangeError(`${field}: count ${n} exceeds what the remaining data can hold`);
  }
  return n;
}

function readPrefix(r: ByteReader, tx: Tx): void {
  const nIn = readCount(r, MAX_TX_IN_PER_MESSAGE, 41, 'tx.inputs count');
  for (let i = 0; i < nIn; i++) {
    const f = `tx.inputs[${i}]`;
    const prevHash = r.bytes(32, `${f}.prevHash`);
    const prevIndex = r.u32(`${f}.prevIndex`);
    const tree = r.u8(`${f}.prevTree`);
    const sequence = r.u32(`${f}.sequence`);
    tx.inputs.push(newTxIn(prevHash, prevIndex, tree > 127 ? tree - 256 : tree, { sequence }));
  }
  const nOut = readCount(r, MAX_TX_OUT_PER_MESSAGE, 11, 'tx.outputs count');
  for (let i = 0; i < nOut; i++) {
    const f = `tx.outputs[${i}]`;
    const value = r.i64(`${f}.value`);
    const version = r.u16(`${f}.version`);
    const pkScript = r.varBytes(MAX_MESSAGE_PAYLOAD, `${f}.pkScript`);
    tx.outputs.push({ value, version, pkScript });
  }
  tx.lockTime = r.u32('tx.lockTime');
  tx.expiry = r.u32('tx.expiry');
}

function readWitnessInto(r: ByteReader, ti: TxIn, f: string): void {
  ti.valueIn = r.i64(`${f}.valueIn`);
  ti.blockHeight = r.u32(`${f}.blockHeight`);
  ti.blockIndex = r.u32(`${f}.blockIndex`);
  ti.sigScript = r.varBytes(MAX_MESSAGE_PAYLOAD, `${f}.sigScript`);
}

function readWitness(r: ByteReader, tx: Tx, isFull: boolean): void {
  const n = readCount(r, MAX_TX_IN_PER_MESSAGE, 17, 'tx.witness count');
  if (isFull && n !== tx.inputs.length) {
    throw new RangeError(
      `tx.witness count: ${n} witnesses for ${tx.inputs.length} inputs (must be equal)`,
    );
  }
  for (let i = 0; i < n; i++) {
    const f = `tx.inputs[${i}]`;
    if (!isFull) tx.inputs.push(newTxIn(new Uint8Array(32), 0, 0));
    readWitnessInto(r, tx.inputs[i]!, f);
  }
}

/** Read one transaction (any serialization type) from a reader positioned at its start. */
export function readTx(r: ByteReader): DecodedTx {
  const raw = r.u32('tx.version');
  const serType = raw >>> 16;
  if (
    serType !== TxSerType.Full &&
    serType !== TxSerType.NoWitness &&
    serType !== TxSerType.OnlyWitness
  ) {
    throw new RangeError(`tx.serType: unknown serialization type ${serType}`);
  }
  const tx: Tx = { version: raw & 0xffff, inputs: [], outputs: [], lockTime: 0, expiry: 0 };
  if (serType !== TxSerType.OnlyWitness) readPrefix(r, tx);
  if (serType !== TxSerType.NoWitness) readWitness(r, tx, serType === TxSerType.Full);
  return { tx, serType };
}

/**
 * Decode a serialized transaction. By default only the full serialization is accepted and
 * trailing bytes are an error; pass `anySerType` to accept prefix- or witness-only encodings.
 */
export function decodeTx(bytes: Uint8Array | string, options: { anySerType?: boolean } = {}): Tx {
  return decodeTxWithType(bytes, options).tx;
}

export function decodeTxWithType(
  bytes: Uint8Array | string,
  options: { anySerType?: boolean } = {},
): DecodedTx {
  const data = typeof bytes === 'string' ? fromHex(bytes, 'tx') : bytes;
  if (!(data instanceof Uint8Array)) throw new TypeError('tx: expected bytes or a hex string');
  if (data.length > MAX_MESSAGE_PAYLOAD) {
    throw new RangeError(`tx: ${data.length} bytes exceeds the maximum of ${MAX_MESSAGE_PAYLOAD}`);
  }
  const r = new ByteReader(data);
  const decoded = readTx(r);
  if (options.anySerType !== true && decoded.serType !== TxSerType.Full) {
    throw new RangeError(`tx.serType: expected a full serialization, got type ${decoded.serType}`);
  }
  r.end('tx');
  return decoded;
}

/** TxHash: BLAKE-256 of the prefix-only serialization (internal order). */
export function txHash(tx: Tx): Uint8Array {
  return blake256(encodeTx(tx, TxSerType.NoWitness));
}

/** The txid as dcrd prints it (reversed hex of txHash). */
export function txid(tx: Tx): string {
  return hashToDisplay(txHash(tx));
}

/** TxHashWitness: BLAKE-256 of the witness-only serialization. */
export function txHashWitness(tx: Tx): Uint8Array {
  return blake256(encodeTx(tx, TxSerType.OnlyWitness));
}

/** TxHashFull: BLAKE-256(TxHash || TxHashWitness), the merkle leaf. */
export function txHashFull(tx: Tx): Uint8Array {
  return blake256(concatBytes(txHash(tx), txHashWitness(tx)));
}

/** Serialized size (full) in bytes. */
export function txSize(tx: Tx): number {
  return encodeTx(tx).length;
}
