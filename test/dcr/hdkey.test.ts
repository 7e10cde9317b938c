import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import fc from 'fast-check';
import {
  AddressDeriver,
  ExtendedKey,
  HARDENED,
  HDKeyRangeError,
  HDKeyTypeError,
  InvalidChildError,
  deriveAddress,
} from '../../src/dcr/hdkey.ts';
import type { HDKeyErrorCode } from '../../src/dcr/hdkey.ts';
import { base58Encode } from '../../src/dcr/base58.ts';
import { concatBytes, fromHex, toHex } from '../../src/dcr/bytes.ts';
import { blake256 } from '../../src/dcr/hash.ts';
import { NETWORKS, NETWORK_NAMES } from '../../src/dcr/params.ts';
import type { NetworkName } from '../../src/dcr/params.ts';
import { CURVE_ORDER } from '../../src/dcr/secp.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';

interface PathCase {
  name: string;
  path: number[];
  path_str: string;
  net: NetworkName;
}

interface HDFile {
  from_seed: (PathCase & { seed_hex: string; want_priv: string; want_pub: string })[];
  private_derivation: (PathCase & { parent: string; want_priv: string })[];
  public_derivation: (PathCase & { parent: string; want_pub: string })[];
  key_api: {
    name: string;
    ext_key: string;
    is_private: boolean;
    parent_fingerprint_uint32_be: number;
    pubkey_hex: string;
    privkey_hex?: string;
  }[];
  parse_errors: { name: string; key: string; error: string }[];
  bip32_vector4: (PathCase & {
    seed_hex: string;
    want_pub: string;
    want_priv: string;
    want_priv_key_hex: string;
    legacy_child_priv_key_len: number | null;
  })[];
  xpub_to_p2pkh_addresses: {
    net: NetworkName;
    xpub: string;
    branch: number;
    addresses_index_0_to_9: string[];
  }[];
  xpub_address_set_membership: {
    net: NetworkName;
    xpub: string;
    branch: number;
    index_range: [number, number];
    must_contain: string[];
    wrong_network_error: string;
    derived_indexes: Record<string, number>;
  };
}

const v = loadVectors<HDFile>('hdkeychain.json');

/** Asserts `fn` throws an HD key error of class `type` with `code`, its message naming `field`. */
function assertHDError(
  fn: () => unknown,
  type: typeof HDKeyRangeError | typeof HDKeyTypeError,
  code: HDKeyErrorCode,
  message: RegExp,
): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

// The dcrd error each parse_errors case names → our error class, code and message.
const PARSE_ERRORS: Record<
  string,
  { type: typeof HDKeyRangeError | typeof HDKeyTypeError; code: HDKeyErrorCode; message: RegExp }
> = {
  ErrInvalidKeyLen: {
    type: HDKeyRangeError,
    code: 'ErrInvalidKeyLen',
    message: /^extendedKey: invalid length/,
  },
  ErrBadChecksum: {
    type: HDKeyTypeError,
    code: 'ErrBadChecksum',
    message: /^extendedKey: checksum mismatch$/,
  },
  'secp256k1.ErrPubKeyNotOnCurve': {
    type: HDKeyRangeError,
    code: 'ErrPubKeyNotOnCurve',
    message: /^extendedKey: public key is not on the secp256k1 curve$/,
  },
  ErrWrongNetwork: {
    type: HDKeyRangeError,
    code: 'ErrWrongNetwork',
    message: /^extendedKey: wrong network: expected a mainnet extended key/,
  },
};

