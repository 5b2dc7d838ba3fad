/**
 * All watch caches of one API server, fed by ONE storage watch on `/registry/`: the storage sees a
 * single consumer however many clients watch, and every cache advances to the same global revision,
 * so a LIST's resourceVersion is always a revision storage can serve for continuation.
 */
import { isStorageError } from '../../storage/errors.js';
import type { KeyValue, Store, WatchEvent } from '../../storage/store.js';
import type { Logger } from '../../util/log.js';
import type { StoredObject } from '../object.js';
import { WatchCache, type CacheEvent } from './watch-cache.js';

export const ROOT = '/registry/';

/** Parses a stored value and stamps its resourceVersion. */
export function decodeStored(kv: KeyValue, revision = kv.modRevision): StoredObject {
  const obj = JSON.parse(kv.value.toString('utf8')) as StoredObject;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(revision) };
  return obj;
}

/**
 * The resource prefix of a storage key among those `known` accepts: keys are `<prefix><ns>/<name>`
 * or `<prefix><name>`, and a prefix may itself have two segments (`/registry/services/specs/`).
 */
function resourcePrefix(key: string, known: (prefix: string) => boolean): string | undefined {
  const parts = key.split('/');
  for (const drop of [1, 2, 3]) {
    const p = parts.slice(0, parts.length - drop).join('/') + '/';
    if (known(p)) return p;
  }
  return undefined;
}

export class CacheSet {
  private readonly caches = new Map<string, WatchCache>();
  /** Caches being loaded (CRDs added at run time): events are held until their list is in. */
  private readonly loading = new Map<string, CacheEvent[]>();
  revision = 0;
  private waiters: Array<{ revision: number; resolve: () => void }> = [];
  private ready = false;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly windowSize = 10_000,
  ) {}

  get(prefix: string): WatchCache | undefined {
    return this.caches.get(prefix);
  }

  /** Loads every prefix from one consistent list, then follows storage until `signal` aborts. */
  async start(prefixes: string[], signal: AbortSignal): Promise<{ done: Promise<void> }> {
    await this.loadAll(prefixes);
    this.ready = true;
    // Wrapped: an async function returning a promise would make the caller await the whole loop.
    return { done: this.follow(signal) };
  }

  private async loadAll(prefixes: string[]): Promise<void> {
    const revision = await this.store.currentRevision();
    const fresh = new Map(prefixes.map((p) => [p, new WatchCache(p, revision, this.windowSize)] as const));
    let after: string | undefined;
    for (;;) {
      const page = await this.store.list(ROOT, { revision, limit: 1000, startAfter: after });
      for (const kv of page.kvs) {
        const c = this.cacheFor(kv.key, fresh);
        if (c) c.load(kv.key, decodeStored(kv));
      }
      const last = page.kvs[page.kvs.length - 1];
      if (!page.more || !last) break;
      after = last.key;
    }
    for (const old of this.caches.values()) old.closeAll();
    this.caches.clear();
    for (const [p, c] of fresh) this.caches.set(p, c);
    this.revision = revision;
  }

  private cacheFor(key: string, caches: Map<string, WatchCache> = this.caches): WatchCache | undefined {
    const p = resourcePrefix(key, (c) => caches.has(c));
    return p === undefined ? undefined : caches.get(p);
  }

  private toCacheEvent(e: WatchEvent): CacheEvent {
    if (e.type === 'delete') {
      // The deleted object is both the event's object and its previous state: parse it once.
      const last = decodeStored(e.kv, e.kv.modRevision);
      return { type: 'DELETED', key: e.kv.key, object: last, prev: last, revision: e.kv.modRevision };
    }
    const object = decodeStored(e.kv);
    const created = e.kv.createRevision === e.kv.modRevision;
    return { type: created ? 'ADDED' : 'MODIFIED', key: e.kv.key, object, prev: e.prev ? decodeStored(e.prev) : undefined, revision: e.kv.modRevision };
  }

  private async follow(signal: AbortSignal): Promise<void> {
    let backoff = 100;
    while (!signal.aborted) {
      try {
        const w = this.store.watch(ROOT, { afterRevision: this.revision, signal });
        for await (const batch of w) {
          backoff = 100;
          for (const e of batch) {
            const ce = this.toCacheEvent(e);
            const pending = resourcePrefix(ce.key, (c) => this.loading.has(c));
            if (pending) this.loading.get(pending)?.push(ce);
            this.cacheFor(ce.key)?.apply(ce);
            this.revision = Math.max(this.revision, ce.revision);
          }
          for (const c of this.caches.values()) c.advance(this.revision);
          this.wakeWaiters();
        }
      } catch (e) {
        if (signal.aborted) break;
        if (isStorageError(e, 'Expired')) {
          // We fell behind compaction: rebuild from a fresh list; API watchers are ended and relist.
          this.log.warn('watch cache fell behind compaction; relisting', { revision: this.revision });
          await this.loadAll([...this.caches.keys()]).catch((err: unknown) => this.log.error('relist failed', { error: String(err) }));
        } else {
          this.log.warn('storage watch failed; retrying', { error: String(e), backoffMs: backoff });
          await new Promise((r) => setTimeout(r, backoff));
          backoff = Math.min(backoff * 2, 5000);
        }
      }
    }
    for (const c of this.caches.values()) c.closeAll();
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  private wakeWaiters(): void {
    if (this.waiters.length === 0) return;
    const keep: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.revision <= this.revision) w.resolve();
      else keep.push(w);
    }
    this.waiters = keep;
  }

  /** Resolves once the caches have applied `revision` (read-your-writes), or after `timeoutMs`. */
  waitFor(revision: number, timeoutMs = 5000): Promise<void> {
    if (revision <= this.revision) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push({ revision, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  /** Adds a cache at run time (a CRD became established): lists its prefix, then follows events. */
  async add(prefix: string): Promise<WatchCache> {
    const existing = this.caches.get(prefix);
    if (existing) return existing;
    if (!this.ready) throw new Error('cache set not started');
    this.loading.set(prefix, []);
    try {
      const revision = this.revision;
      const c = new WatchCache(prefix, revision, this.windowSize);
      let after: string | undefined;
      for (;;) {
        const page = await this.store.list(prefix, { revision, limit: 1000, startAfter: after });
        for (const kv of page.kvs) c.load(kv.key, decodeStored(kv));
        const last = page.kvs[page.kvs.length - 1];
        if (!page.more || !last) break;
        after = last.key;
      }
      for (const e of this.loading.get(prefix) ?? []) if (e.revision > revision) c.apply(e);
      c.advance(this.revision);
      this.caches.set(prefix, c);
      return c;
    } finally {
      this.loading.delete(prefix);
    }
  }

  remove(prefix: string): void {
    this.caches.get(prefix)?.closeAll();
    this.caches.delete(prefix);
  }
}
