// /passwordreset: the captcha, then the email to send a reset link to.
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { captchaBlock } from './captcha.ts';
import { accountForm, emailField, formError } from './field.ts';
import type { EmailFormView } from './field.ts';
import { poolLayout } from './layout.ts';

export type PasswordResetView = EmailFormView;

export function passwordResetPage(v: PasswordResetView): SafeHtml {
  const body = html`<h1>Reset your password</h1>
    ${formError(v.error)}
    ${
      v.captcha !== undefined
        ? captchaBlock(v.captcha)
        : html`<p>
              Enter the email address of your account. We send it a link to choose a new password;
              the link works for one hour.
            </p>
            ${accountForm({ action: '/passwordreset', csrf: v.csrf, button: 'Send the link' }, [
              emailField({ value: v.email, autocomplete: 'email' }),
            ])}`
    }`;
  return poolLayout({ ...v, title: 'Reset your password' }, body);
}
