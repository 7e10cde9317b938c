import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readEnv, readFlags, readIni } from '../../src/config/index.ts';

describe('config file reader (go-flags INI)', () => {
  it('reads name=value lines, ignoring comments and sections', () => {
    const text = [
      '\uFEFF; a comment',
      '# another',
      '[Application Options]',
      '',
      '  vspfee = 2.5  ',
      'designation="Pool \\"A\\""',
      'vspclosedmsg=',
      '[Other Section]',
      'listen=:8800\r',
    ].join('\n');
    const r = readIni(text, '/x.conf');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(
      r.assignments.map((a) => [a.key, a.raw, a.source.kind === 'file' ? a.source.line : 0]),
      [
        ['vspFee', '2.5', 5],
        ['designation', 'Pool "A"', 6],
        ['vspClosedMsg', '', 7],
        ['listen', ':8800', 9],
      ],
    );
  });

  it('keeps repeated keys in order and matches names in any case', () => {
    const r = readIni('wallethost=a\nWalletHost=b\nwallethosts=c', 'f');
    assert.deepEqual(
      r.assignments.map((a) => [a.key, a.raw]),
      [
        ['walletHosts', 'a'],
        ['walletHosts', 'b'],
        ['walletHosts', 'c'],
      ],
    );
  });

  it('maps upstream aliases to the canonical option', () => {
    const r = readIni('dcrdpassword=x\npoolemail=a@b\ndebuglevel=debug\nwalletpassword=y', 'f');
    assert.deepEqual(
      r.assignments.map((a) => a.key),
      ['dcrdPass', 'supportEmail', 'logLevel', 'walletPasswords'],
    );
  });

  it('reports an unknown option with a hint, and a line without "=" without echoing it', () => {
    const r = readIni('vspfe=3\nhunter2\nfrobnicate=1', 'f');
    assert.deepEqual(
      r.problems.map((p) => p.text),
      [
        'vspfe: unknown option; did you mean vspfee? (config file line 1)',
        'config file line 2: expected name=value',
        'frobnicate: unknown option (config file line 3)',
      ],
    );
    assert.ok(!r.problems.some((p) => p.text.includes('hunter2')));
  });

  it('warns about obsolete stakepoold/dcrstakepool options and ignores them', () => {
    const r = readIni('rpclisten=127.0.0.1:9113\nstakepooldhosts=a,b\nfeexpub=tpub', 'f');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.assignments, []);
    assert.deepEqual(
      r.warnings.map((w) => w.option),
      ['rpclisten', 'stakepooldhosts', 'feexpub'],
    );
    assert.match(
      r.warnings[0]!.text,
      /^rpclisten: obsolete stakepoold\.conf option, ignored: .* \(config file line 1\)$/,
    );
  });

  it('warns that configfile and homedir are ignored inside a file', () => {
    const r = readIni('configfile=/x\nhomedir=/y\nappdata=/z', 'f');
    assert.deepEqual(r.assignments, []);
    assert.deepEqual(
      r.warnings.map((w) => w.text),
      [
        'configfile: ignored in a config file; give it as --configfile or STAKEPOOL_CONFIGFILE (config file line 1)',
        'homedir: ignored in a config file; give it as --homedir or STAKEPOOL_HOMEDIR (config file line 2)',
        'homedir: ignored in a config file; give it as --homedir or STAKEPOOL_HOMEDIR (config file line 3, as appdata)',
      ],
    );
  });

  it('reads testnet=1 / simnet=1 as the network and rejects both at once', () => {
    const ok = readIni('testnet=1\nsimnet=0', 'f');
    assert.deepEqual(
      ok.assignments.map((a) => [a.key, a.raw]),
      [['network', 'testnet3']],
    );
    const both = readIni('testnet=1\nsimnet=1', 'f');
    assert.deepEqual(
      both.problems.map((p) => p.text),
      ['network: testnet and simnet are both set (config file line 2, as simnet)'],
    );
    const bad = readIni('testnet=maybe', 'f');
    assert.equal(bad.problems[0]!.option, 'testnet');
  });

  it('reports an unterminated section header', () => {
    assert.equal(readIni('[Application Options', 'f').problems.length, 1);
  });
});

