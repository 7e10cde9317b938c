// Transaction wire throughput: decode, encode and TxHash of a ~10 kB transaction shaped like a
// consolidation (many P2PKH inputs with signatures, many P2PKH outputs).
import { bench } from './harness.ts';
import { blake256 } from '../src/dcr/hash.ts';
import { TxSerType, decodeTx, encodeTx, newTxIn, txHash } from '../src/dcr/tx.ts';
import type { Tx } from '../src/dcr/tx.ts';

function filled(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (seed * 31 + i * 7) & 0xff;
  return out;
}

const N_IN = 50;
const N_OUT = 50;
const tx: Tx = {
  version: 1,
  inputs: Array.from({ length: N_IN }, (_, i) =>
    newTxIn(blake256(Uint8Array.of(i)), i % 4, 0, {
      valueIn: 100_000_000n + BigInt(i),
      blockHeight: 800_000 + i,
      blockIndex: i,
      // A DER signature push plus a compressed pubkey push, the usual P2PKH sigScript size.
      sigScript: filled(107, i),
    }),
  ),
  outputs: Array.from({ length: N_OUT }, (_, i) => ({
    value: 1_000_000n * BigInt(i + 1),
    version: 0,
    pkScript: Uint8Array.of(0x76, 0xa9, 0x14, ...filled(20, 1000 + i), 0x88, 0xac),
  })),
  lockTime: 0,
  expiry: 0,
};
const bytes = encodeTx(tx);
const OPS = 2000;
process.stdout.write(`tx: ${N_IN} inputs, ${N_OUT} outputs, ${bytes.length} bytes\n`);

const perTx = (name: string, opsPerSecond: number): void => {
  process.stdout.write(`  ${name}: ${Math.round(opsPerSecond).toLocaleString('en-US')} tx/s\n`);
};

let sink = 0;
const dec = bench(
  'decodeTx ~10 kB',
  OPS,
  () => {
    for (let i = 0; i < OPS; i++) sink += decodeTx(bytes).inputs.length;
  },
  { bytesPerRun: bytes.length * OPS },
);
perTx('decodeTx', dec.opsPerSecond);

const enc = bench(
  'encodeTx ~10 kB',
  OPS,
  () => {
    for (let i = 0; i < OPS; i++) sink += encodeTx(tx).length;
  },
  { bytesPerRun: bytes.length * OPS },
);
perTx('encodeTx', enc.opsPerSecond);

// TxHash serializes the prefix (about a third of the tx here) and hashes it.
const prefixLen = encodeTx(tx, TxSerType.NoWitness).length;
const hash = bench(
  'txHash ~10 kB (prefix hashed)',
  OPS,
  () => {
    for (let i = 0; i < OPS; i++) sink += txHash(tx)[0]!;
  },
  { bytesPerRun: prefixLen * OPS, note: `${prefixLen}-byte prefix per tx` },
);
perTx('txHash', hash.opsPerSecond);

if (sink === -1) process.stdout.write('unreachable\n');
