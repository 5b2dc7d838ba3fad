/**
 * One store watch on one etcd gRPC watch stream. Events are queued for the consumer; past the
 * high-water mark the stream is paused, so HTTP/2 flow control pushes back on etcd, which then
 * serves this watcher from its own history ("unsynced") without slowing writers or other watchers.
 * If that history is compacted first, etcd cancels the watch with a compact revision and the
 * consumer gets an explicit `Expired` error.
 */
import type * as grpc from '@grpc/grpc-js';
import { expired, StorageError } from '../errors.js';
import { prefixEnd, watchIterator, type KeyValue, type Watch, type WatchEvent } from '../store.js';
import type { EtcdClient, EtcdEvent, EtcdKeyValue, WatchRequest, WatchResponse } from './client.js';

export const kvFromEtcd = (kv: EtcdKeyValue): KeyValue => ({
  key: kv.key.toString('utf8'),
  value: kv.value,
  createRevision: kv.create_revision,
  modRevision: kv.mod_revision,
});

function toEvent(e: EtcdEvent): WatchEvent {
  const prev = e.prev_kv ? kvFromEtcd(e.prev_kv) : undefined;
  if (e.type === 'DELETE') {
    // etcd's delete event carries an empty value; ours carries the value the key had.
    const kv: KeyValue = {
      key: e.kv.key.toString('utf8'),
      value: prev?.value ?? Buffer.alloc(0),
      createRevision: prev?.createRevision ?? 0,
      modRevision: e.kv.mod_revision,
    };
    return { type: 'delete', kv, prev };
  }
  return { type: 'put', kv: kvFromEtcd(e.kv), prev };
}

export class EtcdWatch implements Watch {
  private readonly stream: grpc.ClientDuplexStream<WatchRequest, WatchResponse>;
  private queue: WatchEvent[] = [];
  /** Events of a fragmented response, held until its last fragment arrives. */
  private fragments: WatchEvent[] = [];
  private queued = 0;
  private paused = false;
  private closed = false;
  private error: StorageError | undefined;
  private waiter: (() => void) | undefined;
  private readonly onAbort = () => this.close();

  constructor(
    client: EtcdClient,
    prefix: string,
    private readonly afterRevision: number,
    private readonly highWater: number,
    private readonly signal?: AbortSignal,
    private readonly onClose?: (w: EtcdWatch) => void,
  ) {
    this.stream = client.watchStream();
    this.stream.on('data', (res: WatchResponse) => this.onResponse(res));
    this.stream.on('error', (err: grpc.ServiceError) => {
      // A cancel from our side surfaces as an error too; only a live watch reports it.
      if (!this.closed) this.fail(new StorageError('Unavailable', `etcd watch failed: ${err.details || err.message}`));
    });
    this.stream.on('end', () => {
      if (!this.closed) this.fail(new StorageError('Unavailable', 'etcd watch stream ended'));
    });
    // start_revision is afterRevision itself (events at it are dropped below), not afterRevision+1:
    // etcd then refuses a start at the compaction revision minus one, where etcd 3.4 can silently
    // miss a delete made at exactly the compaction revision (etcd-io/etcd#18089).
    this.stream.write({
      create_request: {
        key: Buffer.from(prefix),
        range_end: Buffer.from(prefixEnd(prefix) || '\0'),
        start_revision: Math.max(afterRevision, 1),
        prev_kv: true,
        fragment: true,
      },
    });
    if (signal?.aborted) this.close();
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private onResponse(res: WatchResponse): void {
    if (this.closed) return;
    if (res.compact_revision > 0) {
      this.fail(expired(this.afterRevision, res.compact_revision));
      return;
    }
    if (res.canceled) {
      this.fail(new StorageError('Unavailable', `etcd canceled the watch: ${res.cancel_reason || 'no reason given'}`));
      return;
    }
    for (const e of res.events) if (e.kv.mod_revision > this.afterRevision) this.fragments.push(toEvent(e));
    if (res.fragment || this.fragments.length === 0) return;
    const events = this.fragments;
    this.fragments = [];
    for (const e of events) this.queue.push(e);
    this.queued += events.length;
    if (this.queued >= this.highWater && !this.paused) {
      this.paused = true;
      this.stream.pause();
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private fail(err: StorageError): void {
    if (!this.error) this.error = err;
    this.shutdown();
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.stream.cancel();
    this.onClose?.(this);
    this.wake();
  }

  close(): void {
    this.queue = [];
    this.shutdown();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async next(): Promise<IteratorResult<WatchEvent[]>> {
    for (;;) {
      if (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        this.queued = 0;
        if (this.paused && !this.closed) {
          this.paused = false;
          this.stream.resume();
        }
        return { done: false, value: batch };
      }
      if (this.error) {
        const err = this.error;
        this.error = undefined;
        throw err;
      }
      if (this.closed) return { done: true, value: undefined };
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent[]> {
    return watchIterator(this);
  }
}
