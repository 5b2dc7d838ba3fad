/**
 * Create-only "review" resources answered on the spot (nothing stored): self-subject access
 * reviews (`kubectl auth can-i`), self-subject reviews (`kubectl auth whoami`), token reviews.
 * Access reviews ask the API server's authorizer (RBAC for ServiceAccounts, the pre-RBAC policy for
 * the rest); rules reviews list RBAC's rules for ServiceAccounts and everything for the rest.
 */
import { badRequest, field, invalid } from '../../api/errors.js';
import type { AuthorizationAttributes, Authorizer, UserInfo } from '../auth.js';
import { ClusterAuthorizer, isServiceAccountUser } from '../auth/rbac.js';
import { isObject, type KubeObject } from '../object.js';
import type { Resource } from '../registry.js';
import { groupVersion } from '../resources.js';

/** Authenticates a TokenReview's token for `audiences` (empty: the API server's own). */
export type TokenReviewer = (token: string, audiences: string[]) => { user?: UserInfo; audiences?: string[]; error?: string };

/** authentication.k8s.io UserInfo, its empty fields left out as Go's omitempty does. */
function userInfo(u: UserInfo): Record<string, unknown> {
  return { username: u.name, ...(u.uid ? { uid: u.uid } : {}), ...(u.groups.length ? { groups: u.groups } : {}), ...(u.extra && Object.keys(u.extra).length ? { extra: u.extra } : {}) };
}

function tokenReviewStatus(body: KubeObject, review: TokenReviewer | undefined): Record<string, unknown> {
  const spec = isObject(body['spec']) ? body['spec'] : {};
  const token = typeof spec['token'] === 'string' ? spec['token'] : '';
  if (!token) throw badRequest('token is required for TokenReview in authentication');
  const audiences = Array.isArray(spec['audiences']) ? spec['audiences'].map(String) : [];
  if (!review) return { authenticated: false, user: {}, error: 'token review is not available on this server' };
  const r = review(token, audiences);
  if (!r.user) return { authenticated: false, user: {}, ...(r.error ? { error: r.error } : {}) };
  return { authenticated: true, user: userInfo(r.user), ...(r.audiences?.length ? { audiences: r.audiences } : {}) };
}

/** The user a SubjectAccessReview asks about (spec.user, groups, uid, extra). */
function subjectOf(spec: Record<string, unknown>): UserInfo {
  const strings = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  const extra = isObject(spec['extra']) ? Object.fromEntries(Object.entries(spec['extra']).map(([k, v]) => [k, strings(v)])) : undefined;
  return { name: typeof spec['user'] === 'string' ? spec['user'] : '', groups: strings(spec['groups']), ...(typeof spec['uid'] === 'string' ? { uid: spec['uid'] } : {}), ...(extra ? { extra } : {}) };
}

/** An access review's answer: the authorizer's verdict on the attributes in its spec. */
function accessReviewStatus(kind: string, body: KubeObject, requester: UserInfo, authz: Authorizer | undefined, urlNamespace: string): Record<string, unknown> {
  const spec = isObject(body['spec']) ? body['spec'] : {};
  const user = kind === 'SelfSubjectAccessReview' ? requester : subjectOf(spec);
  if (kind !== 'SelfSubjectAccessReview' && !user.name && user.groups.length === 0) {
    throw invalid({ group: 'authorization.k8s.io', kind }, '', [field.invalid('spec.user', '', 'at least one of user or group must be specified')]);
  }
  const ra = isObject(spec['resourceAttributes']) ? spec['resourceAttributes'] : undefined;
  const nra = isObject(spec['nonResourceAttributes']) ? spec['nonResourceAttributes'] : undefined;
  const s = (o: Record<string, unknown> | undefined, k: string) => (o && typeof o[k] === 'string' ? o[k] : '');
  if (!ra === !nra) throw invalid({ group: 'authorization.k8s.io', kind }, '', [field.invalid('spec.resourceAttributes', ra ? 'resourceAttributes' : 'null', 'exactly one of nonResourceAttributes or resourceAttributes must be specified')]);
  // A local review is about the namespace in its URL, and may not name another.
  if (kind === 'LocalSubjectAccessReview') {
    if (nra) throw invalid({ group: 'authorization.k8s.io', kind }, '', [field.forbidden('spec.nonResourceAttributes', 'disallowed on this kind of request')]);
    if (s(ra, 'namespace') && s(ra, 'namespace') !== urlNamespace) throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${urlNamespace}`);
  }
  const namespace = kind === 'LocalSubjectAccessReview' ? urlNamespace : s(ra, 'namespace');
  const attrs: AuthorizationAttributes = ra
    ? { user, verb: s(ra, 'verb'), group: s(ra, 'group'), resource: s(ra, 'resource'), subresource: s(ra, 'subresource') || undefined, namespace: namespace || undefined, name: s(ra, 'name') || undefined, resourceRequest: true }
    : { user, verb: s(nra, 'verb'), group: '', resource: '', path: s(nra, 'path'), resourceRequest: false };
  const d = authz ? authz.authorize(attrs) : { allowed: user.name !== 'system:anonymous' };
  return { allowed: d.allowed, ...(d.reason ? { reason: d.reason } : {}) };
}

/** A SelfSubjectRulesReview's answer: RBAC's rules for ServiceAccounts, everything for the rest. */
function rulesReviewStatus(body: KubeObject, user: UserInfo, authz: Authorizer | undefined): Record<string, unknown> {
  const spec = isObject(body['spec']) ? body['spec'] : {};
  const namespace = typeof spec['namespace'] === 'string' ? spec['namespace'] : '';
  if (!namespace) throw badRequest('no namespace on request');
  if (!(authz instanceof ClusterAuthorizer) || !isServiceAccountUser(user) || user.groups.includes('system:masters')) {
    return { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false };
  }
  const rules = authz.rbac.rulesFor(user, namespace || undefined);
  const resourceRules = rules.filter((r) => !r.nonResourceURLs?.length).map((r) => ({ verbs: r.verbs ?? [], ...(r.apiGroups ? { apiGroups: r.apiGroups } : {}), ...(r.resources ? { resources: r.resources } : {}), ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}) }));
  const nonResourceRules = rules.filter((r) => r.nonResourceURLs?.length).map((r) => ({ verbs: r.verbs ?? [], nonResourceURLs: r.nonResourceURLs ?? [] }));
  return { resourceRules, nonResourceRules, incomplete: false };
}

export function reviewResponse(res: Resource, body: KubeObject, user: UserInfo, reviewToken?: TokenReviewer, authz?: Authorizer, urlNamespace = ''): KubeObject {
  const base = { ...body, apiVersion: groupVersion(res), kind: res.kind, metadata: { ...(body.metadata ?? {}), creationTimestamp: null } };
  switch (res.kind) {
    case 'SelfSubjectAccessReview':
    case 'SubjectAccessReview':
    case 'LocalSubjectAccessReview':
      return { ...base, status: accessReviewStatus(res.kind, body, user, authz, urlNamespace) };
    case 'SelfSubjectReview':
      return { ...base, status: { userInfo: userInfo(user) } };
    case 'SelfSubjectRulesReview':
      return { ...base, status: rulesReviewStatus(body, user, authz) };
    case 'TokenReview':
      return { ...base, status: tokenReviewStatus(body, reviewToken) };
    default:
      return base;
  }
}
