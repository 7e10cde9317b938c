// A copy of the config that is safe to log: every secret option, and the derived values that
// carry one (RPC passwords, the database URL), replaced with '***'. An empty secret stays empty
// so the log still shows that it is unset.
import { deepFreeze } from './load.ts';
import type { Config, RpcEndpoint } from './load.ts';
import { OPTION_KEYS, optionDef } from './schema.ts';

export const REDACTED = '***';

function mask(value: string): string {
  return value === '' ? '' : REDACTED;
}

/** A connection URL with its password (and any password-like query parameter) masked. */
export function redactUrl(url: string): string {
  if (url === '') return url;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return REDACTED;
  }
  if (u.password !== '') u.password = REDACTED;
  for (const name of [...u.searchParams.keys()]) {
    if (/pass|secret|token|key/i.test(name)) u.searchParams.set(name, REDACTED);
  }
  return u.toString();
}

function endpoint(e: RpcEndpoint): RpcEndpoint {
  return { ...e, password: mask(e.password) };
}

export function redactConfig(cfg: Config): Config {
  const out: Record<string, unknown> = { ...cfg };
  for (const key of OPTION_KEYS) {
    const def = optionDef(key);
    if (def.secret !== true) continue;
    const value: unknown = cfg[key];
    if (key === 'databaseUrl') out[key] = redactUrl(value as string);
    else if (Array.isArray(value)) out[key] = value.map((x: string) => mask(x));
    else out[key] = mask(value as string);
  }
  out['dcrd'] = endpoint(cfg.dcrd);
  out['wallets'] = cfg.wallets.map(endpoint);
  out['db'] = cfg.db.url === undefined ? cfg.db : { ...cfg.db, url: redactUrl(cfg.db.url) };
  return deepFreeze(out as unknown as Config);
}
