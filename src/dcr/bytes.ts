// Byte helpers shared by every wire format in src/dcr: hex, concatenation, and a strict
// little-endian reader/writer with Decred's canonical CompactSize varints.

/** Decode lowercase or uppercase hex; throws TypeError naming `field` on bad input. */
export function fromHex(hex: string, field = 'hex'): Uint8Array {
  if (typeof hex !== 'string') throw new TypeError(`${field}: expected a hex string`);
  if (hex.length % 2 !== 0) throw new TypeError(`${field}: hex string has odd length`);
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new TypeError(`${field}: not a hex string`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX[b];
  return s;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Reverse a copy: Decred prints 32-byte hashes in reversed ("display") byte order. */
export function reverseBytes(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes).reverse();
}

/** A 32-byte hash from its display hex (as dcrd prints txids and block hashes). */
export function hashFromDisplay(hex: string, field = 'hash'): Uint8Array {
  const b = fromHex(hex, field);
  if (b.length !== 32) throw new RangeError(`${field}: expected 32 bytes, got ${b.length}`);
  return b.reverse();
}

/** The display hex of a 32-byte hash in internal order. */
export function hashToDisplay(hash: Uint8Array): string {
  return toHex(reverseBytes(hash));
}

/** Throws a RangeError naming `field` unless v is an integer that fits in `bits` unsigned bits. */
export function checkUint(v: number, bits: 8 | 16 | 32, field: string): void {
  const max = 2 ** bits - 1;
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new RangeError(`${field}: must be an integer in [0, ${max}]`);
  }
}

/** Size in bytes of the CompactSize encoding of n. */
export function varIntSize(n: number | bigint): number {
  const v = BigInt(n);
  if (v < 0xfdn) return 1;
  if (v <= 0xffffn) return 3;
  if (v <= 0xffffffffn) return 5;
  return 9;
}

/** Growable little-endian writer. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.view.setUint8(this.pos, v);
    this.pos += 1;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
    return this;
  }

  u64(v: bigint): this {
    this.ensure(8);
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, v), true);
    this.pos += 8;
    return this;
  }

  i64(v: bigint): this {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Canonical CompactSize. */
  varInt(n: number | bigint): this {
    const v = BigInt(n);
    if (v < 0n) throw new RangeError('varint: negative value');
    if (v < 0xfdn) return this.u8(Number(v));
    if (v <= 0xffffn) return this.u8(0xfd).u16(Number(v));
    if (v <= 0xffffffffn) return this.u8(0xfe).u32(Number(v));
    return this.u8(0xff).u64(v);
  }

  varBytes(b: Uint8Array): this {
    return this.varInt(b.length).bytes(b);
  }

  get length(): number {
    return this.pos;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Bounds-checked little-endian reader; every error names the field being read. */
export class ByteReader {
  readonly data: Uint8Array;
  private readonly view: DataView;
  pos = 0;

  constructor(data: Uint8Array) {
    this.data = data;
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  get remaining(): number {
    return this.data.length - this.pos;
  }

  private need(n: number, field: string): void {
    if (this.pos + n > this.data.length) {
      throw new RangeError(
        `${field}: unexpected end of data (need ${n} bytes at offset ${this.pos})`,
      );
    }
  }

  u8(field: string): number {
    this.need(1, field);
    const v = this.view.getUint8(this.pos);
    this.pos += 1;
    return v;
  }

  u16(field: string): number {
    this.need(2, field);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(field: string): number {
    this.need(4, field);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u64(field: string): bigint {
    this.need(8, field);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  i64(field: string): bigint {
    this.need(8, field);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  bytes(n: number, field: string): Uint8Array {
    this.need(n, field);
    const v = this.data.slice(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Canonical CompactSize; a non-minimal encoding is rejected as dcrd does. */
  varInt(field: string): bigint {
    const d = this.u8(field);
    let v: bigint;
    let min: bigint;
    if (d < 0xfd) return BigInt(d);
    if (d === 0xfd) {
      v = BigInt(this.u16(field));
      min = 0xfdn;
    } else if (d === 0xfe) {
      v = BigInt(this.u32(field));
      min = 0x10000n;
    } else {
      v = this.u64(field);
      min = 0x100000000n;
    }
    if (v < min) throw new RangeError(`${field}: non-canonical varint`);
    return v;
  }

  /** A varint that must not exceed `max` (a count or a length), as a number. */
  varIntMax(max: number, field: string): number {
    const v = this.varInt(field);
    if (v > BigInt(max)) throw new RangeError(`${field}: ${v} exceeds the maximum of ${max}`);
    return Number(v);
  }

  varBytes(max: number, field: string): Uint8Array {
    return this.bytes(this.varIntMax(max, field), field);
  }

  end(field: string): void {
    if (this.remaining !== 0) {
      throw new RangeError(`${field}: ${this.remaining} unexpected trailing bytes`);
    }
  }
}
