/**
 * A token bucket per client key (the client's IP address): each request
 * takes one token, and tokens refill at `ratePerSecond` up to `burst`.
 */

export interface RateLimitOptions {
  /** Tokens added per second; 0 turns the limit off. */
  ratePerSecond: number;
  /** Bucket size: requests a client may send at once after being idle. */
  burst: number;
  /** Maximum buckets kept. When full, the least recently used bucket is dropped. */
  maxClients?: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until one token is back, when not allowed. */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

const DEFAULT_MAX_CLIENTS = 10_000;

export class RateLimiter {
  readonly #rate: number;
  readonly #burst: number;
  readonly #maxClients: number;
  /** Insertion order is use order: a bucket is re-inserted on each use. */
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateLimitOptions) {
    if (!(Number.isFinite(options.ratePerSecond) && options.ratePerSecond >= 0)) {
      throw new RangeError(`Invalid rate limit ${options.ratePerSecond}: use requests per second of 0 or more.`);
    }
    if (!(Number.isInteger(options.burst) && options.burst >= 1)) {
      throw new RangeError(`Invalid burst ${options.burst}: use a whole number of 1 or more.`);
    }
    this.#rate = options.ratePerSecond;
    this.#burst = options.burst;
    this.#maxClients = options.maxClients ?? DEFAULT_MAX_CLIENTS;
  }

  get enabled(): boolean {
    return this.#rate > 0;
  }

  take(key: string, nowMs = performance.now()): RateDecision {
    if (!this.enabled) return { allowed: true, retryAfterSeconds: 0 };
    const bucket = this.#buckets.get(key) ?? { tokens: this.#burst, updatedMs: nowMs };
    this.#buckets.delete(key);
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((nowMs - bucket.updatedMs) / 1000) * this.#rate);
    bucket.updatedMs = nowMs;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#maxClients) {
      const oldest = this.#buckets.keys().next().value as string;
      this.#buckets.delete(oldest);
    }
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.ceil((1 - bucket.tokens) / this.#rate) };
  }
}
