// What the pool's own pages (/address, /tickets, /voting, /stats, /status, /admintickets) need
// beyond the account pages' PoolContext: the pool keys, dcrd, the shared stats cache and a few
// configuration values. The composition root passes it as PoolContext.pages; without it these
// pages are not served (the account pages still are).
import type { FastifyInstance } from 'fastify';
import type { PoolKeys } from '../../../pool/keys.ts';
import type { PoolStats } from '../../../pool/pool-stats.ts';
import type { PoolDeps } from '../../plugins/site.ts';

/** dcrd, as src/rpc's DcrdClient provides it. */
export interface PoolPagesDcrd {
  getBestBlock(): Promise<{ height: number }>;
  /** dcrd `getvoteinfo <version>`: agenda statuses and vote counts (parsed defensively). */
  getVoteInfo(version: number): Promise<unknown>;
}

export interface DcrdNodeStatus {
  /** Its RPC address, for the operator. */
  host: string;
  connected: boolean;
  /** Undefined when it could not be asked. */
  bestBlockHeight: number | undefined;
  /** Short text of what failed, if anything. */
  error?: string | undefined;
}

export interface VoterStatus {
  /** Which voter (this process, or another instance's name). */
  name: string;
  running: boolean;
  /** The pool key (votingwalletextprv) is loaded and matches votingwalletextpub. */
  keyLoaded: boolean;
  voteVersion: number;
  /** The last block whose winners it handled, if any. */
  lastBlock?:
    | {
        height: number;
        /** Unix seconds. */
        at: number;
        ours: number;
        sent: number;
        duplicates: number;
        failed: number;
        /** Set when the winners came from the voter cache (database down): its age. */
        cacheAgeS?: number;
      }
    | undefined;
  /** Unix seconds of its last heartbeat in the database; undefined when read from memory. */
  seenAt?: number;
  /** Unix seconds it started (from its heartbeat). */
  startedAt?: number;
  /** No heartbeat for 10 minutes: it died without a clean stop, or cannot reach the database. */
  stale?: boolean;
}

export interface PoolStatusReport {
  dcrd: readonly DcrdNodeStatus[];
  voters: readonly VoterStatus[];
}

/** /status's per-node data; built by the composition root from the RPC clients and the voter. */
export interface PoolStatusSource {
  check(): Promise<PoolStatusReport>;
}

export interface PoolPagesContext {
  keys: Pick<PoolKeys, 'multisig'>;
  dcrd: PoolPagesDcrd;
  /** The PoolStatsCache the API's `stats` uses too. */
  stats: { get(): Promise<PoolStats>; peek(): PoolStats | undefined };
  /** [poolfees] Percent. */
  poolFees: number;
  /** [adminips] Client addresses allowed on /status and /admintickets; empty: any. */
  adminIps: readonly string[];
  /** [adminuserids] Accounts allowed there (both lists must allow a request). */
  adminUserIds: readonly number[];
  /** [maxvotedtickets] How many of the newest voted tickets /tickets lists; default 1000. */
  maxVotedTickets?: number;
  status: PoolStatusSource;
}

export interface PoolPagesDeps extends PoolDeps {
  pages: PoolPagesContext;
}

export const DEFAULT_MAX_VOTED_TICKETS = 1000;

/**
 * The pages context from PoolContext.pages, or undefined (with a warning once per route) when the
 * composition root gave none.
 */
export function pagesDeps(
  app: FastifyInstance,
  deps: PoolDeps,
  route: string,
): PoolPagesDeps | undefined {
  const pages = deps.pool?.pages;
  if (pages === undefined) {
    app.log.warn({ route }, 'legacy pool: no pages context; page not served');
    return undefined;
  }
  return { ...deps, pages };
}

/** dcrd's best height; the stats cache's when dcrd cannot answer; undefined without either. */
export async function tipHeight(pages: PoolPagesContext): Promise<number | undefined> {
  try {
    return (await pages.dcrd.getBestBlock()).height;
  } catch {
    return pages.stats.peek()?.blockHeight;
  }
}