vectorSuite('hdkeychain.json', (add) => {
  for (const c of v.from_seed) {
    add(`from_seed ${c.net} ${c.name} (${c.path_str})`, () => {
      const k = ExtendedKey.fromSeed(fromHex(c.seed_hex), c.net).derivePath(c.path);
      assert.equal(k.toString(), c.want_priv);
      assert.equal(k.neuter().toString(), c.want_pub);
      assert.equal(k.toString().length, 111);
      assert.equal(k.depth, c.path.length);
      assert.equal(k.childNumber, c.path.at(-1) ?? 0);
      assert.equal(ExtendedKey.fromString(c.want_priv, c.net).toString(), c.want_priv);
      assert.equal(ExtendedKey.fromString(c.want_pub, c.net).toString(), c.want_pub);
    });
  }

  for (const c of v.private_derivation) {
    add(`private_derivation ${c.net} ${c.name} (${c.path_str})`, () => {
      const parent = ExtendedKey.fromString(c.parent, c.net);
      assert.equal(parent.derivePath(c.path).toString(), c.want_priv);
    });
  }

  for (const c of v.public_derivation) {
    add(`public_derivation ${c.net} ${c.name} (${c.path_str})`, () => {
      const parent = ExtendedKey.fromString(c.parent, c.net);
      assert.equal(parent.isPrivate, false);
      const k = parent.derivePath(c.path);
      assert.equal(k.isPrivate, false);
      assert.equal(k.toString(), c.want_pub);
    });
  }

  for (const c of v.key_api) {
    add(`key_api ${c.name}`, () => {
      const k = ExtendedKey.fromString(c.ext_key, 'mainnet');
      assert.equal(k.isPrivate, c.is_private);
      assert.equal(k.parentFingerprint, c.parent_fingerprint_uint32_be);
      assert.equal(toHex(k.publicKey), c.pubkey_hex);
      if (c.privkey_hex !== undefined) {
        assert.equal(toHex(k.privateKey), c.privkey_hex);
      } else {
        assertHDError(
          () => k.privateKey,
          HDKeyTypeError,
          'ErrNotPrivExtKey',
          /^extendedKey: not a private key$/,
        );
      }
    });
  }

  for (const c of v.parse_errors) {
    add(`parse_errors ${c.name} (${c.error})`, () => {
      const want = PARSE_ERRORS[c.error];
      assert.ok(want, `no mapping for ${c.error}`);
      assertHDError(
        () => ExtendedKey.fromString(c.key, 'mainnet'),
        want.type,
        want.code,
        want.message,
      );
    });
  }

  for (const c of v.bip32_vector4) {
    add(`bip32_vector4 ${c.name} (${c.path_str})`, () => {
      const master = ExtendedKey.fromSeed(fromHex(c.seed_hex), c.net);
      const strict = master.derivePath(c.path, true);
      assert.equal(toHex(strict.privateKey), c.want_priv_key_hex);
      assert.equal(toHex(strict.legacyPrivateKey), c.want_priv_key_hex);
      assert.equal(strict.toString(), c.want_priv);
      assert.equal(strict.neuter().toString(), c.want_pub);

      // The legacy chain strips leading zeros from each derived private key ...
      const legacy: ExtendedKey[] = [];
      c.path.reduce((k, i) => {
        const child = k.child(i);
        legacy.push(child);
        return child;
      }, master);
      const last = legacy.at(-1) ?? master;
      if (c.legacy_child_priv_key_len !== null) {
        assert.equal(last.legacyPrivateKey.length, c.legacy_child_priv_key_len);
        assert.equal(toHex(last.privateKey), c.want_priv_key_hex);
      }
      // ... which only changes the result once a stripped key feeds a hardened derivation.
      const diverges = c.path.some(
        (i, j) => j > 0 && i >= HARDENED && legacy[j - 1]!.legacyPrivateKey.length < 32,
      );
      assert.equal(last.toString() === c.want_priv, !diverges);
    });
  }

  for (const c of v.xpub_to_p2pkh_addresses) {
    c.addresses_index_0_to_9.forEach((want, i) => {
      add(`xpub_to_p2pkh ${c.net} ${c.branch}/${i}`, () => {
        const xpub = ExtendedKey.fromString(c.xpub, c.net);
        assert.equal(deriveAddress(xpub, c.branch, i), want);
        const a = new AddressDeriver(xpub, c.branch).address(i);
        assert.ok(a);
        assert.equal(a.address, want);
        assert.equal(a.index, i);
        assert.deepEqual(a.publicKey, xpub.child(c.branch).child(i).publicKey);
      });
    });
  }

  const m = v.xpub_address_set_membership;
  for (const addr of m.must_contain) {
    const index = m.derived_indexes[addr];
    add(`xpub_address_set_membership ${addr} at ${m.branch}/${String(index)}`, () => {
      assert.ok(index !== undefined && index >= m.index_range[0] && index < m.index_range[1]);
      const xpub = ExtendedKey.fromString(m.xpub, m.net);
      assert.equal(deriveAddress(xpub, m.branch, index), addr);
    });
  }
  add(
    `xpub_address_set_membership all of [${m.index_range.join(', ')}) contain must_contain`,
    () => {
      const deriver = AddressDeriver.fromString(m.xpub, m.net, m.branch);
      const found = new Map<string, number>();
      for (let i = m.index_range[0]; i < m.index_range[1]; i++) {
        const a = deriver.address(i);
        assert.ok(a, `index ${i} is invalid`);
        found.set(a.address, i);
      }
      for (const addr of m.must_contain) assert.equal(found.get(addr), m.derived_indexes[addr]);
    },
  );
  add(`xpub_address_set_membership wrong network: ${m.wrong_network_error}`, () => {
    assertHDError(
      () => ExtendedKey.fromString(m.xpub, 'mainnet'),
      HDKeyRangeError,
      'ErrWrongNetwork',
      /^extendedKey: wrong network: expected a mainnet extended key, got a testnet3 public key$/,
    );
    assertHDError(
      () => AddressDeriver.fromString(m.xpub, 'mainnet', m.branch),
      HDKeyRangeError,
      'ErrWrongNetwork',
      /^xpub: wrong network: expected a mainnet/,
    );
  });
});

