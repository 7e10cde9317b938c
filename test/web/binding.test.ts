import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileBinding, UnparsableBody } from '../../src/web/binding.ts';
import { feeAddressRequest } from '../../src/web/routes/api/v3/feeaddress.ts';
import { payFeeRequest } from '../../src/web/routes/api/v3/payfee.ts';
import { setAltSignAddrRequest } from '../../src/web/routes/api/v3/setaltsignaddr.ts';
import { setVoteChoicesRequest } from '../../src/web/routes/api/v3/setvotechoices.ts';
import { ticketStatusRequest } from '../../src/web/routes/api/v3/ticketstatus.ts';

// vspd internal/webapi/binding_test.go: how gin binds SetVoteChoicesRequest.
describe('setvotechoices binding (vspd characterization table)', () => {
  const bind = compileBinding(setVoteChoicesRequest);
  const base = { timestamp: 12345, tickethash: 'hash' };
  const cases: [string, unknown, RegExp | undefined][] = [
    [
      'filled maps bind',
      { ...base, votechoices: { k: 'v' }, tspendpolicy: { k: 'v' }, treasurypolicy: { k: 'v' } },
      undefined,
    ],
    [
      'a map beyond max does not bind',
      {
        ...base,
        votechoices: { k: 'v' },
        tspendpolicy: { k: 'v' },
        treasurypolicy: { k1: 'v', k2: 'v', k3: 'v', k4: 'v' },
      },
      /^treasurypolicy: 4 entries, at most 3/,
    ],
    [
      'empty maps bind',
      { ...base, votechoices: {}, tspendpolicy: {}, treasurypolicy: {} },
      undefined,
    ],
    [
      'missing required map does not bind',
      { ...base, tspendpolicy: {}, treasurypolicy: {} },
      /^votechoices: is required$/,
    ],
    ['missing max map binds', { ...base, votechoices: {}, treasurypolicy: {} }, undefined],
    [
      'null required map does not bind',
      { ...base, votechoices: null, tspendpolicy: {}, treasurypolicy: {} },
      /^votechoices: must be an object$/,
    ],
    [
      'null max map binds',
      { ...base, votechoices: {}, tspendpolicy: null, treasurypolicy: {} },
      undefined,
    ],
  ];
  for (const [name, body, want] of cases) {
    it(name, () => {
      const got = bind(body);
      if (want === undefined) assert.equal(got, undefined);
      else assert.match(got ?? '', want);
    });
  }
});

describe('gin required = present and not the zero value', () => {
  const bind = compileBinding(feeAddressRequest);
  const ok = { timestamp: 1, tickethash: 'h', tickethex: 'aa', parenthex: 'bb' };
  const cases: [string, unknown, RegExp | undefined][] = [
    ['complete', ok, undefined],
    ['extra fields are ignored', { ...ok, other: [1, 2] }, undefined],
    ['negative timestamp is not zero', { ...ok, timestamp: -5 }, undefined],
    ['timestamp 0', { ...ok, timestamp: 0 }, /^timestamp: is required$/],
    [
      'timestamp missing',
      { tickethash: 'h', tickethex: 'aa', parenthex: 'bb' },
      /^timestamp: is required$/,
    ],
    ['timestamp as string', { ...ok, timestamp: '1' }, /^timestamp: must be an integer$/],
    ['timestamp fractional', { ...ok, timestamp: 1.5 }, /^timestamp: must be an integer$/],
    ['timestamp beyond 2^53', { ...ok, timestamp: 2 ** 60 }, /out of range/],
    ['empty string', { ...ok, tickethex: '' }, /^tickethex: is required$/],
    ['null string', { ...ok, parenthex: null }, /^parenthex: must be a string$/],
    ['number for string', { ...ok, tickethash: 5 }, /^tickethash: must be a string$/],
    ['array body', [ok], /^request body: must be an object$/],
    ['null body', null, /^request body: must be an object$/],
    [
      'unparsable body',
      new UnparsableBody('request body is not valid JSON: x'),
      /^request body is not valid JSON/,
    ],
  ];
  for (const [name, body, want] of cases) {
    it(name, () => {
      const got = bind(body);
      if (want === undefined) assert.equal(got, undefined);
      else assert.match(got ?? '', want);
    });
  }
});

describe('map values must be strings', () => {
  it('names the offending key', () => {
    const bind = compileBinding(payFeeRequest);
    const got = bind({
      timestamp: 1,
      tickethash: 'h',
      feetx: 'aa',
      votingkey: 'k',
      votechoices: { a: 1 },
    });
    assert.equal(got, 'votechoices["a"]: must be a string');
  });
});

describe('schemas', () => {
  it('every v3 request schema compiles', () => {
    for (const s of [
      feeAddressRequest,
      payFeeRequest,
      setAltSignAddrRequest,
      setVoteChoicesRequest,
      ticketStatusRequest,
    ]) {
      assert.equal(typeof compileBinding(s), 'function');
    }
  });
  it('unknown keywords are refused at compile time', () => {
    assert.throws(
      () => compileBinding({ type: 'object', format: 'x' } as never),
      /unsupported keyword format/,
    );
    assert.throws(
      () => compileBinding({ not: { type: 'string' } } as never),
      /supports only \{const\}/,
    );
  });
});
