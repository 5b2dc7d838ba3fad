/**
 * The distributed store: a real etcd cluster through its v3 gRPC API. Conditional writes are etcd
 * transactions comparing the key's mod revision, exactly as kube-apiserver does it; revisions are
 * etcd's own, so they count every write to the cluster, not only ours.
 */
import { conflict, keyExists, notFound, StorageError } from './errors.js';
import { checkRevision, checkWrite } from './store.js';
import { EtcdClient, type EtcdClientOptions, type EtcdKeyValue, type RequestOp } from './etcd/client.js';
import { EtcdWatch, kvFromEtcd } from './etcd/watch.js';
import {
  prefixEnd,
  type DeleteResult,
  type GetOptions,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type Watch,
  type WatchOptions,
} from './store.js';

export interface EtcdStoreOptions extends EtcdClientOptions {
  /** Events a watcher may have queued before its stream is paused. */
  queueLimit?: number;
}

const b = (s: string) => Buffer.from(s, 'utf8');

export class EtcdStore implements Store {
  readonly client: EtcdClient;
  private readonly queueLimit: number;
  private lastCompacted = 0;
  private closed = false;
  private readonly watches = new Set<EtcdWatch>();

  constructor(opts: EtcdStoreOptions) {
    this.client = new EtcdClient(opts);
    this.queueLimit = opts.queueLimit ?? 10_000;
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('Closed', 'store is closed');
  }

  async get(key: string, opts: GetOptions = {}): Promise<KeyValue | undefined> {
    this.checkOpen();
    const res = await this.client.range({ key: b(key), revision: opts.revision ?? 0 });
    const kv = res.kvs[0];
    return kv ? kvFromEtcd(kv) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    // Paging never leaves the prefix: start at the later of the prefix and the key after startAfter.
    const after = opts.startAfter ? opts.startAfter + '\0' : '';
    const start = after > prefix ? after : prefix;
    const res = await this.client.range({
      key: b(start),
      range_end: b(prefixEnd(prefix) || '\0'),
      limit,
      revision: opts.revision ?? 0,
    });
    const revision = opts.revision || res.header.revision;
    const remaining = res.more ? res.count - res.kvs.length : 0;
    return { kvs: res.kvs.map(kvFromEtcd), revision, more: res.more, remaining };
  }

  /** The key's current version from a failed transaction's range response. */
  private static current(res: { responses: Array<{ response_range?: { kvs: EtcdKeyValue[] } }> }): KeyValue | undefined {
    const kv = res.responses[0]?.response_range?.kvs[0];
    return kv ? kvFromEtcd(kv) : undefined;
  }

  async create(key: string, value: Buffer): Promise<KeyValue> {
    this.checkOpen();
    checkWrite(key, value);
    const k = b(key);
    const res = await this.client.txn({
      compare: [{ result: 'EQUAL', target: 'MOD', key: k, mod_revision: 0 }],
      success: [{ request_put: { key: k, value } }],
      failure: [],
    });
    if (!res.succeeded) throw keyExists(key);
    const rev = res.header.revision;
    return { key, value, createRevision: rev, modRevision: rev };
  }

  async update(key: string, value: Buffer, expectedRevision: number): Promise<KeyValue> {
    this.checkOpen();
    checkWrite(key, value);
    checkRevision(expectedRevision, 'expected revision');
    const k = b(key);
    const res = await this.client.txn({
      // CREATE > 0: an absent key has mod revision 0, and must not be created by an update.
      compare: [
        { result: 'EQUAL', target: 'MOD', key: k, mod_revision: expectedRevision },
        { result: 'GREATER', target: 'CREATE', key: k, create_revision: 0 },
      ],
      success: [{ request_put: { key: k, value, prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) {
      const cur = EtcdStore.current(res);
      throw cur ? conflict(key, expectedRevision, cur) : notFound(key);
    }
    const prev = res.responses[0]?.response_put?.prev_kv;
    return { key, value, createRevision: prev?.create_revision ?? res.header.revision, modRevision: res.header.revision };
  }

  async delete(key: string, expectedRevision?: number): Promise<DeleteResult> {
    this.checkOpen();
    checkWrite(key);
    const k = b(key);
    const del: RequestOp = { request_delete_range: { key: k, prev_kv: true } };
    const res = await this.client.txn({
      compare:
        expectedRevision !== undefined && expectedRevision !== 0
          ? [{ result: 'EQUAL', target: 'MOD', key: k, mod_revision: expectedRevision }]
          : [{ result: 'GREATER', target: 'MOD', key: k, mod_revision: 0 }],
      success: [del],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) {
      const cur = EtcdStore.current(res);
      throw cur && expectedRevision !== undefined ? conflict(key, expectedRevision, cur) : notFound(key);
    }
    const prev = res.responses[0]?.response_delete_range?.prev_kvs[0];
    if (!prev) throw notFound(key); // deleted by someone else between compare and delete cannot happen in a txn
    return { prev: kvFromEtcd(prev), revision: res.header.revision };
  }

  watch(prefix: string, opts: WatchOptions): Watch {
    this.checkOpen();
    checkRevision(opts.afterRevision, 'afterRevision');
    const w = new EtcdWatch(this.client, prefix, opts.afterRevision, this.queueLimit, opts.signal, (done) => this.watches.delete(done));
    if (!w.isClosed) this.watches.add(w);
    return w;
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    checkRevision(revision);
    try {
      await this.client.compact(revision);
      this.lastCompacted = Math.max(this.lastCompacted, revision);
    } catch (e) {
      // Compacting at or below an earlier compaction is a no-op, as for the other stores.
      if (!(e instanceof StorageError && e.code === 'Expired')) throw e;
    }
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    const res = await this.client.range({ key: b('\0'), count_only: true });
    return res.header.revision;
  }

  /** The highest compaction this client performed (etcd does not report it otherwise). */
  compactedRevision(): Promise<number> {
    return Promise.resolve(this.lastCompacted);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const w of [...this.watches]) w.close();
    this.watches.clear();
    this.client.close();
    return Promise.resolve();
  }
}

/** Connects to an etcd cluster (no I/O until the first call). */
export function openEtcdStore(opts: EtcdStoreOptions): EtcdStore {
  return new EtcdStore(opts);
}
