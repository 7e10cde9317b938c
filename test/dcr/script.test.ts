import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  encodeAddress,
  p2pkAddress,
  p2shAddress,
  p2shAddressFromHash,
} from '../../src/dcr/address.ts';
import { concatBytes, fromHex, toHex } from '../../src/dcr/bytes.ts';
import { hash160 } from '../../src/dcr/hash.ts';
import type { NetworkName } from '../../src/dcr/params.ts';
import {
  OP,
  classifyScript,
  extractAddresses,
  isCanonicalPush,
  isPushOnly,
  multiSigScript,
  nullDataScript,
  p2pkhScript,
  p2shScript,
  parseMultiSigScript,
  parseScript,
  pushData,
  pushedData,
  scriptHash,
  serializeScript,
  stakeScriptDetails,
  stakeTaggedScript,
} from '../../src/dcr/script.ts';
import type { ScriptType, StakeTag } from '../../src/dcr/script.ts';
import { isValidPrivateKey, publicKeyCreate } from '../../src/dcr/secp.ts';
import { loadVectors, vectorSuite } from '../helpers/vectors.ts';

interface MultisigFile {
  multisig_script_cases: {
    name: string;
    threshold: number;
    pubkeys_hex: string[];
    expected_short_form?: string;
    expected_script_hex?: string;
    error?: string;
  }[];
  extract_addrs_cases: {
    name: string;
    script_short_form: string;
    script_hex: string;
    net: NetworkName;
    want_type: string;
    want_addrs: string[];
  }[];
  shared_keys: Record<string, string>;
  redeem_script_to_p2sh: {
    name: string;
    redeem_script_hex: string;
    net: NetworkName;
    script_hash_hex: string;
    p2sh_address: string;
    pkscript_hex: string;
    ticket_voting_script_hex: string;
  }[];
  derived_cases: {
    name: string;
    threshold: number;
    pubkeys_hex: string[];
    pubkey_addresses_mainnet: string[];
    redeem_script_hex: string;
    script_hash_hex: string;
    p2sh: Record<NetworkName, string>;
    ticket_voting_script_hex: string;
  }[];
}

const v = loadVectors<MultisigFile>('multisig.json');

// Render a script in dcrd's test "short form" (opcode names without OP_, small integers as
// numbers, data pushes as DATA_n 0x<hex>) so the vectors' short forms check parseScript too.
const OP_NAMES = new Map<number, string>();
for (const [name, value] of Object.entries(OP)) {
  if (!OP_NAMES.has(value)) OP_NAMES.set(value, name.replace(/^OP_/, ''));
}
function shortForm(script: Uint8Array): string {
  return parseScript(script)
    .map((op) => {
      if (op.opcode >= OP.OP_1 && op.opcode <= OP.OP_16) return String(op.opcode - 0x50);
      if (op.opcode === OP.OP_0) return '0';
      if (op.data !== undefined && op.opcode <= 75) {
        return `DATA_${op.opcode} 0x${toHex(op.data)}`;
      }
      return OP_NAMES.get(op.opcode) ?? `0x${op.opcode.toString(16)}`;
    })
    .join(' ');
}

const DCRD_TYPES: Record<string, ScriptType> = {
  STScriptHash: 'p2sh',
  STMultiSig: 'multisig',
  STStakeSubmissionScriptHash: 'stakeSubmissionP2SH',
};

const MULTISIG_ERRORS: Record<string, [typeof TypeError | typeof RangeError, RegExp]> = {
  ErrTooManyRequiredSigs: [RangeError, /^m: \d+ required signatures but only \d+ public keys/],
  ErrPubKeyType: [TypeError, /^pubKeys\[0\]: not a compressed public key/],
  ErrNegativeRequiredSigs: [RangeError, /^m: negative number of required signatures/],
};

