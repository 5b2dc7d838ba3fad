import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultClusterRoleBindings, defaultClusterRoles } from '../rbac-bootstrap.js';
import { DefaultAuthorizer, type AuthorizationAttributes } from './authorize.js';
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
    ['pods/*', { verbs: ['get'], apiGroups: [''], resources: ['pods/*'] }, res(u, 'get', 'pods', { subresource: 'exec' }), true],
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

test('the cluster policy: masters anything, ServiceAccounts by RBAC, other identities as before', () => {
  const z = new ClusterAuthorizer(new RbacAuthorizer(source()), new DefaultAuthorizer());
  assert.equal(z.authorize(res({ name: 'admin', groups: ['system:masters', 'system:authenticated'] }, 'delete', 'nodes')).allowed, true);
  assert.equal(z.authorize(res(sa('app', 'web'), 'list', 'pods')).allowed, false);
  assert.equal(z.authorize(res({ ...sa('app', 'web'), groups: ['system:masters'] }, 'list', 'pods')).allowed, true, 'a ServiceAccount impersonated into system:masters');
  assert.equal(z.authorize(res({ name: 'alice', groups: ['system:authenticated'] }, 'list', 'pods')).allowed, true);
  assert.equal(z.authorize(res({ name: 'system:anonymous', groups: ['system:unauthenticated'] }, 'list', 'pods')).allowed, false);
});
