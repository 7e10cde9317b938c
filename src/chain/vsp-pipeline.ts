// The VSP's block pipeline (vspd internal/vspd/update.go, shared/reference/vspd.md §3–4): numbered
// steps run on every connected block and once at startup (StepPipeline, step-pipeline.ts). Runs
// never overlap: a block that arrives during a run queues exactly one more run. A failing step is
// logged with its name; the next block retries it. Per-ticket RPC failures skip that ticket only.
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
//
// The steps live in vsp-steps/, one file each; this module puts them together and re-exports them.
import type { NetParams } from '../dcr/params.ts';
import type { Db } from '../db/transaction.ts';
import type { JobLog } from './log.ts';
import { SILENT_LOG } from './log.ts';
import type { Step } from './step-pipeline.ts';
import { StepPipeline } from './step-pipeline.ts';
import { broadcastFees } from './vsp-steps/broadcast-fees.ts';
import { confirmFees } from './vsp-steps/confirm-fees.ts';
import { confirmTickets } from './vsp-steps/confirm-tickets.ts';
import type { PipelineDcrd, PipelineDeps, TicketWallets } from './vsp-steps/deps.ts';
import { PipelineRun } from './vsp-steps/deps.ts';
import { deleteNeverMinedTickets } from './vsp-steps/never-mined.ts';
import { scanOutcomes } from './vsp-steps/scan-outcomes.ts';

export type { RunReport } from './step-pipeline.ts';
export type { PipelineDcrd, PipelineDeps, TicketWallets, TxLookup } from './vsp-steps/deps.ts';
export { PipelineRun } from './vsp-steps/deps.ts';
export type { NeverMinedSummary } from './vsp-steps/never-mined.ts';
export { deleteNeverMinedTickets } from './vsp-steps/never-mined.ts';
export type { ConfirmTicketsSummary } from './vsp-steps/confirm-tickets.ts';
export { confirmTickets } from './vsp-steps/confirm-tickets.ts';
export type { BroadcastFeesSummary } from './vsp-steps/broadcast-fees.ts';
export { broadcastFees } from './vsp-steps/broadcast-fees.ts';
export type { ConfirmFeesSummary } from './vsp-steps/confirm-fees.ts';
export { confirmFees } from './vsp-steps/confirm-fees.ts';
export type { OutcomesSummary } from './vsp-steps/scan-outcomes.ts';
export { scanOutcomes } from './vsp-steps/scan-outcomes.ts';

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

export type PipelineStep = Step<PipelineDeps, PipelineRun>;

export const VSP_PIPELINE_STEPS: readonly PipelineStep[] = [
  { n: 1, name: 'delete-never-mined', run: deleteNeverMinedTickets },
  { n: 2, name: 'confirm-tickets', run: confirmTickets },
  { n: 3, name: 'broadcast-fees', run: broadcastFees },
  { n: 4, name: 'confirm-fees', run: confirmFees },
  { n: 5, name: 'outcomes', run: scanOutcomes },
];

/** The VSP's pipeline: its steps share one PipelineRun (dcrd answers, stop signal) per run. */
export class VspPipeline extends StepPipeline<PipelineDeps, PipelineRun> {
  constructor(options: VspPipelineOptions, steps: readonly PipelineStep[] = VSP_PIPELINE_STEPS) {
    super({
      deps: resolvePipelineOptions(options),
      steps,
      startRun: (signal) => new PipelineRun(signal),
      label: 'pipeline',
    });
  }
}
