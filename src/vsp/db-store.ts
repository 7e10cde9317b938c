// The VSP's storage interfaces (./store.ts) on the database repositories (src/db). Mostly a field
// mapping: the repository types carry bookkeeping the web API never sees (created/updated times,
// record serial numbers, outcome heights), which is dropped here so a stored ticket reads back
// exactly as it was written. The one operation of its own is applyVoteChange, whose replay check,
// merge and record must happen under one row lock.
import { withTransaction } from '../db/transaction.ts';
import type { Db } from '../db/transaction.ts';
import { getSetting, setSettingIfAbsent } from '../db/settings.ts';
import { getAltSignAddress, insertAltSignAddress } from '../db/vsp-alt-sign.ts';
import { reserveFeeAddressIndex } from '../db/vsp-fee-xpubs.ts';
import {
  countsByOutcome,
  getTicket,
  insertTicket,
  lockTicket,
  updateTicket,
} from '../db/vsp-tickets.ts';
import type { Ticket, TicketPatch } from '../db/vsp-tickets.ts';
import { appendVoteChange, voteChanges } from '../db/vsp-vote-changes.ts';
import { requestTimestamp } from './store.ts';
import type {
  AltSignAddressRecord,
  ChoiceMap,
  VoteChangeOutcome,
  VoteChangeRecord,
  VspStore,
  VspTicket,
  VspTicketPatch,
} from './store.ts';

/** The VSP's view of a stored ticket: exactly the VspTicket fields, maps copied. */
export function toVspTicket(t: Ticket): VspTicket {
  return {
    hash: t.hash,
    purchaseHeight: t.purchaseHeight,
    commitmentAddress: t.commitmentAddress,
    feeAddressXpubId: t.feeAddressXpubId,
    feeAddressIndex: t.feeAddressIndex,
    feeAddress: t.feeAddress,
    confirmed: t.confirmed,
    feeAmount: t.feeAmount,
    feeExpiration: t.feeExpiration,
    feeTxHex: t.feeTxHex,
    feeTxHash: t.feeTxHash,
    feeTxStatus: t.feeTxStatus,
    votingWif: t.votingWif,
    outcome: t.outcome,
    voteChoices: { ...t.voteChoices },
    tspendPolicy: { ...t.tspendPolicy },
    treasuryPolicy: { ...t.treasuryPolicy },
  };
}

// The fields a VspTicketPatch may name. Copied one by one so that a caller passing a wider object
// (a whole ticket, say) can never rewrite the hash-bound columns through the patch.
const PATCH_FIELDS = [
  'purchaseHeight',
  'confirmed',
  'feeAmount',
  'feeExpiration',
  'feeTxHex',
  'feeTxHash',
  'feeTxStatus',
  'votingWif',
  'outcome',
  'voteChoices',
  'tspendPolicy',
  'treasuryPolicy',
] as const satisfies readonly (keyof VspTicketPatch)[];

function toTicketPatch(patch: VspTicketPatch): TicketPatch {
  const out: Record<string, unknown> = {};
  for (const field of PATCH_FIELDS) {
    if (patch[field] !== undefined) out[field] = patch[field];
  }
  return out;
}

// Both take the repository's wider row types too, keeping only the interface's fields.
function toRecord(r: VoteChangeRecord): VoteChangeRecord {
  return {
    request: r.request,
    requestSignature: r.requestSignature,
    response: r.response,
    responseSignature: r.responseSignature,
  };
}

function toAltSignRecord(r: AltSignAddressRecord): AltSignAddressRecord {
  return {
    ticketHash: r.ticketHash,
    address: r.address,
    request: r.request,
    requestSignature: r.requestSignature,
    response: r.response,
    responseSignature: r.responseSignature,
  };
}

/**
 * setvotechoices' store step as a repository operation. The ticket row lock is taken first, so
 * concurrent calls for one ticket (other connections, other processes) run one after another and
 * each sees the records the previous one committed: of two requests with the same timestamp
 * exactly one is applied. A stored request without a readable timestamp counts as 0, as does a
 * new one, which therefore is stale once any record exists.
 */
