// Every ticket the pool would vote, with its owner's vote preferences, packed in one binary form
// that is both what the voter keeps in memory and the body of its cache file. Packed rather than
// one object per ticket: 100,000 tickets are about 40 MB of ticket bytes, and as objects holding
// hex strings they would take more than twice that, all of it on the V8 heap.
//
// Layout (integers little-endian):
//   "SPVC" | u8 format version (1) | u8 network name length | network name (ASCII)
//   | f64 takenAt (ms since the epoch) | u32 users | u32 tickets
//   | users:   u32 id | u32 voteBits | u32 voteBitsVersion | u16 script length | script
//   | tickets: 32 bytes hash (its display hex, decoded as is) | u32 user id | u32 length | ticket
//   | 32 bytes SHA-256 of everything before it
// Hashes are stored as their display hex decodes, so byte order is the hex strings' order.
import { createHash } from 'node:crypto';
import type { VotableTicket } from '../db/pool-tickets.ts';

const MAGIC = Buffer.from('SPVC', 'latin1');
const FORMAT_VERSION = 1;
const HASH_BYTES = 32;
const RECORD_HEAD = HASH_BYTES + 8;
const CHECKSUM_BYTES = 32;
const HASH_RE = /^[0-9a-f]{64}$/;
const SCRIPT_RE = /^(?:[0-9a-fA-F]{2}){0,65535}$/;
// Above glibc's largest dynamic mmap threshold (32 MiB), so that each chunk is a mapping of its
// own, given back to the system when an old snapshot is dropped; in smaller pieces the freed
// memory of the previous snapshot stayed with the process (RSS +110 MB instead of +70 MB at
// 100,000 tickets). Pages never written are never resident: a small pool does not pay for it.
const DEFAULT_CHUNK_BYTES = 48 << 20;

interface UserPrefs {
  /** Hex. */
  redeemScript: string;
  voteBits: number;
  voteBitsVersion: number;
}

function checkU32(field: string, v: number): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) {
    throw new RangeError(`${field}: must be an integer in [0, 2^32), got ${v}`);
  }
  return v;
}

export class VotableSnapshot {
  readonly network: string;
  /** When the database was read (ms since the epoch). */
  readonly takenAt: number;
  readonly #users: ReadonlyMap<number, UserPrefs>;
  readonly #chunks: readonly Buffer[];
  // Record i in hash order starts at #chunks[#chunkOf[i]] offset #offsetOf[i].
  readonly #chunkOf: Uint32Array;
  readonly #offsetOf: Uint32Array;

  /** Use VotableSnapshotBuilder or decodeVotableSnapshot. */
  constructor(
    network: string,
    takenAt: number,
    users: ReadonlyMap<number, UserPrefs>,
    chunks: readonly Buffer[],
  ) {
    this.network = network;
    this.takenAt = takenAt;
    this.#users = users;
    this.#chunks = chunks;
    const chunkOf: number[] = [];
    const offsetOf: number[] = [];
    chunks.forEach((chunk, c) => {
      for (let off = 0; off < chunk.length;) {
        if (off + RECORD_HEAD > chunk.length) throw new RangeError('tickets: truncated record');
        const userId = chunk.readUInt32LE(off + HASH_BYTES);
        const len = chunk.readUInt32LE(off + HASH_BYTES + 4);
        if (off + RECORD_HEAD + len > chunk.length)
          throw new RangeError('tickets: truncated ticket');
        if (!users.has(userId)) throw new RangeError(`tickets: unknown user ${userId}`);
        chunkOf.push(c);
        offsetOf.push(off);
        off += RECORD_HEAD + len;
      }
    });
    const order = chunkOf.map((_, i) => i);
    const cmp = (a: number, b: number): number => {
      const [offA, offB] = [offsetOf[a]!, offsetOf[b]!];
      const [chunkA, chunkB] = [chunks[chunkOf[a]!]!, chunks[chunkOf[b]!]!];
      return chunkA.compare(chunkB, offB, offB + HASH_BYTES, offA, offA + HASH_BYTES);
    };
    // The database hands them over in hash order already; sort only if not.
    let sorted = true;
    for (let i = 1; i < order.length && sorted; i++) sorted = cmp(i - 1, i) <= 0;
    if (!sorted) order.sort(cmp);
    this.#chunkOf = Uint32Array.from(order, (i) => chunkOf[i]!);
    this.#offsetOf = Uint32Array.from(order, (i) => offsetOf[i]!);
  }

  /** How many tickets. */
  get size(): number {
    return this.#offsetOf.length;
  }

