// rbac.authorization.k8s.io/v1 defaults (upstream pkg/apis/rbac/v1/defaults.go): the roleRef's
// apiGroup and each User/Group subject's apiGroup default to the RBAC group.
import type * as rbacV1 from '../generated/rbac/v1.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

function defaultSubjects(subjects: rbacV1.Subject[] | undefined): void {
  for (const s of subjects ?? []) {
    if (!s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = RBAC_GROUP;
  }
}

/** RoleBinding and ClusterRoleBinding share one defaulter. */
export function defaultRoleBinding<T extends rbacV1.RoleBinding | rbacV1.ClusterRoleBinding>(b: T): T {
  if (b.roleRef && !b.roleRef.apiGroup) b.roleRef.apiGroup = RBAC_GROUP;
  defaultSubjects(b.subjects);
  return b;
}

export const defaultClusterRoleBinding = defaultRoleBinding;
