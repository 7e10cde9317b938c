// A transaction hash as the pool pages show it: linked to the network's block explorer where the
// network has one (none on simnet).
import type { NetworkName } from '../../../dcr/params.ts';
import { explorerUrl } from '../format.ts';
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';

export function txHash(net: NetworkName, hash: string): SafeHtml {
  const url = explorerUrl(net, 'tx', hash);
  const text = html`<code class="break">${hash}</code>`;
  return url === undefined ? text : html`<a href="${url}" rel="noopener noreferrer">${text}</a>`;
}
