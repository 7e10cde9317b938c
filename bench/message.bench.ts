// Signed messages as the pool checks them: verifyMessage = base64 decode, message digest, public
// key recovery, Hash160 and comparison with the decoded P2PKH address. Target: ≥ 5,000
// verifications/s on one core. Every figure is printed for both secp256k1 backends: the active
// one of src/dcr/secp.ts (native libsecp256k1 where the secp256k1 package has a prebuilt binary;
// the label says which) and @noble/curves (pure JS, the fallback).
import { base64 } from '@scure/base';
import { decodeAddress, encodeAddress, p2pkhAddress } from '../src/dcr/address.ts';
import { equalBytes } from '../src/dcr/bytes.ts';
import { blake256, hash160 } from '../src/dcr/hash.ts';
import { messageHash, signMessage, verifyMessage } from '../src/dcr/message.ts';
import {
  SECP_BACKEND,
  nobleSecp,
  privateKeyTweakAdd,
  publicKeyCreate,
  publicKeyTweakAdd,
  recoverPublicKey,
  signRecoverable,
} from '../src/dcr/secp.ts';
import { bench } from './harness.ts';

const N = 1000;
const ACTIVE = `[${SECP_BACKEND}]`;
const TARGET = 'target ≥ 5,000/s on one core';
const enc = new TextEncoder();
const keys = Array.from({ length: N }, (_, i) => blake256(enc.encode(`message bench key ${i}`)));
const messages = keys.map((_, i) => `stakepool login challenge ${i} ${'x'.repeat(i % 40)}`);
const addresses = keys.map((k) => encodeAddress(p2pkhAddress(publicKeyCreate(k), 'mainnet')));
const signatures = keys.map((k, i) => signMessage(messages[i]!, k));
const digests = messages.map((m) => messageHash(m));
const compacts = keys.map((k, i) => signRecoverable(digests[i]!, k));
let sink = 0;

/** verifyMessage's pipeline with the recovery done by noble. */
function verifyMessageNoble(address: string, signature: string, message: string): boolean {
  const a = decodeAddress(address, 'mainnet');
  if (a.kind !== 'p2pkh') return false;
  const sig = base64.decode(signature);
  const rec = Uint8Array.from(sig);
  rec[0] = (sig[0]! - 27) & 3;
  const pub = nobleSecp.recoverPublicKey(rec, messageHash(message), sig[0]! - 27 >= 4);
  return pub !== undefined && equalBytes(hash160(pub), a.hash160);
}

for (let i = 0; i < N; i++) {
  if (!verifyMessage(addresses[i]!, signatures[i]!, messages[i]!, 'mainnet')) {
    throw new Error('bench setup: signature does not verify');
  }
}

bench(
  `verifyMessage ${ACTIVE}`,
  N,
  () => {
    for (let i = 0; i < N; i++) {
      if (verifyMessage(addresses[i]!, signatures[i]!, messages[i]!, 'mainnet')) sink++;
    }
  },
  { note: TARGET },
);
bench(
  'verifyMessage [noble]',
  N / 4,
  () => {
    for (let i = 0; i < N / 4; i++) {
      if (verifyMessageNoble(addresses[i]!, signatures[i]!, messages[i]!)) sink++;
    }
  },
  { runs: 5, note: `${TARGET}; same pipeline, recovery in pure JS` },
);
bench(`  recover public key ${ACTIVE}`, N, () => {
  for (let i = 0; i < N; i++) sink += recoverPublicKey(compacts[i]!, digests[i]!)!.length;
});
bench(
  '  recover public key [noble]',
  N / 4,
  () => {
    for (let i = 0; i < N / 4; i++) {
      sink += nobleSecp.recoverPublicKey(compacts[i]!, digests[i]!)!.length;
    }
  },
  { runs: 5 },
);
const recovered = compacts.map((c, i) => recoverPublicKey(c, digests[i]!)!);
bench('  rest of verifyMessage (address decode, base64, digest, Hash160, compare)', N, () => {
  for (let i = 0; i < N; i++) {
    const a = decodeAddress(addresses[i]!, 'mainnet');
    sink += base64.decode(signatures[i]!).length + messageHash(messages[i]!).length;
    if (a.kind === 'p2pkh' && equalBytes(hash160(recovered[i]!), a.hash160)) sink++;
  }
});

bench(`signMessage ${ACTIVE}`, N, () => {
  for (let i = 0; i < N; i++) sink += signMessage(messages[i]!, keys[i]!).length;
});
bench(
  '  sign recoverable [noble]',
  N / 4,
  () => {
    for (let i = 0; i < N / 4; i++) sink += nobleSecp.signRecoverable(digests[i]!, keys[i]!).length;
  },
  { runs: 5 },
);

// Key arithmetic of HD derivation (fee addresses, signing keys).
const pubs = keys.map((k) => publicKeyCreate(k));
bench(`publicKeyCreate ${ACTIVE}`, N, () => {
  for (let i = 0; i < N; i++) sink += publicKeyCreate(keys[i]!).length;
});
bench('publicKeyCreate [noble]', N, () => {
  for (let i = 0; i < N; i++) sink += nobleSecp.publicKeyCreate(keys[i]!).length;
});
bench(`publicKeyTweakAdd ${ACTIVE}`, N, () => {
  for (let i = 0; i < N; i++) sink += publicKeyTweakAdd(pubs[i]!, keys[N - 1 - i]!)!.length;
});
bench('publicKeyTweakAdd [noble]', N, () => {
  for (let i = 0; i < N; i++) {
    sink += nobleSecp.publicKeyTweakAdd(pubs[i]!, keys[N - 1 - i]!)!.length;
  }
});

bench(`privateKeyTweakAdd ${ACTIVE}`, N, () => {
  for (let i = 0; i < N; i++) sink += privateKeyTweakAdd(keys[i]!, keys[N - 1 - i]!)!.length;
});
bench('privateKeyTweakAdd [noble] (bigint)', N, () => {
  for (let i = 0; i < N; i++) {
    sink += nobleSecp.privateKeyTweakAdd(keys[i]!, keys[N - 1 - i]!)!.length;
  }
});

if (sink === 0) throw new Error('nothing computed');
