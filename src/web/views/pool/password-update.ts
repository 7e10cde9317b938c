// /passwordupdate?t=…: the new password, for a valid reset link.
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { field } from './field.ts';
import { poolLayout } from './layout.ts';
import type { PoolPageView } from './layout.ts';
import { MIN_PASSWORD_LENGTH } from './limits.ts';

export type PasswordUpdateView = Omit<PoolPageView, 'title' | 'current'> & {
  csrf: string;
  /** The reset token from the link, posted back with the form. */
  token: string;
  error?: string | undefined;
};

export function passwordUpdatePage(v: PasswordUpdateView): SafeHtml {
  const body = html`<h1>Choose a new password</h1>
    ${v.error !== undefined && html`<p class="error" role="alert">${v.error}</p>`}
    <form method="post" action="/passwordupdate" class="account-form">
      <input type="hidden" name="csrf" value="${v.csrf}" />
      <input type="hidden" name="t" value="${v.token}" />
      ${field({
        id: 'password',
        name: 'password',
        label: 'New password',
        type: 'password',
        autocomplete: 'new-password',
        minlength: MIN_PASSWORD_LENGTH,
        hint: `At least ${MIN_PASSWORD_LENGTH} characters.`,
      })}
      ${field({
        id: 'passwordrepeat',
        name: 'passwordrepeat',
        label: 'Repeat the new password',
        type: 'password',
        autocomplete: 'new-password',
        minlength: MIN_PASSWORD_LENGTH,
      })}
      <button type="submit">Set the password</button>
    </form>`;
  return poolLayout({ ...v, title: 'Choose a new password' }, body);
}
