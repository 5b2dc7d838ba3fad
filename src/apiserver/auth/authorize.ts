/**
 * The authorization seam and the default policy used until RBAC lands, with Forbidden errors worded
 * exactly as kube-apiserver's responsewriters.Forbidden words them.
 */
import { statusError, type ApiError, type StatusDetails } from '../../api/errors.js';
import { Groups, type UserInfo } from './user.js';

/** What a request wants to do, as k8s.io/apiserver's authorizer.Attributes. */
export interface AuthorizationAttributes {
  user: UserInfo;
  /** get, list, watch, create, update, patch, delete, deletecollection; for non-resource requests the lowercased HTTP method. */
  verb: string;
  /** API group; '' for the core group. */
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** The URL path; what non-resource requests are judged on. */
  path?: string;
  resourceRequest: boolean;
}

/** An authorizer's verdict; `reason` is appended to the Forbidden message when present. */
export interface Decision {
  allowed: boolean;
  reason?: string;
}

/** Decides whether a request may proceed; RBAC will be one implementation. */
export interface Authorizer {
  authorize(attrs: AuthorizationAttributes): Decision;
}

/**
 * Non-resource paths anonymous users may GET, in RBAC's nonResourceURLs syntax (exact, or a prefix
 * ending in `*`): upstream's system:public-info-viewer paths plus discovery and OpenAPI.
 */
export const ANONYMOUS_PATHS: readonly string[] = [
  '/version', '/version/',
  '/healthz', '/healthz/*', '/livez', '/livez/*', '/readyz', '/readyz/*',
];

/** The wider set (discovery and OpenAPI too) that Kubernetes before 1.14 gave anonymous users. */
export const ANONYMOUS_DISCOVERY_PATHS: readonly string[] = [...ANONYMOUS_PATHS, '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*'];

/** RBAC's NonResourceURLMatches: `*` alone matches all, a trailing `*` matches a prefix. */
export function nonResourceUrlMatches(rule: string, path: string): boolean {
  if (rule === '*' || rule === path) return true;
  return rule.endsWith('*') && path.startsWith(rule.slice(0, -1));
}

/**
 * The policy until RBAC: members of system:masters and every authenticated user may do anything;
 * anyone else (system:anonymous) may only GET the non-resource paths in `anonymousPaths`.
 * By default these are system:public-info-viewer's paths (version and health), as upstream since
 * 1.14: discovery and OpenAPI need credentials.
 */
export class DefaultAuthorizer implements Authorizer {
  constructor(private readonly anonymousPaths: readonly string[] = ANONYMOUS_PATHS) {}

  authorize(attrs: AuthorizationAttributes): Decision {
    const groups = attrs.user.groups;
    if (groups.includes(Groups.masters) || groups.includes(Groups.authenticated)) return { allowed: true };
    if (attrs.resourceRequest || attrs.verb !== 'get' || attrs.path === undefined) return { allowed: false };
    const path = attrs.path;
    return { allowed: this.anonymousPaths.some((rule) => nonResourceUrlMatches(rule, path)) };
  }
}

/** Go's `%q` (strconv.Quote) for the strings that occur here. */
export function goQuote(s: string): string {
  const named: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (named[ch] !== undefined) out += named[ch];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** Upstream's sanitizer: the message must not look like HTML. */
const sanitize = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The inner Forbidden text: `User "u" cannot list resource "pods" in API group "" in the namespace
 * "default"`, `... at the cluster scope`, or `User "u" cannot get path "/x"`.
 */
export function forbiddenMessage(a: AuthorizationAttributes): string {
  const user = goQuote(a.user.name);
  if (!a.resourceRequest) return `User ${user} cannot ${a.verb} path ${goQuote(a.path ?? '')}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const head = `User ${user} cannot ${a.verb} resource ${goQuote(resource)} in API group ${goQuote(a.group)}`;
  return a.namespace ? `${head} in the namespace ${goQuote(a.namespace)}` : `${head} at the cluster scope`;
}

/**
 * The 403 error kube-apiserver sends for a denied request (apierrors.NewForbidden around the
 * sanitized message and optional reason), e.g. `pods is forbidden: User "system:anonymous" cannot
 * list resource "pods" in API group "" in the namespace "default"`, details `{kind: "pods"}`; for
 * non-resource requests `forbidden: User ... cannot get path "/x"` with empty details.
 */
export function forbiddenError(a: AuthorizationAttributes, reason?: string): ApiError {
  const msg = sanitize(forbiddenMessage(a));
  const err = reason ? `${msg}: ${reason}` : msg;
  const group = a.resourceRequest ? a.group : '';
  const resource = a.resourceRequest ? a.resource : '';
  const name = a.resourceRequest ? (a.name ?? '') : '';
  const qualified = group ? `${resource}.${group}` : resource;
  let message: string;
  if (!group && !resource) message = `forbidden: ${err}`;
  else if (!name) message = `${qualified} is forbidden: ${err}`;
  else message = `${qualified} ${goQuote(name)} is forbidden: ${err}`;
  // Go omits empty detail fields (omitempty) but always sends the details object.
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (group) details.group = group;
  if (resource) details.kind = resource;
  return statusError(403, 'Forbidden', message, details);
}
