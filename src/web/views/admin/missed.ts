// Missed tickets, newest purchase first: the ones a voting wallet should have voted and did not.
import type { Ticket } from '../../../db/vsp-tickets.ts';
import { count } from '../format.ts';
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { layout } from '../layout.ts';
import type { AdminNav, SiteView } from '../layout.ts';

export interface MissedView {
  site: SiteView;
  nowMs: number;
  nav: AdminNav;
  tickets: readonly Ticket[];
}

export function missedPage(v: MissedView): SafeHtml {
  const body = html`<h1>Missed tickets</h1>
    ${
      v.tickets.length === 0
        ? html`<p>No ticket has been missed.</p>`
        : html`<p>${count(v.tickets.length)} missed.</p>
            <table>
              <thead>
                <tr>
                  <th>Purchase height</th>
                  <th>Ticket</th>
                  <th>Missed at height</th>
                </tr>
              </thead>
              <tbody>
                ${v.tickets.map(
                  (t) =>
                    html`<tr>
                      <td>${t.purchaseHeight}</td>
                      <td>
                        <a href="/admin/ticket?hash=${t.hash}"><code>${t.hash}</code></a>
                      </td>
                      <td>${t.outcomeHeight > 0 ? t.outcomeHeight : '—'}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }`;
  return layout({ title: 'Missed tickets', site: v.site, nowMs: v.nowMs, admin: v.nav }, body);
}
