/**
 * Storage as a long-lived part of a process: compacts history on an interval, the way
 * kube-apiserver asks etcd to every 5 minutes, keeping a window of revisions behind the head.
 */
import type { Logger } from '../util/log.js';
import type { Store } from './store.js';

export interface CompactorOptions {
  log: Logger;
  /** How often to compact (0 disables). */
  intervalMs?: number;
  /** Revisions of history kept behind the head at each compaction. */
  keepRevisions?: number;
}

/** Starts compacting `store` until `signal` aborts. */
export function startCompactor(store: Store, opts: CompactorOptions, signal: AbortSignal): void {
  const every = opts.intervalMs ?? 5 * 60_000;
  if (every <= 0) return;
  const keep = opts.keepRevisions ?? 10_000;
  let running = false;
  const timer = setInterval(() => {
    if (running) return; // a slow compaction is not overlapped by the next one
    running = true;
    void (async () => {
      const head = await store.currentRevision();
      if (head - keep > (await store.compactedRevision())) {
        await store.compact(head - keep);
        opts.log.info('compacted storage', { revision: head - keep });
      }
    })()
      .catch((e: unknown) => opts.log.warn('compaction failed', { error: String(e) }))
      .finally(() => (running = false));
  }, every);
  timer.unref();
  signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}