vectorSuite('multisig.json', (add) => {
  for (const c of v.multisig_script_cases) {
    add(`MultiSigScriptV0: ${c.name}`, () => {
      const keys = c.pubkeys_hex.map((h) => fromHex(h));
      if (c.error !== undefined) {
        const want = MULTISIG_ERRORS[c.error];
        assert.ok(want, `unmapped error ${c.error}`);
        assert.throws(
          () => multiSigScript(c.threshold, keys),
          (e: unknown) => {
            assert.ok(e instanceof want[0], String(e));
            assert.match(e.message, want[1]);
            return true;
          },
        );
        return;
      }
      const script = multiSigScript(c.threshold, keys);
      assert.equal(toHex(script), c.expected_script_hex);
      assert.equal(shortForm(script), c.expected_short_form);
      assert.deepEqual(parseMultiSigScript(script), { m: c.threshold, pubKeys: keys });
    });
  }

  for (const c of v.extract_addrs_cases) {
    add(`ExtractAddrs: ${c.name}`, () => {
      const script = fromHex(c.script_hex);
      assert.equal(shortForm(script), c.script_short_form);
      const want = DCRD_TYPES[c.want_type];
      assert.ok(want, `unmapped type ${c.want_type}`);
      const ex = extractAddresses(script, c.net);
      assert.equal(ex.type, want);
      assert.deepEqual(ex.addresses.map(encodeAddress), c.want_addrs);
      const cls = classifyScript(script);
      assert.equal(cls.type, want);
      assert.equal(ex.requiredSigs, cls.type === 'multisig' ? cls.m : 1);
      if (cls.type === 'multisig') {
        // Each key's P2PK address, and the script rebuilt from those keys, match.
        assert.deepEqual(
          cls.pubKeys.map((k) => encodeAddress(p2pkAddress(k, c.net))),
          c.want_addrs,
        );
        assert.equal(toHex(multiSigScript(cls.m, cls.pubKeys)), c.script_hex);
      }
    });
  }

  const k = v.shared_keys;
  add('shared_keys: h160CE', () => {
    assert.equal(toHex(hash160(fromHex(k['pkCE']!))), k['h160CE']);
  });
  add('shared_keys: h160CE2', () => {
    assert.equal(toHex(hash160(fromHex(k['pkCE2']!))), k['h160CE2']);
  });
  add('shared_keys: P2SH hash of 2-of-3 (pkCE, pkCE2, pkCO)', () => {
    const script = multiSigScript(
      2,
      [k['pkCE']!, k['pkCE2']!, k['pkCO']!].map((h) => fromHex(h)),
    );
    assert.equal(toHex(scriptHash(script)), k['p2sh_hash_of_2of3_pkCE_pkCE2_pkCO']);
  });

  for (const c of v.redeem_script_to_p2sh) {
    add(`redeem script to P2SH: ${c.name}`, () => {
      const redeem = fromHex(c.redeem_script_hex);
      assert.equal(toHex(scriptHash(redeem)), c.script_hash_hex);
      const a = p2shAddress(redeem, c.net);
      assert.equal(encodeAddress(a), c.p2sh_address);
      assert.equal(toHex(p2shScript(scriptHash(redeem))), c.pkscript_hex);
      assert.equal(
        toHex(stakeTaggedScript('ticket', 'p2sh', scriptHash(redeem))),
        c.ticket_voting_script_hex,
      );
      const ms = parseMultiSigScript(redeem);
      assert.ok(ms);
      assert.equal(toHex(multiSigScript(ms.m, ms.pubKeys)), c.redeem_script_hex);
    });
  }

  for (const c of v.derived_cases) {
    add(`derived: ${c.name}`, () => {
      const keys = c.pubkeys_hex.map((h) => fromHex(h));
      const redeem = multiSigScript(c.threshold, keys);
      assert.equal(toHex(redeem), c.redeem_script_hex);
      assert.deepEqual(
        keys.map((key) => encodeAddress(p2pkAddress(key, 'mainnet'))),
        c.pubkey_addresses_mainnet,
      );
      assert.equal(toHex(scriptHash(redeem)), c.script_hash_hex);
      for (const [net, addr] of Object.entries(c.p2sh) as [NetworkName, string][]) {
        assert.equal(encodeAddress(p2shAddress(redeem, net)), addr, net);
      }
      const voting = stakeTaggedScript('ticket', 'p2sh', scriptHash(redeem));
      assert.equal(toHex(voting), c.ticket_voting_script_hex);
      assert.deepEqual(stakeScriptDetails(voting), {
        tag: 'ticket',
        kind: 'p2sh',
        hash160: fromHex(c.script_hash_hex),
      });
      const ex = extractAddresses(voting, 'mainnet');
      assert.deepEqual(ex.addresses.map(encodeAddress), [c.p2sh.mainnet]);
    });
  }
});

