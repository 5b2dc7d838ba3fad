/**
 * Create-only "review" resources answered on the spot (nothing stored): self-subject access
 * reviews (`kubectl auth can-i`), self-subject reviews (`kubectl auth whoami`), token reviews.
 * Until RBAC lands every authenticated user may do everything, so access reviews say allowed.
 */
import type { UserInfo } from '../auth.js';
import type { KubeObject } from '../object.js';
import type { Resource } from '../registry.js';
import { groupVersion } from '../resources.js';

export function reviewResponse(res: Resource, body: KubeObject, user: UserInfo): KubeObject {
  const base = { ...body, apiVersion: groupVersion(res), kind: res.kind, metadata: { ...(body.metadata ?? {}), creationTimestamp: null } };
  switch (res.kind) {
    case 'SelfSubjectAccessReview':
    case 'SubjectAccessReview':
    case 'LocalSubjectAccessReview': {
      const anonymous = user.name === 'system:anonymous';
      return { ...base, status: { allowed: !anonymous, ...(anonymous ? { reason: 'anonymous users may not act before RBAC is configured' } : {}) } };
    }
    case 'SelfSubjectReview':
      return { ...base, status: { userInfo: { username: user.name, uid: user.uid, groups: user.groups } } };
    case 'SelfSubjectRulesReview':
      return { ...base, status: { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false } };
    case 'TokenReview':
      return { ...base, status: { authenticated: false, error: 'token review is not supported yet' } };
    default:
      return base;
  }
}
