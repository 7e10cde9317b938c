// Version-0 Decred scripts: opcodes, a strict push parser, canonical pushes, the standard script
// forms a stake pool builds (P2PKH, P2SH, m-of-n multisig, stake-tagged outputs) and a classifier
// that mirrors dcrd's stdscript types so outputs found on chain can be recognised.
import type { Address } from './address.ts';
import { concatBytes, equalBytes } from './bytes.ts';
import { hash160 } from './hash.ts';
import { netParams } from './params.ts';
import type { NetParams, NetworkName } from './params.ts';
import { isValidPublicKey, publicKeyConvert } from './secp.ts';

/** Opcode values (Decred txscript). OP_DATA_n is simply n for 1..75. */
export const OP = {
  OP_0: 0x00,
  OP_FALSE: 0x00,
  OP_DATA_1: 0x01,
  OP_DATA_20: 0x14,
  OP_DATA_30: 0x1e,
  OP_DATA_32: 0x20,
  OP_DATA_33: 0x21,
  OP_DATA_36: 0x24,
  OP_DATA_65: 0x41,
  OP_DATA_75: 0x4b,
  OP_PUSHDATA1: 0x4c,
  OP_PUSHDATA2: 0x4d,
  OP_PUSHDATA4: 0x4e,
  OP_1NEGATE: 0x4f,
  OP_RESERVED: 0x50,
  OP_1: 0x51,
  OP_TRUE: 0x51,
  OP_2: 0x52,
  OP_3: 0x53,
  OP_4: 0x54,
  OP_5: 0x55,
  OP_6: 0x56,
  OP_7: 0x57,
  OP_8: 0x58,
  OP_9: 0x59,
  OP_10: 0x5a,
  OP_11: 0x5b,
  OP_12: 0x5c,
  OP_13: 0x5d,
  OP_14: 0x5e,
  OP_15: 0x5f,
  OP_16: 0x60,
  OP_NOP: 0x61,
  OP_IF: 0x63,
  OP_NOTIF: 0x64,
  OP_ELSE: 0x67,
  OP_ENDIF: 0x68,
  OP_VERIFY: 0x69,
  OP_RETURN: 0x6a,
  OP_DROP: 0x75,
  OP_DUP: 0x76,
  OP_SIZE: 0x82,
  OP_EQUAL: 0x87,
  OP_EQUALVERIFY: 0x88,
  OP_RIPEMD160: 0xa6,
  OP_SHA1: 0xa7,
  OP_BLAKE256: 0xa8,
  OP_HASH160: 0xa9,
  OP_HASH256: 0xaa,
  OP_CODESEPARATOR: 0xab,
  OP_CHECKSIG: 0xac,
  OP_CHECKSIGVERIFY: 0xad,
  OP_CHECKMULTISIG: 0xae,
  OP_CHECKMULTISIGVERIFY: 0xaf,
  OP_SSTX: 0xba,
  OP_SSGEN: 0xbb,
  OP_SSRTX: 0xbc,
  OP_SSTXCHANGE: 0xbd,
  OP_CHECKSIGALT: 0xbe,
  OP_CHECKSIGALTVERIFY: 0xbf,
  OP_SHA256: 0xc0,
  OP_TADD: 0xc1,
  OP_TSPEND: 0xc2,
  OP_TGEN: 0xc3,
} as const;

/** Signature type numbers (dcrec.SignatureType) as pushed in alt-signature scripts. */
export const SIG_TYPE = { ecdsaSecp256k1: 0, ed25519: 1, schnorrSecp256k1: 2 } as const;

/** Largest push a standard version-0 nulldata (OP_RETURN) script may carry. */
export const MAX_DATA_CARRIER_SIZE = 256;
/** Consensus limit on the number of keys in OP_CHECKMULTISIG; standard scripts allow 16. */
export const MAX_STANDARD_MULTISIG_KEYS = 16;

// ---------------------------------------------------------------------------------------------
// Parsing and pushes
// ---------------------------------------------------------------------------------------------