describe('parseScript and pushes', () => {
  it('rejects truncated pushes with a RangeError naming the field', () => {
    for (const hex of ['01', '0201', '4c', '4c0200', '4d01', '4d0100', '4e010000', '4e01000000']) {
      assert.throws(() => parseScript(fromHex(hex)), { name: 'RangeError', message: /^script: / });
    }
    assert.throws(() => parseScript(fromHex('4b00'), 'sigScript'), { message: /^sigScript: / });
    assert.deepEqual(parseScript(new Uint8Array(0)), []);
    assert.deepEqual(parseScript(fromHex('4c00')), [{ opcode: 0x4c, data: new Uint8Array(0) }]);
  });

  it('pushes minimally at every size boundary', () => {
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), '00'],
      [Uint8Array.of(0), '0100'],
      [Uint8Array.of(1), '51'],
      [Uint8Array.of(16), '60'],
      [Uint8Array.of(17), '0111'],
      [Uint8Array.of(0x81), '4f'],
      [Uint8Array.of(0x80), '0180'],
      [new Uint8Array(75), `4b${'00'.repeat(75)}`],
      [new Uint8Array(76), `4c4c${'00'.repeat(76)}`],
      [new Uint8Array(255), `4cff${'00'.repeat(255)}`],
      [new Uint8Array(256), `4d0001${'00'.repeat(256)}`],
      [new Uint8Array(65535), `4dffff${'00'.repeat(65535)}`],
      [new Uint8Array(65536), `4e00000100${'00'.repeat(65536)}`],
    ];
    for (const [data, hex] of cases) {
      const s = pushData(data);
      assert.equal(toHex(s), hex, `push of ${data.length} bytes`);
      const ops = parseScript(s);
      assert.equal(ops.length, 1);
      assert.deepEqual(pushedData(ops[0]!), data);
      assert.ok(isCanonicalPush(ops[0]!));
      assert.ok(isPushOnly(s));
    }
  });

  it('spots non-canonical pushes and non-push scripts', () => {
    for (const hex of ['0101', '0110', '0181', '4c0105', '4c00', '4d0100aa', '4e01000000aa']) {
      const [op] = parseScript(fromHex(hex));
      assert.equal(isCanonicalPush(op!), false, hex);
    }
    assert.equal(isCanonicalPush({ opcode: OP.OP_DUP }), false);
    assert.equal(isPushOnly(fromHex('0051604f')), true);
    assert.equal(isPushOnly(fromHex('0076')), false);
    assert.equal(isPushOnly(fromHex('02aa')), false);
    assert.equal(pushedData({ opcode: OP.OP_CHECKSIG }), undefined);
  });
});

