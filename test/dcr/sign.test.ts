import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { concatBytes, fromHex, toHex } from '../../src/dcr/bytes.ts';
import { blake256 } from '../../src/dcr/hash.ts';
import { multiSigScript } from '../../src/dcr/script.ts';
import { CURVE_ORDER, nobleSecp, publicKeyCreate, signDer, verifyDer } from '../../src/dcr/secp.ts';
import { calcSignatureHash, SigHashType } from '../../src/dcr/sighash.ts';
import {
  checkSignatureEncoding,
  isDefinedHashType,
  isStrictSignatureEncoding,
  p2pkhSigScript,
  p2shMultiSigSigScript,
  sigScriptPushes,
  signInput,
  verifyInputSignature,
} from '../../src/dcr/sign.ts';
import { decodeTx } from '../../src/dcr/tx.ts';
import { loadVectors } from '../helpers/vectors.ts';

interface SighashVector {
  upstream_index: number;
  tx_hex: string;
  script_hex: string;
  input_index: number;
  hash_type: number;
  expected_result: string;
  comment: string;
}

const vectors = loadVectors<{ vectors: SighashVector[] }>('sighash.json').vectors;
const key = (label: string): Uint8Array => blake256(new TextEncoder().encode(label));

describe('real chain signatures in sighash.json verify', () => {
  // Every chain-derived case whose signed input carries `<sig> <pubkey>` with the case's hash
  // type: the ticket purchase, the block 4096 vote (tagged P2PKH subscript), the revocation and
  // the three inputs of the block 354 transaction.
  const real = vectors.filter((c) => {
    if (c.expected_result !== 'OK') return false;
    const pushes = sigScriptPushes(decodeTx(c.tx_hex).inputs[c.input_index]!.sigScript);
    return pushes?.length === 2 && pushes[0]!.at(-1) === c.hash_type;
  });

  it('finds the six signed chain cases', () => {
    assert.deepEqual(
      real.map((c) => c.upstream_index),
      [4, 6, 7, 12, 20, 28],
    );
  });

  for (const c of real) {
    it(`#${c.upstream_index} ${c.comment}`, () => {
      const tx = decodeTx(c.tx_hex);
      const [sig, pub] = sigScriptPushes(tx.inputs[c.input_index]!.sigScript)!;
      const script = fromHex(c.script_hex);
      assert.equal(isStrictSignatureEncoding(sig!.subarray(0, -1)), true);
      assert.equal(verifyInputSignature(tx, c.input_index, script, sig!, pub!), true);
      // Any other committed script, input or hash type breaks it.
      assert.equal(verifyInputSignature(tx, c.input_index, script.subarray(1), sig!, pub!), false);
      const other = Uint8Array.from(sig!);
      other[other.length - 1] = 0x81;
      assert.equal(verifyInputSignature(tx, c.input_index, script, other, pub!), false);
    });
  }
});

