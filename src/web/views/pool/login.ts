// /login: email and password.
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { field } from './field.ts';
import { poolLayout } from './layout.ts';
import { MAX_EMAIL_LENGTH } from './limits.ts';
import type { PoolPageView } from './layout.ts';

export type LoginView = Omit<PoolPageView, 'title' | 'current'> & {
  csrf: string;
  email?: string | undefined;
  error?: string | undefined;
};

export function loginPage(v: LoginView): SafeHtml {
  const body = html`<h1>Log in</h1>
    ${v.error !== undefined && html`<p class="error" role="alert">${v.error}</p>`}
    <form method="post" action="/login" class="account-form">
      <input type="hidden" name="csrf" value="${v.csrf}" />
      ${field({
        id: 'email',
        name: 'email',
        label: 'Email',
        type: 'email',
        autocomplete: 'username',
        value: v.email,
        maxlength: MAX_EMAIL_LENGTH,
      })}
      ${field({
        id: 'password',
        name: 'password',
        label: 'Password',
        type: 'password',
        autocomplete: 'current-password',
      })}
      <button type="submit">Log in</button>
    </form>
    <p>
      <a href="/passwordreset">Forgot your password?</a> · No account yet?
      <a href="/register">Register</a>.
    </p>`;
  return poolLayout({ ...v, title: 'Log in', current: 'login' }, body);
}
