import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  addressPayScript,
  addressStakeScript,
  addressToPubKeyHashAddress,
  commitmentScript,
  decodeAddress,
  encodeAddress,
  encodeFeeLimits,
  p2pkAddress,
  p2pkAddressCompressed,
  p2pkhAddress,
  p2pkhAddressFromHash,
  p2shAddress,
  p2shAddressFromHash,
} from '../../src/dcr/address.ts';
import type { Address } from '../../src/dcr/address.ts';
import { base58CheckEncode } from '../../src/dcr/base58.ts';
import { concatBytes, fromHex, toHex } from '../../src/dcr/bytes.ts';
import { hash160 } from '../../src/dcr/hash.ts';
import { NETWORK_NAMES, NETWORKS } from '../../src/dcr/params.ts';
import type { NetworkName } from '../../src/dcr/params.ts';
import { classifyScript, extractAddresses, parseScript } from '../../src/dcr/script.ts';
import type { ScriptType, StakeTag } from '../../src/dcr/script.ts';
import { isValidPrivateKey, publicKeyCreate } from '../../src/dcr/secp.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';

type Kind =
  | 'misc'
  | 'p2pk-ecdsa-secp256k1'
  | 'p2pk-ed25519'
  | 'p2pk-schnorr-secp256k1'
  | 'p2pkh-ecdsa-secp256k1'
  | 'p2pkh-ed25519'
  | 'p2pkh-schnorr-secp256k1'
  | 'p2sh';

interface AddrCase {
  name: string;
  kind: Kind;
  /** The vector's "constructor" field (renamed: every object inherits a `constructor`). */
  ctor?: string;
  input_hex?: string;
  script_version_arg?: number;
  constructor_net?: NetworkName;
  makeErr?: string | null;
  decodeErr?: string | null;
  addr?: string;
  net?: NetworkName;
  version?: number;
  payScript?: string;
  pubKey?: string;
  voteScript?: string;
  rewardScript?: string;
  changeScript?: string;
  commitScript?: string;
  revokeScript?: string;
  trsyScript?: string;
  rewardAmount?: number;
  revFeeLimit?: number;
}

interface AddressesFile {
  cases: AddrCase[];
  decode_corner_cases: { name: string; addr: string; net: NetworkName; decodeErr: string }[];
  derived_simnet_cases: {
    kind: Kind;
    pubkey_hex?: string;
    hash160_hex?: string;
    addr: string;
    net: NetworkName;
    from_mainnet_case: string;
  }[];
}

const v = loadVectors<AddressesFile>('addresses.json');
const cases: AddrCase[] = v.cases.map((c) => {
  const raw = c as AddrCase & Record<string, unknown>;
  const ctor = Object.hasOwn(raw, 'constructor') ? String(raw['constructor']) : undefined;
  return ctor === undefined ? { ...c } : { ...c, ctor };
});

type ErrClass = typeof TypeError | typeof RangeError;

/**
 * How this library rejects each address the vectors expect dcrd to reject (dcrd's error kinds
 * differ between TestAddresses and the corner-case test for the same string, so the expectation
 * is ours, keyed by case name; a failing case missing here fails the test).
 */
const DECODE_REJECTIONS: Record<string, [ErrClass, RegExp]> = {
  'bad checksum': [TypeError, /^address: checksum mismatch/],
  'parse valid mainnet address with testnet rejected': [
    TypeError,
    /^address: wrong network \(the address is for mainnet, expected testnet3\)/,
  ],
  'mainnet p2pk with no data for pubkey': [
    RangeError,
    /^address: pay-to-pubkey address has no data/,
  ],
  'invalid base58 (l not in base58 alphabet)': [TypeError, /^address: invalid base58/],
  'mainnet p2pk-ecdsa-secp256k1 uncompressed (0x04) rejected via decode': [
    RangeError,
    /^address: too long \(98 characters, at most 54\)/,
  ],
  'p2pk-ecdsa-secp256k1 malformed pubkey via decode': [
    RangeError,
    /^address: pay-to-pubkey data must be 33 bytes, got 32/,
  ],
  'p2pk-ed25519 malformed pubkey (only 31 bytes) via decode': [
    TypeError,
    /^address: Ed25519 addresses are not supported/,
  ],
  'mainnet p2pk-schnorr-secp256k1 uncompressed (0x04) rejected via decode': [
    RangeError,
    /^address: too long/,
  ],
  'p2pk-schnorr-secp256k1 malformed pubkey via decode': [
    TypeError,
    /^address: Schnorr addresses are not supported/,
  ],
  'exceeds max version 0 address size': [RangeError, /^address: too long/],
};

