import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addressToPubKeyHashAddress,
  decodeAddress,
  encodeAddress,
  p2pkAddressCompressed,
} from '../../src/dcr/address.ts';
import { fromHex, toHex } from '../../src/dcr/bytes.ts';
import { ExtendedKey } from '../../src/dcr/hdkey.ts';
import { NETWORKS } from '../../src/dcr/params.ts';
import type { NetworkName } from '../../src/dcr/params.ts';
import { parseMultiSigScript } from '../../src/dcr/script.ts';
import { isValidPublicKey } from '../../src/dcr/secp.ts';
import { MAX_POOL_USERS, PoolKeys, multisigForKeys } from '../../src/pool/keys.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';

// dcrstakepool helpers/address_test.go (TestDCRUtilAddressFromExtendedKey): one xpub per network
// and the P2PKH addresses of its children 0–9 on branch 0.
const UPSTREAM: { net: NetworkName; xpub: string; children: string[] }[] = [
  {
    net: 'testnet3',
    xpub: 'tpubVpQL1h9UcY9c1BPZYfjYEtw5froRAvqZEo6sn5Tji6VkhcpfMaQ6id9Spf5iNvprRTcpdF5pj7m5Suyu1E8iC4xnb6MkjUnCJureTsmdXfG',
    children: [
      'TskTcbmvjYxduojxjAnTGxLArnGo4EFnoi3',
      'Tsg1JdVFUw9GVmW9dGo4ZCf3FGWw1FUaqvk',
      'TsbVWuTSuERse1yFeZHznF8xAHyyuSS8HkY',
      'Tso91gcUQdWZKkgLAeC8yWJ7D4AUE2vNiAC',
      'TsbZoFnCsHnsKV5xDSBtde8evQgfzrgrg1P',
      'Tsbxtn8e3T2yr42oV8psnigAJR7M58oKeZ2',
      'Tsf7dkLnsKHKzQEvenYGCgNozyDvnhQFtUu',
      'TsfDVfxHXPFBtNnwjywaa2gB1vwcnZmwHhR',
      'Tsft7d5AYU5mUwxDi6cJwr3SR8L2vExYcqe',
      'TsRhmeoBjYVfHqVjysChmXYcmo1VvX431qP',
    ],
  },
  {
    net: 'mainnet',
    xpub: 'dpubZGWjhGoJRkwao4W8Jsk56RPJNSAHmEtuERoeuugKmGxFhU1zhZJ2MfScJjzccGcs3xLHYZN2V7FjAHfBoiHdcpXtVyUnJQMxZxRENNgTEsM',
    children: [
      'Dshz7KtcGoPYbx3sW1Jh93TVi78VDGPb5te',
      'DsciYUd8QSunzAoqi5YJz7hmbZ7Gg7Y6Dhc',
      'DscxtcYoEDwiFmgV3ApdzG1Q7CZZcAhp4e8',
      'Dsg5sYFGyWj6w23rtSFCTnj1vCXZWh1vJTX',
      'DsnQ43inx8EmY8DxafFbNc8JP8vwKS1WfaV',
      'DsetJeaZRurv52TJkGQi2drYDCtyNS4Q9KR',
      'DsmyehuYCaHxUEJ44bLKF8r8AHU7c2Wv27A',
      'DsoKUmjgC61ZARQ3GVXREemAFVR1scnqnUL',
      'DsU31RL79PYHis8pxRLMj83AQaJzDtHE3TK',
      'DsS14B29Maf6Gq6hitLqLZyEcTZ5mUc5ne5',
    ],
  },
  {
    net: 'simnet',
    xpub: 'spubVVBn1KgTWoDRajAZrymsoTRjP1qQdKTbuUMBBKw2q6vNVrbHXYGPTxDFgcaYYzrTRQ38mvkKt8dbk9pUHppT6WLZ23DroW8V3i3kptjfndx',
    children: [
      'SscWmiP9TMGZimomJiqQvnrkGe23h3C3sJb',
      'SsYn4toZtiSTbngZLxwvSFfUAh6RBpDVHJf',
      'SsaQHmC3GTbGJa4Djijh2mxPuAqp94RDTZX',
      'Ssi4NUey2gLWyfc78wikFbqu8sTXcdAs32A',
      'Ssf9mYdScWXpxrYBrttwKBhBpHaZ3iq5c9X',
      'Sso2bUfGA4sEFto1Ej7ka84jDZFjg7hNc64',
      'SsjyuWdpnaMWwzqYymLvEbEVgdpvZKyN9pg',
      'Ssi3nP3oZ8jD4G1WEgZuFtLmDo52kpGzuz6',
      'SsVwq3tCmRBHkDXy5mo2S2FB48wVbqguGx8',
      'SsqKRGQKCi6mm3YZkTyxSXXJWtCSSyXfPBG',
    ],
  },
];

