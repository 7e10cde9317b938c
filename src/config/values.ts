// Text → value conversions for config options, shared by the file, environment and flag readers,
// plus the small address and path helpers the derive step needs. Parsers throw a ValueError whose
// message names neither the option nor its source: the loader adds both.
import { isAbsolute, join, resolve } from 'node:path';
import { parseDcr } from '../dcr/amounts.ts';

export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/** `"text"` for messages, or nothing when the value must not be echoed (secrets). */
function shown(raw: string, show: boolean): string {
  return show ? `, got ${JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw)}` : '';
}

const TRUE = new Set(['1', 't', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'f', 'false', 'no', 'off']);

/** go-flags takes strconv.ParseBool's spellings; yes/no/on/off are accepted as well. */
export function parseBool(raw: string, show = true): boolean {
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new ValueError(`expected a boolean (1/0/true/false)${shown(raw, show)}`);
}

const INT = /^[+-]?\d+$/;

export function parseIntValue(raw: string, show = true): number {
  const v = raw.trim();
  const n = INT.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw new ValueError(`expected an integer${shown(raw, show)}`);
  return n;
}

const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseFloatValue(raw: string, show = true): number {
  const v = raw.trim();
  const n = FLOAT.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new ValueError(`expected a number${shown(raw, show)}`);
  return n;
}

/** A DCR decimal ("0.5") to atoms. */
export function parseAmountValue(raw: string, show = true): bigint {
  try {
    return parseDcr(raw.trim(), 'amount');
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^amount: /, '') : String(e);
    throw new ValueError(show ? why : 'not a valid DCR amount');
  }
}

/**
 * One occurrence of a list option: comma-separated, each entry trimmed. An empty value is an
 * empty list (so `walletuser=` clears it); an empty entry between commas is an error.
 */
export function parseList(raw: string, show = true): string[] {
  if (raw.trim() === '') return [];
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new ValueError(`empty entry in list${shown(raw, show)}`);
  return items;
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const DURATION_PART = /(\d*\.?\d*)([a-zµμ]+)/y;

/**
 * A Go time.ParseDuration string ("3m", "1h30m", "90s", "1.5h") to milliseconds. As in Go, a
 * number needs a unit unless it is 0.
 */
export function parseDuration(raw: string, show = true): number {
  const bad = (): ValueError =>
    new ValueError(`expected a duration such as 30s, 3m or 1h30m${shown(raw, show)}`);
  let s = raw.trim();
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s.startsWith('-')) sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw bad();
  let total = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < s.length) {
    const m = DURATION_PART.exec(s);
    if (m === null) throw bad();
    const [, num = '', unit = ''] = m;
    const scale = DURATION_UNITS[unit];
    if (num === '' || num === '.' || scale === undefined) throw bad();
    total += Number(num) * scale;
  }
  if (!Number.isFinite(total)) throw bad();
  return sign * total;
}

/** Milliseconds in the shortest Go-style form: 180000 → "3m", 5400000 → "1h30m". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  let out = '';
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  if (rest > 0) out += `${rest}ms`;
  return sign + out;
}

export interface HostPort {
  /** Without brackets for IPv6; '' when the text gave only ":port". */
  host: string;
  /** undefined when the text named no port. */
  port: number | undefined;
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

/**
 * Split "host", "host:port", ":port", "[v6]", "[v6]:port" or a bare IPv6 address the way Go's
 * net.SplitHostPort plus vspd's normalizeAddress read them. Throws a ValueError on nonsense.
 */
export function splitHostPort(raw: string): HostPort {
  const s = raw.trim();
  if (s === '') throw new ValueError('expected host[:port], got an empty value');
  if (/\s|\/|@/.test(s)) throw new ValueError(`expected host[:port], got ${JSON.stringify(s)}`);
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) throw new ValueError(`missing "]" in address ${JSON.stringify(s)}`);
    const host = s.slice(1, end);
    const tail = s.slice(end + 1);
    if (tail === '') return { host, port: undefined };
    const port = tail.startsWith(':') ? parsePort(tail.slice(1)) : undefined;
    if (port === undefined) throw new ValueError(`invalid port in address ${JSON.stringify(s)}`);
    return { host, port };
  }
  const colons = s.split(':').length - 1;
  if (colons === 0) return { host: s, port: undefined };
  // More than one colon without brackets can only be a bare IPv6 address.
  if (colons > 1) return { host: s, port: undefined };
  const i = s.indexOf(':');
  const port = parsePort(s.slice(i + 1));
  if (port === undefined) throw new ValueError(`invalid port in address ${JSON.stringify(s)}`);
  return { host: s.slice(0, i), port };
}

export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** An address to dial: the network's default port added when none is given (vspd rule). */
export function normalizeDialAddress(raw: string, defaultPort: number): string {
  const { host, port } = splitHostPort(raw);
  return joinHostPort(host === '' ? '127.0.0.1' : host, port ?? defaultPort);
}

export type ListenAddress =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

/**
 * dcrstakepool's listen rule: a value starting with "/" or "." is a unix socket path, anything
 * else is host:port (":8800" listens on every interface, reported as host 0.0.0.0).
 */
export function parseListen(raw: string): ListenAddress {
  const s = raw.trim();
  if (s.startsWith('/') || s.startsWith('.')) return { kind: 'unix', path: s };
  const { host, port } = splitHostPort(s);
  if (port === undefined) throw new ValueError(`expected host:port or a socket path, got "${s}"`);
  return { kind: 'tcp', host: host === '' ? '0.0.0.0' : host, port };
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Go's os.ExpandEnv on `$VAR` and `${VAR}` (unset → ''), then a leading `~` or `~/` becomes the
 * home directory. `~user` forms are left alone: there is no portable lookup for them.
 */
export function expandPath(raw: string, env: Env, home: string): string {
  const expanded = raw.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, a: string | undefined, b: string | undefined) => env[a ?? b ?? ''] ?? '',
  );
  if (expanded === '~') return home;
  if (expanded.startsWith('~/')) return join(home, expanded.slice(2));
  return expanded;
}

/** expandPath, then relative paths resolved against `base` (the home dir or the cwd). */
export function resolvePath(raw: string, env: Env, home: string, base: string): string {
  const p = expandPath(raw, env, home);
  if (p === '') return p;
  return isAbsolute(p) ? resolve(p) : resolve(base, p);
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest candidate within a distance that scales with the word, or undefined. */
export function closest(
  word: string,
  candidates: Iterable<string>,
  limit = Math.max(2, Math.floor(word.length / 3)),
): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  return bestD <= limit ? best : undefined;
}
