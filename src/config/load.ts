// loadConfig: read (file, environment, flags) → derive (defaults, per-network ports, paths) →
// validate → freeze. Every problem is collected and reported together, each naming the option
// and where it was given; nothing is thrown halfway.
import * as nodeFs from 'node:fs';
import { homedir as osHomedir } from 'node:os';
import { basename } from 'node:path';
import { netParams } from '../dcr/params.ts';
import { problem, readEnv, readFlags, readIni } from './readers.ts';
import type { Assignment, ConfigProblem, ConfigSource } from './readers.ts';
import { engineOfUrl, envName, OPTION_KEYS, optionDef, SERVER_DB_KEYS } from './schema.ts';
import type {
  AnyOptionDef,
  ChainNetwork,
  DatabaseEngine,
  DeriveContext,
  OptionKey,
  OptionValues,
  Role,
} from './schema.ts';
import {
  parseAmountValue,
  parseBool,
  parseDuration,
  parseFloatValue,
  parseIntValue,
  parseList,
  parseListen,
  resolvePath,
  ValueError,
} from './values.ts';
import type { Env, ListenAddress } from './values.ts';

/** What loadConfig reads from the filesystem; node:fs fits, tests pass a map. */
export interface ConfigFs {
  existsSync(path: string): boolean;
  readFileSync(path: string, encoding: 'utf8'): string;
}

export interface RpcEndpoint {
  /** host:port with the network's default port filled in. */
  readonly host: string;
  readonly user: string;
  readonly password: string;
  /** Absolute path of the node's TLS certificate. */
  readonly cert: string;
}

/** Ready for src/db createDatabase (engine, sqlitePath | url, poolSize). */
export interface DatabaseSettings {
  readonly engine: DatabaseEngine;
  readonly sqlitePath?: string;
  readonly url?: string;
  readonly poolSize: number;
}

/** Values computed from several options, for the composition root. */
export interface DerivedConfig {
  readonly role: Role;
  readonly listenAddress: ListenAddress;
  readonly dcrd: RpcEndpoint;
  /** Voting wallets: wallethost/walletuser/walletpass/walletcert zipped (empty when invalid). */
  readonly wallets: readonly RpcEndpoint[];
  readonly db: DatabaseSettings;
}

/** The frozen configuration: every option of the schema plus the derived values. */
export type Config = OptionValues & DerivedConfig;

export type ConfigSources = Readonly<Record<OptionKey, ConfigSource>>;

export interface LoadResult {
  readonly config: Config;
  readonly warnings: readonly ConfigProblem[];
  /** Command-line arguments that are not options. */
  readonly args: readonly string[];
  /** Where each option's value came from. */
  readonly sources: ConfigSources;
  /** The config file that was read, if any. */
  readonly configFile: string | undefined;
}

export interface LoadOptions {
  /** Which command the config is for (what it requires). Default 'serve'. */
  role?: Role;
  /** Base of a relative --homedir / --configfile. Default process.cwd(). */
  cwd?: string;
  /** The user's home directory for `~`. Default env.HOME, then os.homedir(). */
  home?: string;
}

export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  readonly warnings: readonly ConfigProblem[];
  constructor(
    problems: readonly ConfigProblem[],
    warnings: readonly ConfigProblem[] = [],
    configFile?: string,
  ) {
    const parts = [
      ...(configFile === undefined ? [] : [`config file ${configFile}`]),
      ...(problems.length === 1 ? [] : [`${problems.length} problems`]),
    ];
    const head = `invalid configuration${parts.length === 0 ? '' : ` (${parts.join(', ')})`}`;
    super(`${head}:\n${problems.map((p) => `  ${p.text}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = Object.freeze([...problems]);
    this.warnings = Object.freeze([...warnings]);
  }
}

// The two options that locate everything else resolve relative to the working directory.
const CWD_PATHS = new Set<OptionKey>(['homeDir', 'configFile']);
const FACE_OPTION = { vsp: 'vsp', legacy: 'legacyPool' } as const;

interface Resolved {
  value: unknown;
  source: ConfigSource;
  failed: boolean;
}

/**
 * Resolves options on demand, highest layer first, so derived defaults can read the options
 * they depend on in any order. A value that fails to parse or validate is reported and
 * replaced by its default, so options derived from it are not reported again.
 */
