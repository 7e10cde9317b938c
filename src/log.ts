// The process logger: JSON lines on stdout and, unless logdir is empty, the same lines in
// <logdir>/stakepool.log, rotated by size. Writes are synchronous (as pino's stdout default
// is), so the line that explains a crash is on disk before the process dies.
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import type { DestinationStream, Level, Logger } from 'pino';
import type { LogLevel } from './config/index.ts';

export const LOG_FILE_NAME = 'stakepool.log';

/** The logging options of the config (a Config fits). */
export interface LogOptions {
  readonly logLevel: LogLevel;
  /** '' = stdout only. */
  readonly logDir: string;
  /** MiB at which the file is rotated. */
  readonly maxLogSize: number;
  /** Rotated files kept besides the current one (stakepool.log.1 is the newest). */
  readonly logsToKeep: number;
}

export interface LoggerExtras {
  /** Where the stdout copy goes (tests pass a sink); false: no stdout copy at all. */
  stdout?: DestinationStream | false;
  /** File name inside logDir; default stakepool.log. A voter sharing the host can use its own. */
  fileName?: string;
}

/** pino has no "critical"; dcrstakepool/vspd's highest level maps onto its fatal. */
export function pinoLevel(level: LogLevel): Level {
  return level === 'critical' ? 'fatal' : level;
}

/**
 * Appends lines to a file and rotates it when the next line would take it past maxBytes:
 * name → name.1 → name.2 … up to name.<keep>, the oldest dropped. A line longer than
 * maxBytes gets a file of its own rather than being split.
 */
export class RotatingFile implements DestinationStream {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private fd: number | undefined;
  private size = 0;
  private failing = false;
  private closed = false;

  constructor(path: string, o: { maxBytes: number; keep: number }) {
    if (!(o.maxBytes > 0)) throw new RangeError(`maxBytes: must be positive, got ${o.maxBytes}`);
    if (!Number.isInteger(o.keep) || o.keep < 0) {
      throw new RangeError(`keep: must be a whole number ≥ 0, got ${o.keep}`);
    }
    this.path = path;
    this.maxBytes = o.maxBytes;
    this.keep = o.keep;
    // Opening eagerly makes a bad logdir a startup error rather than a silent loss later.
    this.open();
  }

  write(line: string): void {
    if (this.closed) return;
    const buf = Buffer.from(line, 'utf8');
    try {
      if (this.fd === undefined) this.open();
      if (this.size > 0 && this.size + buf.length > this.maxBytes) this.rotate();
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd as number, buf, off);
      this.size += buf.length;
      this.failing = false;
    } catch (err) {
      // A full disk must not take the pool down: say so once on stderr and keep going.
      if (!this.failing) {
        this.failing = true;
        process.stderr.write(`stakepool: cannot write ${this.path}: ${(err as Error).message}\n`);
      }
      this.closeFd();
    }
  }

  close(): void {
    this.closed = true;
    this.closeFd();
  }

  private open(): void {
    this.fd = openSync(this.path, 'a', 0o640);
    this.size = fstatSync(this.fd).size;
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // Already gone; nothing left to release.
    }
  }

  private rotate(): void {
    this.closeFd();
    if (this.keep === 0) {
      rmSync(this.path, { force: true });
    } else {
      rmSync(`${this.path}.${this.keep}`, { force: true });
      for (let i = this.keep - 1; i >= 1; i--)
        renameIfExists(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      renameIfExists(this.path, `${this.path}.1`);
    }
    this.open();
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

const closers = new WeakMap<Logger, () => void>();

/** A pino logger writing to stdout and to the rotated log file of `o.logDir`. */
export function createLogger(o: LogOptions, extras: LoggerExtras = {}): Logger {
  const streams: pino.StreamEntry[] = [];
  const stdout = extras.stdout ?? pino.destination({ dest: 1, sync: true });
  // Every stream takes every level: the logger's own level is the only filter.
  if (stdout !== false) streams.push({ level: 'trace', stream: stdout });
  let file: RotatingFile | undefined;
  if (o.logDir !== '') {
    mkdirSync(o.logDir, { recursive: true, mode: 0o750 });
    file = new RotatingFile(join(o.logDir, extras.fileName ?? LOG_FILE_NAME), {
      maxBytes: Math.max(1, Math.floor(o.maxLogSize * 1024 * 1024)),
      keep: o.logsToKeep,
    });
    streams.push({ level: 'trace', stream: file });
  }
  const log = pino(
    { level: pinoLevel(o.logLevel), base: { app: 'stakepool' } },
    pino.multistream(streams),
  );
  closers.set(log, () => {
    if (stdout !== false && 'flushSync' in stdout && typeof stdout.flushSync === 'function') {
      try {
        (stdout as { flushSync(): void }).flushSync();
      } catch {
        // stdout already closed (a pipe whose reader left): nothing more can reach it.
      }
    }
    file?.close();
  });
  return log;
}

/**
 * Flushes stdout and closes the log file of a logger made by createLogger (other loggers:
 * nothing). Later lines still reach stdout but no longer the file. Safe to call twice.
 */
export function closeLogger(log: Logger): void {
  const close = closers.get(log);
  if (close === undefined) return;
  closers.delete(log);
  close();
}
