// Command line of `stakepool import-dcrstakepool`: its own flags (the source, --overwrite) are
// taken out here; everything else is left for the target's config loader.
import { readFileSync } from 'node:fs';
import { readIni } from '../config/index.ts';
import { checkPort, reasonOf } from './dcrstakepool-source.ts';
import type { DcrstakepoolDbOptions } from './dcrstakepool-source.ts';

export const IMPORT_USAGE = `Usage: stakepool import-dcrstakepool --from=<source> [--overwrite] [config options]

Copies a dcrstakepool MySQL/MariaDB database (users with their password hashes, multisig
scripts, vote bits and API tokens; low-fee tickets) into stakepool's configured database.
Running it again changes nothing. Sessions and emailed tokens are not carried over.

Source (read only):
  --from=mysql://user:password@host:port/dbname   the dcrstakepool database
  --from=/path/to/dcrstakepool.conf               read dbhost, dbport, dbname, dbuser and
                                                   dbpassword from dcrstakepool's config
  --from-dbhost, --from-dbport, --from-dbname, --from-dbuser, --from-dbpassword
                                                   dcrstakepool's options given one by one
                                                   (they override the file's)
Options:
  --overwrite     replace users and low-fee tickets that exist here with other data (a stored
                  multisig address is never replaced)
  -h, --help      show this message
The target is stakepool's own database, from its config file, environment and flags (-C file,
--database, --databaseurl, --dbfile, …).
`;

export interface ImportArgs {
  from: string | DcrstakepoolDbOptions | undefined;
  overwrite: boolean;
  help: boolean;
  /** Everything else: the target's config flags and operands. */
  rest: string[];
}

const FROM_DB_FLAGS: Record<string, keyof DcrstakepoolDbOptions> = {
  'from-dbhost': 'dbHost',
  'from-dbport': 'dbPort',
  'from-dbname': 'dbName',
  'from-dbuser': 'dbUser',
  'from-dbpassword': 'dbPassword',
};

function parsePort(raw: string, field: string): number {
  if (!/^\d+$/.test(raw)) throw new TypeError(`${field}: not a port number`);
  return checkPort(Number(raw), field);
}

/** dbhost … dbpassword from a dcrstakepool.conf (its other options are not needed here). */
export function dbOptionsFromConfigFile(path: string, text?: string): DcrstakepoolDbOptions {
  let content = text;
  if (content === undefined) {
    try {
      content = readFileSync(path, 'utf8');
    } catch (err) {
      throw new TypeError(`from: cannot read ${path}: ${reasonOf(err)}`, { cause: err });
    }
  }
  const out: DcrstakepoolDbOptions = {};
  // readIni knows dcrstakepool's names; problems with options other than these do not matter.
  for (const a of readIni(content, path).assignments) {
    if (a.key === 'dbHost') out.dbHost = a.raw;
    else if (a.key === 'dbName') out.dbName = a.raw;
    else if (a.key === 'dbUser') out.dbUser = a.raw;
    else if (a.key === 'dbPassword') out.dbPassword = a.raw;
    else if (a.key === 'dbPort') out.dbPort = parsePort(a.raw, `dbport (${path})`);
  }
  return out;
}

/**
 * Takes this command's own flags out of argv; the rest goes to the config loader, which then
 * describes the target. Source flags carry a from- prefix so they never mix with the target's
 * dbhost/dbname/… .
 */
export function parseImportArgs(argv: readonly string[]): ImportArgs {
  let from: string | undefined;
  const dbFlags: DcrstakepoolDbOptions = {};
  let overwrite = false;
  let help = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const name = m?.[1];
    if (m === null || name === undefined) {
      rest.push(arg);
      continue;
    }
    if (name === 'overwrite') {
      if (m[2] !== undefined) throw new TypeError('--overwrite: takes no value');
      overwrite = true;
      continue;
    }
    const key = FROM_DB_FLAGS[name];
    if (name !== 'from' && key === undefined) {
      rest.push(arg);
      continue;
    }
    let value = m[2];
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined) throw new TypeError(`--${name}: needs a value`);
      i++;
    }
    if (key === undefined) from = value;
    else if (key === 'dbPort') dbFlags.dbPort = parsePort(value, `--${name}`);
    else dbFlags[key] = value;
  }
  const hasDbFlags = Object.keys(dbFlags).length > 0;
  let source: string | DcrstakepoolDbOptions | undefined;
  if (from !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(from)) {
    if (hasDbFlags) {
      throw new TypeError('--from: give either a URL or the --from-db… options, not both');
    }
    source = from;
  } else if (from !== undefined) {
    source = { ...dbOptionsFromConfigFile(from), ...dbFlags };
  } else if (hasDbFlags) {
    source = dbFlags;
  }
  return { from: source, overwrite, help, rest };
}