class Resolver {
  readonly problems: ConfigProblem[] = [];
  readonly warnings: ConfigProblem[] = [];
  private readonly cache = new Map<OptionKey, Resolved>();
  private readonly inProgress = new Set<OptionKey>();
  /** Per option, the assignments of each layer, lowest layer first. */
  private readonly byKey = new Map<OptionKey, Assignment[][]>();

  constructor(
    layers: readonly (readonly Assignment[])[],
    readonly role: Role,
    readonly env: Env,
    readonly home: string,
    readonly cwd: string,
    readonly configFileName: string | undefined,
  ) {
    layers.forEach((layer, i) => {
      for (const a of layer) {
        const perLayer = this.byKey.get(a.key) ?? layers.map(() => []);
        perLayer[i]!.push(a);
        this.byKey.set(a.key, perLayer);
      }
    });
  }

  isSet(key: OptionKey): boolean {
    return this.byKey.has(key);
  }

  get<K extends OptionKey>(key: K): OptionValues[K] {
    return this.resolve(key).value as OptionValues[K];
  }

  source(key: OptionKey): ConfigSource {
    return this.resolve(key).source;
  }

  resolve(key: OptionKey): Resolved {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    if (this.inProgress.has(key)) throw new Error(`config: derived defaults loop at ${key}`);
    this.inProgress.add(key);
    try {
      const r = this.compute(key);
      this.cache.set(key, r);
      return r;
    } finally {
      this.inProgress.delete(key);
    }
  }

  private compute(key: OptionKey): Resolved {
    const def = optionDef(key);
    const layers = this.byKey.get(key);
    const chosen = layers?.findLast((l) => l.length > 0);
    if (chosen === undefined) {
      return {
        value: this.normalize(key, this.defaultOf(key)),
        source: { kind: 'default' },
        failed: false,
      };
    }
    const source = chosen[chosen.length - 1]!.source;
    let value: unknown;
    try {
      if (def.kind === 'list' || def.kind === 'intlist') {
        value = chosen.flatMap((a) => parseScalarOrList(def, a.raw) as unknown[]);
      } else {
        value = parseScalarOrList(def, chosen[chosen.length - 1]!.raw);
      }
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      // Lists report the line of the entry that failed.
      const bad =
        def.kind === 'list' || def.kind === 'intlist'
          ? (chosen.find((a) => !parsesAs(def, a.raw)) ?? chosen[0]!)
          : chosen[chosen.length - 1]!;
      this.problems.push(problem(def.name, e.message, bad.source));
      return this.fallback(key, source);
    }
    const why = this.check(def, value);
    if (why !== undefined) {
      this.problems.push(problem(def.name, why, source));
      return this.fallback(key, source);
    }
    return { value: this.normalize(key, value), source, failed: false };
  }

  private fallback(key: OptionKey, source: ConfigSource): Resolved {
    return { value: this.normalize(key, this.defaultOf(key)), source, failed: true };
  }

  private check(def: AnyOptionDef, value: unknown): string | undefined {
    if (typeof value === 'number') {
      const unit = def.kind === 'duration' ? (n: number) => `${n / 1000}s` : String;
      if (def.min !== undefined && value < def.min) {
        return def.max === undefined
          ? `must be at least ${unit(def.min)}`
          : `must be between ${unit(def.min)} and ${unit(def.max)}`;
      }
      if (def.max !== undefined && value > def.max) {
        return def.min === undefined
          ? `must be at most ${unit(def.max)}`
          : `must be between ${unit(def.min)} and ${unit(def.max)}`;
      }
    }
    return (def.validate as ((v: unknown, c: DeriveContext) => string | undefined) | undefined)?.(
      value,
      this.context(def.name),
    );
  }

  private defaultOf(key: OptionKey): unknown {
    const d: unknown = optionDef(key).default;
    return typeof d === 'function'
      ? (d as (c: DeriveContext) => unknown)(this.context(optionDef(key).name))
      : d;
  }

