// Changes the voting jobs make to a ticket's stored vote choices. Like setvotechoices, they lock the
// ticket row so a concurrent merge of new choices is not lost.
import { withTransaction } from '../db/transaction.ts';
import type { Db } from '../db/transaction.ts';
import { getTicket, lockTicket, updateTicket } from '../db/vsp-tickets.ts';

/**
 * Remove agendas the voting wallets do not know ("no agenda with ID") from the ticket's stored
 * choices, as vspd does, so they are not pushed again on every check. Returns the agendas removed.
 */
export async function dropInvalidAgendas(
  db: Db,
  hash: string,
  agendas: readonly string[],
): Promise<string[]> {
  if (agendas.length === 0) return [];
  return withTransaction(db, async (trx) => {
    if (!(await lockTicket(trx, hash))) return [];
    const ticket = await getTicket(trx, hash);
    if (ticket === undefined) return [];
    const choices = { ...ticket.voteChoices };
    const removed = agendas.filter((a) => Object.hasOwn(choices, a));
    if (removed.length === 0) return [];
    for (const a of removed) delete choices[a];
    await updateTicket(trx, hash, { voteChoices: choices });
    return removed;
  });
}
