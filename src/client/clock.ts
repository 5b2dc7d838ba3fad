/**
 * Time as a seam: everything in the client that waits (rate limiters, backoff, work-queue delays,
 * leader election, event aggregation) reads time through a {@link Clock}, so tests drive it with
 * a fake one (see testing/fake-clock.ts) and run instantly.
 */

/** A source of time and timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` after `ms` milliseconds; the returned function cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** The wall clock, backed by Date.now and setTimeout. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
};

/**
 * Waits `ms` on `clock`. Resolves early (never rejects) when `signal` aborts, so loops can
 * `await sleep(...)` and then check `signal.aborted`.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const onAbort = () => {
      cancel();
      resolve();
    };
    const cancel = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
