/**
 * The worker loop over a {@link WorkQueue} (client-go's `for processNextWorkItem()` goroutines):
 * take an item, handle it, forget its failures on success or hand the failure to `failed`, which
 * says whether to retry it with backoff. Once the queue shuts down no new item is handled (a
 * shut-down queue still hands out what it holds: handling that would be work after shutdown, or
 * after leadership was lost); resolves when the items in flight have ended.
 */
import type { WorkQueue } from '../workqueue.js';

/** Options of {@link runQueueWorkers}. */
export interface QueueWorkersOptions<K> {
  queue: WorkQueue<K>;
  /** Concurrent handlers; an item is never handled by two at once (the queue sees to that). */
  workers: number;
  handle(item: K): Promise<void>;
  /** A failure while the queue runs: true retries the item with the queue's backoff, false drops it. */
  failed(item: K, error: unknown): boolean;
}

export async function runQueueWorkers<K>(o: QueueWorkersOptions<K>): Promise<void> {
  const { queue } = o;
  const worker = async () => {
    for (;;) {
      const item = await queue.get();
      if (item === undefined) return;
      if (queue.shuttingDown) {
        queue.done(item);
        return;
      }
      try {
        await o.handle(item);
        queue.forget(item);
      } catch (e) {
        if (!queue.shuttingDown) {
          if (o.failed(item, e)) queue.addRateLimited(item);
          else queue.forget(item);
        }
      } finally {
        queue.done(item);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.workers) }, worker));
}
