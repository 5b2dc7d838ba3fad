/**
 * A recording, in-memory {@link Transport} for controller and scheduler unit tests (client-go's
 * fake clientset): the real typed clients run over it, writes land in a {@link FakeState} with
 * the fake API server's semantics (resourceVersions, conflicts, generateName, status subresources,
 * the four patch types), and every call is recorded as an action a test can assert on. Reactors
 * inject failures. Pod binding and eviction and the scale subresource are served too. No watch.
 */
import type { IncomingMessage } from 'node:http';
import { methodNotAllowed, notFound, statusError } from '../../api/errors.js';
import type { Clock } from '../clock.js';
import { resources as builtIn } from '../resources.js';
import { encodeQuery } from '../paths.js';
import type { KubeObject, RestRequest, Transport } from '../types.js';
import type { ResourceDescriptor } from '../paths.js';
import * as h from './fake-handlers.js';
import { FakeState, type FakeResource, type Obj } from './fake-state.js';

/** Built-in resources with a status subresource (writes to the main resource keep status). */
const withStatus = new Set(['pods', 'nodes', 'namespaces', 'services', 'replicationcontrollers', 'replicasets', 'deployments', 'daemonsets', 'statefulsets', 'jobs', 'cronjobs', 'horizontalpodautoscalers', 'poddisruptionbudgets', 'persistentvolumeclaims', 'resourcequotas']);
const withScale = new Set(['replicationcontrollers', 'replicasets', 'deployments', 'statefulsets']);

/** Every built-in resource of ../resources.ts, as the fake serves it. */
export const fakeBuiltInResources: FakeResource[] = Object.values(builtIn).map((d) => ({ group: d.group, version: d.version, resource: d.resource, kind: d.kind, namespaced: d.namespaced, status: withStatus.has(d.resource) }));

/** One recorded call. `verb` follows client-go: get, list, create, update, patch, delete, deletecollection. */
export interface FakeAction {
  verb: 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** The request body (the object, patch or DeleteOptions). */
  body?: unknown;
  query: URLSearchParams;
}

/** Runs before a call is served: throw (e.g. a conflict ApiError) to fail it, return a body to answer it, or undefined to serve it. */
export type Reactor = (action: FakeAction) => unknown;

const verbOf = (method: RestRequest['method'], named: boolean): FakeAction['verb'] => {
  switch (method) {
    case 'GET':
      return named ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
  }
};

/** The in-memory transport. */
export class FakeTransport implements Transport {
  readonly namespace: string;
  readonly state: FakeState;
  readonly actions: FakeAction[] = [];
  readonly #resources: FakeResource[];
  readonly #reactors: Reactor[] = [];

  constructor(options: { namespace?: string; resources?: FakeResource[]; clock?: Clock } = {}) {
    const clock = options.clock;
    this.state = new FakeState(clock ? () => clock.now() : Date.now);
    this.namespace = options.namespace ?? 'default';
    this.#resources = options.resources ?? fakeBuiltInResources;
  }

  /** Puts objects in place without recording actions (the world before the test). Returns the stored copies. */
  seed<T extends KubeObject>(descriptor: ResourceDescriptor, ...objs: T[]): T[] {
    const res = this.#resource(descriptor);
    return objs.map((o) => {
      const obj = { ...o, apiVersion: o.apiVersion ?? (res.group ? `${res.group}/${res.version}` : res.version), kind: o.kind ?? res.kind, metadata: { ...(o.metadata ?? {}) } } as unknown as Obj;
      if (res.namespaced) obj.metadata.namespace ??= this.namespace;
      return this.state.write(res, 'ADDED', obj) as unknown as T;
    });
  }

  /** The stored object, or undefined. */
  object<T extends KubeObject>(descriptor: ResourceDescriptor, namespace: string | undefined, name: string): T | undefined {
    const o = this.state.bucket(this.#resource(descriptor)).get(descriptor.namespaced ? `${namespace ?? this.namespace}/${name}` : name);
    return o as T | undefined;
  }

