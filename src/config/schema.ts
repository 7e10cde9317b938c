// The one table of configuration options. Everything else is generated from it: the TypeScript
// type of the frozen config, the three readers (file, environment, flags), defaults and derived
// defaults, validation, redaction of secrets, the default config file, --help and the docs table.
import { isIP } from 'node:net';
import { join } from 'node:path';
import { ExtendedKey } from '../dcr/hdkey.ts';
import type { NetParams, NetworkName } from '../dcr/params.ts';
import {
  formatDuration,
  joinHostPort,
  normalizeDialAddress,
  parseListen,
  splitHostPort,
  ValueError,
} from './values.ts';

/** Networks a pool can run on (dcrwallet has no regnet). chaincfg names. */
export type ChainNetwork = Exclude<NetworkName, 'regnet'>;
export const CHAIN_NETWORKS: readonly ChainNetwork[] = ['mainnet', 'testnet3', 'simnet'];

export type DatabaseEngine = 'sqlite' | 'postgres' | 'mysql';
export const DATABASE_ENGINES: readonly DatabaseEngine[] = ['sqlite', 'postgres', 'mysql'];

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'critical';

/**
 * Which command the config is loaded for; it decides what is required. `admin` covers the admin
 * commands (createdb, writeconfig, retirexpub, import, backup), which need no node credentials.
 */
export type Role = 'serve' | 'voter' | 'admin';
export const ROLES: readonly Role[] = ['serve', 'voter', 'admin'];

/** Which face of the pool reads an option. */
export type Face = 'both' | 'vsp' | 'legacy';

export type UpstreamFile = 'vspd.conf' | 'dcrstakepool.conf' | 'stakepoold.conf';

export interface Upstream {
  readonly file: UpstreamFile;
  readonly name: string;
}

export type Group =
  | 'General'
  | 'Logging'
  | 'Web'
  | 'VSP'
  | 'Legacy pool'
  | 'Email'
  | 'dcrd'
  | 'Voting wallets'
  | 'Database';

export interface KindTypes {
  string: string;
  int: number;
  float: number;
  bool: boolean;
  list: readonly string[];
  intlist: readonly number[];
  /** Milliseconds, written the Go way: 30s, 3m, 1h30m. */
  duration: number;
  /** Atoms, written as a DCR decimal. */
  amount: bigint;
  choice: string;
}
export type Kind = keyof KindTypes;

/**
 * What a derive function (a default that depends on other options) may read. The getters resolve
 * those options on demand, so a derived default never sees a half-built config.
 */
export interface DeriveContext {
  readonly role: Role;
  readonly network: ChainNetwork;
  readonly params: NetParams;
  readonly homeDir: string;
  readonly dataDir: string;
  readonly listen: string;
  readonly database: DatabaseEngine;
  readonly databaseUrl: string;
  readonly dbPassword: string;
  readonly useSmtps: boolean;
  /** Basename of the config file that was read, or undefined when none was. */
  readonly configFileName: string | undefined;
  /** True when the option (by key) was given in the file, the environment or a flag. */
  isSet(key: string): boolean;
  /** Records a warning against the option being derived. */
  warn(message: string): void;
}

export interface OptionDef<T = unknown> {
  readonly kind: Kind;
  /** Name in the config file and on the command line (`--name`), lowercase as go-flags has it. */
  readonly name: string;
  readonly group: Group;
  readonly face: Face;
  readonly help: string;
  /** A fixed default, or a function of other options (per-network ports, paths). */
  readonly default: T | ((ctx: DeriveContext) => T);
  /** How the docs, --help and the default file describe a derived default. */
  readonly defaultDoc?: string;
  /** Value shown on the commented-out line of the default file when the default is derived. */
  readonly example?: string;
  /** The same option in upstream config files; names that differ from `name` are aliases. */
  readonly upstream?: readonly Upstream[];
  /** Never logged: redactConfig replaces it, errors never echo it. */
  readonly secret?: boolean;
  /** Command line and environment only (the file cannot move itself or its home). */
  readonly cliOnly?: boolean;
  /** One-letter flag (`-C file`) kept from dcrstakepool/stakepoold. */
  readonly short?: string;
  /** Roles that need a non-empty value (when the option's face is enabled). */
  readonly required?: readonly Role[];
  /** For kind 'choice': the accepted values (and other spellings mapped onto them). */
  readonly choices?: readonly string[];
  readonly choiceAliases?: Readonly<Record<string, string>>;
  /** A filesystem path: `~` and `$VAR` expanded, relative paths taken from the home dir. */
  readonly path?: boolean;
  /** For kind 'int'/'float'/'duration': inclusive bounds. */
  readonly min?: number;
  readonly max?: number;
  /** Extra check on a parsed value; returns the problem without the option name. */
  validate?(value: T, ctx: DeriveContext): string | undefined;
  /** Canonical form of a valid value (default ports added); must be idempotent. */
  normalize?(value: T, ctx: DeriveContext): T;
  /** Phantom: carries T for the derived config type. */
  readonly _type?: T;
}

