// The voting-wallet consistency check (vspd walletconsistency.go, shared/reference/vspd.md §4), run
// at startup and every 30 minutes: every votable ticket (fee confirmed, no outcome) must be in every
// voting wallet that is up, with the stored choices. A wallet missing tickets gets them (key import
// without rescan, addtransaction, settings) and then one rescan from the lowest block height of
// the tickets added, as vspd does. Agenda choices are compared with ticketinfo's; treasury-key and
// tspend policies are compared too when the wallet can report them (vspd leaves that as a TODO).
import type { Db } from '../db/transaction.ts';
import { votableTickets } from '../db/vsp-tickets.ts';
import type { Ticket } from '../db/vsp-tickets.ts';
import type { JobLog } from '../chain/log.ts';
import { SILENT_LOG } from '../chain/log.ts';
import { dropInvalidAgendas } from './stored-choices.ts';
import type {
  ManagedVotingWallet,
  MinedTicket,
  VspVotingWallets,
  WalletTicket,
} from './vsp-wallets.ts';

export const CONSISTENCY_INTERVAL_MS = 30 * 60_000;

/** The ticket lookup the check needs (src/rpc DcrdClient fits). */
export interface ConsistencyDcrd {
  getRawTransactionVerbose(
    txid: string,
  ): Promise<{ hex: string; blockhash?: string; blockheight?: number }>;
}

export interface ConsistencyDeps {
  db: Db;
  dcrd: ConsistencyDcrd;
  wallets: VspVotingWallets;
  log?: JobLog;
}

export interface WalletReport {
  wallet: string;
  /** Votable tickets the wallet did not know. */
  missing: string[];
  added: string[];
  /** Height the wallet was rescanned from, when tickets were added. */
  rescanFrom?: number;
  /** Tickets whose agenda choices were set again. */
  choicesFixed: string[];
  /** Tickets whose tspend or treasury policies were set again. */
  policiesFixed: string[];
  /** The wallet could not be checked (ticketinfo failed). */
  error?: string;
}

