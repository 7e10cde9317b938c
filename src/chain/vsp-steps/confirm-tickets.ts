// Step 2, confirm-tickets: a ticket with enough confirmations becomes confirmed with its purchase
// height; confirmed tickets missing that height get it filled in (vspd's startup integrity fix).
import { missingPurchaseHeight, unconfirmedTickets, updateTicket } from '../../db/vsp-tickets.ts';
import type { Ticket } from '../../db/vsp-tickets.ts';
import type { PipelineDeps, PipelineRun, TxLookup } from './deps.ts';

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
