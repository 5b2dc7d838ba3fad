/**
 * Runs storage as a long-lived part of a process (what `k8ts server` starts first): opens the
 * store, reports readiness, compacts history on an interval the way kube-apiserver asks etcd to,
 * and closes cleanly when the signal aborts.
 */
import type { Logger } from '../util/log.js';
import { openStore, type StoreConfig } from './open.js';
import type { Store } from './store.js';

export interface StorageRunOptions extends StoreConfig {
  log: Logger;
  /** How often to compact (0 disables). Kubernetes asks etcd every 5 minutes. */
  compactIntervalMs?: number;
  /** Revisions of history kept behind the head at each compaction. */
  keepRevisions?: number;
  /** Called once the store answers, with the store. */
  onReady?: (store: Store) => void;
}

export async function runStorage(opts: StorageRunOptions, signal: AbortSignal): Promise<void> {
  const { store, describe } = await openStore(opts);
  try {
    const revision = await store.currentRevision();
    opts.log.info('storage ready', { backend: describe, revision });
    opts.onReady?.(store);
    const every = opts.compactIntervalMs ?? 5 * 60_000;
    const keep = opts.keepRevisions ?? 1000;
    const timer =
      every > 0
        ? setInterval(() => {
            void (async () => {
              const head = await store.currentRevision();
              if (head - keep > (await store.compactedRevision())) {
                await store.compact(head - keep);
                opts.log.info('compacted', { revision: head - keep });
              }
            })().catch((e: unknown) => opts.log.warn('compaction failed', { error: String(e) }));
          }, every)
        : undefined;
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    clearInterval(timer);
  } finally {
    await store.close();
    opts.log.info('storage closed');
  }
}
