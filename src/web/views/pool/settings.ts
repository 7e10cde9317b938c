// /settings: change the email address (captcha + password; confirmed through a link mailed to the
// new address), change the password, and the API token with buttons to revoke or replace it.
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { captchaBlock } from './captcha.ts';
import type { CaptchaView } from './captcha.ts';
import { poolLayout } from './layout.ts';
import type { PoolPageView } from './layout.ts';
import {
  accountForm,
  currentPasswordField,
  emailField,
  formError,
  newPasswordFields,
} from './field.ts';

export type SettingsView = Omit<PoolPageView, 'title' | 'current'> & {
  csrf: string;
  email: string;
  /** Still to solve before the email form is shown. */
  captcha?: CaptchaView | undefined;
  apiToken: string | undefined;
  /** The typed new email, shown again after an error. */
  newEmail?: string | undefined;
  error?: string | undefined;
};

function emailSection(v: SettingsView): SafeHtml {
  return html`<section id="email">
    <h2>Email address</h2>
    <p>Your account uses <strong>${v.email}</strong>.</p>
    ${
      v.captcha !== undefined
        ? captchaBlock(v.captcha)
        : html`${accountForm(
              {
                action: '/settings',
                csrf: v.csrf,
                hidden: { action: 'email' },
                button: 'Change email',
              },
              [
                emailField({
                  id: 'newemail',
                  label: 'New email',
                  value: v.newEmail,
                  autocomplete: 'email',
                }),
                currentPasswordField('emailpassword', 'Current password'),
              ],
            )}
            <p class="hint">
              We mail a link to the new address; the change takes effect when you open it (within
              one hour). The current address gets a notice.
            </p>`
    }
  </section>`;
}

function passwordSection(v: SettingsView): SafeHtml {
  return html`<section id="password">
    <h2>Password</h2>
    ${accountForm(
      {
        action: '/settings',
        csrf: v.csrf,
        hidden: { action: 'password' },
        button: 'Change password',
      },
      [
        currentPasswordField('currentpassword', 'Current password'),
        ...newPasswordFields('newpassword', 'New password', 'Repeat the new password'),
      ],
    )}
    <p class="hint">Changing it logs out every other session of your account.</p>
  </section>`;
}

function tokenButton(v: SettingsView, action: string, label: string): SafeHtml {
  return html`<form method="post" action="/settings" class="inline">
    <input type="hidden" name="csrf" value="${v.csrf}" />
    <input type="hidden" name="action" value="${action}" />
    <button type="submit">${label}</button>
  </form>`;
}

function tokenSection(v: SettingsView): SafeHtml {
  return html`<section id="apitoken">
    <h2>API token</h2>
    ${
      v.apiToken === undefined
        ? html`<p>Your account has no API token: the API refuses every request for it.</p>
            <p>${tokenButton(v, 'regenerate', 'Create a token')}</p>`
        : html`<p>
              Wallets and tools that use the pool's API (v1 and v2) send this token as
              <code>Authorization: Bearer …</code>. Keep it secret: it shows your tickets and
              addresses and changes your voting preferences.
            </p>
            <pre><code class="break" id="apitoken-value">${v.apiToken}</code></pre>
            <p>
              ${tokenButton(v, 'regenerate', 'Regenerate')} ${tokenButton(v, 'revoke', 'Revoke')}
            </p>
            <p class="hint">
              Both stop the current token at once; Regenerate gives you a new one in its place.
            </p>`
    }
  </section>`;
}

export function settingsPage(v: SettingsView): SafeHtml {
  const body = html`<h1>Settings</h1>
    ${formError(v.error)} ${emailSection(v)} ${passwordSection(v)} ${tokenSection(v)}`;
  return poolLayout({ ...v, title: 'Settings', current: 'settings' }, body);
}
