// /status for the pool's admins: each dcrd the pool uses, each voter, and how far the ticket
// scanner has followed the chain. Green only when healthy.
import { count, dateTime } from '../format.ts';
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import type {
  DcrdNodeStatus,
  PoolStatusReport,
  VoterStatus,
} from '../../routes/pool/pages-context.ts';
import { poolAdminNav } from './admin-nav.ts';
import { poolLayout } from './layout.ts';
import type { PoolPageView } from './layout.ts';

export interface StatusView extends Omit<PoolPageView, 'title' | 'current'> {
  /** Undefined when the check itself failed. */
  report: PoolStatusReport | undefined;
  voteVersion: number;
  /** Last block the ticket scanner processed; undefined before its first block. */
  scannedHeight: number | undefined;
  /** Best height the nodes report (highest of the connected ones). */
  tipHeight: number | undefined;
}

function flag(ok: boolean, yes = 'yes', no = 'no'): SafeHtml {
  return html`<span class="${ok ? 'ok' : 'bad'}">${ok ? yes : no}</span>`;
}

function dcrdRow(d: DcrdNodeStatus): SafeHtml {
  const healthy = d.connected && d.bestBlockHeight !== undefined && d.error === undefined;
  return html`<tr class="${healthy ? '' : 'row-bad'}">
    <td><code>${d.host}</code></td>
    <td>${flag(d.connected)}</td>
    <td>${d.bestBlockHeight === undefined ? '—' : count(d.bestBlockHeight)}</td>
    <td>${d.error ?? ''}</td>
  </tr>`;
}

function lastBlockCell(b: NonNullable<VoterStatus['lastBlock']>): SafeHtml {
  return html`block ${count(b.height)} at ${dateTime(b.at)}: ${b.ours} ours, ${b.sent} sent,
  ${b.duplicates} duplicate,
  ${b.failed === 0 ? '0 failed' : flag(false, '', `${b.failed} failed`)}${
    b.cacheAgeS !== undefined &&
    html`;
    ${flag(false, '', `database unreachable, voted from the voter cache (${count(b.cacheAgeS)} s old)`)}`
  }`;
}

function voterRow(v: VoterStatus, voteVersion: number): SafeHtml {
  const healthy = v.running && v.keyLoaded && v.voteVersion === voteVersion && v.stale !== true;
  const b = v.lastBlock;
  return html`<tr class="${healthy ? '' : 'row-bad'}">
    <td>${v.name}</td>
    <td>${v.stale === true ? flag(false, '', 'stale') : flag(v.running)}</td>
    <td>${flag(v.keyLoaded, 'loaded', 'missing')}</td>
    <td>${flag(v.voteVersion === voteVersion, String(v.voteVersion), String(v.voteVersion))}</td>
    <td>${v.seenAt === undefined ? '—' : dateTime(v.seenAt)}</td>
    <td>${b === undefined ? '—' : lastBlockCell(b)}</td>
  </tr>`;
}

function votersNote(voters: readonly VoterStatus[]): SafeHtml {
  if (voters.length === 0) {
    return html`<p class="error">
      No voter has reported to the database: neither this server nor a <code>stakepool voter</code>
      seems to be voting the pool's tickets.
    </p>`;
  }
  if (voters.every((x) => x.stale === true || !x.running)) {
    return html`<p class="error">
      No voter has reported in the last 10 minutes: winning tickets may not be voted.
    </p>`;
  }
  return html``;
}

export function statusPage(v: StatusView): SafeHtml {
  const r = v.report;
  const behind =
    v.tipHeight !== undefined && v.scannedHeight !== undefined
      ? v.tipHeight - v.scannedHeight
      : undefined;
  const body = html`${poolAdminNav('status')}
    <h1>Pool status</h1>
    <p>The pool votes with vote version <strong>${v.voteVersion}</strong>.</p>
    ${
      r === undefined
        ? html`<p class="error">The status check failed; see the log.</p>`
        : html`<section>
              <h2>dcrd</h2>
              <table>
                <thead>
                  <tr>
                    <th>Host</th>
                    <th>Connected</th>
                    <th>Best block</th>
                    <th>Problem</th>
                  </tr>
                </thead>
                <tbody>
                  ${r.dcrd.map(dcrdRow)}
                </tbody>
              </table>
            </section>
            <section>
              <h2>Voters</h2>
              <p>
                Every voter (this server's and each <code>stakepool voter</code>) writes a heartbeat
                to the database at least once a minute; one silent for 10 minutes is stale.
              </p>
              ${votersNote(r.voters)}
              ${
                r.voters.length > 0 &&
                html`<table>
                  <thead>
                    <tr>
                      <th>Voter</th>
                      <th>Running</th>
                      <th>Voting key</th>
                      <th>Vote version</th>
                      <th>Last heartbeat</th>
                      <th>Last block</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${r.voters.map((x) => voterRow(x, v.voteVersion))}
                  </tbody>
                </table>`
              }
            </section>`
    }
    <section>
      <h2>Ticket scanner</h2>
      <p>
        ${
          v.scannedHeight === undefined
            ? 'It has not processed a block yet.'
            : html`Last block processed: <strong>${count(v.scannedHeight)}</strong>${
                  behind !== undefined &&
                  html` (${behind <= 1 ? flag(true, 'up to date') : flag(false, '', `${count(behind)} blocks behind`)})`
                }.`
        }
      </p>
    </section>`;
  return poolLayout({ ...v, title: 'Pool status' }, body);
}
