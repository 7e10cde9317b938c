// The LoginThrottle kept in the database (login_attempts), so that several `serve` instances
// behind one proxy share one count per client: an attacker gets maxFailures guesses per window in
// total, not per instance. Same rules as MemoryLoginThrottle; times are stored in whole seconds.
import { createHash } from 'node:crypto';
import {
  clearLoginAttempts,
  getLoginAttempt,
  MAX_ATTEMPT_KEY,
  recordLoginFailure,
} from '../db/login-attempts.ts';
import type { Db } from '../db/transaction.ts';
import type { LoginThrottle, ThrottleDecision } from './login-throttle.ts';

export interface DbLoginThrottleOptions {
  db: Db;
  /** Namespace of the keys, e.g. 'admin-ip:', 'pool-ip:', 'pool-email:'. */
  prefix: string;
  /** Default 5. */
  maxFailures?: number;
  /** Default 15 minutes; rounded up to whole seconds. */
  windowMs?: number;
  /** Milliseconds, as Date.now. */
  now?: () => number;
}

const MAX_PREFIX = 64;

export class DbLoginThrottle implements LoginThrottle {
  readonly #db: Db;
  readonly #prefix: string;
  readonly #max: number;
  readonly #windowSec: number;
  readonly #now: () => number;

  constructor(options: DbLoginThrottleOptions) {
    this.#db = options.db;
    this.#prefix = options.prefix;
    this.#max = options.maxFailures ?? 5;
    const windowMs = options.windowMs ?? 15 * 60_000;
    this.#now = options.now ?? Date.now;
    if (typeof this.#prefix !== 'string' || this.#prefix.length > MAX_PREFIX) {
      throw new TypeError(`prefix: must be a string of at most ${MAX_PREFIX} characters`);
    }
    if (!Number.isInteger(this.#max) || this.#max < 1) {
      throw new RangeError(`maxFailures: must be ≥ 1, got ${this.#max}`);
    }
    if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
      throw new RangeError(`windowMs: must be > 0, got ${windowMs}`);
    }
    this.#windowSec = Math.ceil(windowMs / 1000);
  }

  // Keys past the column width (a 254-character email) are stored as their sha256 instead.
  #key(subject: string): string {
    const key = this.#prefix + subject;
    if (key.length <= MAX_ATTEMPT_KEY) return key;
    return `${this.#prefix}sha256:${createHash('sha256').update(subject).digest('hex')}`;
  }

  #nowSec(): number {
    return Math.floor(this.#now() / 1000);
  }

  async check(subject: string): Promise<ThrottleDecision> {
    const row = await getLoginAttempt(this.#db, this.#key(subject));
    if (row === undefined || row.failures < this.#max) return { allowed: true };
    const left = row.windowStart + this.#windowSec - this.#nowSec();
    if (left <= 0) return { allowed: true };
    return { allowed: false, retryAfterSeconds: left };
  }

  async failed(subject: string): Promise<void> {
    await recordLoginFailure(this.#db, this.#key(subject), this.#nowSec(), this.#windowSec);
  }

  async succeeded(subject: string): Promise<void> {
    await clearLoginAttempts(this.#db, this.#key(subject));
  }
}
