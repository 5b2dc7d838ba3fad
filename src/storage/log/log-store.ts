/**
 * A {@link Store} over a synchronous {@link LogBackend}: the semantics live here once (conflict checks,
 * revisions, list-at-revision, paging, watch fan-out), the backends only keep rows.
 *
 * Writes are group-committed: the operations that arrive in one turn of the event loop are applied
 * in order inside one transaction (one fsync), then their events are published and their promises
 * settled. A write is acknowledged only after its transaction is durable.
 */
import { conflict, expired, futureRevision, keyExists, notFound, StorageError } from '../errors.js';
import {
  checkRevision,
  checkWrite,
  prefixEnd,
  type DeleteResult,
  type GetOptions,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type Watch,
  type WatchEvent,
  type WatchOptions,
} from '../store.js';
import type { LogBackend, LogRow, RangeQuery } from './backend.js';
import { rowToEvent, WatchHub, type WatchHubOptions } from './watch-hub.js';
import { errorText } from '../../util/errors.js';

type WriteOp =
  | { kind: 'create'; key: string; value: Buffer }
  | { kind: 'update'; key: string; value: Buffer; expected: number }
  | { kind: 'delete'; key: string; expected: number | undefined };

interface Pending {
  op: WriteOp;
  resolve: (r: KeyValue | DeleteResult) => void;
  reject: (e: unknown) => void;
}

const toKV = (row: LogRow): KeyValue => ({
  key: row.key,
  value: row.value,
  createRevision: row.createRevision,
  modRevision: row.revision,
});

export interface LogStoreOptions extends WatchHubOptions {
  /** Most operations applied in one transaction. */
  maxBatch?: number;
}

export class LogStore implements Store {
  private readonly hub: WatchHub;
  private pending: Pending[] = [];
  private scheduled = false;
  private closed = false;
  private readonly maxBatch: number;

  constructor(
    private readonly backend: LogBackend,
    opts: LogStoreOptions = {},
  ) {
    this.hub = new WatchHub(backend, opts);
    this.maxBatch = opts.maxBatch ?? 1_000;
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('Closed', 'store is closed');
  }

  /** Checks a read revision against compaction and the head; returns the effective revision. */
  private readRevision(revision: number | undefined): number {
    const head = this.backend.head();
    if (!revision) return head;
    if (revision > head) throw futureRevision(revision, head);
    const compacted = this.backend.compacted();
    if (revision < compacted) throw expired(revision, compacted);
    return revision;
  }