const DCRD_DECODE_ERRORS = new Set([
  'ErrBadAddressChecksum',
  'ErrUnsupportedAddress',
  'ErrMalformedAddress',
  'ErrMalformedAddressData',
]);

function assertDecodeRejected(name: string, addr: string, net: NetworkName, err: string): void {
  assert.ok(DCRD_DECODE_ERRORS.has(err), `unknown dcrd error kind ${err}`);
  const want = DECODE_REJECTIONS[name];
  assert.ok(want, `no expected rejection recorded for case "${name}"`);
  assert.throws(
    () => decodeAddress(addr, net),
    (e: unknown) => {
      assert.ok(e instanceof want[0], `expected ${want[0].name}, got ${String(e)}`);
      assert.match(e.message, want[1]);
      return true;
    },
  );
}

const ALT_KINDS = new Set<Kind>([
  'p2pk-ed25519',
  'p2pk-schnorr-secp256k1',
  'p2pkh-ed25519',
  'p2pkh-schnorr-secp256k1',
]);

const ALT_TYPES: Partial<Record<Kind, ScriptType>> = {
  'p2pk-ed25519': 'p2pkEd25519',
  'p2pk-schnorr-secp256k1': 'p2pkSchnorrSecp256k1',
  'p2pkh-ed25519': 'p2pkhEd25519',
  'p2pkh-schnorr-secp256k1': 'p2pkhSchnorrSecp256k1',
};

const SUPPORTED_TYPES: Partial<Record<Kind, ScriptType>> = {
  'p2pk-ecdsa-secp256k1': 'p2pk',
  'p2pkh-ecdsa-secp256k1': 'p2pkh',
  p2sh: 'p2sh',
};

function altRejection(kind: Kind): RegExp {
  return kind.includes('ed25519')
    ? /^address: Ed25519 addresses are not supported/
    : /^address: Schnorr addresses are not supported/;
}

/** The version-0 script of an alt-signature kind, laid out by hand (this library builds none). */
const ALT_SCRIPT_PARTS: Partial<Record<Kind, [string, string]>> = {
  'p2pk-ed25519': ['20', '51be'],
  'p2pk-schnorr-secp256k1': ['21', '52be'],
  'p2pkh-ed25519': ['76a914', '8851be'],
  'p2pkh-schnorr-secp256k1': ['76a914', '8852be'],
};
function altScript(kind: Kind, input: Uint8Array): Uint8Array {
  const parts = ALT_SCRIPT_PARTS[kind];
  if (!parts) throw new Error(`not an alt kind: ${kind}`);
  return concatBytes(fromHex(parts[0]), input, fromHex(parts[1]));
}

/** Our constructor equivalent to each Go constructor the supported kinds name. */
const CONSTRUCTORS: Record<string, (input: Uint8Array, net: NetworkName) => Address> = {
  NewAddressPubKeyEcdsaSecp256k1Raw: p2pkAddressCompressed,
  NewAddressPubKeyEcdsaSecp256k1: p2pkAddress,
  NewAddressPubKeyHashEcdsaSecp256k1: p2pkhAddressFromHash,
  NewAddressScriptHashFromHash: p2shAddressFromHash,
  NewAddressScriptHash: p2shAddress,
};
function construct(c: AddrCase): Address {
  const make = CONSTRUCTORS[c.ctor ?? ''];
  if (!make) throw new Error(`no equivalent constructor for ${c.ctor}`);
  return make(fromHex(c.input_hex ?? ''), c.constructor_net!);
}

