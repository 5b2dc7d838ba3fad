/**
 * A thin client for etcd's v3 gRPC API (the subset in spec/etcd/etcd-api.proto), on @grpc/grpc-js
 * with the schema loaded by @grpc/proto-loader. int64s arrive as numbers (revisions stay far below
 * 2^53), bytes as Buffers. Errors come back as {@link StorageError}s.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { specPath } from '../../api/spec-path.js';
import { StorageError } from '../errors.js';
import { protoLoaderOptions } from '../../util/grpc.js';

export interface EtcdKeyValue {
  key: Buffer;
  create_revision: number;
  mod_revision: number;
  version: number;
  value: Buffer;
}
export interface ResponseHeader {
  revision: number;
}
export interface RangeRequest {
  key: Buffer;
  range_end?: Buffer;
  limit?: number;
  revision?: number;
  keys_only?: boolean;
  count_only?: boolean;
  serializable?: boolean;
}
export interface RangeResponse {
  header: ResponseHeader;
  kvs: EtcdKeyValue[];
  more: boolean;
  count: number;
}
export interface PutRequest {
  key: Buffer;
  value: Buffer;
  prev_kv?: boolean;
}
export interface PutResponse {
  header: ResponseHeader;
  prev_kv: EtcdKeyValue | null;
}
export interface DeleteRangeRequest {
  key: Buffer;
  range_end?: Buffer;
  prev_kv?: boolean;
}
export interface DeleteRangeResponse {
  header: ResponseHeader;
  deleted: number;
  prev_kvs: EtcdKeyValue[];
}
export interface Compare {
  result: 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
  target: 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';
  key: Buffer;
  version?: number;
  create_revision?: number;
  mod_revision?: number;
}
export type RequestOp = { request_range: RangeRequest } | { request_put: PutRequest } | { request_delete_range: DeleteRangeRequest };
export interface ResponseOp {
  response_range?: RangeResponse;
  response_put?: PutResponse;
  response_delete_range?: DeleteRangeResponse;
}
export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}
export interface TxnResponse {
  header: ResponseHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}
export interface EtcdEvent {
  type: 'PUT' | 'DELETE';
  kv: EtcdKeyValue;
  prev_kv: EtcdKeyValue | null;
}
export interface WatchRequest {
  create_request?: { key: Buffer; range_end: Buffer; start_revision: number; prev_kv: boolean; progress_notify?: boolean; fragment?: boolean };
  cancel_request?: { watch_id: number };
}
export interface WatchResponse {
  header: ResponseHeader;
  watch_id: number;
  created: boolean;
  canceled: boolean;
  compact_revision: number;
  cancel_reason: string;
  fragment: boolean;
  events: EtcdEvent[];
}
export interface StatusResponse {
  header: ResponseHeader;
  version: string;
  dbSize: number;
}

type Callback<T> = (err: grpc.ServiceError | null, res?: T) => void;
type Unary<Req, Res> = (req: Req, meta: grpc.Metadata, opts: grpc.CallOptions, cb: Callback<Res>) => grpc.ClientUnaryCall;
interface KVService extends grpc.Client {
  Range: Unary<RangeRequest, RangeResponse>;
  Put: Unary<PutRequest, PutResponse>;
  DeleteRange: Unary<DeleteRangeRequest, DeleteRangeResponse>;
  Txn: Unary<TxnRequest, TxnResponse>;
  Compact: Unary<{ revision: number; physical: boolean }, { header: ResponseHeader }>;
}
interface WatchService extends grpc.Client {
  Watch(opts?: grpc.CallOptions): grpc.ClientDuplexStream<WatchRequest, WatchResponse>;
}
interface MaintenanceService extends grpc.Client {
  Status: Unary<Record<string, never>, StatusResponse>;
}
type ServiceCtor<T> = new (target: string, creds: grpc.ChannelCredentials, opts?: grpc.ChannelOptions) => T;

let loaded: { KV: ServiceCtor<KVService>; Watch: ServiceCtor<WatchService>; Maintenance: ServiceCtor<MaintenanceService> } | undefined;

function services() {
  if (loaded) return loaded;
  const def = protoLoader.loadSync(specPath('etcd', 'etcd-api.proto'), protoLoaderOptions);
  const pkg = grpc.loadPackageDefinition(def)['etcdserverpb'] as unknown as Record<string, unknown>;
  loaded = {
    KV: pkg['KV'] as ServiceCtor<KVService>,
    Watch: pkg['Watch'] as ServiceCtor<WatchService>,
    Maintenance: pkg['Maintenance'] as ServiceCtor<MaintenanceService>,
  };
  return loaded;
}

/** Maps a gRPC failure to a typed storage error. */
export function fromGrpcError(err: grpc.ServiceError): StorageError {
  const msg = err.details || err.message;
  if (/required revision has been compacted/.test(msg)) return new StorageError('Expired', `etcd: ${msg}`);
  if (/future revision/.test(msg)) return new StorageError('FutureRevision', `etcd: ${msg}`);
  return new StorageError('Unavailable', `etcd: ${msg} (code ${err.code})`);
}

