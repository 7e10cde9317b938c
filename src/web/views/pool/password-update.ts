// /passwordupdate?t=…: the new password, for a valid reset link.
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { accountForm, formError, newPasswordFields } from './field.ts';
import { poolLayout } from './layout.ts';
import type { PoolPageView } from './layout.ts';

export type PasswordUpdateView = Omit<PoolPageView, 'title' | 'current'> & {
  csrf: string;
  /** The reset token from the link, posted back with the form. */
  token: string;
  error?: string | undefined;
};

export function passwordUpdatePage(v: PasswordUpdateView): SafeHtml {
  const body = html`<h1>Choose a new password</h1>
    ${formError(v.error)}
    ${accountForm(
      {
        action: '/passwordupdate',
        csrf: v.csrf,
        hidden: { t: v.token },
        button: 'Set the password',
      },
      newPasswordFields('password', 'New password', 'Repeat the new password'),
    )}`;
  return poolLayout({ ...v, title: 'Choose a new password' }, body);
}
