// Ticket search: the whole stored record of one ticket, its vote-change records (the signed
// requests and responses that prove what the user asked for), and its alternate signing address.
import { decodeTx, encodeAddress, extractAddresses, txid } from '../../../dcr/index.ts';
import type { NetParams } from '../../../dcr/params.ts';
import type { AltSignAddress } from '../../../db/vsp-alt-sign.ts';
import type { ChoiceMap, Ticket } from '../../../db/vsp-tickets.ts';
import type { VoteChange } from '../../../db/vsp-vote-changes.ts';
import { dateTime, dcr, explorerUrl, indentJson } from '../format.ts';
import { html } from '../html.ts';
import type { HtmlValue, SafeHtml } from '../html.ts';
import { layout } from '../layout.ts';
import type { AdminNav, SiteView } from '../layout.ts';

export interface TicketSearchResult {
  hash: string;
  ticket: Ticket | undefined;
  voteChanges: readonly VoteChange[];
  altSign: AltSignAddress | undefined;
}

export interface TicketView {
  site: SiteView;
  nowMs: number;
  nav: AdminNav;
  net: NetParams;
  /** What was typed, echoed back into the form. */
  query: string;
  error?: string | undefined;
  result?: TicketSearchResult | undefined;
  maxVoteChanges: number;
}

function link(
  v: TicketView,
  kind: 'tx' | 'address' | 'block',
  id: string,
  text?: string,
): SafeHtml {
  const url = id === '' ? undefined : explorerUrl(v.net.name, kind, id);
  const label = text ?? id;
  return url === undefined
    ? html`<code class="break">${label}</code>`
    : html`<a href="${url}" rel="noopener noreferrer"><code class="break">${label}</code></a>`;
}

function row(label: HtmlValue, value: HtmlValue): SafeHtml {
  return html`<tr>
    <th scope="row">${label}</th>
    <td>${value}</td>
  </tr>`;
}

function choices(map: ChoiceMap): SafeHtml {
  const entries = Object.entries(map);
  if (entries.length === 0) return html`<span class="muted">none</span>`;
  return html`<ul class="plain">
    ${entries.map(([k, val]) => html`<li><code>${k}</code>: <code>${val}</code></li>`)}
  </ul>`;
}

function feeTxDetails(v: TicketView, hex: string): SafeHtml {
  let decoded: SafeHtml;
  try {
    const tx = decodeTx(hex);
    decoded = html`<p>Tx ${link(v, 'tx', txid(tx))}</p>
      <table>
        <thead>
          <tr>
            <th>Output</th>
            <th>Value</th>
            <th>Pays to</th>
          </tr>
        </thead>
        <tbody>
          ${tx.outputs.map((out, i) => {
            let to: HtmlValue;
            try {
              const addrs = extractAddresses(out.pkScript, v.net, out.version).addresses;
              to =
                addrs.length === 0 ? 'non-standard' : addrs.map((a) => encodeAddress(a)).join(', ');
            } catch {
              to = 'non-standard';
            }
            return html`<tr>
              <td>${i}</td>
              <td>${dcr(out.value)}</td>
              <td><code class="break">${to}</code></td>
            </tr>`;
          })}
        </tbody>
      </table>`;
  } catch (err) {
    decoded = html`<p class="error">
      Cannot decode: ${err instanceof Error ? err.message : String(err)}
    </p>`;
  }
  return html`<details>
      <summary>Raw bytes</summary>
      <code class="break small">${hex}</code>
    </details>
    <details>
      <summary>Decoded</summary>
      ${decoded}
    </details>`;
}

/**
 * A signed body: pretty-printed to read, and the exact bytes too, since the signature covers
 * those and not the pretty form.
 */
function signedBody(text: string): SafeHtml {
  return html`<pre>${indentJson(text)}</pre>
    <details>
      <summary>Exact bytes (signed)</summary>
      <code class="break small">${text}</code>
    </details>`;
}

function exchange(
  request: string,
  requestSignature: string,
  response: string,
  responseSignature: string,
): SafeHtml {
  return html`<table class="exchange">
    ${row('Request', signedBody(request))}
    ${row('Request signature', html`<code class="break">${requestSignature}</code>`)}
    ${row('Response', signedBody(response))}
    ${row('Response signature', html`<code class="break">${responseSignature}</code>`)}
  </table>`;
}

