import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DefaultAuthorizer, forbiddenError, goQuote, type AuthorizationAttributes } from './authorize.js';
import { anonymousUser, type UserInfo } from './user.js';

const anon = anonymousUser();
const admin: UserInfo = { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };
const alice: UserInfo = { name: 'alice', groups: ['system:authenticated'] };
const res = (user: UserInfo, verb: string, resource: string, more: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes => ({ user, verb, group: '', resource, resourceRequest: true, ...more });
const path = (user: UserInfo, p: string, verb = 'get'): AuthorizationAttributes => ({ user, verb, group: '', resource: '', path: p, resourceRequest: false });

describe('forbiddenError words denials as kube-apiserver does', () => {
  const cases: Array<[string, AuthorizationAttributes, string, Record<string, string>]> = [
    ['namespaced list', res(anon, 'list', 'pods', { namespace: 'default' }), 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"', { kind: 'pods' }],
    ['cluster-scoped', res(anon, 'list', 'nodes'), 'nodes is forbidden: User "system:anonymous" cannot list resource "nodes" in API group "" at the cluster scope', { kind: 'nodes' }],
    ['named, grouped, subresource', res(alice, 'create', 'deployments', { group: 'apps', namespace: 'ns1', name: 'web', subresource: 'scale' }), 'deployments.apps "web" is forbidden: User "alice" cannot create resource "deployments/scale" in API group "apps" in the namespace "ns1"', { name: 'web', group: 'apps', kind: 'deployments' }],
    ['non-resource', path(anon, '/metrics'), 'forbidden: User "system:anonymous" cannot get path "/metrics"', {}],
    ['sanitized', path(anon, '/<b>&'), 'forbidden: User "system:anonymous" cannot get path "/&lt;b&gt;&amp;"', {}],
  ];
  for (const [name, attrs, message, details] of cases) {
    test(name, () => {
      const e = forbiddenError(attrs);
      assert.equal(e.code, 403);
      assert.deepEqual(JSON.parse(JSON.stringify(e.status)), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details, code: 403 });
    });
  }
  test('a reason is appended', () => {
    assert.equal(forbiddenError(res(anon, 'get', 'secrets', { namespace: 'a', name: 's' }), 'no RBAC policy matched').message, 'secrets "s" is forbidden: User "system:anonymous" cannot get resource "secrets" in API group "" in the namespace "a": no RBAC policy matched');
  });
  test('goQuote escapes like Go %q', () => assert.equal(goQuote('a"b\\c\nd\x01'), '"a\\"b\\\\c\\nd\\x01"'));
});

describe('DefaultAuthorizer', () => {
  const authz = new DefaultAuthorizer();
  const cases: Array<[string, AuthorizationAttributes, boolean]> = [
    ['masters may delete', res(admin, 'delete', 'nodes', { name: 'n1' }), true],
    ['authenticated users may create', res(alice, 'create', 'pods', { namespace: 'default' }), true],
    ['anonymous may not list pods', res(anon, 'list', 'pods', { namespace: 'default' }), false],
    ['anonymous may not get a pod', res(anon, 'get', 'pods', { namespace: 'default', name: 'p' }), false],
    ['anonymous may not create', res(anon, 'create', 'configmaps', { namespace: 'default' }), false],
    ['anonymous may get /version', path(anon, '/version'), true],
    ['anonymous may get /version/', path(anon, '/version/'), true],
    ['anonymous may get /healthz', path(anon, '/healthz'), true],
    ['anonymous may get /readyz/etcd', path(anon, '/readyz/etcd'), true],
    ['anonymous may get /livez', path(anon, '/livez'), true],
    ['anonymous may not get /openapi/v3', path(anon, '/openapi/v3'), false],
    ['anonymous may not get /openapi/v2', path(anon, '/openapi/v2'), false],
    ['anonymous may not get /swagger-2.0.0.pb-v1', path(anon, '/swagger-2.0.0.pb-v1'), false],
    ['anonymous may not get /api (no anonymous discovery since 1.14)', path(anon, '/api'), false],
    ['anonymous may not get /apis/apps/v1', path(anon, '/apis/apps/v1'), false],
    ['anonymous may not post /version', path(anon, '/version', 'post'), false],
    ['anonymous may not get /metrics', path(anon, '/metrics'), false],
    ['anonymous may not get /versions', path(anon, '/versionsx'), false],
    ['anonymous may not get /', path(anon, '/'), false],
  ];
  for (const [name, attrs, allowed] of cases) test(name, () => assert.equal(authz.authorize(attrs).allowed, allowed));
});
