// The legacy pool's chain job. dcrwallet no longer has stakepooluserinfo, so the pool follows the
// chain itself: every block from the scan point to the tip is read once, in order; tickets whose
// voting output pays a user's 1-of-2 P2SH are stored with their fee check, and votes/revocations
// of stored tickets give their outcome. The scan point (settings pool.last_scanned_block and
// pool.last_scanned_hash) lives in the database beside what it found and is written in the same
// transaction, so a restart or another process carries on where the last run stopped; a stored
// block that left the main chain is walked back to the fork point and everything above it undone.
//
// Runs never overlap (a block that arrives during a run queues exactly one more); a failing step
// logs with its name and the next block retries it. Both this and the VSP's pipeline
// (vsp-pipeline.ts, whose outcome scan this mirrors) run on StepPipeline (step-pipeline.ts).
import { decodeBlock } from '../dcr/block.ts';
import { hashToDisplay } from '../dcr/bytes.ts';
import type { NetParams } from '../dcr/params.ts';
import {
  clearPoolOutcomesFrom,
  deletePoolTicketsFrom,
  getPoolTickets,
  insertPoolTickets,
  setPoolTicketOutcome,
} from '../db/pool-tickets.ts';
import type { NewPoolTicket, PoolFeeStatus } from '../db/pool-tickets.ts';
import { minPoolHeightRegistered, poolMultisigOwners } from '../db/pool-users.ts';
import { getSetting, setSetting, SETTING_KEYS } from '../db/settings.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Db } from '../db/transaction.ts';
import type { JobLog } from './log.ts';
import { SILENT_LOG } from './log.ts';
import type { CallSignal, ChainReader, ScanPoint } from './outcomes.ts';
import { findForkPoint, onMainChain } from './outcomes.ts';
import type { PoolOutcomeChange, PoolTicketStore } from './pool-tickets.ts';
import { examinePoolBlock, hasPoolChanges, writePoolBlock } from './pool-tickets.ts';
import type { Step } from './step-pipeline.ts';
import { StepPipeline } from './step-pipeline.ts';

export const POOL_SCAN_KEYS = {
  height: SETTING_KEYS.poolLastScannedBlock,
  hash: SETTING_KEYS.poolLastScannedHash,
} as const;

export async function getPoolScanPoint(
  store: Pick<PoolTicketStore, 'getSetting'>,
): Promise<ScanPoint | undefined> {
  const height = await store.getSetting(POOL_SCAN_KEYS.height);
  if (height === undefined) return undefined;
  if (!/^\d+$/.test(height)) throw new TypeError(`${POOL_SCAN_KEYS.height}: not a height`);
  const hash = await store.getSetting(POOL_SCAN_KEYS.hash);
  return { height: Number(height), hash: hash === undefined || hash === '' ? undefined : hash };
}

/** Height and hash together (joins the store's transaction when given one from atomically). */
export async function setPoolScanPoint(
  store: PoolTicketStore,
  point: { height: number; hash: string },
): Promise<void> {
  await store.atomically(async (s) => {
    await s.setSetting(POOL_SCAN_KEYS.height, String(point.height));
    await s.setSetting(POOL_SCAN_KEYS.hash, point.hash);
  });
}

export interface PoolPipelineOptions {
  store: PoolTicketStore;
  dcrd: ChainReader;
  net: NetParams;
  /** dcrstakepool's poolfees, a percentage (7.5 = 7.5%). */
  poolFeePercent: number;
  /** The pool's fee addresses (PoolKeys.feeAddresses); asked for only when a ticket turns up. */
  feeAddresses: () => ReadonlySet<string>;
  log?: JobLog;
  /** While catching up, store the scan point and log progress this often (blocks). */
  progressEvery?: number;
}

export const DEFAULT_POOL_PROGRESS_EVERY = 100;

export type PoolPipelineDeps = Required<PoolPipelineOptions>;