describe('script builders and classification', () => {
  const h = new Uint8Array(20).fill(0xab);
  const key = publicKeyCreate(
    fromHex('0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d'),
  );
  const key2 = publicKeyCreate(
    fromHex('dda35a1488fb97b6eb3fe6e9ef2a25814e396fb5dc295fe994b96789b21a0398'),
  );

  it('builds the standard forms', () => {
    assert.equal(toHex(p2pkhScript(h)), `76a914${'ab'.repeat(20)}88ac`);
    assert.equal(toHex(p2shScript(h)), `a914${'ab'.repeat(20)}87`);
    const tags: [StakeTag, string][] = [
      ['ticket', 'ba'],
      ['change', 'bd'],
      ['vote', 'bb'],
      ['revocation', 'bc'],
      ['treasury', 'c3'],
    ];
    for (const [tag, op] of tags) {
      assert.equal(toHex(stakeTaggedScript(tag, 'p2pkh', h)), `${op}76a914${'ab'.repeat(20)}88ac`);
      assert.equal(toHex(stakeTaggedScript(tag, 'p2sh', h)), `${op}a914${'ab'.repeat(20)}87`);
      for (const kind of ['p2pkh', 'p2sh'] as const) {
        assert.deepEqual(stakeScriptDetails(stakeTaggedScript(tag, kind, h)), {
          tag,
          kind,
          hash160: h,
        });
      }
    }
    assert.throws(() => stakeTaggedScript('bogus' as StakeTag, 'p2pkh', h), {
      name: 'TypeError',
      message: /^tag: /,
    });
    assert.throws(() => p2pkhScript(new Uint8Array(19)), {
      name: 'RangeError',
      message: /^hash160/,
    });
    assert.equal(stakeScriptDetails(p2pkhScript(h)), undefined);
  });

  it('enforces multisig limits', () => {
    assert.throws(() => multiSigScript(0, [key]), {
      name: 'RangeError',
      message: /^m: at least one/,
    });
    assert.throws(() => multiSigScript(1.5, [key]), { name: 'TypeError', message: /^m: / });
    assert.throws(() => multiSigScript(1, Array<Uint8Array>(17).fill(key)), {
      name: 'RangeError',
      message: /^pubKeys: 17 keys exceed the maximum of 16/,
    });
    const bad = Uint8Array.from(key);
    bad[0] = 0x02;
    bad[1] = 0xff;
    bad.fill(0xff, 1);
    assert.throws(() => multiSigScript(1, [key, bad]), {
      name: 'RangeError',
      message: /^pubKeys\[1\]: not a valid secp256k1 point/,
    });
    // The legacy pool's 1-of-2: 71 bytes, pool key first.
    const s = multiSigScript(1, [key, key2]);
    assert.equal(s.length, 71);
    assert.equal(toHex(s), `5121${toHex(key)}21${toHex(key2)}52ae`);
  });

  it('classifies every standard form and rejects near misses', () => {
    const unc = publicKeyCreate(
      fromHex('0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d'),
      false,
    );
    const p2pkUnc = concatBytes(Uint8Array.of(0x41), unc, Uint8Array.of(0xac));
    assert.deepEqual(classifyScript(p2pkUnc), { type: 'p2pk', pubKey: unc });
    assert.deepEqual(extractAddresses(p2pkUnc, 'mainnet').addresses.map(encodeAddress), [
      encodeAddress(p2pkAddress(key, 'mainnet')),
    ]);
    const typesOf = (hex: string): ScriptType => classifyScript(fromHex(hex)).type;
    assert.equal(typesOf('6a'), 'nulldata');
    assert.equal(typesOf('6a00'), 'nulldata');
    // dcrd's nulldata rule wants a lone byte 0..16 as a small-integer opcode, so unlike the
    // consensus minimal-data rule it refuses `01 00`.
    assert.equal(typesOf('6a0100'), 'nonstandard');
    assert.equal(typesOf('6a0181'), 'nulldata');
    assert.equal(typesOf('6a0101'), 'nonstandard'); // should have been OP_1
    assert.equal(typesOf('6a51'), 'nulldata');
    assert.equal(typesOf('6a0001'), 'nonstandard'); // two pushes
    assert.equal(typesOf('6a76'), 'nonstandard');
    assert.equal(typesOf(`6a4d0101${'00'.repeat(257)}`), 'nonstandard'); // over 256 bytes
    assert.equal(toHex(nullDataScript(Uint8Array.of(1, 2))), '6a020102');
    assert.throws(() => nullDataScript(new Uint8Array(257)), RangeError);
    assert.equal(typesOf('c1'), 'treasuryAdd');
    assert.equal(typesOf(''), 'nonstandard');
    assert.equal(typesOf(`ba${'a914'}${'00'.repeat(20)}88`), 'nonstandard');
    assert.equal(typesOf(`be76a914${'00'.repeat(20)}88ac`), 'nonstandard'); // not a tag opcode
    assert.deepEqual(extractAddresses(fromHex('6a0111'), 'mainnet'), {
      type: 'nulldata',
      addresses: [],
      requiredSigs: 0,
    });

    const ms = multiSigScript(2, [key, key2]);
    assert.equal(classifyScript(ms).type, 'multisig');
    assert.equal(extractAddresses(ms, 'testnet3').requiredSigs, 2);
    // Near misses: wrong key count, trailing byte, threshold above key count, uncompressed key.
    const variants = [
      concatBytes(ms.subarray(0, ms.length - 2), Uint8Array.of(0x53, 0xae)),
      concatBytes(ms.subarray(0, ms.length - 1), Uint8Array.of(0x00, 0xae)),
      concatBytes(Uint8Array.of(0x53), ms.subarray(1)),
      concatBytes(Uint8Array.of(0x50), ms.subarray(1)),
      concatBytes(Uint8Array.of(0x00), ms.subarray(1)),
      concatBytes(Uint8Array.of(0x51, 0x41), unc, Uint8Array.of(0x51, 0xae)),
      concatBytes(Uint8Array.of(0x51, 0x01, 0xae)),
    ];
    for (const s of variants) {
      assert.equal(parseMultiSigScript(s), undefined, toHex(s));
      assert.equal(classifyScript(s).type, 'nonstandard', toHex(s));
    }
    // Invalid points still have the multisig form (dcrd checks encodings only) but give no address.
    const offCurve = Uint8Array.of(0x02, ...new Uint8Array(32).fill(0xff));
    const weird = concatBytes(
      Uint8Array.of(0x51, 0x21),
      offCurve,
      Uint8Array.of(0x21),
      key,
      Uint8Array.of(0x52, 0xae),
    );
    const ex = extractAddresses(weird, 'mainnet');
    assert.equal(ex.type, 'multisig');
    assert.deepEqual(ex.addresses.map(encodeAddress), [encodeAddress(p2pkAddress(key, 'mainnet'))]);
    // Any script version but 0 is non-standard.
    assert.equal(classifyScript(p2pkhScript(h), 1).type, 'nonstandard');
    assert.deepEqual(extractAddresses(p2shScript(h), 'mainnet', 1).addresses, []);
    assert.equal(
      encodeAddress(extractAddresses(p2shScript(h), 'mainnet').addresses[0]!),
      encodeAddress(p2shAddressFromHash(h, 'mainnet')),
    );
  });
});

const privArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter(isValidPrivateKey);

describe('script properties', () => {
  it('pushData then parseScript returns the data', () => {
    const dataArb = fc.oneof(
      fc.uint8Array({ maxLength: 3 }),
      fc.uint8Array({ minLength: 70, maxLength: 80 }),
      fc.uint8Array({ minLength: 250, maxLength: 260 }),
      fc.uint8Array({ maxLength: 600 }),
    );
    fc.assert(
      fc.property(fc.array(dataArb, { maxLength: 5 }), (items) => {
        const script = concatBytes(...items.map(pushData));
        const ops = parseScript(script);
        assert.equal(ops.length, items.length);
        ops.forEach((op, i) => {
          assert.deepEqual(pushedData(op), items[i]);
          assert.ok(isCanonicalPush(op));
        });
        assert.ok(isPushOnly(script));
        assert.deepEqual(serializeScript(ops), script);
      }),
      { numRuns: 200 },
    );
  });

  it('serializeScript inverts parseScript on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        let ops;
        try {
          ops = parseScript(bytes);
        } catch (e) {
          assert.ok(e instanceof RangeError);
          return;
        }
        assert.deepEqual(serializeScript(ops), bytes);
        classifyScript(bytes); // never throws
      }),
      { numRuns: 200 },
    );
  });

  it('multiSigScript and parseMultiSigScript round-trip in caller order', () => {
    fc.assert(
      fc.property(fc.array(privArb, { minLength: 1, maxLength: 16 }), fc.nat(), (privs, r) => {
        const keys = privs.map((p) => publicKeyCreate(p));
        const m = 1 + (r % keys.length);
        const script = multiSigScript(m, keys);
        assert.equal(script.length, 3 + 34 * keys.length);
        assert.deepEqual(parseMultiSigScript(script), { m, pubKeys: keys });
        const ex = extractAddresses(script, 'mainnet');
        assert.equal(ex.requiredSigs, m);
        assert.deepEqual(
          ex.addresses.map(encodeAddress),
          keys.map((k) => encodeAddress(p2pkAddress(k, 'mainnet'))),
        );
      }),
      { numRuns: 50 },
    );
  });
});
