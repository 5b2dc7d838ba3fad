/**
 * A token bucket (golang.org/x/time/rate semantics, as client-go uses for QPS/burst): tokens refill
 * at `qps` per second up to `burst`; a caller takes one token, waiting if the bucket is empty.
 */
import { realClock, sleep, type Clock } from './clock.js';

/** Options of a {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens per second; `<= 0` or `Infinity` disables limiting. */
  qps: number;
  /** Bucket size: how many calls may go at once after a quiet period. */
  burst: number;
  clock?: Clock;
}

/** A token bucket rate limiter. */
export class TokenBucket {
  readonly #qps: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;

  constructor(options: TokenBucketOptions) {
    this.#qps = options.qps;
    this.#burst = Math.max(1, options.burst);
    this.#clock = options.clock ?? realClock;
    this.#tokens = this.#burst;
    this.#last = this.#clock.now();
  }

  /** True when limiting is off. */
  get unlimited(): boolean {
    return !(this.#qps > 0) || this.#qps === Infinity;
  }

  #refill(): void {
    const now = this.#clock.now();
    const elapsed = Math.max(0, now - this.#last) / 1000;
    this.#last = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#qps);
  }

  /** Takes a token if one is available now; never waits. */
  tryAccept(): boolean {
    if (this.unlimited) return true;
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /**
   * Reserves a token and returns how many milliseconds the caller must wait before using it
   * (0 when one was available). The reservation is not returned if the caller gives up.
   */
  reserve(): number {
    if (this.unlimited) return 0;
    this.#refill();
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.#qps) * 1000;
  }

  /** Waits for a token; resolves early (without one) if `signal` aborts. */
  async wait(signal?: AbortSignal): Promise<void> {
    const delay = this.reserve();
    if (delay > 0) await sleep(this.#clock, delay, signal);
  }
}
