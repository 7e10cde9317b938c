// /settings: change the email address (captcha + password; confirmed through a link mailed to the
// new address), change the password, and the API token with buttons to revoke or replace it.
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import { captchaBlock } from './captcha.ts';
import type { CaptchaView } from './captcha.ts';
import { poolLayout } from './layout.ts';
import type { PoolPageView } from './layout.ts';
import { field } from './field.ts';
import { MAX_EMAIL_LENGTH, MIN_PASSWORD_LENGTH } from './limits.ts';

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
        : html`<form method="post" action="/settings" class="account-form">
              <input type="hidden" name="csrf" value="${v.csrf}" />
              <input type="hidden" name="action" value="email" />
              ${field({
                id: 'newemail',
                name: 'email',
                label: 'New email',
                type: 'email',
                autocomplete: 'email',
                value: v.newEmail,
                maxlength: MAX_EMAIL_LENGTH,
              })}
              ${field({
                id: 'emailpassword',
                name: 'password',
                label: 'Current password',
                type: 'password',
                autocomplete: 'current-password',
              })}
              <button type="submit">Change email</button>
            </form>
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
    <form method="post" action="/settings" class="account-form">
      <input type="hidden" name="csrf" value="${v.csrf}" />
      <input type="hidden" name="action" value="password" />
      ${field({
        id: 'currentpassword',
        name: 'password',
        label: 'Current password',
        type: 'password',
        autocomplete: 'current-password',
      })}
      ${field({
        id: 'newpassword',
        name: 'newpassword',
        label: 'New password',
        type: 'password',
        autocomplete: 'new-password',
        minlength: MIN_PASSWORD_LENGTH,
        hint: `At least ${MIN_PASSWORD_LENGTH} characters.`,
      })}
      ${field({
        id: 'newpasswordrepeat',
        name: 'newpasswordrepeat',
        label: 'Repeat the new password',
        type: 'password',
        autocomplete: 'new-password',
        minlength: MIN_PASSWORD_LENGTH,
      })}
      <button type="submit">Change password</button>
    </form>
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
    ${v.error !== undefined && html`<p class="error" role="alert">${v.error}</p>`}
    ${emailSection(v)} ${passwordSection(v)} ${tokenSection(v)}`;
  return poolLayout({ ...v, title: 'Settings', current: 'settings' }, body);
}
