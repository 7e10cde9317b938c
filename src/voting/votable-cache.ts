// The voter's own copy of what it needs to vote (dcrstakepool's stakepoold kept one in a .gob
// file): every votable pool ticket with its owner's redeem script and vote bits, read from the
// database every few minutes and after blocks, kept in memory and in a file in the data dir. When
// the database cannot answer for a block's winners, the voter answers from here, so a database
// outage or failover costs no votes.
//
// What a snapshot can miss: tickets bought after it was taken, and vote bits changed since. A
// ticket cannot win before it matures (256 blocks, about 21 h on mainnet), so a snapshot younger
// than that misses no ticket the chain follower had already stored. Tickets voted or revoked since
// are still in it, which is harmless: dcrd only names live tickets as winners.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { JobLog } from '../chain/log.ts';
import { SILENT_LOG } from '../chain/log.ts';
import type { VotablePage, VotableTicket } from '../db/pool-tickets.ts';
import { VotableSnapshotBuilder, decodeVotableSnapshot } from './votable-snapshot.ts';
import type { VotableSnapshot } from './votable-snapshot.ts';

/** The cache file's name in the data dir. */
export const VOTER_CACHE_FILE = 'voter-cache.bin';

/** `(page) => allVotablePoolTickets(db, page)` from src/db/pool-tickets.ts. */
export interface VotableSnapshotSource {
  allVotablePoolTickets(page: VotablePage): Promise<VotableTicket[]>;
}

/** The cache's answer for some winners. */
export interface CachedVotables {
  tickets: VotableTicket[];
  /** When the snapshot was read from the database (ms since the epoch). */
  takenAt: number;
  ageMs: number;
}

