/**
 * The default RBAC policy kube-apiserver writes at start (its rbac/bootstrap-roles hook), in the
 * part that matters here: cluster-admin (bound to system:masters), the user-facing admin, edit and
 * view roles (aggregated, as upstream, from system:aggregate-to-* roles holding the rules), and the
 * discovery, self-review, public-info and service-account-issuer roles every identity gets.
 * Objects are created when missing and left alone afterwards, so edits made to them stay.
 */

import type { PolicyRule } from './auth/rbac.js';

const DEFAULTS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const AUTOUPDATE = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({ verbs, apiGroups, resources });

/** What view may read (no Secrets, as upstream). */
const VIEW_RULES: PolicyRule[] = [
  rule(READ, [''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status']),
  rule(READ, [''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status']),
  rule(READ, [''], ['namespaces']),
  rule(READ, ['discovery.k8s.io'], ['endpointslices']),
  rule(READ, ['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status']),
  rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
  rule(READ, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
  rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  rule(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
];

/**
 * What edit adds: writes to workloads and their config, Secrets, exec and port-forward (not to
 * Endpoints or EndpointSlices, withdrawn upstream for CVE-2021-25740).
 */
const EDIT_RULES: PolicyRule[] = [
  rule(['impersonate'], [''], ['serviceaccounts']),
  rule(['create', 'delete', 'deletecollection', 'patch', 'update', 'get', 'list', 'watch'], [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
  rule(['create'], [''], ['pods/eviction']),
  rule([...WRITE, ...READ], [''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy']),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule([...WRITE, ...READ], ['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale']),
  rule([...WRITE, ...READ], ['autoscaling'], ['horizontalpodautoscalers']),
  rule([...WRITE, ...READ], ['batch'], ['cronjobs', 'jobs']),
  rule([...WRITE, ...READ], ['policy'], ['poddisruptionbudgets']),
  rule([...WRITE, ...READ], ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
];

/** What admin adds: Roles and RoleBindings in its namespace, and local access reviews. */
const ADMIN_RULES: PolicyRule[] = [
  rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
  rule([...WRITE, ...READ], ['rbac.authorization.k8s.io'], ['rolebindings', 'roles']),
];

interface ClusterRoleSpec {
  name: string;
  rules?: PolicyRule[];
  labels?: Record<string, string>;
  aggregate?: string[];
}

const CLUSTER_ROLES: ClusterRoleSpec[] = [
  { name: 'cluster-admin', rules: [rule(['*'], ['*'], ['*']), { verbs: ['*'], nonResourceURLs: ['*'] }] },
  { name: 'admin', aggregate: ['rbac.authorization.k8s.io/aggregate-to-admin'] },
  { name: 'edit', aggregate: ['rbac.authorization.k8s.io/aggregate-to-edit'], labels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } },
  { name: 'view', aggregate: ['rbac.authorization.k8s.io/aggregate-to-view'], labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } },
  { name: 'system:aggregate-to-admin', rules: ADMIN_RULES, labels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } },
  { name: 'system:aggregate-to-edit', rules: EDIT_RULES, labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } },
  { name: 'system:aggregate-to-view', rules: VIEW_RULES, labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
  {
    name: 'system:discovery',
    rules: [{ verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'] }],
  },
  {
    name: 'system:basic-user',
    rules: [rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']), rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews'])],
  },
  { name: 'system:public-info-viewer', rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] }] },
  {
    name: 'system:service-account-issuer-discovery',
    rules: [{ verbs: ['get'], nonResourceURLs: ['/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/'] }],
  },
];

const group = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name });
const CLUSTER_ROLE_BINDINGS = [
  { name: 'cluster-admin', role: 'cluster-admin', subjects: [group('system:masters')] },
  { name: 'system:discovery', role: 'system:discovery', subjects: [group('system:authenticated')] },
  { name: 'system:basic-user', role: 'system:basic-user', subjects: [group('system:authenticated')] },
  { name: 'system:public-info-viewer', role: 'system:public-info-viewer', subjects: [group('system:authenticated'), group('system:unauthenticated')] },
  { name: 'system:service-account-issuer-discovery', role: 'system:service-account-issuer-discovery', subjects: [group('system:serviceaccounts')] },
];

/** The default ClusterRoles, as objects to create. */
export function defaultClusterRoles(): Array<Record<string, unknown> & { metadata: { name: string } }> {
  return CLUSTER_ROLES.map((r) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: r.name, labels: { ...DEFAULTS, ...r.labels }, annotations: AUTOUPDATE },
    ...(r.aggregate ? { aggregationRule: { clusterRoleSelectors: r.aggregate.map((l) => ({ matchLabels: { [l]: 'true' } })) } } : {}),
    rules: r.rules ?? [],
  }));
}

/** The default ClusterRoleBindings, as objects to create. */
export function defaultClusterRoleBindings(): Array<Record<string, unknown> & { metadata: { name: string } }> {
  return CLUSTER_ROLE_BINDINGS.map((b) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: b.name, labels: DEFAULTS, annotations: AUTOUPDATE },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: b.role },
    subjects: b.subjects,
  }));
}
