// The request schemas of the account pages: every field a plain string of bounded length, so
// fastify refuses an oversized field before a route reads it.
interface StringField {
  readonly type: 'string';
  readonly maxLength: number;
}

/**
 * An object of string fields (a form body or a query), none longer than `maxLength`; the default
 * is far above any real input.
 */
export function stringFieldsSchema<const K extends string>(
  names: readonly K[],
  maxLength = 2048,
): { type: 'object'; properties: Record<K, StringField> } {
  const field: StringField = { type: 'string', maxLength };
  const properties = Object.fromEntries(names.map((n) => [n, field])) as Record<K, StringField>;
  return { type: 'object', properties };
}

/** What a request matching such a schema holds: any of its fields, each a string. */
export type StringFields<S extends { properties: object }> = {
  [K in keyof S['properties']]?: string;
};

/** `?t=…`, the secret of a mailed link (isSecretTokenFormat checks its form). */
export const LINK_QUERY_SCHEMA = stringFieldsSchema(['t'], 256);
