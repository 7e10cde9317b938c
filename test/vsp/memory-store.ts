// An in-memory VspStore for unit tests, with the semantics the interface documents (atomic
// compare-and-set updates, insert-if-absent, merged vote changes, capped records). Records are
// deep-copied in and out so tests see what a database would return, not shared objects.
import type {
  AltSignAddressRecord,
  ChoiceMap,
  FeeAddressReservation,
  FeeTxStatus,
  TicketCounts,
  VoteChangeOutcome,
  VoteChangeRecord,
  VspStore,
  VspTicket,
  VspTicketPatch,
} from '../../src/vsp/store.ts';
import { requestTimestamp } from '../../src/vsp/store.ts';

function copyTicket(t: VspTicket): VspTicket {
  return {
    ...t,
    voteChoices: { ...t.voteChoices },
    tspendPolicy: { ...t.tspendPolicy },
    treasuryPolicy: { ...t.treasuryPolicy },
  };
}

export interface FeeXPubRow {
  id: number;
  key: string;
  lastUsedIndex: number;
  retired: number;
}

export class MemoryStore implements VspStore {
  readonly tickets = new Map<string, VspTicket>();
  readonly voteChanges = new Map<string, VoteChangeRecord[]>();
  readonly altSignAddresses = new Map<string, AltSignAddressRecord>();
  readonly settings = new Map<string, string>();
  readonly xpubs: FeeXPubRow[] = [];
  /** Set to make every call fail, to test the generic 500. */
  failWith: Error | undefined;

  constructor(feeXPub?: string) {
    if (feeXPub !== undefined)
      this.xpubs.push({ id: 0, key: feeXPub, lastUsedIndex: 0, retired: 0 });
  }

  /** Run a synchronous body as a store call: async result, failWith honoured. */
  #run<T>(body: () => T): Promise<T> {
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    try {
      return Promise.resolve(body());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  getTicket(hash: string): Promise<VspTicket | undefined> {
    return this.#run(() => {
      const t = this.tickets.get(hash);
      return t === undefined ? undefined : copyTicket(t);
    });
  }

  insertTicket(ticket: VspTicket): Promise<boolean> {
    return this.#run(() => {
      if (this.tickets.has(ticket.hash)) return false;
      this.tickets.set(ticket.hash, copyTicket(ticket));
      return true;
    });
  }

  updateTicket(
    hash: string,
    patch: VspTicketPatch,
    onlyIfFeeTxStatus?: readonly FeeTxStatus[],
  ): Promise<boolean> {
    return this.#run(() => {
      const t = this.tickets.get(hash);
      if (t === undefined) return false;
      if (onlyIfFeeTxStatus !== undefined && !onlyIfFeeTxStatus.includes(t.feeTxStatus)) {
        return false;
      }
      this.tickets.set(hash, copyTicket({ ...t, ...patch }));
      return true;
    });
  }

  ticketCounts(): Promise<TicketCounts> {
    return this.#run(() => {
      const c: TicketCounts = { voting: 0, voted: 0, expired: 0, missed: 0 };
      for (const t of this.tickets.values()) {
        if (t.feeTxStatus !== 'confirmed') continue;
        switch (t.outcome) {
          case '':
            c.voting++;
            break;
          case 'voted':
            c.voted++;
            break;
          case 'expired':
          case 'revoked':
            c.expired++;
            break;
          case 'missed':
            c.missed++;
            break;
        }
      }
      return c;
    });
  }

  getVoteChanges(hash: string): Promise<VoteChangeRecord[]> {
    return this.#run(() => (this.voteChanges.get(hash) ?? []).map((r) => ({ ...r })));
  }

  #append(hash: string, record: VoteChangeRecord, maxRecords: number): void {
    const list = this.voteChanges.get(hash) ?? [];
    list.push({ ...record });
    while (list.length > maxRecords) list.shift();
    this.voteChanges.set(hash, list);
  }

  appendVoteChange(hash: string, record: VoteChangeRecord, maxRecords: number): Promise<void> {
    return this.#run(() => this.#append(hash, record, maxRecords));
  }

  applyVoteChange(
    hash: string,
    change: { voteChoices: ChoiceMap; tspendPolicy: ChoiceMap; treasuryPolicy: ChoiceMap },
    record: VoteChangeRecord,
    maxRecords: number,
  ): Promise<VoteChangeOutcome> {
    return this.#run((): VoteChangeOutcome => {
      const t = this.tickets.get(hash);
      if (t === undefined) return 'unknown-ticket';
      const list = this.voteChanges.get(hash) ?? [];
      const ts = requestTimestamp(record.request) ?? 0;
      if (list.some((r) => ts <= (requestTimestamp(r.request) ?? 0))) return 'stale';
      this.tickets.set(
        hash,
        copyTicket({
          ...t,
          voteChoices: { ...t.voteChoices, ...change.voteChoices },
          tspendPolicy: { ...t.tspendPolicy, ...change.tspendPolicy },
          treasuryPolicy: { ...t.treasuryPolicy, ...change.treasuryPolicy },
        }),
      );
      this.#append(hash, record, maxRecords);
      return 'applied';
    });
  }

  getAltSignAddress(ticketHash: string): Promise<AltSignAddressRecord | undefined> {
    return this.#run(() => {
      const r = this.altSignAddresses.get(ticketHash);
      return r === undefined ? undefined : { ...r };
    });
  }

  insertAltSignAddress(record: AltSignAddressRecord): Promise<boolean> {
    return this.#run(() => {
      if (this.altSignAddresses.has(record.ticketHash)) return false;
      this.altSignAddresses.set(record.ticketHash, { ...record });
      return true;
    });
  }

  reserveFeeAddressIndex(): Promise<FeeAddressReservation> {
    return this.#run(() => {
      const active = this.xpubs.reduce<FeeXPubRow | undefined>(
        (best, x) => (best === undefined || x.id > best.id ? x : best),
        undefined,
      );
      if (active === undefined) throw new Error('no fee xpub');
      active.lastUsedIndex++;
      return { xpubId: active.id, xpub: active.key, index: active.lastUsedIndex };
    });
  }

  getSetting(name: string): Promise<string | undefined> {
    return this.#run(() => this.settings.get(name));
  }

  setSettingIfAbsent(name: string, value: string): Promise<string> {
    return this.#run(() => {
      if (!this.settings.has(name)) this.settings.set(name, value);
      return this.settings.get(name)!;
    });
  }
}
