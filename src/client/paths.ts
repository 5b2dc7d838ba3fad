/** REST paths and query strings as kube-apiserver routes them. */
import type { Query } from './types.js';

/** Which resource a client talks to. `group` is '' for the core group. */
export interface ResourceDescriptor {
  group: string;
  version: string;
  /** The plural, lower-case resource name (`pods`, `deployments`). */
  resource: string;
  namespaced: boolean;
  /** The kind, filled into created objects that lack one (`Pod`). */
  kind?: string;
}

/** Where in a resource a request goes. */
export interface PathTarget {
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/** `apiVersion` as objects carry it: `v1` or `apps/v1`. */
export function apiVersionOf(d: Pick<ResourceDescriptor, 'group' | 'version'>): string {
  return d.group === '' ? d.version : `${d.group}/${d.version}`;
}

/**
 * The path of a collection, object or subresource, e.g. `/api/v1/namespaces/ns/pods/p/status`.
 * A namespaced resource without a namespace yields the all-namespaces collection.
 */
export function resourcePath(d: ResourceDescriptor, target: PathTarget = {}): string {
  let p = groupVersionPath(d.group, d.version);
  if (d.namespaced && target.namespace) p += `/namespaces/${encodeURIComponent(target.namespace)}`;
  p += `/${d.resource}`;
  if (target.name !== undefined) {
    if (target.name === '') throw new Error(`resource name may not be empty (${d.resource})`);
    p += `/${encodeURIComponent(target.name)}`;
    if (target.subresource) p += `/${target.subresource}`;
  }
  return p;
}

/** Encodes a query: undefined values are dropped, arrays repeat the key, booleans print `true`/`false`. */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v as readonly string[]) params.append(k, item);
    else params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}
