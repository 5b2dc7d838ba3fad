/**
 * Per-item retry delays for the work queue, as client-go's workqueue rate limiters: exponential
 * per-item backoff, an overall token bucket, and the max of several.
 */
import type { Clock } from '../clock.js';
import { TokenBucket } from '../rate-limiter.js';

/** Decides how long an item waits before its next retry. */
export interface RateLimiter<K> {
  /** The delay (ms) for this retry of `item`; counts the retry. */
  when(item: K): number;
  /** Stops tracking `item` (it succeeded): its next failure starts from the base delay. */
  forget(item: K): void;
  /** How many times `item` has been retried since it was last forgotten. */
  numRequeues(item: K): number;
}

/** `base * 2^failures`, capped at `max` (client-go: 5 ms … 1000 s). */
export class ItemExponentialRateLimiter<K> implements RateLimiter<K> {
  readonly #failures = new Map<K, number>();
  constructor(
    readonly baseMs = 5,
    readonly maxMs = 1_000_000,
  ) {}

  when(item: K): number {
    const n = this.#failures.get(item) ?? 0;
    this.#failures.set(item, n + 1);
    return Math.min(this.baseMs * 2 ** n, this.maxMs);
  }

  forget(item: K): void {
    this.#failures.delete(item);
  }

  numRequeues(item: K): number {
    return this.#failures.get(item) ?? 0;
  }
}

/** One token bucket for all items (client-go: 10 qps, burst 100). */
export class BucketRateLimiter<K> implements RateLimiter<K> {
  readonly #bucket: TokenBucket;
  constructor(options: { qps: number; burst: number; clock?: Clock }) {
    this.#bucket = new TokenBucket(options);
  }

  when(_item: K): number {
    return this.#bucket.reserve();
  }

  forget(_item: K): void {}

  numRequeues(_item: K): number {
    return 0;
  }
}

/** The longest delay any of its limiters asks for. */
export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  readonly #limiters: readonly RateLimiter<K>[];
  constructor(...limiters: RateLimiter<K>[]) {
    this.#limiters = limiters;
  }

  when(item: K): number {
    return Math.max(0, ...this.#limiters.map((l) => l.when(item)));
  }

  forget(item: K): void {
    for (const l of this.#limiters) l.forget(item);
  }

  numRequeues(item: K): number {
    return Math.max(0, ...this.#limiters.map((l) => l.numRequeues(item)));
  }
}

/** client-go's DefaultControllerRateLimiter: per-item 5 ms…1000 s, overall 10 qps / burst 100. */
export function defaultControllerRateLimiter<K>(clock?: Clock): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(new ItemExponentialRateLimiter<K>(5, 1_000_000), new BucketRateLimiter<K>({ qps: 10, burst: 100, clock }));
}
