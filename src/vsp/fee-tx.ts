// Checks on the fee transaction a wallet submits to /payfee: dcrd's context-free sanity rules,
// and how much it pays to the ticket's fee address. Inputs are not checked here; dcrd checks them
// when the fee is broadcast.
import { addressPayScript, decodeAddress } from '../dcr/address.ts';
import { equalBytes, toHex } from '../dcr/bytes.ts';
import { MAX_ATOMS } from '../dcr/amounts.ts';
import type { NetParams, NetworkName } from '../dcr/params.ts';
import { NULL_VALUE_IN, txSize } from '../dcr/tx.ts';
import type { Tx } from '../dcr/tx.ts';

/** chaincfg MaxTxSize per network. */
export const MAX_TX_SIZE: Readonly<Record<NetworkName, number>> = Object.freeze({
  mainnet: 393216,
  testnet3: 1000000,
  simnet: 1000000,
  regnet: 1000000,
});

/**
 * dcrd blockchain/standalone CheckTransactionSanity: at least one input and one output, size
 * within MaxTxSize, every output and their total in [0, 21e6 DCR], every input's fraud-proof
 * value in range (or the null value), no outpoint spent twice. Returns the broken rule, or
 * undefined for a sane tx.
 */
export function txSanityError(tx: Tx, net: NetParams): string | undefined {
  if (tx.inputs.length === 0) return 'transaction has no inputs';
  if (tx.outputs.length === 0) return 'transaction has no outputs';
  const size = txSize(tx);
  const max = MAX_TX_SIZE[net.name];
  if (size > max) return `serialized transaction is too big - got ${size}, max ${max}`;
  let total = 0n;
  for (const out of tx.outputs) {
    if (out.value < 0n) return `transaction output has negative value of ${out.value}`;
    if (out.value > MAX_ATOMS) return `transaction output value of ${out.value} is too high`;
    total += out.value;
    if (total > MAX_ATOMS) return `total value of all transaction outputs is too high`;
  }
  for (const input of tx.inputs) {
    if (input.valueIn < 0n && input.valueIn !== NULL_VALUE_IN) {
      return `transaction input value has negative value of ${input.valueIn}`;
    }
    if (input.valueIn > MAX_ATOMS) return `transaction input value ${input.valueIn} is too high`;
  }
  const seen = new Set<string>();
  for (const input of tx.inputs) {
    const outpoint = `${toHex(input.prevHash)}:${input.prevIndex}:${input.prevTree}`;
    if (seen.has(outpoint)) return 'transaction contains duplicate inputs';
    seen.add(outpoint);
  }
  return undefined;
}

/**
 * The value of the first output paying `feeAddress` (same script, script version 0), as vspd
 * takes it; 0n when no output pays it.
 */
export function feePaidTo(tx: Tx, feeAddress: string, net: NetParams): bigint {
  const script = addressPayScript(decodeAddress(feeAddress, net, 'feeAddress'));
  const out = tx.outputs.find((o) => o.version === 0 && equalBytes(o.pkScript, script));
  return out?.value ?? 0n;
}
