// Step 4, confirm-fees: a 'broadcast' fee with enough confirmations becomes 'confirmed' (its hex
// dropped) and only then, once committed, the ticket goes to every voting wallet; a fee dcrd no
// longer knows becomes 'error'.
import { getTicket, unconfirmedFees, updateTicket } from '../../db/vsp-tickets.ts';
import type { Ticket } from '../../db/vsp-tickets.ts';
import { dropInvalidAgendas } from '../../voting/stored-choices.ts';
import type { AddTicketResult } from '../../voting/vsp-wallets.ts';
import { errorText } from '../step-pipeline.ts';
import type { PipelineDeps, PipelineRun, TxLookup } from './deps.ts';
import { isNoTxInfo, unreachable } from './deps.ts';

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
