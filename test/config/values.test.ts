import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  closest,
  expandPath,
  formatDuration,
  normalizeDialAddress,
  parseAmountValue,
  parseBool,
  parseDuration,
  parseFloatValue,
  parseIntValue,
  parseList,
  parseListen,
  resolvePath,
  splitHostPort,
  ValueError,
} from '../../src/config/values.ts';

describe('config values', () => {
  it('booleans take the go-flags spellings and reject the rest', () => {
    for (const t of ['1', 'true', 'TRUE', 't', 'yes', 'on', ' True '])
      assert.equal(parseBool(t), true);
    for (const f of ['0', 'false', 'F', 'no', 'off']) assert.equal(parseBool(f), false);
    for (const bad of ['', '2', 'maybe']) assert.throws(() => parseBool(bad), ValueError);
  });

  it('integers and floats are strict decimals', () => {
    assert.equal(parseIntValue(' 42 '), 42);
    assert.equal(parseIntValue('-3'), -3);
    for (const bad of ['', '1.5', '0x10', '1e3', '12abc', '99999999999999999999']) {
      assert.throws(() => parseIntValue(bad), ValueError, bad);
    }
    assert.equal(parseFloatValue('3.0'), 3);
    assert.equal(parseFloatValue('.5'), 0.5);
    assert.equal(parseFloatValue('1e-2'), 0.01);
    for (const bad of ['', 'NaN', 'Infinity', '3%', '0x1', '1,5']) {
      assert.throws(() => parseFloatValue(bad), ValueError, bad);
    }
  });

  it('values of secrets are not echoed in errors', () => {
    assert.throws(() => parseIntValue('hunter2'), /hunter2/);
    assert.throws(
      () => parseIntValue('hunter2', false),
      (e: Error) => !e.message.includes('hunter2'),
    );
    assert.throws(
      () => parseList('a,,hunter2', false),
      (e: Error) => !e.message.includes('hunter2'),
    );
  });

  it('durations follow Go time.ParseDuration', () => {
    const cases: [string, number][] = [
      ['0', 0],
      ['30s', 30_000],
      ['3m', 180_000],
      ['3m0s', 180_000],
      ['1h30m', 5_400_000],
      ['1.5h', 5_400_000],
      ['250ms', 250],
      ['1500us', 1.5],
      ['-1m', -60_000],
    ];
    for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
    for (const bad of ['', '5', '3x', 'm', '1h 30m', '.s']) {
      assert.throws(() => parseDuration(bad), ValueError, bad);
    }
  });

  it('formatDuration round-trips through parseDuration', () => {
    assert.equal(formatDuration(180_000), '3m');
    assert.equal(formatDuration(5_400_500), '1h30m500ms');
    assert.equal(formatDuration(0), '0s');
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), (ms) => {
        assert.equal(parseDuration(formatDuration(ms)), ms);
      }),
      { numRuns: 200 },
    );
  });

  it('lists are comma-separated, trimmed, and empty means none', () => {
    assert.deepEqual(parseList('a, b ,c'), ['a', 'b', 'c']);
    assert.deepEqual(parseList(''), []);
    assert.deepEqual(parseList('  '), []);
    assert.throws(() => parseList('a,,b'), ValueError);
    assert.throws(() => parseList('a,'), ValueError);
  });

  it('amounts are DCR decimals in atoms', () => {
    assert.equal(parseAmountValue('1'), 100_000_000n);
    assert.equal(parseAmountValue('0.00000001'), 1n);
    for (const bad of ['-1', '1.123456789', 'x', '21000001']) {
      assert.throws(() => parseAmountValue(bad), ValueError, bad);
    }
  });

  it('host:port splitting matches net.SplitHostPort + normalizeAddress', () => {
    assert.deepEqual(splitHostPort('127.0.0.1'), { host: '127.0.0.1', port: undefined });
    assert.deepEqual(splitHostPort('node:9109'), { host: 'node', port: 9109 });
    assert.deepEqual(splitHostPort(':8800'), { host: '', port: 8800 });
    assert.deepEqual(splitHostPort('[::1]:19556'), { host: '::1', port: 19556 });
    assert.deepEqual(splitHostPort('[::1]'), { host: '::1', port: undefined });
    assert.deepEqual(splitHostPort('::1'), { host: '::1', port: undefined });
    for (const bad of ['', 'a:b', 'a:70000', '[::1', '[::1]x', 'http://x', 'a b']) {
      assert.throws(() => splitHostPort(bad), ValueError, bad);
    }
    assert.equal(normalizeDialAddress('10.0.0.1', 9110), '10.0.0.1:9110');
    assert.equal(normalizeDialAddress('10.0.0.1:1234', 9110), '10.0.0.1:1234');
    assert.equal(normalizeDialAddress('::1', 9110), '[::1]:9110');
    assert.equal(normalizeDialAddress(':9110', 1), '127.0.0.1:9110');
  });

  it('listen is host:port or a unix socket path', () => {
    assert.deepEqual(parseListen('127.0.0.1:8800'), { kind: 'tcp', host: '127.0.0.1', port: 8800 });
    assert.deepEqual(parseListen(':8000'), { kind: 'tcp', host: '0.0.0.0', port: 8000 });
    assert.deepEqual(parseListen('[::1]:80'), { kind: 'tcp', host: '::1', port: 80 });
    assert.deepEqual(parseListen('/run/stakepool.sock'), {
      kind: 'unix',
      path: '/run/stakepool.sock',
    });
    assert.deepEqual(parseListen('./sock'), { kind: 'unix', path: './sock' });
    assert.throws(() => parseListen('127.0.0.1'), ValueError);
  });

  it('paths expand ~ and $VAR and resolve against a base', () => {
    const env = { DATA: '/srv', EMPTY: undefined };
    assert.equal(expandPath('~/x', env, '/home/u'), '/home/u/x');
    assert.equal(expandPath('~', env, '/home/u'), '/home/u');
    assert.equal(expandPath('$DATA/a/${DATA}', env, '/h'), '/srv/a//srv');
    assert.equal(expandPath('$NOPE/a', env, '/h'), '/a');
    assert.equal(
      resolvePath('certs/rpc.cert', env, '/h', '/home/u/.stakepool'),
      '/home/u/.stakepool/certs/rpc.cert',
    );
    assert.equal(resolvePath('/a/../b', env, '/h', '/x'), '/b');
    assert.equal(resolvePath('', env, '/h', '/x'), '');
  });

  it('closest finds near misses only', () => {
    assert.equal(closest('vspfe', ['vspfee', 'listen']), 'vspfee');
    assert.equal(closest('dcrdpasword', ['dcrdpass', 'dcrdpassword']), 'dcrdpassword');
    assert.equal(closest('zzzzzz', ['vspfee', 'listen']), undefined);
  });
});
