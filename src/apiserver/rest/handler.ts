/**
 * Serves resource requests (/api/v1/..., /apis/<g>/<v>/...): picks the resource, decodes the body,
 * runs the verb against its ResourceStore and encodes the answer (object, list, Table or Status).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, conflict, isNotFound, methodNotAllowed, notFound, statusError, success } from '../../api/errors.js';
import type { Store } from '../../storage/store.js';
import type { CacheSet } from '../cache/cache-set.js';
import { decodeObject, mediaType, readBody } from '../http/body.js';
import { parseBool, type RequestInfo } from '../http/request-info.js';
import { JSON_TYPE, sendJson, TABLE_TYPE, wantsTable } from '../http/respond.js';
import { isObject, type KubeObject, type StoredObject } from '../object.js';
import type { Registry, Resource } from '../registry.js';
import { groupVersion, isVirtual } from '../resources.js';
import { crdTableConvertor, tableConvertorFor, toTable, type IncludeObject, type TableConvertor } from '../tables.js';
import { unknownFields } from './field-validation.js';
import { duplicateJsonFields } from './duplicate-fields.js';
import { listObjects } from './list.js';
import { rfc3339 } from './meta.js';
import { APPLY_PATCH_TYPE, applyConfiguration, decodePatchBody, managerOrUserAgent, patchObject, trackWrite } from './patch.js';
import { ResourceStore, type Admission, type DeleteOptions, type WriteOptions } from './resource-store.js';
import { selection } from './selection.js';
import { Strategy, type KindHooks } from './strategy.js';
import { serveWatch } from './watch-http.js';
import { scaleOf, setScale } from './scale.js';
import { reviewResponse, type TokenReviewer } from './reviews.js';
import { createTokenRequest } from './token-request.js';
import { confirmNoEscalation } from '../auth/escalation.js';
import { ClusterAuthorizer } from '../auth/rbac.js';
import type { ServiceAccountTokens } from '../auth/sa-tokens.js';
import type { Authorizer, UserInfo } from '../auth.js';
import { createLogger, type Logger } from '../../util/log.js';
import { isStreamingSubresource, NodeProxy } from './node-proxy.js';

export interface RestDeps {
  registry: Registry;
  store: Store;
  caches: CacheSet;
  admission: Admission;
  hooksFor: (res: Resource) => KindHooks;
  clock?: () => Date;
  /** The client certificate presented to kubelets for pods/log, exec, attach and portforward. */
  kubeletClient?: { certPem: string; keyPem: string };
  log?: Logger;
  /** Signs and checks ServiceAccount tokens (TokenRequest); without it `serviceaccounts/token` answers 503. */
  serviceAccountTokens?: ServiceAccountTokens;
  /** Authenticates a TokenReview's token for its audiences (empty: the API server's). */
  reviewToken?: TokenReviewer;
  /** Judges access reviews (`kubectl auth can-i`); without it everyone but anonymous is allowed. */
  authz?: Authorizer;
  /** Handlers of `external` resources, by API group (metrics.k8s.io). */
  external?: ReadonlyMap<string, ExternalApi>;
}

/**
 * Serves the requests for resources marked `external` (after authentication, authorization and
 * the scope and verb checks every resource gets), as kube-apiserver hands an APIService's group
 * to its backend.
 */
export interface ExternalApi {
  handle(req: IncomingMessage, res: ServerResponse, resource: Resource, info: RequestInfo, query: URLSearchParams): void | Promise<void>;
}

export class RestHandler {
  private readonly stores = new Map<string, ResourceStore>();
  private readonly clock: () => Date;
  private proxy: NodeProxy | undefined;

