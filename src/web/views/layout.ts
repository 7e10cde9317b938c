// The frame of every page: header with the pool's name, the banners that must never be missed
// (not mainnet, closed), the admin navigation when logged in, and the footer with the VSP's public
// key and the support address.
import { html } from './html.ts';
import type { HtmlValue, SafeHtml } from './html.ts';
import { timeAgo } from './format.ts';

/** What every page shows about the pool. */
export interface SiteView {
  designation: string;
  /** chaincfg name: mainnet, testnet3, simnet. */
  network: string;
  vspClosed: boolean;
  vspClosedMsg: string;
  supportEmail: string;
  /** base64 ed25519 key wallets pin (dcrwallet --vsp.pubkey). */
  pubKey: string;
}

export interface AdminNav {
  /** CSRF token of the session, for the logout form. */
  csrf: string;
  current: 'status' | 'ticket' | 'missed';
}

export interface PageView {
  title: string;
  site: SiteView;
  nowMs: number;
  /** When the stats were last refreshed (ms); shown in the footer. */
  statsUpdatedAt?: number | undefined;
  admin?: AdminNav | undefined;
}

function adminNav(nav: AdminNav): SafeHtml {
  const link = (key: AdminNav['current'], href: string, label: string): SafeHtml =>
    html`<li>
      <a href="${href}" ${nav.current === key ? html` aria-current="page"` : ''}>${label}</a>
    </li>`;
  return html`<nav class="admin-nav" aria-label="Admin">
    <ul>
      ${link('status', '/admin', 'VSP status')} ${link('ticket', '/admin/ticket', 'Ticket search')}
      ${link('missed', '/admin/missed', 'Missed tickets')}
      <li>
        <form method="post" action="/admin/logout" class="inline">
          <input type="hidden" name="csrf" value="${nav.csrf}" />
          <button type="submit">Log out</button>
        </form>
      </li>
    </ul>
  </nav>`;
}

function banners(site: SiteView): SafeHtml {
  return html`${
    site.network !== 'mainnet' &&
    html`<div class="banner banner-warning" role="status">
      This pool runs on <strong>${site.network}</strong>: its coins have no value. Visit
      <a href="https://decred.org/vsp/" rel="noopener noreferrer">decred.org</a> for the mainnet
      voting service providers.
    </div>`
  }
  ${
    site.vspClosed &&
    html`<div class="banner banner-danger" role="alert">
      <strong>This voting service provider is closed to new tickets.</strong>
      ${site.vspClosedMsg !== '' && html`<p class="closed-msg">${site.vspClosedMsg}</p>`}
      <p>
        Tickets whose fee is already paid are still voted. Visit
        <a href="https://decred.org/vsp/" rel="noopener noreferrer">decred.org</a> to find another
        VSP.
      </p>
    </div>`
  }`;
}

export function layout(page: PageView, body: HtmlValue): SafeHtml {
  const { site } = page;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title} · ${site.designation}</title>
        <link rel="stylesheet" href="/public/style.css" />
      </head>
      <body>
        <header class="site-header">
          <div class="container">
            <a class="brand" href="/">${site.designation}</a>
            <span class="network network-${site.network}">${site.network}</span>
          </div>
        </header>
        <div class="container">
          ${banners(site)} ${page.admin && adminNav(page.admin)}
          <main>${body}</main>
        </div>
        <footer class="site-footer">
          <div class="container">
            <dl>
              ${
                page.statsUpdatedAt !== undefined &&
                html`<dt>Stats updated</dt>
                  <dd>${timeAgo(page.statsUpdatedAt, page.nowMs)}</dd>`
              }
              <dt>Support</dt>
              <dd>
                ${
                  site.supportEmail === ''
                    ? '—'
                    : html`<a href="mailto:${site.supportEmail}">${site.supportEmail}</a>`
                }
              </dd>
              ${
                site.pubKey === ''
                  ? ''
                  : html`<dt>VSP public key</dt>
                      <dd><code class="break">${site.pubKey}</code></dd>`
              }
            </dl>
          </div>
        </footer>
      </body>
    </html>`;
}
