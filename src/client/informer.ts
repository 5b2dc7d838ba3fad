/**
 * The informer (client-go's reflector + shared informer): list, then watch from the list's
 * resourceVersion, mirroring the resource into a {@link Store} and telling handlers what changed.
 * Disconnects re-watch from the last seen resourceVersion; 410 Expired relists (emitting deletes
 * for objects that vanished meanwhile); other errors back off exponentially.
 */
import { fromStatus, isGone } from '../api/errors.js';
import { createLogger, type Logger } from '../util/log.js';
import { realClock, sleep, type Clock } from './clock.js';
import { objectKey, Store, type IndexFunc } from './store.js';
import type { KubeList, KubeObject, ListOptions, WatchEvent, WatchOptions } from './types.js';
import { errorText } from '../util/errors.js';

/** Where an informer lists and watches; a ResourceClient is one. */
export interface ListerWatcher<T> {
  list(o: ListOptions): Promise<KubeList<T>>;
  watch(o: WatchOptions): AsyncIterable<WatchEvent<T>>;
}

/** Callbacks for changes, called one at a time in the order the changes were seen. */
export interface EventHandler<T> {
  /** `initialList` is true for objects of the first list (before hasSynced). */
  onAdd?(obj: T, initialList: boolean): void;
  /** Also called with old === new on resync and for objects still present after a relist. */
  onUpdate?(oldObj: T, newObj: T): void;
  /** `finalStateUnknown` is true when the delete was inferred by a relist (the object may have changed before going). */
  onDelete?(obj: T, finalStateUnknown: boolean): void;
}

/** Options of an {@link Informer}. */
export interface InformerOptions<T extends KubeObject> {
  source: ListerWatcher<T>;
  /** Restrict to one namespace. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size of lists (default 500, as client-go); 0 disables paging. */
  pageSize?: number;
  /** Calls onUpdate(obj, obj) for every cached object this often (ms); off by default. */
  resyncPeriodMs?: number;
  indexers?: Record<string, IndexFunc<T>>;
  /** Error backoff: starts at `initialMs` (800), doubles up to `maxMs` (30 000). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Server-side watch timeout; default a random 300–600 s, as client-go picks. */
  watchTimeoutSeconds?: number;
  clock?: Clock;
  logger?: Logger;
}

/** A list-watch mirror of one resource with change handlers. */
export class Informer<T extends KubeObject> {
  /** The cache. Read it; never mutate what it returns (objects are frozen). */
  readonly store: Store<T>;
  readonly #o: InformerOptions<T>;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #handlers = new Set<EventHandler<T>>();
  #synced = false;
  #syncWaiters: (() => void)[] = [];
  #rv = '';
  #running = false;

  constructor(options: InformerOptions<T>) {
    this.#o = options;
    this.#clock = options.clock ?? realClock;
    this.#log = options.logger ?? createLogger('informer');
    this.store = new Store<T>(options.indexers);
  }

