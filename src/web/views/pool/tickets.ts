// /tickets: the user's tickets from the pool's own table, one group at a time (immature, live,
// voted, missed, expired, revoked, invalid) with its count, a page at a time, newest first, each
// hash linked to the network's block explorer (none on simnet).
import type { NetworkName } from '../../../dcr/params.ts';
import { POOL_TICKET_GROUPS } from '../../../db/pool-tickets.ts';
import type { PoolTicket, PoolTicketGroup } from '../../../db/pool-tickets.ts';
import { count, dcr } from '../format.ts';
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { poolLayout } from './layout.ts';
import type { PoolPageView } from './layout.ts';
import { txHash } from './tx-hash.ts';

/** The order of the tabs: the groups' own order, from bought to spent, invalid last. */
export const TICKET_GROUP_ORDER: readonly PoolTicketGroup[] = POOL_TICKET_GROUPS;

const LABELS: Record<PoolTicketGroup, string> = {
  immature: 'Immature',
  live: 'Live',
  voted: 'Voted',
  missed: 'Missed',
  expired: 'Expired',
  revoked: 'Revoked',
  invalid: 'Invalid',
};

const ABOUT: Record<PoolTicketGroup, string> = {
  immature: 'Mined, but not yet able to vote: a ticket matures after a number of blocks.',
  live: 'In the ticket pool, waiting to be chosen to vote. The pool votes them for you.',
  voted: 'Voted: the ticket price and the vote reward went back to your wallet.',
  missed: 'Chosen to vote, but no vote made it into the block. The price goes back on revocation.',
  expired: 'Never chosen before expiry. The price goes back to your wallet on revocation.',
  revoked: 'Missed or expired, then revoked: the price went back to your wallet.',
  invalid: 'These tickets do not pay the pool fee, so the pool does not vote them.',
};

export interface TicketsView extends Omit<PoolPageView, 'title' | 'current'> {
  net: NetworkName;
  counts: Readonly<Record<PoolTicketGroup, number>>;
  group: PoolTicketGroup;
  tickets: readonly PoolTicket[];
  /** 1-based. */
  page: number;
  pages: number;
  pageSize: number;
  tipHeight: number;
  maturity: number;
  /** The voted list is cut to this many (maxvotedtickets). */
  maxVoted: number;
  supportEmail: string;
}

/**
 * Since automatic revocations (DCP-0009) every revocation is recorded as 'missed' or 'expired', so
 * the 'revoked' group stays empty: its tab appears only if it has tickets (written by an older
 * version) or is the one asked for.
 */
const shownTab =
  (v: TicketsView) =>
  (g: PoolTicketGroup): boolean =>
    g !== 'revoked' || v.counts.revoked > 0 || v.group === 'revoked';

function tabs(v: TicketsView): SafeHtml {
  return html`<nav class="admin-nav" aria-label="Ticket groups">
    <ul>
      ${TICKET_GROUP_ORDER.filter(shownTab(v)).map(
        (g) =>
          html`<li>
            <a href="/tickets?group=${g}" ${g === v.group ? html` aria-current="page"` : ''}
              >${LABELS[g]} (${count(v.counts[g])})</a
            >
          </li>`,
      )}
    </ul>
  </nav>`;
}

function reason(t: PoolTicket): string {
  if (t.feeStatus === 'address') return 'Its first commitment does not pay a pool fee address.';
  return `Pool fee too low: ${dcr(t.feePaid)} paid, ${dcr(t.feeRequired)} required.`;
}

const OUTCOME_LABEL: Record<string, string> = {
  voted: 'Voted at block',
  missed: 'Missed at block',
  expired: 'Expired at block',
  revoked: 'Revoked at block',
};

