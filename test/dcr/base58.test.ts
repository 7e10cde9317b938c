import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  base58CheckDecode,
  base58CheckEncode,
  base58Decode,
  base58Encode,
} from '../../src/dcr/base58.ts';
import { fromHex, toHex } from '../../src/dcr/bytes.ts';
import { blake256 } from '../../src/dcr/hash.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';

interface Base58File {
  alphabet: string;
  base58_cases: { decoded_hex: string; encoded: string }[];
  base58check_cases: { version: [number, number]; payload_utf8: string; encoded: string }[];
  base58check_invalid: { encoded: string; error: string }[];
  base58_decode_invalid: string[];
}

const v = loadVectors<Base58File>('base58.json');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** How each vector error shows up here. */
const CHECK_ERRORS: Record<string, [typeof TypeError | typeof RangeError, RegExp]> = {
  checksum: [TypeError, /^base58check: checksum mismatch/],
  'invalid format (decoded length < 6)': [RangeError, /^base58check: invalid format \(too short\)/],
};

vectorSuite('base58.json', (add) => {
  add('alphabet', () => {
    // Every alphabet character in order encodes the digits 0..57.
    for (let i = 0; i < v.alphabet.length; i++) {
      assert.deepEqual(base58Decode(`2${v.alphabet[i]!}`), Uint8Array.of(58 + i));
    }
  });
  for (const c of v.base58_cases) {
    add(`base58 ${JSON.stringify(c.encoded.slice(0, 24))}`, () => {
      assert.equal(base58Encode(fromHex(c.decoded_hex)), c.encoded);
      assert.equal(toHex(base58Decode(c.encoded)), c.decoded_hex);
    });
  }
  for (const c of v.base58check_cases) {
    add(`base58check ${JSON.stringify(c.payload_utf8.slice(0, 24))}`, () => {
      const version = Uint8Array.from(c.version);
      assert.equal(base58CheckEncode(version, utf8(c.payload_utf8)), c.encoded);
      const d = base58CheckDecode(c.encoded);
      assert.deepEqual(d, { version, payload: utf8(c.payload_utf8) });
      // The checksum is the first 4 bytes of a double BLAKE-256.
      const raw = base58Decode(c.encoded);
      const body = raw.subarray(0, raw.length - 4);
      assert.deepEqual(raw.subarray(raw.length - 4), blake256(blake256(body)).subarray(0, 4));
    });
  }
  for (const c of v.base58check_invalid) {
    add(`base58check invalid ${JSON.stringify(c.encoded)}`, () => {
      const want = CHECK_ERRORS[c.error];
      assert.ok(want, `unmapped error ${c.error}`);
      assert.throws(
        () => base58CheckDecode(c.encoded),
        (e: unknown) => {
          assert.ok(e instanceof want[0], String(e));
          assert.match(e.message, want[1]);
          return true;
        },
      );
    });
  }
  for (const s of v.base58_decode_invalid) {
    add(`base58 invalid ${JSON.stringify(s)}`, () => {
      assert.throws(() => base58Decode(s, 'addr'), {
        name: 'TypeError',
        message: /^addr: invalid base58 string/,
      });
      assert.throws(() => base58CheckDecode(s), { name: 'TypeError', message: /^base58check: / });
    });
  }
});

describe('base58 API', () => {
  it('rejects non-strings and bad versions', () => {
    assert.throws(() => base58Decode(1 as unknown as string), TypeError);
    assert.throws(() => base58CheckEncode(Uint8Array.of(1), new Uint8Array(0)), {
      name: 'RangeError',
      message: /^version: /,
    });
  });
});

describe('base58 properties', () => {
  it('base58 and base58check round-trip, keeping leading zeros', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 80 }),
        fc.uint8Array({ minLength: 2, maxLength: 2 }),
        (data, version) => {
          const s = base58Encode(data);
          assert.deepEqual(base58Decode(s), data);
          let zeros = 0;
          while (zeros < data.length && data[zeros] === 0) zeros++;
          assert.equal(s.slice(0, zeros), '1'.repeat(zeros));
          assert.deepEqual(base58CheckDecode(base58CheckEncode(version, data)), {
            version,
            payload: data,
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
