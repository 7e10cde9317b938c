// The admin's first page: is everything up (dcrd, voting wallets), what the pool holds and
// earned, the fee keys, and the database with its backup.
import { dcrdHealthy, walletHealthy } from '../../../admin/health.ts';
import type { HealthReport, WalletHealth } from '../../../admin/health.ts';
import type { Engine } from '../../../db/engine.ts';
import type { FeeXpub } from '../../../db/vsp-fee-xpubs.ts';
import type { OutcomeCounts } from '../../../db/vsp-tickets.ts';
import { bytes, count, dateTime, dcr } from '../format.ts';
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { layout } from '../layout.ts';
import type { AdminNav, SiteView } from '../layout.ts';

export interface Revenue {
  lifetime: bigint;
  /** Undefined when the best block height is unknown (dcrd down). */
  last28Days: bigint | undefined;
  last24Hours: bigint | undefined;
}

export interface StatusView {
  site: SiteView;
  nowMs: number;
  nav: AdminNav;
  health: HealthReport;
  counts: OutcomeCounts;
  revenue: Revenue;
  feeXpubs: readonly FeeXpub[];
  database: { engine: Engine; size: number | undefined; canBackup: boolean };
}

function flag(ok: boolean, yes = 'yes', no = 'no'): SafeHtml {
  return html`<span class="${ok ? 'ok' : 'bad'}">${ok ? yes : no}</span>`;
}

function walletRow(name: string, w: WalletHealth): SafeHtml {
  if (!w.connected) {
    return html`<tr class="row-bad">
      <td><code>${name}</code></td>
      <td colspan="6">${flag(false, '', 'cannot connect')}</td>
    </tr>`;
  }
  return html`<tr class="${walletHealthy(w) ? '' : 'row-bad'}">
    <td><code>${name}</code></td>
    <td>${w.bestBlockError ? flag(false, '', 'error') : count(w.bestBlockHeight)}</td>
    ${
      w.infoError
        ? html`<td colspan="4">${flag(false, '', 'walletinfo failed')}</td>`
        : html`<td>${flag(w.daemonConnected)}</td>
            <td>${flag(w.unlocked)}</td>
            <td>${flag(w.voting)}</td>
            <td>${w.voteVersion}</td>`
    }
    <td>${flag(walletHealthy(w), 'healthy', 'problem')}</td>
  </tr>`;
}

function xpubRows(keys: readonly FeeXpub[]): SafeHtml {
  if (keys.length === 0) return html`<p class="error">No fee xpub is set (run createdb).</p>`;
  return html`<table>
    <thead>
      <tr>
        <th>Id</th>
        <th>Key</th>
        <th>Last index</th>
        <th>Added</th>
        <th>Retired</th>
      </tr>
    </thead>
    <tbody>
      ${[...keys].reverse().map(
        (k) =>
          html`<tr>
            <td>${k.id}</td>
            <td><code class="break">${k.xpub}</code></td>
            <td>${k.lastUsedIndex}</td>
            <td>${dateTime(k.createdAt)}</td>
            <td>
              ${k.retiredAt === undefined ? html`<strong>active</strong>` : dateTime(k.retiredAt)}
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

const maybeDcr = (atoms: bigint | undefined): string =>
  atoms === undefined ? 'unknown' : dcr(atoms);

export function statusPage(v: StatusView): SafeHtml {
  const { health, counts } = v;
  const d = health.dcrd;
  const body = html`<h1>VSP status</h1>
    <section>
      <h2>dcrd</h2>
      <table>
        <thead>
          <tr>
            <th>Host</th>
            <th>Connected</th>
            <th>Best block</th>
          </tr>
        </thead>
        <tbody>
          <tr class="${dcrdHealthy(d) ? '' : 'row-bad'}">
            <td><code>${d.host}</code></td>
            <td>${flag(d.connected)}</td>
            <td>
              ${!d.connected ? '—' : d.bestBlockError ? flag(false, '', 'error') : count(d.bestBlockHeight)}
            </td>
          </tr>
        </tbody>
      </table>
    </section>

    <section>
      <h2>Voting wallets</h2>
      ${
        health.wallets.size === 0
          ? html`<p class="error">No voting wallet is configured.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>Wallet</th>
                  <th>Best block</th>
                  <th>dcrd connected</th>
                  <th>Unlocked</th>
                  <th>Voting</th>
                  <th>Vote version</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                ${[...health.wallets].map(([name, w]) => walletRow(name, w))}
              </tbody>
            </table>`
      }
    </section>

    <section>
      <h2>Tickets</h2>
      <dl class="stats">
        <div class="stat">
          <dt>Live</dt>
          <dd>${count(counts.voting)}</dd>
        </div>
        <div class="stat">
          <dt>Voted</dt>
          <dd>${count(counts.voted)}</dd>
        </div>
        <div class="stat">
          <dt>Expired</dt>
          <dd>${count(counts.expired + counts.revoked)}</dd>
        </div>
        <div class="stat">
          <dt>Missed</dt>
          <dd>${count(counts.missed)}</dd>
        </div>
      </dl>
    </section>

    <section>
      <h2>Revenue</h2>
      <p class="hint">Sum of the fees of tickets whose fee transaction is confirmed.</p>
      <dl class="stats">
        <div class="stat">
          <dt>Last 24 hours</dt>
          <dd>${maybeDcr(v.revenue.last24Hours)}</dd>
        </div>
        <div class="stat">
          <dt>Last 28 days</dt>
          <dd>${maybeDcr(v.revenue.last28Days)}</dd>
        </div>
        <div class="stat">
          <dt>Lifetime</dt>
          <dd>${dcr(v.revenue.lifetime)}</dd>
        </div>
      </dl>
    </section>

    <section>
      <h2>Fee xpubs</h2>
      ${xpubRows(v.feeXpubs)}
    </section>

    <section>
      <h2>Database</h2>
      <dl class="stats">
        <div class="stat">
          <dt>Engine</dt>
          <dd>${v.database.engine}</dd>
        </div>
        <div class="stat">
          <dt>Size</dt>
          <dd>${v.database.size === undefined ? 'unknown' : bytes(v.database.size)}</dd>
        </div>
      </dl>
      ${
        v.database.canBackup
          ? html`<p><a class="button" href="/admin/backup">Download a backup</a></p>`
          : html`<p>
              Backups of a ${v.database.engine} database are the database's own job: use
              ${v.database.engine === 'postgres' ? 'pg_dump' : 'mariadb-dump (mysqldump)'}.
            </p>`
      }
    </section>`;
  return layout({ title: 'VSP status', site: v.site, nowMs: v.nowMs, admin: v.nav }, body);
}
