// Step 1, delete-never-mined: an unconfirmed ticket dcrd no longer knows left the mempool unmined
// (double spent or expired), so its registration is dropped once the grace period has passed.
import { deleteTicket, unconfirmedTickets } from '../../db/vsp-tickets.ts';
import { errorText } from '../step-pipeline.ts';
import type { PipelineDeps, PipelineRun } from './deps.ts';
import { isNoTxInfo, unreachable } from './deps.ts';

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
