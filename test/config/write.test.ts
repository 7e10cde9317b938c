import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  ConfigError,
  configDocsTables,
  configHelp,
  defaultConfigText,
  envName,
  loadConfig,
  OPTION_KEYS,
  optionDef,
  writeDefaultConfig,
} from '../../src/config/index.ts';
import { BASE_ENV, fakeFs, HOME } from './helpers.ts';

const CONF = `${HOME}/.stakepool/stakepool.conf`;
const admin = { role: 'admin' as const, cwd: '/' };

describe('writeDefaultConfig', () => {
  for (const network of [undefined, 'mainnet', 'testnet', 'simnet']) {
    it(`the written file parses back to the defaults (${network ?? 'no network set'})`, () => {
      const fs = fakeFs();
      writeDefaultConfig(CONF, { fs, ...(network === undefined ? {} : { set: { network } }) });
      const flags = network === undefined ? [] : [`--network=${network}`];
      const fromFile = loadConfig([], BASE_ENV, fs, admin);
      const fromFlags = loadConfig(flags, BASE_ENV, fakeFs(), admin);
      assert.equal(fromFile.configFile, CONF);
      assert.deepEqual(fromFile.warnings, []);
      assert.deepEqual(fromFile.config, fromFlags.config);
    });
  }

  it('uncommenting every default line still gives the defaults', () => {
    const text = defaultConfigText()
      .split('\n')
      .map((l) => (/^; [a-z]+=/.test(l) ? l.slice(2) : l))
      .join('\n');
    const fs = fakeFs({ [CONF]: text });
    const r = loadConfig([], BASE_ENV, fs, admin);
    assert.deepEqual(r.config, loadConfig([], BASE_ENV, fakeFs(), admin).config);
    // What is left are notes about options of the legacy face, which is off by default.
    for (const w of r.warnings)
      assert.match(w.text, /legacy pool face is off|database=sqlite/, w.text);
  });

  it('documents every option with its environment variable', () => {
    const text = defaultConfigText();
    for (const key of OPTION_KEYS) {
      const def = optionDef(key);
      assert.ok(text.includes(envName(key)), key);
      if (!def.cliOnly) assert.match(text, new RegExp(`^(; )?${def.name}=`, 'm'), key);
    }
    assert.match(text, /^\[Application Options\]$/m);
    // The options serve needs are left to fill in, uncommented.
    for (const name of [
      'adminpass',
      'supportemail',
      'dcrduser',
      'dcrdpass',
      'dcrdcert',
      'walletuser',
    ]) {
      assert.match(text, new RegExp(`^${name}=$`, 'm'), name);
    }
    assert.ok(
      text.split('\n').every((l) => l.length <= 100),
      'lines fit 100 columns',
    );
  });

  it('writes mode 0600 and refuses to overwrite', () => {
    const fs = fakeFs();
    const text = writeDefaultConfig(CONF, { fs, set: { network: 'mainnet', adminpass: 'pw' } });
    assert.equal(fs.files.get(CONF), text);
    assert.equal(fs.modes.get(CONF), 0o600);
    assert.match(text, /^network=mainnet$/m);
    assert.match(text, /^adminpass=pw$/m);
    assert.throws(
      () => writeDefaultConfig(CONF, { fs }),
      (e: ConfigError) =>
        e.problems[0]!.text === `configfile: ${CONF} already exists; not overwritten`,
    );
  });

  it('rejects unknown names, command-line-only options and multi-line values', () => {
    assert.throws(() => defaultConfigText({ set: { nope: '1' } }), ConfigError);
    assert.throws(() => defaultConfigText({ set: { homedir: '/x' } }), ConfigError);
    assert.throws(() => defaultConfigText({ set: { designation: 'a\nvspfee=1' } }), ConfigError);
  });
});

describe('generated help and docs', () => {
  it('--help lists every option', () => {
    const help = configHelp();
    for (const key of OPTION_KEYS) assert.ok(help.includes(`--${optionDef(key).name}`), key);
    assert.match(help, /-C, --configfile=<path>/);
  });

  it('docs/config.md holds the generated option tables', () => {
    const doc = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');
    const tables = configDocsTables();
    assert.ok(
      doc.includes(tables),
      'docs/config.md is out of date: regenerate the tables with configDocsTables()',
    );
    for (const key of OPTION_KEYS) assert.ok(doc.includes(`\`${optionDef(key).name}\``), key);
  });
});