export function resolvePoolPipelineOptions(o: PoolPipelineOptions): PoolPipelineDeps {
  return {
    ...o,
    log: o.log ?? SILENT_LOG,
    progressEvery: o.progressEvery ?? DEFAULT_POOL_PROGRESS_EVERY,
  };
}

export interface PoolScanSummary {
  /** Blocks read. */
  scanned: number;
  found: { ticket: string; userId: number; height: number; feeStatus: PoolFeeStatus }[];
  outcomes: PoolOutcomeChange[];
  /** Set when the stored scan point was not on the main chain. */
  reorg?: { from: number; forkHeight: number; removed: number; undone: number };
  /** Where the scan stands after this step. */
  point?: { height: number; hash: string };
}

const STEP = 'pool-tickets';

/**
 * Where to start, and what the database holds: the stored point; its fork point after a reorg
 * (everything above undone); or on the first run the block before the earliest registration, or
 * the tip when no user has an address yet.
 */
async function startPoint(
  d: PoolPipelineDeps,
  tip: { height: number; hash: string },
  s: PoolScanSummary,
): Promise<{ point: { height: number; hash: string }; saved: ScanPoint }> {
  const stored = await getPoolScanPoint(d.store);
  if (stored === undefined) {
    // No ticket can pay an address before it was handed out.
    const registered = await d.store.minHeightRegistered();
    let point = tip;
    if (registered !== undefined) {
      const height = Math.min(tip.height, Math.max(0, registered - 1));
      point = { height, hash: await d.dcrd.getBlockHash(height) };
    }
    await setPoolScanPoint(d.store, point);
    return { point, saved: point };
  }
  if (await onMainChain(d.dcrd, stored, tip.height)) {
    const hash = stored.hash ?? (await d.dcrd.getBlockHash(stored.height));
    return { point: { height: stored.height, hash }, saved: stored };
  }
  const fork = await findForkPoint(d.dcrd, stored, tip.height);
  const { removed, undone } = await d.store.atomically(async (trx) => {
    const r = await trx.deletePoolTicketsFrom(fork.height + 1);
    const u = await trx.clearPoolOutcomesFrom(fork.height + 1);
    await setPoolScanPoint(trx, fork);
    return { removed: r, undone: u };
  });
  s.reorg = { from: stored.height, forkHeight: fork.height, removed, undone };
  d.log.warn(
    { step: STEP, from: stored.height, forkHeight: fork.height, removed, undone },
    'scanned blocks left the main chain: rescanning from the fork point',
  );
  return { point: fork, saved: fork };
}

export async function scanPoolTickets(
  d: PoolPipelineDeps,
  signal: AbortSignal = new AbortController().signal,
): Promise<PoolScanSummary> {
  const s: PoolScanSummary = { scanned: 0, found: [], outcomes: [] };
  const call: CallSignal = { signal };
  const tip = await d.dcrd.getBestBlock(call);
  // Loaded after the tip: an address handed out from now on can only be paid in a later block,
  // which the next run reads with the owners reloaded.
  const owners = await d.store.poolMultisigOwners();
  const start = await startPoint(d, tip, s);
  const point = start.point;
  // What the database holds now; written again at the end only if the scan moved.
  let saved = start.saved;

  let prev = point;
  if (owners.size === 0) {
    // Without a multisig address there are no pool tickets to find or follow.
    prev = tip;
  } else {
    const ctx = {
      owners,
      feeAddresses: d.feeAddresses,
      poolFeePercent: d.poolFeePercent,
      net: d.net,
    };
    const behind = tip.height - point.height;
    if (behind > d.progressEvery) {
      d.log.info(
        { step: STEP, from: point.height, tip: tip.height, behind },
        'catching up with the chain',
      );
    }
    for (let h = point.height + 1; h <= tip.height; h++) {
      if (signal.aborted) break;
      const hash = await d.dcrd.getBlockHash(h, call);
      const block = decodeBlock(await d.dcrd.getBlockHex(hash, call));
      if (hashToDisplay(block.header.prevBlock) !== prev.hash) {
        // The chain changed under the scan; the next run finds the fork point.
        d.log.info({ step: STEP, height: h }, 'chain reorganised during the scan');
        break;
      }
      s.scanned++;
      const current = { height: h, hash };
      const changes = await examinePoolBlock(d.store, block, hash, ctx);
      if (hasPoolChanges(changes)) {
        await d.store.atomically(async (trx) => {
          await writePoolBlock(trx, changes);
          await setPoolScanPoint(trx, current);
        });
        saved = current;
        report(d, s, changes.tickets, changes.outcomes);
      } else if (h - saved.height >= d.progressEvery) {
        await setPoolScanPoint(d.store, current);
        saved = current;
      }
      if (behind > d.progressEvery && (h - point.height) % d.progressEvery === 0) {
        d.log.info(
          {
            step: STEP,
            height: h,
            tip: tip.height,
            tickets: s.found.length,
            outcomes: s.outcomes.length,
          },
          'catching up with the chain',
        );
      }
      prev = current;
    }
  }
  if (prev.hash !== saved.hash || prev.height !== saved.height) {
    await setPoolScanPoint(d.store, prev);
  }
  s.point = prev;
  return s;
}