  get(key: string, opts: GetOptions = {}): Promise<KeyValue | undefined> {
    try {
      this.checkOpen();
      const rev = this.readRevision(opts.revision);
      const row = this.backend.latest(key, rev);
      return Promise.resolve(row && !row.deleted ? toKV(row) : undefined);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    try {
      this.checkOpen();
      const revision = this.readRevision(opts.revision);
      const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
      const q: RangeQuery = { from: prefix, to: prefixEnd(prefix), after: opts.startAfter ?? '', revision, limit: limit ? limit + 1 : 0 };
      const rows = this.backend.range(q);
      const more = limit > 0 && rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      const last = page[page.length - 1];
      const remaining = more && last ? this.backend.count({ ...q, after: last.key, limit: 0 }) : 0;
      return Promise.resolve({ kvs: page.map(toKV), revision, more, remaining });
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  create(key: string, value: Buffer): Promise<KeyValue> {
    return this.enqueue({ kind: 'create', key, value }) as Promise<KeyValue>;
  }

  update(key: string, value: Buffer, expectedRevision: number): Promise<KeyValue> {
    return this.enqueue({ kind: 'update', key, value, expected: expectedRevision }) as Promise<KeyValue>;
  }

  delete(key: string, expectedRevision?: number): Promise<DeleteResult> {
    return this.enqueue({ kind: 'delete', key, expected: expectedRevision }) as Promise<DeleteResult>;
  }

  private enqueue(op: WriteOp): Promise<KeyValue | DeleteResult> {
    if (this.closed) return Promise.reject(new StorageError('Closed', 'store is closed'));
    try {
      // A malformed write is refused alone, never inside a batch it would fail with it.
      checkWrite(op.key, op.kind === 'delete' ? undefined : op.value);
      if (op.kind === 'update') checkRevision(op.expected, 'expected revision');
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ op, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Applies one write against the log inside the open transaction; returns its outcome. */
  private apply(op: WriteOp, events: WatchEvent[]): KeyValue | DeleteResult {
    const cur = this.backend.latest(op.key);
    const live = cur && !cur.deleted ? cur : undefined;
    switch (op.kind) {
      case 'create': {
        if (live) throw keyExists(op.key);
        const row = { key: op.key, createRevision: 0, prevRevision: cur?.revision ?? 0, deleted: false, value: op.value };
        const revision = this.backend.append(row);
        const created: LogRow = { ...row, revision, createRevision: revision };
        events.push(rowToEvent(created));
        return toKV(created);
      }
      case 'update': {
        if (!live) throw notFound(op.key);
        if (live.revision !== op.expected) throw conflict(op.key, op.expected, toKV(live));
        const row = { key: op.key, createRevision: live.createRevision, prevRevision: live.revision, deleted: false, value: op.value };
        const revision = this.backend.append(row);
        const updated: LogRow = { ...row, revision };
        events.push(rowToEvent(updated, live));
        return toKV(updated);
      }
      case 'delete': {
        if (!live) throw notFound(op.key);
        if (op.expected !== undefined && op.expected !== 0 && live.revision !== op.expected) {
          throw conflict(op.key, op.expected, toKV(live));
        }
        const row = { key: op.key, createRevision: live.createRevision, prevRevision: live.revision, deleted: true, value: live.value };
        const revision = this.backend.append(row);
        events.push(rowToEvent({ ...row, revision }, live));
        return { prev: toKV(live), revision };
      }
    }
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending.splice(0, this.maxBatch);
    if (this.pending.length > 0) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    if (batch.length === 0) return;
    const events: WatchEvent[] = [];
    const outcomes: Array<{ ok: true; value: KeyValue | DeleteResult } | { ok: false; error: unknown }> = [];
    try {
      this.backend.transaction(() => {
        for (const p of batch) {
          try {
            outcomes.push({ ok: true, value: this.apply(p.op, events) });
          } catch (e) {
            if (!(e instanceof StorageError)) throw e;
            outcomes.push({ ok: false, error: e });
          }
        }
      });
    } catch (e) {
      // The transaction rolled back: nothing in this batch was written.
      const err = new StorageError('Unavailable', `write failed: ${errorText(e)}`);
      for (const p of batch) p.reject(err);
      return;
    }
    if (events.length > 0) this.hub.publish(events);
    batch.forEach((p, i) => {
      const o = outcomes[i];
      if (o?.ok) p.resolve(o.value);
      else p.reject(o?.error);
    });
  }

  watch(prefix: string, opts: WatchOptions): Watch {
    this.checkOpen();
    checkRevision(opts.afterRevision, 'afterRevision');
    return this.hub.watch(prefix, opts.afterRevision, opts.signal);
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    checkRevision(revision);
    const head = this.backend.head();
    if (revision > head) throw futureRevision(revision, head);
    if (revision <= this.backend.compacted()) return;
    // Recorded first (nothing below it is served from here on), then removed in small steps that
    // yield to the event loop, so writers and watchers keep moving during a large compaction.
    this.backend.startCompaction(revision);
    this.hub.nudge();
    for (let lo: number | undefined = 0; lo !== undefined && !this.closed; ) {
      lo = this.backend.compactStep(revision, lo);
      if (lo !== undefined) await new Promise((r) => setImmediate(r));
    }
  }

  currentRevision(): Promise<number> {
    if (this.closed) return Promise.reject(new StorageError('Closed', 'store is closed'));
    return Promise.resolve(this.backend.head());
  }

  compactedRevision(): Promise<number> {
    if (this.closed) return Promise.reject(new StorageError('Closed', 'store is closed'));
    return Promise.resolve(this.backend.compacted());
  }

  /** Number of open watches (for metrics and tests). */
  get watchCount(): number {
    return this.hub.size;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    // Let queued writes land first: a write the caller is waiting on is never dropped by close.
    while (this.pending.length > 0) this.flush();
    this.closed = true;
    this.hub.closeAll();
    this.backend.close();
    return Promise.resolve();
  }
}