// A raw 78-byte payload, checksummed and base58-encoded, to build keys dcrd would not emit.
function encodeRaw(
  version: Uint8Array,
  keyData: Uint8Array,
  chainCode = new Uint8Array(32).fill(1),
): string {
  const payload = concatBytes(version, new Uint8Array(9), chainCode, keyData);
  const check = blake256(blake256(payload)).subarray(0, 4);
  return base58Encode(concatBytes(payload, check));
}

function scalar32(n: bigint): Uint8Array {
  return fromHex(n.toString(16).padStart(64, '0'));
}

const SEED = fromHex('000102030405060708090a0b0c0d0e0f');
const master = ExtendedKey.fromSeed(SEED, 'mainnet');
const mainnet = NETWORKS.mainnet;

describe('ExtendedKey', () => {
  it('fromSeed takes 16 to 64 bytes', () => {
    for (const len of [15, 65, 0]) {
      assertHDError(
        () => ExtendedKey.fromSeed(new Uint8Array(len), 'mainnet'),
        HDKeyRangeError,
        'ErrInvalidSeedLen',
        /^seed: length must be between 16 and 64 bytes/,
      );
    }
    assert.equal(ExtendedKey.fromSeed(new Uint8Array(16), 'simnet').net.name, 'simnet');
    assert.equal(ExtendedKey.fromSeed(new Uint8Array(64), mainnet).net, mainnet);
    assert.throws(
      () => ExtendedKey.fromSeed(SEED, 'nonet' as NetworkName),
      /^RangeError: network:/,
    );
  });

  it('refuses hardened derivation from a public key', () => {
    assertHDError(
      () => master.neuter().child(HARDENED),
      HDKeyTypeError,
      'ErrDeriveHardFromPublic',
      /^extendedKey: cannot derive hardened child 2147483648 from a public key$/,
    );
    assert.equal(master.neuter().child(HARDENED - 1).childNumber, HARDENED - 1);
  });

  it('rejects indexes outside uint32', () => {
    for (const i of [-1, 2 ** 32, 1.5, Number.NaN]) {
      assert.throws(() => master.child(i), /^RangeError: index:/);
      assert.throws(() => master.childBIP32Std(i), /^RangeError: index:/);
    }
    assert.equal(master.child(0xffffffff).childNumber, 0xffffffff);
  });

  it('fingerprints with Hash160 = RIPEMD160(BLAKE256) and links children to it', () => {
    const child = master.child(0);
    assert.equal(child.parentFingerprint, master.fingerprint);
    assert.equal(child.depth, 1);
    assert.equal(master.parentFingerprint, 0);
    assert.equal(master.neuter().fingerprint, master.fingerprint);
  });

  it('neuter is idempotent and keeps every field but the key', () => {
    const k = master.child(HARDENED + 3).child(7);
    const pub = k.neuter();
    assert.equal(pub.neuter(), pub);
    assert.equal(pub.isPrivate, false);
    assert.deepEqual(
      [pub.depth, pub.parentFingerprint, pub.childNumber, pub.chainCode, pub.publicKey],
      [k.depth, k.parentFingerprint, k.childNumber, k.chainCode, k.publicKey],
    );
    assert.throws(() => pub.legacyPrivateKey, HDKeyTypeError);
  });

  it('is immutable: byte getters return copies and the object is frozen', () => {
    const k = ExtendedKey.fromSeed(SEED, 'mainnet');
    const before = k.toString();
    k.chainCode.fill(0);
    k.publicKey.fill(0);
    k.privateKey.fill(0);
    assert.equal(k.toString(), before);
    assert.ok(Object.isFrozen(k));
    assert.throws(() => {
      (k as { depth: number }).depth = 9;
    }, TypeError);
  });

  it('keeps the 32 bytes of a parsed private key (only child() strips leading zeros)', () => {
    const [strip] = v.bip32_vector4.filter((c) => c.legacy_child_priv_key_len !== null);
    assert.ok(strip);
    const parsed = ExtendedKey.fromString(strip.want_priv, 'mainnet');
    assert.equal(parsed.legacyPrivateKey.length, 32);
    const derived = ExtendedKey.fromSeed(fromHex(strip.seed_hex), 'mainnet').derivePath(strip.path);
    assert.equal(derived.legacyPrivateKey.length, 31);
    // Same key, but a hardened child of each differs: the quirk survives only in memory.
    assert.equal(derived.toString(), parsed.toString());
    assert.notEqual(derived.child(HARDENED).toString(), parsed.child(HARDENED).toString());
    assert.equal(derived.child(5).toString(), parsed.child(5).toString());
  });
});