describe('environment reader', () => {
  it('reads STAKEPOOL_<NAME>; empty counts as unset', () => {
    const r = readEnv({ STAKEPOOL_VSPFEE: '2', STAKEPOOL_LISTEN: '', PATH: '/bin' });
    assert.deepEqual(r.assignments, [
      { key: 'vspFee', raw: '2', source: { kind: 'env', name: 'STAKEPOOL_VSPFEE' } },
    ]);
  });

  it('ignores other STAKEPOOL_ variables but warns about near misses', () => {
    const r = readEnv({
      STAKEPOOL_VECTORS: '/v',
      STAKEPOOL_TEST_ENGINES: 'sqlite',
      STAKEPOOL_DECRED_CACHE: '/c',
      STAKEPOOL_SIMNET_KEEP: '1',
      STAKEPOOL_VSPFE: '1',
    });
    assert.deepEqual(
      r.warnings.map((w) => w.text),
      ['env STAKEPOOL_VSPFE: unknown variable, ignored; did you mean STAKEPOOL_VSPFEE?'],
    );
  });

  it('does not read upstream aliases from the environment', () => {
    assert.deepEqual(readEnv({ STAKEPOOL_DCRDPASSWORD: 'x' }).assignments, []);
  });
});

describe('flag reader', () => {
  it('reads --name=value, --name value, --flag, short flags and operands', () => {
    const r = readFlags([
      'createdb',
      '--vspfee=2',
      '--listen',
      ':9000',
      '--vspclosed',
      '--webserverdebug=0',
      '-C',
      '/etc/sp.conf',
      '-A/srv/sp',
      '--dcrdpassword',
      'pw',
      'tpubXYZ',
    ]);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.args, ['createdb', 'tpubXYZ']);
    assert.deepEqual(
      r.assignments.map((a) => [a.key, a.raw, a.source.kind === 'flag' ? a.source.name : '']),
      [
        ['vspFee', '2', '--vspfee'],
        ['listen', ':9000', '--listen'],
        ['vspClosed', 'true', '--vspclosed'],
        ['webServerDebug', '0', '--webserverdebug'],
        ['configFile', '/etc/sp.conf', '-C'],
        ['homeDir', '/srv/sp', '-A'],
        ['dcrdPass', 'pw', '--dcrdpassword'],
      ],
    );
  });

  it('stops at -- and keeps what follows as operands', () => {
    const r = readFlags(['--vspfee=1', '--', '--listen=x', '-C']);
    assert.deepEqual(r.args, ['--listen=x', '-C']);
    assert.equal(r.assignments.length, 1);
  });

  it('repeats list flags', () => {
    const r = readFlags(['--wallethost', 'a', '--wallethost=b,c']);
    assert.deepEqual(
      r.assignments.map((a) => a.raw),
      ['a', 'b,c'],
    );
  });

  it('reports a missing value, unknown flags with hints, and warns on obsolete flags', () => {
    const r = readFlags(['--vspfe=1', '-Z', '--rpclisten', '1.2.3.4', '--norpclisten', '--listen']);
    assert.deepEqual(
      r.problems.map((p) => p.text),
      [
        'vspfe: unknown option; did you mean --vspfee? (flag --vspfe)',
        'flag -Z: unknown flag -Z',
        'listen: expects a value (flag --listen)',
      ],
    );
    assert.deepEqual(
      r.warnings.map((w) => w.option),
      ['rpclisten', 'norpclisten'],
    );
    assert.deepEqual(r.args, []);
  });

  it('does not take the next flag as a value', () => {
    const r = readFlags(['--listen', '--vspclosed']);
    assert.deepEqual(
      r.problems.map((p) => p.option),
      ['listen'],
    );
    assert.deepEqual(
      r.assignments.map((a) => a.key),
      ['vspClosed'],
    );
  });

  it('reads --testnet and --simnet as the network', () => {
    assert.deepEqual(
      readFlags(['--simnet']).assignments.map((a) => a.raw),
      ['simnet'],
    );
    assert.equal(readFlags(['--testnet', '--simnet']).problems.length, 1);
  });
});
