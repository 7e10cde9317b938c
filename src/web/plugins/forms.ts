// HTML forms post application/x-www-form-urlencoded, which fastify does not parse by itself.
// Registered only in the pages scope: the /api/v3 scope keeps its raw-bytes parser.
import type { FastifyInstance } from 'fastify';

/** Admin forms carry a password, a CSRF token and a ticket hash: a few hundred bytes. */
export const MAX_FORM_BYTES = 16 * 1024;

/** Field → first value. A null-prototype object, so a field named __proto__ is just a field. */
export type FormFields = Record<string, string>;

export function parseForm(text: string): FormFields {
  const out = Object.create(null) as FormFields;
  for (const [name, value] of new URLSearchParams(text)) {
    if (!(name in out)) out[name] = value;
  }
  return out;
}

export function formBody(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: MAX_FORM_BYTES },
    (_request, body, done) => {
      done(null, parseForm(body as string));
    },
  );
}
