// One labelled input of an account form, on a line of its own (block elements: the layout needs
// no stylesheet rule).
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';

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
