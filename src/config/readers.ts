// The three places options come from, each turned into a list of assignments (option, raw text,
// where it was written). Nothing is parsed into values here; the loader does that so that every
// layer is parsed and reported the same way.
import {
  aliasesOf,
  envName,
  OBSOLETE_OPTIONS,
  OPTION_KEYS,
  optionDef,
  SWITCHES,
} from './schema.ts';
import type { ObsoleteOption, OptionKey, Switch } from './schema.ts';
import { closest, parseBool, ValueError } from './values.ts';
import type { Env } from './values.ts';

export type ConfigSource =
  | { readonly kind: 'default' }
  /** `name` is the key as written (an alias, a switch or the canonical name). */
  | { readonly kind: 'file'; readonly path: string; readonly line: number; readonly name: string }
  | { readonly kind: 'env'; readonly name: string }
  /** `name` is the flag as written, e.g. `--dcrdpassword` or `-C`. */
  | { readonly kind: 'flag'; readonly name: string };

export interface Assignment {
  readonly key: OptionKey;
  readonly raw: string;
  readonly source: ConfigSource;
}

/** One problem (an error) or warning, naming the option and where it was given. */
export interface ConfigProblem {
  /** Canonical option name (`vspfee`), or undefined for a line that names no option. */
  readonly option: string | undefined;
  readonly message: string;
  readonly source: ConfigSource | undefined;
  /** `option: message (source)`, ready to print. */
  readonly text: string;
}

export interface ReadResult {
  readonly assignments: Assignment[];
  readonly problems: ConfigProblem[];
  readonly warnings: ConfigProblem[];
}

export function describeSource(s: ConfigSource): string {
  switch (s.kind) {
    case 'default':
      return 'default';
    case 'file':
      return `config file line ${s.line}`;
    case 'env':
      return `env ${s.name}`;
    case 'flag':
      return `flag ${s.name}`;
  }
}

export function problem(
  option: string | undefined,
  message: string,
  source?: ConfigSource,
): ConfigProblem {
  let where = source === undefined ? '' : describeSource(source);
  // Say which spelling was used when it was not the canonical name.
  if (source?.kind === 'file' && option !== undefined && source.name !== option) {
    where += `, as ${source.name}`;
  }
  const text =
    option === undefined
      ? `${where === '' ? '' : `${where}: `}${message}`
      : `${option}: ${message}${where === '' ? '' : ` (${where})`}`;
  return Object.freeze({ option, message, source, text });
}

type Entry =
  | { readonly type: 'option'; readonly key: OptionKey }
  | { readonly type: 'switch'; readonly sw: Switch }
  | { readonly type: 'obsolete'; readonly ob: ObsoleteOption };

function buildLookup(): { names: Map<string, Entry>; shorts: Map<string, OptionKey> } {
  const names = new Map<string, Entry>();
  const shorts = new Map<string, OptionKey>();
  for (const key of OPTION_KEYS) {
    const def = optionDef(key);
    names.set(def.name, { type: 'option', key });
    for (const a of aliasesOf(key)) names.set(a, { type: 'option', key });
    if (def.short !== undefined) shorts.set(def.short, key);
  }
  for (const sw of SWITCHES) names.set(sw.name, { type: 'switch', sw });
  for (const ob of OBSOLETE_OPTIONS) names.set(ob.name, { type: 'obsolete', ob });
  return { names, shorts };
}

const LOOKUP = buildLookup();

/** Find an option by canonical name, upstream alias, switch or obsolete name (any case). */
export function lookupName(name: string): Entry | undefined {
  return LOOKUP.names.get(name.toLowerCase());
}

function suggestion(name: string, prefix = ''): string {
  const near = closest(name.toLowerCase(), LOOKUP.names.keys());
  return near === undefined ? '' : `; did you mean ${prefix}${near}?`;
}

function obsoleteWarning(ob: ObsoleteOption, source: ConfigSource): ConfigProblem {
  return problem(ob.name, `obsolete ${ob.from} option, ignored: ${ob.reason}`, source);
}

/**
 * Switch conflicts within one layer: testnet=1 and simnet=1 together name two networks. (Across
 * layers the higher one wins, as for any option.)
 */
class SwitchTracker {
  private readonly on = new Map<OptionKey, Set<string>>();
  constructor(private readonly problems: ConfigProblem[]) {}
  set(sw: Switch, source: ConfigSource): void {
    const names = this.on.get(sw.key) ?? new Set<string>();
    names.add(sw.name);
    this.on.set(sw.key, names);
    if (names.size === 2) {
      this.problems.push(
        problem(optionDef(sw.key).name, `${[...names].join(' and ')} are both set`, source),
      );
    }
  }
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    try {
      const v: unknown = JSON.parse(value);
      if (typeof v === 'string') return v;
    } catch {
      // Not a valid quoted string: go-flags keeps such a value as written.
    }
  }
  return value;
}

/**
 * A go-flags style INI file: `name = value` lines, `;` or `#` comment lines, `[section]` headers
 * (ignored: every option lives in [Application Options]), a value in double quotes unquoted.
 * Repeated names are kept in order (a later scalar wins; list entries add up).
 */
