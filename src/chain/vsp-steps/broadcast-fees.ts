// Step 3, broadcast-fees: a fee 'received' for a confirmed ticket is sent to dcrd and becomes
// 'broadcast' (a duplicate, −40, counts as sent), or 'error' when dcrd refuses it.
import { pendingFees, updateTicket } from '../../db/vsp-tickets.ts';
import { isRpcError, RpcError, RpcErrorCode } from '../../rpc/errors.ts';
import { errorText } from '../step-pipeline.ts';
import type { PipelineDeps, PipelineRun } from './deps.ts';
import { unreachable } from './deps.ts';

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
