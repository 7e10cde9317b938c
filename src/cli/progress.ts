// A one-line progress bar for long admin commands, written to stderr so stdout keeps only the
// result. On a terminal the line is redrawn in place; anywhere else (a log file, CI, a pipe) a
// plain line is printed every 10% so the record stays readable.

/** What the bar writes to: process.stderr, or a test's collector. */
export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface Progress {
  /** Advances by n items (default 1); the count never passes the total. */
  tick(n?: number): void;
  /** Shows the final state and ends the line. Further calls do nothing. */
  done(): void;
}

const BAR_WIDTH = 30;
const STEPS = 10;

export function createProgress(
  label: string,
  total: number,
  stream: ProgressStream = process.stderr,
): Progress {
  if (!Number.isSafeInteger(total) || total < 0) {
    throw new RangeError(`total: must be a non-negative integer, got ${total}`);
  }
  return stream.isTTY === true
    ? new TerminalProgress(label, total, stream)
    : new LineProgress(label, total, stream);
}

function percentOf(count: number, total: number): number {
  return total === 0 ? 100 : Math.floor((count * 100) / total);
}

abstract class BaseProgress implements Progress {
  protected count = 0;
  protected finished = false;

  constructor(
    protected readonly label: string,
    protected readonly total: number,
    protected readonly stream: ProgressStream,
  ) {}

  tick(n = 1): void {
    if (this.finished) return;
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`n: must be a non-negative integer, got ${n}`);
    }
    this.count = Math.min(this.total, this.count + n);
    this.update();
  }

  done(): void {
    if (this.finished) return;
    this.finished = true;
    this.finish();
  }

  protected abstract update(): void;
  protected abstract finish(): void;
}

class TerminalProgress extends BaseProgress {
  // Redrawn only when the percentage moves: at most ~100 writes, however many items there are.
  private shown = -1;

  constructor(label: string, total: number, stream: ProgressStream) {
    super(label, total, stream);
    this.draw();
  }

  protected update(): void {
    if (percentOf(this.count, this.total) !== this.shown) this.draw();
  }

  protected finish(): void {
    this.draw();
    this.stream.write('\n');
  }

  private draw(): void {
    const percent = percentOf(this.count, this.total);
    this.shown = percent;
    const counts = `${this.count}/${this.total}`;
    // Shrink the bar rather than wrap on a narrow terminal (a wrapped line cannot be redrawn).
    const room = (this.stream.columns ?? 80) - this.label.length - counts.length - 10;
    const width = Math.max(0, Math.min(BAR_WIDTH, room));
    const filled = Math.floor((percent * width) / 100);
    const bar = width === 0 ? '' : ` [${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
    // \r back to column 0, \x1b[K clears what a longer previous line left behind.
    this.stream.write(`\r${this.label}${bar} ${String(percent).padStart(3)}% ${counts}\x1b[K`);
  }
}

class LineProgress extends BaseProgress {
  private step = 0;
  /** Count shown by the last line; -1 before the first. */
  private printed = -1;

  protected update(): void {
    const step = this.total === 0 ? STEPS : Math.floor((this.count * STEPS) / this.total);
    if (step <= this.step) return;
    this.step = step;
    this.line();
  }

  protected finish(): void {
    // Unless the last line already shows the final count; an early done() shows where it stopped.
    if (this.printed !== this.count) this.line();
  }

  private line(): void {
    this.printed = this.count;
    const percent = percentOf(this.count, this.total);
    this.stream.write(`${this.label}: ${percent}% (${this.count}/${this.total})\n`);
  }
}