  /** Bytes held: the packed tickets and the index (the users are a few kB at most). */
  get byteLength(): number {
    let n = this.#chunkOf.byteLength + this.#offsetOf.byteLength;
    for (const c of this.#chunks) n += c.length;
    return n;
  }

  /** The snapshot's tickets among `hashes`, each once, in the order asked. */
  lookup(hashes: readonly string[]): VotableTicket[] {
    const out: VotableTicket[] = [];
    const seen = new Set<string>();
    for (const hash of hashes) {
      if (seen.has(hash) || !HASH_RE.test(hash)) continue;
      seen.add(hash);
      const i = this.#find(Buffer.from(hash, 'hex'));
      if (i !== undefined) out.push(this.#ticket(i));
    }
    return out;
  }

  /** Every ticket, in hash order. */
  *tickets(): IterableIterator<VotableTicket> {
    for (let i = 0; i < this.size; i++) yield this.#ticket(i);
  }

  /**
   * The file form, as pieces to write one after the other (the packed tickets are not copied
   * into one buffer).
   */
  encode(): Buffer[] {
    const net = Buffer.from(this.network, 'latin1');
    const users = [...this.#users].map(([id, u]) => {
      const script = Buffer.from(u.redeemScript, 'hex');
      const b = Buffer.alloc(14 + script.length);
      b.writeUInt32LE(id, 0);
      b.writeUInt32LE(u.voteBits, 4);
      b.writeUInt32LE(u.voteBitsVersion, 8);
      b.writeUInt16LE(script.length, 12);
      script.copy(b, 14);
      return b;
    });
    const head = Buffer.alloc(MAGIC.length + 2 + net.length + 16);
    let off = MAGIC.copy(head, 0);
    off = head.writeUInt8(FORMAT_VERSION, off);
    off = head.writeUInt8(net.length, off);
    off += net.copy(head, off);
    off = head.writeDoubleLE(this.takenAt, off);
    off = head.writeUInt32LE(this.#users.size, off);
    head.writeUInt32LE(this.size, off);
    const pieces = [Buffer.concat([head, ...users]), ...this.#chunks];
    const sum = createHash('sha256');
    for (const p of pieces) sum.update(p);
    pieces.push(sum.digest());
    return pieces;
  }

  #find(hash: Buffer): number | undefined {
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const off = this.#offsetOf[mid]!;
      const c = this.#chunks[this.#chunkOf[mid]!]!.compare(
        hash,
        0,
        HASH_BYTES,
        off,
        off + HASH_BYTES,
      );
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  #ticket(i: number): VotableTicket {
    const chunk = this.#chunks[this.#chunkOf[i]!]!;
    const off = this.#offsetOf[i]!;
    const userId = chunk.readUInt32LE(off + HASH_BYTES);
    const len = chunk.readUInt32LE(off + HASH_BYTES + 4);
    // Present: the constructor checked every record's user.
    const u = this.#users.get(userId)!;
    return {
      hash: chunk.toString('hex', off, off + HASH_BYTES),
      userId,
      ticketHex: chunk.toString('hex', off + RECORD_HEAD, off + RECORD_HEAD + len),
      redeemScript: u.redeemScript,
      voteBits: u.voteBits,
      voteBitsVersion: u.voteBitsVersion,
    };
  }
}

/** Packs tickets as they are read from the database, page after page. */
export class VotableSnapshotBuilder {
  readonly #network: string;
  readonly #takenAt: number;
  readonly #chunkBytes: number;
  readonly #users = new Map<number, UserPrefs>();
  readonly #chunks: Buffer[] = [];
  #chunk: Buffer | undefined;
  #used = 0;

  constructor(network: string, takenAt: number, chunkBytes = DEFAULT_CHUNK_BYTES) {
    if (!/^[a-z0-9]{1,32}$/.test(network)) throw new TypeError('network: must be a network name');
    if (!Number.isFinite(takenAt) || takenAt < 0) {
      throw new RangeError('takenAt: must be a time in ms since the epoch');
    }
    this.#network = network;
    this.#takenAt = takenAt;
    this.#chunkBytes = chunkBytes;
  }