  constructor(private readonly deps: RestDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** The proxy to kubelets behind pods/log, exec, attach and portforward. */
  nodeProxy(): NodeProxy {
    if (this.proxy) return this.proxy;
    const cert = this.deps.kubeletClient;
    if (!cert) throw statusError(503, 'ServiceUnavailable', 'the API server has no client certificate for kubelets');
    const core = (plural: string) => {
      const res = this.deps.registry.lookup('', 'v1', plural);
      if (!res) throw statusError(404, 'NotFound', 'the server could not find the requested resource');
      return this.storeFor(res);
    };
    this.proxy = new NodeProxy({
      getPod: (ns, name) => core('pods').get(ns, name),
      getNode: (name) => core('nodes').get('', name),
      clientCert: cert,
      log: this.deps.log ?? createLogger('apiserver'),
    });
    return this.proxy;
  }

  storeFor(res: Resource): ResourceStore {
    const k = `${res.group}/${res.version}/${res.plural}`;
    let s = this.stores.get(k);
    if (!s) {
      s = new ResourceStore(res, this.deps.registry, this.deps.store, this.deps.caches, new Strategy(res, this.deps.hooksFor(res)), this.deps.admission, this.clock);
      this.stores.set(k, s);
    }
    return s;
  }

  forget(res: Resource): void {
    this.stores.delete(`${res.group}/${res.version}/${res.plural}`);
  }

  async handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams, user: UserInfo): Promise<void> {
    const resource = this.deps.registry.lookup(info.group, info.version, info.resource);
    if (!resource) throw statusError(404, 'NotFound', 'the server could not find the requested resource');
    if (resource.namespaced && !info.namespace && info.name && info.verb !== 'list' && info.verb !== 'watch') {
      throw notFound({ group: info.group, resource: info.resource }, info.name);
    }
    if (!resource.namespaced && info.namespace && info.resource !== 'namespaces') throw notFound({ group: info.group, resource: info.resource }, info.name);
    const sub = info.subresource;
    if (sub && !resource.subresources.some((s) => s.name === sub)) throw notFound({ group: info.group, resource: `${info.resource}/${sub}` }, info.name);
    const verbs = sub ? (resource.subresources.find((s) => s.name === sub)?.verbs ?? []) : resource.verbs;
    if (!verbs.includes(info.verb)) {
      throw methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
    if (resource.external) {
      const api = this.deps.external?.get(resource.group);
      if (!api) throw statusError(503, 'ServiceUnavailable', `the server is currently unable to handle the request (get ${resource.plural}.${resource.group})`);
      return api.handle(req, res, resource, info, query);
    }
    if (isVirtual(resource)) {
      const body = decodeObject(await readBody(req), req.headers['content-type']);
      sendJson(res, 201, reviewResponse(resource, isObject(body) ? body : {}, user, this.deps.reviewToken, this.deps.authz, info.namespace));
      return;
    }
    const rs = this.storeFor(resource);
    const ns = resource.namespaced ? info.namespace : '';
    const dryRun = query.getAll('dryRun').includes('All');
    const fieldManager = query.get('fieldManager') ?? undefined;
    switch (info.verb) {
      case 'get':
        return this.get(req, res, rs, ns, info, query);
      case 'list':
        return this.list(req, res, rs, ns, query);
      case 'watch':
        return this.watch(req, res, rs, ns, info, query);
      case 'create':
        return this.create(req, res, rs, ns, info, query, { dryRun, fieldManager, user });
      case 'update':
        return this.update(req, res, rs, ns, info, query, { dryRun, fieldManager, user });
      case 'patch':
        return this.patch(req, res, rs, ns, info, query, { dryRun, fieldManager, user });
      case 'delete':
        return this.delete(req, res, rs, ns, info, query, dryRun);
      case 'deletecollection':
        return this.deleteCollection(req, res, rs, ns, query, dryRun);
      default:
        throw methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
  }

  private respondObject(req: IncomingMessage, res: ServerResponse, rs: ResourceStore, code: number, obj: StoredObject, query: URLSearchParams): void {
    const served = rs.served(obj);
    if (wantsTable(req.headers.accept)) {
      const conv = convertorFor(rs.res);
      const table = toTable(conv, [served], { now: this.clock(), includeObject: includeObject(query), resourceVersion: obj.metadata.resourceVersion });
      sendJson(res, code, table, TABLE_TYPE);
      return;
    }
    sendJson(res, code, served);
  }

  private get(req: IncomingMessage, res: ServerResponse, rs: ResourceStore, ns: string, info: RequestInfo, query: URLSearchParams): void | Promise<void> {
    if (isPod(rs.res) && info.subresource === 'log') return this.nodeProxy().serveLog(req, res, ns, info.name, query);
    // Upgrades to these arrive as 'upgrade' events (src/apiserver/upgrade.ts); a plain request cannot stream.
    if (isPod(rs.res) && isStreamingSubresource(info.subresource)) throw badRequest('Upgrade request required');
    const obj = rs.get(ns, info.name);
    if (info.subresource === 'scale') return sendJson(res, 200, scaleOf(rs.res, obj));
    if (info.subresource && info.subresource !== 'status') {
      throw statusError(400, 'BadRequest', `${rs.res.plural}/${info.subresource} is not served yet: it needs the node agent`);
    }
    this.respondObject(req, res, rs, 200, obj, query);
  }

  private keyPrefix(rs: ResourceStore, ns: string): string {
    return rs.res.namespaced && ns ? `${rs.res.prefix}${ns}/` : rs.res.prefix;
  }

  private async list(req: IncomingMessage, res: ServerResponse, rs: ResourceStore, ns: string, query: URLSearchParams): Promise<void> {
    const sel = selection(rs.res, query);
    const limit = Number(query.get('limit') ?? 0) || 0;
    const out = await listObjects(rs, this.deps.store, this.keyPrefix(rs, ns), sel, { limit, continueToken: query.get('continue') ?? '' });
    const items = out.items.map((o) => rs.served(o));
    if (wantsTable(req.headers.accept)) {
      const conv = convertorFor(rs.res);
      const table = toTable(conv, items, {
        now: this.clock(),
        includeObject: includeObject(query),
        resourceVersion: out.resourceVersion,
        continue: out.continue,
        remainingItemCount: out.remainingItemCount,
      });
      return sendJson(res, 200, table, TABLE_TYPE);
    }
    sendJson(res, 200, {
      kind: `${rs.res.kind}List`,
      apiVersion: groupVersion(rs.res),
      metadata: { resourceVersion: out.resourceVersion, ...(out.continue ? { continue: out.continue } : {}), ...(out.remainingItemCount !== undefined ? { remainingItemCount: out.remainingItemCount } : {}) },
      items,
    });
  }

  private async watch(req: IncomingMessage, res: ServerResponse, rs: ResourceStore, ns: string, info: RequestInfo, query: URLSearchParams): Promise<void> {
    if (info.name) query.set('fieldSelector', [query.get('fieldSelector'), `metadata.name=${info.name}`].filter(Boolean).join(','));
    const sel = selection(rs.res, query);
    const table = wantsTable(req.headers.accept);
    const conv = table ? convertorFor(rs.res) : undefined;
    const inc = includeObject(query);
    const timeout = query.get('timeoutSeconds');
    await serveWatch(req, res, rs, sel, {
      keyPrefix: this.keyPrefix(rs, ns),
      resourceVersion: query.get('resourceVersion') ?? '',
      timeoutSeconds: timeout ? Number(timeout) : undefined,
      bookmarks: parseBool(query.get('allowWatchBookmarks')),
      contentType: table ? TABLE_TYPE : JSON_TYPE,
      render: (obj, first) => (conv ? toTable(conv, [obj], { now: this.clock(), includeObject: inc, resourceVersion: obj.metadata.resourceVersion, noHeaders: !first }) : obj),
    });
  }

  private async readObject(req: IncomingMessage, rs: ResourceStore, query: URLSearchParams, res: ServerResponse, expectKind: { apiVersion: string; kind: string }): Promise<KubeObject> {
    const raw = await readBody(req);
    const body = decodeObject(raw, req.headers['content-type']);
    const isJson = mediaType(req.headers['content-type']) === 'application/json' || mediaType(req.headers['content-type']) === '';
    const duplicates = isJson && (query.get('fieldValidation') ?? 'Warn') !== 'Ignore' ? safeDuplicates(raw.toString('utf8')) : [];
    if (!isObject(body)) throw badRequest('the request body must be a JSON object');
    const obj = body as KubeObject;
    if (obj.apiVersion !== undefined && obj.apiVersion !== expectKind.apiVersion) {
      throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expectKind.apiVersion})`);
    }
    if (obj.kind !== undefined && obj.kind !== expectKind.kind) {
      throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${expectKind.kind})`);
    }
    this.checkFields(rs, obj, query, res, duplicates);
    return obj;
  }

  /** fieldValidation: Strict rejects unknown fields (400), Warn (the default) answers with Warning headers. */
  private checkFields(rs: ResourceStore, obj: KubeObject, query: URLSearchParams, res: ServerResponse, duplicates: string[] = []): void {
    const mode = query.get('fieldValidation') ?? 'Warn';
    if (mode === 'Ignore') return;
    if (mode !== 'Strict' && mode !== 'Warn') throw badRequest(`fieldValidation must be one of "Ignore", "Warn" or "Strict", not "${mode}"`);
    const problems = [...unknownFields(rs.res, obj).map((f) => `unknown field "${f}"`), ...duplicates.map((f) => `duplicate field "${f}"`)];
    if (problems.length === 0) return;
    if (mode === 'Strict') {
      throw badRequest(`${rs.res.kind} in version "${rs.res.version}" cannot be handled as a ${rs.res.kind}: strict decoding error: ${problems.join(', ')}`);
    }
    res.setHeader('Warning', problems.map((p) => `299 - ${JSON.stringify(p)}`));
  }

  private async create(req: IncomingMessage, res: ServerResponse, rs: ResourceStore, ns: string, info: RequestInfo, query: URLSearchParams, opts: { dryRun: boolean; fieldManager?: string; user?: UserInfo }): Promise<void> {
    if (info.subresource) return this.createSubresource(req, res, rs, ns, info, query);
    if (rs.res.namespaced && !ns) throw badRequest('the namespace of the object is required');
    if (rs.res.crd && this.crdTerminating(rs.res)) {
      throw methodNotAllowed(`create not allowed while custom resource definition is terminating`);
    }
    const obj = await this.readObject(req, rs, query, res, { apiVersion: groupVersion(rs.res), kind: rs.res.kind });
    const created = await rs.create(ns, obj, this.tracked(req, rs, opts));
    this.respondObject(req, res, rs, 201, created, query);
  }

  /** Whether the CRD behind a custom resource is being deleted (its CRs are being cleaned up). */
  private crdTerminating(res: Resource): boolean {
    const crdRes = this.deps.registry.lookup('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
    const crd = crdRes && res.crd ? this.deps.caches.get(crdRes.prefix)?.get(`${crdRes.prefix}${res.crd.name}`) : undefined;
    return crd?.metadata.deletionTimestamp !== undefined;
  }

  private async createSubresource(req: IncomingMessage, res: ServerResponse, rs: ResourceStore, ns: string, info: RequestInfo, query: URLSearchParams): Promise<void> {
    if (isPod(rs.res) && isStreamingSubresource(info.subresource)) throw badRequest('Upgrade request required');
    const body = decodeObject(await readBody(req), req.headers['content-type']);
    const b = isObject(body) ? body : {};
    if (rs.res.kind === 'Pod' && rs.res.group === '' && info.subresource === 'binding') {
      const target = isObject(b['target']) ? b['target'] : {};
      const node = typeof target['name'] === 'string' ? target['name'] : '';
      if (!node) throw statusError(422, 'Invalid', 'Binding.target.name: Required value');
      await rs.guaranteedUpdate(ns, info.name, { subresource: 'binding' }, (pod) => {
        const spec = (pod['spec'] ?? {}) as Record<string, unknown>;
        if (pod.metadata?.deletionTimestamp) throw statusError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${info.name}": pod ${info.name} is being deleted, cannot be assigned to a host`);
        const assigned = spec['nodeName'];
        if (typeof assigned === 'string' && assigned) throw statusError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${info.name}": pod ${info.name} is already assigned to node "${assigned}"`);
        spec['nodeName'] = node;
        pod['spec'] = spec;
        return pod;
      });
      // The scheduled condition is status: set it through the status path, as the scheduler does.
      await rs.guaranteedUpdate(ns, info.name, { subresource: 'status' }, (pod) => {
        const status = (pod['status'] ?? {}) as { conditions?: Array<Record<string, unknown>> };
        const conds = (status.conditions ?? []).filter((c) => c['type'] !== 'PodScheduled');
        conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(this.clock()) });
        pod['status'] = { ...status, conditions: conds };
        return pod;
      });
      return sendJson(res, 201, success());
    }
    if (rs.res.kind === 'Pod' && rs.res.group === '' && info.subresource === 'eviction') {
      // An Eviction is a delete with the Eviction's deleteOptions (and the request's dryRun).
      const opts = deleteOptionsFrom(isObject(b['deleteOptions']) ? b['deleteOptions'] : {}, query, query.getAll('dryRun').includes('All'));
      await rs.delete(ns, info.name, opts);
      return sendJson(res, 201, success());
    }
    if (rs.res.kind === 'ServiceAccount' && rs.res.group === '' && info.subresource === 'token') {
      const tokens = this.deps.serviceAccountTokens;
      if (!tokens) throw statusError(503, 'ServiceUnavailable', 'the API server has no ServiceAccount signing key');
      const core = (plural: string) => {
        const r = this.deps.registry.lookup('', 'v1', plural);
        if (!r) throw statusError(500, 'InternalError', `Internal error occurred: ${plural} are not served`);
        return this.storeFor(r);
      };
      const out = createTokenRequest({ tokens, get: (plural, namespace, name) => core(plural).get(namespace, name), now: this.clock }, ns, info.name, b);
      return sendJson(res, 201, out);
    }
    throw statusError(400, 'BadRequest', `${rs.res.plural}/${info.subresource} is not supported yet`);
  }

  private async update(req: IncomingMessage, res: ServerResponse, rs: ResourceStore, ns: string, info: RequestInfo, query: URLSearchParams, opts: { dryRun: boolean; fieldManager?: string; user?: UserInfo }): Promise<void> {
    if (info.subresource === 'scale') {
      const body = decodeObject(await readBody(req), req.headers['content-type']);
      const scale = isObject(body) ? body : {};
      const updated = await rs.guaranteedUpdate(ns, info.name, this.tracked(req, rs, opts, 'scale'), (cur) => setScale(rs.res, cur, scale, true));
      return sendJson(res, 200, scaleOf(rs.res, updated));
    }
    const expect = info.subresource === 'finalize' ? { apiVersion: 'v1', kind: 'Namespace' } : { apiVersion: groupVersion(rs.res), kind: rs.res.kind };
    const obj = await this.readObject(req, rs, query, res, expect);
    if (info.subresource === 'finalize') {
      const finalizers = ((obj['spec'] ?? {}) as { finalizers?: string[] }).finalizers ?? [];
      const out = await rs.guaranteedUpdate(ns, info.name, { ...opts, subresource: 'finalize' }, (cur) => {
        cur['spec'] = { ...((cur['spec'] ?? {})), finalizers };
        return cur;
      });
      // A terminating namespace with nothing left to finalize goes away.
      if (out.metadata.deletionTimestamp && finalizers.length === 0 && (out.metadata.finalizers ?? []).length === 0) {
        const gone = await rs.delete(ns, info.name, {}).catch(() => undefined);
        return this.respondObject(req, res, rs, 200, gone?.object ?? out, query);
      }
      return this.respondObject(req, res, rs, 200, out, query);
    }
    const sub = info.subresource || undefined;
    const updated = await rs.update(ns, info.name, obj, { ...this.tracked(req, rs, opts, sub), subresource: sub });
    this.respondObject(req, res, rs, 200, updated, query);
  }

  private async patch(req: IncomingMessage, res: ServerResponse, rs: ResourceStore, ns: string, info: RequestInfo, query: URLSearchParams, opts: { dryRun: boolean; fieldManager?: string; user?: UserInfo }): Promise<void> {
    const mt = mediaType(req.headers['content-type']);
    const patch = decodePatchBody(mt, await readBody(req));
    const sub = info.subresource || undefined;
    if (sub === 'scale') {
      const updated = await rs.guaranteedUpdate(ns, info.name, this.tracked(req, rs, opts, 'scale'), (cur) => setScale(rs.res, cur, patchObject(rs.res, mt, scaleOf(rs.res, cur), patch), false));
      return sendJson(res, 200, scaleOf(rs.res, updated));
    }
    if (mt !== APPLY_PATCH_TYPE) {
      const updated = await rs.guaranteedUpdate(ns, info.name, { ...this.tracked(req, rs, opts, sub), subresource: sub }, (cur) => {
        const out = patchObject(rs.res, mt, cur, patch);
        // A resourceVersion the patch sets is a precondition, as upstream: a stale one is a conflict.
        const rv = out.metadata?.resourceVersion;
        if (rv && rv !== cur.metadata?.resourceVersion) throw conflict({ group: rs.res.group, resource: rs.res.plural }, info.name);
        return out;
      });
      return this.respondObject(req, res, rs, 200, updated, query);
    }
    if (!opts.fieldManager) throw badRequest('PATCH, application/apply-patch+yaml requires fieldManager to be set');
    if (isObject(patch)) this.checkFields(rs, patch, query, res);
    const name = isObject(patch) && isObject(patch['metadata']) ? patch['metadata']['name'] : undefined;
    if (typeof name === 'string' && name !== info.name) throw badRequest(`the name of the object (${name}) does not match the name on the URL (${info.name})`);
    const applyOpts = { manager: opts.fieldManager, force: parseBool(query.get('force')), subresource: sub, now: rfc3339(this.clock()) };
    // The managedFields apply computed, put back after the strategy prepared the object (a status
    // update keeps the old metadata).
    let managed: unknown;
    const keep = (next: StoredObject) => {
      if (managed === undefined) delete next.metadata.managedFields;
      else next.metadata.managedFields = managed as unknown[];
    };
    const withManaged = (o: KubeObject): KubeObject => {
      managed = o.metadata?.managedFields;
      return o;
    };
    if (!sub && !rs.cache().get(rs.key(ns, info.name))) {
      const applied = withManaged(applyConfiguration(rs.res, undefined, patch, applyOpts));
      const obj = { ...applied, metadata: { ...(applied.metadata ?? {}), name: info.name } };
      const created = await rs.create(ns, obj, { dryRun: opts.dryRun, manageFields: keep });
      return this.respondObject(req, res, rs, 201, created, query);
    }
    const updated = await rs.guaranteedUpdate(ns, info.name, { dryRun: opts.dryRun, subresource: sub, manageFields: keep }, (cur) =>
      withManaged(applyConfiguration(rs.res, cur, patch, applyOpts)),
    );
    this.respondObject(req, res, rs, 200, updated, query);
  }

  /** Write options that record the request's manager in managedFields. */
  private tracked(req: IncomingMessage, rs: ResourceStore, opts: { dryRun: boolean; fieldManager?: string; user?: UserInfo }, subresource?: string): WriteOptions {
    const { user, ...rest } = opts;
    const manager = managerOrUserAgent(opts.fieldManager, req.headers['user-agent']);
    const authz = this.deps.authz;
    // RBAC objects written by a user RBAC judges may grant only what that user holds.
    const guard =
      user && authz instanceof ClusterAuthorizer && authz.judgedByRbac(user) && rs.res.group === 'rbac.authorization.k8s.io'
        ? (next: StoredObject) => confirmNoEscalation(authz.rbac, authz, user, rs.res.group, { plural: rs.res.plural, namespace: next.metadata.namespace ?? '', obj: next })
        : undefined;
    return { ...rest, manageFields: (next, live) => trackWrite(rs.res, live, next, { manager, subresource, now: rfc3339(this.clock()) }), ...(guard ? { authorizeWrite: guard } : {}) };
  }

  private async deleteOptions(req: IncomingMessage, query: URLSearchParams, dryRun: boolean): Promise<DeleteOptions> {
    const raw = await readBody(req);
    const body = raw.length ? decodeObject(raw, req.headers['content-type']) : {};
    return deleteOptionsFrom(isObject(body) ? body : {}, query, dryRun);
  }

  private async delete(req: IncomingMessage, res: ServerResponse, rs: ResourceStore, ns: string, info: RequestInfo, query: URLSearchParams, dryRun: boolean): Promise<void> {
    const opts = await this.deleteOptions(req, query, dryRun);
    const out = await rs.delete(ns, info.name, opts);
    if (out.pending) return this.respondObject(req, res, rs, 200, out.object, query);
    sendJson(res, 200, success({ name: info.name, group: rs.res.group || undefined, kind: rs.res.plural, uid: out.object.metadata.uid }));
  }

  private async deleteCollection(req: IncomingMessage, res: ServerResponse, rs: ResourceStore, ns: string, query: URLSearchParams, dryRun: boolean): Promise<void> {
    const opts = await this.deleteOptions(req, query, dryRun);
    const sel = selection(rs.res, query);
    const items: StoredObject[] = [];
    for (const [, obj] of rs.cache().list(this.keyPrefix(rs, ns))) if (sel.matches(obj)) items.push(obj);
    const deleted: StoredObject[] = [];
    for (const obj of items) {
      try {
        const out = await rs.delete(obj.metadata.namespace ?? '', obj.metadata.name ?? '', opts);
        deleted.push(out.object);
      } catch (e) {
        if (!isNotFound(e)) throw e; // already gone: deleted by someone else meanwhile
      }
    }
    sendJson(res, 200, { kind: `${rs.res.kind}List`, apiVersion: groupVersion(rs.res), metadata: { resourceVersion: String(rs.cache().revision) }, items: deleted.map((o) => rs.served(o)) });
  }
}