function rows(v: TicketsView): SafeHtml {
  const { group } = v;
  const spent =
    group === 'voted' || group === 'missed' || group === 'expired' || group === 'revoked';
  return html`<table class="tickets">
    <thead>
      <tr>
        <th>Ticket</th>
        <th>Bought at block</th>
        <th>Price</th>
        ${group === 'immature' && html`<th>Live from block</th>`}
        ${spent && html`<th>${OUTCOME_LABEL[group]}</th>`} ${spent && html`<th>Spent by</th>`}
        ${group === 'invalid' && html`<th>Why</th>`}
        ${group === 'invalid' && html`<th>Outcome</th>`}
      </tr>
    </thead>
    <tbody>
      ${v.tickets.map(
        (t) =>
          html`<tr>
            <td>${txHash(v.net, t.hash)}</td>
            <td>${count(t.purchaseHeight)}</td>
            <td>${dcr(t.price)}</td>
            ${group === 'immature' && html`<td>${count(t.purchaseHeight + v.maturity + 1)}</td>`}
            ${spent && html`<td>${t.outcomeHeight > 0 ? count(t.outcomeHeight) : '—'}</td>`}
            ${spent && html`<td>${t.spentBy === '' ? '—' : txHash(v.net, t.spentBy)}</td>`}
            ${group === 'invalid' && html`<td>${reason(t)}</td>`}
            ${group === 'invalid' && html`<td>${t.outcome === '' ? 'unspent' : t.outcome}</td>`}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function pager(v: TicketsView): SafeHtml {
  if (v.pages <= 1) return html``;
  const link = (page: number, label: string, rel: string): SafeHtml =>
    html`<a class="button" rel="${rel}" href="/tickets?group=${v.group}&amp;page=${page}"
      >${label}</a
    >`;
  return html`<p class="pager">
    ${v.page > 1 && link(1, '« First', 'first')}
    ${v.page > 1 && link(v.page - 1, '‹ Newer', 'prev')}
    <span>Page ${v.page} of ${v.pages}</span>
    ${v.page < v.pages && link(v.page + 1, 'Older ›', 'next')}
    ${v.page < v.pages && link(v.pages, 'Last »', 'last')}
  </p>`;
}

function invalidNotice(v: TicketsView): SafeHtml {
  const n = v.counts.invalid;
  if (n === 0) return html``;
  return html`<div class="notice" role="status">
    <p>
      You have <strong>${count(n)}</strong> invalid ticket${n === 1 ? '' : 's'}: the pool fee is
      missing or too low, so the pool does not vote ${n === 1 ? 'it' : 'them'}. You can vote
      ${n === 1 ? 'it' : 'them'} yourself (your wallet holds the other key of the ticket address),
      or ask the pool's admin to add
      ${n === 1 ? 'it' : 'them'}${
        v.supportEmail !== ''
          ? html` (<a href="mailto:${v.supportEmail}">${v.supportEmail}</a>)`
          : ''
      }.
    </p>
    ${v.group !== 'invalid' && html`<p><a href="/tickets?group=invalid">Show them</a></p>`}
  </div>`;
}

export function ticketsPage(v: TicketsView): SafeHtml {
  const n = v.counts[v.group];
  const body = html`<h1>Tickets</h1>
    <p class="hint">As of block ${count(v.tipHeight)}. Newest purchases first.</p>
    ${invalidNotice(v)} ${tabs(v)}
    <section>
      <h2>${LABELS[v.group]}</h2>
      <p>${ABOUT[v.group]}</p>
      ${
        v.group === 'voted' &&
        n > v.maxVoted &&
        html`<p class="notice">
          You have ${count(n)} voted tickets. Only the most recent ${count(v.maxVoted)} are shown.
        </p>`
      }
      ${
        v.tickets.length === 0
          ? html`<p class="muted">No ${LABELS[v.group].toLowerCase()} tickets.</p>`
          : html`${rows(v)} ${pager(v)}`
      }
    </section>`;
  return poolLayout({ ...v, title: 'Tickets', current: 'tickets' }, body);
}
