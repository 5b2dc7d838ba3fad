/**
 * Our own writes not yet in the informer cache: after a controller replaces an object at
 * resourceVersion R, a cache still showing R is stale, and a sync on it would redo (or, for
 * counters, double) what the write did, or fail with a conflict. The controller records R per key
 * and skips syncs of a cached R; the watch event of its write brings the key back.
 */
export class WrittenVersions {
  readonly #byKey = new Map<string, Set<string>>();

  /**
   * A write replaced the object under `key` that was at `previousRv` with `writtenRv`. A no-op
   * write (the API server answers it with the unchanged object, same resourceVersion) replaced
   * nothing and sends no watch event: recording it would make the cache look stale forever.
   */
  wrote(key: string, previousRv: string | undefined, writtenRv: string | undefined): void {
    if (previousRv === undefined || previousRv === '' || writtenRv === previousRv) return;
    const set = this.#byKey.get(key) ?? new Set<string>();
    this.#byKey.set(key, set.add(previousRv));
  }

  /** True when `cachedRv` is one our writes replaced; otherwise the cache has caught up and the record is dropped. */
  isStale(key: string, cachedRv: string | undefined): boolean {
    const set = this.#byKey.get(key);
    if (!set) return false;
    if (cachedRv !== undefined && set.has(cachedRv)) return true;
    this.#byKey.delete(key);
    return false;
  }

  /** Forgets `key` (its object is gone). */
  forget(key: string): void {
    this.#byKey.delete(key);
  }
}