export interface ScriptOp {
  opcode: number;
  /** The bytes carried in the script by OP_DATA_n / OP_PUSHDATAn; absent for other opcodes. */
  data?: Uint8Array;
}

/** Split a script into opcodes; throws a RangeError naming `field` when a push runs past the end. */
export function parseScript(script: Uint8Array, field = 'script'): ScriptOp[] {
  if (!(script instanceof Uint8Array)) throw new TypeError(`${field}: expected bytes`);
  const ops: ScriptOp[] = [];
  let pos = 0;
  while (pos < script.length) {
    const opcode = script[pos]!;
    pos++;
    let len: number;
    if (opcode >= OP.OP_DATA_1 && opcode <= OP.OP_DATA_75) {
      len = opcode;
    } else if (opcode >= OP.OP_PUSHDATA1 && opcode <= OP.OP_PUSHDATA4) {
      const width = opcode === OP.OP_PUSHDATA1 ? 1 : opcode === OP.OP_PUSHDATA2 ? 2 : 4;
      if (pos + width > script.length) {
        throw new RangeError(
          `${field}: truncated length of push opcode 0x${opcode.toString(16)} at offset ${pos - 1}`,
        );
      }
      len = 0;
      for (let i = width - 1; i >= 0; i--) len = len * 256 + script[pos + i]!;
      pos += width;
    } else {
      ops.push({ opcode });
      continue;
    }
    if (pos + len > script.length) {
      throw new RangeError(
        `${field}: push of ${len} bytes at offset ${pos} runs past the end of the script`,
      );
    }
    ops.push({ opcode, data: script.slice(pos, pos + len) });
    pos += len;
  }
  return ops;
}

/** True when the opcode is a push (anything up to OP_16, as dcrd's IsPushOnlyScript counts). */
export function isPushOpcode(opcode: number): boolean {
  return opcode <= OP.OP_16;
}

/** The bytes a push opcode leaves on the stack, or undefined for a non-push opcode. */
export function pushedData(op: ScriptOp): Uint8Array | undefined {
  if (op.data !== undefined) return op.data;
  if (op.opcode === OP.OP_0) return new Uint8Array(0);
  if (op.opcode === OP.OP_1NEGATE) return Uint8Array.of(0x81);
  if (op.opcode >= OP.OP_1 && op.opcode <= OP.OP_16) return Uint8Array.of(op.opcode - 0x50);
  return undefined;
}

/**
 * The minimal push of `data` as the consensus minimal-data rule demands: empty → OP_0, a single
 * byte 1..16 → OP_1..OP_16, 0x81 → OP_1NEGATE, then OP_DATA_n, OP_PUSHDATA1/2/4. A single 0x00 is
 * pushed as `01 00`: OP_0 would push an empty vector, which is a different value on the stack.
 */
