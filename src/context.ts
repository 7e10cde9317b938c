// Composition root: builds the database, RPC clients, stores, web app and jobs of one stakepool
// process from a loaded configuration. Tests pass overrides for the pieces they replace.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config, ConfigSources } from './config/index.ts';
import { redactConfig } from './config/index.ts';
import type { NetParams } from './dcr/params.ts';
import { netParams } from './dcr/params.ts';
import type { Database } from './db/index.ts';
import { createDatabase, currentFeeXpub, ensureNetwork, migrateToLatest } from './db/index.ts';
import { SqliteBackupJob } from './db/backup-job.ts';
import { createLogger } from './log.ts';
import { rpcNodeHealth } from './admin/health.ts';
import { adminPasswordHash } from './admin/password.ts';
import { dbAdminStore } from './admin/store.ts';
import { DcrdClient } from './rpc/dcrd.ts';
import { WalletClient } from './rpc/wallet.ts';
import { createVspStore } from './vsp/db-store.ts';
import { feeAddressSource } from './vsp/fee-address.ts';
import { vspDcrd } from './vsp/node.ts';
import { VspStatsCache } from './vsp/stats.ts';
import { loadOrCreateServerKey } from './vsp/server-key.ts';
import type { ServerKey } from './vsp/server-key.ts';
import type { VspStore } from './vsp/store.ts';
import { build } from './web/app.ts';
import { ChainFollower } from './chain/follower.ts';
import { PipelineSequence } from './chain/pipelines.ts';
import { createLegacyPool } from './legacy-context.ts';
import { VspPipeline } from './chain/vsp-pipeline.ts';
import { WalletConsistency } from './voting/consistency.ts';
import type { VspVotingWallets } from './voting/vsp-wallets.ts';
import { vspVotingWallets } from './voting/vsp-wallets.ts';

export const VERSION = '0.1.0';

export interface AppContext {
  config: Config;
  net: NetParams;
  log: Logger;
  database: Database;
  store: VspStore;
  dcrd: DcrdClient;
  wallets: WalletClient[];
  votingWallets: VspVotingWallets;
  serverKey: ServerKey;
  web: FastifyInstance;
  /** Stop intake, drain, close HTTP, close the database. */
  close(): Promise<void>;
}

export interface ContextOverrides {
  log?: Logger;
  database?: Database;
  /** Where each config value came from (loadConfig's `sources`): an explicit baseurl is used. */
  sources?: ConfigSources;
}

export { createLogger };

/** Open the database (migrating it) and check it belongs to the configured network. */
export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  if (config.db.engine === 'sqlite' && config.db.sqlitePath !== undefined) {
    mkdirSync(dirname(config.db.sqlitePath), { recursive: true });
  }
  const database = createDatabase({
    ...config.db,
    onPoolError: (err: unknown) => log.error({ err }, 'database pool error'),
  });
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) log.info({ applied }, 'database migrated');
    await ensureNetwork(database.db, netParams(config.network).name);
  } catch (e) {
    await database.close();
    throw e;
  }
  return database;
}