export interface VotableCacheOptions {
  source: VotableSnapshotSource;
  /** Network name, written into the file and checked when it is read. */
  network: string;
  /** The cache file (written after each refresh, read at startup if the database is down). */
  file: string | undefined;
  log?: JobLog;
  /** Wall clock in ms since the epoch (default Date.now). */
  now?: () => number;
  /** Refresh when the snapshot is this old (default 5 min). */
  refreshEveryMs?: number;
  /** Never refresh more often than this, after a block or not (default 1 min). */
  minIntervalMs?: number;
  /** Rows per database page (default 2000). */
  pageSize?: number;
  /** At startup, read the file if the database has not answered within this (default 3 s). */
  startupWaitMs?: number;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Writes the pieces to a temporary file beside `file` (mode 0600: it holds every user's vote
 * preferences), flushes it, then renames it over `file`: a reader sees the old file or the new
 * one, never a part.
 */
export async function writeFileAtomically(file: string, pieces: readonly Buffer[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    try {
      for (const piece of pieces) {
        for (let off = 0; off < piece.length;) {
          off += (await fh.write(piece, off, piece.length - off)).bytesWritten;
        }
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  // The rename itself survives a crash only once the directory is flushed; best effort.
  try {
    const dir = await open(dirname(file), 'r');
    await dir.sync().finally(() => dir.close());
  } catch {
    // Some filesystems refuse fsync on a directory.
  }
}

export class VotableCache {
  readonly #o: VotableCacheOptions;
  readonly #log: JobLog;
  readonly #now: () => number;
  readonly #refreshEveryMs: number;
  readonly #minIntervalMs: number;
  #snapshot: VotableSnapshot | undefined;
  #refreshing: Promise<boolean> | undefined;
  #lastAttempt = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #state: 'new' | 'running' | 'stopped' = 'new';

  constructor(options: VotableCacheOptions) {
    this.#o = options;
    this.#log = options.log ?? SILENT_LOG;
    this.#now = options.now ?? Date.now;
    this.#refreshEveryMs = options.refreshEveryMs ?? 300_000;
    this.#minIntervalMs = options.minIntervalMs ?? 60_000;
  }

  /** The current snapshot; undefined before the first refresh or file read succeeded. */
  get snapshot(): VotableSnapshot | undefined {
    return this.#snapshot;
  }

  get takenAt(): number | undefined {
    return this.#snapshot?.takenAt;
  }

  /** The snapshot's tickets among `hashes`; undefined without a snapshot. */
  lookup(hashes: readonly string[]): CachedVotables | undefined {
    const s = this.#snapshot;
    if (s === undefined) return undefined;
    return { tickets: s.lookup(hashes), takenAt: s.takenAt, ageMs: this.#now() - s.takenAt };
  }

  /** After each block the voter handled: refresh, unless one ran within the minimum interval. */
  blockHandled(): void {
    void this.refreshIfDue(this.#minIntervalMs);
  }

  /**
   * Refreshes when the last attempt (successful or not: a database that is down is not asked
   * more often) started at least `minAgeMs` ago. Resolves true if a refresh ran and succeeded;
   * shares a refresh under way. Never rejects.
   */
  refreshIfDue(minAgeMs: number = this.#minIntervalMs): Promise<boolean> {
    if (this.#state === 'stopped') return Promise.resolve(false);
    if (this.#refreshing !== undefined) return this.#refreshing;
    if (this.#now() - this.#lastAttempt < minAgeMs) return Promise.resolve(false);
    return this.refresh();
  }

  /** Reads every votable ticket from the database now. Resolves false (and logs) on failure. */
  refresh(): Promise<boolean> {
    if (this.#refreshing !== undefined) return this.#refreshing;
    this.#lastAttempt = this.#now();
    const p = this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    this.#refreshing = p;
    return p;
  }

  /**
   * Reads the cache file unless a newer snapshot is already held. Resolves whether it was used;
   * a missing, damaged or foreign file is logged and ignored.
   */
  async loadFile(): Promise<boolean> {
    const file = this.#o.file;
    if (file === undefined) return false;
    let snapshot: VotableSnapshot;
    try {
      snapshot = decodeVotableSnapshot(await readFile(file), this.#o.network);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.#log.info({ file }, 'no voter cache file yet');
      } else {
        this.#log.warn({ file, err: errorText(err) }, 'voter cache file ignored');
      }
      return false;
    }
    if (this.#snapshot !== undefined && this.#snapshot.takenAt >= snapshot.takenAt) return false;
    this.#snapshot = snapshot;
    const ageS = Math.round((this.#now() - snapshot.takenAt) / 1000);
    this.#log.warn(
      {
        file,
        tickets: snapshot.size,
        takenAt: new Date(snapshot.takenAt).toISOString(),
        ageS,
      },
      'voter cache loaded from its file: tickets bought since it was taken, and vote bits ' +
        'changed since, are not in it',
    );
    return true;
  }

  /**
   * The first snapshot from the database, or from the file when the database fails or is slow;
   * then a refresh whenever the snapshot is refreshEveryMs old. Never rejects.
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') return;
    this.#state = 'running';
    // Checked every minimum interval: refreshIfDue measures from the last attempt, which
    // blocks may have moved.
    this.#timer = setInterval(
      () => void this.refreshIfDue(this.#refreshEveryMs),
      this.#minIntervalMs,
    );
    this.#timer.unref();
    const first = this.refresh();
    let wait: NodeJS.Timeout | undefined;
    const slow = new Promise<'slow'>((resolve) => {
      wait = setTimeout(() => resolve('slow'), this.#o.startupWaitMs ?? 3000);
    });
    const outcome = await Promise.race([first, slow]);
    clearTimeout(wait);
    if (outcome !== true && this.#snapshot === undefined) await this.loadFile();
  }

  /** Stops the periodic refresh and waits for one under way. */
  async stop(): Promise<void> {
    this.#state = 'stopped';
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#refreshing;
  }

  async #refresh(): Promise<boolean> {
    const takenAt = this.#now();
    const started = performance.now();
    const builder = new VotableSnapshotBuilder(this.#o.network, takenAt);
    const limit = this.#o.pageSize ?? 2000;
    let snapshot: VotableSnapshot;
    let skipped = 0;
    let skippedErr = '';
    try {
      let afterHash = '';
      for (;;) {
        const page = await this.#o.source.allVotablePoolTickets({ afterHash, limit });
        for (const t of page) {
          try {
            builder.add(t);
          } catch (err) {
            // One damaged row must not keep every other ticket out of the cache.
            skipped++;
            skippedErr = `${t.hash}: ${errorText(err)}`;
          }
        }
        const last = page[page.length - 1];
        if (page.length < limit || last === undefined) break;
        afterHash = last.hash;
      }
      snapshot = builder.finish();
    } catch (err) {
      const held = this.#snapshot;
      this.#log.warn(
        {
          err: errorText(err),
          ...(held === undefined
            ? {}
            : { tickets: held.size, ageS: Math.round((this.#now() - held.takenAt) / 1000) }),
        },
        held === undefined
          ? 'voter cache refresh failed; no snapshot yet'
          : 'voter cache refresh failed; keeping the older snapshot',
      );
      return false;
    }
    if (skipped > 0) {
      this.#log.warn({ skipped, err: skippedErr }, 'voter cache: rows left out (not valid)');
    }
    const first = this.#snapshot === undefined;
    this.#snapshot = snapshot;
    const fields = {
      tickets: snapshot.size,
      mb: Math.round(snapshot.byteLength / 1e5) / 10,
      ms: Math.round(performance.now() - started),
    };
    if (first) this.#log.info(fields, 'voter cache filled from the database');
    else this.#log.debug(fields, 'voter cache refreshed');
    const file = this.#o.file;
    if (file !== undefined) {
      try {
        await writeFileAtomically(file, snapshot.encode());
      } catch (err) {
        this.#log.warn({ file, err: errorText(err) }, 'cannot write the voter cache file');
      }
    }
    return true;
  }
}
