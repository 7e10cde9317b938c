// Failed admin logins per client IP (the login form and /admin/status basic auth alike). After
// `maxFailures` failures within `windowMs` of the first one, the IP is refused until that window
// ends, whether or not its next guess is right, so guessing costs an attacker real time.
//
// MemoryLoginThrottle keeps the counts in this process only. With several `serve` instances
// behind one proxy an attacker gets maxFailures per window *per instance*; that still bounds
// guessing, but the design asks for nothing per-process that others need. The interface is async
// so a shared implementation can replace it without touching the routes: a table
// `admin_login_failures (ip VARCHAR(45) PRIMARY KEY, failures INT NOT NULL, window_start BIGINT
// NOT NULL)` updated with one upsert per failure (see the report for the migration).

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface LoginThrottle {
  /** May this IP try a password now? */
  check(ip: string): Promise<ThrottleDecision>;
  /** Record a wrong password. */
  failed(ip: string): Promise<void>;
  /** A right password: forget the IP's failures. */
  succeeded(ip: string): Promise<void>;
}

export interface MemoryLoginThrottleOptions {
  /** Default 5. */
  maxFailures?: number;
  /** Default 15 minutes. */
  windowMs?: number;
  /** IPs tracked at most; the oldest are dropped beyond it. Default 10 000. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  windowStart: number;
}

export class MemoryLoginThrottle implements LoginThrottle {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  // Map keeps insertion order, so the first keys are the oldest windows.
  readonly #entries = new Map<string, Entry>();

  constructor(options: MemoryLoginThrottleOptions = {}) {
    this.#max = options.maxFailures ?? 5;
    this.#windowMs = options.windowMs ?? 15 * 60_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
    if (!Number.isInteger(this.#max) || this.#max < 1) {
      throw new RangeError(`maxFailures: must be ≥ 1, got ${this.#max}`);
    }
    if (!(this.#windowMs > 0)) throw new RangeError(`windowMs: must be > 0, got ${this.#windowMs}`);
  }

  #current(ip: string): Entry | undefined {
    const e = this.#entries.get(ip);
    if (e !== undefined && this.#now() - e.windowStart >= this.#windowMs) {
      this.#entries.delete(ip);
      return undefined;
    }
    return e;
  }

  check(ip: string): Promise<ThrottleDecision> {
    const e = this.#current(ip);
    if (e === undefined || e.failures < this.#max) return Promise.resolve({ allowed: true });
    const left = e.windowStart + this.#windowMs - this.#now();
    return Promise.resolve({
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil(left / 1000)),
    });
  }

  failed(ip: string): Promise<void> {
    const e = this.#current(ip);
    if (e !== undefined) {
      e.failures++;
    } else {
      this.#entries.set(ip, { failures: 1, windowStart: this.#now() });
      this.#prune();
    }
    return Promise.resolve();
  }

  succeeded(ip: string): Promise<void> {
    this.#entries.delete(ip);
    return Promise.resolve();
  }

  #prune(): void {
    if (this.#entries.size <= this.#maxEntries) return;
    const now = this.#now();
    for (const [ip, e] of this.#entries) {
      if (now - e.windowStart >= this.#windowMs) this.#entries.delete(ip);
    }
    for (const ip of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(ip);
    }
  }
}
