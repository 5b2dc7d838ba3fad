// rbac.authorization.k8s.io/v1 validation (upstream pkg/apis/rbac/validation): names are path
// segments, rules need verbs and resources or non-resource URLs, a binding's roleRef is fixed.
import type * as metaV1 from '../generated/meta/v1.js';
import type * as rbacV1 from '../generated/rbac/v1.js';
import { field } from '../errors.js';
import { nameIsDNSSubdomain } from './names.js';
import {
  metaErrors,
  metaUpdateErrors,
  nameIsPathSegment,
  root,
  semanticEqual,
  validateLabelSelector,
  type FieldError,
  type FieldPath,
} from './group-helpers.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function ruleErrors(rule: rbacV1.PolicyRule, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if ((rule.verbs ?? []).length === 0) errs.push(field.required(path.child('verbs'), 'verbs must contain at least one value'));
  const urls = rule.nonResourceURLs ?? [];
  if (urls.length > 0) {
    if (namespaced) errs.push(field.invalid(path.child('nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'));
    if ((rule.apiGroups ?? []).length + (rule.resources ?? []).length + (rule.resourceNames ?? []).length > 0) {
      errs.push(field.invalid(path.child('nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if ((rule.apiGroups ?? []).length === 0) errs.push(field.required(path.child('apiGroups'), 'resource rules must supply at least one api group'));
  if ((rule.resources ?? []).length === 0) errs.push(field.required(path.child('resources'), 'resource rules must supply at least one resource'));
  return errs;
}

const rulesErrors = (rules: rbacV1.PolicyRule[] | undefined, namespaced: boolean): FieldError[] =>
  (rules ?? []).flatMap((r, i) => ruleErrors(r, namespaced, root('rules').index(i)));

/** Validates a Role (create and update alike). */
export function validateRole(role: rbacV1.Role): FieldError[] {
  return [...metaErrors(role.metadata, { namespaced: true, name: nameIsPathSegment }), ...rulesErrors(role.rules, true)];
}

/** Validates a ClusterRole, including an aggregationRule's selectors. */
export function validateClusterRole(role: rbacV1.ClusterRole): FieldError[] {
  const errs = [...metaErrors(role.metadata, { namespaced: false, name: nameIsPathSegment }), ...rulesErrors(role.rules, false)];
  const agg = role.aggregationRule;
  if (agg) {
    const selectors: metaV1.LabelSelector[] = agg.clusterRoleSelectors ?? [];
    const p = root('aggregationRule').child('clusterRoleSelectors');
    if (selectors.length === 0) errs.push(field.required(p, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    selectors.forEach((sel, i) => errs.push(...validateLabelSelector(sel, p.index(i))));
  }
  return errs;
}

function subjectErrors(s: rbacV1.Subject, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = s.name ?? '';
  const apiGroup = s.apiGroup ?? '';
  if (name === '') errs.push(field.required(path.child('name')));
  switch (s.kind) {
    case 'ServiceAccount':
      if (name !== '') errs.push(...nameIsDNSSubdomain(name, false).map((m) => field.invalid(path.child('name'), name, m)));
      if (apiGroup !== '') errs.push(field.notSupported(path.child('apiGroup'), apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(field.required(path.child('namespace')));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errs.push(field.notSupported(path.child('apiGroup'), apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(field.notSupported(path.child('kind'), s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function bindingErrors(b: rbacV1.RoleBinding | rbacV1.ClusterRoleBinding, namespaced: boolean): FieldError[] {
  const errs = metaErrors(b.metadata, { namespaced, name: nameIsPathSegment });
  const ref: Partial<rbacV1.RoleRef> = b.roleRef ?? {};
  const refPath = root('roleRef');
  if (ref.apiGroup !== RBAC_GROUP) errs.push(field.notSupported(refPath.child('apiGroup'), ref.apiGroup ?? '', [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind ?? '')) errs.push(field.notSupported(refPath.child('kind'), ref.kind ?? '', kinds));
  const name = ref.name ?? '';
  if (name === '') errs.push(field.required(refPath.child('name')));
  else errs.push(...nameIsPathSegment(name, false).map((m) => field.invalid(refPath.child('name'), name, m)));
  (b.subjects ?? []).forEach((s, i) => errs.push(...subjectErrors(s, namespaced, root('subjects').index(i))));
  return errs;
}

/** Validates a RoleBinding on create. */
export const validateRoleBinding = (b: rbacV1.RoleBinding): FieldError[] => bindingErrors(b, true);

/** Validates a ClusterRoleBinding on create. */
export const validateClusterRoleBinding = (b: rbacV1.ClusterRoleBinding): FieldError[] => bindingErrors(b, false);

function bindingUpdateErrors(b: rbacV1.RoleBinding | rbacV1.ClusterRoleBinding, old: rbacV1.RoleBinding | rbacV1.ClusterRoleBinding, namespaced: boolean): FieldError[] {
  const errs = [...bindingErrors(b, namespaced), ...metaUpdateErrors(b.metadata, old.metadata)];
  if (!semanticEqual(b.roleRef, old.roleRef)) errs.push(field.invalid(root('roleRef'), b.roleRef, 'cannot change roleRef'));
  return errs;
}

/** Validates a RoleBinding on update: the roleRef may not change. */
export const validateRoleBindingUpdate = (b: rbacV1.RoleBinding, old: rbacV1.RoleBinding): FieldError[] => bindingUpdateErrors(b, old, true);

/** Validates a ClusterRoleBinding on update: the roleRef may not change. */
export const validateClusterRoleBindingUpdate = (b: rbacV1.ClusterRoleBinding, old: rbacV1.ClusterRoleBinding): FieldError[] =>
  bindingUpdateErrors(b, old, false);

/** Validates a Role on update. */
export const validateRoleUpdate = (r: rbacV1.Role, old: rbacV1.Role): FieldError[] => [...validateRole(r), ...metaUpdateErrors(r.metadata, old.metadata)];

/** Validates a ClusterRole on update. */
export const validateClusterRoleUpdate = (r: rbacV1.ClusterRole, old: rbacV1.ClusterRole): FieldError[] => [
  ...validateClusterRole(r),
  ...metaUpdateErrors(r.metadata, old.metadata),
];
