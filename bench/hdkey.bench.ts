// Fee-address derivation as a pool runs it: P2PKH of xpub/0/i for i = 0..9999 from a fixed xpub
// (the testnet fee xpub of the shared vectors). Target: 10,000 addresses in ≤ 1.5 s.
//
// Derivation runs on the active secp256k1 backend of src/dcr/secp.ts (native libsecp256k1 where
// the secp256k1 package has a prebuilt binary; the label says which). Nearly all of a cached
// derivation is one publicKeyTweakAdd (pub + IL·G), so that step is timed on both backends, and
// the noble total is estimated as the measured derivation with the active tweak-add swapped for
// noble's.
import { bench } from './harness.ts';
import { blake256 } from '../src/dcr/hash.ts';
import { AddressDeriver, ExtendedKey, deriveAddress } from '../src/dcr/hdkey.ts';
import { SECP_BACKEND, nobleSecp, publicKeyTweakAdd } from '../src/dcr/secp.ts';

const XPUB =
  'tpubVpQL1h9UcY9c1BPZYfjYEtw5froRAvqZEo6sn5Tji6VkhcpfMaQ6id9Spf5iNvprRTcpdF5pj7m5Suyu1E8iC4xnb6MkjUnCJureTsmdXfG';
const COUNT = 10_000;
const TARGET = 'target ≤ 1.5 s for 10,000';
const ACTIVE = `[${SECP_BACKEND}]`;
const xpub = ExtendedKey.fromString(XPUB, 'testnet3');

// Keep the results reachable so the work cannot be optimised away.
let sink = '';
let bytes = 0;

bench(
  `hdkey naive deriveAddress(xpub, 0, i) ${ACTIVE}`,
  COUNT,
  () => {
    for (let i = 0; i < COUNT; i++) sink = deriveAddress(xpub, 0, i);
  },
  { runs: 3, note: `${TARGET}; derives the branch key every time` },
);

const cached = bench(
  `hdkey AddressDeriver(xpub, 0).address(i) ${ACTIVE}`,
  COUNT,
  () => {
    const deriver = new AddressDeriver(xpub, 0);
    for (let i = 0; i < COUNT; i++) sink = deriver.address(i)?.address ?? sink;
  },
  { runs: 3, note: `${TARGET}; branch key cached` },
);

// The tweak-add alone, with the branch public key and tweaks shaped like IL (uniform 32 bytes).
const branchPub = new AddressDeriver(xpub, 0).branchKey.publicKey;
const enc = new TextEncoder();
const tweaks = Array.from({ length: COUNT }, (_, i) => blake256(enc.encode(`tweak ${i}`)));
const activeTweak = bench(`  publicKeyTweakAdd ${ACTIVE}`, COUNT, () => {
  for (let i = 0; i < COUNT; i++) bytes += publicKeyTweakAdd(branchPub, tweaks[i]!)?.length ?? 0;
});
const nobleTweak = bench(
  '  publicKeyTweakAdd [noble]',
  COUNT,
  () => {
    for (let i = 0; i < COUNT; i++) {
      bytes += nobleSecp.publicKeyTweakAdd(branchPub, tweaks[i]!)?.length ?? 0;
    }
  },
  { runs: 3 },
);
const rest = cached.medianSeconds - activeTweak.medianSeconds;
const nobleEstimate = rest + nobleTweak.medianSeconds;
process.stdout.write(
  `  AddressDeriver without the tweak-add (HMAC-SHA512, Hash160, base58check): ` +
    `${(rest * 1000).toFixed(0)} ms for ${COUNT}\n` +
    `  AddressDeriver on noble, estimated: ${nobleEstimate.toFixed(3)} s for ${COUNT}  [${TARGET}]\n`,
);

if (sink.length === 0 || bytes === 0) throw new Error('no address derived');
