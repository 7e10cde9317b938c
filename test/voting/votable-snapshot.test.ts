import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { VotableTicket } from '../../src/db/pool-tickets.ts';
import {
  VotableSnapshotBuilder,
  decodeVotableSnapshot,
} from '../../src/voting/votable-snapshot.ts';

const TAKEN_AT = 1_760_000_000_123;

function hashOf(i: number): string {
  return createHash('sha256').update(`snapshot ticket ${i}`).digest('hex');
}

/** Ticket i of user (i % 7) + 1, with bytes of its own and a length that varies. */
function ticket(i: number): VotableTicket {
  const userId = (i % 7) + 1;
  return {
    hash: hashOf(i),
    userId,
    ticketHex:
      '01000000' +
      createHash('sha256')
        .update(`body ${i}`)
        .digest('hex')
        .repeat(1 + (i % 5)),
    redeemScript: `5121${'02'.padEnd(66, String(userId))}21${'03'.padEnd(66, 'e')}52ae`,
    voteBits: userId % 2 === 0 ? 5 : 1,
    voteBitsVersion: 10,
  };
}

function build(tickets: readonly VotableTicket[], chunkBytes?: number) {
  const b = new VotableSnapshotBuilder('testnet3', TAKEN_AT, chunkBytes);
  for (const t of tickets) b.add(t);
  return b.finish();
}

const byHash = (a: VotableTicket, b: VotableTicket): number => (a.hash < b.hash ? -1 : 1);

/** The file as one buffer. */
const fileOf = (pieces: Buffer[]): Buffer => Buffer.concat(pieces);

describe('VotableSnapshot', () => {
  const tickets = Array.from({ length: 300 }, (_, i) => ticket(i));

  it('finds each ticket by hash, with its owner’s script and bits, whatever the input order', () => {
    // Small chunks: records spread over many, as with 100,000 tickets over 1 MiB chunks.
    const s = build(tickets, 2048);
    assert.equal(s.size, 300);
    assert.equal(s.network, 'testnet3');
    assert.equal(s.takenAt, TAKEN_AT);
    assert.deepEqual([...s.tickets()], [...tickets].sort(byHash));
    const unknown = hashOf(1000);
    const asked = [tickets[17]!.hash, unknown, tickets[3]!.hash, tickets[17]!.hash, 'XYZ'];
    assert.deepEqual(s.lookup(asked), [tickets[17], tickets[3]], 'each once, in the order asked');
    for (const t of tickets) assert.deepEqual(s.lookup([t.hash]), [t]);
    assert.deepEqual(s.lookup([]), []);
    assert.ok(s.byteLength > 300 * 32);
  });

  it('keeps the newest preferences of each user (a later page wins)', () => {
    const a = ticket(0);
    const b = { ...ticket(7), voteBits: 0x0011 }; // same user (1), read later
    const s = build([a, b]);
    assert.deepEqual(
      s.lookup([a.hash, b.hash]).map((t) => t.voteBits),
      [0x0011, 0x0011],
    );
  });

  it('is empty without tickets, and still round-trips', () => {
    const s = build([]);
    assert.equal(s.size, 0);
    assert.deepEqual(s.lookup([hashOf(1)]), []);
    const back = decodeVotableSnapshot(fileOf(s.encode()), 'testnet3');
    assert.equal(back.size, 0);
    assert.equal(back.takenAt, TAKEN_AT);
  });

  it('refuses bad rows, naming the field', () => {
    const b = new VotableSnapshotBuilder('testnet3', TAKEN_AT);
    const t = ticket(1);
    assert.throws(() => b.add({ ...t, hash: t.hash.toUpperCase() }), /TypeError: hash:/);
    assert.throws(() => b.add({ ...t, ticketHex: 'abc' }), /TypeError: ticketHex:/);
    assert.throws(() => b.add({ ...t, ticketHex: '01zz' }), /TypeError: ticketHex:/);
    assert.throws(() => b.add({ ...t, redeemScript: '5g' }), /TypeError: redeemScript:/);
    assert.throws(() => b.add({ ...t, userId: -1 }), /RangeError: userId:/);
    assert.throws(() => b.add({ ...t, voteBits: 1.5 }), /RangeError: voteBits:/);
    assert.throws(() => new VotableSnapshotBuilder('Test Net', TAKEN_AT), /TypeError: network:/);
    assert.throws(() => new VotableSnapshotBuilder('testnet3', Number.NaN), /RangeError: takenAt:/);
  });
});

describe('decodeVotableSnapshot', () => {
  const tickets = Array.from({ length: 120 }, (_, i) => ticket(i));
  const file = fileOf(build(tickets, 4096).encode());

  it('reads back exactly what was written', () => {
    const back = decodeVotableSnapshot(file, 'testnet3');
    assert.equal(back.takenAt, TAKEN_AT);
    assert.deepEqual([...back.tickets()], [...tickets].sort(byHash));
    assert.deepEqual(back.lookup([tickets[5]!.hash]), [tickets[5]]);
    // Written again, the same bytes.
    assert.deepEqual(fileOf(back.encode()), file);
  });

  it('refuses a damaged, truncated, foreign or unknown file, saying why', () => {
    // One byte changed in each part: header, users, tickets, checksum.
    for (const at of [6, 40, Math.floor(file.length / 2), file.length - 1]) {
      const bad = Buffer.from(file);
      bad[at] = bad[at]! ^ 0x01;
      assert.throws(
        () => decodeVotableSnapshot(bad, 'testnet3'),
        /RangeError: cache file: checksum mismatch/,
        `byte ${at}`,
      );
    }
    assert.throws(
      () => decodeVotableSnapshot(file.subarray(0, file.length - 100), 'testnet3'),
      /cache file: checksum mismatch/,
    );
    assert.throws(() => decodeVotableSnapshot(Buffer.alloc(0), 'testnet3'), /not a voter cache/);
    assert.throws(
      () => decodeVotableSnapshot(Buffer.from('{"tickets":[]}'.padEnd(64)), 'testnet3'),
      /not a voter cache file/,
    );
    assert.throws(
      () => decodeVotableSnapshot(file, 'mainnet'),
      /cache file: for network testnet3, not mainnet/,
    );
  });

  it('checks the structure behind a valid checksum too', () => {
    // A file whose checksum matches but whose header lies (not one we wrote): caught by the
    // record walk, not trusted.
    const body = Buffer.from(file.subarray(0, file.length - 32));
    const withSum = (b: Buffer) => Buffer.concat([b, createHash('sha256').update(b).digest()]);
    const countAt = 4 + 1 + 1 + 'testnet3'.length + 8 + 4;
    const lying = Buffer.from(body);
    lying.writeUInt32LE(121, countAt);
    assert.throws(
      () => decodeVotableSnapshot(withSum(lying), 'testnet3'),
      /cache file: 120 tickets, header says 121/,
    );
    const newer = Buffer.from(body);
    newer[4] = 2;
    assert.throws(() => decodeVotableSnapshot(withSum(newer), 'testnet3'), /unknown version 2/);
    assert.throws(
      () => decodeVotableSnapshot(withSum(body.subarray(0, body.length - 3)), 'testnet3'),
      /cache file: tickets: truncated/,
    );
  });
});
