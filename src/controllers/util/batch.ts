/**
 * Slow-start batches (upstream's slowStartBatch): act on 1 item, then 2, 4, … at once, and stop
 * after a batch with a failure, so a controller whose creates all fail (quota, admission) makes a
 * handful of calls instead of hundreds.
 */

/** Runs `fn` over `items` in doubling batches from `initial`; `successes` counts the calls that resolved. */
export async function slowStartBatch<T>(items: readonly T[], fn: (item: T) => Promise<void>, initial = 1): Promise<{ successes: number; error?: unknown }> {
  let successes = 0;
  let next = 0;
  for (let batch = Math.min(items.length, initial); batch > 0; batch = Math.min(2 * batch, items.length - next)) {
    const results = await Promise.allSettled(items.slice(next, next + batch).map((item) => fn(item)));
    next += batch;
    successes += results.filter((r) => r.status === 'fulfilled').length;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) return { successes, error: failed.reason };
  }
  return { successes };
}