export function readIni(text: string, path: string): ReadResult {
  const assignments: Assignment[] = [];
  const problems: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const switches = new SwitchTracker(problems);
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((rawLine, i) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) return;
    if (line.startsWith('[')) {
      if (!line.endsWith(']')) {
        problems.push(
          problem(undefined, 'unterminated section header', {
            kind: 'file',
            path,
            line: i + 1,
            name: '',
          }),
        );
      }
      return;
    }
    const eq = line.indexOf('=');
    const name = (eq < 0 ? line : line.slice(0, eq)).trim();
    const source: ConfigSource = { kind: 'file', path, line: i + 1, name };
    if (eq < 0 || name === '') {
      // The line is not echoed: it may be a stray password.
      problems.push(problem(undefined, 'expected name=value', source));
      return;
    }
    const raw = unquote(line.slice(eq + 1).trim());
    const entry = lookupName(name);
    if (entry === undefined) {
      problems.push(problem(name, `unknown option${suggestion(name)}`, source));
      return;
    }
    switch (entry.type) {
      case 'option': {
        const def = optionDef(entry.key);
        if (def.cliOnly) {
          warnings.push(
            problem(
              def.name,
              `ignored in a config file; give it as --${def.name} or ${envName(entry.key)}`,
              source,
            ),
          );
          return;
        }
        assignments.push({ key: entry.key, raw, source });
        return;
      }
      case 'switch':
        readSwitch(entry.sw, raw, source, assignments, problems, switches);
        return;
      case 'obsolete':
        warnings.push(obsoleteWarning(entry.ob, source));
        return;
    }
  });
  return { assignments, problems, warnings };
}

function readSwitch(
  sw: Switch,
  raw: string,
  source: ConfigSource,
  assignments: Assignment[],
  problems: ConfigProblem[],
  switches: SwitchTracker,
): void {
  let on: boolean;
  try {
    on = parseBool(raw);
  } catch (e) {
    problems.push(problem(sw.name, e instanceof ValueError ? e.message : String(e), source));
    return;
  }
  if (!on) return;
  switches.set(sw, source);
  assignments.push({ key: sw.key, raw: sw.value, source });
}

/**
 * STAKEPOOL_<NAME> for each option's canonical name. An empty variable counts as unset (so a
 * blank entry in a compose file does not override the file). Other STAKEPOOL_ variables belong
 * to tools and tests and are ignored, unless one is a near miss of an option's variable.
 */
export function readEnv(env: Env): ReadResult {
  const assignments: Assignment[] = [];
  const warnings: ConfigProblem[] = [];
  const known = new Set<string>();
  for (const key of OPTION_KEYS) {
    const name = envName(key);
    known.add(name);
    const raw = env[name];
    if (raw !== undefined && raw !== '')
      assignments.push({ key, raw, source: { kind: 'env', name } });
  }
  for (const name of Object.keys(env)) {
    if (!name.startsWith('STAKEPOOL_') || known.has(name)) continue;
    const suffix = name.slice('STAKEPOOL_'.length);
    const near = closest(
      suffix,
      [...known].map((k) => k.slice('STAKEPOOL_'.length)),
      Math.min(2, Math.floor(suffix.length / 4)),
    );
    if (near !== undefined) {
      warnings.push(
        problem(undefined, `unknown variable, ignored; did you mean STAKEPOOL_${near}?`, {
          kind: 'env',
          name,
        }),
      );
    }
  }
  return { assignments, problems: [], warnings };
}

export interface FlagsResult extends ReadResult {
  /** Arguments that are not options (admin command operands). */
  readonly args: string[];
}

/**
 * Command-line flags: `--name=value`, `--name value`, `--flag` (a boolean; `--flag=0` turns it
 * off), the dcrstakepool one-letter forms `-C file`/`-Cfile`, and `--` to end the options.
 * A value that starts with `--` is taken as the next flag, not as a value.
 */
export function readFlags(argv: readonly string[]): FlagsResult {
  const assignments: Assignment[] = [];
  const problems: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const args: string[] = [];
  const switches = new SwitchTracker(problems);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    const nextValue = (): string | undefined => {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) return undefined;
      i++;
      return next;
    };
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const inline = eq < 0 ? undefined : arg.slice(eq + 1);
      const source: ConfigSource = { kind: 'flag', name: `--${name}` };
      const entry = lookupName(name);
      if (entry === undefined || name === '') {
        problems.push(problem(name, `unknown option${suggestion(name, '--')}`, source));
        continue;
      }
      switch (entry.type) {
        case 'option': {
          const isBool = optionDef(entry.key).kind === 'bool';
          const raw = inline ?? (isBool ? 'true' : nextValue());
          if (raw === undefined) {
            problems.push(problem(optionDef(entry.key).name, 'expects a value', source));
          } else {
            assignments.push({ key: entry.key, raw, source });
          }
          break;
        }
        case 'switch':
          readSwitch(entry.sw, inline ?? 'true', source, assignments, problems, switches);
          break;
        case 'obsolete':
          if (inline === undefined && entry.ob.takesValue) nextValue();
          warnings.push(obsoleteWarning(entry.ob, source));
          break;
      }
      continue;
    }
    if (arg.length >= 2 && arg.startsWith('-') && !/^-\d/.test(arg)) {
      const letter = arg[1]!;
      const source: ConfigSource = { kind: 'flag', name: `-${letter}` };
      const key = LOOKUP.shorts.get(letter);
      if (key === undefined) {
        problems.push(problem(undefined, `unknown flag -${letter}`, source));
        continue;
      }
      const raw = arg.length > 2 ? arg.slice(2).replace(/^=/, '') : nextValue();
      if (raw === undefined) problems.push(problem(optionDef(key).name, 'expects a value', source));
      else assignments.push({ key, raw, source });
      continue;
    }
    args.push(arg);
  }
  return { assignments, problems, warnings, args };
}
