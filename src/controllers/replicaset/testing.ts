/**
 * Test-only: plays the watch. The bench's `sync` copies the fake API into an informer cache
 * without telling anyone; `deliver` does the same but calls the given handlers with the adds,
 * updates and deletes a watch would have carried, so expectations and requeues run as in production.
 */
import type { EventHandler } from '../../client/informer.js';
import type { ResourceDescriptor } from '../../client/paths.js';
import { objectKey } from '../../client/store.js';
import type { KubeObject } from '../../client/types.js';
import type { TestBench } from '../testing.js';

/** Brings the cache of `d` up to the fake API's state, calling `handlers` for each change. */
export function deliver<T extends KubeObject>(bench: TestBench, d: ResourceDescriptor, ...handlers: EventHandler<T>[]): void {
  const store = bench.ctx.informers.informer<T>(d).store;
  const now = new Map(bench.transport.objects<T>(d).map((o) => [objectKey(o), structuredClone(o)]));
  for (const key of store.keys()) {
    if (now.has(key)) continue;
    const old = store.remove(key);
    if (old) for (const h of handlers) h.onDelete?.(old, false);
  }
  for (const [key, obj] of now) {
    const old = store.get(key);
    if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) continue;
    store.upsert(obj);
    for (const h of handlers) {
      if (old) h.onUpdate?.(old, obj);
      else h.onAdd?.(obj, false);
    }
  }
}
