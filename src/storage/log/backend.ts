/**
 * The small synchronous contract a log-structured backend implements (SQLite, memory); `LogStore`
 * turns it into a {@link Store}. The log is kine's shape: one row per write, the row's id is the
 * revision, deletions are tombstone rows, and "the current value" is the newest row of a key.
 */

/** One row of the log. */
export interface LogRow {
  readonly revision: number;
  readonly key: string;
  readonly createRevision: number;
  /** Revision of the row this one supersedes (0 for a create). */
  readonly prevRevision: number;
  /** A tombstone: `value` then holds the value the key had before the deletion. */
  readonly deleted: boolean;
  readonly value: Buffer;
}

export interface RangeQuery {
  /** Inclusive lower bound (the prefix). */
  from: string;
  /** Exclusive upper bound ('' for none). */
  to: string;
  /** Exclusive start key for paging ('' for none). */
  after: string;
  revision: number;
  /** 0: no limit. */
  limit: number;
}

export interface LogBackend {
  /** Newest row of `key` with revision <= `atRevision` (any revision when absent), tombstones included. */
  latest(key: string, atRevision?: number): LogRow | undefined;
  /** Live (non-tombstone) newest rows of the keys in range at a revision, in key order. */
  range(q: RangeQuery): LogRow[];
  /** How many live keys the range holds at a revision (ignores `limit`). */
  count(q: RangeQuery): number;
  /** Appends one row and returns its revision; only called inside {@link LogBackend.transaction}. */
  append(row: Omit<LogRow, 'revision'>): number;
  /** Runs `fn` atomically and durably; throws leave no trace. */
  transaction<T>(fn: () => T): T;
  /**
   * Rows with revision > `after` whose key is in [from, to), oldest first, at most `limit`, each with
   * the row it superseded when still present. `upTo` is the highest revision examined: the caller may
   * resume after it.
   */
  readAfter(after: number, from: string, to: string, limit: number): { rows: Array<{ row: LogRow; prev?: LogRow }>; upTo: number };
  /** The newest revision ever assigned (survives compaction of the newest row). */
  head(): number;
  /** The compaction revision: history below it is gone. */
  compacted(): number;
  /** Records the compaction revision: from now on nothing below it is served. */
  startCompaction(revision: number): void;
  /**
   * Removes one bounded step of superseded rows and tombstones below `revision`, starting at row
   * `from`; returns where the next step starts, or undefined when done.
   */
  compactStep(revision: number, from: number): number | undefined;
  close(): void;
}
