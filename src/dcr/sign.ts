// Signing transaction inputs the way dcrd's txscript/sign does for secp256k1 ECDSA: a strict DER,
// low-S signature over the signature hash with the hash type byte appended, pushed into a
// signature script with minimal pushes. Decred's OP_CHECKMULTISIG pops no extra dummy element, so
// a P2SH multisig signature script has no leading OP_0 (one would fail the clean-stack rule).
import { concatBytes } from './bytes.ts';
import { calcSignatureHash, SigHashType } from './sighash.ts';
import { parseMultiSigScript, parseScript, pushData, pushedData } from './script.ts';
import { CURVE_ORDER, signDer, verifyDer } from './secp.ts';
import type { Tx } from './tx.ts';

const HALF_ORDER = CURVE_ORDER >> 1n;

/** True for a hash type dcrd's CheckHashTypeEncoding accepts: All, None or Single, ± AnyOneCanPay. */
export function isDefinedHashType(hashType: number): boolean {
  if (!Number.isInteger(hashType) || hashType < 0 || hashType > 0xff) return false;
  const base = hashType & ~SigHashType.AnyOneCanPay;
  return base >= SigHashType.All && base <= SigHashType.Single;
}

/**
 * Check a DER signature (without the hash type byte) against dcrd's CheckSignatureEncoding, the
 * consensus rule for OP_CHECKSIG/OP_CHECKMULTISIG: 8–72 bytes, one SEQUENCE of two minimally
 * encoded non-negative INTEGERs, nothing trailing, and S ≤ n/2. Throws a RangeError naming the
 * dcrd error code.
 */
export function checkSignatureEncoding(sig: Uint8Array): void {
  const fail = (code: string, what: string): never => {
    throw new RangeError(`signature: ${what} (${code})`);
  };
  if (!(sig instanceof Uint8Array)) throw new TypeError('signature: expected bytes');
  const n = sig.length;
  if (n < 8) fail('ErrSigTooShort', `too short: ${n} < 8 bytes`);
  if (n > 72) fail('ErrSigTooLong', `too long: ${n} > 72 bytes`);
  if (sig[0] !== 0x30) fail('ErrSigInvalidSeqID', 'not a DER sequence');
  if (sig[1] !== n - 2) fail('ErrSigInvalidDataLen', 'sequence length does not match');
  const rLen = sig[3]!;
  const sType = 4 + rLen;
  if (sType >= n) fail('ErrSigMissingSTypeID', 'S type indicator missing');
  if (sType + 1 >= n) fail('ErrSigMissingSLen', 'S length missing');
  const sLen = sig[sType + 1]!;
  const sOff = sType + 2;
  if (sOff + sLen !== n) fail('ErrSigInvalidSLen', 'invalid S length');
  if (sig[2] !== 0x02) fail('ErrSigInvalidRIntID', 'R is not an INTEGER');
  if (rLen === 0) fail('ErrSigZeroRLen', 'R length is zero');
  if (sig[4]! & 0x80) fail('ErrSigNegativeR', 'R is negative');
  if (rLen > 1 && sig[4] === 0 && !(sig[5]! & 0x80)) fail('ErrSigTooMuchRPadding', 'R is padded');
  if (sig[sType] !== 0x02) fail('ErrSigInvalidSIntID', 'S is not an INTEGER');
  if (sLen === 0) fail('ErrSigZeroSLen', 'S length is zero');
  if (sig[sOff]! & 0x80) fail('ErrSigNegativeS', 'S is negative');
  if (sLen > 1 && sig[sOff] === 0 && !(sig[sOff + 1]! & 0x80)) {
    fail('ErrSigTooMuchSPadding', 'S is padded');
  }
  let s = 0n;
  for (let i = sOff; i < n; i++) s = (s << 8n) | BigInt(sig[i]!);
  if (s > HALF_ORDER) fail('ErrSigHighS', 'S is above half the group order');
}

/** True when `sig` passes checkSignatureEncoding. */
export function isStrictSignatureEncoding(sig: Uint8Array): boolean {
  try {
    checkSignatureEncoding(sig);
    return true;
  } catch {
    return false;
  }
}

/** True for the public key encodings OP_CHECKSIG accepts: 33-byte 02/03 or 65-byte 04. */
export function isStrictPubKeyEncoding(pubKey: Uint8Array): boolean {
  return (
    pubKey instanceof Uint8Array &&
    ((pubKey.length === 33 && (pubKey[0] === 0x02 || pubKey[0] === 0x03)) ||
      (pubKey.length === 65 && pubKey[0] === 0x04))
  );
}