function checkConstructor(c: AddrCase): void {
  const input = fromHex(c.input_hex ?? '');
  switch (c.makeErr) {
    case null:
    case undefined: {
      if (ALT_KINDS.has(c.kind)) {
        // No constructor exists for these kinds here; the address itself is checked (rejected)
        // below, and its script must classify as the alt type carrying this input.
        const cls = classifyScript(fromHex(c.payScript!));
        assert.equal(cls.type, ALT_TYPES[c.kind]);
        return;
      }
      const a = construct(c);
      assert.equal(encodeAddress(a), c.addr);
      assert.equal(toHex(addressPayScript(a)), c.payScript);
      if (a.kind === 'p2pk') assert.equal(toHex(a.pubKey), c.pubKey);
      return;
    }
    case 'ErrUnsupportedScriptVersion': {
      // Every constructor here is version 0 only; what a foreign script version means in practice
      // is that an output carrying it is not a standard script of any kind.
      const script = ALT_KINDS.has(c.kind)
        ? altScript(c.kind, input)
        : addressPayScript(construct(c));
      assert.equal(classifyScript(script, 9999).type, 'nonstandard');
      assert.deepEqual(extractAddresses(script, c.constructor_net!, 9999).addresses, []);
      assert.equal(classifyScript(script, 0).type, ALT_TYPES[c.kind] ?? SUPPORTED_TYPES[c.kind]);
      return;
    }
    case 'ErrInvalidHashLen':
      // The alt kinds follow the same 20-byte rule; our P2PKH constructor stands in for them.
      assert.throws(
        () =>
          c.kind === 'p2sh'
            ? p2shAddressFromHash(input, c.constructor_net!)
            : p2pkhAddressFromHash(input, c.constructor_net!),
        { name: 'RangeError', message: /^hash160: expected 20 bytes, got 21/ },
      );
      return;
    case 'ErrInvalidPubKeyFormat':
      assert.throws(() => p2pkAddressCompressed(input, c.constructor_net!), {
        name: 'TypeError',
        message: /^pubKey: expected a compressed public key/,
      });
      if (input[0] === 0x06 || input[0] === 0x07) {
        assert.throws(() => p2pkAddress(input, c.constructor_net!), {
          name: 'TypeError',
          message: /^pubKey: hybrid public keys/,
        });
      }
      return;
    case 'ErrInvalidPubKey':
      assert.throws(() => p2pkAddressCompressed(input, c.constructor_net!), {
        name: 'RangeError',
        message: /^pubKey: expected a 33-byte public key, got \d+ bytes/,
      });
      assert.throws(() => p2pkAddress(input, c.constructor_net!), RangeError);
      return;
    default:
      assert.fail(`unhandled makeErr ${c.makeErr}`);
  }
}

const STAKE_FIELDS: [keyof AddrCase, StakeTag][] = [
  ['voteScript', 'ticket'],
  ['changeScript', 'change'],
  ['commitScript', 'vote'],
  ['revokeScript', 'revocation'],
  ['trsyScript', 'treasury'],
];

const STAKE_TYPES: Record<StakeTag, [ScriptType, ScriptType]> = {
  ticket: ['stakeSubmissionP2PKH', 'stakeSubmissionP2SH'],
  change: ['stakeChangeP2PKH', 'stakeChangeP2SH'],
  vote: ['stakeGenP2PKH', 'stakeGenP2SH'],
  revocation: ['stakeRevocationP2PKH', 'stakeRevocationP2SH'],
  treasury: ['treasuryGenP2PKH', 'treasuryGenP2SH'],
};

