// The legacy pool's part of the composition root: the pool keys, the chain pipeline that finds
// and follows the pool's tickets, our own voter, the stats cache, and what the web needs for the
// account pages, the pool pages and /api/v1|v2. Built by src/context.ts when legacypool=1.
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config/index.ts';
import type { NetParams } from './dcr/params.ts';
import { purgeLoginAttempts } from './db/login-attempts.ts';
import { purgeExpiredPoolTokens } from './db/pool-tokens.ts';
import { resetStaleVoteBits } from './db/pool-users.ts';
import { allVotablePoolTickets, votablePoolTickets } from './db/pool-tickets.ts';
import type { Db } from './db/transaction.ts';
import {
  listVoterHeartbeats,
  purgeVoterHeartbeats,
  removeVoterHeartbeat,
  writeVoterHeartbeat,
} from './db/voter-heartbeats.ts';
import { PoolPipeline, dbPoolTicketStore } from './chain/pool-pipeline.ts';
import { PoolKeys } from './pool/keys.ts';
import { createMailer } from './pool/mailer.ts';
import { PoolStatsCache, dbPoolStatsStore, poolStatsDcrd } from './pool/pool-stats.ts';
import { isValidVoteBits } from './pool/vote-bits.ts';
import type { DcrdClient } from './rpc/dcrd.ts';
import { createPoolVoter } from './voting/pool-voter.ts';
import { VOTER_CACHE_FILE, VotableCache } from './voting/votable-cache.ts';
import type { PoolVoter } from './voting/pool-voter.ts';
import { VoterHeartbeatWriter, lastBlockReport } from './voting/voter-heartbeat.ts';
import { agendasFor, currentVoteVersion } from './vsp/agendas.ts';
import type { PoolContext } from './web/plugins/site.ts';
import type { PoolApiDeps } from './web/routes/api/v1/deps.ts';
import type { PoolStatusReport, VoterStatus } from './web/routes/pool/pages-context.ts';

/** Expired emailed tokens and stale failed-login counts are swept this often. */
const HOUSEKEEPING_MS = 3_600_000;
/** A failed-login window never lasts longer than this (DbLoginThrottle's longest). */
const LOGIN_ATTEMPTS_KEEP_S = 24 * 3600;
/** /status shows a voter without a heartbeat for this long as stale (it beats every minute). */
export const VOTER_STALE_S = 600;
/** Heartbeats of voters that died without a clean stop are deleted after this long. */
const VOTER_HEARTBEAT_KEEP_S = 7 * 24 * 3600;

export interface LegacyPool {
  keys: PoolKeys;
  pipeline: PoolPipeline;
  /** Undefined when novoter=1: a separate `stakepool voter` votes. */
  voter: PoolVoter | undefined;
  /** The voter's snapshot for when the database is down; undefined with the voter. */
  voterCache: VotableCache | undefined;
  /** The voter's row in the database for /status; undefined with the voter. */
  heartbeat: VoterHeartbeatWriter | undefined;
  web: PoolContext;
  api: PoolApiDeps;
  /** Reset vote bits of another vote version, start the voter and the housekeeping. */
  start(): Promise<void>;
  /** Stop the voter (draining votes under way) and the timers; the pipeline stops with the follower. */
  stop(): Promise<void>;
}

export interface LegacyPoolOptions {
  config: Config;
  net: NetParams;
  log: Logger;
  db: Db;
  dcrd: DcrdClient;
  version: string;
}

/** The pool's vote version: the network's newest, which the voter writes into every vote. */
export function poolVoteVersion(net: NetParams): number {
  return currentVoteVersion(net.name);
}

/**
 * dcrstakepool's CheckAndResetUserVoteBits: bits saved for another vote version (or no longer
 * valid for this one) go back to the default 1, which the pages then show.
 */
export function resetUserVoteBits(db: Db, net: NetParams): Promise<number> {
  const version = poolVoteVersion(net);
  const agendas = agendasFor(net.name, version);
  return resetStaleVoteBits(db, version, (bits) => isValidVoteBits(bits, agendas));
}

