/**
 * An in-memory store for unit tests of other parts: the same log semantics as SQLite (it runs the
 * same shared suite), kept in arrays. Never the proof that a feature works against real storage.
 */
import type { LogBackend, LogRow, RangeQuery } from './log/backend.js';
import { LogStore, type LogStoreOptions } from './log/log-store.js';

class MemoryBackend implements LogBackend {
  /** Rows in revision order; compaction removes some, so look rows up by binary search. */
  private rows: LogRow[] = [];
  /** Every revision of each key still in the log, oldest first. */
  private readonly byKey = new Map<string, LogRow[]>();
  private headRevision = 0;
  private compactRevision = 0;
  private txn: LogRow[] | undefined;

  latest(key: string, atRevision?: number): LogRow | undefined {
    const versions = this.byKey.get(key);
    if (!versions) return undefined;
    for (let i = versions.length - 1; i >= 0; i--) {
      const r = versions[i];
      if (r && (atRevision === undefined || r.revision <= atRevision)) return r;
    }
    return undefined;
  }

  private liveKeys(q: RangeQuery): LogRow[] {
    const out: LogRow[] = [];
    for (const key of this.byKey.keys()) {
      if (key < q.from || (q.to !== '' && key >= q.to) || key <= q.after) continue;
      const r = this.latest(key, q.revision);
      if (r && !r.deleted) out.push(r);
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  range(q: RangeQuery): LogRow[] {
    const all = this.liveKeys(q);
    return q.limit > 0 ? all.slice(0, q.limit) : all;
  }

  count(q: RangeQuery): number {
    return this.liveKeys(q).length;
  }

  append(row: Omit<LogRow, 'revision'>): number {
    if (!this.txn) throw new Error('append outside a transaction');
    const revision = this.headRevision + this.txn.length + 1;
    const full: LogRow = { ...row, revision, createRevision: row.createRevision || revision };
    this.txn.push(full);
    // Visible to later operations of the same transaction, as in SQLite.
    this.index(full);
    return revision;
  }

  private index(r: LogRow): void {
    const versions = this.byKey.get(r.key);
    if (versions) versions.push(r);
    else this.byKey.set(r.key, [r]);
  }

  private unindex(r: LogRow): void {
    const versions = this.byKey.get(r.key);
    if (!versions) return;
    const i = versions.indexOf(r);
    if (i >= 0) versions.splice(i, 1);
    if (versions.length === 0) this.byKey.delete(r.key);
  }

  transaction<T>(fn: () => T): T {
    this.txn = [];
    try {
      const out = fn();
      this.rows.push(...this.txn);
      this.headRevision += this.txn.length;
      return out;
    } catch (e) {
      for (const r of this.txn) this.unindex(r);
      throw e;
    } finally {
      this.txn = undefined;
    }
  }

  /** Index of the first row with revision > `after`. */
  private firstAfter(after: number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.rows[mid]?.revision ?? 0) <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  readAfter(after: number, from: string, to: string, limit: number) {
    const out: Array<{ row: LogRow; prev?: LogRow }> = [];
    let upTo = this.headRevision;
    for (let i = this.firstAfter(after); i < this.rows.length; i++) {
      const row = this.rows[i];
      if (!row) break;
      if (row.key < from || (to !== '' && row.key >= to)) continue;
      const p = row.prevRevision ? this.byKey.get(row.key)?.find((r) => r.revision === row.prevRevision) : undefined;
      // A create after a delete points at the tombstone: there was no previous value.
      out.push({ row, prev: p && !p.deleted ? p : undefined });
      if (out.length === limit) {
        upTo = row.revision;
        break;
      }
    }
    return { rows: out, upTo };
  }

  head(): number {
    return this.headRevision;
  }

  compacted(): number {
    return this.compactRevision;
  }

  startCompaction(revision: number): void {
    this.compactRevision = revision;
  }

  compactStep(revision: number, _from: number): number | undefined {
    this.compact(revision);
    return undefined;
  }

  private compact(revision: number): void {
    const keep: LogRow[] = [];
    for (const r of this.rows) {
      const versions = this.byKey.get(r.key) ?? [];
      const superseded = versions.some((n) => n.revision > r.revision && n.revision <= revision);
      if (r.revision < revision && (r.deleted || superseded)) this.unindex(r);
      else keep.push(r);
    }
    this.rows = keep;
  }

  close(): void {
    this.rows = [];
    this.byKey.clear();
  }
}

/** A fresh, empty in-memory store. */
export function openMemoryStore(opts: LogStoreOptions = {}): LogStore {
  return new LogStore(new MemoryBackend(), opts);
}
