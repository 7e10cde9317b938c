// The legacy pool's numbers for /stats and API `stats`. dcrstakepool asked a voting wallet's
// `getstakeinfo`; that wallet is gone, so the pool's own numbers come from our ticket table and
// the network's from dcrd (best header, stake difficulty, mempool). Cached five minutes as
// dcrstakepool did; a stale value is served while a refresh runs, so only the very first request
// (or one after failures only) waits on dcrd.
import { splitAt, voteSubsidy } from '../dcr/amounts.ts';
import type { NetParams } from '../dcr/params.ts';
import { poolTicketCounts } from '../db/pool-tickets.ts';
import type { PoolTicketGroup } from '../db/pool-tickets.ts';
import { poolUserCounts } from '../db/pool-users.ts';
import type { Db } from '../db/transaction.ts';

export const POOL_STATS_REFRESH_MS = 5 * 60_000;

export interface PoolStats {
  /** When the refresh finished (ms since the epoch, injected clock). */
  updatedAt: number;
  blockHeight: number;
  /** Price of a ticket bought now: dcrd's stake difficulty of the next block, in atoms. */
  ticketPrice: bigint;
  /** Live tickets in the whole network (the tip header's pool size). */
  poolSize: number;
  /** Tickets of anyone in dcrd's mempool. */
  allMempoolTix: number;
  /** Our tickets by /tickets group; invalid ones are only in `invalid`. */
  tickets: Readonly<Record<PoolTicketGroup, number>>;
  users: { total: number; active: number };
  /** Vote subsidy earned by the pool's votes (dcrwallet's totalsubsidy), in atoms. */
  totalSubsidy: bigint;
  /** live / poolSize, 0 when the pool size is 0 (getstakeinfo's rule). */
  proportionLive: number;
  /** missed / (missed + voted), 0 when nothing was missed. */
  proportionMissed: number;
}

/** The dcrd calls the stats need. poolStatsDcrd adapts src/rpc's DcrdClient. */
export interface PoolStatsDcrd {
  getBestBlockHeader(): Promise<{ height: number; poolSize: number }>;
  getStakeDifficulty(): Promise<{ next: bigint }>;
  /** Number of tickets in the mempool (getrawmempool false "tickets"). */
  mempoolTicketCount(): Promise<number>;
}

/** The database reads; dbPoolStatsStore is the real one. */
export interface PoolStatsStore {
  ticketCounts(tipHeight: number, maturity: number): Promise<Record<PoolTicketGroup, number>>;
  userCounts(): Promise<{ total: number; active: number }>;
  /** Height → number of valid pool tickets that voted in that block. */
  votedHeights(): Promise<ReadonlyMap<number, number>>;
}

/**
 * Blocks holding the pool's valid votes, counted per height. Grouped so the subsidy sum reads one
 * row per block rather than one per vote. Valid = fee ok, or added by an admin.
 */
async function votedHeights(db: Db): Promise<ReadonlyMap<number, number>> {
  const rows = await db
    .selectFrom('pool_tickets as t')
    .leftJoin('pool_low_fee_tickets as l', 'l.ticket_hash', 't.hash')
    .select((eb) => [
      't.outcome_height as height',
      eb.fn.countAll<number | string | bigint>().as('n'),
    ])
    .where('t.outcome', '=', 'voted')
    .where((eb) => eb.or([eb('t.fee_status', '=', 'ok'), eb('l.ticket_hash', 'is not', null)]))
    .groupBy('t.outcome_height')
    .execute();
  return new Map(rows.map((r) => [Number(r.height), Number(r.n)]));
}

export function dbPoolStatsStore(db: Db): PoolStatsStore {
  return {
    ticketCounts: (tipHeight, maturity) => poolTicketCounts(db, { tipHeight, maturity }),
    userCounts: () => poolUserCounts(db),
    votedHeights: () => votedHeights(db),
  };
}

