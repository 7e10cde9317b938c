// The legacy pool's web server as its benchmarks run it, in a process of its own: src/web/app.ts
// with the account pages, the pool pages and /api/v1|v2 over a SQLite file seeded by
// bench/pool-web-data.ts, the real PoolKeys, PoolStatsCache and DbLoginThrottle, and a dcrd that
// answers at once from a fixed tip (the measured requests ask it only for the best height). No
// request logging, as in the VSP benchmark. Started by bench/pool-web.bench.ts with fork(); it
// reports {type:'ready'} on IPC and stops on SIGTERM, when its parent goes away, or after
// `lifetimeMs` whatever happens.
import { DbLoginThrottle } from '../src/admin/db-login-throttle.ts';
import { netParams } from '../src/dcr/params.ts';
import type { NetworkName } from '../src/dcr/params.ts';
import { createDatabase } from '../src/db/database.ts';
import { PoolKeys } from '../src/pool/keys.ts';
import { createMailer } from '../src/pool/mailer.ts';
import { dbPoolStatsStore, PoolStatsCache } from '../src/pool/pool-stats.ts';
import { RpcError, RpcErrorCode } from '../src/rpc/errors.ts';
import { build } from '../src/web/app.ts';
import type { PoolContext } from '../src/web/plugins/site.ts';
import { currentVoteVersion } from '../src/vsp/agendas.ts';
import { createVspStore } from '../src/vsp/db-store.ts';
import { feeAddressSource } from '../src/vsp/fee-address.ts';
import type { VotingWallets, VspDcrd } from '../src/vsp/node.ts';
import { loadOrCreateServerKey } from '../src/vsp/server-key.ts';

export interface PoolServerConfig {
  dbPath: string;
  net: NetworkName;
  lifetimeMs: number;
  tipHeight: number;
  /** [maxvotedtickets] */
  maxVotedTickets: number;
  apiSecret: string;
  baseUrl: string;
  votingXpub: string;
  coldXpub: string;
  /** Failed logins allowed per client address and per email; absent: the pool's (20, 5). */
  maxLoginFailures?: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as PoolServerConfig;

// Stop no matter what, long after any benchmark would have finished.
setTimeout(() => process.exit(3), config.lifetimeMs).unref();

const net = netParams(config.net);
const database = createDatabase({ engine: 'sqlite', sqlitePath: config.dbPath });
const db = database.db;
const store = createVspStore(db);
const serverKey = await loadOrCreateServerKey(store);
const keys = new PoolKeys(config.votingXpub, config.coldXpub, net);

const noTx = (): Promise<never> =>
  Promise.reject(
    new RpcError(RpcErrorCode.NoTxInfo, 'No information available about transaction', 'bench'),
  );
const tip = config.tipHeight;
/** The slice of dcrd every part uses, at a fixed tip. */
const dcrd = {
  getBestBlock: () => Promise.resolve({ height: tip, hash: '00'.repeat(32) }),
  getVoteInfo: () => Promise.resolve({ currentheight: tip, agendas: [] }),
  getBestBlockHeader: () =>
    Promise.resolve({ height: tip, sbits: 150_00000000n, poolSize: 40_960 }),
  getStakeDifficulty: () => Promise.resolve({ next: 150_00000000n }),
  mempoolTicketCount: () => Promise.resolve(3),
};
const vspDcrd: VspDcrd = {
  getRawTransaction: noTx,
  sendRawTransaction: noTx,
  existsLiveTicket: () => Promise.resolve(true),
  getBestBlockHeader: dcrd.getBestBlockHeader,
};
const wallets: VotingWallets = { connected: () => Promise.resolve({ online: [], total: 0 }) };
const stats = new PoolStatsCache({ store: dbPoolStatsStore(db), dcrd, net, now: Date.now });

const limit = config.maxLoginFailures;
const pool: PoolContext = {
  db,
  mailer: createMailer(
    {
      smtpHost: '',
      smtpFrom: 'pool@bench.example',
      smtpUsername: '',
      smtpPassword: '',
      useSmtps: false,
      smtpCert: '',
      smtpSkipVerify: false,
    },
    { info: () => undefined },
  ),
  apiSecret: config.apiSecret,
  closePool: false,
  closePoolMsg: '',
  baseUrl: config.baseUrl,
  // Behind a proxy, as deployed: the login limits key on the address it passes on.
  realIpHeader: 'X-Real-IP',
  ...(limit === undefined
    ? {}
    : {
        ipThrottle: new DbLoginThrottle({ db, prefix: 'pool-ip:', maxFailures: limit }),
        emailThrottle: new DbLoginThrottle({ db, prefix: 'pool-email:', maxFailures: limit }),
      }),
  pages: {
    keys,
    dcrd,
    stats,
    poolFees: 7.5,
    adminIps: [],
    adminUserIds: [],
    maxVotedTickets: config.maxVotedTickets,
    status: { check: () => Promise.resolve({ dcrd: [], voters: [] }) },
  },
};

const app = build({
  net,
  config: {
    vspFee: 2,
    vspClosed: false,
    vspClosedMsg: '',
    designation: 'Bench Pool',
    version: '0.1.0-bench',
  },
  store,
  dcrd: vspDcrd,
  wallets,
  serverKey,
  feeAddresses: feeAddressSource(store, net),
  site: { supportEmail: 'support@bench.example', legacyPool: true, baseUrl: config.baseUrl },
  pool,
  poolApi: {
    db,
    net,
    apiSecret: config.apiSecret,
    keys,
    dcrd,
    stats,
    config: {
      poolFees: 7.5,
      poolEmail: 'support@bench.example',
      closePool: false,
      version: '0.1.0-bench',
    },
    voteVersion: currentVoteVersion(net.name),
  },
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : 0;

let closing = false;
const stop = (): void => {
  if (closing) return;
  closing = true;
  void app
    .close()
    .then(() => database.close())
    .finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.once('disconnect', stop);
process.send?.({ type: 'ready', port, pids: [process.pid] });
