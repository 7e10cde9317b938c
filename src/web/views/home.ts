// GET /: what the pool is, its numbers, and the two ways in — a current wallet through the VSP,
// or an account with the legacy pool.
import type { VspStats } from '../../vsp/stats.ts';
import { count, feePercent, percent } from './format.ts';
import { html } from './html.ts';
import type { SafeHtml } from './html.ts';
import { layout } from './layout.ts';
import type { SiteView } from './layout.ts';

export interface HomeView {
  site: SiteView;
  nowMs: number;
  /** Percent of the vote reward (vspfee). */
  vspFee: number;
  /** Undefined while the first refresh has not succeeded (dcrd unreachable at startup). */
  stats: VspStats | undefined;
  /** Public URL of the site, for the dcrwallet flags. */
  vspUrl: string;
  /** Free text about the pool (config `description`). */
  description: string;
  /** Whether the legacy pool face (accounts) is served. */
  legacyPool: boolean;
  /** Whether the VSP face (/api/v3) is served; default true. */
  vsp?: boolean;
  /** The legacy pool's settings, when its pages are served. */
  legacy?: LegacyHomeView;
}

export interface LegacyHomeView {
  /** [closepool] No new accounts: closedMsg is shown instead of "Create an account". */
  closed: boolean;
  closedMsg: string;
  /** [poolfees] Percent; undefined when the pool pages are not served. */
  poolFees: number | undefined;
  /** [poollink] Support link (forum, chat); '' for none. */
  poolLink: string;
}

function stat(label: string, value: string, note?: string): SafeHtml {
  return html`<div class="stat">
    <dt>${label}</dt>
    <dd>${value}${note !== undefined && html` <small>${note}</small>`}</dd>
  </div>`;
}

function statsBlock(v: HomeView): SafeHtml {
  const s = v.stats;
  if (s === undefined) {
    return html`<p class="notice">
      Statistics are not available right now (the pool cannot reach its Decred node). Try again in a
      minute.
    </p>`;
  }
  return html`<dl class="stats">
    ${stat('Network', v.site.network)} ${stat('VSP fee', feePercent(v.vspFee))}
    ${stat('Live tickets', count(s.voting))} ${stat('Voted', count(s.voted))}
    ${stat('Expired', count(s.expired), percent(s.expiredProportion))}
    ${stat('Missed', count(s.missed), percent(s.missedProportion))}
    ${stat('Block height', count(s.blockHeight))}
    ${stat('Network proportion', percent(s.networkProportion))}
    ${stat('Voting wallets online', `${s.votingWalletsOnline} of ${s.totalVotingWallets}`)}
  </dl>`;
}

function vspSection(v: HomeView): SafeHtml {
  return html`<section class="way-in" id="vsp">
    <h2>With a current wallet (VSP)</h2>
    ${
      v.site.vspClosed
        ? html`<p>This VSP accepts no new tickets at the moment.</p>`
        : html`<p>
            No account is needed: your wallet registers each ticket and pays a separate fee of
            ${feePercent(v.vspFee)} of the vote reward. Use these two values:
          </p>`
    }
    <dl class="vsp-params">
      <dt>VSP URL</dt>
      <dd><code class="break">${v.vspUrl}</code></dd>
      <dt>VSP public key</dt>
      <dd><code class="break">${v.site.pubKey}</code></dd>
    </dl>
    <p>With dcrwallet, buying tickets automatically through this VSP:</p>
    <pre><code>dcrwallet --enableticketbuyer --vsp.url=${v.vspUrl} --vsp.pubkey=${
      v.site.pubKey
    }</code></pre>
    <p>
      or once, with <code>dcrctl --wallet purchaseticket</code> after starting dcrwallet with
      <code>--vsp.url</code> and <code>--vsp.pubkey</code> as above. In Decrediton and Cryptopower,
      add it as a custom VSP with the same URL and key.
    </p>
  </section>`;
}

/** dcrstakepool's "Support" button: only an http(s) URL becomes a link. */
function poolLinkLine(link: string): SafeHtml {
  if (!/^https?:\/\/\S+$/i.test(link)) return html``;
  return html`<p>
    Support and discussion: <a href="${link}" rel="noopener noreferrer">${link}</a>
  </p>`;
}

function legacySection(v: HomeView): SafeHtml {
  if (!v.legacyPool) {
    return html`<section class="way-in" id="legacy">
      <h2>With an account (legacy pool)</h2>
      <p>This server does not offer legacy pool accounts.</p>
    </section>`;
  }
  const l = v.legacy;
  const fee = l?.poolFees;
  return html`<section class="way-in" id="legacy">
    <h2>With an account (legacy pool)</h2>
    <p>
      The original stake pool model: you register an account, give the pool a public key address,
      and buy tickets whose voting address is a 1-of-2 multisig script shared by you and the pool.
      The pool fee${fee !== undefined && html`, <strong>${feePercent(fee)}</strong>,`} is part of
      each ticket.
    </p>
    ${
      l?.closed === true
        ? html`<p class="notice">${l.closedMsg}</p>
            <p><a class="button" href="/login">Log in</a></p>`
        : html`<p>
            <a class="button" href="/register">Create an account</a>
            <a class="button" href="/login">Log in</a>
          </p>`
    }
    ${poolLinkLine(l?.poolLink ?? '')}
  </section>`;
}

export function homePage(v: HomeView): SafeHtml {
  const body = html`<section class="intro">
      <h1>${v.site.designation}</h1>
      ${v.description !== '' && html`<p class="description">${v.description}</p>`}
      <p>
        A Decred stake pool keeps voting wallets online so that ticket holders can vote without
        keeping their own wallet running, for a small fee. It never holds your funds: your tickets
        stay yours, and the pool can only vote them. See
        <a href="https://docs.decred.org/proof-of-stake/overview/" rel="noopener noreferrer"
          >docs.decred.org</a
        >
        for how tickets and voting work.
      </p>
    </section>

    <section>
      <h2>Pool statistics</h2>
      ${
        v.vsp === false
          ? html`<p><a href="/stats">The pool's statistics</a> are on their own page.</p>`
          : statsBlock(v)
      }
    </section>

    ${v.vsp !== false && vspSection(v)} ${legacySection(v)}`;
  return layout(
    { title: 'Home', site: v.site, nowMs: v.nowMs, statsUpdatedAt: v.stats?.updatedAt },
    body,
  );
}
