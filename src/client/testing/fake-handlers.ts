/**
 * CRUD for the fake API server: create, get, list (paged), update (optimistic concurrency),
 * status updates, the four patch types, delete with preconditions, and deletecollection, each
 * answering what kube-apiserver answers (status codes and Status reasons). Test-only.
 */
import { randomBytes } from 'node:crypto';
import { alreadyExists, badRequest, conflict, gone, notFound, statusError, unsupportedMediaType } from '../../api/errors.js';
import { applyPatch, isPatchContentType } from '../../api/patch.js';
import { apiVersionOf } from '../paths.js';
import { objKey, type FakeResource, type FakeState, type Filter, type Obj } from './fake-state.js';

/** A parsed request for one resource. */
export interface Call {
  res: FakeResource;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
  body: unknown;
  contentType: string;
}

/** A reply: HTTP code and JSON body. */
export interface Reply {
  code: number;
  body: unknown;
}

const gr = (c: Call) => ({ group: c.res.group, resource: c.res.resource });
const dry = (c: Call) => c.query.getAll('dryRun').includes('All');
const asObj = (c: Call): Obj => {
  const b = c.body as Partial<Obj> | null;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw badRequest('the request body must be a JSON object');
  return { ...b, metadata: { ...(b.metadata ?? {}) } };
};
const keyOf = (c: Call, name: string) => (c.res.namespaced && c.namespace ? `${c.namespace}/${name}` : name);

function existing(state: FakeState, c: Call): Obj {
  const o = state.bucket(c.res).get(keyOf(c, c.name ?? ''));
  if (!o) throw notFound(gr(c), c.name ?? '');
  return o;
}

/** The filter a list/watch/deletecollection call asks for. */
export function filterOf(c: Call): Filter {
  return { res: c.res, namespace: c.namespace, labelSelector: c.query.get('labelSelector') ?? undefined, fieldSelector: c.query.get('fieldSelector') ?? undefined };
}

/** GET of a collection, paged by limit/continue (a continue token older than compaction is 410). */
export function list(state: FakeState, c: Call): Reply {
  const limit = Number(c.query.get('limit') ?? 0);
  const token = c.query.get('continue');
  let listRv = state.rv;
  let after = '';
  if (token) {
    const t = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { rv: number; after: string };
    if (t.rv < state.compactedRv) throw gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
    listRv = t.rv;
    after = t.after;
  }
  let items = state.list(filterOf(c)).filter((o) => objKey(o) > after);
  let cont: string | undefined;
  if (limit > 0 && items.length > limit) {
    items = items.slice(0, limit);
    const last = items[items.length - 1];
    cont = Buffer.from(JSON.stringify({ rv: listRv, after: last ? objKey(last) : '' })).toString('base64');
  }
  const metadata = { resourceVersion: String(listRv), ...(cont ? { continue: cont } : {}) };
  return { code: 200, body: { kind: `${c.res.kind}List`, apiVersion: apiVersionOf(c.res), metadata, items } };
}

/** GET of one object. */
export function get(state: FakeState, c: Call): Reply {
  return { code: 200, body: existing(state, c) };
}

