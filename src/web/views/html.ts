// The view layer's one rule: text becomes HTML only by being escaped. `html` escapes every
// interpolated value unless it is already SafeHtml (the result of another `html` template, or of
// `trustedHtml` for the rare constant that must pass through), so a template cannot forget.
// Values go in element content or in double-quoted attribute values; there are no <script> or
// <style> blocks and no unquoted attributes, the two places where escaping would not be enough.

const SAFE = Symbol('SafeHtml');

/** A string of markup that is already safe to send. Build one only with html or trustedHtml. */
export interface SafeHtml {
  readonly [SAFE]: true;
  readonly value: string;
  toString(): string;
}

function makeSafe(value: string): SafeHtml {
  return {
    [SAFE]: true,
    value,
    toString: () => value,
  };
}

export function isSafeHtml(x: unknown): x is SafeHtml {
  return typeof x === 'object' && x !== null && (x as { [SAFE]?: unknown })[SAFE] === true;
}

/**
 * What a template accepts. null, undefined and false render nothing, so `${cond && html`…`}`
 * works; arrays are rendered item by item; anything else (an object) is refused rather than
 * printed as "[object Object]".
 */
export type HtmlValue =
  SafeHtml | string | number | bigint | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape text for element content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number' || typeof value === 'bigint' || value === true) {
    return escapeHtml(String(value));
  }
  if (isSafeHtml(value)) return value.value;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  throw new TypeError(`html: cannot render a value of type ${typeof value}`);
}

/** Tagged template: the literal parts are trusted markup, every `${value}` is escaped. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]) + (strings[i + 1] ?? '');
  }
  return makeSafe(out);
}

/**
 * Marks a string as markup without escaping it. Only for constants written in this codebase;
 * never for anything that came from a request, the database, a node or the configuration.
 */
export function trustedHtml(markup: string): SafeHtml {
  return makeSafe(markup);
}

/** Items joined with a separator, each escaped as in a template. */
export function join(items: readonly HtmlValue[], separator: HtmlValue = ''): SafeHtml {
  const sep = render(separator);
  return makeSafe(items.map(render).join(sep));
}
