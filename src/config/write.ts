// Text generated from the schema: the commented default config file (`stakepool writeconfig`),
// the --help option list and the option tables of docs/config.md.
import * as nodeFs from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from './load.ts';
import type { ConfigFs } from './load.ts';
import { problem, lookupName } from './readers.ts';
import {
  aliasesOf,
  describeDefault,
  envName,
  formatValue,
  OBSOLETE_OPTIONS,
  OPTION_KEYS,
  optionDef,
  SWITCHES,
} from './schema.ts';
import type { AnyOptionDef, Face, Group, OptionKey } from './schema.ts';

const WIDTH = 98;

function wrap(text: string, prefix: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && prefix.length + line.length + 1 + word.length > WIDTH) {
      out.push(prefix + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') out.push(prefix + line);
  return out;
}

function groups(): Map<Group, OptionKey[]> {
  const m = new Map<Group, OptionKey[]>();
  for (const key of OPTION_KEYS) {
    const g = optionDef(key).group;
    m.set(g, [...(m.get(g) ?? []), key]);
  }
  return m;
}

function upstreamText(key: OptionKey): string {
  const def = optionDef(key);
  return (def.upstream ?? [])
    .map((u) =>
      SWITCHES.some((s) => s.name === u.name) ? `${u.file} ${u.name}=1` : `${u.file} ${u.name}`,
    )
    .join(', ');
}

/** Options the default faces (VSP on, legacy off) need for `serve`: written uncommented. */
function requiredByDefault(def: AnyOptionDef): boolean {
  const vspOn = optionDef('vsp').default === true;
  const legacyOn = optionDef('legacyPool').default === true;
  const faceOn: Record<Face, boolean> = { both: true, vsp: vspOn, legacy: legacyOn };
  return faceOn[def.face] && (def.required?.includes('serve') ?? false);
}

export interface DefaultConfigOptions {
  /** Options to write with a value (by name, as in the file), e.g. { network: 'mainnet' }. */
  set?: Readonly<Record<string, string>>;
}

/**
 * A commented config file. Every line that sets an option is commented out except the options
 * `stakepool serve` requires (written empty, to be filled in) and those in `set`, so the file
 * read back as-is gives the defaults.
 */
export function defaultConfigText(options: DefaultConfigOptions = {}): string {
  const set = new Map<OptionKey, string>();
  const problems = [];
  for (const [name, value] of Object.entries(options.set ?? {})) {
    const entry = lookupName(name);
    if (entry?.type !== 'option' || optionDef(entry.key).cliOnly) {
      problems.push(problem(name, 'not an option that can be written to the config file'));
    } else if (/[\r\n]/.test(value)) {
      problems.push(problem(name, 'a value cannot span lines'));
    } else {
      set.set(entry.key, value);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const out: string[] = [
    '; stakepool configuration',
    ';',
    ...wrap(
      'One option per line as name=value; lines starting with ; or # are comments. Booleans are ' +
        '1/0 or true/false; lists are comma-separated or given on repeated lines; durations are ' +
        'written like 30s, 3m or 1h30m. The option names of vspd.conf, dcrstakepool.conf and ' +
        'stakepoold.conf are accepted too. Every option can also be set in the environment ' +
        '(STAKEPOOL_<NAME>) or on the command line (--name=value): flags win over the ' +
        'environment, which wins over this file. A commented-out line shows the default.',
      '; ',
    ),
    '',
    '[Application Options]',
  ];
  for (const [group, keys] of groups()) {
    out.push('', `; ${'-'.repeat(WIDTH - 3 - group.length)} ${group}`);
    for (const key of keys) {
      const def = optionDef(key);
      out.push('');
      out.push(...wrap(def.help, '; '));
      const req = requiredByDefault(def) ? ' Required by stakepool serve.' : '';
      out.push(...wrap(`Default: ${describeDefault(key) || '(empty)'}.${req}`, '; '));
      const up = upstreamText(key);
      out.push(
        ...wrap(`Environment: ${envName(key)}.${up === '' ? '' : ` Upstream: ${up}.`}`, '; '),
      );
      if (def.cliOnly) {
        out.push(`; (command line or environment only: --${def.name})`);
        continue;
      }
      const value = set.get(key);
      if (value !== undefined) out.push(`${def.name}=${value}`);
      else if (requiredByDefault(def)) out.push(`${def.name}=`);
      else out.push(`; ${def.name}=${staticDefault(def)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

function staticDefault(def: AnyOptionDef): string {
  return typeof def.default === 'function' ? (def.example ?? '') : formatValue(def, def.default);
}

export interface WritableConfigFs extends ConfigFs {
  writeFileSync(path: string, data: string, options: { mode: number; flag: string }): void;
  mkdirSync(path: string, options: { recursive: true; mode: number }): unknown;
}

/**
 * Write the default config file (mode 0600: it will hold passwords), creating its directory.
 * Like vspadmin writeconfig it refuses to overwrite an existing file.
 */
export function writeDefaultConfig(
  path: string,
  options: DefaultConfigOptions & { fs?: WritableConfigFs } = {},
): string {
  const fs = options.fs ?? nodeFs;
  const text = defaultConfigText(options);
  if (fs.existsSync(path)) {
    throw new ConfigError([problem('configfile', `${path} already exists; not overwritten`)]);
  }
  fs.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  fs.writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
  return text;
}

function typeText(def: AnyOptionDef): string {
  switch (def.kind) {
    case 'choice':
      return (def.choices ?? []).join('|');
    case 'list':
      return 'list';
    case 'intlist':
      return 'list of integers';
    case 'string':
    case 'int':
    case 'float':
    case 'bool':
    case 'duration':
    case 'amount':
      return def.path ? 'path' : def.kind;
  }
}

/** The option list for `stakepool serve --help`. */
export function configHelp(): string {
  const out: string[] = [
    'Options (config file name=value, environment STAKEPOOL_<NAME>, or flags; flags win):',
  ];
  for (const [group, keys] of groups()) {
    out.push('', `${group}:`);
    for (const key of keys) {
      const def = optionDef(key);
      const short = def.short === undefined ? '    ' : `-${def.short}, `;
      const arg = def.kind === 'bool' ? '' : `=<${typeText(def)}>`;
      out.push(`  ${short}--${def.name}${arg}`);
      const dflt = describeDefault(key);
      out.push(...wrap(`${def.help}${dflt === '' ? '' : ` (default: ${dflt})`}`, '        '));
    }
  }
  return `${out.join('\n')}\n`;
}

const FACE_TEXT: Record<Face, string> = { both: 'both', vsp: 'VSP', legacy: 'legacy' };

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The option tables of docs/config.md, one per group. */
export function configDocsTables(): string {
  const out: string[] = [];
  for (const [group, keys] of groups()) {
    out.push(`### ${group}`, '');
    out.push('| Option | Type | Default | Environment | Upstream names | Face | Description |');
    out.push('|---|---|---|---|---|---|---|');
    for (const key of keys) {
      const def = optionDef(key);
      const name =
        `\`${def.name}\`` +
        (def.short === undefined ? '' : ` (\`-${def.short}\`)`) +
        (def.secret ? ' (secret)' : '');
      const dflt = describeDefault(key);
      const flags = [
        def.cliOnly ? 'Command line and environment only.' : '',
        def.required === undefined ? '' : `Required by ${def.required.join(', ')}.`,
      ]
        .filter((s) => s !== '')
        .join(' ');
      const upstream = upstreamText(key);
      const aliases = aliasesOf(key);
      out.push(
        `| ${[
          name,
          cell(typeText(def)),
          dflt === '' ? '—' : `\`${cell(dflt)}\``,
          `\`${envName(key)}\``,
          upstream === ''
            ? '—'
            : cell(upstream) + (aliases.length > 0 ? ` (aliases: ${aliases.join(', ')})` : ''),
          FACE_TEXT[def.face],
          cell(`${def.help}${flags === '' ? '' : ` ${flags}`}`),
        ].join(' | ')} |`,
      );
    }
    out.push('');
  }
  out.push('### Obsolete upstream options', '');
  out.push('Accepted with a warning and ignored.', '');
  out.push('| Option | From | Why |', '|---|---|---|');
  for (const ob of OBSOLETE_OPTIONS)
    out.push(`| \`${ob.name}\` | ${ob.from} | ${cell(ob.reason)} |`);
  return `${out.join('\n')}\n`;
}