  private normalize(key: OptionKey, value: unknown): unknown {
    const def = optionDef(key);
    let v = value;
    if (def.path) {
      const base = CWD_PATHS.has(key) ? this.cwd : this.get('homeDir');
      const fix = (p: string): string =>
        p === ':memory:' ? p : resolvePath(p, this.env, this.home, base);
      v = Array.isArray(v) ? (v as string[]).map(fix) : fix(v as string);
    }
    if (def.normalize !== undefined) {
      v = (def.normalize as (x: unknown, c: DeriveContext) => unknown)(v, this.context(def.name));
    }
    return v;
  }

  context(optionName: string): DeriveContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- getters below need the resolver
    const r = this;
    return {
      role: r.role,
      get network(): ChainNetwork {
        return r.get('network');
      },
      get params() {
        return netParams(r.get('network'));
      },
      get homeDir() {
        return r.get('homeDir');
      },
      get dataDir() {
        return r.get('dataDir');
      },
      get listen() {
        return r.get('listen');
      },
      get database(): DatabaseEngine {
        return r.get('database');
      },
      get databaseUrl() {
        return r.get('databaseUrl');
      },
      get dbPassword() {
        return r.get('dbPassword');
      },
      get useSmtps() {
        return r.get('useSmtps');
      },
      configFileName: r.configFileName,
      isSet: (k) => r.isSet(k as OptionKey),
      warn: (message) => r.warnings.push(problem(optionName, message)),
    };
  }
}

function parsesAs(def: AnyOptionDef, raw: string): boolean {
  try {
    parseScalarOrList(def, raw);
    return true;
  } catch {
    return false;
  }
}

/** Text of one assignment to its typed value (a list assignment to its entries). */
export function parseScalarOrList(def: AnyOptionDef, raw: string): unknown {
  const show = def.secret !== true;
  switch (def.kind) {
    case 'string':
      return raw;
    case 'int':
      return parseIntValue(raw, show);
    case 'float':
      return parseFloatValue(raw, show);
    case 'bool':
      return parseBool(raw, show);
    case 'duration':
      return parseDuration(raw, show);
    case 'amount':
      return parseAmountValue(raw, show);
    case 'list':
      return parseList(raw, show);
    case 'intlist':
      return parseList(raw, show).map((x) => parseIntValue(x, show));
    case 'choice': {
      const v = raw.trim().toLowerCase();
      const mapped = def.choiceAliases?.[v] ?? v;
      const choices = def.choices ?? [];
      if (choices.includes(mapped)) return mapped;
      const aliases = Object.entries(def.choiceAliases ?? {});
      const spelled = choices.flatMap((c) => [
        ...aliases.filter(([, to]) => to === c).map(([a]) => a),
        c,
      ]);
      throw new ValueError(`must be one of ${spelled.join(', ')}, got ${JSON.stringify(raw)}`);
    }
  }
}

/** Object.freeze all the way down (an already frozen object may still hold mutable ones). */
export function deepFreeze<T>(value: T, seen = new WeakSet<object>()): T {
  if (typeof value !== 'object' || value === null || seen.has(value)) return value;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return value; // typed arrays with elements cannot be frozen
  for (const v of Object.values(value)) deepFreeze(v, seen);
  return Object.freeze(value);
}

function userHome(env: Env, opts: LoadOptions): string {
  return opts.home ?? (env['HOME'] !== undefined && env['HOME'] !== '' ? env['HOME'] : osHomedir());
}

/**
 * Load the configuration for `role` from the command-line flags (`argv`, without the command
 * name), the environment and the config file, with precedence defaults < file < env < flags.
 * Throws a ConfigError listing every problem; warnings (obsolete options, ignored values) are
 * returned for the caller to log.
 */
