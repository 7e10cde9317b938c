// /login: email and password.
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { accountForm, currentPasswordField, emailField, formError } from './field.ts';
import type { EmailFormView } from './field.ts';
import { poolLayout } from './layout.ts';

export type LoginView = Omit<EmailFormView, 'captcha'>;

export function loginPage(v: LoginView): SafeHtml {
  const body = html`<h1>Log in</h1>
    ${formError(v.error)}
    ${accountForm({ action: '/login', csrf: v.csrf, button: 'Log in' }, [
      emailField({ value: v.email, autocomplete: 'username' }),
      currentPasswordField('password', 'Password'),
    ])}
    <p>
      <a href="/passwordreset">Forgot your password?</a> · No account yet?
      <a href="/register">Register</a>.
    </p>`;
  return poolLayout({ ...v, title: 'Log in', current: 'login' }, body);
}
