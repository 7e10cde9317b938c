// Fee-address derivation as a pool runs it: P2PKH of xpub/0/i for i = 0..9999 from a fixed xpub
// (the testnet fee xpub of the shared vectors). Target: 10,000 addresses in ≤ 1.5 s.
import { bench } from './harness.ts';
import { AddressDeriver, ExtendedKey, deriveAddress } from '../src/dcr/hdkey.ts';

const XPUB =
  'tpubVpQL1h9UcY9c1BPZYfjYEtw5froRAvqZEo6sn5Tji6VkhcpfMaQ6id9Spf5iNvprRTcpdF5pj7m5Suyu1E8iC4xnb6MkjUnCJureTsmdXfG';
const COUNT = 10_000;
const TARGET = 'target ≤ 1.5 s for 10,000';
const xpub = ExtendedKey.fromString(XPUB, 'testnet3');

// Keep the results reachable so the work cannot be optimised away.
let sink = '';

bench(
  'hdkey naive deriveAddress(xpub, 0, i)',
  COUNT,
  () => {
    for (let i = 0; i < COUNT; i++) sink = deriveAddress(xpub, 0, i);
  },
  { runs: 3, note: `${TARGET}; derives the branch key every time` },
);

bench(
  'hdkey AddressDeriver(xpub, 0).address(i)',
  COUNT,
  () => {
    const deriver = new AddressDeriver(xpub, 0);
    for (let i = 0; i < COUNT; i++) sink = deriver.address(i)?.address ?? sink;
  },
  { runs: 3, note: `${TARGET}; branch key cached` },
);

if (sink.length === 0) throw new Error('no address derived');