export function createLegacyPool(o: LegacyPoolOptions): LegacyPool {
  const { config, net, log, db, dcrd } = o;
  const keys = new PoolKeys(config.votingWalletExtPub, config.coldWalletExtPub, net);
  const voteVersion = poolVoteVersion(net);
  const pipeline = new PoolPipeline({
    store: dbPoolTicketStore(db),
    dcrd,
    net,
    poolFeePercent: config.poolFees,
    feeAddresses: () => keys.feeAddresses(),
    log: log.child({ subsystem: 'pool-chain' }),
  });
  const voterCache = config.noVoter
    ? undefined
    : new VotableCache({
        source: { allVotablePoolTickets: (page) => allVotablePoolTickets(db, page) },
        network: net.name,
        file: join(config.dataDir, VOTER_CACHE_FILE),
        log: log.child({ subsystem: 'voter-cache' }),
      });
  const voter = config.noVoter
    ? undefined
    : createPoolVoter({
        config,
        dcrd,
        connection: dcrd.rpc,
        tickets: { votablePoolTickets: (hashes) => votablePoolTickets(db, hashes) },
        ...(voterCache === undefined ? {} : { fallback: voterCache }),
        net,
        voteVersion,
        log: log.child({ subsystem: 'voter' }),
        onBlock: () => void heartbeat?.beat(),
      });
  const heartbeat =
    voter === undefined
      ? undefined
      : new VoterHeartbeatWriter({
          voter,
          store: voterHeartbeatStore(db),
          log: log.child({ subsystem: 'voter' }),
        });
  const statsLog = log.child({ subsystem: 'pool-stats' });
  const stats = new PoolStatsCache({
    store: dbPoolStatsStore(db),
    dcrd: poolStatsDcrd(dcrd),
    net,
    now: Date.now,
    onRefreshError: (err) => statsLog.error({ err }, 'pool stats refresh failed'),
  });
  const status = async (): Promise<PoolStatusReport> => {
    let bestBlockHeight: number | undefined;
    let error: string | undefined;
    if (dcrd.rpc.isReady) {
      try {
        bestBlockHeight = (await dcrd.getBestBlock({ timeoutMs: 5_000 })).height;
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
    }
    const voters = await voterStatuses(db, voter, heartbeat?.name, log);
    return {
      dcrd: [
        {
          host: config.dcrd.host,
          connected: dcrd.rpc.isReady,
          bestBlockHeight,
          ...(error === undefined ? {} : { error }),
        },
      ],
      voters,
    };
  };
  const web: PoolContext = {
    db,
    mailer: createMailer(config, log.child({ subsystem: 'mail' })),
    apiSecret: config.apiSecret,
    closePool: config.closePool,
    closePoolMsg: config.closePoolMsg,
    baseUrl: config.baseUrl,
    cookieSecure: config.cookieSecure,
    realIpHeader: config.realIpHeader,
    voteVersion,
    pages: {
      keys,
      dcrd,
      stats,
      poolFees: config.poolFees,
      adminIps: config.adminIps,
      adminUserIds: config.adminUserIds,
      maxVotedTickets: config.maxVotedTickets,
      status: { check: status },
    },
  };
  const api: PoolApiDeps = {
    db,
    net,
    apiSecret: config.apiSecret,
    keys,
    dcrd,
    stats,
    config: {
      poolFees: config.poolFees,
      poolEmail: config.supportEmail,
      closePool: config.closePool,
      version: o.version,
    },
    voteVersion,
  };
  const houseLog = log.child({ subsystem: 'housekeeping' });
  const housekeeping = async (): Promise<void> => {
    const now = Math.floor(Date.now() / 1000);
    try {
      const tokens = await purgeExpiredPoolTokens(db, now);
      const attempts = await purgeLoginAttempts(db, now - LOGIN_ATTEMPTS_KEEP_S);
      const voters = await purgeVoterHeartbeats(db, now - VOTER_HEARTBEAT_KEEP_S);
      if (tokens + attempts + voters > 0) {
        houseLog.info({ tokens, attempts, voters }, 'expired rows removed');
      }
    } catch (err) {
      houseLog.warn({ err }, 'housekeeping failed; retried later');
    }
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    keys,
    pipeline,
    voter,
    voterCache,
    heartbeat,
    web,
    api,
    async start() {
      const reset = await resetUserVoteBits(db, net);
      if (reset > 0) log.info({ users: reset, voteVersion }, 'vote bits reset to the default');
      voter?.start();
      void heartbeat?.start();
      // Not awaited: the first snapshot of a large pool takes a second or two.
      void voterCache?.start();
      void housekeeping();
      timer = setInterval(() => void housekeeping(), HOUSEKEEPING_MS);
      timer.unref();
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      await voter?.stop();
      await heartbeat?.stop();
      await voterCache?.stop();
    },
  };
}

/** writeVoterHeartbeat/removeVoterHeartbeat over `db` (or over a database opened later). */
export function voterHeartbeatStore(db: Db | (() => Promise<Db>)): {
  write(hb: Parameters<typeof writeVoterHeartbeat>[1]): Promise<void>;
  remove(name: string): Promise<boolean>;
} {
  const get = typeof db === 'function' ? db : () => Promise.resolve(db);
  return {
    write: async (hb) => writeVoterHeartbeat(await get(), hb),
    remove: async (name) => removeVoterHeartbeat(await get(), name),
  };
}

/**
 * /status's voters: every heartbeat in the database (serve's own voter and each `stakepool
 * voter`), stale when older than VOTER_STALE_S. This process's voter is reported from memory
 * when its row cannot be read.
 */
export async function voterStatuses(
  db: Db,
  own: PoolVoter | undefined,
  ownName: string | undefined,
  log: Logger,
  nowS: number = Math.floor(Date.now() / 1000),
): Promise<VoterStatus[]> {
  const voters: VoterStatus[] = [];
  try {
    for (const hb of await listVoterHeartbeats(db)) {
      const stale = nowS - hb.at > VOTER_STALE_S;
      voters.push({
        name: hb.name === ownName ? `${hb.name} (this process)` : hb.name,
        running: !stale,
        keyLoaded: true,
        voteVersion: hb.voteVersion,
        lastBlock: hb.lastBlock,
        seenAt: hb.at,
        startedAt: hb.startedAt,
        stale,
      });
    }
  } catch (err) {
    log.warn({ err }, 'voter heartbeats unreadable; /status lists only this process');
  }
  if (own !== undefined && !voters.some((v) => v.name.startsWith(`${ownName} (`))) {
    voters.unshift({
      name: `${ownName ?? 'voter'} (this process)`,
      running: own.running,
      keyLoaded: true,
      voteVersion: own.voteVersion,
      lastBlock: lastBlockReport(own.lastBlock),
    });
  }
  return voters;
}
