// Request-body checks for the vspd-compatible API, driven by the routes' JSON Schemas. vspd
// binds each request with gin at a fixed point of its middleware chain, so a malformed field
// must be reported at that point, not before it. The v3 routes therefore declare their body
// schema, fastify runs this validator with `attachValidation`, and each handler reports the
// attached error where vspd would. Only the keywords below are understood; an unknown one is a
// programming error, caught when the route is registered, so schema and checks cannot drift.
//
// gin's `binding:"required"` means present and not the zero value; the schemas say so with
// minLength 1 for strings, `not: {const: 0}` for integers, and type "object" (not null) for maps.

export type JsonType = 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'null' | 'array';

export interface JsonSchema {
  type?: JsonType | readonly JsonType[];
  description?: string;
  properties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  maxProperties?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  not?: { const: unknown };
  items?: JsonSchema;
}

/** Returns why the value does not bind, or undefined. */
export type Binder = (value: unknown) => string | undefined;

/** What the raw-body parser hands on for a body that is not JSON. */
export class UnparsableBody {
  constructor(readonly reason: string) {}
}

const KNOWN = new Set([
  'type',
  'description',
  'properties',
  'required',
  'additionalProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'not',
  'items',
]);

function typeOf(v: unknown): JsonType | 'other' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  switch (t) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(v) ? 'integer' : 'number';
    case 'object':
      return 'object';
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      return 'other';
    default: {
      const never: never = t;
      return never;
    }
  }
}

function typeMatches(actual: JsonType | 'other', want: JsonType): boolean {
  if (actual === want) return true;
  return want === 'number' && actual === 'integer';
}

function article(t: JsonType): string {
  if (t === 'null') return 'null';
  return t === 'object' || t === 'integer' || t === 'array' ? `an ${t}` : `a ${t}`;
}

function compileAt(schema: JsonSchema, path: string): Binder {
  for (const k of Object.keys(schema)) {
    if (!KNOWN.has(k)) throw new TypeError(`schema${path}: unsupported keyword ${k}`);
  }
  if (schema.not !== undefined && Object.keys(schema.not).join() !== 'const') {
    throw new TypeError(`schema${path}: "not" supports only {const}`);
  }
  const types =
    schema.type === undefined
      ? undefined
      : typeof schema.type === 'string'
        ? [schema.type]
        : schema.type;
  const props = Object.entries(schema.properties ?? {}).map(
    ([k, s]) => [k, compileAt(s, `${path}.${k}`)] as const,
  );
  const extra =
    typeof schema.additionalProperties === 'object'
      ? compileAt(schema.additionalProperties, `${path}.*`)
      : undefined;
  const items = schema.items === undefined ? undefined : compileAt(schema.items, `${path}[]`);
  const pattern = schema.pattern === undefined ? undefined : new RegExp(schema.pattern, 'u');
  const name = (p: string): string => (p === '' ? 'request body' : p.slice(1));

  const bind = (value: unknown, at: string): string | undefined => {
    const t = typeOf(value);
    if (types !== undefined && !types.some((w) => typeMatches(t, w))) {
      return `${name(at)}: must be ${types.map(article).join(' or ')}`;
    }
    if (t === 'integer' && !Number.isSafeInteger(value)) {
      return `${name(at)}: integer out of range`;
    }
    if (schema.not !== undefined && Object.is(value, schema.not.const)) {
      return `${name(at)}: is required`;
    }
    if (typeof value === 'string') {
      if (schema.minLength !== undefined && value.length < schema.minLength) {
        return value.length === 0 ? `${name(at)}: is required` : `${name(at)}: too short`;
      }
      if (schema.maxLength !== undefined && value.length > schema.maxLength) {
        return `${name(at)}: too long (at most ${schema.maxLength} characters)`;
      }
      if (pattern !== undefined && !pattern.test(value)) return `${name(at)}: invalid format`;
    }
    if (t === 'array' && items !== undefined) {
      const arr = value as unknown[];
      for (let i = 0; i < arr.length; i++) {
        const e = items(arr[i]);
        if (e !== undefined) return e.replace(/^[^:]*/, `${name(at)}[${i}]`);
      }
    }
    if (t === 'object') {
      const obj = value as Record<string, unknown>;
      for (const r of schema.required ?? []) {
        if (!Object.hasOwn(obj, r)) return `${name(`${at}.${r}`)}: is required`;
      }
      const keys = Object.keys(obj);
      if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
        return `${name(at)}: ${keys.length} entries, at most ${schema.maxProperties} are allowed`;
      }
      for (const [k, b] of props) {
        if (Object.hasOwn(obj, k)) {
          const e = b(obj[k]);
          if (e !== undefined) return e;
        }
      }
      if (schema.additionalProperties === false || extra !== undefined) {
        for (const k of keys) {
          if (props.some(([p]) => p === k)) continue;
          if (extra === undefined) return `${name(at)}: unexpected field ${JSON.stringify(k)}`;
          const e = extra(obj[k]);
          if (e !== undefined) return e.replace(/^[^:]*/, `${name(at)}[${JSON.stringify(k)}]`);
        }
      }
    }
    return undefined;
  };
  return (value) => bind(value, path);
}

/** Compile a schema into a binder; throws TypeError for keywords this module does not know. */
export function compileBinding(schema: JsonSchema): Binder {
  const bind = compileAt(schema, '');
  return (value) => (value instanceof UnparsableBody ? value.reason : bind(value));
}
