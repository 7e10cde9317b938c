// A map-backed filesystem and a minimal valid `serve` setup for the config tests.
import assert from 'node:assert/strict';
import { ExtendedKey } from '../../src/dcr/hdkey.ts';
import { ConfigError, loadConfig } from '../../src/config/index.ts';
import type {
  ConfigProblem,
  Env,
  LoadOptions,
  LoadResult,
  WritableConfigFs,
} from '../../src/config/index.ts';

export interface FakeFs extends WritableConfigFs {
  files: Map<string, string>;
  modes: Map<string, number>;
}

export function fakeFs(files: Record<string, string> = {}): FakeFs {
  const map = new Map(Object.entries(files));
  const modes = new Map<string, number>();
  return {
    files: map,
    modes,
    existsSync: (p) => map.has(p),
    readFileSync: (p) => {
      const text = map.get(p);
      if (text === undefined) throw new Error(`ENOENT: ${p}`);
      return text;
    },
    writeFileSync: (p, data, options) => {
      if (options.flag === 'wx' && map.has(p)) throw new Error(`EEXIST: ${p}`);
      map.set(p, data);
      modes.set(p, options.mode);
    },
    mkdirSync: () => undefined,
  };
}

export const HOME = '/home/op';
export const BASE_ENV: Env = { HOME };
export const CERTS = {
  '/certs/dcrd.cert': 'dcrd',
  '/certs/w1.cert': 'w1',
  '/certs/w2.cert': 'w2',
  '/certs/w3.cert': 'w3',
};

/** Flags that make `serve` valid on testnet with the default faces. */
export const SERVE_FLAGS = [
  '--adminpass=admin-secret',
  '--supportemail=help@example.org',
  '--dcrduser=rpcuser',
  '--dcrdpass=rpc-secret',
  '--dcrdcert=/certs/dcrd.cert',
  '--walletuser=wuser',
  '--walletpass=wallet-secret',
  '--walletcert=/certs/w1.cert',
];

export function xpub(net: 'mainnet' | 'testnet3' | 'simnet', seedByte = 7): string {
  return ExtendedKey.fromSeed(new Uint8Array(32).fill(seedByte), net).neuter().toString();
}
export function xprv(net: 'mainnet' | 'testnet3' | 'simnet', seedByte = 7): string {
  return ExtendedKey.fromSeed(new Uint8Array(32).fill(seedByte), net).toString();
}

export function load(
  argv: readonly string[],
  env: Env = BASE_ENV,
  files: Record<string, string> = {},
  options: LoadOptions = {},
): LoadResult {
  return loadConfig(argv, env, fakeFs({ ...CERTS, ...files }), { cwd: '/work', ...options });
}

/** The problems of a load that must fail. */
export function problems(
  argv: readonly string[],
  env: Env = BASE_ENV,
  files: Record<string, string> = {},
  options: LoadOptions = {},
): readonly ConfigProblem[] {
  try {
    load(argv, env, files, options);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e.problems;
  }
  assert.fail('expected the config to be rejected');
}

/** The one problem about `option`, failing when there is none or several. */
export function problemFor(list: readonly ConfigProblem[], option: string): ConfigProblem {
  const found = list.filter((p) => p.option === option);
  assert.equal(found.length, 1, `problems for ${option}: ${list.map((p) => p.text).join(' | ')}`);
  return found[0]!;
}
