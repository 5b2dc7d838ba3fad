/**
 * A watch cache for one storage prefix: the current objects (parsed, with resourceVersion set) and a
 * window of recent events, so LIST, GET and WATCH are served from memory. API watchers replay from
 * the window and then follow live events; a watcher asking for history older than the window gets
 * 410 Expired, and one that cannot keep up is ended (its client re-watches from its last RV).
 */
import type { StoredObject } from '../object.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEvent {
  type: EventType;
  key: string;
  object: StoredObject;
  /** For MODIFIED and DELETED: the object before. */
  prev?: StoredObject;
  revision: number;
}

export interface WatchFilter {
  (obj: StoredObject): boolean;
}

/** What a watcher receives: the event type as the client sees it after filtering. */
export interface WatchOut {
  type: EventType | 'BOOKMARK' | 'ERROR';
  object: StoredObject | Record<string, unknown>;
  revision: number;
}

export class TooOldError extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

export class WatchCache {
  private readonly objects = new Map<string, StoredObject>();
  private sortedKeys: string[] | undefined;
  private readonly window: CacheEvent[] = [];
  /** Events before this revision are no longer in the window. */
  private windowStart: number;
  private readonly watchers = new Set<CacheWatcher>();

  constructor(
    readonly prefix: string,
    /** The revision of the initial state (the list it was loaded from). */
    initialRevision: number,
    private readonly windowSize = 10_000,
    readonly watcherQueueLimit = 10_000,
  ) {
    this.windowStart = initialRevision;
    this.revision = initialRevision;
  }

  /** Everything up to this revision has been applied. */
  revision: number;

  /** Loads an object of the initial state. */
  load(key: string, obj: StoredObject): void {
    this.objects.set(key, obj);
    this.sortedKeys = undefined;
  }

  apply(e: CacheEvent): void {
    if (e.type === 'DELETED') this.objects.delete(e.key);
    else {
      if (!this.objects.has(e.key)) this.sortedKeys = undefined;
      this.objects.set(e.key, e.object);
    }
    if (e.type === 'DELETED') this.sortedKeys = undefined;
    this.window.push(e);
    if (this.window.length > this.windowSize) {
      const dropped = this.window.splice(0, this.window.length - this.windowSize);
      const last = dropped[dropped.length - 1];
      if (last) this.windowStart = last.revision;
    }
    this.revision = Math.max(this.revision, e.revision);
    for (const w of this.watchers) w.offer(e);
  }

  /** Advances the revision without an event here (another prefix changed), and tells watchers. */
  advance(revision: number): void {
    if (revision > this.revision) this.revision = revision;
  }

  get(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  /** Current objects whose key starts with `prefix` (default: all), in key order, starting after `after`. */
  *list(prefix = this.prefix, after = ''): Generator<[string, StoredObject]> {
    if (!this.sortedKeys) this.sortedKeys = [...this.objects.keys()].sort();
    const keys = this.sortedKeys;
    let lo = 0;
    let hi = keys.length;
    const start = after > prefix ? after : prefix;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((keys[mid] ?? '') < start || (keys[mid] ?? '') === after) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < keys.length; i++) {
      const k = keys[i] ?? '';
      if (!k.startsWith(prefix)) break;
      if (k === after) continue;
      const o = this.objects.get(k);
      if (o) yield [k, o];
    }
  }

  get size(): number {
    return this.objects.size;
  }

  /**
   * Starts a watch for events after `fromRevision` (0: the current objects as ADDED first), limited
   * to keys under `keyPrefix` and objects passing `filter`.
   */
  watch(opts: { fromRevision: number; keyPrefix: string; filter: WatchFilter; signal: AbortSignal }): CacheWatcher {
    const w = new CacheWatcher(this, opts.keyPrefix, opts.filter, this.watcherQueueLimit);
    if (opts.fromRevision === 0) {
      // The initial state is not held to the queue limit: a client asking for it gets all of it.
      for (const [key, obj] of this.list(opts.keyPrefix)) w.offer({ type: 'ADDED', key, object: obj, revision: this.revision }, true);
      w.cursor = this.revision;
    } else {
      if (opts.fromRevision < this.windowStart) throw new TooOldError(opts.fromRevision, this.windowStart);
      w.cursor = opts.fromRevision;
      for (const e of this.window) if (e.revision > opts.fromRevision) w.offer(e);
    }
    this.watchers.add(w);
    const stop = () => w.close();
    if (opts.signal.aborted) w.close();
    else opts.signal.addEventListener('abort', stop, { once: true });
    w.onClose = () => {
      this.watchers.delete(w);
      opts.signal.removeEventListener('abort', stop);
    };
    return w;
  }

  /** Ends every watch (the server is stopping). */
  closeAll(): void {
    for (const w of [...this.watchers]) w.close();
  }

  get watcherCount(): number {
    return this.watchers.size;
  }
}

export class CacheWatcher {
  private queue: WatchOut[] = [];
  private waiter: (() => void) | undefined;
  closed = false;
  /** True when the watcher was ended because it fell behind. */
  overflowed = false;
  cursor = 0;
  onClose: (() => void) | undefined;

  constructor(
    private readonly cache: WatchCache,
    private readonly keyPrefix: string,
    private readonly filter: WatchFilter,
    private readonly limit: number,
  ) {}

  offer(e: CacheEvent, initial = false): void {
    if (this.closed || (e.revision <= this.cursor && e.type !== 'ADDED') || !e.key.startsWith(this.keyPrefix)) return;
    if (e.type !== 'ADDED' || e.revision > this.cursor) this.cursor = Math.max(this.cursor, e.revision);
    const now = e.type !== 'DELETED' && this.filter(e.object);
    const before = e.prev !== undefined && this.filter(e.prev);
    let type: EventType | undefined;
    if (e.type === 'ADDED') type = now ? 'ADDED' : undefined;
    else if (e.type === 'MODIFIED') type = now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
    else type = before || (e.prev === undefined && this.filter(e.object)) ? 'DELETED' : undefined;
    if (!type) return;
    if (!initial && this.queue.length >= this.limit) {
      this.overflowed = true;
      this.close();
      return;
    }
    this.queue.push({ type, object: e.object, revision: e.revision });
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose?.();
    this.wake();
  }

  /** The current cache revision (for bookmarks). */
  get revision(): number {
    return this.cache.revision;
  }

  /**
   * Waits for events (up to `timeoutMs`); returns the pending batch ([] on timeout), or undefined
   * once closed and drained.
   */
  async next(timeoutMs: number): Promise<WatchOut[] | undefined> {
    if (this.queue.length === 0 && !this.closed) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      this.waiter = undefined;
    }
    if (this.queue.length > 0) {
      const out = this.queue;
      this.queue = [];
      return out;
    }
    return this.closed ? undefined : [];
  }
}