/** The structural slice of src/rpc's DcrdClient the adapter uses. */
export interface DcrdForStats {
  getBestBlock(): Promise<{ hash: string; height: number }>;
  getBlockHeader(hash: string): Promise<{ height: number; poolsize: number }>;
  getStakeDifficulty(): Promise<{ next: bigint }>;
  readonly rpc: { call<T>(method: string, params?: unknown[]): Promise<T> };
}

export function poolStatsDcrd(client: DcrdForStats): PoolStatsDcrd {
  return {
    async getBestBlockHeader() {
      const best = await client.getBestBlock();
      const h = await client.getBlockHeader(best.hash);
      return { height: h.height, poolSize: h.poolsize };
    },
    getStakeDifficulty: () => client.getStakeDifficulty(),
    // DcrdClient has no getrawmempool wrapper; dcrwallet counted the same way (MempoolCount).
    async mempoolTicketCount() {
      const hashes = await client.rpc.call<string[] | null>('getrawmempool', [false, 'tickets']);
      return hashes?.length ?? 0;
    },
  };
}

/**
 * Vote subsidy of `count` votes mined at `height`: a vote in block h votes on h−1, and dcrd pays
 * it the subsidy of h−1 under the split in force at h.
 */
export function votesSubsidy(net: NetParams, height: number, count: number): bigint {
  if (height < 1) return 0n;
  return voteSubsidy(height - 1, net, splitAt(net, height)) * BigInt(count);
}

export interface PoolStatsDeps {
  store: PoolStatsStore;
  dcrd: PoolStatsDcrd;
  net: NetParams;
  now: () => number;
  /** Default five minutes. */
  refreshMs?: number;
  onRefreshError?: (err: unknown) => void;
}

export async function loadPoolStats(deps: PoolStatsDeps): Promise<PoolStats> {
  const { store, dcrd, net } = deps;
  const [best, sdiff, mempool, users, voted] = await Promise.all([
    dcrd.getBestBlockHeader(),
    dcrd.getStakeDifficulty(),
    dcrd.mempoolTicketCount(),
    store.userCounts(),
    store.votedHeights(),
  ]);
  const tickets = await store.ticketCounts(best.height, net.ticketMaturity);
  let totalSubsidy = 0n;
  for (const [height, n] of voted) totalSubsidy += votesSubsidy(net, height, n);
  return {
    updatedAt: deps.now(),
    blockHeight: best.height,
    ticketPrice: sdiff.next,
    poolSize: best.poolSize,
    allMempoolTix: mempool,
    tickets,
    users,
    totalSubsidy,
    proportionLive: best.poolSize > 0 ? tickets.live / best.poolSize : 0,
    proportionMissed: tickets.missed > 0 ? tickets.missed / (tickets.voted + tickets.missed) : 0,
  };
}

/** One shared cache per process: the API and the /stats page read the same refresh. */
export class PoolStatsCache {
  readonly #deps: PoolStatsDeps;
  readonly #refreshMs: number;
  #data: PoolStats | undefined;
  #inflight: Promise<PoolStats> | undefined;

  constructor(deps: PoolStatsDeps) {
    this.#deps = deps;
    this.#refreshMs = deps.refreshMs ?? POOL_STATS_REFRESH_MS;
  }

  peek(): PoolStats | undefined {
    return this.#data;
  }

  /**
   * Current stats. Without data this waits for a refresh and throws if it fails; with stale data
   * it starts a background refresh and answers at once.
   */
  async get(): Promise<PoolStats> {
    const data = this.#data;
    if (data === undefined) return this.refresh();
    if (this.#deps.now() - data.updatedAt >= this.#refreshMs && this.#inflight === undefined) {
      this.refresh().catch((err: unknown) => this.#deps.onRefreshError?.(err));
    }
    return data;
  }

  /** Refresh now, joining one already running. */
  refresh(): Promise<PoolStats> {
    this.#inflight ??= loadPoolStats(this.#deps)
      .then((data) => {
        this.#data = data;
        return data;
      })
      .finally(() => {
        this.#inflight = undefined;
      });
    return this.#inflight;
  }
}
