import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { base58CheckEncode, base58Encode } from '../../src/dcr/base58.ts';
import { concatBytes, toHex } from '../../src/dcr/bytes.ts';
import { NETWORK_NAMES, NETWORKS, netParams } from '../../src/dcr/params.ts';
import type { NetParams, NetworkName } from '../../src/dcr/params.ts';
import { encodeWif } from '../../src/dcr/wif.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';

interface NetVector {
  name: string;
  wire_magic_u32: string;
  default_port: number;
  address_ids_hex: Record<string, string>;
  hd_ids_hex: Record<string, string>;
  address_prefix_comments: Record<string, string>;
  coin_types: Record<string, number>;
  params: Record<string, number | string>;
}

interface NetParamsFile {
  networks: Record<NetworkName, NetVector>;
  mainnet_genesis_hash: string;
}

const v = loadVectors<NetParamsFile>('netparams.json');

type Key = keyof NetParams;

/** Vector ID names → params fields (hex byte strings). */
const ID_FIELDS: Record<string, Key> = {
  PubKeyAddrID: 'pubKeyAddrId',
  PubKeyHashAddrID: 'pubKeyHashAddrId',
  PKHEdwardsAddrID: 'pkhEdwardsAddrId',
  PKHSchnorrAddrID: 'pkhSchnorrAddrId',
  ScriptHashAddrID: 'scriptHashAddrId',
  PrivateKeyID: 'privateKeyId',
  HDPrivateKeyID: 'hdPrivateKeyId',
  HDPublicKeyID: 'hdPublicKeyId',
};

const COIN_FIELDS: Record<string, Key> = {
  SLIP0044CoinType: 'slip44CoinType',
  LegacyCoinType: 'legacyCoinType',
};

/**
 * Vector chaincfg params → params fields. null marks the ones checked another way or not
 * modelled: NetworkAddressPrefix is checked through encoded addresses below.
 */
const PARAM_FIELDS: Record<string, Key | null> = {
  TicketPoolSize: 'ticketPoolSize',
  TicketsPerBlock: 'ticketsPerBlock',
  TicketMaturity: 'ticketMaturity',
  TicketExpiry: 'ticketExpiry',
  CoinbaseMaturity: 'coinbaseMaturity',
  SStxChangeMaturity: 'sstxChangeMaturity',
  TicketPoolSizeWeight: 'ticketPoolSizeWeight',
  StakeDiffWindowSize: 'stakeDiffWindowSize',
  MaxFreshStakePerBlock: 'maxFreshStakePerBlock',
  StakeEnabledHeight: 'stakeEnabledHeight',
  StakeValidationHeight: 'stakeValidationHeight',
  BaseSubsidy: 'baseSubsidy',
  MulSubsidy: 'mulSubsidy',
  DivSubsidy: 'divSubsidy',
  SubsidyReductionInterval: 'subsidyReductionInterval',
  WorkRewardProportion: 'workRewardProportion',
  StakeRewardProportion: 'stakeRewardProportion',
  BlockTaxProportion: 'blockTaxProportion',
  MinimumStakeDiff: 'minimumStakeDiff',
  NetworkAddressPrefix: null,
  TargetTimePerBlock_seconds: 'targetTimePerBlockSeconds',
};

/** params.ts fields that netparams.json does not carry (from dcrd/dcrwallet/vspd sources). */
const NOT_IN_VECTOR = new Set<Key>([
  'dcrdRpcPort',
  'walletRpcPort',
  'walletGrpcPort',
  'ruleChangeActivationInterval',
  'stakeBaseSigScript',
  'voteVersion',
  'maxVoteAge',
  'acceptNonStdTxs',
  'blockOneSubsidy',
  'dcp0005Height',
  'dcp0010Height',
  'dcp0012Height',
  'genesisHash', // mainnet only, via mainnet_genesis_hash
]);

function same(actual: unknown, expected: number | string, what: string): void {
  if (typeof actual === 'bigint') assert.equal(actual, BigInt(expected), what);
  else assert.equal(actual, expected, what);
}

/** The first characters of an encoding, checked at both ends of the payload range. */
function prefixes(encode: (fill: number) => string, n: number): string[] {
  return [0x00, 0xff].map((fill) => encode(fill).slice(0, n));
}

