// The VSP's block pipeline (vspd internal/vspd/update.go, shared/reference/vspd.md §3–4): numbered
// steps run on every connected block and once at startup. Runs never overlap: a block that
// arrives during a run queues exactly one more run. Each step catches its own failure and logs it
// with the step's name; the next block retries it. Per-ticket RPC failures skip that ticket only.
// Wallet side effects run only after the row they depend on is committed.
//
//   1 delete-never-mined  unconfirmed tickets dcrd no longer knows (left the mempool unmined)
//   2 confirm-tickets     6 confirmations → confirmed + purchase height (also fills in missing
//                         purchase heights of confirmed tickets, vspd's startup integrity fix)
//   3 broadcast-fees      fee 'received' on a confirmed ticket → sendrawtransaction → 'broadcast'
//                         (a duplicate, −40, counts as sent) or 'error' if dcrd refuses it
//   4 confirm-fees        fee 'broadcast' with 6 confirmations → 'confirmed' (hex dropped), then
//                         the ticket goes to every voting wallet; a fee dcrd lost → 'error'
//   5 outcomes            scan the new blocks' stake trees for votes/revocations of watched
//                         tickets; walk back to the fork point first if the chain reorganised
import { decodeBlock } from '../dcr/block.ts';
import { hashToDisplay } from '../dcr/bytes.ts';
import type { NetParams } from '../dcr/params.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Db } from '../db/transaction.ts';
import {
  deleteTicket,
  findTickets,
  getTicket,
  missingPurchaseHeight,
  pendingFees,
  unconfirmedFees,
  unconfirmedTickets,
  updateTicket,
} from '../db/vsp-tickets.ts';
import type { Ticket } from '../db/vsp-tickets.ts';
import type { TxVerbose } from '../rpc/dcrd.ts';
import { isRpcError, RpcConnectionError, RpcError, RpcErrorCode } from '../rpc/errors.ts';
import type { AddTicketResult, MinedTicket, TicketForWallets } from '../voting/vsp-wallets.ts';
import { dropInvalidAgendas } from '../voting/stored-choices.ts';
import type { JobLog } from './log.ts';
import { SILENT_LOG } from './log.ts';
import { clearOutcomesAbove } from '../db/vsp-tickets.ts';
import type { CallSignal, ChainReader, ScanPoint } from './outcomes.ts';
import {
  findForkPoint,
  getScanPoint,
  onMainChain,
  setScanPoint,
  spendOutcome,
  ticketSpendsInBlock,
} from './outcomes.ts';

export type TxLookup = Pick<TxVerbose, 'hex' | 'confirmations' | 'blockhash' | 'blockheight'>;

/** The dcrd calls the pipeline makes (src/rpc DcrdClient fits). */
export interface PipelineDcrd extends ChainReader {
  /** RpcError −5 when dcrd (with txindex) knows no such tx. */
  getRawTransactionVerbose(txid: string, o?: CallSignal): Promise<TxLookup>;
  /** RpcError −40 when dcrd already has it. */
  sendRawTransaction(hex: string): Promise<string>;
}

/** Where confirmed tickets go (src/voting VspVotingWallets fits). */
export interface TicketWallets {
  addTicketToWallets(ticket: TicketForWallets, mined: MinedTicket): Promise<AddTicketResult>;
}

export interface VspPipelineOptions {
  db: Db;
  dcrd: PipelineDcrd;
  wallets: TicketWallets;
  net: Pick<NetParams, 'name' | 'ticketMaturity' | 'ticketExpiry'>;
  log?: JobLog;
  /** Confirmations for a ticket and for a fee (vspd: 6). */
  confirmations?: number;
  /**
   * A ticket dcrd does not know is deleted only once its row is this old: covers a dcrd that has
   * not yet seen a ticket another node accepted moments ago. vspd deletes at once (0).
   */
  neverMinedGraceSeconds?: number;
  /** While scanning many blocks, store progress at least this often (blocks). */
  progressEvery?: number;
  /** Clock, ms since the epoch. */
  now?: () => number;
}

export const DEFAULT_CONFIRMATIONS = 6;
export const DEFAULT_NEVER_MINED_GRACE_SECONDS = 300;
export const DEFAULT_PROGRESS_EVERY = 100;

/** The options with every default filled in: what the steps receive. */
export interface PipelineDeps {
  db: Db;
  dcrd: PipelineDcrd;
  wallets: TicketWallets;
  net: Pick<NetParams, 'name' | 'ticketMaturity' | 'ticketExpiry'>;
  log: JobLog;
  confirmations: number;
  neverMinedGraceSeconds: number;
  progressEvery: number;
  now: () => number;
}