  /**
   * Adds a handler and returns a function that removes it. A handler added after the first sync
   * first gets onAdd for every cached object, so it misses nothing.
   */
  addEventHandler(handler: EventHandler<T>): () => void {
    this.#handlers.add(handler);
    if (this.#synced) for (const obj of this.store.list()) this.#call(() => handler.onAdd?.(obj, false));
    return () => this.#handlers.delete(handler);
  }

  /** True once the first full list has been stored. */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** Resolves true when synced, or false if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.#synced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const onAbort = () => resolve(false);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#syncWaiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      });
    });
  }

  /** The resourceVersion of the last list or event seen. */
  lastResourceVersion(): string {
    return this.#rv;
  }

  /** Lists and watches until `signal` aborts; resolves when every loop and timer has stopped. */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#running) throw new Error('informer is already running');
    this.#running = true;
    const initial = this.#o.backoff?.initialMs ?? 800;
    const max = this.#o.backoff?.maxMs ?? 30_000;
    let delay = initial;
    let needList = true;
    const stopResync = this.#startResync();
    try {
      while (!signal.aborted) {
        try {
          if (needList) {
            await this.#list(signal);
            needList = false;
          }
          const started = this.#clock.now();
          const events = await this.#watch(signal);
          // A watch that closes at once without news: do not spin against a struggling server.
          if (events === 0 && this.#clock.now() - started < 1000) await sleep(this.#clock, delay, signal);
          else delay = initial;
        } catch (e) {
          if (signal.aborted) break;
          if (isGone(e)) {
            this.#log.info('resourceVersion expired; relisting', { rv: this.#rv });
            needList = true;
            continue;
          }
          this.#log.warn('list/watch failed; backing off', { error: errorText(e), delayMs: delay });
          await sleep(this.#clock, delay, signal);
          delay = Math.min(delay * 2, max);
        }
      }
    } finally {
      stopResync();
      this.#running = false;
    }
  }

  #call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#log.error('event handler threw', { error: errorText(e) });
    }
  }

  #emit(kind: 'add' | 'update' | 'delete', a: T, b?: T, flag = false): void {
    for (const h of this.#handlers) {
      if (kind === 'add') this.#call(() => h.onAdd?.(a, flag));
      else if (kind === 'update' && b) this.#call(() => h.onUpdate?.(a, b));
      else if (kind === 'delete') this.#call(() => h.onDelete?.(a, flag));
    }
  }

  #startResync(): () => void {
    const period = this.#o.resyncPeriodMs;
    if (!period || period <= 0) return () => undefined;
    let cancel = () => {};
    const tick = () => {
      if (this.#synced) for (const obj of this.store.list()) this.#emit('update', obj, obj);
      cancel = this.#clock.setTimer(period, tick);
    };
    cancel = this.#clock.setTimer(period, tick);
    return () => cancel();
  }

  async #listAll(signal: AbortSignal, limit: number | undefined): Promise<{ items: T[]; rv: string }> {
    const { namespace, labelSelector, fieldSelector } = this.#o;
    const items: T[] = [];
    let rv = '';
    let cont: string | undefined;
    do {
      const page = await this.#o.source.list({ namespace, labelSelector, fieldSelector, limit, continue: cont, signal });
      items.push(...page.items);
      rv = page.metadata?.resourceVersion ?? rv;
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return { items, rv };
  }

  async #list(signal: AbortSignal): Promise<void> {
    const pageSize = this.#o.pageSize ?? 500;
    let result: { items: T[]; rv: string };
    try {
      result = await this.#listAll(signal, pageSize > 0 ? pageSize : undefined);
    } catch (e) {
      // A continue token that expired mid-list: fall back to one unpaged list, as client-go's pager does.
      if (!isGone(e) || pageSize <= 0) throw e;
      result = await this.#listAll(signal, undefined);
    }
    if (signal.aborted) return;
    const initial = !this.#synced;
    const seen = new Set<string>();
    for (const obj of result.items) {
      seen.add(objectKey(obj));
      const old = this.store.upsert(obj);
      if (old) this.#emit('update', old, obj);
      else this.#emit('add', obj, undefined, initial);
    }
    for (const key of this.store.keys()) {
      if (seen.has(key)) continue;
      const old = this.store.remove(key);
      if (old) this.#emit('delete', old, undefined, true);
    }
    this.#rv = result.rv;
    if (!this.#synced) {
      this.#synced = true;
      for (const w of this.#syncWaiters.splice(0)) w();
    }
  }

  /** Watches from the last resourceVersion until the stream ends; returns how many events came. */
  async #watch(signal: AbortSignal): Promise<number> {
    const { namespace, labelSelector, fieldSelector } = this.#o;
    const timeoutSeconds = this.#o.watchTimeoutSeconds ?? Math.floor(300 + Math.random() * 300);
    const stream = this.#o.source.watch({ namespace, labelSelector, fieldSelector, resourceVersion: this.#rv, allowWatchBookmarks: true, timeoutSeconds, signal });
    let count = 0;
    for await (const ev of stream) {
      if (signal.aborted) break;
      count++;
      if (ev.type === 'ERROR') throw fromStatus(ev.object, ev.object.code);
      const rv = ev.object.metadata?.resourceVersion;
      if (ev.type === 'ADDED' || ev.type === 'MODIFIED') {
        const old = this.store.upsert(ev.object);
        if (old) this.#emit('update', old, ev.object);
        else this.#emit('add', ev.object);
      } else if (ev.type === 'DELETED') {
        this.store.remove(objectKey(ev.object));
        this.#emit('delete', ev.object);
      }
      if (rv) this.#rv = rv;
    }
    return count;
  }
}
