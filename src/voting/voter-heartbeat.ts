// Keeps a voter's heartbeat row current (src/db/voter-heartbeats.ts): written at start, after
// each block the voter handled and at least every minute, removed on a clean stop. /status lists
// the voters whose heartbeat is recent, wherever they run.
import { hostname } from 'node:os';
import type { JobLog } from '../chain/log.ts';
import { SILENT_LOG } from '../chain/log.ts';
import { voterName } from '../db/voter-heartbeats.ts';
import type { VoterHeartbeat } from '../db/voter-heartbeats.ts';
import type { BlockVoteSummary } from './pool-voter.ts';

export const HEARTBEAT_INTERVAL_MS = 60_000;

/** Where heartbeats go (writeVoterHeartbeat/removeVoterHeartbeat over a Db fit). */
export interface VoterHeartbeatStore {
  write(hb: VoterHeartbeat): Promise<void>;
  remove(name: string): Promise<unknown>;
}

/** What is reported of the voter (PoolVoter fits). */
export interface HeartbeatVoter {
  readonly voteVersion: number;
  readonly lastBlock: (BlockVoteSummary & { at: number }) | undefined;
}

export interface VoterHeartbeatOptions {
  store: VoterHeartbeatStore;
  voter: HeartbeatVoter;
  /** Default hostname:pid. */
  name?: string;
  intervalMs?: number;
  /** ms since the epoch (default Date.now). */
  now?: () => number;
  log?: JobLog;
}

/** What a heartbeat and /status say of the voter's last block (its time in unix seconds). */
export function lastBlockReport(
  b: HeartbeatVoter['lastBlock'],
): VoterHeartbeat['lastBlock'] | undefined {
  if (b === undefined) return undefined;
  return {
    height: b.height,
    at: Math.floor(b.at / 1000),
    ours: b.ours,
    sent: b.sent,
    duplicates: b.duplicates,
    failed: b.failed,
    ...(b.cacheAgeS === undefined ? {} : { cacheAgeS: b.cacheAgeS }),
  };
}

export function defaultVoterName(): string {
  return `${hostname()}:${process.pid}`;
}

export class VoterHeartbeatWriter {
  readonly name: string;
  readonly #o: VoterHeartbeatOptions;
  readonly #now: () => number;
  readonly #log: JobLog;
  #startedAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(options: VoterHeartbeatOptions) {
    this.#o = options;
    this.name = voterName(options.name ?? defaultVoterName());
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? SILENT_LOG;
  }

  /** The heartbeat as it would be written now. */
  snapshot(): VoterHeartbeat {
    const v = this.#o.voter;
    const hb: VoterHeartbeat = {
      name: this.name,
      startedAt: this.#startedAt,
      at: Math.floor(this.#now() / 1000),
      voteVersion: v.voteVersion,
    };
    const b = lastBlockReport(v.lastBlock);
    if (b !== undefined) hb.lastBlock = b;
    return hb;
  }

  /** Writes the first heartbeat (not awaited by callers that must not wait on the database). */
  start(): Promise<void> {
    if (this.#timer !== undefined || this.#stopped) return Promise.resolve();
    this.#startedAt = Math.floor(this.#now() / 1000);
    this.#timer = setInterval(() => void this.beat(), this.#o.intervalMs ?? HEARTBEAT_INTERVAL_MS);
    this.#timer.unref();
    return this.beat();
  }

  /**
   * Writes the heartbeat now; never rejects (a failure is logged, and the next beat tries
   * again). Beats asked for during a write are folded into one more write after it.
   */
  beat(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#writing !== undefined) {
      this.#again = true;
      return this.#writing;
    }
    const run = async (): Promise<void> => {
      do {
        this.#again = false;
        try {
          await this.#o.store.write(this.snapshot());
        } catch (err) {
          this.#log.warn(
            { err: err instanceof Error ? err.message : String(err) },
            'voter heartbeat not written; /status may show this voter as stale',
          );
        }
      } while (this.#again && !this.#stopped);
    };
    this.#writing = run().finally(() => (this.#writing = undefined));
    return this.#writing;
  }

  /** Stops beating and removes the row (a clean stop is not a stale voter). Never rejects. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    const started = this.#timer !== undefined;
    await this.#writing;
    if (!started) return;
    try {
      await this.#o.store.remove(this.name);
    } catch (err) {
      this.#log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'voter heartbeat not removed; /status shows this voter as stale',
      );
    }
  }
}