function checkDecode(c: AddrCase): void {
  const addr = c.addr!;
  const net = c.net!;
  if (c.decodeErr) {
    assertDecodeRejected(c.name, addr, net, c.decodeErr);
    return;
  }
  if (ALT_KINDS.has(c.kind)) {
    assert.throws(() => decodeAddress(addr, net), {
      name: 'TypeError',
      message: altRejection(c.kind),
    });
    const script = fromHex(c.payScript!);
    const cls = classifyScript(script);
    assert.equal(cls.type, ALT_TYPES[c.kind]);
    const payload = 'pubKey' in cls ? cls.pubKey : 'hash160' in cls ? cls.hash160 : undefined;
    assert.equal(toHex(payload!), c.pubKey ?? c.input_hex);
    const ex = extractAddresses(script, net);
    assert.deepEqual([ex.type, ex.addresses, ex.requiredSigs], [cls.type, [], 1]);
    return;
  }

  const a = decodeAddress(addr, net);
  assert.equal(a.net, NETWORKS[net]);
  assert.equal(encodeAddress(a), addr);
  assert.equal(toHex(addressPayScript(a)), c.payScript);
  if (a.kind === 'p2pk') {
    assert.equal(toHex(a.pubKey), c.pubKey);
  } else {
    assert.equal(a.kind, c.kind === 'p2sh' ? 'p2sh' : 'p2pkh');
    if (c.ctor !== 'NewAddressScriptHash') assert.equal(toHex(a.hash160), c.input_hex);
  }
  const ex = extractAddresses(fromHex(c.payScript!), net);
  assert.equal(ex.type, SUPPORTED_TYPES[c.kind]);
  assert.deepEqual(ex.addresses.map(encodeAddress), [addr]);
  assert.equal(ex.requiredSigs, 1);

  if (a.kind === 'p2pk') {
    for (const [, tag] of STAKE_FIELDS) {
      assert.throws(() => addressStakeScript(a, tag), { name: 'TypeError' });
    }
    assert.throws(() => commitmentScript(a, 1n, 0), { name: 'TypeError' });
    return;
  }

  // Stake-tagged scripts and the ticket commitment built from the same hash.
  for (const [fieldName, tag] of STAKE_FIELDS) {
    const want = c[fieldName] as string;
    const script = addressStakeScript(a, tag);
    assert.equal(toHex(script), want, `${tag} script`);
    const cls = classifyScript(script);
    assert.equal(cls.type, STAKE_TYPES[tag][a.kind === 'p2sh' ? 1 : 0]);
    assert.ok('tag' in cls && cls.tag === tag);
    assert.deepEqual(extractAddresses(script, net).addresses.map(encodeAddress), [addr]);
  }
  // rewardScript is the OP_RETURN commitment: the vectors commit rewardAmount with no vote fee
  // limit and a revocation limit of revFeeLimit atoms.
  const limits = encodeFeeLimits(0n, BigInt(c.revFeeLimit!));
  const commit = commitmentScript(a, BigInt(c.rewardAmount!), limits);
  assert.equal(toHex(commit), c.rewardScript);
  const nd = classifyScript(commit);
  assert.equal(nd.type, 'nulldata');
  assert.equal(nd.type === 'nulldata' && nd.data.length, 30);
}

vectorSuite('addresses.json', (add) => {
  for (const c of cases) {
    add(`${c.kind}: ${c.name}`, () => {
      let checked = 0;
      if (c.ctor !== undefined) {
        checkConstructor(c);
        checked++;
      }
      if (c.addr !== undefined) {
        checkDecode(c);
        checked++;
      }
      assert.ok(checked > 0, 'case has neither a constructor nor an address');
    });
  }
  for (const c of v.decode_corner_cases) {
    add(`corner: ${c.name}`, () => assertDecodeRejected(c.name, c.addr, c.net, c.decodeErr));
  }
  for (const c of v.derived_simnet_cases) {
    add(`derived simnet ${c.kind}: ${c.addr}`, () => {
      const a =
        c.kind === 'p2pk-ecdsa-secp256k1'
          ? p2pkAddress(fromHex(c.pubkey_hex!), c.net)
          : c.kind === 'p2sh'
            ? p2shAddressFromHash(fromHex(c.hash160_hex!), c.net)
            : p2pkhAddressFromHash(fromHex(c.hash160_hex!), c.net);
      assert.equal(encodeAddress(a), c.addr);
      const back = decodeAddress(c.addr, 'simnet');
      assert.deepEqual(back, a);
      // The same key or hash on mainnet is the case it was derived from.
      const main = cases.find((m) => m.name === c.from_mainnet_case);
      assert.ok(main?.addr);
      assert.equal(encodeAddress({ ...a, net: NETWORKS.mainnet }), main.addr);
    });
  }
});