export function resolvePipelineOptions(o: VspPipelineOptions): PipelineDeps {
  return {
    db: o.db,
    dcrd: o.dcrd,
    wallets: o.wallets,
    net: o.net,
    log: o.log ?? SILENT_LOG,
    confirmations: o.confirmations ?? DEFAULT_CONFIRMATIONS,
    neverMinedGraceSeconds: o.neverMinedGraceSeconds ?? DEFAULT_NEVER_MINED_GRACE_SECONDS,
    progressEvery: o.progressEvery ?? DEFAULT_PROGRESS_EVERY,
    now: o.now ?? Date.now,
  };
}

/** State of one run: dcrd answers shared by its steps, and the stop signal. */
export class PipelineRun {
  readonly signal: AbortSignal;
  private readonly txs = new Map<string, Promise<TxLookup>>();
  /** Set once a lookup found dcrd unreachable: later lookups of the run fail at once. */
  private unreachable: Error | undefined;

  constructor(signal: AbortSignal = new AbortController().signal) {
    this.signal = signal;
  }

  /** getrawtransaction, asked once per run per tx. */
  lookupTx(dcrd: PipelineDcrd, txid: string): Promise<TxLookup> {
    if (this.unreachable !== undefined) return Promise.reject(this.unreachable);
    let p = this.txs.get(txid);
    if (p === undefined) {
      p = dcrd.getRawTransactionVerbose(txid, { signal: this.signal });
      // Marked handled here; every caller still awaits it and sees the rejection.
      p.catch((err: unknown) => {
        if (err instanceof RpcConnectionError) this.unreachable = err;
      });
      this.txs.set(txid, p);
    }
    return p;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const isNoTxInfo = (err: unknown): boolean => isRpcError(err, RpcErrorCode.NoTxInfo);

/**
 * dcrd did not answer (down, timed out, or the pipeline is stopping): every further call of this
 * step would wait out its timeout too, so the step stops and the next block retries it.
 */
const unreachable = (err: unknown): boolean => err instanceof RpcConnectionError;

// ---------------------------------------------------------------------------------------------
// Step 1

export interface NeverMinedSummary {
  deleted: string[];
  /** dcrd does not know them, but the grace period has not passed. */
  waiting: number;
  lookupErrors: number;
}

export async function deleteNeverMinedTickets(
  d: PipelineDeps,
  run: PipelineRun,
): Promise<NeverMinedSummary> {
  const s: NeverMinedSummary = { deleted: [], waiting: 0, lookupErrors: 0 };
  const nowSeconds = Math.floor(d.now() / 1000);
  for (const t of await unconfirmedTickets(d.db)) {
    if (run.signal.aborted) break;
    try {
      await run.lookupTx(d.dcrd, t.hash);
    } catch (err) {
      if (!isNoTxInfo(err)) {
        s.lookupErrors++;
        d.log.warn(
          { step: 'delete-never-mined', ticket: t.hash, err: errorText(err) },
          'ticket lookup failed',
        );
        if (unreachable(err)) break;
        continue;
      }
      if (nowSeconds - t.createdAt < d.neverMinedGraceSeconds) {
        s.waiting++;
        continue;
      }
      if (await deleteTicket(d.db, t.hash)) {
        s.deleted.push(t.hash);
        d.log.info(
          { step: 'delete-never-mined', ticket: t.hash, feeTxStatus: t.feeTxStatus },
          'ticket was never mined and dcrd no longer knows it: deleted',
        );
      }
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Step 2

export interface ConfirmTicketsSummary {
  confirmed: string[];
  /** Confirmed tickets whose missing purchase height was filled in. */
  heightsFixed: string[];
}

export async function confirmTickets(
  d: PipelineDeps,
  run: PipelineRun,
): Promise<ConfirmTicketsSummary> {
  const s: ConfirmTicketsSummary = { confirmed: [], heightsFixed: [] };
  const mined = async (t: Ticket): Promise<TxLookup | undefined> => {
    try {
      const tx = await run.lookupTx(d.dcrd, t.hash);
      const height = tx.blockheight ?? 0;
      return (tx.confirmations ?? 0) >= d.confirmations && height > 0 ? tx : undefined;
    } catch {
      return undefined; // step 1 logged it
    }
  };
  for (const t of await unconfirmedTickets(d.db)) {
    if (run.signal.aborted) return s;
    const tx = await mined(t);
    if (tx === undefined) continue;
    await updateTicket(d.db, t.hash, { confirmed: true, purchaseHeight: tx.blockheight ?? 0 });
    s.confirmed.push(t.hash);
    d.log.info(
      { step: 'confirm-tickets', ticket: t.hash, height: tx.blockheight },
      'ticket confirmed',
    );
  }
  for (const t of await missingPurchaseHeight(d.db)) {
    if (run.signal.aborted) return s;
    const tx = await mined(t);
    if (tx === undefined) continue;
    await updateTicket(d.db, t.hash, { purchaseHeight: tx.blockheight ?? 0 });
    s.heightsFixed.push(t.hash);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Step 3

export interface BroadcastFeesSummary {
  broadcast: string[];
  /** dcrd refused the fee tx: the wallet must pay again. */
  errored: string[];
  /** dcrd could not be asked; retried next block. */
  deferred: string[];
}

export async function broadcastFees(
  d: PipelineDeps,
  run: PipelineRun,
): Promise<BroadcastFeesSummary> {
  const s: BroadcastFeesSummary = { broadcast: [], errored: [], deferred: [] };
  for (const t of await pendingFees(d.db)) {
    if (run.signal.aborted) break;
    const log = { step: 'broadcast-fees', ticket: t.hash, feeTx: t.feeTxHash };
    let status: 'broadcast' | 'error';
    if (t.feeTxHex === '') {
      d.log.error(log, 'fee tx received without its hex');
      status = 'error';
    } else {
      try {
        await d.dcrd.sendRawTransaction(t.feeTxHex);
        status = 'broadcast';
      } catch (err) {
        if (isRpcError(err, RpcErrorCode.DuplicateTx)) {
          status = 'broadcast';
        } else if (err instanceof RpcError) {
          d.log.warn({ ...log, err: errorText(err) }, 'dcrd refused the fee tx');
          status = 'error';
        } else {
          d.log.warn({ ...log, err: errorText(err) }, 'fee broadcast failed; retrying next block');
          s.deferred.push(t.hash);
          if (unreachable(err)) break;
          continue;
        }
      }
    }
    // Compare-and-set: a concurrent payfee (new fee tx) or another process wins over this.
    if (
      await updateTicket(d.db, t.hash, { feeTxStatus: status }, { feeTxStatusIn: ['received'] })
    ) {
      if (status === 'broadcast') {
        s.broadcast.push(t.hash);
        d.log.info(log, 'fee tx broadcast');
      } else {
        s.errored.push(t.hash);
      }
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Step 4

export interface ConfirmFeesSummary {
  confirmed: string[];
  /** dcrd no longer knows the fee tx (double spent, expired): the wallet must pay again. */
  errored: string[];
  /** Wallet results per confirmed ticket (undefined when the ticket tx could not be read). */
  wallets: Record<string, AddTicketResult | undefined>;
}

export async function confirmFees(d: PipelineDeps, run: PipelineRun): Promise<ConfirmFeesSummary> {
  const s: ConfirmFeesSummary = { confirmed: [], errored: [], wallets: {} };
  for (const t of await unconfirmedFees(d.db)) {
    if (run.signal.aborted) break;
    const log = { step: 'confirm-fees', ticket: t.hash, feeTx: t.feeTxHash };
    let fee: TxLookup;
    try {
      fee = await run.lookupTx(d.dcrd, t.feeTxHash);
    } catch (err) {
      if (isNoTxInfo(err)) {
        const changed = await updateTicket(
          d.db,
          t.hash,
          { feeTxStatus: 'error' },
          { feeTxStatusIn: ['broadcast'] },
        );
        if (changed) s.errored.push(t.hash);
        d.log.warn(log, 'dcrd no longer knows the broadcast fee tx: status error');
      } else {
        d.log.warn({ ...log, err: errorText(err) }, 'fee tx lookup failed');
        if (unreachable(err)) break;
      }
      continue;
    }
    if ((fee.confirmations ?? 0) < d.confirmations) continue;
    const changed = await updateTicket(
      d.db,
      t.hash,
      { feeTxStatus: 'confirmed', feeTxHex: '' },
      { feeTxStatusIn: ['broadcast'] },
    );
    if (!changed) continue;
    s.confirmed.push(t.hash);
    d.log.info(log, 'fee confirmed');
    // Committed: now the wallets. Read the row again for choices changed meanwhile.
    s.wallets[t.hash] = await addToWallets(d, run, (await getTicket(d.db, t.hash)) ?? t);
  }
  return s;
}

async function addToWallets(
  d: PipelineDeps,
  run: PipelineRun,
  t: Ticket,
): Promise<AddTicketResult | undefined> {
  let tx: TxLookup;
  try {
    tx = await run.lookupTx(d.dcrd, t.hash);
  } catch (err) {
    d.log.error(
      { step: 'confirm-fees', ticket: t.hash, err: errorText(err) },
      'ticket tx lookup failed; the consistency check will add it to the wallets',
    );
    return undefined;
  }
  if (tx.blockhash === undefined || tx.blockhash === '') {
    d.log.error({ step: 'confirm-fees', ticket: t.hash }, 'ticket tx is not mined');
    return undefined;
  }
  const result = await d.wallets.addTicketToWallets(t, { blockHash: tx.blockhash, hex: tx.hex });
  await dropInvalidAgendas(d.db, t.hash, result.invalidAgendas);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Step 5

export interface OutcomesSummary {
  /** Blocks whose stake trees were read. */
  scanned: number;
  outcomes: { ticket: string; outcome: string; height: number; spendTx: string }[];
  /** Set when the stored scan point was not on the main chain. */
  reorg?: { from: number; forkHeight: number; undone: number };
  /** Where the scan stands after this step. */
  point?: { height: number; hash: string };
}

/**
 * Tickets whose spend the scan looks for: confirmed, no outcome, and a fee that is confirmed or on
 * its way (a ticket that votes or is revoked before its fee confirms still gets its outcome).
 */
function watchedTickets(db: Db): Promise<Ticket[]> {
  return findTickets(db, { confirmed: true, outcome: '', feeTxStatus: ['broadcast', 'confirmed'] });
}

export async function scanOutcomes(d: PipelineDeps, run: PipelineRun): Promise<OutcomesSummary> {
  const s: OutcomesSummary = { scanned: 0, outcomes: [] };
  const tip = await d.dcrd.getBestBlock();
  const stored: ScanPoint | undefined = await getScanPoint(d.db);
  let watched = await watchedTickets(d.db);

  let point: { height: number; hash: string };
  // What the database holds now; written again at the end only if the scan moved.
  let saved: { height: number; hash: string | undefined };
  if (stored === undefined) {
    // First scan: nothing can have been spent before the earliest watched ticket matured.
    if (watched.length === 0) {
      await setScanPoint(d.db, tip);
      s.point = tip;
      return s;
    }
    const earliest = Math.min(...watched.map((t) => t.purchaseHeight));
    const height = Math.min(tip.height, Math.max(0, earliest + d.net.ticketMaturity - 1));
    point = { height, hash: await d.dcrd.getBlockHash(height) };
    await setScanPoint(d.db, point);
    saved = point;
  } else if (await onMainChain(d.dcrd, stored, tip.height)) {
    point = {
      height: stored.height,
      hash: stored.hash ?? (await d.dcrd.getBlockHash(stored.height)),
    };
    saved = stored;
  } else {
    const fork = await findForkPoint(d.dcrd, stored, tip.height);
    const undone = await withTransaction(d.db, async (trx) => {
      const n = await clearOutcomesAbove(trx, fork.height);
      await setScanPoint(trx, fork);
      return n;
    });
    s.reorg = { from: stored.height, forkHeight: fork.height, undone };
    d.log.warn(
      { step: 'outcomes', from: stored.height, forkHeight: fork.height, undone },
      'scanned blocks left the main chain: rescanning from the fork point',
    );
    point = fork;
    saved = fork;
    watched = await watchedTickets(d.db);
  }

  const byHash = new Map(watched.map((t) => [t.hash, t]));
  let prev = point;
  for (let h = point.height + 1; h <= tip.height; h++) {
    if (run.signal.aborted || byHash.size === 0) break;
    const hash = await d.dcrd.getBlockHash(h, { signal: run.signal });
    const block = decodeBlock(await d.dcrd.getBlockHex(hash, { signal: run.signal }));
    if (hashToDisplay(block.header.prevBlock) !== prev.hash) {
      // The chain changed under the scan; the next run finds the fork point.
      d.log.info({ step: 'outcomes', height: h }, 'chain reorganised during the scan');
      break;
    }
    s.scanned++;
    const current = { height: h, hash };
    const spends = ticketSpendsInBlock(block, new Set(byHash.keys()));
    if (spends.length > 0) {
      const found = spends.map((sp) => {
        const t = byHash.get(sp.ticket)!;
        return {
          ticket: sp.ticket,
          outcome: spendOutcome(sp, t.purchaseHeight, d.net),
          height: h,
          spendTx: sp.spendTx,
        };
      });
      await withTransaction(d.db, async (trx) => {
        for (const f of found) {
          await updateTicket(trx, f.ticket, {
            outcome: f.outcome,
            outcomeHeight: f.height,
            spendTxHash: f.spendTx,
          });
        }
        await setScanPoint(trx, current);
      });
      saved = current;
      for (const f of found) {
        byHash.delete(f.ticket);
        s.outcomes.push(f);
        d.log.info(
          { step: 'outcomes', ticket: f.ticket, outcome: f.outcome, height: h },
          `ticket ${f.outcome}`,
        );
      }
    } else if (h - saved.height >= d.progressEvery) {
      await setScanPoint(d.db, current);
      saved = current;
    }
    prev = current;
  }
  // Nothing left to look for: the rest of the chain up to the tip needs no reading.
  if (byHash.size === 0 && !run.signal.aborted && prev.height < tip.height) {
    const tipNow = await d.dcrd.getBlockHash(tip.height);
    if (tipNow === tip.hash) prev = tip;
  }
  if (prev.hash !== saved.hash) await setScanPoint(d.db, prev);
  s.point = prev;
  return s;
}

// ---------------------------------------------------------------------------------------------
// The pipeline

export interface PipelineStep {
  n: number;
  name: string;
  run(d: PipelineDeps, run: PipelineRun): Promise<unknown>;
}

export const VSP_PIPELINE_STEPS: readonly PipelineStep[] = [
  { n: 1, name: 'delete-never-mined', run: deleteNeverMinedTickets },
  { n: 2, name: 'confirm-tickets', run: confirmTickets },
  { n: 3, name: 'broadcast-fees', run: broadcastFees },
  { n: 4, name: 'confirm-fees', run: confirmFees },
  { n: 5, name: 'outcomes', run: scanOutcomes },
];

export interface RunReport {
  /** Why the run happened (e.g. "startup", "block 1234"). */
  reason: string;
  /** Each step's summary, by name; absent for a step that failed or was not reached. */
  results: Record<string, unknown>;
  /** Names of the steps that threw. */
  failed: string[];
  /** The run stopped early because the pipeline is stopping. */
  aborted: boolean;
}

export class VspPipeline {
  private readonly deps: PipelineDeps;
  private readonly steps: readonly PipelineStep[];
  private readonly abort = new AbortController();
  private current: Promise<void> | undefined;
  private queued: string | undefined;
  private stopped = false;
  /** The report of the last finished run. */
  lastReport: RunReport | undefined;
  /** Called after every run (for metrics and tests). */
  onRun: ((report: RunReport) => void) | undefined;

  constructor(options: VspPipelineOptions, steps: readonly PipelineStep[] = VSP_PIPELINE_STEPS) {
    this.deps = resolvePipelineOptions(options);
    this.steps = steps;
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  /**
   * Ask for a run. Starts one now, or if one is running, queues one more (several requests while
   * busy still give one). Resolves once the run that covers this request has finished; never
   * rejects. After stop() it does nothing.
   */
  trigger(reason = 'request'): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.current !== undefined) {
      this.queued = reason;
      return this.current;
    }
    this.current = this.loop(reason);
    return this.current;
  }

  /** Resolves when no run is running or queued. */
  async settled(): Promise<void> {
    while (this.current !== undefined) await this.current;
  }

  /** Stop intake, tell a running step to wrap up, and wait for it. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queued = undefined;
    this.abort.abort();
    await this.settled();
  }

  private async loop(reason: string): Promise<void> {
    try {
      let next: string | undefined = reason;
      while (next !== undefined && !this.stopped) {
        this.queued = undefined;
        await this.runOnce(next);
        next = this.queued;
      }
    } finally {
      this.current = undefined;
    }
  }

  /** One pass over every step. Never throws. Use trigger() outside tests: it serialises runs. */
  async runOnce(reason = 'request'): Promise<RunReport> {
    const run = new PipelineRun(this.abort.signal);
    const report: RunReport = { reason, results: {}, failed: [], aborted: false };
    for (const step of this.steps) {
      if (run.signal.aborted) {
        report.aborted = true;
        break;
      }
      try {
        report.results[step.name] = await step.run(this.deps, run);
      } catch (err) {
        if (run.signal.aborted) {
          // A call cut short by stop(): nothing failed, the next start carries on.
          report.aborted = true;
          this.deps.log.info({ step: `${step.n} ${step.name}` }, 'pipeline step stopped');
          break;
        }
        report.failed.push(step.name);
        this.deps.log.error(
          { step: `${step.n} ${step.name}`, reason, err: errorText(err) },
          `pipeline step ${step.n} (${step.name}) failed; the next block retries it`,
        );
      }
    }
    this.lastReport = report;
    try {
      this.onRun?.(report);
    } catch {
      // A listener's mistake is not the pipeline's.
    }
    return report;
  }
}