export type AnyOptionDef = OptionDef<never> | OptionDef<unknown>;

type Spec<T> = Omit<OptionDef<T>, 'kind' | '_type'>;

const str = (d: Spec<string>): OptionDef<string> => ({ kind: 'string', ...d });
const int = (d: Spec<number>): OptionDef<number> => ({ kind: 'int', ...d });
const float = (d: Spec<number>): OptionDef<number> => ({ kind: 'float', ...d });
const bool = (d: Spec<boolean>): OptionDef<boolean> => ({ kind: 'bool', ...d });
const list = (d: Spec<readonly string[]>): OptionDef<readonly string[]> => ({
  kind: 'list',
  ...d,
});
const intList = (d: Spec<readonly number[]>): OptionDef<readonly number[]> => ({
  kind: 'intlist',
  ...d,
});
const duration = (d: Spec<number>): OptionDef<number> => ({ kind: 'duration', ...d });
const choice = <const C extends string>(d: Spec<C> & { choices: readonly C[] }): OptionDef<C> => ({
  kind: 'choice',
  ...d,
});

// Kept for options priced in DCR; no option needs one yet, the type and parser are ready.
export const amount = (d: Spec<bigint>): OptionDef<bigint> => ({ kind: 'amount', ...d });

const vspd = (name: string): Upstream => ({ file: 'vspd.conf', name });
const pool = (name: string): Upstream => ({ file: 'dcrstakepool.conf', name });
const poold = (name: string): Upstream => ({ file: 'stakepoold.conf', name });

/** txrules.ValidPoolFeeRate, which vspd also applies to vspfee: floor(x·100) in 1..10000. */
export function validFeeRate(x: number): boolean {
  const hundredths = Math.floor(x * 100);
  return hundredths >= 1 && hundredths <= 10000;
}

function feeRate(x: number): string | undefined {
  return validFeeRate(x) ? undefined : 'must be between 0.01 and 100';
}

function dialAddress(value: string): string | undefined {
  try {
    splitHostPort(value);
    return undefined;
  } catch (e) {
    return e instanceof ValueError ? e.message : String(e);
  }
}

function extendedPublicKey(value: string, ctx: DeriveContext): string | undefined {
  if (value === '') return undefined;
  try {
    const key = ExtendedKey.fromString(value, ctx.params, 'key');
    return key.isPrivate ? 'must be an extended public key, not a private key' : undefined;
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^key: /, '') : String(e);
    return `not a valid ${ctx.network} extended public key (${why})`;
  }
}

/**
 * votingwalletextprv: an extended private key of the network (the message never echoes it).
 * Whether it matches votingwalletextpub is checked when the voter loads it
 * (src/pool/voting-key.ts), which also reads a votingkeyfile.
 */
function extendedPrivateKey(value: string, ctx: DeriveContext): string | undefined {
  if (value.trim() === '') return undefined;
  try {
    const key = ExtendedKey.fromString(value.trim(), ctx.params, 'key');
    return key.isPrivate ? undefined : 'must be an extended private key, not a public key';
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^key: /, '') : String(e);
    return `not a valid ${ctx.network} extended private key (${why})`;
  }
}

