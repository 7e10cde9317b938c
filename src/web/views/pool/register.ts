// /register: the closed-pool notice, the captcha, or the sign-up form.
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { captchaBlock } from './captcha.ts';
import type { CaptchaView } from './captcha.ts';
import { poolLayout } from './layout.ts';
import type { PoolPageView } from './layout.ts';
import { field } from './field.ts';
import { MAX_EMAIL_LENGTH, MIN_PASSWORD_LENGTH } from './limits.ts';

export type RegisterView = Omit<PoolPageView, 'title' | 'current'> & {
  /** closepoolmsg, when the pool takes no new accounts. */
  closedMessage?: string | undefined;
  /** The captcha still to solve; undefined once solved. */
  captcha?: CaptchaView | undefined;
  csrf: string;
  email?: string | undefined;
  error?: string | undefined;
};

export function registerPage(v: RegisterView): SafeHtml {
  let body: SafeHtml;
  if (v.closedMessage !== undefined) {
    body = html`<h1>Register</h1>
      <p class="notice" role="status">${v.closedMessage}</p>`;
  } else if (v.captcha !== undefined) {
    body = html`<h1>Register</h1>
      ${v.error !== undefined && html`<p class="error" role="alert">${v.error}</p>`}
      ${captchaBlock(v.captcha)}`;
  } else {
    body = html`<h1>Register</h1>
      ${v.error !== undefined && html`<p class="error" role="alert">${v.error}</p>`}
      <form method="post" action="/register" class="account-form">
        <input type="hidden" name="csrf" value="${v.csrf}" />
        ${field({
          id: 'email',
          name: 'email',
          label: 'Email',
          type: 'email',
          autocomplete: 'email',
          value: v.email,
          maxlength: MAX_EMAIL_LENGTH,
        })}
        ${field({
          id: 'password',
          name: 'password',
          label: 'Password',
          type: 'password',
          autocomplete: 'new-password',
          minlength: MIN_PASSWORD_LENGTH,
          hint: `At least ${MIN_PASSWORD_LENGTH} characters.`,
        })}
        ${field({
          id: 'passwordrepeat',
          name: 'passwordrepeat',
          label: 'Repeat password',
          type: 'password',
          autocomplete: 'new-password',
          minlength: MIN_PASSWORD_LENGTH,
        })}
        <button type="submit">Register</button>
      </form>
      <p>Already registered? <a href="/login">Log in</a>.</p>`;
  }
  return poolLayout({ ...v, title: 'Register', current: 'register' }, body);
}