const [TESTNET, MAINNET] = UPSTREAM as [(typeof UPSTREAM)[0], (typeof UPSTREAM)[0]];
const USER_KEY = fromHex('03fff97bd5755eeea420453a14355235d382f6472f8568a18b2f057a1460297556');

function keysFor(u: (typeof UPSTREAM)[0]): PoolKeys {
  return new PoolKeys(u.xpub, u.xpub, NETWORKS[u.net]);
}

describe('PoolKeys: dcrstakepool helpers/address_test.go', () => {
  for (const u of UPSTREAM) {
    it(`${u.net}: fee addresses of users 0–9 are the upstream children`, () => {
      const keys = keysFor(u);
      u.children.forEach((want, id) => assert.equal(keys.feeAddress(id), want, `id ${id}`));
    });

    it(`${u.net}: pool keys of users 0–9 hash to the same children`, () => {
      const keys = keysFor(u);
      u.children.forEach((want, id) => {
        const pk = p2pkAddressCompressed(keys.poolPubKey(id), NETWORKS[u.net]);
        assert.equal(encodeAddress(addressToPubKeyHashAddress(pk)), want, `id ${id}`);
      });
    });
  }

  it('takes pool keys from the voting xpub and fee addresses from the cold xpub', () => {
    const cold = ExtendedKey.fromSeed(new Uint8Array(32).fill(9), NETWORKS.mainnet).neuter();
    const keys = new PoolKeys(MAINNET.xpub, cold.toString(), NETWORKS.mainnet);
    const pk = p2pkAddressCompressed(keys.poolPubKey(3), NETWORKS.mainnet);
    assert.equal(encodeAddress(addressToPubKeyHashAddress(pk)), MAINNET.children[3]);
    const coldChild = cold.child(0).child(3).publicKey;
    const want = addressToPubKeyHashAddress(p2pkAddressCompressed(coldChild, NETWORKS.mainnet));
    assert.equal(keys.feeAddress(3), encodeAddress(want));
    assert.notEqual(keys.feeAddress(3), MAINNET.children[3]);
  });
});

describe('PoolKeys.multisig', () => {
  const net = NETWORKS.testnet3;
  const keys = keysFor(TESTNET);

  it('is the 1-of-2 [pool key, user key] with its P2SH, pubkey addresses and fee address', () => {
    const m = keys.multisig(7, USER_KEY);
    const pool = keys.poolPubKey(7);
    assert.equal(m.script, `5121${toHex(pool)}21${toHex(USER_KEY)}52ae`);
    const parsed = parseMultiSigScript(fromHex(m.script));
    assert.ok(parsed);
    assert.equal(parsed.m, 1);
    assert.deepEqual(parsed.pubKeys.map(toHex), [toHex(pool), toHex(USER_KEY)]);
    const p2sh = decodeAddress(m.address, net);
    assert.equal(p2sh.kind, 'p2sh');
    assert.equal(m.address[0], 'T');
    assert.equal(m.address[1], 'c');
    assert.equal(m.feeAddress, TESTNET.children[7]);
    assert.equal(m.poolPubKeyAddr, encodeAddress(p2pkAddressCompressed(pool, net)));
    assert.equal(m.userPubKeyAddr, encodeAddress(p2pkAddressCompressed(USER_KEY, net)));
    assert.deepEqual(
      { ...m, feeAddress: undefined },
      {
        ...multisigForKeys(pool, USER_KEY, net),
        feeAddress: undefined,
      },
    );
  });

  it('gives each user a different address', () => {
    assert.notEqual(keys.multisig(1, USER_KEY).address, keys.multisig(2, USER_KEY).address);
  });

  it('refuses a user key that is not a compressed point', () => {
    const uncompressed = new Uint8Array(65).fill(4);
    const offCurve = Uint8Array.from(USER_KEY);
    while (isValidPublicKey(offCurve)) offCurve[32] = (offCurve[32]! + 1) & 0xff;
    assert.throws(() => keys.multisig(1, uncompressed), /userPubKey/);
    assert.throws(() => keys.multisig(1, USER_KEY.subarray(1)), TypeError);
    assert.throws(() => keys.multisig(1, offCurve), /userPubKey/);
  });

  it('refuses user ids outside 0..9999', () => {
    for (const id of [-1, MAX_POOL_USERS, 1.5, Number.NaN]) {
      assert.throws(() => keys.multisig(id, USER_KEY), RangeError);
      assert.throws(() => keys.poolPubKey(id), /userId/);
      assert.throws(() => keys.feeAddress(id), /userId/);
    }
    assert.equal(keys.poolPubKey(MAX_POOL_USERS - 1).length, 33);
  });
});

