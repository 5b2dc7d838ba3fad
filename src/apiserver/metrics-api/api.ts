/**
 * Serves metrics.k8s.io/v1beta1 from the scraped samples, answering what metrics-server answers:
 * NodeMetrics and PodMetrics for the nodes and pods that exist (label and field selectors apply
 * to them), those without samples left out of lists and NotFound by name, JSON or Table.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { methodNotAllowed, notFound } from '../../api/errors.js';
import { METRICS_API_VERSION, type NodeMetrics, type PodMetrics } from '../../api/metrics.js';
import type { RequestInfo } from '../http/request-info.js';
import { sendJson, TABLE_TYPE, wantsTable } from '../http/respond.js';
import type { StoredObject } from '../object.js';
import type { Resource } from '../registry.js';
import type { ExternalApi } from '../rest/handler.js';
import { selection } from '../rest/selection.js';
import { toTable, type IncludeObject } from '../tables.js';
import { cpuQuantity, memoryQuantity, timeString, windowString } from './format.js';
import { METRICS_GROUP, nodeMetricsTable, podMetricsTable } from './resources.js';
import type { MetricsStorage } from './storage.js';

/** The nodes and pods that exist, from the API server's watch cache. */
export interface ClusterView {
  /** The core `nodes` and `pods` resources (their field selectors apply to the metrics lists). */
  nodesResource: Resource;
  podsResource: Resource;
  nodes(): StoredObject[];
  node(name: string): StoredObject | undefined;
  /** Pods of a namespace, or of all namespaces for ''. */
  pods(namespace: string): StoredObject[];
  pod(namespace: string, name: string): StoredObject | undefined;
}

export interface MetricsApiOptions {
  view: ClusterView;
  storage: MetricsStorage;
  /** Stamps creationTimestamp (metrics-server uses the time of the request). */
  now?: () => number;
}

const labelsOf = (o: StoredObject) => (o.metadata.labels && Object.keys(o.metadata.labels).length ? { labels: o.metadata.labels } : {});

export class MetricsApi implements ExternalApi {
  constructor(private readonly o: MetricsApiOptions) {}

  #now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** A node's metrics, or undefined without samples. */
  nodeMetrics(node: StoredObject): NodeMetrics | undefined {
    const name = node.metadata.name ?? '';
    const u = this.o.storage.node(name);
    if (!u) return undefined;
    return {
      metadata: { name, creationTimestamp: timeString(this.#now()), ...labelsOf(node) },
      timestamp: timeString(u.timestampMs),
      window: windowString(u.windowMs),
      usage: { cpu: cpuQuantity(u.cpuNanoCores), memory: memoryQuantity(u.memoryBytes) },
    };
  }

  /** A pod's metrics, or undefined without samples for all its containers. */
  podMetrics(pod: StoredObject): PodMetrics | undefined {
    const name = pod.metadata.name ?? '';
    const namespace = pod.metadata.namespace ?? '';
    const u = this.o.storage.pod(namespace, name);
    if (!u) return undefined;
    return {
      metadata: { name, namespace, creationTimestamp: timeString(this.#now()), ...labelsOf(pod) },
      timestamp: timeString(u.timestampMs),
      window: windowString(u.windowMs),
      containers: u.containers.map((c) => ({ name: c.name, usage: { cpu: cpuQuantity(c.usage.cpuNanoCores), memory: memoryQuantity(c.usage.memoryBytes) } })),
    };
  }

  handle(req: IncomingMessage, res: ServerResponse, resource: Resource, info: RequestInfo, query: URLSearchParams): void {
    const nodes = resource.plural === 'nodes';
    const table = wantsTable(req.headers.accept);
    if (info.verb === 'get') {
      const item = nodes ? this.#getNode(info.name) : this.#getPod(info.namespace, info.name);
      if (!table) return sendJson(res, 200, { kind: resource.kind, apiVersion: METRICS_API_VERSION, ...item });
      return sendJson(res, 200, toTable(nodes ? nodeMetricsTable : podMetricsTable, [item as unknown as Record<string, unknown>], { now: new Date(this.#now()), includeObject: includeObject(query) }), TABLE_TYPE);
    }
    if (info.verb !== 'list') throw methodNotAllowed(`${info.verb} is not supported on resources of kind "${resource.plural}.${METRICS_GROUP}"`);
    const items: (NodeMetrics | PodMetrics)[] = nodes ? this.#listNodes(query) : this.#listPods(info.namespace, query);
    if (table) {
      return sendJson(res, 200, toTable(nodes ? nodeMetricsTable : podMetricsTable, items as unknown as Record<string, unknown>[], { now: new Date(this.#now()), includeObject: includeObject(query) }), TABLE_TYPE);
    }
    sendJson(res, 200, { kind: `${resource.kind}List`, apiVersion: METRICS_API_VERSION, metadata: {}, items });
  }

  #getNode(name: string): NodeMetrics {
    const node = this.o.view.node(name);
    // metrics-server answers with its node lister's error, which names the resource "node".
    if (!node) throw notFound({ group: '', resource: 'node' }, name);
    const m = this.nodeMetrics(node);
    if (!m) throw notFound({ group: METRICS_GROUP, resource: 'nodemetrics' }, name);
    return m;
  }

  #getPod(namespace: string, name: string): PodMetrics {
    const pod = this.o.view.pod(namespace, name);
    if (!pod) throw notFound({ group: '', resource: 'pods' }, name);
    const m = this.podMetrics(pod);
    if (!m) throw notFound({ group: METRICS_GROUP, resource: 'podmetrics' }, `${namespace}/${name}`);
    return m;
  }

  #listNodes(query: URLSearchParams): NodeMetrics[] {
    const sel = selection(this.o.view.nodesResource, query);
    return this.o.view
      .nodes()
      .filter((n) => sel.matches(n))
      .map((n) => this.nodeMetrics(n))
      .filter((m): m is NodeMetrics => m !== undefined)
      .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  }

  #listPods(namespace: string, query: URLSearchParams): PodMetrics[] {
    const sel = selection(this.o.view.podsResource, query);
    return this.o.view
      .pods(namespace)
      .filter((p) => sel.matches(p))
      .map((p) => this.podMetrics(p))
      .filter((m): m is PodMetrics => m !== undefined);
  }
}

function includeObject(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** The watch cache's nodes and pods as a {@link ClusterView}. */
export function cacheView(o: {
  nodesResource: Resource;
  podsResource: Resource;
  list: (res: Resource, keyPrefix: string) => StoredObject[];
  get: (res: Resource, key: string) => StoredObject | undefined;
}): ClusterView {
  const { nodesResource, podsResource } = o;
  return {
    nodesResource,
    podsResource,
    nodes: () => o.list(nodesResource, nodesResource.prefix),
    node: (name) => o.get(nodesResource, `${nodesResource.prefix}${name}`),
    pods: (ns) => o.list(podsResource, ns ? `${podsResource.prefix}${ns}/` : podsResource.prefix),
    pod: (ns, name) => o.get(podsResource, `${podsResource.prefix}${ns}/${name}`),
  };
}
