// What the web app is built from. Every I/O dependency is a small interface (src/vsp/store.ts,
// src/vsp/node.ts) so tests can pass object literals; the composition root (src/context.ts)
// passes the database repositories and the RPC clients.
import type { FastifyBaseLogger } from 'fastify';
import type { NetParams } from '../dcr/params.ts';
import type { FeeAddressSource } from '../vsp/fee-address.ts';
import type { VotingWallets, VspDcrd } from '../vsp/node.ts';
import type { ServerKey } from '../vsp/server-key.ts';
import type { AdminContext, PoolContext, SiteConfig } from './plugins/site.ts';
import type { PoolApiDeps } from './routes/api/v1/deps.ts';
import { VspStatsCache } from '../vsp/stats.ts';
import type { VspStore } from '../vsp/store.ts';

/** The subset of the configuration the VSP API reads (vspd.conf names in brackets). */
export interface VspApiConfig {
  /** [vspfee] Percent of the vote reward asked as fee, 0.01–100. */
  vspFee: number;
  /** [vspclosed] Refuse new registrations (feeaddress, payfee, setaltsignaddr). */
  vspClosed: boolean;
  /** [vspclosedmsg] Shown to users while closed. */
  vspClosedMsg: string;
  /** [designation] The VSP's display name. */
  designation: string;
  /** Reported as `vspdversion` by /vspinfo. */
  version: string;
  /** Vote-change records kept per ticket (vspd: 10). */
  maxVoteChangeRecords?: number;
}

export interface WebContext {
  /** Network params; /vspinfo reports `net.name` (mainnet, testnet3, simnet). */
  net: NetParams;
  config: VspApiConfig;
  store: VspStore;
  dcrd: VspDcrd;
  wallets: VotingWallets;
  /** Load it with loadOrCreateServerKey(store) before building the app. */
  serverKey: ServerKey;
  /** Fee addresses from the active fee xpub (feeAddressSource(store, net)). */
  feeAddresses: FeeAddressSource;
  /** A pino logger (fastify's loggerInstance); none means no logging. */
  log?: FastifyBaseLogger;
  /** Clock, ms since the epoch. */
  now?: () => number;
  /** Waiting between broadcast retries; tests make it instant. */
  sleep?: (ms: number) => Promise<void>;
  /** Shared stats cache (the home page uses it too); built from store/dcrd/wallets if absent. */
  stats?: VspStatsCache;
  /** Home page and footer settings (support email, description, legacy pool link, base URL). */
  site?: SiteConfig;
  /** The admin pages and /admin/status; /admin is not served without it. */
  admin?: AdminContext;
  /** The legacy pool's account and pool pages; not served without it. */
  pool?: PoolContext;
  /** The legacy pool's /api/v1 and /api/v2; not served without it. */
  poolApi?: PoolApiDeps;
  /**
   * [vsp] The VSP face: /api/v3 and the home page's VSP section. Default true; false for a
   * legacy-only pool, which has no VSP voting wallets behind an API.
   */
  vsp?: boolean;
  /** [poollink] The pool's support link (forum, chat), shown on the home page; '' none. */
  poolLink?: string;
}

export const DEFAULT_MAX_VOTE_CHANGE_RECORDS = 10;

/** WebContext with every optional part filled in. */
export interface ResolvedContext extends Omit<WebContext, 'log' | 'now' | 'sleep' | 'stats'> {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  stats: VspStatsCache;
  maxVoteChangeRecords: number;
}

export function resolveContext(ctx: WebContext, log: FastifyBaseLogger): ResolvedContext {
  const now = ctx.now ?? Date.now;
  return {
    ...ctx,
    now,
    sleep: ctx.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    stats:
      ctx.stats ??
      new VspStatsCache({
        store: ctx.store,
        dcrd: ctx.dcrd,
        wallets: ctx.wallets,
        now,
        onRefreshError: (err) => log.error({ err }, 'stats refresh failed'),
      }),
    maxVoteChangeRecords: ctx.config.maxVoteChangeRecords ?? DEFAULT_MAX_VOTE_CHANGE_RECORDS,
  };
}

/** Unix seconds from a ms clock. */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