describe('address API', () => {
  it('p2pkhAddress hashes the key exactly as given', () => {
    const priv = fromHex('0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d');
    const comp = publicKeyCreate(priv, true);
    const unc = publicKeyCreate(priv, false);
    const a = p2pkhAddress(comp, 'mainnet');
    const b = p2pkhAddress(unc, 'mainnet');
    assert.equal(a.kind === 'p2pkh' && toHex(a.hash160), toHex(hash160(comp)));
    assert.equal(b.kind === 'p2pkh' && toHex(b.hash160), toHex(hash160(unc)));
    assert.notEqual(encodeAddress(a), encodeAddress(b));
    assert.deepEqual(addressToPubKeyHashAddress(p2pkAddress(unc, 'mainnet')), a);
    assert.throws(() => p2pkhAddress(comp.subarray(1), 'mainnet'), TypeError);
    const offCurve = Uint8Array.from(comp);
    offCurve[32] = offCurve[32]! ^ 1;
    // Flipping a bit of X may or may not land on the curve; keep flipping until it does not.
    for (let i = 0; i < 256; i++) {
      offCurve[31] = i;
      try {
        p2pkAddressCompressed(offCurve, 'mainnet');
      } catch (e) {
        assert.ok(e instanceof RangeError);
        assert.throws(() => p2pkhAddress(offCurve, 'mainnet'), RangeError);
        // P2PK payload: type byte (0x00, or 0x80 for an 03 key) then X.
        const payload = Uint8Array.from(offCurve);
        payload[0] = offCurve[0] === 0x03 ? 0x80 : 0x00;
        const raw = base58CheckEncode(NETWORKS.mainnet.pubKeyAddrId, payload);
        assert.throws(() => decodeAddress(raw, 'mainnet'), {
          name: 'RangeError',
          message: /^address: public key is not a valid secp256k1 point/,
        });
        return;
      }
    }
    assert.fail('no off-curve X found');
  });

  it('names the field in decode errors and rejects unknown prefixes', () => {
    assert.throws(
      () => decodeAddress('DsUZxxoHJSty8DCfwfartwTYbuhmVct7tJx', 'mainnet', 'feeAddr'),
      {
        message: /^feeAddr: /,
      },
    );
    const unknown = base58CheckEncode(Uint8Array.of(0x00, 0x00), new Uint8Array(20));
    assert.throws(() => decodeAddress(unknown, 'mainnet'), {
      name: 'TypeError',
      message: /^address: unsupported address type \(prefix 0x0000\)/,
    });
    assert.throws(
      () => decodeAddress('DsUZxxoHJSty8DCfwfartwTYbuhmVct7tJu', 'nope' as NetworkName),
      {
        name: 'RangeError',
        message: /^network: unknown network/,
      },
    );
    // P2PK with an unknown signature type.
    const odd = concatBytes(Uint8Array.of(0x05), new Uint8Array(32));
    assert.throws(
      () => decodeAddress(base58CheckEncode(NETWORKS.mainnet.pubKeyAddrId, odd), 'mainnet'),
      {
        name: 'TypeError',
        message: /^address: unsupported pay-to-pubkey signature type 5/,
      },
    );
  });

  it('builds commitments with the P2SH flag and rounded fee limits', () => {
    const h = new Uint8Array(20).fill(7);
    const pkh = p2pkhAddressFromHash(h, 'mainnet');
    const sh = p2shAddressFromHash(h, 'mainnet');
    assert.equal(encodeFeeLimits(0n, 0n), 0);
    assert.equal(encodeFeeLimits(0n, 1n << 24n), 0x5800);
    assert.equal(encodeFeeLimits(0n, (1n << 23n) + 1n), 0x5800);
    assert.equal(encodeFeeLimits(1n, 0n), 0x40);
    assert.equal(encodeFeeLimits(3n, 2n), 0x4142);
    assert.throws(() => encodeFeeLimits(-1n, 0n), { name: 'RangeError', message: /^voteFeeLimit/ });
    const a = commitmentScript(pkh, 5n, 0x5800);
    const b = commitmentScript(sh, 5n, 0x5800);
    assert.equal(toHex(a), `6a1e${'07'.repeat(20)}05000000000000000058`);
    assert.equal(toHex(b), `6a1e${'07'.repeat(20)}05000000000000800058`);
    assert.throws(() => commitmentScript(pkh, 1n << 63n, 0), {
      name: 'RangeError',
      message: /^amount/,
    });
    assert.throws(() => commitmentScript(pkh, -1n, 0), { name: 'RangeError', message: /^amount/ });
    assert.throws(() => commitmentScript(pkh, 1n, 0x10000), {
      name: 'RangeError',
      message: /^feeLimits/,
    });
  });
});

