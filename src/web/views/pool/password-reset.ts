// /passwordreset: the captcha, then the email to send a reset link to.
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { captchaBlock } from './captcha.ts';
import type { CaptchaView } from './captcha.ts';
import { field } from './field.ts';
import { poolLayout } from './layout.ts';
import { MAX_EMAIL_LENGTH } from './limits.ts';
import type { PoolPageView } from './layout.ts';

export type PasswordResetView = Omit<PoolPageView, 'title' | 'current'> & {
  captcha?: CaptchaView | undefined;
  csrf: string;
  email?: string | undefined;
  error?: string | undefined;
};

export function passwordResetPage(v: PasswordResetView): SafeHtml {
  const body = html`<h1>Reset your password</h1>
    ${v.error !== undefined && html`<p class="error" role="alert">${v.error}</p>`}
    ${
      v.captcha !== undefined
        ? captchaBlock(v.captcha)
        : html`<p>
              Enter the email address of your account. We send it a link to choose a new password;
              the link works for one hour.
            </p>
            <form method="post" action="/passwordreset" class="account-form">
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
              <button type="submit">Send the link</button>
            </form>`
    }`;
  return poolLayout({ ...v, title: 'Reset your password' }, body);
}