describe('PoolKeys constructor', () => {
  it('names the option of a key for the wrong network', () => {
    assert.throws(
      () => new PoolKeys(TESTNET.xpub, MAINNET.xpub, NETWORKS.testnet3),
      /coldwalletextpub: wrong network/,
    );
    assert.throws(
      () => new PoolKeys(MAINNET.xpub, TESTNET.xpub, NETWORKS.testnet3),
      /votingwalletextpub: wrong network/,
    );
  });

  it('refuses a private extended key', () => {
    const xprv = ExtendedKey.fromSeed(new Uint8Array(32).fill(7), NETWORKS.simnet).toString();
    assert.throws(() => new PoolKeys(xprv, UPSTREAM[2]!.xpub, NETWORKS.simnet), /private key/);
  });
});

interface HD {
  public_derivation: {
    name: string;
    parent: string;
    path: number[];
    net: NetworkName;
    want_pub: string;
  }[];
  xpub_to_p2pkh_addresses: {
    net: NetworkName;
    xpub: string;
    branch: number;
    addresses_index_0_to_9: string[];
  }[];
  xpub_address_set_membership: {
    net: NetworkName;
    xpub: string;
    must_contain: string[];
    derived_indexes: Record<string, number>;
  };
}

vectorSuite('hdkeychain.json', (add) => {
  const hd = loadVectors<HD>('hdkeychain.json');
  // Pool keys are xpub/0/userId: the public derivation cases of exactly that shape.
  for (const c of hd.public_derivation) {
    const [branch, id] = c.path;
    if (c.path.length !== 2 || branch !== 0 || id === undefined || id >= MAX_POOL_USERS) continue;
    add(`poolPubKey: ${c.name}`, () => {
      const keys = new PoolKeys(c.parent, c.parent, NETWORKS[c.net]);
      const want = ExtendedKey.fromString(c.want_pub, c.net).publicKey;
      assert.equal(toHex(keys.poolPubKey(id)), toHex(want));
    });
  }
  for (const c of hd.xpub_to_p2pkh_addresses) {
    add(`feeAddress 0–9: ${c.net}`, () => {
      const keys = new PoolKeys(c.xpub, c.xpub, NETWORKS[c.net]);
      c.addresses_index_0_to_9.forEach((a, i) => assert.equal(keys.feeAddress(i), a));
    });
  }
  const m = hd.xpub_address_set_membership;
  add('feeAddresses(): all 10000, containing the stakepoold test addresses', () => {
    const keys = new PoolKeys(m.xpub, m.xpub, NETWORKS[m.net]);
    const set = keys.feeAddresses();
    assert.equal(set.size, MAX_POOL_USERS);
    assert.equal(keys.feeAddresses(), set, 'cached');
    for (const a of m.must_contain) assert.ok(set.has(a), a);
    for (const [a, i] of Object.entries(m.derived_indexes)) assert.equal(keys.feeAddress(i), a);
    for (let i = 0; i < 10; i++) assert.ok(set.has(TESTNET.children[i]!));
  });
});

interface MS {
  multisig_script_cases: {
    name: string;
    threshold: number;
    pubkeys_hex: string[];
    expected_script_hex?: string;
  }[];
  derived_cases: {
    name: string;
    threshold: number;
    pubkeys_hex: string[];
    pubkey_addresses_mainnet: string[];
    redeem_script_hex: string;
    p2sh: Record<NetworkName, string>;
  }[];
}

vectorSuite('multisig.json', (add) => {
  const ms = loadVectors<MS>('multisig.json');
  const oneOfTwo = (c: { threshold: number; pubkeys_hex: string[] }): boolean =>
    c.threshold === 1 && c.pubkeys_hex.length === 2;
  for (const c of ms.multisig_script_cases.filter(oneOfTwo)) {
    if (c.expected_script_hex === undefined) continue;
    add(`script: ${c.name}`, () => {
      const [pool, user] = c.pubkeys_hex.map((h) => fromHex(h)) as [Uint8Array, Uint8Array];
      assert.equal(multisigForKeys(pool, user, NETWORKS.mainnet).script, c.expected_script_hex);
    });
  }
  for (const c of ms.derived_cases.filter(oneOfTwo)) {
    add(`script, P2SH and pubkey addresses: ${c.name}`, () => {
      const [pool, user] = c.pubkeys_hex.map((h) => fromHex(h)) as [Uint8Array, Uint8Array];
      for (const [name, want] of Object.entries(c.p2sh) as [NetworkName, string][]) {
        const m = multisigForKeys(pool, user, NETWORKS[name]);
        assert.equal(m.script, c.redeem_script_hex);
        assert.equal(m.address, want, name);
      }
      const main = multisigForKeys(pool, user, NETWORKS.mainnet);
      assert.deepEqual([main.poolPubKeyAddr, main.userPubKeyAddr], c.pubkey_addresses_mainnet);
    });
  }
});