/** votingkeyfile: the alternative to votingwalletextprv, not a second copy (reported once). */
function votingKeyFileOnly(value: string, ctx: DeriveContext): string | undefined {
  if (value === '' || !ctx.isSet('votingWalletExtPrv')) return undefined;
  return 'set only one of votingwalletextprv and votingkeyfile';
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function nonEmpty(v: string): string | undefined {
  return v.trim() === '' ? 'must not be empty' : undefined;
}
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const DEFAULT_CLOSEPOOLMSG = 'The voting service is temporarily closed to new signups.';

/** Network of a dcrstakepool/stakepoold file that names none: they default to mainnet. */
const MAINNET_BY_DEFAULT = new Set(['dcrstakepool.conf', 'stakepoold.conf']);

export const SCHEMA = {
  // ----- General -----
  configFile: str({
    name: 'configfile',
    group: 'General',
    face: 'both',
    short: 'C',
    cliOnly: true,
    path: true,
    upstream: [vspd('configfile'), pool('configfile'), poold('configfile')],
    default: (ctx) => join(ctx.homeDir, 'stakepool.conf'),
    defaultDoc: '{homedir}/stakepool.conf',
    help:
      'Config file to read. A vspd.conf, dcrstakepool.conf or stakepoold.conf works as well: ' +
      'their option names are accepted. A missing default file is not an error; a missing ' +
      'file named here is.',
  }),
  homeDir: str({
    name: 'homedir',
    group: 'General',
    face: 'both',
    short: 'A',
    cliOnly: true,
    path: true,
    upstream: [vspd('homedir'), poold('appdata')],
    default: '~/.stakepool',
    validate: nonEmpty,
    help: 'Home directory: the default place of the config file, data and logs.',
  }),
  network: choice({
    name: 'network',
    group: 'General',
    face: 'both',
    choices: CHAIN_NETWORKS,
    choiceAliases: { testnet: 'testnet3' },
    upstream: [vspd('network'), pool('testnet'), pool('simnet'), poold('testnet'), poold('simnet')],
    default: (ctx) => {
      if (ctx.configFileName !== undefined && MAINNET_BY_DEFAULT.has(ctx.configFileName)) {
        ctx.warn(`not set; mainnet, as ${ctx.configFileName} means without testnet=1/simnet=1`);
        return 'mainnet';
      }
      return 'testnet3';
    },
    defaultDoc: 'testnet3 (mainnet when the file is a dcrstakepool.conf or stakepoold.conf)',
    example: 'testnet',
    help:
      'Decred network: mainnet, testnet (testnet3) or simnet. dcrstakepool-style testnet=1 or ' +
      'simnet=1 also select it.',
  }),
  dataDir: str({
    name: 'datadir',
    group: 'General',
    face: 'both',
    short: 'b',
    path: true,
    upstream: [pool('datadir'), poold('datadir')],
    default: (ctx) => join(ctx.homeDir, 'data', ctx.network),
    defaultDoc: '{homedir}/data/{network}',
    validate: nonEmpty,
    example: '~/.stakepool/data/testnet3',
    help: 'Directory of the SQLite database, its backups and other state.',
  }),
  vsp: bool({
    name: 'vsp',
    group: 'General',
    face: 'both',
    default: true,
    help: 'Run the VSP face (vspd API v3 for current dcrwallet).',
  }),
  legacyPool: bool({
    name: 'legacypool',
    group: 'General',
    face: 'both',
    default: false,
    help:
      'Run the legacy pool face (dcrstakepool accounts, API v1/v2, 1-of-2 multisig tickets ' +
      'voted by stakepool itself).',
  }),

  // ----- Logging -----
  logDir: str({
    name: 'logdir',
    group: 'Logging',
    face: 'both',
    path: true,
    upstream: [pool('logdir'), poold('logdir')],
    default: (ctx) => join(ctx.homeDir, 'logs', ctx.network),
    defaultDoc: '{homedir}/logs/{network}',
    validate: nonEmpty,
    example: '~/.stakepool/logs/testnet3',
    help: 'Directory of the rotated log files.',
  }),
  logLevel: choice({
    name: 'loglevel',
    group: 'Logging',
    face: 'both',
    short: 'd',
    choices: ['trace', 'debug', 'info', 'warn', 'error', 'critical'] as const,
    choiceAliases: { warning: 'warn', fatal: 'critical' },
    upstream: [vspd('loglevel'), pool('debuglevel'), poold('debuglevel')],
    default: 'info',
    help: 'Logging level: trace, debug, info, warn, error or critical.',
  }),
  maxLogSize: int({
    name: 'maxlogsize',
    group: 'Logging',
    face: 'both',
    min: 1,
    upstream: [vspd('maxlogsize')],
    default: 10,
    help: 'Size in MB at which a log file is rotated.',
  }),
  logsToKeep: int({
    name: 'logstokeep',
    group: 'Logging',
    face: 'both',
    min: 0,
    upstream: [vspd('logstokeep')],
    default: 20,
    help: 'How many rotated log files to keep.',
  }),

  // ----- Web -----
  listen: str({
    name: 'listen',
    group: 'Web',
    face: 'both',
    upstream: [vspd('listen'), pool('listen')],
    default: '127.0.0.1:8800',
    help:
      'Where the web server listens: host:port (":8800" is every interface) or a unix socket ' +
      'path starting with "/" or ".".',
    validate: (v) => {
      try {
        parseListen(v);
        return undefined;
      } catch (e) {
        return e instanceof ValueError ? e.message : String(e);
      }
    },
  }),
  baseUrl: str({
    name: 'baseurl',
    group: 'Web',
    face: 'both',
    upstream: [pool('baseurl')],
    default: (ctx) => {
      const l = parseListen(ctx.listen);
      if (l.kind === 'unix') return 'http://127.0.0.1';
      const host = l.host === '0.0.0.0' || l.host === '::' ? '127.0.0.1' : l.host;
      return `http://${joinHostPort(host, l.port)}`;
    },
    defaultDoc: 'http://{listen host, or 127.0.0.1}:{listen port}',
    example: 'http://127.0.0.1:8800',
    help: 'Public URL of the site, for links in emails and the API token issuer.',
    validate: (v) => {
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        return 'must be an absolute http(s) URL';
      }
      return u.protocol === 'http:' || u.protocol === 'https:'
        ? undefined
        : 'must be an absolute http(s) URL';
    },
    // dcrstakepool asked for no trailing slash because it appends paths; strip one instead.
    normalize: (v) => v.replace(/\/+$/, ''),
  }),
  realIpHeader: str({
    name: 'realipheader',
    group: 'Web',
    face: 'both',
    upstream: [pool('realipheader')],
    default: '',
    help:
      'Request header holding the client IP set by a reverse proxy (e.g. X-Real-IP); empty ' +
      'uses the socket address.',
    validate: (v) => (v === '' || HEADER_NAME.test(v) ? undefined : 'not a valid header name'),
  }),
  designation: str({
    name: 'designation',
    group: 'Web',
    face: 'both',
    upstream: [vspd('designation'), pool('designation')],
    default: 'Voting Service Provider',
    help: 'Short name of the pool, shown in the page header.',
  }),
  description: str({
    name: 'description',
    group: 'Web',
    face: 'both',
    upstream: [pool('description')],
    default: '',
    help: 'A short text about the pool on the home page.',
  }),
  supportEmail: str({
    name: 'supportemail',
    group: 'Web',
    face: 'both',
    required: ['serve'],
    upstream: [vspd('supportemail'), pool('poolemail')],
    default: '',
    help: 'Email address users can write to for support.',
    validate: (v) => (v === '' || EMAIL.test(v) ? undefined : 'not an email address'),
  }),
  adminPass: str({
    name: 'adminpass',
    group: 'Web',
    face: 'both',
    secret: true,
    required: ['serve'],
    upstream: [vspd('adminpass')],
    default: '',
    help: 'Password of the /admin pages.',
  }),
  webServerDebug: bool({
    name: 'webserverdebug',
    group: 'Web',
    face: 'both',
    upstream: [vspd('webserverdebug')],
    default: false,
    help: 'Verbose web logging, templates reloaded and caches refreshed every second.',
  }),

  // ----- VSP -----
  vspFee: float({
    name: 'vspfee',
    group: 'VSP',
    face: 'vsp',
    upstream: [vspd('vspfee')],
    default: 3.0,
    help: 'VSP fee in percent of the vote reward, 0.01 to 100 (2.0 is 2%).',
    validate: feeRate,
  }),
  vspClosed: bool({
    name: 'vspclosed',
    group: 'VSP',
    face: 'vsp',
    upstream: [vspd('vspclosed')],
    default: false,
    help: 'Accept no new tickets.',
  }),
  vspClosedMsg: str({
    name: 'vspclosedmsg',
    group: 'VSP',
    face: 'vsp',
    upstream: [vspd('vspclosedmsg')],
    default: '',
    help: 'Short message shown on the site and in /api/v3/vspinfo while vspclosed; cleared otherwise.',
  }),

  // ----- Legacy pool -----
  poolFees: float({
    name: 'poolfees',
    group: 'Legacy pool',
    face: 'legacy',
    upstream: [pool('poolfees'), poold('poolfees')],
    default: 7.5,
    help: 'Pool fee in percent, 0.01 to 100, as the legacy tickets commit it.',
    validate: feeRate,
  }),
  closePool: bool({
    name: 'closepool',
    group: 'Legacy pool',
    face: 'legacy',
    upstream: [pool('closepool')],
    default: false,
    help: 'Accept no new legacy accounts.',
  }),
  closePoolMsg: str({
    name: 'closepoolmsg',
    group: 'Legacy pool',
    face: 'legacy',
    upstream: [pool('closepoolmsg')],
    default: DEFAULT_CLOSEPOOLMSG,
    help: 'Message shown while closepool is set.',
  }),
  apiSecret: str({
    name: 'apisecret',
    group: 'Legacy pool',
    face: 'legacy',
    secret: true,
    required: ['serve'],
    upstream: [pool('apisecret')],
    default: '',
    help: 'HMAC key (HS256) of the v1/v2 API tokens; changing it invalidates every token.',
  }),
  cookieSecret: str({
    name: 'cookiesecret',
    group: 'Legacy pool',
    face: 'legacy',
    secret: true,
    upstream: [pool('cookiesecret')],
    default: '',
    help:
      'Accepted from dcrstakepool.conf and unused: sessions live in the database and the ' +
      'cookie holds only a random id, so there is nothing to sign.',
  }),
  cookieSecure: bool({
    name: 'cookiesecure',
    group: 'Legacy pool',
    face: 'legacy',
    upstream: [pool('cookiesecure')],
    default: false,
    help: 'Set the Secure flag on the session cookies (the site is served over HTTPS).',
  }),
  coldWalletExtPub: str({
    name: 'coldwalletextpub',
    group: 'Legacy pool',
    face: 'legacy',
    required: ['serve'],
    upstream: [pool('coldwalletextpub'), poold('coldwalletextpub')],
    default: '',
    help: 'Extended public key of the cold fee wallet account; fee address of user n is /0/n.',
    validate: extendedPublicKey,
  }),
  votingWalletExtPub: str({
    name: 'votingwalletextpub',
    group: 'Legacy pool',
    face: 'legacy',
    required: ['serve', 'voter'],
    upstream: [pool('votingwalletextpub')],
    default: '',
    help: 'Extended public key of the voting account; the pool key of user n is /0/n.',
    validate: extendedPublicKey,
  }),
  votingWalletExtPrv: str({
    name: 'votingwalletextprv',
    group: 'Legacy pool',
    face: 'legacy',
    secret: true,
    default: '',
    help:
      'Extended private key of the voting account (the private half of votingwalletextpub): ' +
      'the voter signs the votes of user n with /0/n. Set this or votingkeyfile (one of them ' +
      'for serve and voter); the voter refuses a key that does not match votingwalletextpub.',
    validate: extendedPrivateKey,
  }),
  votingKeyFile: str({
    name: 'votingkeyfile',
    group: 'Legacy pool',
    face: 'legacy',
    path: true,
    default: '',
    help:
      'File holding the voting account extended private key instead of votingwalletextprv ' +
      '(one line; blank lines and # comments are skipped; keep it mode 0600).',
    validate: votingKeyFileOnly,
  }),
  noVoter: bool({
    name: 'novoter',
    group: 'Legacy pool',
    face: 'legacy',
    default: false,
    help:
      'Do not vote from this serve process: a separate `stakepool voter` (next to its own dcrd) ' +
      'holds the voting key. Without it, serve votes the pool tickets itself.',
  }),
  adminIps: list({
    name: 'adminips',
    group: 'Legacy pool',
    face: 'legacy',
    upstream: [pool('adminips')],
    default: [],
    help: 'Client IPs allowed on the legacy admin pages (with adminuserids); empty: no limit.',
    validate: (v) => {
      const bad = v.find((ip) => isIP(ip) === 0);
      return bad === undefined ? undefined : `"${bad}" is not an IP address`;
    },
  }),
  adminUserIds: intList({
    name: 'adminuserids',
    group: 'Legacy pool',
    face: 'legacy',
    upstream: [pool('adminuserids')],
    default: [],
    help: 'Legacy account ids allowed on the legacy admin pages (with adminips).',
    validate: (v) => (v.every((n) => n >= 1) ? undefined : 'user ids start at 1'),
  }),
  maxVotedTickets: int({
    name: 'maxvotedtickets',
    group: 'Legacy pool',
    face: 'legacy',
    min: 1,
    upstream: [pool('maxvotedtickets')],
    default: 1000,
    help: 'How many of the newest voted tickets the /tickets page lists.',
  }),
  poolLink: str({
    name: 'poollink',
    group: 'Legacy pool',
    face: 'legacy',
    upstream: [pool('poollink')],
    default: '',
    help: 'A link about the pool (forum thread, proposal) shown on the home page.',
  }),

  // ----- Email -----
  smtpHost: str({
    name: 'smtphost',
    group: 'Email',
    face: 'legacy',
    upstream: [pool('smtphost')],
    default: '',
    help:
      'SMTP server host[:port] (port 587, or 465 with usesmtps). Empty: emails are written to ' +
      'the log instead of sent.',
    validate: (v) => (v === '' ? undefined : dialAddress(v)),
    normalize: (v, ctx) => (v === '' ? v : normalizeDialAddress(v, ctx.useSmtps ? 465 : 587)),
  }),
  smtpFrom: str({
    name: 'smtpfrom',
    group: 'Email',
    face: 'legacy',
    upstream: [pool('smtpfrom')],
    default: '',
    help: 'Sender address of the emails.',
    validate: (v) => (v === '' || EMAIL.test(v) ? undefined : 'not an email address'),
  }),
  smtpUsername: str({
    name: 'smtpusername',
    group: 'Email',
    face: 'legacy',
    upstream: [pool('smtpusername')],
    default: '',
    help: 'SMTP user name.',
  }),
  smtpPassword: str({
    name: 'smtppassword',
    group: 'Email',
    face: 'legacy',
    secret: true,
    upstream: [pool('smtppassword')],
    default: '',
    help: 'SMTP password.',
  }),
  useSmtps: bool({
    name: 'usesmtps',
    group: 'Email',
    face: 'legacy',
    upstream: [pool('usesmtps')],
    default: false,
    help: 'Connect with implicit TLS (SMTPS) instead of STARTTLS.',
  }),
  smtpCert: str({
    name: 'smtpcert',
    group: 'Email',
    face: 'legacy',
    path: true,
    upstream: [pool('smtpcert')],
    default: '',
    help: 'Extra CA certificate (PEM) trusted for the SMTP server.',
  }),
  smtpSkipVerify: bool({
    name: 'smtpskipverify',
    group: 'Email',
    face: 'legacy',
    upstream: [pool('smtpskipverify')],
    default: false,
    help: 'Do not verify the SMTP server certificate (only when smtpcert is empty).',
  }),

  // ----- dcrd -----
  dcrdHost: str({
    name: 'dcrdhost',
    group: 'dcrd',
    face: 'both',
    upstream: [vspd('dcrdhost'), poold('dcrdhost')],
    default: (ctx) => joinHostPort('127.0.0.1', ctx.params.dcrdRpcPort),
    defaultDoc: '127.0.0.1:9109 mainnet, :19109 testnet, :19556 simnet',
    example: '127.0.0.1',
    help: 'dcrd JSON-RPC server, host[:port]; the network default port is added when none is given.',
    validate: dialAddress,
    normalize: (v, ctx) => normalizeDialAddress(v, ctx.params.dcrdRpcPort),
  }),
  dcrdUser: str({
    name: 'dcrduser',
    group: 'dcrd',
    face: 'both',
    required: ['serve', 'voter'],
    upstream: [vspd('dcrduser'), poold('dcrduser')],
    default: '',
    help: 'dcrd RPC user name.',
  }),
  dcrdPass: str({
    name: 'dcrdpass',
    group: 'dcrd',
    face: 'both',
    secret: true,
    required: ['serve', 'voter'],
    upstream: [vspd('dcrdpass'), poold('dcrdpassword')],
    default: '',
    help: 'dcrd RPC password.',
  }),
  dcrdCert: str({
    name: 'dcrdcert',
    group: 'dcrd',
    face: 'both',
    path: true,
    required: ['serve', 'voter'],
    upstream: [vspd('dcrdcert'), poold('dcrdcert')],
    default: '',
    help: 'dcrd RPC certificate (rpc.cert), absolute or relative to the home directory.',
  }),

  // ----- Voting wallets -----
  walletHosts: list({
    name: 'wallethost',
    group: 'Voting wallets',
    face: 'vsp',
    upstream: [vspd('wallethost'), pool('wallethosts'), poold('wallethost')],
    default: (ctx) => [joinHostPort('127.0.0.1', walletPort(ctx))],
    defaultDoc: '127.0.0.1:9110 mainnet, :19110 testnet, :19557 simnet',
    example: '127.0.0.1',
    help:
      'Voting dcrwallet JSON-RPC servers, comma-separated host[:port]; the network default port ' +
      'is added when none is given. mainnet needs at least 3.',
    validate: (v) => v.map(dialAddress).find((m) => m !== undefined),
    normalize: (v, ctx) => v.map((h) => normalizeDialAddress(h, walletPort(ctx))),
  }),
  walletUsers: list({
    name: 'walletuser',
    group: 'Voting wallets',
    face: 'vsp',
    required: ['serve'],
    upstream: [vspd('walletuser'), pool('walletusers'), poold('walletuser')],
    default: [],
    help: 'RPC user names, one per wallethost, comma-separated.',
  }),
  walletPasswords: list({
    name: 'walletpass',
    group: 'Voting wallets',
    face: 'vsp',
    secret: true,
    required: ['serve'],
    upstream: [vspd('walletpass'), pool('walletpasswords'), poold('walletpassword')],
    default: [],
    help: 'RPC passwords, one per wallethost, comma-separated.',
  }),
  walletCerts: list({
    name: 'walletcert',
    group: 'Voting wallets',
    face: 'vsp',
    path: true,
    required: ['serve'],
    upstream: [vspd('walletcert'), pool('walletcerts'), poold('walletcert')],
    default: [],
    help: 'RPC certificates, one per wallethost, comma-separated.',
  }),

  // ----- Database -----
  database: choice({
    name: 'database',
    group: 'Database',
    face: 'both',
    choices: DATABASE_ENGINES,
    choiceAliases: { postgresql: 'postgres', mariadb: 'mysql', sqlite3: 'sqlite' },
    default: (ctx) => {
      if (ctx.databaseUrl !== '') return engineOfUrl(ctx.databaseUrl) ?? 'sqlite';
      // A dcrstakepool.conf always has a dbpassword (it is required there), and it names a
      // MySQL server; an SQLite setup never has one.
      return ctx.dbPassword !== '' ? 'mysql' : 'sqlite';
    },
    defaultDoc: 'from the databaseurl scheme; else mysql when dbpassword is set; else sqlite',
    example: 'sqlite',
    help:
      'Database engine: sqlite (one machine), postgres or mysql (several serve/voter processes ' +
      'sharing one database).',
  }),
  databaseUrl: str({
    name: 'databaseurl',
    group: 'Database',
    face: 'both',
    secret: true,
    default: '',
    help:
      'postgres://… or mysql://… connection URL; when set, dbhost/dbport/dbname/dbuser/' +
      'dbpassword are not used.',
    validate: (v) =>
      v === '' || engineOfUrl(v) !== undefined
        ? undefined
        : 'must be a postgres://, postgresql://, mysql:// or mariadb:// URL',
  }),
  dbHost: str({
    name: 'dbhost',
    group: 'Database',
    face: 'both',
    upstream: [pool('dbhost'), poold('dbhost')],
    default: 'localhost',
    help: 'PostgreSQL/MySQL server host.',
    validate: (v) => (v !== '' && !/[\s/@]/.test(v) ? undefined : 'not a host name'),
  }),
  dbPort: int({
    name: 'dbport',
    group: 'Database',
    face: 'both',
    min: 1,
    max: 65535,
    upstream: [pool('dbport'), poold('dbport')],
    default: (ctx) => (ctx.database === 'postgres' ? 5432 : 3306),
    defaultDoc: '5432 postgres, 3306 mysql',
    example: '3306',
    help: 'PostgreSQL/MySQL server port.',
  }),
  dbName: str({
    name: 'dbname',
    group: 'Database',
    face: 'both',
    upstream: [pool('dbname'), poold('dbname')],
    default: 'stakepool',
    help: 'Database name.',
  }),
  dbUser: str({
    name: 'dbuser',
    group: 'Database',
    face: 'both',
    upstream: [pool('dbuser'), poold('dbuser')],
    default: 'stakepool',
    help: 'Database user.',
  }),
  dbPassword: str({
    name: 'dbpassword',
    group: 'Database',
    face: 'both',
    secret: true,
    upstream: [pool('dbpassword'), poold('dbpassword')],
    default: '',
    help: 'Database password.',
  }),
  dbFile: str({
    name: 'dbfile',
    group: 'Database',
    face: 'both',
    path: true,
    default: (ctx) => join(ctx.dataDir, 'stakepool.db'),
    defaultDoc: '{datadir}/stakepool.db',
    validate: nonEmpty,
    example: '~/.stakepool/data/testnet3/stakepool.db',
    help: 'SQLite database file.',
  }),
  dbPoolSize: int({
    name: 'dbpoolsize',
    group: 'Database',
    face: 'both',
    min: 1,
    max: 1000,
    default: 10,
    help: 'Connections per PostgreSQL/MySQL pool.',
  }),
  backupIntervalMs: duration({
    name: 'backupinterval',
    group: 'Database',
    face: 'both',
    min: 30_000,
    upstream: [vspd('backupinterval')],
    default: 180_000,
    help: 'Time between hot backups of the SQLite database, e.g. 3m or 1h (at least 30s).',
  }),
} satisfies Record<string, AnyOptionDef>;

