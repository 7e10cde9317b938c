// Small named values: the VSP's ed25519 signing key, the cookie secret, the last block the outcome
// scanner reached, the network the database belongs to, one-off data-fix flags.
import { sql } from 'kysely';
import { engineOf, isPrimaryKeyViolation, nowSeconds, toNumber } from './engine.ts';
import type { Db } from './transaction.ts';

export interface SettingsTable {
  name: string;
  value: string;
  updated_at: bigint;
}

export const SETTING_KEYS = {
  /** ed25519 seed, hex: signs every VSP API response. */
  vspSigningKey: 'vsp.signing_key',
  /** Random bytes, hex: web session cookies. */
  cookieSecret: 'web.cookie_secret',
  /** Decimal block height the outcome scanner has processed. */
  lastScannedBlock: 'vsp.last_scanned_block',
  /** Display hex of that block, to notice when a reorg replaced it. */
  lastScannedHash: 'vsp.last_scanned_hash',
  /** mainnet | testnet3 | simnet: a database is tied to one network. */
  network: 'db.network',
  /** Decimal block height the legacy pool's ticket scanner has processed. */
  poolLastScannedBlock: 'pool.last_scanned_block',
  /** Display hex of that block, to notice when a reorg replaced it. */
  poolLastScannedHash: 'pool.last_scanned_hash',
} as const;

const MAX_NAME = 64;

function checkName(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME) {
    throw new TypeError(`name: must be 1 to ${MAX_NAME} characters`);
  }
  return name;
}

export async function getSetting(db: Db, name: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.value;
}

/** Creates or overwrites. */
export async function setSetting(db: Db, name: string, value: string): Promise<void> {
  if (typeof value !== 'string') throw new TypeError('value: must be a string');
  const row = { name: checkName(name), value, updated_at: BigInt(nowSeconds()) };
  const insert = db.insertInto('settings').values(row);
  if (engineOf(db) === 'mysql') {
    await insert.onDuplicateKeyUpdate({ value: row.value, updated_at: row.updated_at }).execute();
  } else {
    await insert
      .onConflict((oc) =>
        oc.column('name').doUpdateSet({ value: row.value, updated_at: row.updated_at }),
      )
      .execute();
  }
}

/**
 * Stores value unless the name already has one, and returns whichever is stored: processes that
 * start together and each generate a key all end up using the same one.
 */
export async function setSettingIfAbsent(db: Db, name: string, value: string): Promise<string> {
  if (typeof value !== 'string') throw new TypeError('value: must be a string');
  const row = { name: checkName(name), value, updated_at: BigInt(nowSeconds()) };
  if (engineOf(db) === 'mysql') {
    try {
      await db.insertInto('settings').values(row).execute();
    } catch (err) {
      if (!isPrimaryKeyViolation(err)) throw err;
    }
  } else {
    await db
      .insertInto('settings')
      .values(row)
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }
  const stored = await getSetting(db, name);
  if (stored === undefined) throw new Error(`settings: ${name} vanished right after it was set`);
  return stored;
}

export interface SettingRow {
  name: string;
  value: string;
  /** Unix seconds of the last write. */
  updatedAt: number;
}

/** Every setting whose name starts with `prefix` (case-sensitive), sorted by name. */
export async function listSettings(db: Db, prefix: string): Promise<SettingRow[]> {
  checkName(prefix);
  // '!' escapes LIKE's wildcards on all three engines (SQLite has no default escape character);
  // MySQL's case-insensitive collation is undone by the startsWith filter below.
  const pattern = `${prefix.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  const rows = await db
    .selectFrom('settings')
    .select(['name', 'value', 'updated_at'])
    .where(sql<boolean>`name like ${pattern} escape '!'`)
    .orderBy('name')
    .execute();
  return rows
    .filter((r) => r.name.startsWith(prefix))
    .map((r) => ({ name: r.name, value: r.value, updatedAt: toNumber(r.updated_at) }));
}

export async function deleteSetting(db: Db, name: string): Promise<boolean> {
  const result = await db.deleteFrom('settings').where('name', '=', name).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The stored secret (hex), or a new one from create() if there is none yet. */
export async function getOrCreateSecret(
  db: Db,
  name: string,
  create: () => Uint8Array,
): Promise<Uint8Array> {
  const existing = await getSetting(db, name);
  const hex =
    existing ?? (await setSettingIfAbsent(db, name, Buffer.from(create()).toString('hex')));
  if (!/^(?:[0-9a-f]{2})+$/.test(hex)) throw new TypeError(`${name}: stored value is not hex`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export async function getLastScannedBlock(db: Db): Promise<number | undefined> {
  const value = await getSetting(db, SETTING_KEYS.lastScannedBlock);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new TypeError(`${SETTING_KEYS.lastScannedBlock}: not a height`);
  return Number(value);
}

export async function setLastScannedBlock(db: Db, height: number): Promise<void> {
  if (!Number.isSafeInteger(height) || height < 0) {
    throw new RangeError(`height: must be a non-negative integer, got ${height}`);
  }
  await setSetting(db, SETTING_KEYS.lastScannedBlock, String(height));
}

/**
 * Ties the database to a network on first use and refuses another one afterwards, so a simnet
 * config pointed at a mainnet database stops at startup instead of mixing tickets.
 */
export async function ensureNetwork(db: Db, network: string): Promise<void> {
  const stored = await setSettingIfAbsent(db, SETTING_KEYS.network, network);
  if (stored !== network) {
    throw new Error(`network: the database belongs to ${stored}, not ${network}`);
  }
}
