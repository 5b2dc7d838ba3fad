import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultClusterRoleBindings, defaultClusterRoles } from '../rbac-bootstrap.js';
import { DefaultAuthorizer, type AuthorizationAttributes } from './authorize.js';
import { isApiError } from '../../api/errors.js';
import { confirmNoEscalation } from './escalation.js';
import { ClusterAuthorizer, RbacAuthorizer, ruleAllows, type BindingLike, type RbacSource, type RoleLike } from './rbac.js';

const sa = (ns: string, name: string) => ({ name: `system:serviceaccount:${ns}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'] });
const res = (user: AuthorizationAttributes['user'], verb: string, resource: string, o: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes => ({ user, verb, group: '', resource, resourceRequest: true, namespace: 'app', ...o });
const path = (user: AuthorizationAttributes['user'], p: string, verb = 'get'): AuthorizationAttributes => ({ user, verb, group: '', resource: '', path: p, resourceRequest: false });

function source(extra: { roles?: RoleLike[]; clusterRoles?: RoleLike[]; bindings?: BindingLike[]; clusterBindings?: BindingLike[] } = {}): RbacSource {
  const clusterRoles = [...(defaultClusterRoles() as unknown as RoleLike[]), ...(extra.clusterRoles ?? [])];
  const clusterBindings = [...(defaultClusterRoleBindings() as unknown as BindingLike[]), ...(extra.clusterBindings ?? [])];
  return {
    clusterRoles: () => clusterRoles,
    clusterRole: (n) => clusterRoles.find((r) => r.metadata.name === n),
    role: (ns, n) => extra.roles?.find((r) => r.metadata.namespace === ns && r.metadata.name === n),
    clusterRoleBindings: () => clusterBindings,
    roleBindings: (ns) => (extra.bindings ?? []).filter((b) => b.metadata.namespace === ns),
  };
}

test('rules: verbs, groups, resources with subresources, names, and paths', () => {
  const u = sa('app', 'x');
  const cases: Array<[string, Parameters<typeof ruleAllows>[0], AuthorizationAttributes, boolean]> = [
    ['exact', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res(u, 'get', 'pods'), true],
    ['other verb', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res(u, 'list', 'pods'), false],
    ['other group', { verbs: ['get'], apiGroups: ['apps'], resources: ['pods'] }, res(u, 'get', 'pods'), false],
    ['a subresource needs naming', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res(u, 'get', 'pods', { subresource: 'log' }), false],
    ['pods/log', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, res(u, 'get', 'pods', { subresource: 'log' }), true],
    ['*/log', { verbs: ['get'], apiGroups: [''], resources: ['*/log'] }, res(u, 'get', 'pods', { subresource: 'log' }), true],
    ['pods/* matches nothing, as upstream', { verbs: ['get'], apiGroups: [''], resources: ['pods/*'] }, res(u, 'get', 'pods', { subresource: 'exec' }), false],
    ['pods/* is not pods', { verbs: ['get'], apiGroups: [''], resources: ['pods/*'] }, res(u, 'get', 'pods'), false],
    ['wildcards', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, res(u, 'delete', 'deployments', { group: 'apps' }), true],
    ['named', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, res(u, 'get', 'configmaps', { name: 'a' }), true],
    ['other name', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, res(u, 'get', 'configmaps', { name: 'b' }), false],
    ['names do not cover list', { verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, res(u, 'list', 'configmaps'), false],
    ['path', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, path(u, '/healthz'), true],
    ['path prefix', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, path(u, '/apis/apps/v1'), true],
    ['resource rule, path request', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, path(u, '/healthz'), false],
  ];
  for (const [name, rule, attrs, want] of cases) assert.equal(ruleAllows(rule, attrs), want, name);
});

test('a ServiceAccount starts with discovery and self-reviews only; bindings grant the rest', () => {
  const u = sa('app', 'web');
  const none = new RbacAuthorizer(source());
  assert.equal(none.authorize(res(u, 'list', 'pods')).allowed, false);
  assert.equal(none.authorize(res(u, 'get', 'secrets', { name: 's' })).allowed, false);
  assert.equal(none.authorize(path(u, '/apis')).allowed, true, 'system:discovery');
  assert.equal(none.authorize(path(u, '/openid/v1/jwks')).allowed, true, 'issuer discovery for ServiceAccounts');
  assert.equal(none.authorize(path(u, '/metrics')).allowed, false);
  assert.equal(none.authorize(res(u, 'create', 'selfsubjectaccessreviews', { group: 'authorization.k8s.io', namespace: undefined })).allowed, true, 'system:basic-user');

  const rb = (name: string, roleRef: BindingLike['roleRef'], subjects: BindingLike['subjects'], namespace = 'app'): BindingLike => ({ metadata: { name, namespace }, roleRef, subjects });
  const z = new RbacAuthorizer(
    source({
      roles: [{ metadata: { name: 'cm-reader', namespace: 'app' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }, { verbs: ['get'], nonResourceURLs: ['/metrics'] }] }],
      bindings: [
        rb('view', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'ServiceAccount', name: 'web' }]),
        rb('cm', { kind: 'Role', name: 'cm-reader' }, [{ kind: 'Group', name: 'system:serviceaccounts:app' }]),
        rb('elsewhere', { kind: 'ClusterRole', name: 'admin' }, [{ kind: 'ServiceAccount', name: 'web', namespace: 'app' }], 'other'),
      ],
    }),
  );
  assert.equal(z.authorize(res(u, 'list', 'pods')).allowed, true, 'view through a RoleBinding');
  assert.equal(z.authorize(res(u, 'get', 'deployments', { group: 'apps', subresource: 'scale' })).allowed, true, 'view aggregates system:aggregate-to-view');
  assert.equal(z.authorize(res(u, 'get', 'secrets')).allowed, false, 'view reads no Secrets');
  assert.equal(z.authorize(res(u, 'delete', 'pods')).allowed, false);
  assert.equal(z.authorize(res(u, 'list', 'pods', { namespace: 'kube-system' })).allowed, false, 'only in the binding namespace');
  assert.equal(z.authorize(res(u, 'get', 'configmaps', { name: 'x' })).allowed, true, 'a Role bound to a group');
  assert.equal(z.authorize(path(u, '/metrics')).allowed, false, 'a RoleBinding grants no paths');
  assert.equal(z.authorize(res(u, 'create', 'rolebindings', { group: 'rbac.authorization.k8s.io', namespace: 'other' })).allowed, true, 'admin takes edit and view, through two aggregations');
  assert.equal(z.authorize(res(u, 'create', 'pods', { subresource: 'exec', namespace: 'other' })).allowed, true, 'edit, aggregated into admin');
  assert.equal(z.authorize(res(u, 'list', 'pods', { namespace: undefined })).allowed, false, 'no cluster-wide grant');
});

test('malformed stored objects (nulls where objects belong) are skipped, not fatal', () => {
  const bad = { metadata: { name: 'bad' }, subjects: [null, { kind: 'ServiceAccount', name: 'web', namespace: 'app' }], roleRef: { kind: 'ClusterRole', name: 'odd' } } as unknown as BindingLike;
  const odd = { metadata: { name: 'odd' }, rules: [null, { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verbs: ['list'], apiGroups: [''], resources: ['pods'], resourceNames: [null] }], aggregationRule: { clusterRoleSelectors: [null, { matchExpressions: [null] }] } } as unknown as RoleLike;
  const z = new RbacAuthorizer(source({ clusterRoles: [odd], clusterBindings: [bad] }));
  assert.equal(z.authorize(res(sa('app', 'web'), 'get', 'pods', { name: 'x' })).allowed, true);
  assert.equal(z.authorize(res(sa('app', 'web'), 'list', 'pods')).allowed, false, 'a malformed resourceNames list still restricts');
});

test('the cluster policy: masters anything, ServiceAccounts by RBAC, other identities as before', () => {
  const z = new ClusterAuthorizer(new RbacAuthorizer(source()), new DefaultAuthorizer());
  assert.equal(z.authorize(res({ name: 'admin', groups: ['system:masters', 'system:authenticated'] }, 'delete', 'nodes')).allowed, true);
  assert.equal(z.authorize(res(sa('app', 'web'), 'list', 'pods')).allowed, false);
  assert.equal(z.authorize(res({ ...sa('app', 'web'), groups: ['system:masters'] }, 'list', 'pods')).allowed, true, 'a ServiceAccount impersonated into system:masters');
  assert.equal(z.authorize(res({ name: 'alice', groups: ['system:authenticated'] }, 'list', 'pods')).allowed, true);
  assert.equal(z.authorize(res({ name: 'system:anonymous', groups: ['system:unauthenticated'] }, 'list', 'pods')).allowed, false);
});

test('escalation prevention: a ServiceAccount grants only what it holds, unless it may escalate or bind', () => {
  const u = sa('app', 'web');
  const rb = (name: string, role: string, ns = 'app'): BindingLike => ({ metadata: { name, namespace: ns }, roleRef: { kind: 'ClusterRole', name: role }, subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'app' }] });
  const rbac = new RbacAuthorizer(source({ bindings: [rb('a', 'admin')] }));
  const z = new ClusterAuthorizer(rbac, new DefaultAuthorizer());
  const write = (plural: string, obj: Record<string, unknown>, ns = 'app') => () =>
    confirmNoEscalation(rbac, z, u, 'rbac.authorization.k8s.io', { plural, namespace: ns, obj: { metadata: { name: 'x', namespace: ns }, ...obj } });
  // admin holds edit and view: binding them, or a Role with their rules, is fine in its namespace.
  write('rolebindings', { roleRef: { kind: 'ClusterRole', name: 'edit' } })();
  write('roles', { rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'pods/log'] }] })();
  // Not cluster-admin, not in another namespace, not a wildcard it does not hold.
  assert.throws(write('rolebindings', { roleRef: { kind: 'ClusterRole', name: 'cluster-admin' } }), (e: unknown) =>
    isApiError(e, 'Forbidden') && (e.status.message ?? '').startsWith('rolebindings.rbac.authorization.k8s.io "x" is forbidden: user "system:serviceaccount:app:web" (groups=["system:serviceaccounts" "system:serviceaccounts:app" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}'));
  assert.throws(write('rolebindings', { roleRef: { kind: 'ClusterRole', name: 'edit' } }, 'other'), (e: unknown) => isApiError(e, 'Forbidden'));
  assert.throws(write('roles', { rules: [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }] }), /Verbs:\["\*"\]/);
  assert.throws(write('roles', { rules: [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }] }), /Resources:\["nodes"\]/);
  assert.throws(write('clusterroles', { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] } }, ''), /must have cluster-admin privileges to use the aggregationRule/);
  // `bind` on the role lets it bind what it does not hold.
  const binder = new RbacAuthorizer(source({
    roles: [{ metadata: { name: 'binder', namespace: 'app' }, rules: [{ verbs: ['bind'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: ['cluster-admin'] }] }],
    bindings: [{ metadata: { name: 'b', namespace: 'app' }, roleRef: { kind: 'Role', name: 'binder' }, subjects: [{ kind: 'ServiceAccount', name: 'web' }] }],
  }));
  confirmNoEscalation(binder, new ClusterAuthorizer(binder, new DefaultAuthorizer()), u, 'rbac.authorization.k8s.io', { plural: 'rolebindings', namespace: 'app', obj: { metadata: { name: 'x', namespace: 'app' }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' } } });
});