  add(t: VotableTicket): void {
    if (typeof t.hash !== 'string' || !HASH_RE.test(t.hash)) {
      throw new TypeError('hash: must be 64 lowercase hex characters');
    }
    const userId = checkU32('userId', t.userId);
    const hex = t.ticketHex;
    if (typeof hex !== 'string' || hex.length % 2 !== 0) {
      throw new TypeError('ticketHex: must be a hex string');
    }
    const prefs = {
      redeemScript: this.#script(userId, t.redeemScript),
      voteBits: checkU32('voteBits', t.voteBits),
      voteBitsVersion: checkU32('voteBitsVersion', t.voteBitsVersion),
    };
    const len = hex.length / 2;
    const need = RECORD_HEAD + len;
    if (this.#chunk === undefined || this.#used + need > this.#chunk.length) {
      this.#seal();
      this.#chunk = Buffer.allocUnsafe(Math.max(this.#chunkBytes, need));
    }
    const c = this.#chunk;
    const off = this.#used;
    // Decoded straight into the chunk: a temporary Buffer per ticket would leave the process
    // tens of MB of fragmented heap after each refresh. write() stops at a bad digit.
    if (c.write(hex, off + RECORD_HEAD, len, 'hex') !== len) {
      throw new TypeError('ticketHex: must be a hex string');
    }
    c.write(t.hash, off, 'hex');
    c.writeUInt32LE(userId, off + HASH_BYTES);
    c.writeUInt32LE(len, off + HASH_BYTES + 4);
    this.#used += need;
    // One entry per user; a later row (read later) has the newer preferences.
    this.#users.set(userId, prefs);
  }

  #script(userId: number, hex: string): string {
    if (this.#users.get(userId)?.redeemScript === hex) return hex;
    if (typeof hex !== 'string' || !SCRIPT_RE.test(hex)) {
      throw new TypeError('redeemScript: must be a hex string of at most 65535 bytes');
    }
    return hex.toLowerCase();
  }

  finish(): VotableSnapshot {
    this.#seal();
    return new VotableSnapshot(this.#network, this.#takenAt, this.#users, this.#chunks);
  }

  #seal(): void {
    if (this.#chunk !== undefined && this.#used > 0) {
      // A view of the used part; the unused tail of the last chunk (< one ticket) goes unread.
      this.#chunks.push(this.#chunk.subarray(0, this.#used));
    }
    this.#chunk = undefined;
    this.#used = 0;
  }
}

class Reader {
  off = 0;
  constructor(readonly b: Buffer) {}
  take(n: number, what: string): Buffer {
    if (this.off + n > this.b.length) throw new RangeError(`cache file: truncated in ${what}`);
    const out = this.b.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }
  u8(what: string): number {
    return this.take(1, what).readUInt8(0);
  }
  u16(what: string): number {
    return this.take(2, what).readUInt16LE(0);
  }
  u32(what: string): number {
    return this.take(4, what).readUInt32LE(0);
  }
}

/**
 * The snapshot in a cache file's bytes. Throws a RangeError saying what is wrong with a file
 * that is not one, truncated, altered (checksum) or of another network.
 */
export function decodeVotableSnapshot(file: Buffer, network: string): VotableSnapshot {
  if (file.length < MAGIC.length + CHECKSUM_BYTES || !file.subarray(0, 4).equals(MAGIC)) {
    throw new RangeError('cache file: not a voter cache file');
  }
  const body = file.subarray(0, file.length - CHECKSUM_BYTES);
  const sum = createHash('sha256').update(body).digest();
  if (!sum.equals(file.subarray(body.length))) {
    throw new RangeError('cache file: checksum mismatch (damaged or truncated)');
  }
  const r = new Reader(body);
  r.take(MAGIC.length, 'magic');
  const version = r.u8('version');
  if (version !== FORMAT_VERSION) throw new RangeError(`cache file: unknown version ${version}`);
  const net = r.take(r.u8('network'), 'network').toString('latin1');
  if (net !== network) throw new RangeError(`cache file: for network ${net}, not ${network}`);
  const takenAt = r.take(8, 'time').readDoubleLE(0);
  if (!Number.isFinite(takenAt) || takenAt < 0) throw new RangeError('cache file: bad time');
  const userCount = r.u32('user count');
  const ticketCount = r.u32('ticket count');
  const users = new Map<number, UserPrefs>();
  for (let i = 0; i < userCount; i++) {
    const id = r.u32('users');
    const voteBits = r.u32('users');
    const voteBitsVersion = r.u32('users');
    const redeemScript = r.take(r.u16('users'), 'users').toString('hex');
    users.set(id, { redeemScript, voteBits, voteBitsVersion });
  }
  const tickets = body.subarray(r.off);
  let snapshot: VotableSnapshot;
  try {
    snapshot = new VotableSnapshot(net, takenAt, users, tickets.length > 0 ? [tickets] : []);
  } catch (err) {
    throw new RangeError(`cache file: ${(err as Error).message}`, { cause: err });
  }
  if (snapshot.size !== ticketCount) {
    throw new RangeError(`cache file: ${snapshot.size} tickets, header says ${ticketCount}`);
  }
  return snapshot;
}
