/**
 * What this controller last wrote to each slice (upstream's EndpointSliceTracker), so a sync never
 * plans from an informer cache that has not caught up with its own writes (which would create
 * duplicate slices), and the controller's own writes coming back as events do not trigger syncs.
 * Kubernetes compares slice generations; here the API server does not bump an EndpointSlice's
 * generation, so the resourceVersion each write returned is kept instead (k8ts's are increasing
 * integers; a non-numeric one is only compared for equality).
 */
import type { EndpointSlice } from '../../api/generated/discovery/v1.js';

const DELETED = 'deleted';

const rvOf = (s: EndpointSlice): string => s.metadata?.resourceVersion ?? '';

/** True when `seen` is older than `expected`. */
function older(seen: string, expected: string): boolean {
  const a = Number(seen);
  const b = Number(expected);
  if (Number.isFinite(a) && Number.isFinite(b) && seen !== '' && expected !== '') return a < b;
  return seen !== expected;
}

/** Expected resourceVersions (or deletion) of slices, by Service key then slice name. */
export class SliceTracker {
  readonly #byService = new Map<string, Map<string, string>>();

  #slices(serviceKey: string): Map<string, string> {
    let m = this.#byService.get(serviceKey);
    if (!m) this.#byService.set(serviceKey, (m = new Map<string, string>()));
    return m;
  }

  /** Records a slice as the API server returned it after a create or update. */
  written(serviceKey: string, slice: EndpointSlice): void {
    this.#slices(serviceKey).set(slice.metadata?.name ?? '', rvOf(slice));
  }

  /** Records a deletion the controller asked for. */
  deleted(serviceKey: string, slice: EndpointSlice): void {
    this.#slices(serviceKey).set(slice.metadata?.name ?? '', DELETED);
  }

  /** Whether the cached slices are older than what the controller wrote (then the sync must wait). */
  stale(serviceKey: string, cached: readonly EndpointSlice[]): boolean {
    const expected = this.#byService.get(serviceKey);
    if (!expected) return false;
    const byName = new Map(cached.map((s) => [s.metadata?.name ?? '', s]));
    for (const [name, rv] of expected) {
      const seen = byName.get(name);
      if (rv === DELETED) {
        if (seen) return true;
      } else if (!seen || older(rvOf(seen), rv)) return true;
    }
    return false;
  }

  /** Whether an observed slice is news (not exactly what the controller itself wrote). */
  shouldSync(serviceKey: string, slice: EndpointSlice): boolean {
    const rv = this.#byService.get(serviceKey)?.get(slice.metadata?.name ?? '');
    return rv === undefined || rv === DELETED || rv !== rvOf(slice);
  }

  /** A slice was deleted; returns whether the controller expected it (so no resync is needed). */
  observedDeletion(serviceKey: string, slice: EndpointSlice): boolean {
    const m = this.#byService.get(serviceKey);
    const name = slice.metadata?.name ?? '';
    const expected = m?.get(name) === DELETED;
    m?.delete(name);
    if (m?.size === 0) this.#byService.delete(serviceKey);
    return expected;
  }

  /** Forgets a deleted Service. */
  forget(serviceKey: string): void {
    this.#byService.delete(serviceKey);
  }
}
