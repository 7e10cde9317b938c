// /stats: the pool's tickets and accounts, the network's ticket pool, and three donuts drawn on
// the server (voted vs missed, immature vs live, the pool's share of the network's live tickets).
import type { PoolStats } from '../../../pool/pool-stats.ts';
import { count, dcr, feePercent, percent, timeAgo } from '../format.ts';
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { CHART_COLORS, donutChart } from './chart.ts';
import { poolLayout } from './layout.ts';
import type { PoolPageView } from './layout.ts';

export interface StatsView extends Omit<PoolPageView, 'title' | 'current'> {
  /** Undefined when no refresh has succeeded (dcrd unreachable). */
  stats: PoolStats | undefined;
  poolFees: number;
  closed: boolean;
  /** The ticket price chart on dcrdata, when the network has a public explorer. */
  priceChartUrl: string | undefined;
}

function stat(label: string, value: string, note?: string): SafeHtml {
  return html`<div class="stat">
    <dt>${label}</dt>
    <dd>${value}${note !== undefined && html` <small>${note}</small>`}</dd>
  </div>`;
}

function charts(s: PoolStats): SafeHtml {
  const t = s.tickets;
  const ended = t.voted + t.missed;
  const waiting = t.immature + t.live;
  return html`<div class="stats charts">
    ${donutChart({
      title: 'Voted and missed',
      center: ended === 0 ? '—' : percent(t.voted / ended),
      segments: [
        { label: 'Voted', value: t.voted, color: CHART_COLORS.green },
        { label: 'Missed', value: t.missed, color: CHART_COLORS.red },
      ],
    })}
    ${donutChart({
      title: 'Immature and live',
      center: waiting === 0 ? '—' : percent(t.live / waiting),
      segments: [
        { label: 'Live', value: t.live, color: CHART_COLORS.blue },
        { label: 'Immature', value: t.immature, color: CHART_COLORS.yellow },
      ],
    })}
    ${donutChart({
      title: 'Pool share of the ticket pool',
      center: percent(s.proportionLive),
      segments: [
        { label: 'This pool', value: t.live, color: CHART_COLORS.blue },
        {
          label: 'Rest of the network',
          value: Math.max(0, s.poolSize - t.live),
          color: CHART_COLORS.grey,
        },
      ],
    })}
  </div>`;
}

export function statsPage(v: StatsView): SafeHtml {
  const s = v.stats;
  const body =
    s === undefined
      ? html`<h1>Statistics</h1>
          <p class="notice">
            Statistics are not available right now (the pool cannot reach its Decred node). Try
            again in a minute.
          </p>`
      : html`<h1>Statistics</h1>
          <p class="hint">Updated ${timeAgo(s.updatedAt, v.nowMs)}; refreshed every 5 minutes.</p>
          <section>
            <h2>Pool</h2>
            <dl class="stats">
              ${stat('Status', v.closed ? 'Closed to new accounts' : 'Open')}
              ${stat('Pool fee', feePercent(v.poolFees))} ${stat('Live', count(s.tickets.live))}
              ${stat('Immature', count(s.tickets.immature))}
              ${stat('Voted', count(s.tickets.voted))}
              ${stat('Missed', count(s.tickets.missed), percent(s.proportionMissed))}
              ${stat('Expired', count(s.tickets.expired))}
              ${stat('Revoked', count(s.tickets.revoked + s.tickets.missed + s.tickets.expired))}
              ${stat('Invalid (not voted)', count(s.tickets.invalid))}
              ${stat('Vote rewards earned', dcr(s.totalSubsidy))}
              ${stat('Accounts', count(s.users.total))}
              ${stat('Accounts with an address', count(s.users.active))}
            </dl>
          </section>
          <section>
            <h2>Network</h2>
            <dl class="stats">
              ${stat('Ticket price', dcr(s.ticketPrice))}
              ${stat('Live tickets (pool size)', count(s.poolSize))}
              ${stat('Tickets in the mempool', count(s.allMempoolTix))}
              ${stat('Block height', count(s.blockHeight))}
              ${stat('This pool holds', percent(s.proportionLive), 'of the live tickets')}
            </dl>
            ${
              v.priceChartUrl !== undefined &&
              html`<p>
                <a href="${v.priceChartUrl}" rel="noopener noreferrer">Ticket price history</a>
              </p>`
            }
          </section>
          <section>
            <h2>Charts</h2>
            ${charts(s)}
          </section>`;
  return poolLayout({ ...v, title: 'Statistics' }, body);
}
