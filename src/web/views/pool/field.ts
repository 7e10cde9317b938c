// The pieces of the account forms: a labelled input on a line of its own (block elements: the
// layout needs no stylesheet rule), the inputs every form asks for the same way, the form itself
// with its CSRF token, and the error of a refused post.
import { html, join } from '../html.ts';
import type { SafeHtml } from '../html.ts';
import type { PoolPageView } from './layout.ts';
import type { CaptchaView } from './captcha.ts';
import { MAX_EMAIL_LENGTH, MIN_PASSWORD_LENGTH } from './limits.ts';

export interface FieldView {
  id: string;
  name: string;
  label: string;
  type: 'text' | 'email' | 'password';
  autocomplete: string;
  value?: string | undefined;
  minlength?: number;
  maxlength?: number;
  hint?: string;
  autofocus?: boolean;
}

export function field(f: FieldView): SafeHtml {
  return html`<div class="field">
    <label for="${f.id}">${f.label}</label><br />
    <input
      type="${f.type}"
      id="${f.id}"
      name="${f.name}"
      autocomplete="${f.autocomplete}"
      ${f.value !== undefined && f.value !== '' && html`value="${f.value}"`}
      ${f.minlength !== undefined && html`minlength="${f.minlength}"`}
      ${f.maxlength !== undefined && html`maxlength="${f.maxlength}"`}
      ${f.autofocus === true && html`autofocus`}
      required
    />
    ${f.hint !== undefined && html`<small class="hint">${f.hint}</small>`}
  </div>`;
}

/** The `email` field, filled with what was typed. */
export function emailField(o: {
  value: string | undefined;
  autocomplete: 'username' | 'email';
  id?: string;
  label?: string;
}): SafeHtml {
  return field({
    id: o.id ?? 'email',
    name: 'email',
    label: o.label ?? 'Email',
    type: 'email',
    autocomplete: o.autocomplete,
    value: o.value,
    maxlength: MAX_EMAIL_LENGTH,
  });
}

/** The `password` field of the account's current password. */
export function currentPasswordField(id: string, label: string): SafeHtml {
  return field({
    id,
    name: 'password',
    label,
    type: 'password',
    autocomplete: 'current-password',
  });
}

/** A new password (field `name`, with the rule as a hint) and its repetition (`<name>repeat`). */
export function newPasswordFields(name: string, label: string, repeatLabel: string): SafeHtml[] {
  const common = {
    type: 'password',
    autocomplete: 'new-password',
    minlength: MIN_PASSWORD_LENGTH,
  } as const;
  return [
    field({
      id: name,
      name,
      label,
      ...common,
      hint: `At least ${MIN_PASSWORD_LENGTH} characters.`,
    }),
    field({ id: `${name}repeat`, name: `${name}repeat`, label: repeatLabel, ...common }),
  ];
}

/** A form of the account pages, posted with the session's CSRF token and fixed `hidden` fields. */
export function accountForm(
  o: { action: string; csrf: string; hidden?: Readonly<Record<string, string>>; button: string },
  fields: readonly SafeHtml[],
): SafeHtml {
  const hidden = Object.entries({ csrf: o.csrf, ...o.hidden }).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
  );
  return html`<form method="post" action="${o.action}" class="account-form">
    ${join([...hidden, ...fields], ' ')}
    <button type="submit">${o.button}</button>
  </form>`;
}

/** The error of a refused post, announced to screen readers; nothing without one. */
export function formError(error: string | undefined): SafeHtml {
  return error === undefined ? html`` : html`<p class="error" role="alert">${error}</p>`;
}

/** What the forms that start from an email address show (log in, register, reset a password). */
export type EmailFormView = Omit<PoolPageView, 'title' | 'current'> & {
  csrf: string;
  /** The captcha still to solve first; undefined once solved, or on a page without one. */
  captcha?: CaptchaView | undefined;
  /** The address typed into a refused post. */
  email?: string | undefined;
  error?: string | undefined;
};