export async function createContext(
  config: Config,
  overrides: ContextOverrides = {},
): Promise<AppContext> {
  const net = netParams(config.network);
  const loadedSources = overrides.sources;
  const log = overrides.log ?? createLogger(config);
  log.info({ config: redactConfig(config) }, 'starting stakepool');
  const database = overrides.database ?? (await openDatabase(config, log));
  if (config.vsp && (await currentFeeXpub(database.db)) === undefined) {
    await database.close();
    throw new Error(
      'the database has no fee xpub; create it with: stakepool createdatabase <fee xpub>',
    );
  }
  const store = createVspStore(database.db);
  const dcrd = new DcrdClient({
    url: `wss://${config.dcrd.host}/ws`,
    user: config.dcrd.user,
    pass: config.dcrd.password,
    ca: readFileSync(config.dcrd.cert),
    net,
    name: 'dcrd',
    notifyBlocks: true,
    // The legacy pool's voter votes on dcrd's winningtickets notification.
    notifyWinningTickets: config.legacyPool && !config.noVoter,
    logger: log.child({ subsystem: 'dcrd' }),
  });
  // The voting wallets are the VSP's; the legacy pool votes with its own key.
  const wallets = (config.vsp ? config.wallets : []).map(
    (w) =>
      new WalletClient({
        url: `wss://${w.host}/ws`,
        user: w.user,
        pass: w.password,
        ca: readFileSync(w.cert),
        net,
        name: `wallet ${w.host}`,
        votingWallet: true,
        logger: log.child({ subsystem: 'wallet', host: w.host }),
      }),
  );
  // Connections come up in the background: a node that is down is retried, never fatal.
  for (const c of [dcrd.rpc, ...wallets.map((w) => w.rpc)]) {
    c.connect({ timeoutMs: 5_000 }).catch((err: unknown) =>
      log.warn({ err: (err as Error).message, node: c.name }, 'node not reachable yet; retrying'),
    );
  }
  const votingWallets = vspVotingWallets(wallets, { log: log.child({ subsystem: 'voting' }) });
  const pipeline = new VspPipeline({
    db: database.db,
    dcrd,
    wallets: votingWallets,
    net,
    log: log.child({ subsystem: 'chain' }),
  });
  const consistency = new WalletConsistency({
    db: database.db,
    dcrd,
    wallets: votingWallets,
    log: log.child({ subsystem: 'consistency' }),
  });
  const legacy = config.legacyPool
    ? createLegacyPool({ config, net, log, db: database.db, dcrd, version: VERSION })
    : undefined;
  const pipelines = [
    ...(config.vsp ? [{ name: 'vsp', pipeline }] : []),
    ...(legacy === undefined ? [] : [{ name: 'pool', pipeline: legacy.pipeline }]),
  ];
  const follower = new ChainFollower({
    dcrd,
    dcrdConnection: dcrd.rpc,
    pipeline: new PipelineSequence(pipelines, log.child({ subsystem: 'chain' })),
    ...(config.vsp ? { consistency } : {}),
    walletConnections: wallets.map((w) => w.rpc),
    log: log.child({ subsystem: 'follower' }),
  });
  const serverKey = await loadOrCreateServerKey(store);
  const statsLog = log.child({ subsystem: 'stats' });
  const stats = new VspStatsCache({
    store,
    dcrd: vspDcrd(dcrd),
    wallets: votingWallets,
    now: Date.now,
    // vspd refreshes once a minute, or every second with webserverdebug.
    refreshMs: config.webServerDebug ? 1_000 : 60_000,
    onRefreshError: (err) => statsLog.error({ err }, 'stats refresh failed'),
  });
  const web = build(
    {
      net,
      config: {
        vspFee: config.vspFee,
        vspClosed: config.vspClosed,
        vspClosedMsg: config.vspClosedMsg,
        designation: config.designation,
        version: VERSION,
      },
      store,
      dcrd: vspDcrd(dcrd),
      wallets: votingWallets,
      serverKey,
      feeAddresses: feeAddressSource(store, net),
      stats,
      log: log.child({ subsystem: 'web' }),
      site: {
        supportEmail: config.supportEmail,
        description: config.description,
        legacyPool: config.legacyPool,
        // The default base URL is derived from `listen`, which is wrong behind a proxy: without
        // an explicit one the pages use the request's Host header.
        ...(loadedSources?.baseUrl.kind !== 'default' && loadedSources !== undefined
          ? { baseUrl: config.baseUrl }
          : {}),
      },
      admin: {
        passwordHash: await adminPasswordHash(config.adminPass),
        sessionBinding: createHash('sha256').update(config.adminPass).digest(),
        db: database.db,
        cookieSecure: config.cookieSecure,
        store: dbAdminStore(database),
        health: rpcNodeHealth({
          // Named by their websocket URLs, as vspd's /admin/status names them.
          dcrd: { host: `wss://${config.dcrd.host}/ws`, client: dcrd },
          wallets: wallets.map((w, i) => ({
            name: `wss://${config.wallets[i]?.host ?? w.rpc.name}/ws`,
            client: w,
          })),
        }),
        realIpHeader: config.realIpHeader,
      },
      ...(legacy === undefined ? {} : { pool: legacy.web, poolApi: legacy.api }),
      vsp: config.vsp,
      poolLink: config.poolLink,
    },
    { trustProxy: config.realIpHeader !== '' },
  );
  if (legacy !== undefined) await legacy.start();
  follower.start();
  const backups = new SqliteBackupJob({
    database,
    destPath: `${config.db.sqlitePath ?? 'stakepool.db'}-backup`,
    intervalMs: config.backupIntervalMs,
    log: log.child({ subsystem: 'backup' }),
  });
  backups.start();
  let closed = false;
  return {
    config,
    net,
    log,
    database,
    store,
    dcrd,
    wallets,
    votingWallets,
    serverKey,
    web,
    async close() {
      if (closed) return;
      closed = true;
      await follower.stop();
      await legacy?.stop();
      await web.close();
      dcrd.close();
      for (const w of wallets) w.close();
      await backups.stop(); // the shutdown backup, after the last write
      await database.close();
    },
  };
}
