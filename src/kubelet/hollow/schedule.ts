/**
 * The two loops hollow nodes are built from: `spread` (call fn(i) for each of `count` nodes once
 * per period, evenly spaced, so 5 000 Lease renewals are 500 a second and not 5 000 every ten
 * seconds) and `work` (a fixed number of workers draining a coalescing WorkQueue, which is what
 * bounds the writes in flight).
 */
import { sleep, type Clock } from '../../client/clock.js';
import { runQueueWorkers, type WorkQueue } from '../../client/workqueue.js';
import type { Logger } from '../../util/log.js';
import { errorText } from '../../util/errors.js';

/** Options of {@link spread}. */
export interface SpreadOptions {
  count: number;
  periodMs: number;
  clock: Clock;
  /** Called for node index i at start + (k·period + i·period/count) for k = 0, 1, …; must not throw. */
  fire: (index: number) => void;
  /** Timers never fire more often than this (default 20 ms); due calls are batched. */
  minTickMs?: number;
}

/** Runs until `signal` aborts. A stall longer than a period skips the missed round instead of bursting it. */
export async function spread(o: SpreadOptions, signal: AbortSignal): Promise<void> {
  if (o.count <= 0 || o.periodMs <= 0) return;
  const step = o.periodMs / o.count;
  const start = o.clock.now();
  let k = 0;
  while (!signal.aborted) {
    const now = o.clock.now();
    const due = Math.floor((now - start) / step);
    k = Math.max(k, due - o.count + 1);
    for (; k <= due; k++) o.fire(k % o.count);
    await sleep(o.clock, Math.max(o.minTickMs ?? 20, start + k * step - now), signal);
  }
}

/** Options of {@link work}. */
export interface WorkOptions<K> {
  queue: WorkQueue<K>;
  workers: number;
  /** Handles one item; a throw retries it with the queue's backoff. */
  handle: (item: K) => Promise<void>;
  logger: Logger;
  what: string;
}

/** The client's queue workers, every failure logged and retried; items still queued at shutdown are dropped. */
export function work<K>(o: WorkOptions<K>): Promise<void> {
  return runQueueWorkers({
    queue: o.queue,
    workers: o.workers,
    handle: o.handle,
    failed: (item, e) => {
      o.logger.warn(`${o.what} failed; retrying`, { item: String(item), error: errorText(e) });
      return true;
    },
  });
}

/** Runs `fn` over `items` with at most `concurrency` at once; resolves when all have finished. */
export async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runner = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, runner));
}
