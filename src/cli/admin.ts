// Admin commands (vspadmin's, under stakepool's name): create the database with a fee xpub,
// retire the fee xpub for a new one, write a default config file.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeDefaultConfig } from '../config/index.ts';
import { openDatabase, createLogger } from '../context.ts';
import { ExtendedKey } from '../dcr/hdkey.ts';
import { netParams } from '../dcr/params.ts';
import { currentFeeXpub, setFeeXpub } from '../db/index.ts';
import { createVspStore } from '../vsp/db-store.ts';
import { loadOrCreateServerKey } from '../vsp/server-key.ts';
import { loadCommandConfig } from './config-load.ts';

/** A fee xpub must be a public extended key of the configured network. */
function checkFeeXpub(xpub: string | undefined, network: string): string {
  if (xpub === undefined || xpub === '') throw new TypeError('xpub: missing (give the fee xpub)');
  const key = ExtendedKey.fromString(xpub, netParams(network), 'xpub');
  if (key.isPrivate) {
    throw new TypeError('xpub: this is a private extended key; give its public (neutered) form');
  }
  return xpub;
}

export async function createDatabaseCommand(argv: readonly string[]): Promise<number> {
  const loaded = loadCommandConfig(argv, 'admin');
  if (loaded === undefined) return 2;
  const { config, args } = loaded;
  const xpub = checkFeeXpub(args[0], config.network);
  const log = createLogger(config);
  const database = await openDatabase(config, log);
  try {
    if ((await currentFeeXpub(database.db)) !== undefined) {
      process.stderr.write(
        'createdatabase: the database already has a fee xpub (see retirexpub)\n',
      );
      return 1;
    }
    await setFeeXpub(database.db, xpub);
    // Made now rather than at the first `serve`, as vspadmin does: the operator can publish the
    // key wallets pin (--vsp.pubkey) before the pool is up.
    const key = await loadOrCreateServerKey(createVspStore(database.db));
    process.stdout.write(
      `database ready (${config.db.engine}) with fee xpub ${xpub}\n` +
        `VSP public key (dcrwallet --vsp.pubkey): ${key.publicKeyBase64}\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

export async function retireXpubCommand(argv: readonly string[]): Promise<number> {
  const loaded = loadCommandConfig(argv, 'admin');
  if (loaded === undefined) return 2;
  const { config, args } = loaded;
  const xpub = checkFeeXpub(args[0], config.network);
  const log = createLogger(config);
  const database = await openDatabase(config, log);
  try {
    const old = await currentFeeXpub(database.db);
    if (old === undefined) {
      // Retiring nothing would silently create the database's first key under the wrong command.
      process.stderr.write(
        'retirexpub: the database has no fee xpub to retire; create it with createdatabase\n',
      );
      return 1;
    }
    const next = await setFeeXpub(database.db, xpub);
    process.stdout.write(
      `fee xpub #${old.id} ${old.xpub} retired; new fee xpub #${next.id} ${xpub}\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

export function writeConfigCommand(argv: readonly string[]): number {
  const loaded = loadCommandConfig(argv, 'admin');
  if (loaded === undefined) return 2;
  const path = loaded.args[0] ?? join(loaded.config.homeDir, 'stakepool.conf');
  if (existsSync(path)) {
    process.stderr.write(`writeconfig: ${path} already exists; not overwriting it\n`);
    return 1;
  }
  // A network given for this command (`writeconfig --network=mainnet`) is written into the file.
  const set: Record<string, string> =
    loaded.sources.network.kind === 'default' ? {} : { network: loaded.config.network };
  writeDefaultConfig(path, { set });
  process.stdout.write(`wrote ${path}\n`);
  return 0;
}
