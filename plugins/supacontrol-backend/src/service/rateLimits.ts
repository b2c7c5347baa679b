import { CustomErrorBase } from '@backstage/errors';

/** 429: the caller must wait `retryAfterSeconds` (sent as `Retry-After`). */
export class TooManyRequestsError extends CustomErrorBase {
  statusCode = 429;
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
    this.name = 'TooManyRequestsError';
  }
}

/** The most keys either limiter tracks; beyond it, the oldest entries are dropped first. */
const MAX_TRACKED = 100_000;

/**
 * Counts failures per key (an API key id, a client address) in a fixed window. Once a key has
 * `limit` failures, `check` refuses it until its window ends, without doing the expensive work
 * (bcrypt) that an attacker would otherwise make the server do.
 */
export class FailureLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #failures = new Map<string, { since: number; count: number }>();

  constructor(options: {
    limit: number;
    windowMs: number;
    now?: () => number;
  }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
  }

  /** Seconds until `key` may try again, or 0 when it may now. */
  blockedFor(key: string): number {
    const entry = this.#failures.get(key);
    if (!entry) return 0;
    const left = entry.since + this.#windowMs - this.#now();
    if (left <= 0) {
      this.#failures.delete(key);
      return 0;
    }
    return entry.count >= this.#limit ? Math.ceil(left / 1000) : 0;
  }

  /** Records a failure; true when this one reached the limit. */
  fail(key: string): boolean {
    const now = this.#now();
    let entry = this.#failures.get(key);
    if (!entry || now - entry.since >= this.#windowMs) {
      entry = { since: now, count: 0 };
      this.#failures.delete(key);
      this.#failures.set(key, entry);
      if (this.#failures.size > MAX_TRACKED) {
        this.#failures.delete(this.#failures.keys().next().value!);
      }
    }
    entry.count += 1;
    return entry.count === this.#limit;
  }
}

/**
 * A token bucket per caller: `perMinute` requests a minute on average, in bursts of up to
 * `perMinute`. Kept in memory, so the limit holds per replica.
 */
export class RequestRateLimiter {
  readonly #perMinute: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: { perMinute: number; now?: () => number }) {
    this.#perMinute = options.perMinute;
    this.#now = options.now ?? Date.now;
  }

  /** Takes one request from `caller`'s bucket; throws {@link TooManyRequestsError} when empty. */
  take(caller: string): void {
    const now = this.#now();
    const rate = this.#perMinute / 60_000;
    let bucket = this.#buckets.get(caller);
    if (bucket) {
      bucket.tokens = Math.min(
        this.#perMinute,
        bucket.tokens + (now - bucket.at) * rate,
      );
      bucket.at = now;
    } else {
      bucket = { tokens: this.#perMinute, at: now };
      this.#buckets.set(caller, bucket);
      if (this.#buckets.size > MAX_TRACKED) {
        this.#buckets.delete(this.#buckets.keys().next().value!);
      }
    }
    if (bucket.tokens < 1) {
      const retryAfter = Math.ceil((1 - bucket.tokens) / rate / 1000);
      throw new TooManyRequestsError(
        `Too many requests: at most ${
          this.#perMinute
        } a minute per caller; retry after ${retryAfter} s`,
        retryAfter,
      );
    }
    bucket.tokens -= 1;
  }
}