function ticketRecord(v: TicketView, r: TicketSearchResult, t: Ticket): SafeHtml {
  return html`<section class="ticket">
    <h2>Ticket</h2>
    <table>
      ${row('Hash', link(v, 'tx', t.hash))}
      ${row(
        'Status',
        t.confirmed
          ? html`Confirmed (purchase height ${link(v, 'block', String(t.purchaseHeight))})`
          : 'Not confirmed',
      )}
      ${row('Outcome', t.outcome === '' ? 'none yet' : t.outcome)}
      ${t.outcomeHeight > 0 && row('Outcome height', String(t.outcomeHeight))}
      ${t.spendTxHash !== '' && row('Vote/revocation tx', link(v, 'tx', t.spendTxHash))}
      ${row('Commitment address', link(v, 'address', t.commitmentAddress))}
      ${row(
        'Voting WIF',
        t.votingWif === '' ? '—' : html`<code class="break">${t.votingWif}</code>`,
      )}
      ${row('Registered', dateTime(t.createdAt))} ${row('Updated', dateTime(t.updatedAt))}
    </table>

    <h2>Fee</h2>
    <table>
      ${row(
        'Fee address',
        html`${link(v, 'address', t.feeAddress)} (xpub id ${t.feeAddressXpubId}, index
        ${t.feeAddressIndex})`,
      )}
      ${row('Fee amount', dcr(t.feeAmount))}
      ${row('Fee expiration', `${t.feeExpiration} (${dateTime(t.feeExpiration)})`)}
      ${row('Fee tx hash', t.feeTxHash === '' ? '—' : link(v, 'tx', t.feeTxHash))}
      ${row('Fee tx', t.feeTxHex === '' ? '—' : feeTxDetails(v, t.feeTxHex))}
      ${row('Fee tx status', t.feeTxStatus)}
    </table>

    <h2>Vote choices</h2>
    <table>
      ${row('Consensus vote choices', choices(t.voteChoices))}
      ${row('TSpend policy', choices(t.tspendPolicy))}
      ${row('Treasury policy', choices(t.treasuryPolicy))}
      ${row(
        html`Vote choice changes <em>(the ${v.maxVoteChanges} most recent)</em>`,
        r.voteChanges.length === 0
          ? html`<span class="muted">none</span>`
          : r.voteChanges.map(
              (c) =>
                html`<details>
                  <summary>#${c.seq} · ${dateTime(c.createdAt)}</summary>
                  ${exchange(c.request, c.requestSignature, c.response, c.responseSignature)}
                </details>`,
            ),
      )}
    </table>
  </section>`;
}

function altSignSection(v: TicketView, a: AltSignAddress | undefined): SafeHtml {
  return html`<section>
    <h2>Alternate signing address</h2>
    ${
      a === undefined
        ? html`<p class="muted">none</p>`
        : html`<table>
              ${row('Address', link(v, 'address', a.address))} ${row('Set', dateTime(a.createdAt))}
            </table>
            <details>
              <summary>Signed request and response</summary>
              ${exchange(a.request, a.requestSignature, a.response, a.responseSignature)}
            </details>`
    }
  </section>`;
}

export function ticketPage(v: TicketView): SafeHtml {
  const r = v.result;
  const body = html`<h1>Ticket search</h1>
    <form method="get" action="/admin/ticket" class="search">
      <label for="hash">Ticket hash</label>
      <input
        type="text"
        id="hash"
        name="hash"
        value="${v.query}"
        size="66"
        maxlength="64"
        pattern="[0-9a-fA-F]{64}"
        spellcheck="false"
        autocomplete="off"
        required
      />
      <button type="submit">Search</button>
    </form>
    ${v.error !== undefined && html`<p class="error" role="alert">${v.error}</p>`}
    ${
      r !== undefined &&
      (r.ticket === undefined
        ? html`<p class="notice">No ticket found with hash <code>${r.hash}</code>.</p>
            ${r.altSign !== undefined && altSignSection(v, r.altSign)}`
        : html`${ticketRecord(v, r, r.ticket)} ${altSignSection(v, r.altSign)}`)
    }`;
  return layout({ title: 'Ticket search', site: v.site, nowMs: v.nowMs, admin: v.nav }, body);
}