function walletPort(ctx: DeriveContext): number {
  // Every ChainNetwork has dcrwallet ports; only regnet lacks them.
  return ctx.params.walletRpcPort ?? 0;
}

/** The options that build a PostgreSQL/MySQL URL when databaseurl is not given. */
export const SERVER_DB_KEYS = ['dbHost', 'dbPort', 'dbName', 'dbUser', 'dbPassword'] as const;

export function engineOfUrl(url: string): Exclude<DatabaseEngine, 'sqlite'> | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  if (scheme === 'mysql' || scheme === 'mariadb') return 'mysql';
  return undefined;
}

export type Schema = typeof SCHEMA;
export type OptionKey = keyof Schema;
export type ValueOf<D> = D extends { readonly _type?: infer T } ? Exclude<T, undefined> : never;

/** Every option's value, typed from the schema. */
export type OptionValues = { readonly [K in OptionKey]: ValueOf<Schema[K]> };

export const OPTION_KEYS = Object.keys(SCHEMA) as OptionKey[];

export function optionDef(key: OptionKey): AnyOptionDef {
  return SCHEMA[key];
}

/** STAKEPOOL_<NAME> for an option's canonical name. */
export function envName(key: OptionKey): string {
  return `STAKEPOOL_${optionDef(key).name.toUpperCase()}`;
}