/** POST: generateName, AlreadyExists, namespace checks, dryRun. */
export function create(state: FakeState, c: Call): Reply {
  const obj = asObj(c);
  if (c.res.namespaced) {
    if (obj.metadata.namespace && obj.metadata.namespace !== c.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    obj.metadata.namespace = c.namespace;
  }
  if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = obj.metadata.generateName + randomBytes(3).toString('hex').slice(0, 5);
  const name = obj.metadata.name;
  if (!name) throw statusError(422, 'Invalid', `${c.res.kind} "" is invalid: metadata.name: Required value: name or generateName is required`);
  if (state.bucket(c.res).has(keyOf(c, name))) throw alreadyExists(gr(c), name);
  if (obj.metadata.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
  obj.apiVersion = apiVersionOf(c.res);
  obj.kind = c.res.kind;
  obj.metadata.generation = 1;
  if (dry(c)) return { code: 201, body: obj };
  return { code: 201, body: state.write(c.res, 'ADDED', obj) };
}

function replace(state: FakeState, c: Call, next: Obj): Reply {
  const old = existing(state, c);
  const name = c.name ?? '';
  if (next.metadata.resourceVersion && next.metadata.resourceVersion !== old.metadata.resourceVersion) throw conflict(gr(c), name);
  let merged: Obj;
  if (c.subresource === 'status') merged = { ...old, status: next['status'] };
  else {
    merged = { ...next, apiVersion: apiVersionOf(c.res), kind: c.res.kind };
    merged.metadata = { ...next.metadata, name, namespace: old.metadata.namespace, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp };
    if (c.res.status) merged['status'] = old['status'];
    const specChanged = JSON.stringify(next['spec']) !== JSON.stringify(old['spec']);
    merged.metadata.generation = (old.metadata.generation ?? 1) + (specChanged ? 1 : 0);
  }
  if (dry(c)) return { code: 200, body: merged };
  return { code: 200, body: state.write(c.res, 'MODIFIED', merged, old) };
}

/** PUT of the object or its status (409 on a stale resourceVersion). */
export function update(state: FakeState, c: Call): Reply {
  const next = asObj(c);
  if (next.metadata.name && next.metadata.name !== c.name) throw badRequest('the name of the object does not match the name on the URL');
  return replace(state, c, next);
}

/** PATCH: merge, strategic (as merge without schema), JSON patch, and apply (creates when absent). */
export function patch(state: FakeState, c: Call): Reply {
  const name = c.name ?? '';
  if (c.contentType === 'application/apply-patch+yaml') {
    if (!c.query.get('fieldManager')) throw badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    if (!state.bucket(c.res).has(keyOf(c, name))) return create(state, { ...c, body: { ...asObj(c), metadata: { ...asObj(c).metadata, name } } });
    return replace(state, c, applyPatch('application/merge-patch+json', existing(state, c), c.body) as Obj);
  }
  if (!isPatchContentType(c.contentType)) throw unsupportedMediaType(c.contentType);
  const old = existing(state, c);
  const next = applyPatch(c.contentType, old, c.body) as Obj;
  return replace(state, c, { ...next, metadata: { ...next.metadata, resourceVersion: next.metadata.resourceVersion ?? old.metadata.resourceVersion } });
}

function preconditionsHold(c: Call, o: Obj): void {
  const pre = (c.body as { preconditions?: { uid?: string; resourceVersion?: string } } | undefined)?.preconditions;
  if (pre?.uid && pre.uid !== o.metadata.uid) throw conflict(gr(c), o.metadata.name ?? '', `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${o.metadata.uid ?? ''}`);
  if (pre?.resourceVersion && pre.resourceVersion !== o.metadata.resourceVersion) throw conflict(gr(c), o.metadata.name ?? '', `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${o.metadata.resourceVersion ?? ''}`);
}

/** DELETE of one object, honouring preconditions; answers the deleted object. */
export function remove(state: FakeState, c: Call): Reply {
  const old = existing(state, c);
  preconditionsHold(c, old);
  if (dry(c)) return { code: 200, body: old };
  return { code: 200, body: state.write(c.res, 'DELETED', old, old) };
}

/** DELETE of a collection by selectors; answers the deleted objects as a list. */
export function removeCollection(state: FakeState, c: Call): Reply {
  const items = state.list(filterOf(c));
  const deleted = dry(c) ? items : items.map((o) => state.write(c.res, 'DELETED', o, o));
  return { code: 200, body: { kind: `${c.res.kind}List`, apiVersion: apiVersionOf(c.res), metadata: { resourceVersion: String(state.rv) }, items: deleted } };
}

/** Which resource, namespace, name and subresource an API path addresses (undefined: not served). */
export function route(path: string, resources: FakeResource[]): Omit<Call, 'query' | 'body' | 'contentType'> | undefined {
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.*)$/.exec(path.replace(/\/$/, ''));
  if (!m) return undefined;
  const group = m[2] ?? '';
  const version = m[1] ?? m[3] ?? '';
  let segs = (m[4] ?? '').split('/').map(decodeURIComponent);
  const find = (r: string) => resources.find((x) => x.group === group && x.version === version && x.resource === r);
  let namespace: string | undefined;
  if (segs[0] === 'namespaces' && segs.length >= 3 && find(segs[2] ?? '')?.namespaced) {
    namespace = segs[1];
    segs = segs.slice(2);
  }
  const res = find(segs[0] ?? '');
  if (!res || segs.length > 3) return undefined;
  return { res, namespace, name: segs[1], subresource: segs[2] };
}
