// Vote-change records: the signed request and response of every payfee and setvotechoices call,
// kept as evidence of what the user asked for. Like vspd's votechangebkt: at most 10 per ticket,
// the oldest dropped first, serial numbers increasing from 0 and never reused.
import type { Selectable } from 'kysely';
import { nowSeconds, toNumber } from './engine.ts';
import { withTransaction } from './transaction.ts';
import type { Db } from './transaction.ts';
import { lockTicket } from './vsp-tickets.ts';

export interface VspVoteChangesTable {
  ticket_hash: string;
  seq: number;
  request: string;
  request_signature: string;
  response: string;
  response_signature: string;
  created_at: bigint;
}

export interface VoteChangeRecord {
  /** The raw request body, exactly as received. */
  request: string;
  requestSignature: string;
  /** The raw response body, exactly as sent. */
  response: string;
  responseSignature: string;
}

export interface VoteChange extends VoteChangeRecord {
  ticketHash: string;
  seq: number;
  createdAt: number;
}

/** vspd's default maxVoteChangeRecords. */
export const MAX_VOTE_CHANGES = 10;

function fromRow(r: Selectable<VspVoteChangesTable>): VoteChange {
  return {
    ticketHash: r.ticket_hash,
    seq: r.seq,
    request: r.request,
    requestSignature: r.request_signature,
    response: r.response,
    responseSignature: r.response_signature,
    createdAt: toNumber(r.created_at),
  };
}

/**
 * Appends a record for a stored ticket and drops the oldest ones beyond max. Returns the new
 * record's serial number. Appends to one ticket are serialised by the ticket's row lock, so two
 * servers recording at once both keep their record.
 */
export async function appendVoteChange(
  db: Db,
  ticketHash: string,
  record: VoteChangeRecord,
  max: number = MAX_VOTE_CHANGES,
): Promise<number> {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`max: must be ≥ 1, got ${max}`);
  for (const field of ['request', 'requestSignature', 'response', 'responseSignature'] as const) {
    if (typeof record[field] !== 'string') throw new TypeError(`${field}: must be a string`);
  }
  return withTransaction(db, async (trx) => {
    if (!(await lockTicket(trx, ticketHash))) {
      throw new RangeError(`ticketHash: ticket ${ticketHash} is not stored`);
    }
    const seqs = (
      await trx
        .selectFrom('vsp_vote_changes')
        .select('seq')
        .where('ticket_hash', '=', ticketHash)
        .orderBy('seq')
        .execute()
    ).map((r) => r.seq);
    const excess = seqs.length - max + 1;
    if (excess > 0) {
      await trx
        .deleteFrom('vsp_vote_changes')
        .where('ticket_hash', '=', ticketHash)
        .where('seq', 'in', seqs.slice(0, excess))
        .execute();
    }
    const last = seqs.at(-1);
    const seq = last === undefined ? 0 : last + 1;
    await trx
      .insertInto('vsp_vote_changes')
      .values({
        ticket_hash: ticketHash,
        seq,
        request: record.request,
        request_signature: record.requestSignature,
        response: record.response,
        response_signature: record.responseSignature,
        created_at: BigInt(nowSeconds()),
      })
      .execute();
    return seq;
  });
}

/** A ticket's records, oldest first (empty for an unknown ticket). */
export async function voteChanges(db: Db, ticketHash: string): Promise<VoteChange[]> {
  const rows = await db
    .selectFrom('vsp_vote_changes')
    .selectAll()
    .where('ticket_hash', '=', ticketHash)
    .orderBy('seq')
    .execute();
  return rows.map(fromRow);
}