export function loadConfig(
  argv: readonly string[],
  env: Env,
  fs: ConfigFs = nodeFs,
  options: LoadOptions = {},
): LoadResult {
  const role = options.role ?? 'serve';
  const cwd = options.cwd ?? process.cwd();
  const home = userHome(env, options);

  const flags = readFlags(argv);
  const envRead = readEnv(env);
  const problems: ConfigProblem[] = [...flags.problems, ...envRead.problems];
  const warnings: ConfigProblem[] = [...flags.warnings, ...envRead.warnings];

  // The file's location comes from the flags and the environment only.
  const pre = new Resolver(
    [envRead.assignments, flags.assignments],
    role,
    env,
    home,
    cwd,
    undefined,
  );
  const configPath = pre.get('configFile');
  const explicitFile = pre.isSet('configFile');
  let fileAssignments: Assignment[] = [];
  let configFile: string | undefined;
  if (fs.existsSync(configPath)) {
    try {
      const read = readIni(fs.readFileSync(configPath, 'utf8'), configPath);
      fileAssignments = read.assignments;
      problems.push(...read.problems);
      warnings.push(...read.warnings);
      configFile = configPath;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      problems.push(
        problem('configfile', `cannot read ${configPath}: ${why}`, pre.source('configFile')),
      );
    }
  } else if (explicitFile) {
    problems.push(problem('configfile', `file not found: ${configPath}`, pre.source('configFile')));
  }

  const r = new Resolver(
    [fileAssignments, envRead.assignments, flags.assignments],
    role,
    env,
    home,
    cwd,
    configFile === undefined ? undefined : basename(configFile),
  );
  const values = {} as Record<OptionKey, unknown>;
  const sources = {} as Record<OptionKey, ConfigSource>;
  for (const key of OPTION_KEYS) {
    values[key] = r.get(key);
    sources[key] = r.source(key);
  }
  const v = values as { -readonly [K in OptionKey]: OptionValues[K] };
  problems.push(...r.problems);
  warnings.push(...r.warnings);

  crossCheck(v, r, fs, problems, warnings);

  if (problems.length > 0) throw new ConfigError(problems, warnings, configFile);

  const config: Config = {
    ...v,
    role,
    listenAddress: parseListen(v.listen),
    dcrd: { host: v.dcrdHost, user: v.dcrdUser, password: v.dcrdPass, cert: v.dcrdCert },
    wallets: v.walletHosts.map((host, i) => ({
      host,
      user: v.walletUsers[i] ?? '',
      password: v.walletPasswords[i] ?? '',
      cert: v.walletCerts[i] ?? '',
    })),
    db: databaseSettings(v),
  };
  return deepFreeze({
    config,
    warnings,
    args: flags.args,
    sources,
    configFile,
  });
}

function databaseSettings(v: OptionValues): DatabaseSettings {
  if (v.database === 'sqlite') {
    return { engine: 'sqlite', sqlitePath: v.dbFile, poolSize: v.dbPoolSize };
  }
  if (v.databaseUrl !== '')
    return { engine: v.database, url: v.databaseUrl, poolSize: v.dbPoolSize };
  const scheme = v.database === 'postgres' ? 'postgres' : 'mysql';
  const auth =
    encodeURIComponent(v.dbUser) +
    (v.dbPassword === '' ? '' : `:${encodeURIComponent(v.dbPassword)}`);
  const host = v.dbHost.includes(':') ? `[${v.dbHost}]` : v.dbHost;
  return {
    engine: v.database,
    url: `${scheme}://${auth}@${host}:${v.dbPort}/${encodeURIComponent(v.dbName)}`,
    poolSize: v.dbPoolSize,
  };
}