export interface ConsistencyReport {
  tickets: number;
  wallets: WalletReport[];
  /** Wallets that were down. */
  skipped: string[];
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What the wallet reports for a per-ticket policy we stored (it knows yes, no, abstain). */
function walletPolicy(stored: string): string {
  return stored === 'yes' || stored === 'no' ? stored : 'abstain';
}

export async function checkWalletConsistency(
  deps: ConsistencyDeps,
  signal?: AbortSignal,
): Promise<ConsistencyReport> {
  const log = deps.log ?? SILENT_LOG;
  const tickets = await votableTickets(deps.db);
  const online = deps.wallets.online();
  const report: ConsistencyReport = {
    tickets: tickets.length,
    wallets: [],
    skipped: deps.wallets.wallets.filter((w) => !online.includes(w)).map((w) => w.name),
  };
  if (report.skipped.length > 0) {
    log.warn({ wallets: report.skipped }, 'consistency check: voting wallets down, skipped');
  }
  if (tickets.length === 0) return report;
  const heights = tickets.map((t) => t.purchaseHeight).filter((h) => h > 0);
  const startHeight = heights.length > 0 ? Math.min(...heights) : 0;

  // The ticket txs, read once for all wallets.
  const mined = new Map<string, Promise<MinedTicket & { height: number }>>();
  const minedTicket = (hash: string): Promise<MinedTicket & { height: number }> => {
    let p = mined.get(hash);
    if (p === undefined) {
      p = deps.dcrd.getRawTransactionVerbose(hash).then((tx) => {
        if (tx.blockhash === undefined || tx.blockhash === '') {
          throw new Error(`ticket ${hash} is not mined`);
        }
        return { blockHash: tx.blockhash, hex: tx.hex, height: tx.blockheight ?? 0 };
      });
      p.catch(() => {});
      mined.set(hash, p);
    }
    return p;
  };
  const invalidAgendas = new Map<string, Set<string>>();
  const noteInvalid = (hash: string, agendas: readonly string[]): void => {
    if (agendas.length === 0) return;
    const set = invalidAgendas.get(hash) ?? new Set<string>();
    for (const a of agendas) set.add(a);
    invalidAgendas.set(hash, set);
  };

  for (const wallet of online) {
    if (signal?.aborted === true) break;
    const r = await checkWallet(deps, log, wallet, tickets, startHeight, minedTicket, noteInvalid);
    report.wallets.push(r);
  }
  for (const [hash, agendas] of invalidAgendas) {
    await dropInvalidAgendas(deps.db, hash, [...agendas]);
  }
  return report;
}

async function checkWallet(
  deps: ConsistencyDeps,
  log: JobLog,
  wallet: ManagedVotingWallet,
  tickets: readonly Ticket[],
  startHeight: number,
  minedTicket: (hash: string) => Promise<MinedTicket & { height: number }>,
  noteInvalid: (hash: string, agendas: readonly string[]) => void,
): Promise<WalletReport> {
  const r: WalletReport = {
    wallet: wallet.name,
    missing: [],
    added: [],
    choicesFixed: [],
    policiesFixed: [],
  };
  let known: Map<string, WalletTicket>;
  try {
    known = new Map((await wallet.client.ticketInfo(startHeight)).map((t) => [t.hash, t]));
  } catch (err) {
    r.error = errorText(err);
    log.error({ wallet: wallet.name, startHeight, err: r.error }, 'ticketinfo failed');
    return r;
  }

  // 1. Tickets the wallet does not have.
  let rescanFrom: number | undefined;
  for (const t of tickets) {
    if (known.has(t.hash)) continue;
    r.missing.push(t.hash);
    log.info({ wallet: wallet.name, ticket: t.hash }, 'adding a missing ticket to a voting wallet');
    try {
      const m = await minedTicket(t.hash);
      const s = await deps.wallets.addTicketToWallet(wallet, t, m);
      noteInvalid(t.hash, s.invalidAgendas);
      r.added.push(t.hash);
      if (rescanFrom === undefined || m.height < rescanFrom) rescanFrom = m.height;
    } catch (err) {
      log.error(
        { wallet: wallet.name, ticket: t.hash, err: errorText(err) },
        'adding a missing ticket failed',
      );
    }
  }
  if (rescanFrom !== undefined) {
    r.rescanFrom = rescanFrom;
    log.info({ wallet: wallet.name, height: rescanFrom }, 'rescanning voting wallet');
    try {
      await wallet.client.rescanWallet(rescanFrom);
    } catch (err) {
      log.error({ wallet: wallet.name, err: errorText(err) }, 'rescanwallet failed');
    }
  }

  // 2. Settings of the tickets it had (the ones just added got theirs).
  for (const t of tickets) {
    const have = known.get(t.hash);
    if (have === undefined) continue;
    const agendas = Object.entries(t.voteChoices)
      .filter(([a, c]) => !(have.choices ?? []).some((x) => x.agendaid === a && x.choiceid === c))
      .map(([a]) => a);
    const tspends: string[] = [];
    const keys: string[] = [];
    try {
      if (wallet.client.tspendPolicy !== undefined) {
        for (const [hash, policy] of Object.entries(t.tspendPolicy)) {
          // A tspend read falls back to the wallet's global policies, so only a yes/no we stored
          // can be told apart from the wallet's answer.
          if (policy !== 'yes' && policy !== 'no') continue;
          if ((await wallet.client.tspendPolicy(hash, t.hash)) !== policy) tspends.push(hash);
        }
      }
      if (wallet.client.treasuryPolicy !== undefined) {
        for (const [key, policy] of Object.entries(t.treasuryPolicy)) {
          if ((await wallet.client.treasuryPolicy(key, t.hash)) !== walletPolicy(policy)) {
            keys.push(key);
          }
        }
      }
    } catch (err) {
      log.warn(
        { wallet: wallet.name, ticket: t.hash, err: errorText(err) },
        'reading the per-ticket policies failed',
      );
    }
    if (agendas.length + tspends.length + keys.length === 0) continue;
    log.info(
      { wallet: wallet.name, ticket: t.hash, agendas, tspends, keys },
      'voting wallet settings differ from the stored ones: setting them again',
    );
    const s = await deps.wallets.applySettings(wallet, t, { agendas, tspends, keys });
    noteInvalid(t.hash, s.invalidAgendas);
    if (agendas.length > 0) r.choicesFixed.push(t.hash);
    if (tspends.length + keys.length > 0) r.policiesFixed.push(t.hash);
  }
  return r;
}

/**
 * Runs the check at start() and every `intervalMs`; check() runs it now (used when a wallet
 * reconnects). Checks never overlap: a request while one runs shares it.
 */
export class WalletConsistency {
  private readonly deps: ConsistencyDeps;
  private readonly intervalMs: number;
  private readonly log: JobLog;
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<ConsistencyReport | undefined> | undefined;
  private again = false;
  private stopped = false;

  constructor(deps: ConsistencyDeps, options: { intervalMs?: number } = {}) {
    this.deps = deps;
    this.intervalMs = options.intervalMs ?? CONSISTENCY_INTERVAL_MS;
    this.log = deps.log ?? SILENT_LOG;
  }

  start(): void {
    if (this.stopped || this.timer !== undefined) return;
    void this.check();
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
  }

  /**
   * Run a check now. While one runs, queue one more (a wallet that came back during a check was
   * skipped by it) and resolve with the last. Never rejects; undefined if the check failed.
   */
  check(): Promise<ConsistencyReport | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    if (this.current !== undefined) {
      this.again = true;
      return this.current;
    }
    this.current = this.loop();
    return this.current;
  }

  private async loop(): Promise<ConsistencyReport | undefined> {
    let report: ConsistencyReport | undefined;
    try {
      do {
        this.again = false;
        try {
          report = await checkWalletConsistency(this.deps, this.abort.signal);
        } catch (err) {
          this.log.error({ err: errorText(err) }, 'voting wallet consistency check failed');
          report = undefined;
        }
      } while (this.again && !this.stopped);
    } finally {
      this.current = undefined;
    }
    return report;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.abort.abort();
    await this.current;
  }
}