describe('ExtendedKey.fromString', () => {
  const pub = master.publicKey;

  it('rejects a private key of 0 or ≥ n', () => {
    for (const k of [0n, CURVE_ORDER, CURVE_ORDER + 1n, 2n ** 256n - 1n]) {
      const s = encodeRaw(mainnet.hdPrivateKeyId, concatBytes(Uint8Array.of(0), scalar32(k)));
      assertHDError(
        () => ExtendedKey.fromString(s, 'mainnet', 'feeKey'),
        HDKeyRangeError,
        'ErrUnusableSeed',
        /^feeKey: private key out of range$/,
      );
    }
    const ok = encodeRaw(mainnet.hdPrivateKeyId, concatBytes(Uint8Array.of(0), scalar32(1n)));
    assert.equal(ExtendedKey.fromString(ok, 'mainnet').toString(), ok);
  });

  it('rejects a public key with a bad prefix', () => {
    const bad = Uint8Array.from(pub);
    bad[0] = 0x04;
    assertHDError(
      () => ExtendedKey.fromString(encodeRaw(mainnet.hdPublicKeyId, bad), 'mainnet'),
      HDKeyRangeError,
      'ErrPubKeyInvalidFormat',
      /^extendedKey: public key has invalid prefix 0x04$/,
    );
  });

  it('rejects a version whose key type does not match the key data', () => {
    assertHDError(
      () => ExtendedKey.fromString(encodeRaw(mainnet.hdPrivateKeyId, pub), 'mainnet'),
      HDKeyRangeError,
      'ErrInvalidKeyType',
      /^extendedKey: private key version with public key data$/,
    );
    const priv = concatBytes(Uint8Array.of(0), master.privateKey);
    assertHDError(
      () => ExtendedKey.fromString(encodeRaw(mainnet.hdPublicKeyId, priv), 'mainnet'),
      HDKeyRangeError,
      'ErrInvalidKeyType',
      /^extendedKey: public key version with private key data$/,
    );
  });

  it('names an unknown version', () => {
    assertHDError(
      () => ExtendedKey.fromString(encodeRaw(fromHex('01020304'), pub), 'regnet'),
      HDKeyRangeError,
      'ErrWrongNetwork',
      /^extendedKey: wrong network: expected a regnet extended key, got unknown version 01020304$/,
    );
  });

  it('rejects non-base58 text and non-strings', () => {
    const s = master.toString();
    assertHDError(
      () => ExtendedKey.fromString(`${s.slice(0, 50)}0${s.slice(51)}`, 'mainnet'),
      HDKeyTypeError,
      'ErrInvalidKeyLen',
      /^extendedKey: invalid base58 string$/,
    );
    assert.throws(
      () => ExtendedKey.fromString(42 as unknown as string, 'mainnet'),
      /^TypeError: extendedKey: expected a string$/,
    );
    assertHDError(
      () => ExtendedKey.fromString('', 'mainnet'),
      HDKeyRangeError,
      'ErrInvalidKeyLen',
      /^extendedKey: invalid length/,
    );
  });

  it('accepts a network by name or by params', () => {
    const s = master.neuter().toString();
    assert.equal(ExtendedKey.fromString(s, mainnet).toString(), s);
    assert.equal(ExtendedKey.fromString(s, 'mainnet').net, mainnet);
  });
});

