// Step 5, outcomes: reads the stake trees of the blocks since the scan point for votes and
// revocations of watched tickets, walking back to the fork point first if the chain reorganised.
// The scan point is written in the same transaction as the outcomes it found.
import { decodeBlock } from '../../dcr/block.ts';
import { hashToDisplay } from '../../dcr/bytes.ts';
import { withTransaction } from '../../db/transaction.ts';
import type { Db } from '../../db/transaction.ts';
import { clearOutcomesAbove, findTickets, updateTicket } from '../../db/vsp-tickets.ts';
import type { Ticket } from '../../db/vsp-tickets.ts';
import type { ScanPoint } from '../outcomes.ts';
import {
  findForkPoint,
  getScanPoint,
  onMainChain,
  setScanPoint,
  spendOutcome,
  ticketSpendsInBlock,
} from '../outcomes.ts';
import type { PipelineDeps, PipelineRun } from './deps.ts';

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