/** The rules that involve more than one option. */
function crossCheck(
  v: { -readonly [K in OptionKey]: OptionValues[K] },
  r: Resolver,
  fs: ConfigFs,
  problems: ConfigProblem[],
  warnings: ConfigProblem[],
): void {
  const role = r.role;
  const running = role === 'serve' || role === 'voter';
  const faceOn = { both: true, vsp: v.vsp, legacy: v.legacyPool };
  const name = (k: OptionKey): string => optionDef(k).name;
  const err = (k: OptionKey, message: string, withSource = true): void => {
    const s = r.source(k);
    problems.push(problem(name(k), message, withSource && s.kind !== 'default' ? s : undefined));
  };
  const warn = (k: OptionKey, message: string): void => {
    warnings.push(problem(name(k), message, r.source(k)));
  };

  if (!v.vsp && !v.legacyPool) err('vsp', 'vsp and legacypool are both off; enable at least one');

  // vspd clears the closure message of an open VSP so it can never be shown by mistake.
  if (!v.vspClosed) v.vspClosedMsg = '';

  for (const key of OPTION_KEYS) {
    const def = optionDef(key);
    if (!faceOn[def.face]) {
      if (r.isSet(key)) {
        const off = FACE_OPTION[def.face as 'vsp' | 'legacy'];
        warn(
          key,
          `ignored: the ${def.face === 'vsp' ? 'VSP' : 'legacy pool'} face is off (${name(off)}=0)`,
        );
      }
      continue;
    }
    if (!def.required?.includes(role)) continue;
    const value: unknown = v[key];
    const empty = Array.isArray(value) ? value.length === 0 : value === '';
    if (empty && !failed(r, key)) {
      err(
        key,
        `required for stakepool ${role}; set ${def.name}= in the config file, ${envName(key)} or --${def.name}`,
        false,
      );
    }
  }

  // The voting wallets are the VSP's; a separate voter votes legacy tickets with its own key.
  if (role === 'serve' && v.vsp) checkWallets(v, r, err);

  // Whoever votes the legacy pool's tickets needs the voting key (checked against
  // votingwalletextpub when the voter starts).
  const votes = v.legacyPool && (role === 'voter' || (role === 'serve' && !v.noVoter));
  if (votes && v.votingWalletExtPrv === '' && v.votingKeyFile === '') {
    err(
      'votingKeyFile',
      `stakepool ${role} votes the pool's tickets: set votingwalletextprv or votingkeyfile` +
        (role === 'serve' ? ' (or novoter=1 when a separate stakepool voter holds the key)' : ''),
      false,
    );
  }
  if (role === 'voter' && !v.legacyPool) {
    err('legacyPool', "stakepool voter votes the legacy pool's tickets: set legacypool=1", false);
  }

  if (running) {
    const certs: [OptionKey, string][] = [['dcrdCert', v.dcrdCert]];
    if (v.vsp) for (const c of v.walletCerts) certs.push(['walletCerts', c]);
    if (v.legacyPool && v.smtpCert !== '') certs.push(['smtpCert', v.smtpCert]);
    if (votes && v.votingKeyFile !== '') certs.push(['votingKeyFile', v.votingKeyFile]);
    for (const [k, path] of certs) {
      if (path !== '' && !fs.existsSync(path)) err(k, `file not found: ${path}`);
    }
  }

  // Database: the URL and the engine must agree; the db* keys only build a URL when none is given.
  if (v.databaseUrl !== '' && !failed(r, 'databaseUrl')) {
    const engine = engineOfUrl(v.databaseUrl);
    if (engine !== v.database) {
      err('databaseUrl', `is a ${engine ?? 'non-server'} URL but database=${v.database}`);
    }
    for (const k of SERVER_DB_KEYS) {
      if (r.isSet(k)) warn(k, 'ignored: databaseurl is set');
    }
  } else if (v.database === 'sqlite') {
    for (const k of SERVER_DB_KEYS) {
      if (r.isSet(k)) warn(k, 'ignored: database=sqlite');
    }
  }
  if (role === 'voter' && v.database === 'sqlite') {
    warnings.push(
      problem(
        'database',
        'a separate voter shares an SQLite file only with a serve on the same machine; use postgres or mysql across machines',
      ),
    );
  }
}

function failed(r: Resolver, key: OptionKey): boolean {
  return r.resolve(key).failed;
}

function checkWallets(
  v: OptionValues,
  r: Resolver,
  err: (k: OptionKey, message: string) => void,
): void {
  // A bad wallethost already fell back to the default; comparing against it would mislead.
  if (failed(r, 'walletHosts')) return;
  const hosts = v.walletHosts.length;
  for (const k of ['walletUsers', 'walletPasswords', 'walletCerts'] as const) {
    const n = v[k].length;
    // An empty list is already reported as required.
    if (n !== 0 && n !== hosts && !failed(r, k)) {
      err(
        k,
        `${hosts} wallethost ${hosts === 1 ? 'entry needs' : 'entries need'} ${hosts} values, got ${n}`,
      );
    }
  }
  // vspd's MinWallets: mainnet needs three voting wallets so one failure cannot stop voting.
  const min = v.network === 'mainnet' ? 3 : 1;
  if (hosts < min)
    err('walletHosts', `${v.network} needs at least ${min} voting wallets, got ${hosts}`);
}
