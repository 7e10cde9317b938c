// The numbers /vspinfo and the home page show, refreshed at most once a minute (vspd's cache):
// ticket counts from the store, the best block from dcrd, and voting-wallet reachability.
// A stale value is served while a refresh runs in the background, so a request never waits
// on dcrd once the first refresh has succeeded.
import type { VotingWallets, VspDcrd } from './node.ts';
import type { TicketStore } from './store.ts';

export interface VspStats {
  /** Increases with every successful refresh; lets callers cache what they derive. */
  generation: number;
  /** When the refresh finished (ms since the epoch, from the injected clock). */
  updatedAt: number;
  voting: number;
  voted: number;
  expired: number;
  missed: number;
  totalVotingWallets: number;
  votingWalletsOnline: number;
  blockHeight: number;
  /** voting / network pool size, in float32 as vspd computes it. */
  networkProportion: number;
  /** Shares of voted + expired + missed; 0 when there are none. */
  expiredProportion: number;
  missedProportion: number;
}

export interface StatsDeps {
  store: Pick<TicketStore, 'ticketCounts'>;
  dcrd: Pick<VspDcrd, 'getBestBlockHeader'>;
  wallets: VotingWallets;
  now: () => number;
  /** Default 60 s. */
  refreshMs?: number;
  onRefreshError?: (err: unknown) => void;
}

export const STATS_REFRESH_MS = 60_000;

export class VspStatsCache {
  readonly #deps: StatsDeps;
  readonly #refreshMs: number;
  #data: VspStats | undefined;
  #inflight: Promise<VspStats> | undefined;
  #generation = 0;

  constructor(deps: StatsDeps) {
    this.#deps = deps;
    this.#refreshMs = deps.refreshMs ?? STATS_REFRESH_MS;
  }

  /** The last successful refresh, if any. */
  peek(): VspStats | undefined {
    return this.#data;
  }

  /**
   * Current stats. With no data yet this waits for a refresh and throws if it fails; with
   * stale data it starts a background refresh and returns the stale data at once.
   */
  async get(): Promise<VspStats> {
    const data = this.#data;
    if (data === undefined) return this.refresh();
    if (this.#deps.now() - data.updatedAt >= this.#refreshMs && this.#inflight === undefined) {
      this.refresh().catch((err: unknown) => this.#deps.onRefreshError?.(err));
    }
    return data;
  }

  /** Refresh now (joining one already running). */
  refresh(): Promise<VspStats> {
    this.#inflight ??= this.#load().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #load(): Promise<VspStats> {
    const { store, dcrd, wallets, now } = this.#deps;
    const [best, counts, w] = await Promise.all([
      dcrd.getBestBlockHeader(),
      store.ticketCounts(),
      wallets.connected(),
    ]);
    if (best.poolSize === 0) throw new Error('dcrd reports a network ticket pool size of zero');
    const f = Math.fround;
    const ended = counts.voted + counts.expired + counts.missed;
    const data: VspStats = {
      generation: ++this.#generation,
      updatedAt: now(),
      ...counts,
      totalVotingWallets: w.total,
      votingWalletsOnline: w.online.length,
      blockHeight: best.height,
      networkProportion: f(f(counts.voting) / f(best.poolSize)),
      expiredProportion: ended === 0 ? 0 : f(f(counts.expired) / f(ended)),
      missedProportion: ended === 0 ? 0 : f(f(counts.missed) / f(ended)),
    };
    this.#data = data;
    return data;
  }
}

/**
 * The shortest decimal that reads back as the same float32, as a number: what Go's encoding/json
 * prints for a float32 (0.1, where the float64 of Math.fround(0.1) would print
 * 0.10000000149011612).
 */
export function float32ForJson(x: number): number {
  const f = Math.fround(x);
  if (!Number.isFinite(f) || f === 0) return f;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}