vectorSuite('netparams.json', (add) => {
  for (const name of NETWORK_NAMES) {
    const nv = v.networks[name];
    const p = NETWORKS[name];

    add(`${name}: name, wire magic, port`, () => {
      assert.equal(nv.name, name);
      assert.equal(p.name, name);
      assert.equal(netParams(name), p);
      assert.equal(p.wireMagic, Number(nv.wire_magic_u32));
      assert.equal(p.defaultPort, nv.default_port);
    });

    add(`${name}: address, WIF and HD IDs`, () => {
      const ids = { ...nv.address_ids_hex, ...nv.hd_ids_hex };
      assert.deepEqual(Object.keys(ids).sort(), Object.keys(ID_FIELDS).sort());
      for (const [k, hex] of Object.entries(ids)) {
        assert.equal(toHex(p[ID_FIELDS[k]!] as Uint8Array), hex, k);
      }
    });

    add(`${name}: encodings start with the documented prefixes`, () => {
      const c = nv.address_prefix_comments;
      const addr = (id: Uint8Array, len: number) => (fill: number) =>
        base58CheckEncode(id, new Uint8Array(len).fill(fill));
      const want = (k: string) => [c[k]!, c[k]!];
      assert.deepEqual(prefixes(addr(p.pubKeyHashAddrId, 20), 2), want('PubKeyHashAddrID'));
      assert.deepEqual(prefixes(addr(p.scriptHashAddrId, 20), 2), want('ScriptHashAddrID'));
      assert.deepEqual(prefixes(addr(p.pkhEdwardsAddrId, 20), 2), want('PKHEdwardsAddrID'));
      assert.deepEqual(prefixes(addr(p.pkhSchnorrAddrId, 20), 2), want('PKHSchnorrAddrID'));
      assert.deepEqual(prefixes(addr(p.pubKeyAddrId, 33), 2), want('PubKeyAddrID'));
      const wif = (fill: number) => encodeWif(new Uint8Array(32).fill(fill === 0 ? 1 : 0x7f), p);
      assert.deepEqual(prefixes(wif, 2), want('PrivateKeyID'));
      // Extended keys: 4-byte version || 74 bytes || 4-byte checksum, 82 bytes in all.
      const hd = (id: Uint8Array) => (fill: number) =>
        base58Encode(concatBytes(id, new Uint8Array(78).fill(fill)));
      assert.deepEqual(prefixes(hd(p.hdPrivateKeyId), 4), want('HDPrivateKeyID'));
      assert.deepEqual(prefixes(hd(p.hdPublicKeyId), 4), want('HDPublicKeyID'));
      // NetworkAddressPrefix is the first character of every address.
      const prefix = String(nv.params['NetworkAddressPrefix']);
      for (const k of Object.keys(nv.address_ids_hex)) {
        if (k !== 'PrivateKeyID') assert.equal(c[k]![0], prefix, k);
      }
    });

    add(`${name}: coin types`, () => {
      assert.deepEqual(Object.keys(nv.coin_types).sort(), Object.keys(COIN_FIELDS).sort());
      for (const [k, val] of Object.entries(nv.coin_types)) same(p[COIN_FIELDS[k]!], val, k);
    });

    add(`${name}: stake and subsidy params`, () => {
      assert.deepEqual(Object.keys(nv.params).sort(), Object.keys(PARAM_FIELDS).sort());
      for (const [k, val] of Object.entries(nv.params)) {
        const field = PARAM_FIELDS[k];
        if (field) same(p[field], val, k);
      }
    });

    add(`${name}: every params.ts field is accounted for`, () => {
      const covered = new Set<Key>([
        'name',
        'wireMagic',
        'defaultPort',
        ...Object.values(ID_FIELDS),
        ...Object.values(COIN_FIELDS),
        ...Object.values(PARAM_FIELDS).filter((f): f is Key => f !== null),
      ]);
      for (const key of Object.keys(p) as Key[]) {
        assert.ok(covered.has(key) || NOT_IN_VECTOR.has(key), `params field ${key} unchecked`);
        assert.ok(!(covered.has(key) && NOT_IN_VECTOR.has(key)), key);
      }
    });
  }

  add('mainnet genesis hash', () => {
    assert.equal(NETWORKS.mainnet.genesisHash, v.mainnet_genesis_hash);
  });
});

describe('netParams', () => {
  it('rejects unknown names, naming the field', () => {
    assert.throws(() => netParams('testnet', 'net'), { name: 'RangeError', message: /^net: / });
    assert.throws(() => netParams('__proto__'), RangeError);
  });
});
