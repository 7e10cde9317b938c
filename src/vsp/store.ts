// What the VSP needs from storage, as small interfaces the database repositories implement
// (src/db) and tests fill with an in-memory store. Amounts are atoms (bigint); ticket and tx
// hashes are lowercase display hex, as dcrd prints them; times are unix seconds. As in vspd and
// the src/db rows, an unset string is '' rather than null, so a src/db Ticket is a VspTicket.

export type FeeTxStatus = 'none' | 'received' | 'broadcast' | 'confirmed' | 'error';

export const FEE_TX_STATUSES: readonly FeeTxStatus[] = [
  'none',
  'received',
  'broadcast',
  'confirmed',
  'error',
];

/** '' while the ticket can still vote; `revoked` is vspd's legacy outcome, counted as expired. */
export type TicketOutcome = '' | 'voted' | 'missed' | 'expired' | 'revoked';

/** Agenda id → choice id, tspend hash → policy, or treasury key → policy. */
export type ChoiceMap = Record<string, string>;

/** One ticket registered with the VSP (vspd database.Ticket). */
export interface VspTicket {
  hash: string;
  /** Height of the block that mined the ticket; 0 until it has 6 confirmations. */
  purchaseHeight: number;
  /** P2PKH (or P2SH) address of the ticket's first commitment: who signs requests. */
  commitmentAddress: string;
  feeAddressXpubId: number;
  feeAddressIndex: number;
  feeAddress: string;
  /** The ticket has 6 confirmations. */
  confirmed: boolean;
  /** The fee asked for, in atoms. */
  feeAmount: bigint;
  /** When the asked fee stops being valid (unix seconds). */
  feeExpiration: number;
  /** '' until payfee. */
  feeTxHex: string;
  /** '' until payfee. */
  feeTxHash: string;
  feeTxStatus: FeeTxStatus;
  /** WIF of the ticket's voting key; '' until payfee. */
  votingWif: string;
  outcome: TicketOutcome;
  voteChoices: ChoiceMap;
  tspendPolicy: ChoiceMap;
  treasuryPolicy: ChoiceMap;
}

/** Fields a caller may change on an existing ticket (the hash and fee address never change). */
export type VspTicketPatch = Partial<
  Omit<
    VspTicket,
    'hash' | 'commitmentAddress' | 'feeAddressXpubId' | 'feeAddressIndex' | 'feeAddress'
  >
>;

/**
 * A signed request and the signed response to it, kept as evidence of what the client asked
 * (vspd's two-way accountability). `request` is the exact request body; `response` the exact
 * response body.
 */
export interface SignedExchange {
  request: string;
  requestSignature: string;
  response: string;
  responseSignature: string;
}

/** A payfee or setvotechoices exchange (vspd votechangebkt). */
export type VoteChangeRecord = SignedExchange;

/**
 * The `timestamp` field of a stored request (client clock, unix seconds), which setvotechoices'
 * replay check compares; undefined if the text holds none. Read from the request itself, as vspd
 * does, so a record needs no column of its own for it.
 */
export function requestTimestamp(request: string): number | undefined {
  try {
    const t = (JSON.parse(request) as { timestamp?: unknown } | null)?.timestamp;
    return typeof t === 'number' && Number.isSafeInteger(t) ? t : undefined;
  } catch {
    return undefined;
  }
}

/** The one alternate signing address a ticket may have, with the exchange that set it. */
export interface AltSignAddressRecord extends SignedExchange {
  ticketHash: string;
  address: string;
}

export interface TicketCounts {
  /** Fee confirmed, no outcome yet. */
  voting: number;
  /** Fee confirmed and the following outcome (`revoked` counts as expired). */
  voted: number;
  expired: number;
  missed: number;
}

/** The index just reserved on the active fee xpub, and that xpub. */
export interface FeeAddressReservation {
  xpubId: number;
  /** The extended public key (dpub/tpub/spub…) the index belongs to. */
  xpub: string;
  index: number;
}

/** The result of {@link VoteChangeStore.applyVoteChange}. */
export type VoteChangeOutcome = 'applied' | 'stale' | 'unknown-ticket';

export interface TicketStore {
  getTicket(hash: string): Promise<VspTicket | undefined>;
  /** Insert a new ticket. false, and no change, when a ticket with that hash already exists. */
  insertTicket(ticket: VspTicket): Promise<boolean>;
  /**
   * Set the patched fields of a ticket. With `onlyIfFeeTxStatus`, the update happens only
   * while the stored status is one of those (a compare-and-set, so two concurrent payfee
   * calls cannot both win). Returns whether the ticket was updated.
   */
  updateTicket(
    hash: string,
    patch: VspTicketPatch,
    onlyIfFeeTxStatus?: readonly FeeTxStatus[],
  ): Promise<boolean>;
  /** Counts for /vspinfo over tickets whose fee is confirmed. */
  ticketCounts(): Promise<TicketCounts>;
}

export interface VoteChangeStore {
  /** Oldest first. */
  getVoteChanges(hash: string): Promise<VoteChangeRecord[]>;
  /** Append a record and drop the oldest ones beyond `maxRecords` for the ticket. */
  appendVoteChange(hash: string, record: VoteChangeRecord, maxRecords: number): Promise<void>;
  /**
   * setvotechoices in one transaction: if the new request's timestamp is greater than that of
   * every stored record of the ticket (see requestTimestamp), merge the three maps into the
   * ticket's (keys are added or overwritten, never removed), append the record (trimming to
   * `maxRecords`) and return 'applied'; otherwise change nothing and return 'stale'.
   * 'unknown-ticket' if the ticket is gone. SQL implementations lock the ticket row
   * (SELECT … FOR UPDATE where supported) so two concurrent requests cannot both pass.
   */
  applyVoteChange(
    hash: string,
    change: { voteChoices: ChoiceMap; tspendPolicy: ChoiceMap; treasuryPolicy: ChoiceMap },
    record: VoteChangeRecord,
    maxRecords: number,
  ): Promise<VoteChangeOutcome>;
}

export interface AltSignAddressStore {
  getAltSignAddress(ticketHash: string): Promise<AltSignAddressRecord | undefined>;
  /** false, and no change, when the ticket already has one: it can be set only once, ever. */
  insertAltSignAddress(record: AltSignAddressRecord): Promise<boolean>;
}

export interface FeeXPubStore {
  /**
   * Reserve the next index on the active fee xpub (the one with the highest id): store
   * last-used-index + 1 and return it. The first index handed out for a new xpub is 1, as in
   * vspd (index 0 is never used). Must be atomic across processes.
   */
  reserveFeeAddressIndex(): Promise<FeeAddressReservation>;
}

export interface SettingsStore {
  getSetting(name: string): Promise<string | undefined>;
  /**
   * Store `value` unless the name already has one (first writer wins across processes); returns
   * the value stored in the end.
   */
  setSettingIfAbsent(name: string, value: string): Promise<string>;
}

/** Everything the VSP web API uses. */
export interface VspStore
  extends TicketStore, VoteChangeStore, AltSignAddressStore, FeeXPubStore, SettingsStore {}