export async function applyVoteChange(
  db: Db,
  hash: string,
  change: { voteChoices: ChoiceMap; tspendPolicy: ChoiceMap; treasuryPolicy: ChoiceMap },
  record: VoteChangeRecord,
  maxRecords: number,
): Promise<VoteChangeOutcome> {
  return withTransaction(db, async (trx) => {
    if (!(await lockTicket(trx, hash))) return 'unknown-ticket';
    const ts = requestTimestamp(record.request) ?? 0;
    const stored = await voteChanges(trx, hash);
    if (stored.some((r) => ts <= (requestTimestamp(r.request) ?? 0))) return 'stale';
    const ticket = await getTicket(trx, hash);
    if (ticket === undefined) return 'unknown-ticket';
    await updateTicket(trx, hash, {
      voteChoices: { ...ticket.voteChoices, ...change.voteChoices },
      tspendPolicy: { ...ticket.tspendPolicy, ...change.tspendPolicy },
      treasuryPolicy: { ...ticket.treasuryPolicy, ...change.treasuryPolicy },
    });
    await appendVoteChange(trx, hash, toRecord(record), maxRecords);
    return 'applied';
  });
}

/**
 * A VspStore on `db` (a Kysely instance; given a transaction, every call joins it). Errors of the
 * repositories pass through unchanged: a malformed field is a TypeError/RangeError naming it,
 * appendVoteChange for a ticket that is not stored is a RangeError (the records table has a
 * foreign key), and reserveFeeAddressIndex without an active fee xpub is an Error.
 */
export function createVspStore(db: Db): VspStore {
  return {
    async getTicket(hash) {
      const t = await getTicket(db, hash);
      return t === undefined ? undefined : toVspTicket(t);
    },

    insertTicket(ticket) {
      return insertTicket(db, {
        hash: ticket.hash,
        commitmentAddress: ticket.commitmentAddress,
        feeAddressXpubId: ticket.feeAddressXpubId,
        feeAddressIndex: ticket.feeAddressIndex,
        feeAddress: ticket.feeAddress,
        feeAmount: ticket.feeAmount,
        feeExpiration: ticket.feeExpiration,
        ...toTicketPatch(ticket),
      });
    },

    updateTicket(hash, patch, onlyIfFeeTxStatus) {
      return updateTicket(
        db,
        hash,
        toTicketPatch(patch),
        onlyIfFeeTxStatus === undefined ? {} : { feeTxStatusIn: onlyIfFeeTxStatus },
      );
    },

    async ticketCounts() {
      const c = await countsByOutcome(db);
      // vspd's legacy `revoked` outcome is reported as expired.
      return { voting: c.voting, voted: c.voted, expired: c.expired + c.revoked, missed: c.missed };
    },

    async getVoteChanges(hash) {
      return (await voteChanges(db, hash)).map(toRecord);
    },

    async appendVoteChange(hash, record, maxRecords) {
      await appendVoteChange(db, hash, record, maxRecords);
    },

    applyVoteChange(hash, change, record, maxRecords) {
      return applyVoteChange(db, hash, change, record, maxRecords);
    },

    async getAltSignAddress(ticketHash) {
      const r = await getAltSignAddress(db, ticketHash);
      return r === undefined ? undefined : toAltSignRecord(r);
    },

    insertAltSignAddress(record) {
      return insertAltSignAddress(db, toAltSignRecord(record));
    },

    async reserveFeeAddressIndex() {
      const r = await reserveFeeAddressIndex(db);
      return { xpubId: r.xpubId, xpub: r.xpub, index: r.index };
    },

    getSetting(name) {
      return getSetting(db, name);
    },

    setSettingIfAbsent(name, value) {
      return setSettingIfAbsent(db, name, value);
    },
  };
}