  /** Every stored object of a resource. */
  objects<T extends KubeObject>(descriptor: ResourceDescriptor): T[] {
    return [...this.state.bucket(this.#resource(descriptor)).values()] as unknown as T[];
  }

  /** Adds a reactor that runs before those added earlier. */
  prependReactor(reactor: Reactor): void {
    this.#reactors.unshift(reactor);
  }

  /** The writes so far as `verb resource[/subresource] [namespace/]name` lines (reads left out). */
  writes(): string[] {
    return this.actions
      .filter((a) => a.verb !== 'get' && a.verb !== 'list')
      .map((a) => `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.name !== undefined || a.namespace ? ` ${a.namespace ? `${a.namespace}/` : ''}${a.name ?? ''}` : ''}`);
  }

  /** Forgets the recorded actions. */
  clearActions(): void {
    this.actions.length = 0;
  }

  #resource(d: ResourceDescriptor): FakeResource {
    const r = this.#resources.find((x) => x.group === d.group && x.resource === d.resource);
    if (!r) throw new Error(`FakeTransport does not serve ${d.group}/${d.resource}`);
    return r;
  }

  request<T>(req: RestRequest): Promise<T> {
    try {
      return Promise.resolve(this.#serve(req) as T);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  stream(req: RestRequest): Promise<IncomingMessage> {
    return Promise.reject(new Error(`FakeTransport does not stream (${req.method} ${req.path}${encodeQuery(req.query)})`));
  }

  #serve(req: RestRequest): unknown {
    const target = h.route(req.path, this.#resources);
    if (!target) throw notFound({ group: '', resource: '' }, req.path);
    const query = new URLSearchParams(encodeQuery(req.query).slice(1));
    const body: unknown = typeof req.body === 'string' ? JSON.parse(req.body) : structuredClone(req.body);
    const action: FakeAction = { verb: verbOf(req.method, target.name !== undefined), resource: target.res.resource, subresource: target.subresource, namespace: target.namespace, name: target.name, body, query };
    this.actions.push(action);
    for (const r of this.#reactors) {
      const out = r(action);
      if (out !== undefined) return out;
    }
    const c: h.Call = { ...target, query, body, contentType: req.contentType ?? (body === undefined ? '' : 'application/json') };
    if (c.subresource && c.subresource !== 'status') return this.#subresource(c, req.method);
    const collection = c.name === undefined;
    switch (req.method) {
      case 'GET':
        return (collection ? h.list(this.state, c) : h.get(this.state, c)).body;
      case 'POST':
        if (!collection) throw methodNotAllowed('POST is not allowed on a named object');
        return h.create(this.state, c).body;
      case 'PUT':
        return h.update(this.state, c).body;
      case 'PATCH':
        return h.patch(this.state, c).body;
      case 'DELETE':
        return (collection ? h.removeCollection(this.state, c) : h.remove(this.state, c)).body;
    }
  }

  /** pods/binding, pods/eviction and the scale subresource. */
  #subresource(c: h.Call, method: RestRequest['method']): unknown {
    const cur = h.get(this.state, { ...c, subresource: undefined }).body as Obj & { spec?: Record<string, unknown>; status?: Record<string, unknown> };
    if (c.res.resource === 'pods' && c.subresource === 'binding' && method === 'POST') {
      const node = (c.body as { target?: { name?: string } } | undefined)?.target?.name;
      h.update(this.state, { ...c, subresource: undefined, body: { ...cur, spec: { ...cur.spec, nodeName: node } } });
      return { kind: 'Status', apiVersion: 'v1', status: 'Success', code: 201 };
    }
    if (c.res.resource === 'pods' && c.subresource === 'eviction' && method === 'POST') {
      h.remove(this.state, { ...c, subresource: undefined, body: undefined });
      return { kind: 'Status', apiVersion: 'v1', status: 'Success', code: 201 };
    }
    if (withScale.has(c.res.resource) && c.subresource === 'scale') {
      const scaleOf = (o: Obj & { spec?: Record<string, unknown>; status?: Record<string, unknown> }) => {
        const sel = o.spec?.['selector'] as { matchLabels?: Record<string, string> } | Record<string, string> | undefined;
        const labels = (sel && 'matchLabels' in sel ? sel.matchLabels : (sel as Record<string, string> | undefined)) ?? {};
        return {
          kind: 'Scale',
          apiVersion: 'autoscaling/v1',
          metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion },
          spec: { replicas: o.spec?.['replicas'] ?? 1 },
          status: { replicas: o.status?.['replicas'] ?? 0, selector: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') },
        };
      };
      if (method === 'GET') return scaleOf(cur);
      let replicas: unknown;
      if (method === 'PUT') replicas = (c.body as { spec?: { replicas?: number } } | undefined)?.spec?.replicas;
      else if (method === 'PATCH') replicas = (c.body as { spec?: { replicas?: number } } | undefined)?.spec?.replicas;
      if (typeof replicas !== 'number') throw statusError(422, 'Invalid', 'Scale.spec.replicas: Required value');
      const next = h.update(this.state, { ...c, subresource: undefined, body: { ...cur, spec: { ...cur.spec, replicas } } }).body as Obj;
      return scaleOf(next);
    }
    throw notFound({ group: c.res.group, resource: `${c.res.resource}/${c.subresource ?? ''}` }, c.name ?? '');
  }
}
