/**
 * The controller work queue (client-go workqueue semantics): a FIFO of keys where an item is never
 * handed to two workers at once, adds of a queued item coalesce, adds while it is being processed
 * re-queue it once `done` is called, `addAfter` delays, and `addRateLimited` retries with backoff.
 */
import { realClock, type Clock } from './clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './workqueue/rate-limiters.js';

export * from './workqueue/rate-limiters.js';
export * from './workqueue/workers.js';

/** Options of a {@link WorkQueue}. */
export interface WorkQueueOptions<K> {
  /** Default: client-go's controller rate limiter on `clock`. */
  rateLimiter?: RateLimiter<K>;
  clock?: Clock;
  /** Shuts the queue down when it aborts. */
  signal?: AbortSignal;
}

/** A rate-limited, delaying, de-duplicating work queue. */
export class WorkQueue<K = string> {
  readonly #clock: Clock;
  readonly #limiter: RateLimiter<K>;
  #queue: K[] = [];
  readonly #dirty = new Set<K>();
  readonly #processing = new Set<K>();
  readonly #waiting = new Map<K, { at: number; cancel: () => void }>();
  #getters: ((item: K | undefined) => void)[] = [];
  #shuttingDown = false;

  constructor(options: WorkQueueOptions<K> = {}) {
    this.#clock = options.clock ?? realClock;
    this.#limiter = options.rateLimiter ?? defaultControllerRateLimiter<K>(this.#clock);
    if (options.signal?.aborted) this.shutDown();
    else options.signal?.addEventListener('abort', () => this.shutDown(), { once: true });
  }

  /** Queues `item` unless it is already queued; if it is being processed, it re-queues after `done`. */
  add(item: K): void {
    if (this.#shuttingDown || this.#dirty.has(item)) return;
    this.#dirty.add(item);
    if (this.#processing.has(item)) return;
    const getter = this.#getters.shift();
    if (getter) this.#handOut(item, getter);
    else this.#queue.push(item);
  }

  #handOut(item: K, getter: (item: K | undefined) => void): void {
    this.#dirty.delete(item);
    this.#processing.add(item);
    getter(item);
  }

  /** Items waiting to be handed out (not counting delayed or in-process ones). */
  len(): number {
    return this.#queue.length;
  }

  /**
   * The next item, waiting for one if the queue is empty; `undefined` once the queue is shut down
   * and empty. Call `done(item)` when finished with it.
   */
  get(): Promise<K | undefined> {
    const item = this.#queue.shift();
    if (item !== undefined) {
      this.#dirty.delete(item);
      this.#processing.add(item);
      return Promise.resolve(item);
    }
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Marks `item` finished; if it was added meanwhile, it is queued again. */
  done(item: K): void {
    this.#processing.delete(item);
    if (!this.#dirty.has(item)) return;
    const getter = this.#getters.shift();
    if (getter) this.#handOut(item, getter);
    else this.#queue.push(item);
  }

  /** Adds `item` after `delayMs`; a pending earlier add of the same item wins, a later one is moved up. */
  addAfter(item: K, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) return this.add(item);
    const at = this.#clock.now() + delayMs;
    const pending = this.#waiting.get(item);
    if (pending) {
      if (pending.at <= at) return;
      pending.cancel();
    }
    const cancel = this.#clock.setTimer(delayMs, () => {
      this.#waiting.delete(item);
      this.add(item);
    });
    this.#waiting.set(item, { at, cancel });
  }

  /** Adds `item` after the rate limiter's delay for it (exponential per item, bucket overall). */
  addRateLimited(item: K): void {
    this.addAfter(item, this.#limiter.when(item));
  }

  /** Resets `item`'s backoff (call after it was processed successfully). */
  forget(item: K): void {
    this.#limiter.forget(item);
  }

  /** How many rate-limited retries `item` has had since it was last forgotten. */
  numRequeues(item: K): number {
    return this.#limiter.numRequeues(item);
  }

  /** Stops accepting adds, drops delayed adds, and makes waiting `get`s return undefined. Queued items can still be drained with get. */
  shutDown(): void {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    for (const w of this.#waiting.values()) w.cancel();
    this.#waiting.clear();
    for (const g of this.#getters.splice(0)) g(undefined);
  }

  /** True once shutDown was called. */
  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }
}