export function pushData(data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new TypeError('data: expected bytes');
  const n = data.length;
  if (n === 0) return Uint8Array.of(OP.OP_0);
  if (n === 1 && data[0]! >= 1 && data[0]! <= 16) return Uint8Array.of(0x50 + data[0]!);
  if (n === 1 && data[0] === 0x81) return Uint8Array.of(OP.OP_1NEGATE);
  let head: Uint8Array;
  if (n <= OP.OP_DATA_75) head = Uint8Array.of(n);
  else if (n <= 0xff) head = Uint8Array.of(OP.OP_PUSHDATA1, n);
  else if (n <= 0xffff) head = Uint8Array.of(OP.OP_PUSHDATA2, n & 0xff, n >>> 8);
  else if (n <= 0xffffffff) {
    head = Uint8Array.of(OP.OP_PUSHDATA4, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
  } else throw new RangeError('data: too large to push');
  return concatBytes(head, data);
}

/** True when the push opcode is the smallest way to push its data (dcrd checkMinimalDataPush). */
export function isCanonicalPush(op: ScriptOp): boolean {
  const data = pushedData(op);
  if (data === undefined) return false;
  return equalBytes(pushData(data), encodeOp(op));
}

function encodeOp(op: ScriptOp): Uint8Array {
  if (op.data === undefined) return Uint8Array.of(op.opcode);
  const n = op.data.length;
  const head =
    op.opcode === OP.OP_PUSHDATA1
      ? Uint8Array.of(op.opcode, n)
      : op.opcode === OP.OP_PUSHDATA2
        ? Uint8Array.of(op.opcode, n & 0xff, n >>> 8)
        : op.opcode === OP.OP_PUSHDATA4
          ? Uint8Array.of(op.opcode, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24)
          : Uint8Array.of(op.opcode);
  return concatBytes(head, op.data);
}

/** Re-serialize parsed opcodes (the inverse of parseScript for any script it accepts). */
export function serializeScript(ops: readonly ScriptOp[]): Uint8Array {
  return concatBytes(...ops.map(encodeOp));
}

/** True when the script parses and holds only push opcodes; false for unparseable scripts. */
export function isPushOnly(script: Uint8Array): boolean {
  try {
    return parseScript(script).every((op) => isPushOpcode(op.opcode));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

function checkHash160(h: Uint8Array, field: string): void {
  if (!(h instanceof Uint8Array)) throw new TypeError(`${field}: expected bytes`);
  if (h.length !== 20) throw new RangeError(`${field}: expected 20 bytes, got ${h.length}`);
}

/** `OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG` (25 bytes). */
export function p2pkhScript(hash: Uint8Array): Uint8Array {
  checkHash160(hash, 'hash160');
  return concatBytes(
    Uint8Array.of(OP.OP_DUP, OP.OP_HASH160, OP.OP_DATA_20),
    hash,
    Uint8Array.of(OP.OP_EQUALVERIFY, OP.OP_CHECKSIG),
  );
}

/** `OP_HASH160 <20> OP_EQUAL` (23 bytes). */
export function p2shScript(hash: Uint8Array): Uint8Array {
  checkHash160(hash, 'hash160');
  return concatBytes(Uint8Array.of(OP.OP_HASH160, OP.OP_DATA_20), hash, Uint8Array.of(OP.OP_EQUAL));
}

/** `OP_DATA_33 <compressed pubkey> OP_CHECKSIG` (35 bytes). */
export function p2pkScript(pubKey: Uint8Array): Uint8Array {
  if (!isStrictCompressedPubKey(pubKey)) {
    throw new TypeError('pubKey: expected a 33-byte compressed secp256k1 public key');
  }
  return concatBytes(Uint8Array.of(OP.OP_DATA_33), pubKey, Uint8Array.of(OP.OP_CHECKSIG));
}

/** The P2SH hash of a redeem script: Hash160 = RIPEMD160(BLAKE256(script)). */
export function scriptHash(script: Uint8Array): Uint8Array {
  if (!(script instanceof Uint8Array)) throw new TypeError('script: expected bytes');
  return hash160(script);
}

function isStrictCompressedPubKey(pub: Uint8Array): boolean {
  return pub instanceof Uint8Array && pub.length === 33 && (pub[0] === 0x02 || pub[0] === 0x03);
}

/**
 * m-of-n bare multisig redeem script `OP_m <33-byte key>… OP_n OP_CHECKMULTISIG`, keys in the order
 * given (dcrd MultiSigScriptV0 never sorts; the legacy pool relies on [poolKey, userKey]). Keys must
 * be compressed valid points and 1 ≤ m ≤ n ≤ 16.
 */
export function multiSigScript(m: number, pubKeys: readonly Uint8Array[]): Uint8Array {
  if (!Number.isInteger(m)) throw new TypeError('m: expected an integer');
  if (m < 0) throw new RangeError(`m: negative number of required signatures (${m})`);
  const list: unknown = pubKeys;
  if (!Array.isArray(list)) throw new TypeError('pubKeys: expected an array');
  if (m > pubKeys.length) {
    throw new RangeError(
      `m: ${m} required signatures but only ${pubKeys.length} public keys (too many required signatures)`,
    );
  }
  if (m === 0) throw new RangeError('m: at least one signature must be required');
  if (pubKeys.length > MAX_STANDARD_MULTISIG_KEYS) {
    throw new RangeError(
      `pubKeys: ${pubKeys.length} keys exceed the maximum of ${MAX_STANDARD_MULTISIG_KEYS}`,
    );
  }
  pubKeys.forEach((k, i) => {
    if (!isStrictCompressedPubKey(k)) {
      throw new TypeError(`pubKeys[${i}]: not a compressed public key (33 bytes, 02/03 prefix)`);
    }
    if (!isValidPublicKey(k)) throw new RangeError(`pubKeys[${i}]: not a valid secp256k1 point`);
  });
  const parts: Uint8Array[] = [Uint8Array.of(0x50 + m)];
  for (const k of pubKeys) parts.push(Uint8Array.of(OP.OP_DATA_33), k);
  parts.push(Uint8Array.of(0x50 + pubKeys.length, OP.OP_CHECKMULTISIG));
  return concatBytes(...parts);
}

/**
 * The threshold and keys of a standard multisig script (dcrd ExtractMultiSigScriptDetailsV0), or
 * undefined. Like dcrd this checks the form only (compressed 02/03 encodings), not that each key
 * is a point on the curve.
 */
export function parseMultiSigScript(
  script: Uint8Array,
): { m: number; pubKeys: Uint8Array[] } | undefined {
  if (script.length < 3 || script[script.length - 1] !== OP.OP_CHECKMULTISIG) return undefined;
  let ops: ScriptOp[];
  try {
    ops = parseScript(script);
  } catch {
    return undefined;
  }
  const first = ops[0];
  if (first === undefined || !isSmallIntOp(first.opcode)) return undefined;
  const m = smallIntValue(first.opcode);
  if (m === 0) return undefined;
  const pubKeys: Uint8Array[] = [];
  let i = 1;
  for (; i < ops.length; i++) {
    const data = ops[i]!.data;
    if (data === undefined || !isStrictCompressedPubKey(data)) break;
    pubKeys.push(data);
  }
  const count = ops[i];
  if (count === undefined || !isSmallIntOp(count.opcode)) return undefined;
  if (smallIntValue(count.opcode) !== pubKeys.length || pubKeys.length < m) return undefined;
  if (i !== ops.length - 2 || ops[i + 1]!.opcode !== OP.OP_CHECKMULTISIG) return undefined;
  return { m, pubKeys };
}

function isSmallIntOp(opcode: number): boolean {
  return opcode === OP.OP_0 || (opcode >= OP.OP_1 && opcode <= OP.OP_16);
}

function smallIntValue(opcode: number): number {
  return opcode === OP.OP_0 ? 0 : opcode - 0x50;
}

/** Which stake output a tag opcode marks. */
export type StakeTag = 'ticket' | 'change' | 'vote' | 'revocation' | 'treasury';

/** Tag opcodes: ticket voting rights, ticket change, vote payout, revocation payout, tspend payout. */
export const STAKE_TAG_OPCODES: Readonly<Record<StakeTag, number>> = Object.freeze({
  ticket: OP.OP_SSTX,
  change: OP.OP_SSTXCHANGE,
  vote: OP.OP_SSGEN,
  revocation: OP.OP_SSRTX,
  treasury: OP.OP_TGEN,
});

function stakeTagOpcode(tag: StakeTag): number {
  if (typeof tag !== 'string' || !Object.hasOwn(STAKE_TAG_OPCODES, tag)) {
    throw new TypeError(`tag: unknown stake tag ${JSON.stringify(tag)}`);
  }
  return STAKE_TAG_OPCODES[tag];
}

/** `<tag opcode>` followed by a standard P2PKH or P2SH script. */
export function stakeTaggedScript(
  tag: StakeTag,
  kind: 'p2pkh' | 'p2sh',
  hash: Uint8Array,
): Uint8Array {
  const op = stakeTagOpcode(tag);
  if (kind !== 'p2pkh' && kind !== 'p2sh') {
    throw new TypeError(`kind: expected "p2pkh" or "p2sh", got ${JSON.stringify(kind)}`);
  }
  return concatBytes(Uint8Array.of(op), kind === 'p2pkh' ? p2pkhScript(hash) : p2shScript(hash));
}

/** `OP_RETURN <data>` with a canonical push; data up to MAX_DATA_CARRIER_SIZE bytes. */
export function nullDataScript(data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new TypeError('data: expected bytes');
  if (data.length > MAX_DATA_CARRIER_SIZE) {
    throw new RangeError(
      `data: ${data.length} bytes exceed the maximum of ${MAX_DATA_CARRIER_SIZE}`,
    );
  }
  return concatBytes(Uint8Array.of(OP.OP_RETURN), pushData(data));
}

// ---------------------------------------------------------------------------------------------
// Classification
// ---------------------------------------------------------------------------------------------

type StakeClass<T extends string, Tg extends StakeTag> = {
  type: T;
  tag: Tg;
  hash160: Uint8Array;
};

/**
 * A version-0 output script by standard form. Names follow dcrd's stdscript ScriptType
 * (STPubKeyHashEcdsaSecp256k1 → 'p2pkh', STStakeSubmissionScriptHash → 'stakeSubmissionP2SH', …).
 */
export type ScriptClass =
  | { type: 'nonstandard' }
  | { type: 'p2pk'; pubKey: Uint8Array /* 33 or 65 bytes as in the script */ }
  | { type: 'p2pkEd25519'; pubKey: Uint8Array }
  | { type: 'p2pkSchnorrSecp256k1'; pubKey: Uint8Array }
  | { type: 'p2pkh'; hash160: Uint8Array }
  | { type: 'p2pkhEd25519'; hash160: Uint8Array }
  | { type: 'p2pkhSchnorrSecp256k1'; hash160: Uint8Array }
  | { type: 'p2sh'; hash160: Uint8Array }
  | { type: 'multisig'; m: number; pubKeys: Uint8Array[] }
  | { type: 'nulldata'; data: Uint8Array }
  | StakeClass<'stakeSubmissionP2PKH', 'ticket'>
  | StakeClass<'stakeSubmissionP2SH', 'ticket'>
  | StakeClass<'stakeGenP2PKH', 'vote'>
  | StakeClass<'stakeGenP2SH', 'vote'>
  | StakeClass<'stakeRevocationP2PKH', 'revocation'>
  | StakeClass<'stakeRevocationP2SH', 'revocation'>
  | StakeClass<'stakeChangeP2PKH', 'change'>
  | StakeClass<'stakeChangeP2SH', 'change'>
  | { type: 'treasuryAdd' }
  | StakeClass<'treasuryGenP2PKH', 'treasury'>
  | StakeClass<'treasuryGenP2SH', 'treasury'>;

export type ScriptType = ScriptClass['type'];

const STAKE_CLASS_NAMES: Readonly<Record<StakeTag, readonly [string, string]>> = {
  ticket: ['stakeSubmissionP2PKH', 'stakeSubmissionP2SH'],
  vote: ['stakeGenP2PKH', 'stakeGenP2SH'],
  revocation: ['stakeRevocationP2PKH', 'stakeRevocationP2SH'],
  change: ['stakeChangeP2PKH', 'stakeChangeP2SH'],
  treasury: ['treasuryGenP2PKH', 'treasuryGenP2SH'],
};

const TAG_BY_OPCODE = new Map<number, StakeTag>(
  (Object.entries(STAKE_TAG_OPCODES) as [StakeTag, number][]).map(([t, op]) => [op, t]),
);

function matchP2PKH(s: Uint8Array): Uint8Array | undefined {
  if (
    s.length === 25 &&
    s[0] === OP.OP_DUP &&
    s[1] === OP.OP_HASH160 &&
    s[2] === OP.OP_DATA_20 &&
    s[23] === OP.OP_EQUALVERIFY &&
    s[24] === OP.OP_CHECKSIG
  ) {
    return s.slice(3, 23);
  }
  return undefined;
}

function matchP2SH(s: Uint8Array): Uint8Array | undefined {
  if (
    s.length === 23 &&
    s[0] === OP.OP_HASH160 &&
    s[1] === OP.OP_DATA_20 &&
    s[22] === OP.OP_EQUAL
  ) {
    return s.slice(2, 22);
  }
  return undefined;
}

function isNullData(s: Uint8Array): Uint8Array | undefined {
  if (s.length < 1 || s[0] !== OP.OP_RETURN) return undefined;
  if (s.length === 1) return new Uint8Array(0);
  let ops: ScriptOp[];
  try {
    ops = parseScript(s.subarray(1));
  } catch {
    return undefined;
  }
  const op = ops[0];
  if (ops.length !== 1 || op === undefined) return undefined;
  const data = pushedData(op);
  if (data === undefined || data.length > MAX_DATA_CARRIER_SIZE || !isCanonicalNullDataPush(op)) {
    return undefined;
  }
  return data;
}

// dcrd's isCanonicalPushV0 (used only for nulldata) differs from the consensus minimal-data rule in
// one corner: it does not insist on OP_1NEGATE for 0x81, so `6a 01 81` is standard nulldata.
function isCanonicalNullDataPush(op: ScriptOp): boolean {
  if (op.opcode > OP.OP_16) return false;
  const n = op.data?.length ?? 0;
  if (op.opcode > OP.OP_0 && op.opcode < OP.OP_PUSHDATA1 && n === 1 && op.data![0]! <= 16) {
    return false;
  }
  if (op.opcode === OP.OP_PUSHDATA1 && n < OP.OP_PUSHDATA1) return false;
  if (op.opcode === OP.OP_PUSHDATA2 && n <= 0xff) return false;
  if (op.opcode === OP.OP_PUSHDATA4 && n <= 0xffff) return false;
  return true;
}

/**
 * Classify an output script of the given script version (only version 0 has standard forms;
 * every other version is 'nonstandard', as in dcrd DetermineScriptType). Never throws on bytes.
 */
export function classifyScript(script: Uint8Array, version = 0): ScriptClass {
  if (!(script instanceof Uint8Array)) throw new TypeError('script: expected bytes');
  if (version !== 0) return { type: 'nonstandard' };
  const s = script;
  const n = s.length;

  if (n === 35 && s[0] === OP.OP_DATA_33 && s[34] === OP.OP_CHECKSIG) {
    if (s[1] === 0x02 || s[1] === 0x03) return { type: 'p2pk', pubKey: s.slice(1, 34) };
  }
  if (n === 67 && s[0] === OP.OP_DATA_65 && s[66] === OP.OP_CHECKSIG && s[1] === 0x04) {
    return { type: 'p2pk', pubKey: s.slice(1, 66) };
  }
  if (n === 35 && s[0] === OP.OP_DATA_32 && s[33] === OP.OP_1 && s[34] === OP.OP_CHECKSIGALT) {
    return { type: 'p2pkEd25519', pubKey: s.slice(1, 33) };
  }
  if (
    n === 36 &&
    s[0] === OP.OP_DATA_33 &&
    (s[1] === 0x02 || s[1] === 0x03) &&
    s[34] === OP.OP_2 &&
    s[35] === OP.OP_CHECKSIGALT
  ) {
    return { type: 'p2pkSchnorrSecp256k1', pubKey: s.slice(1, 34) };
  }
  const pkh = matchP2PKH(s);
  if (pkh) return { type: 'p2pkh', hash160: pkh };
  if (
    n === 26 &&
    s[0] === OP.OP_DUP &&
    s[1] === OP.OP_HASH160 &&
    s[2] === OP.OP_DATA_20 &&
    s[23] === OP.OP_EQUALVERIFY &&
    s[25] === OP.OP_CHECKSIGALT
  ) {
    if (s[24] === OP.OP_1) return { type: 'p2pkhEd25519', hash160: s.slice(3, 23) };
    if (s[24] === OP.OP_2) return { type: 'p2pkhSchnorrSecp256k1', hash160: s.slice(3, 23) };
  }
  const sh = matchP2SH(s);
  if (sh) return { type: 'p2sh', hash160: sh };
  const ms = parseMultiSigScript(s);
  if (ms) return { type: 'multisig', m: ms.m, pubKeys: ms.pubKeys };
  const nd = isNullData(s);
  if (nd) return { type: 'nulldata', data: nd };
  if (n === 1 && s[0] === OP.OP_TADD) return { type: 'treasuryAdd' };

  const tag = n > 0 ? TAG_BY_OPCODE.get(s[0]!) : undefined;
  if (tag !== undefined) {
    const rest = s.subarray(1);
    const [pkhName, shName] = STAKE_CLASS_NAMES[tag];
    const h = matchP2PKH(rest);
    if (h) return { type: pkhName, tag, hash160: h } as ScriptClass;
    const h2 = matchP2SH(rest);
    if (h2) return { type: shName, tag, hash160: h2 } as ScriptClass;
  }
  return { type: 'nonstandard' };
}

/** The stake tag and underlying P2PKH/P2SH hash of a stake-tagged script, if it is one. */
export function stakeScriptDetails(
  script: Uint8Array,
): { tag: StakeTag; kind: 'p2pkh' | 'p2sh'; hash160: Uint8Array } | undefined {
  const c = classifyScript(script);
  if (!('tag' in c)) return undefined;
  return { tag: c.tag, kind: c.type.endsWith('P2SH') ? 'p2sh' : 'p2pkh', hash160: c.hash160 };
}

/**
 * The addresses an output script pays (dcrd stdscript.ExtractAddrs) and how many signatures spend
 * it (DetermineRequiredSigs). Bare multisig yields the P2PK address of each valid key in order;
 * uncompressed P2PK keys come back compressed. Ed25519/Schnorr forms are classified but give no
 * address, since this library's Address type covers secp256k1 ECDSA only.
 */
export function extractAddresses(
  script: Uint8Array,
  net: NetParams | NetworkName,
  version = 0,
): { type: ScriptType; addresses: Address[]; requiredSigs: number } {
  const params = typeof net === 'string' ? netParams(net) : net;
  const c = classifyScript(script, version);
  switch (c.type) {
    case 'nonstandard':
    case 'nulldata':
    case 'treasuryAdd':
      return { type: c.type, addresses: [], requiredSigs: 0 };
    case 'p2pkEd25519':
    case 'p2pkSchnorrSecp256k1':
    case 'p2pkhEd25519':
    case 'p2pkhSchnorrSecp256k1':
      return { type: c.type, addresses: [], requiredSigs: 1 };
    case 'p2pk': {
      const pubKey = compressIfValid(c.pubKey);
      const addresses: Address[] = pubKey ? [{ kind: 'p2pk', net: params, pubKey }] : [];
      return { type: c.type, addresses, requiredSigs: 1 };
    }
    case 'multisig': {
      const addresses: Address[] = [];
      for (const k of c.pubKeys) {
        const pubKey = compressIfValid(k);
        if (pubKey) addresses.push({ kind: 'p2pk', net: params, pubKey });
      }
      return { type: c.type, addresses, requiredSigs: c.m };
    }
    case 'p2pkh':
    case 'stakeSubmissionP2PKH':
    case 'stakeGenP2PKH':
    case 'stakeRevocationP2PKH':
    case 'stakeChangeP2PKH':
    case 'treasuryGenP2PKH':
      return {
        type: c.type,
        addresses: [{ kind: 'p2pkh', net: params, hash160: c.hash160 }],
        requiredSigs: 1,
      };
    case 'p2sh':
    case 'stakeSubmissionP2SH':
    case 'stakeGenP2SH':
    case 'stakeRevocationP2SH':
    case 'stakeChangeP2SH':
    case 'treasuryGenP2SH':
      return {
        type: c.type,
        addresses: [{ kind: 'p2sh', net: params, hash160: c.hash160 }],
        requiredSigs: 1,
      };
  }
}

function compressIfValid(pub: Uint8Array): Uint8Array | undefined {
  return isValidPublicKey(pub) ? publicKeyConvert(pub, true) : undefined;
}