describe('deriveAddress and AddressDeriver', () => {
  const [tv] = v.xpub_to_p2pkh_addresses;
  assert.ok(tv);
  const xpub = ExtendedKey.fromString(tv.xpub, tv.net);

  it('derive only non-hardened branches and indexes', () => {
    assert.throws(() => deriveAddress(xpub, HARDENED, 0), /^RangeError: branch:/);
    assert.throws(() => deriveAddress(xpub, 0, HARDENED), /^RangeError: index:/);
    assert.throws(() => new AddressDeriver(xpub, -1), /^RangeError: branch:/);
    const d = new AddressDeriver(xpub, 0);
    assert.throws(() => d.address(HARDENED), /^RangeError: index:/);
    assert.throws(() => d.next(-1), /^RangeError: fromIndex:/);
  });

  it('AddressDeriver refuses a private key, as vspd does', () => {
    assert.throws(
      () => new AddressDeriver(master, 0),
      /^TypeError: xpub: is a private key; give the public key$/,
    );
  });

  it('next returns the first valid index at or after fromIndex', () => {
    const d = new AddressDeriver(xpub, tv.branch);
    assert.equal(d.next(3).index, 3);
    assert.equal(d.next(3).address, tv.addresses_index_0_to_9[3]);
    assert.equal(d.branchKey.toString(), xpub.child(tv.branch).toString());
  });

  it('skips invalid children (IL ≥ n or infinity) to the next index', () => {
    // No known index is invalid (each has a < 2^-127 chance), so make 4 and 5 invalid.
    const d = new AddressDeriver(xpub, tv.branch);
    const strict = (k: ExtendedKey, i: number): ExtendedKey => k.childBIP32Std(i);
    // Public keys derive identically with child and childBIP32Std, so the latter stands in.
    const m = mock.method(ExtendedKey.prototype, 'child', function (this: ExtendedKey, i: number) {
      if (i === 4 || i === 5) throw new InvalidChildError(i);
      return strict(this, i);
    });
    try {
      assert.equal(d.address(4), undefined);
      const a = d.next(4);
      assert.equal(a.index, 6);
      assert.equal(a.address, tv.addresses_index_0_to_9[6]);
      assert.throws(
        () => deriveAddress(xpub, tv.branch, 5),
        (err: unknown) =>
          err instanceof InvalidChildError &&
          err instanceof RangeError &&
          err.code === 'ErrInvalidChild' &&
          err.index === 5 &&
          /^index: child 5 is invalid/.test(err.message),
      );
    } finally {
      m.mock.restore();
    }
    assert.equal(d.address(5)?.address, tv.addresses_index_0_to_9[5]);
  });
});

describe('properties', () => {
  const seedArb = fc.uint8Array({ minLength: 16, maxLength: 64 });
  const netArb = fc.constantFrom(...NETWORK_NAMES);

  it('fromString(toString(k)) round-trips private and neutered keys on every network', () => {
    fc.assert(
      fc.property(
        seedArb,
        netArb,
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 3 }),
        (seed, net, path) => {
          const k = ExtendedKey.fromSeed(seed, net).derivePath(path);
          for (const key of [k, k.neuter()]) {
            const s = key.toString();
            assert.equal(s.length, net === 'regnet' ? 112 : 111);
            const back = ExtendedKey.fromString(s, net);
            assert.equal(back.toString(), s);
            assert.equal(back.isPrivate, key.isPrivate);
            assert.deepEqual(back.publicKey, key.publicKey);
            assert.deepEqual(
              [back.depth, back.parentFingerprint, back.childNumber, back.chainCode],
              [key.depth, key.parentFingerprint, key.childNumber, key.chainCode],
            );
            for (const other of NETWORK_NAMES.filter((n) => n !== net)) {
              assert.throws(() => ExtendedKey.fromString(s, other), /wrong network/);
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('public derivation of the neutered key equals the neutered private child', () => {
    fc.assert(
      fc.property(
        seedArb,
        netArb,
        fc.integer({ min: 0, max: HARDENED - 1 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (seed, net, index, hardenedParent) => {
          const k = ExtendedKey.fromSeed(seed, net).child(hardenedParent);
          assert.equal(k.neuter().child(index).toString(), k.child(index).neuter().toString());
          assert.equal(
            k.neuter().childBIP32Std(index).toString(),
            k.childBIP32Std(index).neuter().toString(),
          );
        },
      ),
      { numRuns: 25 },
    );
  });
});