/**
 * Sign input `inputIndex` of `tx` over `subscript` (dcrd RawTxInSignature): DER ‖ hashType.
 * The subscript is what the spent output commits the signature to — for a P2SH output the
 * redeem script, for a stake-tagged P2PKH ticket the whole tagged pkScript.
 */
export function signInput(
  tx: Tx,
  inputIndex: number,
  subscript: Uint8Array,
  privateKey: Uint8Array,
  hashType: number = SigHashType.All,
): Uint8Array {
  if (!isDefinedHashType(hashType)) {
    throw new RangeError(`hashType: 0x${Number(hashType).toString(16)} is not a valid hash type`);
  }
  const digest = calcSignatureHash(subscript, hashType, tx, inputIndex);
  const der = signDer(digest, privateKey);
  const out = new Uint8Array(der.length + 1);
  out.set(der);
  out[der.length] = hashType;
  return out;
}

function checkSigWithHashType(sig: Uint8Array, field: string): void {
  if (!(sig instanceof Uint8Array)) throw new TypeError(`${field}: expected bytes`);
  if (sig.length < 9 || sig.length > 73) {
    throw new RangeError(`${field}: expected a DER signature plus hash type (9–73 bytes)`);
  }
}

/** `<sig> <pubKey>`: the signature script spending a P2PKH (or stake-tagged P2PKH) output. */
export function p2pkhSigScript(sig: Uint8Array, pubKey: Uint8Array): Uint8Array {
  checkSigWithHashType(sig, 'sig');
  if (!isStrictPubKeyEncoding(pubKey)) {
    throw new TypeError('pubKey: expected a 33-byte compressed or 65-byte uncompressed key');
  }
  return concatBytes(pushData(sig), pushData(pubKey));
}

/**
 * `<sig>… <redeemScript>`: the signature script spending a P2SH multisig output. Exactly m
 * signatures, in the order of their keys in the redeem script, and no OP_0 dummy (Decred's
 * OP_CHECKMULTISIG has no off-by-one pop).
 */
export function p2shMultiSigSigScript(sigs: Uint8Array[], redeemScript: Uint8Array): Uint8Array {
  if (!(redeemScript instanceof Uint8Array)) throw new TypeError('redeemScript: expected bytes');
  const ms = parseMultiSigScript(redeemScript);
  if (ms === undefined) throw new TypeError('redeemScript: not a standard multisig script');
  if (!Array.isArray(sigs)) throw new TypeError('sigs: expected an array');
  if (sigs.length !== ms.m) {
    throw new RangeError(`sigs: ${ms.m}-of-${ms.pubKeys.length} needs ${ms.m}, got ${sigs.length}`);
  }
  sigs.forEach((s, i) => checkSigWithHashType(s, `sigs[${i}]`));
  return concatBytes(...sigs.map((s) => pushData(s)), pushData(redeemScript));
}

/**
 * Check one signature (DER ‖ hashType, as it appears in a signature script) for input
 * `inputIndex` against `pubKey` over `subscript`, applying the consensus encoding rules dcrd
 * applies first: strict DER with low S, a defined hash type and a strict public key encoding.
 * False for any signature problem; bad transaction arguments (input index, unparseable subscript)
 * throw as in calcSignatureHash.
 */
export function verifyInputSignature(
  tx: Tx,
  inputIndex: number,
  subscript: Uint8Array,
  sig: Uint8Array,
  pubKey: Uint8Array,
): boolean {
  if (!(sig instanceof Uint8Array) || sig.length < 1) return false;
  const hashType = sig[sig.length - 1]!;
  const der = sig.subarray(0, sig.length - 1);
  if (!isDefinedHashType(hashType) || !isStrictSignatureEncoding(der)) return false;
  if (!isStrictPubKeyEncoding(pubKey)) return false;
  let digest: Uint8Array;
  try {
    digest = calcSignatureHash(subscript, hashType, tx, inputIndex);
  } catch (e) {
    // SigHashSingle without a matching output: the engine fails the signature, not the call.
    if (e instanceof RangeError && /ErrInvalidSigHashSingleIndex/.test(e.message)) return false;
    throw e;
  }
  return verifyDer(der, digest, pubKey, true);
}

/** The data pushes of a push-only signature script, in order (undefined if it is not one). */
export function sigScriptPushes(sigScript: Uint8Array): Uint8Array[] | undefined {
  let ops;
  try {
    ops = parseScript(sigScript, 'sigScript');
  } catch {
    return undefined;
  }
  const out: Uint8Array[] = [];
  for (const op of ops) {
    const data = pushedData(op);
    if (data === undefined) return undefined;
    out.push(data);
  }
  return out;
}
