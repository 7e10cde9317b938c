// The frame of the legacy pool's account pages: the site layout, with the account navigation (or
// the ways in for a visitor) and the session's flash messages above the page's own content.
import { html } from '../html.ts';
import type { HtmlValue, SafeHtml } from '../html.ts';
import { layout } from '../layout.ts';
import type { SiteView } from '../layout.ts';

export interface Flash {
  kind: 'error' | 'success' | 'info';
  text: string;
}

export type PoolNavItem = 'address' | 'tickets' | 'voting' | 'settings' | 'login' | 'register';

export interface PoolPageView {
  title: string;
  site: SiteView;
  nowMs: number;
  /** The logged-in account, with the CSRF token for the logout form. */
  user?: { email: string; csrf: string } | undefined;
  current?: PoolNavItem | undefined;
  flashes?: readonly Flash[];
}

function navLink(v: PoolPageView, key: PoolNavItem, href: string, label: string): SafeHtml {
  return html`<li>
    <a href="${href}" ${v.current === key ? html` aria-current="page"` : ''}>${label}</a>
  </li>`;
}

function nav(v: PoolPageView): SafeHtml {
  if (v.user === undefined) {
    return html`<nav class="admin-nav" aria-label="Account">
      <ul>
        ${navLink(v, 'register', '/register', 'Register')}
        ${navLink(v, 'login', '/login', 'Log in')}
      </ul>
    </nav>`;
  }
  return html`<nav class="admin-nav" aria-label="Account">
    <ul>
      ${navLink(v, 'address', '/address', 'Address')}
      ${navLink(v, 'tickets', '/tickets', 'Tickets')} ${navLink(v, 'voting', '/voting', 'Voting')}
      ${navLink(v, 'settings', '/settings', 'Settings')}
      <li class="muted">${v.user.email}</li>
      <li>
        <form method="post" action="/logout" class="inline">
          <input type="hidden" name="csrf" value="${v.user.csrf}" />
          <button type="submit">Log out</button>
        </form>
      </li>
    </ul>
  </nav>`;
}

export function flashList(flashes: readonly Flash[] | undefined): SafeHtml {
  return html`${(flashes ?? []).map((f) =>
    f.kind === 'error'
      ? html`<p class="flash flash-error error" role="alert">${f.text}</p>`
      : html`<p class="flash flash-${f.kind} notice" role="status">${f.text}</p>`,
  )}`;
}

export function poolLayout(v: PoolPageView, body: HtmlValue): SafeHtml {
  return layout(
    { title: v.title, site: v.site, nowMs: v.nowMs },
    html`${nav(v)} ${flashList(v.flashes)} ${body}`,
  );
}

/** What a page that only says one thing says, and where it offers to go next. */
export interface PoolMessage {
  message: string;
  links?: readonly { href: string; label: string }[];
}

/** A page that only says one thing (a bad link, the pool is closed…). */
export function poolMessagePage(v: PoolPageView & PoolMessage): SafeHtml {
  return poolLayout(
    v,
    html`<h1>${v.title}</h1>
      <p>${v.message}</p>
      ${
        (v.links ?? []).length > 0 &&
        html`<p>
          ${(v.links ?? []).map((l) => html`<a class="button" href="${l.href}">${l.label}</a> `)}
        </p>`
      }`,
  );
}
