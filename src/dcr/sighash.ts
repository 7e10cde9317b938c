// Decred signature hashes (dcrd txscript CalcSignatureHash, version-0 scripts). Unlike Bitcoin's
// legacy algorithm, Decred hashes the transaction prefix and a "witness" made only of the script
// committed for the signed input separately, then hashes the hash type with both digests. Witness
// values (ValueIn, BlockHeight, BlockIndex) and existing signature scripts are never committed,
// which is why a vote's fraud-proof fields can be filled in after signing.
import { ByteWriter } from './bytes.ts';
import { blake256 } from './hash.ts';
import { parseScript } from './script.ts';
import type { Tx, TxIn, TxOut } from './tx.ts';

/** Hash types; AnyOneCanPay is a flag combined with one of the other three. */
export const SigHashType = { All: 0x01, None: 0x02, Single: 0x03, AnyOneCanPay: 0x80 } as const;
export type SigHashType = (typeof SigHashType)[keyof typeof SigHashType];

/** The bits of the hash type that choose which inputs and outputs are committed. */
const SIG_HASH_MASK = 0x1f;
/** Serialization types written in the upper 16 bits of the committed version field. */
const SER_PREFIX = 1;
const SER_WITNESS = 3;
const NO_SCRIPT = new Uint8Array(0);

/** Validate a hash type byte; every value 0..255 is accepted, as in dcrd. */
function checkHashType(hashType: number): void {
  if (!Number.isInteger(hashType) || hashType < 0 || hashType > 0xff) {
    throw new RangeError('hashType: must be an integer in [0, 255]');
  }
}

/**
 * The prefix digest for `hashType`: the committed inputs (sequences of other inputs zeroed for
 * None and Single) and outputs (none for None; for Single the outputs up to the signed index,
 * all but the last blanked to value -1 with an empty script).
 */
function prefixHash(tx: Tx, hashType: number, inputs: TxIn[], signIdx: number, outIdx: number) {
  const base = hashType & SIG_HASH_MASK;
  let outputs: TxOut[] = tx.outputs;
  if (base === SigHashType.None) outputs = [];
  else if (base === SigHashType.Single) outputs = tx.outputs.slice(0, outIdx + 1);
  const zeroOtherSequences = base === SigHashType.None || base === SigHashType.Single;

  const w = new ByteWriter(64 + inputs.length * 41 + outputs.length * 40);
  w.u32((tx.version | (SER_PREFIX << 16)) >>> 0);
  w.varInt(inputs.length);
  inputs.forEach((ti, i) => {
    w.bytes(ti.prevHash)
      .u32(ti.prevIndex)
      .u8(ti.prevTree & 0xff);
    w.u32(zeroOtherSequences && i !== signIdx ? 0 : ti.sequence);
  });
  w.varInt(outputs.length);
  outputs.forEach((to, i) => {
    const blank = base === SigHashType.Single && i !== outIdx;
    w.i64(blank ? -1n : to.value).u16(to.version);
    w.varBytes(blank ? NO_SCRIPT : to.pkScript);
  });
  w.u32(tx.lockTime).u32(tx.expiry);
  return blake256(w.finish());
}

/**
 * Signature hash of input `inputIndex` of `tx` committing to `subscript` (the previous output's
 * script, or for P2SH the redeem script). `hashType` is the full byte; only its low 5 bits and the
 * 0x80 flag select what is committed, undefined base types select like SigHashAll.
 *
 * `cachedPrefixHash` (the TxHash) replaces the prefix digest for plain SigHashAll, where the two
 * are the same bytes; dcrd's engine uses the tx hash the same way.
 *
 * Throws RangeError for a subscript that does not parse, an input index outside the transaction,
 * and SigHashSingle when there is no output at the input's index (dcrd
 * ErrInvalidSigHashSingleIndex; there is no substitute hash as in Bitcoin).
 */
export function calcSignatureHash(
  subscript: Uint8Array,
  hashType: number,
  tx: Tx,
  inputIndex: number,
  cachedPrefixHash?: Uint8Array,
): Uint8Array {
  checkHashType(hashType);
  // dcrd refuses to hash a script that does not parse (a push running past its end).
  parseScript(subscript, 'subscript');
  if (!Number.isInteger(inputIndex) || inputIndex < 0 || inputIndex >= tx.inputs.length) {
    throw new RangeError(
      `inputIndex: ${inputIndex} is not an input of a transaction with ${tx.inputs.length} inputs`,
    );
  }
  const base = hashType & SIG_HASH_MASK;
  if (base === SigHashType.Single && inputIndex >= tx.outputs.length) {
    throw new RangeError(
      `inputIndex: SigHashSingle input ${inputIndex} has no output (${tx.outputs.length} ` +
        `outputs) (ErrInvalidSigHashSingleIndex)`,
    );
  }

  const anyOneCanPay = (hashType & SigHashType.AnyOneCanPay) !== 0;
  const inputs = anyOneCanPay ? [tx.inputs[inputIndex]!] : tx.inputs;
  const signIdx = anyOneCanPay ? 0 : inputIndex;

  let prefix: Uint8Array;
  if (cachedPrefixHash !== undefined && base === SigHashType.All && !anyOneCanPay) {
    if (cachedPrefixHash.length !== 32) {
      throw new RangeError('cachedPrefixHash: must be 32 bytes');
    }
    prefix = cachedPrefixHash;
  } else {
    prefix = prefixHash(tx, hashType, inputs, signIdx, inputIndex);
  }

  const w = new ByteWriter(16 + inputs.length + subscript.length);
  w.u32((tx.version | (SER_WITNESS << 16)) >>> 0);
  w.varInt(inputs.length);
  for (let i = 0; i < inputs.length; i++) w.varBytes(i === signIdx ? subscript : NO_SCRIPT);
  const witness = blake256(w.finish());

  const out = new ByteWriter(68);
  out.u32(hashType).bytes(prefix).bytes(witness);
  return blake256(out.finish());
}
