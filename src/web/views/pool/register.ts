// /register: the closed-pool notice, the captcha, or the sign-up form.
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { captchaBlock } from './captcha.ts';
import { accountForm, emailField, formError, newPasswordFields } from './field.ts';
import type { EmailFormView } from './field.ts';
import { poolLayout } from './layout.ts';

export type RegisterView = EmailFormView & {
  /** closepoolmsg, when the pool takes no new accounts. */
  closedMessage?: string | undefined;
};

export function registerPage(v: RegisterView): SafeHtml {
  let body: SafeHtml;
  if (v.closedMessage !== undefined) {
    body = html`<h1>Register</h1>
      <p class="notice" role="status">${v.closedMessage}</p>`;
  } else if (v.captcha !== undefined) {
    body = html`<h1>Register</h1>
      ${formError(v.error)} ${captchaBlock(v.captcha)}`;
  } else {
    body = html`<h1>Register</h1>
      ${formError(v.error)}
      ${accountForm({ action: '/register', csrf: v.csrf, button: 'Register' }, [
        emailField({ value: v.email, autocomplete: 'email' }),
        ...newPasswordFields('password', 'Password', 'Repeat password'),
      ])}
      <p>Already registered? <a href="/login">Log in</a>.</p>`;
  }
  return poolLayout({ ...v, title: 'Register', current: 'register' }, body);
}