/** grpc target for a list of `http://host:port` endpoints: pick_first fails over between members. */
export function grpcTarget(endpoints: string[]): string {
  const hosts = endpoints.map((e) => new URL(e).host);
  return hosts.length === 1 ? (hosts[0] ?? '') : `ipv4:${hosts.join(',')}`;
}

export interface EtcdClientOptions {
  /** Client URLs, e.g. http://127.0.0.1:2379. */
  endpoints: string[];
  /** Deadline per unary call. */
  timeoutMs?: number;
}

export class EtcdClient {
  private readonly kv: KVService;
  private readonly watchSvc: WatchService;
  private readonly maint: MaintenanceService;
  private readonly timeoutMs: number;

  constructor(opts: EtcdClientOptions) {
    const s = services();
    const target = grpcTarget(opts.endpoints);
    const creds = grpc.credentials.createInsecure();
    const chOpts: grpc.ChannelOptions = {
      // Large Kubernetes objects with prev_kv can make big responses; watches also ask etcd to fragment.
      'grpc.max_receive_message_length': 256 * 1024 * 1024,
      'grpc.keepalive_time_ms': 30_000,
    };
    this.kv = new s.KV(target, creds, chOpts);
    // Same target and options: grpc-js shares one subchannel (one HTTP/2 connection) between them.
    this.watchSvc = new s.Watch(target, creds, chOpts);
    this.maint = new s.Maintenance(target, creds, chOpts);
    this.timeoutMs = opts.timeoutMs ?? 15_000;
  }

  private call<Req, Res>(fn: Unary<Req, Res>, self: grpc.Client, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      fn.call(self, req, new grpc.Metadata(), { deadline: Date.now() + this.timeoutMs }, (err, res) => {
        if (err) reject(fromGrpcError(err));
        else if (res === undefined) reject(new StorageError('Unavailable', 'etcd: empty response'));
        else resolve(res);
      });
    });
  }

  range(req: RangeRequest): Promise<RangeResponse> {
    return this.call(this.kv.Range, this.kv, req);
  }
  put(req: PutRequest): Promise<PutResponse> {
    return this.call(this.kv.Put, this.kv, req);
  }
  deleteRange(req: DeleteRangeRequest): Promise<DeleteRangeResponse> {
    return this.call(this.kv.DeleteRange, this.kv, req);
  }
  txn(req: TxnRequest): Promise<TxnResponse> {
    return this.call(this.kv.Txn, this.kv, req);
  }
  compact(revision: number): Promise<{ header: ResponseHeader }> {
    return this.call(this.kv.Compact, this.kv, { revision, physical: true });
  }
  status(): Promise<StatusResponse> {
    return this.call(this.maint.Status, this.maint, {});
  }
  /** A new bidirectional watch stream (one per watch keeps flow control per watcher). */
  watchStream(): grpc.ClientDuplexStream<WatchRequest, WatchResponse> {
    return this.watchSvc.Watch();
  }

  close(): void {
    this.kv.close();
    this.watchSvc.close();
    this.maint.close();
  }
}
