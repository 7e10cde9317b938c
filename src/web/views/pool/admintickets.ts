// /admintickets for the pool's admins: tickets that failed the fee check ("ignored": not voted),
// each with a checkbox to add it, and the tickets added so far, with whether they voted and when
// they expire (kept current from the chain, unlike dcrstakepool's never-updated Voted, #201).
import type { NetworkName } from '../../../dcr/params.ts';
import type { LowFeeTicketRow } from '../../../db/pool-low-fee-tickets.ts';
import type { PoolTicket } from '../../../db/pool-tickets.ts';
import { count, dateTime, dcr } from '../format.ts';
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { poolAdminNav } from './admin-nav.ts';
import { poolLayout } from './layout.ts';
import type { PoolPageView } from './layout.ts';
import { txHash } from './tx-hash.ts';

export interface AdminTicketsView extends Omit<PoolPageView, 'title' | 'current'> {
  csrf: string;
  net: NetworkName;
  ignored: readonly PoolTicket[];
  added: readonly LowFeeTicketRow[];
  /** Blocks from purchase until a ticket can no longer be chosen (maturity + expiry). */
  lifeBlocks: number;
  tipHeight: number | undefined;
}

/** The form field of a ticket's checkbox (the form parser keeps one value per name). */
export function ticketField(hash: string): string {
  return `ticket-${hash}`;
}

function why(t: PoolTicket): string {
  return t.feeStatus === 'address'
    ? 'pays no pool fee address'
    : `fee ${dcr(t.feePaid)} < ${dcr(t.feeRequired)}`;
}

function checkbox(hash: string): SafeHtml {
  return html`<input
    type="checkbox"
    name="${ticketField(hash)}"
    value="1"
    aria-label="Select ticket ${hash}"
  />`;
}

/** One list of tickets, each with a checkbox, and the button that applies `action` to those ticked. */
function ticketsForm(
  v: AdminTicketsView,
  o: {
    title: string;
    about: string;
    action: 'add' | 'remove';
    columns: readonly string[];
    rows: readonly SafeHtml[];
    button: string;
  },
): SafeHtml {
  return html`<section>
    <h2>${o.title} (${count(o.rows.length)})</h2>
    <p>${o.about}</p>
    ${
      o.rows.length === 0
        ? html`<p class="muted">None.</p>`
        : html`<form method="post" action="/admintickets">
            <input type="hidden" name="csrf" value="${v.csrf}" />
            <input type="hidden" name="action" value="${o.action}" />
            <table>
              <thead>
                <tr>
                  ${o.columns.map((c) => html`<th>${c}</th>`)}
                </tr>
              </thead>
              <tbody>
                ${o.rows}
              </tbody>
            </table>
            <button type="submit">${o.button}</button>
          </form>`
    }
  </section>`;
}

function ignoredSection(v: AdminTicketsView): SafeHtml {
  return ticketsForm(v, {
    title: 'Ignored low-fee tickets',
    about:
      'These unspent tickets did not pay the pool fee, so the pool does not vote them. Add the ' +
      'ones the pool should vote anyway.',
    action: 'add',
    columns: ['Add', 'Ticket', 'User', 'Ticket address', 'Bought at block', 'Why'],
    rows: v.ignored.map(
      (t) =>
        html`<tr>
          <td>${checkbox(t.hash)}</td>
          <td>${txHash(v.net, t.hash)}</td>
          <td>${t.userId}</td>
          <td><code class="break">${t.ticketAddress}</code></td>
          <td>${count(t.purchaseHeight)}</td>
          <td>${why(t)}</td>
        </tr>`,
    ),
    button: 'Add selected tickets',
  });
}

function state(v: AdminTicketsView, t: PoolTicket): SafeHtml {
  if (t.outcome === 'voted')
    return html`<span class="ok">voted at ${count(t.outcomeHeight)}</span>`;
  if (t.outcome !== '')
    return html`<span class="bad">${t.outcome} at ${count(t.outcomeHeight)}</span>`;
  const expiry = t.purchaseHeight + v.lifeBlocks;
  const left = v.tipHeight === undefined ? undefined : expiry - v.tipHeight;
  return html`waiting; expires at block
  ${count(expiry)}${left !== undefined && left > 0 ? ` (in ${count(left)} blocks)` : ''}`;
}

function addedSection(v: AdminTicketsView): SafeHtml {
  return ticketsForm(v, {
    title: 'Added low-fee tickets',
    about: 'The pool votes these despite their fee. Remove one to stop voting it.',
    action: 'remove',
    columns: ['Remove', 'Ticket', 'User', 'Bought at block', 'State', 'Added by', 'Added'],
    rows: v.added.map(
      (r) =>
        html`<tr>
          <td>${checkbox(r.ticket.hash)}</td>
          <td>${txHash(v.net, r.ticket.hash)}</td>
          <td>${r.ticket.userId}</td>
          <td>${count(r.ticket.purchaseHeight)}</td>
          <td>${state(v, r.ticket)}</td>
          <td>${r.addedBy === undefined ? '—' : `user ${r.addedBy}`}</td>
          <td>${r.addedAt === undefined ? '—' : dateTime(r.addedAt)}</td>
        </tr>`,
    ),
    button: 'Remove selected tickets',
  });
}

export function adminTicketsPage(v: AdminTicketsView): SafeHtml {
  return poolLayout(
    { ...v, title: 'Low-fee tickets' },
    html`${poolAdminNav('admintickets')}
      <h1>Low-fee tickets</h1>
      ${ignoredSection(v)} ${addedSection(v)}`,
  );
}
