// Ticket checks the VSP makes on untrusted input: the hash format, the ticket shape vspd accepts
// (an SStx with exactly three outputs: one commitment, so one owner), the commitment address
// that signs requests, and whether the ticket can still vote.
import { decodeAddress } from '../dcr/address.ts';
import { ByteWriter, equalBytes } from '../dcr/bytes.ts';
import { blake256, hash160 } from '../dcr/hash.ts';
import { recoverCompact } from '../dcr/message.ts';
import type { NetParams } from '../dcr/params.ts';
import { commitmentAddress, isTicket, ticketCommitments } from '../dcr/stake.ts';
import type { Tx } from '../dcr/tx.ts';

/**
 * A ticket hash as dcrd prints it: 64 lowercase hex characters. vspd also parses uppercase,
 * but then stores and compares the string as given, so an uppercase hash can never match
 * the ticket; rejecting it up front gives the client the real reason.
 */
export function isTicketHash(s: unknown): s is string {
  return typeof s === 'string' && /^[0-9a-f]{64}$/.test(s);
}

/** vspd isValidTicket: a ticket (CheckSStx) with exactly 3 outputs. */
export function isVspTicket(tx: Tx): boolean {
  return tx.outputs.length === 3 && isTicket(tx);
}

/** The address of the ticket's only commitment (output 1). Throws if `tx` is not a ticket. */
export function ticketCommitmentAddress(tx: Tx, net: NetParams): string {
  const [first] = ticketCommitments(tx);
  if (first === undefined) throw new RangeError('ticket: has no commitment');
  return commitmentAddress(first, net);
}

const MAGIC = new TextEncoder().encode('Decred Signed Message:\n');

/**
 * Verify a Decred signed message whose message is `body`'s exact bytes (dcrd VerifyMessage
 * over Go's string(reqBytes)). Working on bytes instead of a JS string keeps a body that is
 * not UTF-8 from being re-encoded before hashing. False for anything that does not verify
 * against a P2PKH address of `net`.
 */
export function verifyBodySignature(
  address: string,
  signatureBase64: string,
  body: Uint8Array,
  net: NetParams,
): boolean {
  let want: Uint8Array;
  try {
    const a = decodeAddress(address, net);
    if (a.kind !== 'p2pkh') return false;
    want = a.hash160;
  } catch {
    return false;
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(signatureBase64)) return false;
  const sig = Buffer.from(signatureBase64, 'base64');
  if (sig.length !== 65) return false;
  const w = new ByteWriter(MAGIC.length + body.length + 12);
  w.varBytes(MAGIC).varBytes(body);
  const rec = recoverCompact(new Uint8Array(sig), blake256(w.finish()));
  return rec !== undefined && equalBytes(hash160(rec.publicKey), want);
}

/** Confirmations after which vspd treats a ticket purchase (and a fee tx) as final. */
export const REQUIRED_CONFIRMATIONS = 6;

/**
 * vspd canTicketVote: a ticket in the mempool or immature will be able to vote; one with more
 * than TicketMaturity + TicketExpiry + 1 confirmations cannot; in between it can only while
 * dcrd reports it live.
 */
export async function ticketCanVote(
  confirmations: number,
  net: NetParams,
  isLive: () => Promise<boolean>,
): Promise<boolean> {
  if (confirmations > net.ticketMaturity + net.ticketExpiry + 1) return false;
  if (confirmations <= net.ticketMaturity) return true;
  return isLive();
}