/** Upstream names that differ from the option's own name. */
export function aliasesOf(key: OptionKey): string[] {
  const def = optionDef(key);
  const out = new Set<string>();
  for (const u of def.upstream ?? []) {
    if (u.name !== def.name && !SWITCHES.some((s) => s.name === u.name)) out.add(u.name);
  }
  return [...out];
}

/**
 * dcrstakepool/stakepoold choose the network with boolean switches; `testnet=1` is read as
 * `network=testnet3` at the same place and precedence. `testnet=0` sets nothing.
 */
export interface Switch {
  readonly name: string;
  readonly key: OptionKey;
  readonly value: string;
}
export const SWITCHES: readonly Switch[] = [
  { name: 'testnet', key: 'network', value: 'testnet3' },
  { name: 'simnet', key: 'network', value: 'simnet' },
];

/** Upstream options stakepool no longer needs: accepted with a warning and ignored. */
export interface ObsoleteOption {
  readonly name: string;
  readonly from: UpstreamFile;
  /** Whether the flag form takes a value (`--rpclisten x`) or is a switch (`--norpclisten`). */
  readonly takesValue: boolean;
  readonly reason: string;
}

const NO_GRPC = 'stakepool has no gRPC link between the web and the voter; they share the database';

export const OBSOLETE_OPTIONS: readonly ObsoleteOption[] = [
  { name: 'rpclisten', from: 'stakepoold.conf', takesValue: true, reason: NO_GRPC },
  { name: 'rpccert', from: 'stakepoold.conf', takesValue: true, reason: NO_GRPC },
  { name: 'rpckey', from: 'stakepoold.conf', takesValue: true, reason: NO_GRPC },
  { name: 'norpclisten', from: 'stakepoold.conf', takesValue: false, reason: NO_GRPC },
  { name: 'stakepooldhosts', from: 'dcrstakepool.conf', takesValue: true, reason: NO_GRPC },
  { name: 'stakepooldcerts', from: 'dcrstakepool.conf', takesValue: true, reason: NO_GRPC },
  { name: 'enablestakepoold', from: 'dcrstakepool.conf', takesValue: false, reason: NO_GRPC },
  {
    name: 'minservers',
    from: 'dcrstakepool.conf',
    takesValue: true,
    reason: 'the voting wallets are listed in wallethost',
  },
  {
    name: 'maxvotedage',
    from: 'dcrstakepool.conf',
    takesValue: true,
    reason: 'stakepool votes with the network rules (dcrd MaxVoteAge)',
  },
  {
    name: 'publicpath',
    from: 'dcrstakepool.conf',
    takesValue: true,
    reason: 'stakepool ships its own pages and assets',
  },
  {
    name: 'templatepath',
    from: 'dcrstakepool.conf',
    takesValue: true,
    reason: 'stakepool ships its own pages and assets',
  },
  {
    name: 'recaptchasecret',
    from: 'dcrstakepool.conf',
    takesValue: true,
    reason: 'stakepool uses its own captcha',
  },
  {
    name: 'recaptchasitekey',
    from: 'dcrstakepool.conf',
    takesValue: true,
    reason: 'stakepool uses its own captcha',
  },
  { name: 'profile', from: 'dcrstakepool.conf', takesValue: true, reason: 'not supported' },
  { name: 'cpuprofile', from: 'dcrstakepool.conf', takesValue: true, reason: 'not supported' },
  { name: 'memprofile', from: 'dcrstakepool.conf', takesValue: true, reason: 'not supported' },
  {
    name: 'feexpub',
    from: 'vspd.conf',
    takesValue: true,
    reason: 'the fee xpub is set with `stakepool createdb <xpub>` and kept in the database',
  },
];

/** The default of an option for docs and the default file, without evaluating derive functions. */
export function describeDefault(key: OptionKey): string {
  const def = optionDef(key);
  if (def.defaultDoc !== undefined) return def.defaultDoc;
  return formatValue(def, def.default);
}

/** A value as it would be written in the config file. */
export function formatValue(def: AnyOptionDef, value: unknown): string {
  switch (def.kind) {
    case 'bool':
      return value === true ? '1' : '0';
    case 'list':
    case 'intlist':
      return (value as readonly unknown[]).join(',');
    case 'duration':
      return formatDuration(value as number);
    case 'amount': {
      const atoms = value as bigint;
      const whole = atoms / 100_000_000n;
      const frac = (atoms % 100_000_000n).toString().padStart(8, '0').replace(/0+$/, '');
      return frac === '' ? whole.toString() : `${whole}.${frac}`;
    }
    case 'string':
    case 'int':
    case 'float':
    case 'choice':
      return String(value);
  }
}
