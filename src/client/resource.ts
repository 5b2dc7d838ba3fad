/**
 * A typed client for one resource (`pods`, `deployments.apps`, …): get, list, create, update,
 * updateStatus, patch, delete, deleteCollection and watch, over the REST paths kube-apiserver serves.
 */
import type { Status } from '../api/errors.js';
import { apiVersionOf, resourcePath, type ResourceDescriptor } from './paths.js';
import {
  patchContentTypes,
  type CallOptions,
  type DeleteOptions,
  type KubeList,
  type KubeObject,
  type ListOptions,
  type PatchOptions,
  type Query,
  type Transport,
  type WatchEvent,
  type WatchOptions,
  type WriteOptions,
} from './types.js';
import { decodeWatch } from './watch.js';

/** Options of get. */
export interface GetOptions extends CallOptions {
  namespace?: string;
  resourceVersion?: string;
}

const listQuery = (o: ListOptions): Query => ({
  labelSelector: o.labelSelector || undefined,
  fieldSelector: o.fieldSelector || undefined,
  limit: o.limit,
  continue: o.continue || undefined,
  resourceVersion: o.resourceVersion,
  resourceVersionMatch: o.resourceVersionMatch,
  timeoutSeconds: o.timeoutSeconds,
});

const writeQuery = (o: WriteOptions): Query => ({
  dryRun: o.dryRun ? 'All' : undefined,
  fieldManager: o.fieldManager,
  fieldValidation: o.fieldValidation,
});

function deleteBody(o: DeleteOptions): Record<string, unknown> {
  return {
    kind: 'DeleteOptions',
    apiVersion: 'v1',
    ...(o.propagationPolicy ? { propagationPolicy: o.propagationPolicy } : {}),
    ...(o.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: o.gracePeriodSeconds } : {}),
    ...(o.preconditions ? { preconditions: o.preconditions } : {}),
    ...(o.dryRun ? { dryRun: ['All'] } : {}),
  };
}

/** Typed calls against one resource. Namespaced calls default to the client's namespace. */
export class ResourceClient<T extends KubeObject = KubeObject> {
  constructor(
    readonly transport: Transport,
    readonly descriptor: ResourceDescriptor,
  ) {}

  #ns(namespace: string | undefined, obj?: KubeObject): string | undefined {
    if (!this.descriptor.namespaced) return undefined;
    return namespace ?? obj?.metadata?.namespace ?? this.transport.namespace;
  }

  #path(namespace: string | undefined, name?: string, subresource?: string): string {
    return resourcePath(this.descriptor, { namespace, name, subresource });
  }

  #withTypeMeta(obj: T): T {
    if (obj.apiVersion && obj.kind) return obj;
    return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(this.descriptor), ...(this.descriptor.kind && !obj.kind ? { kind: this.descriptor.kind } : {}) };
  }

  #name(obj: KubeObject): string {
    const name = obj.metadata?.name;
    if (!name) throw new Error(`${this.descriptor.resource}: object has no metadata.name`);
    return name;
  }

  /** GET one object. */
  get(name: string, o: GetOptions = {}): Promise<T> {
    return this.transport.request<T>({ method: 'GET', path: this.#path(this.#ns(o.namespace), name), query: { resourceVersion: o.resourceVersion }, signal: o.signal, timeoutMs: o.timeoutMs });
  }

  /** LIST one page (pass `limit`/`continue` to page); no namespace means all namespaces. */
  list(o: ListOptions = {}): Promise<KubeList<T>> {
    return this.transport.request<KubeList<T>>({ method: 'GET', path: this.#path(this.descriptor.namespaced ? o.namespace : undefined), query: listQuery(o), signal: o.signal, timeoutMs: o.timeoutMs });
  }

  /** POST a new object (into `o.namespace`, else its own, else the client's namespace). */
  create(obj: T, o: WriteOptions = {}): Promise<T> {
    return this.transport.request<T>({ method: 'POST', path: this.#path(this.#ns(o.namespace, obj)), query: writeQuery(o), body: this.#withTypeMeta(obj), signal: o.signal, timeoutMs: o.timeoutMs });
  }

  /** PUT the object; its metadata.resourceVersion (if set) makes the write conditional (409 on mismatch). */
  update(obj: T, o: WriteOptions = {}): Promise<T> {
    return this.transport.request<T>({ method: 'PUT', path: this.#path(this.#ns(o.namespace, obj), this.#name(obj)), query: writeQuery(o), body: this.#withTypeMeta(obj), signal: o.signal, timeoutMs: o.timeoutMs });
  }

  /** PUT the status subresource. */
  updateStatus(obj: T, o: WriteOptions = {}): Promise<T> {
    return this.transport.request<T>({ method: 'PUT', path: this.#path(this.#ns(o.namespace, obj), this.#name(obj), 'status'), query: writeQuery(o), body: this.#withTypeMeta(obj), signal: o.signal, timeoutMs: o.timeoutMs });
  }

  /** PATCH (merge by default; `strategic`, `json`, or `apply` for server-side apply). */
  patch(name: string, patch: unknown, o: PatchOptions = {}): Promise<T> {
    const type = o.type ?? 'merge';
    if (type === 'apply' && !o.fieldManager) throw new Error('server-side apply needs a fieldManager');
    return this.transport.request<T>({
      method: 'PATCH',
      path: this.#path(this.#ns(o.namespace), name, o.subresource),
      query: { ...writeQuery(o), force: type === 'apply' && o.force !== undefined ? o.force : undefined },
      body: patch,
      contentType: patchContentTypes[type],
      signal: o.signal,
      timeoutMs: o.timeoutMs,
    });
  }

  /** DELETE one object: the object while deletion is pending (finalizers, grace), else a Success Status. */
  delete(name: string, o: DeleteOptions = {}): Promise<T | Status> {
    return this.transport.request<T | Status>({
      method: 'DELETE',
      path: this.#path(this.#ns(o.namespace), name),
      query: { propagationPolicy: o.propagationPolicy, gracePeriodSeconds: o.gracePeriodSeconds, dryRun: o.dryRun ? 'All' : undefined },
      body: deleteBody(o),
      signal: o.signal,
      timeoutMs: o.timeoutMs,
    });
  }

  /** DELETE every object the selectors match (in `o.namespace`, else the client's namespace). */
  deleteCollection(o: ListOptions & DeleteOptions = {}): Promise<KubeList<T> | Status> {
    return this.transport.request<KubeList<T> | Status>({
      method: 'DELETE',
      path: this.#path(this.#ns(o.namespace)),
      query: { ...listQuery(o), propagationPolicy: o.propagationPolicy, gracePeriodSeconds: o.gracePeriodSeconds, dryRun: o.dryRun ? 'All' : undefined },
      body: deleteBody(o),
      signal: o.signal,
      timeoutMs: o.timeoutMs,
    });
  }

  /**
   * WATCH from `resourceVersion` (absent or "0": current objects as ADDED first). Iterate the result;
   * it ends when the server closes the stream or `o.signal` aborts, and throws WatchExpiredError on 410.
   */
  async *watch(o: WatchOptions = {}): AsyncGenerator<WatchEvent<T>> {
    const res = await this.transport.stream({
      method: 'GET',
      path: this.#path(this.descriptor.namespaced ? o.namespace : undefined),
      query: { ...listQuery(o), watch: true, allowWatchBookmarks: o.allowWatchBookmarks || undefined },
      signal: o.signal,
      timeoutMs: o.timeoutMs,
    });
    yield* decodeWatch<T>(res, o.signal);
  }
}
