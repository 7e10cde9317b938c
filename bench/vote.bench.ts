// Voting as the pool's voter runs it for each winning ticket: build the vote, compute the
// signature hash of the ticket input and sign it (RFC 6979, low S). Target for signing a vote
// input: ≥ 2,000/s on one core. Signing and verification are printed for both secp256k1
// backends: the active one of src/dcr/secp.ts (native libsecp256k1 where the secp256k1 package
// has a prebuilt binary; the label says which) and @noble/curves (pure JS, the fallback).
import { hashFromDisplay } from '../src/dcr/bytes.ts';
import { blake256, hash160 } from '../src/dcr/hash.ts';
import { netParams } from '../src/dcr/params.ts';
import { multiSigScript, stakeTaggedScript } from '../src/dcr/script.ts';
import { SECP_BACKEND, nobleSecp, publicKeyCreate, verifyDer } from '../src/dcr/secp.ts';
import { calcSignatureHash, SigHashType } from '../src/dcr/sighash.ts';
import { signInput, p2shMultiSigSigScript, sigScriptPushes } from '../src/dcr/sign.ts';
import { txHash } from '../src/dcr/tx.ts';
import { buildVote, signVote } from '../src/dcr/vote.ts';
import type { TicketInfo } from '../src/dcr/vote.ts';
import { bench } from './harness.ts';

const N = 1000;
const ACTIVE = `[${SECP_BACKEND}]`;
const TARGET = 'target ≥ 2,000/s on one core';
const net = netParams('mainnet');
const enc = new TextEncoder();
const key = (s: string): Uint8Array => blake256(enc.encode(s));
const poolKeys = Array.from({ length: N }, (_, i) => key(`pool ${i}`));
const userKeys = Array.from({ length: N }, (_, i) => key(`user ${i}`));
const redeems = poolKeys.map((k, i) =>
  multiSigScript(1, [publicKeyCreate(k), publicKeyCreate(userKeys[i]!)]),
);
const votingScripts = redeems.map((r) => stakeTaggedScript('ticket', 'p2sh', hash160(r)));
// A legacy pool ticket: commitment 0 pays the pool fee, commitment 1 returns the user's stake.
const tickets: TicketInfo[] = redeems.map((_, i) => ({
  hash: key(`ticket ${i}`),
  price: 13_878_152_470n,
  commitments: [
    { hash160: key(`fee ${i}`).subarray(0, 20), isP2SH: false, amount: 944_988n },
    { hash160: key(`stake ${i}`).subarray(0, 20), isP2SH: false, amount: 13_877_207_482n },
  ],
  votingScript: votingScripts[i]!,
}));
const blockHash = hashFromDisplay(
  '00000000000000002597a12305aa8de767962daeae7d6dd424c168a2fe0e3c9c',
);
const params = (i: number) => ({
  ticket: tickets[i]!,
  blockHash,
  blockHeight: 432099,
  voteBits: 1,
  voteVersion: net.voteVersion,
  subsidy: 93_272_061n,
  net,
});
const votes = tickets.map((_, i) => buildVote(params(i)));
const signed = votes.map((v, i) => signVote(v, votingScripts[i]!, poolKeys[i]!, redeems[i]));
const sigs = signed.map((v) => sigScriptPushes(v.inputs[1]!.sigScript)![0]!);
const digests = votes.map((v, i) => calcSignatureHash(redeems[i]!, SigHashType.All, v, 1));
const poolPubs = poolKeys.map((k) => publicKeyCreate(k));
let sink = 0;

bench('buildVote (2 commitments)', N, () => {
  for (let i = 0; i < N; i++) sink += buildVote(params(i)).outputs.length;
});
bench('calcSignatureHash (vote input 1, SigHashAll)', N, () => {
  for (let i = 0; i < N; i++) {
    sink += calcSignatureHash(redeems[i]!, SigHashType.All, votes[i]!, 1).length;
  }
});
bench(
  `signVote P2SH 1-of-2 (checks, sighash, sign, sigScript) ${ACTIVE}`,
  N,
  () => {
    for (let i = 0; i < N; i++) {
      sink += signVote(votes[i]!, votingScripts[i]!, poolKeys[i]!, redeems[i]).inputs.length;
    }
  },
  { note: TARGET },
);
bench(`  signInput (sighash + sign) ${ACTIVE}`, N, () => {
  for (let i = 0; i < N; i++) sink += signInput(votes[i]!, 1, redeems[i]!, poolKeys[i]!).length;
});
bench(
  '  sighash + sign + sigScript [noble]',
  N / 4,
  () => {
    for (let i = 0; i < N / 4; i++) {
      const d = calcSignatureHash(redeems[i]!, SigHashType.All, votes[i]!, 1);
      const der = nobleSecp.signDer(d, poolKeys[i]!);
      const sig = new Uint8Array(der.length + 1);
      sig.set(der);
      sig[der.length] = SigHashType.All;
      sink += p2shMultiSigSigScript([sig], redeems[i]!).length;
    }
  },
  { runs: 5, note: `${TARGET}; signing in pure JS` },
);
bench(`verify vote signature (DER, low S) ${ACTIVE}`, N, () => {
  for (let i = 0; i < N; i++) {
    if (verifyDer(sigs[i]!.subarray(0, -1), digests[i]!, poolPubs[i]!, true)) sink++;
  }
});
bench(
  'verify vote signature (DER, low S) [noble]',
  N / 4,
  () => {
    for (let i = 0; i < N / 4; i++) {
      if (nobleSecp.verifyDer(sigs[i]!.subarray(0, -1), digests[i]!, poolPubs[i]!, true)) sink++;
    }
  },
  { runs: 5 },
);
bench('txHash of a signed vote', N, () => {
  for (let i = 0; i < N; i++) sink += txHash(signed[i]!).length;
});

if (sink === 0) throw new Error('nothing computed');
