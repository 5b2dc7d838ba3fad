/**
 * Parses a request path into what it addresses, the way kube-apiserver's RequestInfoFactory does:
 * `/api/v1/namespaces/ns/pods/web/status` → group '', version v1, namespace ns, resource pods,
 * name web, subresource status, and the verb from the method (+ `watch` query).
 */

export interface RequestInfo {
  /** True for /api/... and /apis/<g>/<v>/... paths that address resources. */
  isResourceRequest: boolean;
  path: string;
  verb: string;
  group: string;
  version: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Path segments after the subresource (pods/x/proxy/...). */
  rest: string[];
}

import { badRequest } from '../../api/errors.js';

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Go's strconv.ParseBool, as kube-apiserver parses boolean query parameters (watch=True, 1, t). */
export function parseBool(v: string | null | undefined): boolean {
  return v !== null && v !== undefined && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);
}

export function requestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const clean = path.replace(/\/+$/, '') || '/';
  const info: RequestInfo = {
    isResourceRequest: false,
    path: clean,
    verb: method.toLowerCase(),
    group: '',
    version: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    rest: [],
  };
  let parts: string[];
  try {
    parts = clean.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
  } catch {
    throw badRequest(`invalid escape in the request path: ${clean}`);
  }
  if (parts[0] === 'api') parts = parts.slice(1);
  else if (parts[0] === 'apis') {
    if (parts.length < 3) return info;
    info.group = parts[1] ?? '';
    parts = parts.slice(2);
  } else return info;
  if (parts.length < 2) {
    info.version = parts[0] ?? '';
    return info;
  }
  info.version = parts[0] ?? '';
  parts = parts.slice(1);
  info.isResourceRequest = true;
  if (parts[0] === 'namespaces' && parts.length > 1) {
    info.namespace = parts[1] ?? '';
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] ?? '')) parts = parts.slice(2);
  }
  info.resource = parts[0] ?? '';
  info.name = parts[1] ?? '';
  info.subresource = parts[2] ?? '';
  info.rest = parts.slice(3);
  if (info.resource === 'namespaces') info.namespace = '';
  switch (method) {
    case 'GET':
    case 'HEAD':
      info.verb = info.name ? 'get' : parseBool(query.get('watch')) ? 'watch' : 'list';
      if (info.name && parseBool(query.get('watch'))) info.verb = 'watch';
      break;
    case 'POST':
      info.verb = 'create';
      break;
    case 'PUT':
      info.verb = 'update';
      break;
    case 'PATCH':
      info.verb = 'patch';
      break;
    case 'DELETE':
      info.verb = info.name ? 'delete' : 'deletecollection';
      break;
    default:
      info.verb = method.toLowerCase();
  }
  return info;
}
