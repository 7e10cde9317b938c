// The admin login form. It posts the password with the CSRF token of the (not yet logged-in)
// session the form was served with.
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { layout } from '../layout.ts';
import type { SiteView } from '../layout.ts';

export interface LoginView {
  site: SiteView;
  nowMs: number;
  csrf: string;
  /** Why the last attempt failed. */
  error?: string | undefined;
}

export function loginPage(v: LoginView): SafeHtml {
  const body = html`<section class="login">
    <h1>Admin</h1>
    ${v.error !== undefined && html`<p class="error" role="alert">${v.error}</p>`}
    <form method="post" action="/admin">
      <input type="hidden" name="csrf" value="${v.csrf}" />
      <label for="password">Password</label>
      <input
        type="password"
        id="password"
        name="password"
        autocomplete="current-password"
        required
        autofocus
      />
      <button type="submit">Log in</button>
    </form>
  </section>`;
  return layout({ title: 'Admin login', site: v.site, nowMs: v.nowMs }, body);
}
