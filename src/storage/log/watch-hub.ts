/**
 * Fans committed events out to watchers of a log-structured store, without ever blocking a writer.
 *
 * A watcher is "live" while it keeps up: published events are queued for it in memory. When its
 * queue passes the limit it stops queueing and becomes "catching up": once it has drained its queue it
 * reads the rest from the log itself, page by page, and goes live again when it reaches the head.
 * So a slow watcher costs bounded memory and never delays writers or other watchers; if compaction
 * removes history it still needs, it fails with an explicit `Expired` error instead of going silent.
 */
import { expired, StorageError } from '../errors.js';
import { prefixEnd, watchIterator, type Watch, type WatchEvent } from '../store.js';
import type { LogBackend, LogRow } from './backend.js';

export interface WatchHubOptions {
  /** Events a live watcher may have queued before it falls back to reading the log. */
  queueLimit?: number;
  /** Rows read from the log per catch-up step. */
  pageSize?: number;
}

export function rowToEvent(row: LogRow, prev?: LogRow): WatchEvent {
  const kv = { key: row.key, value: row.value, createRevision: row.createRevision, modRevision: row.revision };
  const p = prev && { key: prev.key, value: prev.value, createRevision: prev.createRevision, modRevision: prev.revision };
  return row.deleted ? { type: 'delete', kv, prev: p } : { type: 'put', kv, prev: p };
}

export class WatchHub {
  private readonly watchers = new Set<HubWatcher>();
  readonly queueLimit: number;
  readonly pageSize: number;

  constructor(
    readonly backend: LogBackend,
    opts: WatchHubOptions = {},
  ) {
    this.queueLimit = opts.queueLimit ?? 10_000;
    this.pageSize = opts.pageSize ?? 1_000;
  }

  watch(prefix: string, afterRevision: number, signal?: AbortSignal): Watch {
    const w = new HubWatcher(this, prefix, afterRevision, signal);
    if (!w.closed) this.watchers.add(w);
    return w;
  }

  /** Called after a commit with its events in revision order. */
  publish(events: WatchEvent[]): void {
    for (const w of this.watchers) w.offer(events);
  }

  /** Wakes every watcher so that a catching-up one notices compaction promptly. */
  nudge(): void {
    for (const w of this.watchers) w.wake();
  }

  forget(w: HubWatcher): void {
    this.watchers.delete(w);
  }

  /** Ends every watch with `err` (or normally when absent). */
  closeAll(err?: StorageError): void {
    for (const w of [...this.watchers]) w.fail(err);
    this.watchers.clear();
  }

  get size(): number {
    return this.watchers.size;
  }
}

class HubWatcher implements Watch {
  private readonly from: string;
  private readonly to: string;
  /** Every event with revision <= cursor has been queued or skipped as not matching. */
  private cursor: number;
  private live = false;
  private queue: WatchEvent[] = [];
  private waiter: (() => void) | undefined;
  private error: StorageError | undefined;
  closed = false;
  private readonly onAbort = () => this.close();

  constructor(
    private readonly hub: WatchHub,
    prefix: string,
    afterRevision: number,
    private readonly signal?: AbortSignal,
  ) {
    this.from = prefix;
    this.to = prefixEnd(prefix);
    this.cursor = afterRevision;
    // Fail fast: a watch from compacted history is refused at creation. Like etcd, the first
    // revision a watch may start after is the compaction revision itself.
    const compacted = hub.backend.compacted();
    if (afterRevision < compacted) this.error = expired(afterRevision, compacted);
    else if (afterRevision >= hub.backend.head()) {
      this.cursor = Math.max(afterRevision, hub.backend.head());
      this.live = true;
    }
    if (signal?.aborted) this.closed = true;
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  offer(events: WatchEvent[]): void {
    if (!this.live || this.closed) return;
    for (const e of events) {
      if (e.kv.modRevision <= this.cursor) continue;
      if (e.kv.key >= this.from && (this.to === '' || e.kv.key < this.to)) {
        if (this.queue.length >= this.hub.queueLimit) {
          this.live = false; // fall behind: read the rest from the log later
          break;
        }
        this.queue.push(e);
      }
      this.cursor = e.kv.modRevision;
    }
    this.wake();
  }

  wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  fail(err?: StorageError): void {
    if (err && !this.error) this.error = err;
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = this.error ? this.queue : [];
    this.signal?.removeEventListener('abort', this.onAbort);
    this.hub.forget(this);
    this.wake();
  }

  /** One catch-up step from the log; switches to live when the head is reached. */
  private catchUp(): void {
    const b = this.hub.backend;
    const compacted = b.compacted();
    if (this.cursor + 1 < compacted) {
      this.error = expired(this.cursor, compacted);
      return;
    }
    const { rows, upTo } = b.readAfter(this.cursor, this.from, this.to, this.hub.pageSize);
    for (const { row, prev } of rows) this.queue.push(rowToEvent(row, prev));
    this.cursor = Math.max(this.cursor, upTo);
    // Single-threaded: no commit can land between this read and the switch, so nothing is missed.
    if (this.cursor >= b.head()) this.live = true;
  }

  async next(): Promise<IteratorResult<WatchEvent[]>> {
    for (;;) {
      if (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        return { done: false, value: batch };
      }
      if (this.error) {
        const err = this.error;
        this.closed = true;
        this.hub.forget(this);
        throw err;
      }
      if (this.closed) return { done: true, value: undefined };
      if (!this.live) {
        this.catchUp();
        continue;
      }
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent[]> {
    return watchIterator(this);
  }
}
