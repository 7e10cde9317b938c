// The links between the pool's two admin pages.
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';

export function poolAdminNav(current: 'status' | 'admintickets'): SafeHtml {
  const link = (key: typeof current, href: string, label: string): SafeHtml =>
    html`<li>
      <a href="${href}" ${current === key ? html` aria-current="page"` : ''}>${label}</a>
    </li>`;
  return html`<nav class="admin-nav" aria-label="Pool admin">
    <ul>
      <li><strong>Pool admin</strong></li>
      ${link('status', '/status', 'Status')}
      ${link('admintickets', '/admintickets', 'Low-fee tickets')}
    </ul>
  </nav>`;
}
