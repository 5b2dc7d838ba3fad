/**
 * Create-only "review" resources answered on the spot (nothing stored): self-subject access
 * reviews (`kubectl auth can-i`), self-subject reviews (`kubectl auth whoami`), token reviews.
 * Until RBAC lands every authenticated user may do everything, so access reviews say allowed.
 */
import { badRequest } from '../../api/errors.js';
import type { UserInfo } from '../auth.js';
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

export function reviewResponse(res: Resource, body: KubeObject, user: UserInfo, reviewToken?: TokenReviewer): KubeObject {
  const base = { ...body, apiVersion: groupVersion(res), kind: res.kind, metadata: { ...(body.metadata ?? {}), creationTimestamp: null } };
  switch (res.kind) {
    case 'SelfSubjectAccessReview':
    case 'SubjectAccessReview':
    case 'LocalSubjectAccessReview': {
      const anonymous = user.name === 'system:anonymous';
      return { ...base, status: { allowed: !anonymous, ...(anonymous ? { reason: 'anonymous users may not act before RBAC is configured' } : {}) } };
    }
    case 'SelfSubjectReview':
      return { ...base, status: { userInfo: userInfo(user) } };
    case 'SelfSubjectRulesReview':
      return { ...base, status: { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false } };
    case 'TokenReview':
      return { ...base, status: tokenReviewStatus(body, reviewToken) };
    default:
      return base;
  }
}
