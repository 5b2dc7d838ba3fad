/** Shapes shared across the client: objects, lists, watch events, requests and per-call options. */
import type { IncomingMessage } from 'node:http';
import type { ObjectMeta, ListMeta } from '../api/generated/meta/v1.js';
import type { Status } from '../api/errors.js';

/** Any Kubernetes object: something with metadata. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** A list response (`PodList`, ...). */
export interface KubeList<T> {
  apiVersion?: string;
  kind?: string;
  metadata?: ListMeta;
  items: T[];
}

/** The event types of a watch stream. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One watch event; for ERROR the object is a Status. */
export type WatchEvent<T> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: T }
  | { type: 'ERROR'; object: Status };

/** One query value: arrays repeat the key; undefined is left out. */
export type QueryValue = string | number | boolean | undefined | readonly string[];
/** Query parameters by name. */
export type Query = Record<string, QueryValue>;

/** Options every call takes. */
export interface CallOptions {
  /** Cancels the request (and ends a watch). */
  signal?: AbortSignal;
  /** Overrides the client's request timeout (ms); 0 disables it. */
  timeoutMs?: number;
}

/** Options of list, watch and deleteCollection. */
export interface ListOptions extends CallOptions {
  /** Namespace; absent lists across all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  timeoutSeconds?: number;
}

/** Options of watch. */
export interface WatchOptions extends ListOptions {
  allowWatchBookmarks?: boolean;
}

/** Options of create, update and patch. */
export interface WriteOptions extends CallOptions {
  namespace?: string;
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

/** Patch flavours and their media types. */
export const patchContentTypes = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;
/** A patch flavour: merge, strategic, json or apply. */
export type PatchKind = keyof typeof patchContentTypes;

/** Options of patch. */
export interface PatchOptions extends WriteOptions {
  /** Default `merge`. `apply` (server-side apply) needs `fieldManager`. */
  type?: PatchKind;
  /** Server-side apply: take ownership of conflicting fields. */
  force?: boolean;
  /** Patch a subresource, e.g. `status` or `scale`. */
  subresource?: string;
}

/** Options of delete and deleteCollection (sent as query parameters and a DeleteOptions body). */
export interface DeleteOptions extends CallOptions {
  namespace?: string;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  dryRun?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** One HTTP request. */
export interface RestRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute API path, e.g. `/api/v1/namespaces/default/pods`. */
  path: string;
  query?: Query;
  /** A JSON-serialisable body (a string is sent as is). */
  body?: unknown;
  /** Default `application/json` when there is a body. */
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** What typed clients need from the REST client (kept apart so they do not import it). */
export interface Transport {
  /** The default namespace for namespaced calls that name none. */
  readonly namespace: string;
  request<T>(req: RestRequest): Promise<T>;
  stream(req: RestRequest): Promise<IncomingMessage>;
}