const netArb = fc.constantFrom(...NETWORK_NAMES);
const hashArb = fc.uint8Array({ minLength: 20, maxLength: 20 });
const privArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter(isValidPrivateKey);

describe('address properties', () => {
  it('P2PKH and P2SH round-trip on every network and fail on the others', () => {
    fc.assert(
      fc.property(hashArb, netArb, fc.constantFrom('p2pkh', 'p2sh'), (h, net, kind) => {
        const a = kind === 'p2pkh' ? p2pkhAddressFromHash(h, net) : p2shAddressFromHash(h, net);
        const s = encodeAddress(a);
        assert.deepEqual(decodeAddress(s, net), a);
        assert.deepEqual(decodeAddress(s, NETWORKS[net]), a);
        for (const other of NETWORK_NAMES) {
          if (other === net) continue;
          assert.throws(() => decodeAddress(s, other), { message: /^address: wrong network/ });
        }
        // The payment script names the same address.
        assert.deepEqual(extractAddresses(addressPayScript(a), net).addresses, [a]);
      }),
      { numRuns: 200 },
    );
  });

  it('P2PK of random keys round-trips (compressed and from uncompressed)', () => {
    fc.assert(
      fc.property(privArb, netArb, (priv, net) => {
        const comp = publicKeyCreate(priv, true);
        const a = p2pkAddress(comp, net);
        const s = encodeAddress(a);
        assert.equal(s.length, 53);
        assert.deepEqual(decodeAddress(s, net), a);
        assert.deepEqual(p2pkAddress(publicKeyCreate(priv, false), net), a);
        const script = addressPayScript(a);
        assert.deepEqual(parseScript(script), [{ opcode: 0x21, data: comp }, { opcode: 0xac }]);
        assert.deepEqual(extractAddresses(script, net).addresses, [a]);
      }),
      { numRuns: 100 },
    );
  });

  it('Ed25519 and Schnorr P2PKH addresses are always refused', () => {
    fc.assert(
      fc.property(hashArb, netArb, fc.boolean(), (h, net, ed) => {
        const p = NETWORKS[net];
        const s = base58CheckEncode(ed ? p.pkhEdwardsAddrId : p.pkhSchnorrAddrId, h);
        assert.throws(() => decodeAddress(s, net), {
          name: 'TypeError',
          message: ed
            ? /Ed25519 addresses are not supported/
            : /Schnorr addresses are not supported/,
        });
      }),
      { numRuns: 100 },
    );
  });
});
