import { StorageError } from './errors.js';

/**
 * The storage contract every backend meets (SQLite, etcd, memory): a revisioned key-value log.
 *
 * Every successful write gets the next global revision; revisions strictly increase across all keys
 * (they need not be contiguous: etcd also counts writes outside our prefix). Keys follow Kubernetes:
 * `/registry/<resource>/<namespace>/<name>`. Values are opaque bytes (the API server stores JSON).
 */

/** One version of one key. */
export interface KeyValue {
  readonly key: string;
  readonly value: Buffer;
  /** Revision at which the key was (last) created. */
  readonly createRevision: number;
  /** Revision of the write that produced this version. */
  readonly modRevision: number;
}

/** A change seen by a watcher. */
export type WatchEvent =
  | { readonly type: 'put'; readonly kv: KeyValue; readonly prev?: KeyValue | undefined }
  /** `kv.modRevision` is the deletion's revision; `kv.value` is the value the key had before. */
  | { readonly type: 'delete'; readonly kv: KeyValue; readonly prev?: KeyValue | undefined };

export interface GetOptions {
  /** Read as of this revision (0 or absent: the newest). */
  revision?: number;
}

export interface ListOptions {
  /** Read as of this revision (0 or absent: the newest). Pages of one listing share a revision. */
  revision?: number;
  /** At most this many items (0 or absent: all). */
  limit?: number;
  /** Start after this key (exclusive): the last key of the previous page. */
  startAfter?: string;
}

export interface ListResult {
  readonly kvs: KeyValue[];
  /** The revision the list was read at; pass it back with `startAfter` to continue consistently. */
  readonly revision: number;
  /** True when keys remain after this page. */
  readonly more: boolean;
  /** How many keys remain after this page (0 when `more` is false). */
  readonly remaining: number;
}

export interface DeleteResult {
  /** The value the key had just before it was deleted. */
  readonly prev: KeyValue;
  /** The revision of the deletion. */
  readonly revision: number;
}

export interface WatchOptions {
  /** Deliver every matching event with a revision strictly greater than this one. */
  afterRevision: number;
  /** Ends the watch; iteration then finishes normally. */
  signal?: AbortSignal;
}

/**
 * A watch: an async iterable of non-empty event batches, in revision order, never duplicated,
 * never missing one. Iteration throws a {@link StorageError} with code `Expired` when the history it
 * needs was compacted away, or `Unavailable` when the backend went away; it ends normally on close.
 */
export interface Watch extends AsyncIterable<WatchEvent[]> {
  close(): void;
}

/** The storage interface. Conflicts and missing keys are reported as {@link StorageError}s. */
export interface Store {
  get(key: string, opts?: GetOptions): Promise<KeyValue | undefined>;
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Creates the key; fails with `KeyExists` when it is present. */
  create(key: string, value: Buffer): Promise<KeyValue>;
  /** Writes the key only if its current modRevision is `expectedRevision` (`Conflict` otherwise, `NotFound` when absent). */
  update(key: string, value: Buffer, expectedRevision: number): Promise<KeyValue>;
  /** Deletes the key, only if its modRevision matches when `expectedRevision` is given. */
  delete(key: string, expectedRevision?: number): Promise<DeleteResult>;
  /** Watches every key under `prefix` from a revision. */
  watch(prefix: string, opts: WatchOptions): Watch;
  /** Drops history before `revision`; reads and watches needing it then fail with `Expired`. */
  compact(revision: number): Promise<void>;
  /** The newest revision. */
  currentRevision(): Promise<number>;
  /** The oldest revision still readable (the last compaction revision, or 0). */
  compactedRevision(): Promise<number>;
  close(): Promise<void>;
}

/** Rejects a watch/read revision that is not a non-negative safe integer. */
export function checkRevision(r: number, what = 'revision'): void {
  if (!Number.isSafeInteger(r) || r < 0) throw new StorageError('InvalidArgument', `${what} must be a non-negative integer, got ${String(r)}`);
}

/** Rejects a write whose key or value is malformed, before it can reach a batch. */
export function checkWrite(key: string, value?: Buffer): void {
  if (typeof key !== 'string' || key === '') throw new StorageError('InvalidArgument', 'key must be a non-empty string');
  if (value !== undefined && !Buffer.isBuffer(value)) throw new StorageError('InvalidArgument', `value for ${key} must be a Buffer`);
}

/** The smallest string greater than every string starting with `prefix` ('' means no bound). */
export function prefixEnd(prefix: string): string {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix.charCodeAt(i);
    if (c < 0xffff) return prefix.slice(0, i) + String.fromCharCode(c + 1);
  }
  return '';
}

/** The storage key of a Kubernetes object: `/registry/<resource>/<namespace>/<name>` (no namespace for cluster scope). */
export function objectKey(resource: string, namespace: string | undefined, name: string): string {
  return namespace ? `/registry/${resource}/${namespace}/${name}` : `/registry/${resource}/${name}`;
}

/** The async-iterator face of a watch: `next()` pulls a batch, an early `return()` (break) closes it. */
export function watchIterator(w: { next(): Promise<IteratorResult<WatchEvent[]>>; close(): void }): AsyncIterator<WatchEvent[]> {
  return {
    next: () => w.next(),
    return: () => {
      w.close();
      return Promise.resolve({ done: true, value: undefined });
    },
  };
}
