// /address: before an address is submitted, how to get a pubkey address out of a wallet and the
// form for it; afterwards everything a wallet needs to buy the user's pool tickets: the ticket
// address (P2SH), redeem script, fee address and fee, a dcrwallet.conf snippet and the
// purchaseticket command. The API token is shown either way.
import type { PoolMultisig } from '../../../db/pool-users.ts';
import { feePercent } from '../format.ts';
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { formError } from './field.ts';
import { poolLayout } from './layout.ts';
import type { PoolPageView } from './layout.ts';

export type AddressView = Omit<PoolPageView, 'title' | 'current'> & {
  csrf: string;
  multisig: PoolMultisig | undefined;
  /** Percent. */
  poolFees: number;
  apiToken: string | undefined;
  /** Base URL of the API, for the example. */
  apiUrl: string;
  /** The typed address, shown again with `error`. */
  typed?: string | undefined;
  error?: string | undefined;
};

/** dcrwallet's poolfees flag takes a plain decimal: 7.5, not "7.5%". */
function feeArg(fees: number): string {
  return String(Number(fees.toFixed(2)));
}

export function dcrwalletConf(m: PoolMultisig, poolFees: number): string {
  return [
    '; dcrwallet.conf: buy tickets through this pool (dcrwallet 2.0.x; 2.1.0 removed these options)',
    'enableticketbuyer=1',
    `pooladdress=${m.feeAddress}`,
    `poolfees=${feeArg(poolFees)}`,
    `ticketbuyer.votingaddress=${m.address}`,
  ].join('\n');
}

/** dcrwallet 2.0.x: "fromaccount" spendlimit minconf ticketaddress numtickets pooladdress poolfees. */
export function purchaseTicketCommand(m: PoolMultisig, poolFees: number): string {
  return `dcrctl --wallet purchaseticket "default" 100 1 ${m.address} 1 ${m.feeAddress} ${feeArg(poolFees)}`;
}

export function importScriptCommand(m: PoolMultisig): string {
  return `dcrctl --wallet importscript ${m.script}`;
}

function submitForm(v: AddressView): SafeHtml {
  return html`<section>
    <h2>Submit an address</h2>
    <p>
      Your tickets vote through a 1-of-2 multisig address made of a key of the pool's and a key of
      yours: the pool votes them, and your wallet could too. Give the pool the
      <strong>public key address</strong> of a new address of your wallet:
    </p>
    <pre><code>dcrctl --wallet getnewaddress
dcrctl --wallet validateaddress &lt;the new address&gt;</code></pre>
    <p>
      Copy the <code>pubkeyaddr</code> field of the answer (it starts with
      <code>${v.site.network === 'mainnet' ? 'Dk' : v.site.network === 'simnet' ? 'Sk' : 'Tk'}</code
      >). You can submit one address per account; it cannot be changed later.
    </p>
    ${formError(v.error)}
    <form method="post" action="/address" class="account-form">
      <input type="hidden" name="csrf" value="${v.csrf}" />
      <label for="UserPubKeyAddr">Public key address</label>
      <input
        type="text"
        id="UserPubKeyAddr"
        name="UserPubKeyAddr"
        value="${v.typed ?? ''}"
        size="66"
        maxlength="128"
        autocomplete="off"
        spellcheck="false"
        required
      />
      <button type="submit">Submit</button>
    </form>
  </section>`;
}

function purchaseInfo(m: PoolMultisig, v: AddressView): SafeHtml {
  return html`<section>
      <h2>Your ticket address</h2>
      <table>
        <tbody>
          <tr>
            <th scope="row">Ticket (voting) address</th>
            <td><code class="break" id="ticket-address">${m.address}</code></td>
          </tr>
          <tr>
            <th scope="row">Pool fee address</th>
            <td><code class="break" id="fee-address">${m.feeAddress}</code></td>
          </tr>
          <tr>
            <th scope="row">Pool fee</th>
            <td>${feePercent(v.poolFees)}</td>
          </tr>
          <tr>
            <th scope="row">Redeem script</th>
            <td><code class="break" id="redeem-script">${m.script}</code></td>
          </tr>
          <tr>
            <th scope="row">Your public key address</th>
            <td><code class="break">${m.userPubKeyAddr}</code></td>
          </tr>
          <tr>
            <th scope="row">Pool's public key address</th>
            <td><code class="break">${m.poolPubKeyAddr}</code></td>
          </tr>
          <tr>
            <th scope="row">Registered at block</th>
            <td>${m.heightRegistered}</td>
          </tr>
        </tbody>
      </table>
    </section>
    <section>
      <h2>Buying tickets</h2>
      <p class="notice">
        Only <strong>dcrwallet 2.0.x</strong> (and older) can buy tickets for a stake pool like this
        one: 2.1.0 removed the pool options. Newer wallets use a voting service provider instead.
      </p>
      <p>
        First let your wallet watch the ticket address, so it shows your tickets and their votes:
      </p>
      <pre><code>${importScriptCommand(m)}</code></pre>
      <p>Then buy tickets by hand (spend limit 100 DCR, one ticket; adjust both):</p>
      <pre><code id="purchaseticket">${purchaseTicketCommand(m, v.poolFees)}</code></pre>
      <p>
        Or let the wallet's ticket buyer do it, with these lines in <code>dcrwallet.conf</code>:
      </p>
      <pre><code id="dcrwallet-conf">${dcrwalletConf(m, v.poolFees)}</code></pre>
      <p>
        Every ticket must pay the pool fee to the fee address above through its first commitment, at
        least the fee the pool asks; the wallet does this with the commands above. A ticket that
        does not is not voted by the pool (it is listed as invalid on your
        <a href="/tickets">tickets page</a>).
      </p>
    </section>`;
}

function apiSection(v: AddressView): SafeHtml {
  return html`<section>
    <h2>API token</h2>
    ${
      v.apiToken === undefined
        ? html`<p>You have no API token. Make one on the <a href="/settings">settings page</a>.</p>`
        : html`<p>
              Wallets and scripts that use the pool's API (version 1 and 2) authenticate with this
              token. Keep it secret; you can revoke or replace it on the
              <a href="/settings">settings page</a>.
            </p>
            <pre><code class="break" id="api-token">${v.apiToken}</code></pre>
            <pre><code>curl -H "Authorization: Bearer &lt;token&gt;" ${v.apiUrl}/api/v1/getpurchaseinfo</code></pre>`
    }
  </section>`;
}

export function addressPage(v: AddressView): SafeHtml {
  return poolLayout(
    { ...v, title: 'Address', current: 'address' },
    html`<h1>Address</h1>
      ${v.multisig === undefined ? submitForm(v) : purchaseInfo(v.multisig, v)} ${apiSection(v)}`,
  );
}
