// Alternate sign addresses (/setaltsignaddr): at most one per ticket, ever. The ticket need not be
// stored yet (the call may come before /feeaddress), so there is no foreign key to vsp_tickets.
import type { Selectable } from 'kysely';
import { engineOf, isPrimaryKeyViolation, nowSeconds, toNumber } from './engine.ts';
import type { Db } from './transaction.ts';

export interface VspAltSignAddressesTable {
  ticket_hash: string;
  address: string;
  request: string;
  request_signature: string;
  response: string;
  response_signature: string;
  created_at: bigint;
}

export interface AltSignAddress {
  ticketHash: string;
  address: string;
  request: string;
  requestSignature: string;
  response: string;
  responseSignature: string;
  createdAt: number;
}

export type NewAltSignAddress = Omit<AltSignAddress, 'createdAt'>;

function fromRow(r: Selectable<VspAltSignAddressesTable>): AltSignAddress {
  return {
    ticketHash: r.ticket_hash,
    address: r.address,
    request: r.request,
    requestSignature: r.request_signature,
    response: r.response,
    responseSignature: r.response_signature,
    createdAt: toNumber(r.created_at),
  };
}

/** Stores the record; false, writing nothing, if the ticket already has one. */
export async function insertAltSignAddress(db: Db, record: NewAltSignAddress): Promise<boolean> {
  if (typeof record.address !== 'string' || record.address.length === 0) {
    throw new TypeError('address: must be a non-empty string');
  }
  if (!/^[0-9a-f]{64}$/.test(record.ticketHash)) {
    throw new TypeError('ticketHash: must be 64 lowercase hex characters');
  }
  const row: VspAltSignAddressesTable = {
    ticket_hash: record.ticketHash,
    address: record.address,
    request: record.request,
    request_signature: record.requestSignature,
    response: record.response,
    response_signature: record.responseSignature,
    created_at: BigInt(nowSeconds()),
  };
  if (engineOf(db) === 'mysql') {
    try {
      await db.insertInto('vsp_alt_sign_addresses').values(row).execute();
      return true;
    } catch (err) {
      if (isPrimaryKeyViolation(err)) return false;
      throw err;
    }
  }
  const result = await db
    .insertInto('vsp_alt_sign_addresses')
    .values(row)
    .onConflict((oc) => oc.column('ticket_hash').doNothing())
    .executeTakeFirst();
  return result.numInsertedOrUpdatedRows === 1n;
}

export async function getAltSignAddress(
  db: Db,
  ticketHash: string,
): Promise<AltSignAddress | undefined> {
  const row = await db
    .selectFrom('vsp_alt_sign_addresses')
    .selectAll()
    .where('ticket_hash', '=', ticketHash)
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

export async function deleteAltSignAddress(db: Db, ticketHash: string): Promise<boolean> {
  const result = await db
    .deleteFrom('vsp_alt_sign_addresses')
    .where('ticket_hash', '=', ticketHash)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