function report(
  d: PoolPipelineDeps,
  s: PoolScanSummary,
  tickets: readonly NewPoolTicket[],
  outcomes: readonly PoolOutcomeChange[],
): void {
  for (const t of tickets) {
    s.found.push({
      ticket: t.hash,
      userId: t.userId,
      height: t.purchaseHeight,
      feeStatus: t.feeStatus,
    });
    const fields = {
      step: STEP,
      ticket: t.hash,
      user: t.userId,
      height: t.purchaseHeight,
      feePaid: String(t.feePaid),
      feeRequired: String(t.feeRequired),
    };
    if (t.feeStatus === 'ok') d.log.info(fields, 'pool ticket found');
    else if (t.feeStatus === 'low') {
      d.log.warn(fields, 'pool ticket pays less than the pool fee: ignored until an admin adds it');
    } else {
      d.log.warn(fields, 'pool ticket does not pay a pool fee address: ignored');
    }
  }
  for (const o of outcomes) {
    s.outcomes.push(o);
    d.log.info(
      { step: STEP, ticket: o.ticket, outcome: o.outcome, height: o.height, spendTx: o.spendTx },
      `pool ticket ${o.outcome}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The pipeline

export type PoolPipelineStep = Step<PoolPipelineDeps, AbortSignal>;

export const POOL_PIPELINE_STEPS: readonly PoolPipelineStep[] = [
  { n: 1, name: STEP, run: scanPoolTickets },
];

/** The legacy pool's pipeline: its steps are handed the stop signal. */
export class PoolPipeline extends StepPipeline<PoolPipelineDeps, AbortSignal> {
  constructor(
    options: PoolPipelineOptions,
    steps: readonly PoolPipelineStep[] = POOL_PIPELINE_STEPS,
  ) {
    super({
      deps: resolvePoolPipelineOptions(options),
      steps,
      startRun: (signal) => signal,
      label: 'pool pipeline',
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The store over the real repositories

/** PoolTicketStore over src/db (every call joins `db` when it is a transaction). */
export function dbPoolTicketStore(db: Db): PoolTicketStore {
  return {
    poolMultisigOwners: () => poolMultisigOwners(db),
    minHeightRegistered: () => minPoolHeightRegistered(db),
    insertPoolTickets: (tickets) => insertPoolTickets(db, tickets),
    getPoolTickets: (hashes) => getPoolTickets(db, hashes),
    setPoolTicketOutcome: (hash, o) => setPoolTicketOutcome(db, hash, o),
    deletePoolTicketsFrom: (height) => deletePoolTicketsFrom(db, height),
    clearPoolOutcomesFrom: (height) => clearPoolOutcomesFrom(db, height),
    getSetting: (name) => getSetting(db, name),
    setSetting: (name, value) => setSetting(db, name, value),
    atomically: (fn) => withTransaction(db, (trx) => fn(dbPoolTicketStore(trx))),
  };
}