const isPod = (res: Resource) => res.kind === 'Pod' && res.group === '';

function includeObject(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** Printer columns: a CRD's additionalPrinterColumns, else the kind's built-in table. */
function convertorFor(res: Resource): TableConvertor {
  if (res.crd) {
    try {
      return crdTableConvertor(res.crd.columns ?? []);
    } catch {
      return crdTableConvertor([]);
    }
  }
  return tableConvertorFor(res.group, res.kind);
}

/** DeleteOptions from a body (DeleteOptions, or an Eviction's deleteOptions) and the query. */
function deleteOptionsFrom(b: Record<string, unknown>, query: URLSearchParams, dryRun: boolean): DeleteOptions {
  const grace = query.get('gracePeriodSeconds') ?? (typeof b['gracePeriodSeconds'] === 'number' ? String(b['gracePeriodSeconds']) : null);
  let policy = (query.get('propagationPolicy') ?? b['propagationPolicy']) as DeleteOptions['propagationPolicy'] | undefined;
  const orphan = query.get('orphanDependents') ?? (typeof b['orphanDependents'] === 'boolean' ? String(b['orphanDependents']) : null);
  if (!policy && orphan !== null) policy = parseBool(orphan) ? 'Orphan' : 'Background';
  if (policy && !['Orphan', 'Background', 'Foreground'].includes(policy)) throw badRequest(`propagationPolicy must be one of Orphan, Background or Foreground, not ${String(policy)}`);
  const pre = isObject(b['preconditions']) ? (b['preconditions'] as DeleteOptions['preconditions']) : undefined;
  return {
    dryRun: dryRun || (Array.isArray(b['dryRun']) && (b['dryRun'] as unknown[]).includes('All')),
    gracePeriodSeconds: grace !== null ? Number(grace) : undefined,
    propagationPolicy: policy,
    preconditions: pre,
  };
}

/** Duplicate-field detection never turns a body JSON.parse accepted into a 500 (deep nesting). */
function safeDuplicates(text: string): string[] {
  try {
    return duplicateJsonFields(text);
  } catch {
    return [];
  }
}