describe('signInput', () => {
  const c = vectors.find((x) => x.upstream_index === 12)!;
  const tx = decodeTx(c.tx_hex);
  const script = fromHex(c.script_hex);
  const priv = key('sign test key');
  const pub = publicKeyCreate(priv);

  it('signs DER ‖ hashType over calcSignatureHash with low S, deterministically', () => {
    for (const ht of [0x01, 0x02, 0x03, 0x81, 0x82, 0x83]) {
      const sig = signInput(tx, 0, script, priv, ht);
      assert.equal(sig.at(-1), ht);
      const der = sig.subarray(0, -1);
      checkSignatureEncoding(der);
      const digest = calcSignatureHash(script, ht, tx, 0);
      assert.equal(toHex(der), toHex(nobleSecp.signDer(digest, priv)));
      assert.equal(verifyDer(der, digest, pub, true), true);
      assert.equal(verifyInputSignature(tx, 0, script, sig, pub), true);
      assert.equal(toHex(signInput(tx, 0, script, priv, ht)), toHex(sig));
    }
  });

  it('defaults to SigHashAll', () => {
    assert.equal(signInput(tx, 1, script, priv).at(-1), SigHashType.All);
  });

  it('rejects undefined hash types, bad indexes and bad keys', () => {
    for (const ht of [0, 4, 0x21, 0x84, 256]) {
      assert.throws(() => signInput(tx, 0, script, priv, ht), /^RangeError: hashType: /);
    }
    assert.throws(() => signInput(tx, 9, script, priv), /^RangeError: inputIndex: /);
    assert.throws(() => signInput(tx, 2, script, priv, 0x03), /ErrInvalidSigHashSingleIndex/);
    assert.throws(() => signInput(tx, 0, script, new Uint8Array(32)), /^RangeError: privateKey: /);
    assert.throws(() => signInput(tx, 0, Uint8Array.of(0x4c), priv), /^RangeError: subscript: /);
  });

  it('verifyInputSignature is false for a SigHashSingle signature without its output', () => {
    const sig = concatBytes(signInput(tx, 0, script, priv).subarray(0, -1), Uint8Array.of(3));
    assert.equal(verifyInputSignature(tx, 2, script, sig, pub), false);
  });

  it('libsecp256k1 and noble DER signatures agree and cross-verify', () => {
    fc.assert(
      fc.property(
        fc
          .uint8Array({ minLength: 32, maxLength: 32 })
          .filter((k) => k.some((b) => b !== 0) && k[0] !== 0xff),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (k, h) => {
          const a = signDer(h, k);
          assert.equal(toHex(a), toHex(nobleSecp.signDer(h, k)));
          checkSignatureEncoding(a);
          const p = publicKeyCreate(k, false);
          assert.equal(verifyDer(a, h, p, true), true);
          assert.equal(nobleSecp.verifyDer(a, h, p, true), true);
          const h2 = Uint8Array.from(h);
          h2[0]! ^= 1;
          assert.equal(verifyDer(a, h2, p), false);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('libsecp256k1 and noble agree on edge digests (zero, all ones ≥ n)', () => {
    for (const d of [new Uint8Array(32), new Uint8Array(32).fill(0xff)]) {
      assert.equal(toHex(signDer(d, priv)), toHex(nobleSecp.signDer(d, priv)));
      assert.equal(verifyDer(signDer(d, priv), d, pub, true), true);
    }
  });

  it('verifyDer accepts high S only when asked to', () => {
    const digest = key('digest');
    const der = signDer(digest, priv);
    const rLen = der[3]!;
    let s = 0n;
    for (const b of der.subarray(6 + rLen)) s = (s << 8n) | BigInt(b);
    const hi = (CURVE_ORDER - s).toString(16).padStart(64, '0');
    const sBytes = fromHex(hi);
    const sEnc = sBytes[0]! & 0x80 ? concatBytes(Uint8Array.of(0), sBytes) : sBytes;
    const r = der.subarray(4, 4 + rLen);
    const body = concatBytes(Uint8Array.of(2, r.length), r, Uint8Array.of(2, sEnc.length), sEnc);
    const highDer = concatBytes(Uint8Array.of(0x30, body.length), body);
    assert.equal(verifyDer(highDer, digest, pub, false), true);
    assert.equal(verifyDer(highDer, digest, pub, true), false);
    assert.equal(nobleSecp.verifyDer(highDer, digest, pub, false), true);
    assert.throws(() => checkSignatureEncoding(highDer), /ErrSigHighS/);
  });
});

describe('checkSignatureEncoding (dcrd CheckSignatureEncoding)', () => {
  const good = signDer(key('d'), key('k'));
  const rLen = good[3]!;
  const mutate = (f: (b: Uint8Array) => Uint8Array): Uint8Array => f(Uint8Array.from(good));
  const cases: [string, Uint8Array, string][] = [
    ['too short', good.subarray(0, 7), 'ErrSigTooShort'],
    ['too long', concatBytes(good, new Uint8Array(80)), 'ErrSigTooLong'],
    ['wrong sequence id', mutate((b) => ((b[0] = 0x31), b)), 'ErrSigInvalidSeqID'],
    ['bad data length', mutate((b) => ((b[1] = b[1]! - 1), b)), 'ErrSigInvalidDataLen'],
    ['R length past the end', mutate((b) => ((b[3] = 0x50), b)), 'ErrSigMissingSTypeID'],
    [
      'S length missing',
      Uint8Array.of(0x30, 0x06, 0x02, 0x03, 0x01, 0x02, 0x03, 0x02),
      'ErrSigMissingSLen',
    ],
    ['S length wrong', mutate((b) => ((b[5 + rLen] = b[5 + rLen]! - 1), b)), 'ErrSigInvalidSLen'],
    ['R not an integer', mutate((b) => ((b[2] = 0x03), b)), 'ErrSigInvalidRIntID'],
    [
      'R zero length',
      Uint8Array.of(0x30, 0x06, 0x02, 0x00, 0x02, 0x02, 0x01, 0x01),
      'ErrSigZeroRLen',
    ],
    [
      'R negative',
      Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01),
      'ErrSigNegativeR',
    ],
    [
      'R padded',
      Uint8Array.of(0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01),
      'ErrSigTooMuchRPadding',
    ],
    ['S not an integer', mutate((b) => ((b[4 + rLen] = 0x03), b)), 'ErrSigInvalidSIntID'],
    [
      'S zero length',
      Uint8Array.of(0x30, 0x06, 0x02, 0x02, 0x01, 0x01, 0x02, 0x00),
      'ErrSigZeroSLen',
    ],
    [
      'S negative',
      Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x81),
      'ErrSigNegativeS',
    ],
    [
      'S padded',
      Uint8Array.of(0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x01),
      'ErrSigTooMuchSPadding',
    ],
  ];
  it('accepts a signDer signature', () => {
    checkSignatureEncoding(good);
    assert.equal(isStrictSignatureEncoding(good), true);
  });
  for (const [name, sig, code] of cases) {
    it(`rejects ${name} (${code})`, () => {
      assert.throws(
        () => checkSignatureEncoding(sig),
        (e: unknown) =>
          e instanceof RangeError &&
          e.message.startsWith('signature: ') &&
          e.message.includes(code),
      );
      assert.equal(isStrictSignatureEncoding(sig), false);
    });
  }
});

describe('isDefinedHashType', () => {
  it('accepts exactly 0x01–0x03 with or without 0x80', () => {
    const ok = [];
    for (let i = -1; i <= 256; i++) if (isDefinedHashType(i)) ok.push(i);
    assert.deepEqual(ok, [1, 2, 3, 0x81, 0x82, 0x83]);
  });
});

describe('sigScripts', () => {
  const pool = publicKeyCreate(key('pool'));
  const user = publicKeyCreate(key('user'));
  const redeem = multiSigScript(1, [pool, user]);
  const sig = concatBytes(signDer(key('x'), key('pool')), Uint8Array.of(1));

  it('P2PKH: <sig> <pubkey> with direct pushes', () => {
    const s = p2pkhSigScript(sig, pool);
    assert.equal(
      toHex(s),
      toHex(concatBytes(Uint8Array.of(sig.length), sig, Uint8Array.of(33), pool)),
    );
    assert.deepEqual(sigScriptPushes(s), [sig, pool]);
    const unc = publicKeyCreate(key('pool'), false);
    assert.equal(p2pkhSigScript(sig, unc).length, 1 + sig.length + 1 + 65);
  });

  it('P2SH multisig: <sig> <redeem> with no OP_0 dummy', () => {
    const s = p2shMultiSigSigScript([sig], redeem);
    assert.equal(redeem.length, 71);
    assert.equal(s[0], sig.length);
    assert.notEqual(s[0], 0x00);
    assert.equal(
      toHex(s),
      toHex(concatBytes(Uint8Array.of(sig.length), sig, Uint8Array.of(0x47), redeem)),
    );
  });

  it('rejects bad arguments', () => {
    assert.throws(() => p2pkhSigScript(new Uint8Array(0), pool), /^RangeError: sig: /);
    assert.throws(() => p2pkhSigScript(sig, pool.subarray(1)), /^TypeError: pubKey: /);
    assert.throws(() => p2shMultiSigSigScript([sig, sig], redeem), /^RangeError: sigs: /);
    assert.throws(() => p2shMultiSigSigScript([], redeem), /^RangeError: sigs: /);
    assert.throws(() => p2shMultiSigSigScript([sig], pool), /^TypeError: redeemScript: /);
    const twoOfTwo = multiSigScript(2, [pool, user]);
    assert.equal(p2shMultiSigSigScript([sig, sig], twoOfTwo)[0], sig.length);
  });

  it('sigScriptPushes refuses non-push scripts', () => {
    assert.equal(sigScriptPushes(Uint8Array.of(0x76)), undefined);
    assert.equal(sigScriptPushes(Uint8Array.of(0x05, 0x01)), undefined);
    assert.deepEqual(sigScriptPushes(Uint8Array.of(0x00, 0x51)), [
      new Uint8Array(0),
      Uint8Array.of(1),
    ]);
  });
});
