import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isApiError } from '../../api/errors.js';
import type { AuthorizationAttributes, Authorizer } from './authorize.js';
import { impersonate } from './impersonate.js';

const admin = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };
function recorder(deny?: (a: AuthorizationAttributes) => boolean): Authorizer & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    authorize(a) {
      seen.push(`${a.verb} ${a.group}/${a.resource}${a.subresource ? `/${a.subresource}` : ''} ${a.namespace ?? ''}/${a.name ?? ''}`);
      return { allowed: !deny?.(a) };
    },
  };
}

test('no impersonation headers: the requester itself, nothing authorized', () => {
  const z = recorder();
  assert.equal(impersonate(admin, { accept: ['*/*'] }, z), admin);
  assert.deepEqual(z.seen, []);
});

test('empty impersonation headers change nothing (and grant nothing)', () => {
  const anon = { name: 'system:anonymous', groups: ['system:unauthenticated'] };
  const z = recorder();
  assert.equal(impersonate(anon, { 'impersonate-user': [''] }, z), anon);
  assert.equal(impersonate(anon, { 'impersonate-uid': [''], 'impersonate-group': [] }, z), anon);
  assert.deepEqual(z.seen, []);
});

test('users, groups, uid and extras are each authorized, then become the user', () => {
  const z = recorder();
  const u = impersonate(admin, { 'impersonate-user': ['alice'], 'impersonate-group': ['devs', 'ops'], 'impersonate-uid': ['42'], 'impersonate-extra-scopes.example%2fkey': ['a', 'b'] }, z);
  assert.deepEqual(u, { name: 'alice', groups: ['devs', 'ops', 'system:authenticated'], uid: '42', extra: { 'scopes.example/key': ['a', 'b'] } });
  assert.deepEqual(z.seen, [
    'impersonate /users /alice',
    'impersonate /groups /devs',
    'impersonate /groups /ops',
    'impersonate authentication.k8s.io/userextras/scopes.example/key /a',
    'impersonate authentication.k8s.io/userextras/scopes.example/key /b',
    'impersonate authentication.k8s.io/uids /42',
  ]);
});

test('service accounts get their groups unless groups are given; anonymous stays unauthenticated', () => {
  const z = recorder();
  assert.deepEqual(impersonate(admin, { 'impersonate-user': ['system:serviceaccount:ns:robot'] }, z), { name: 'system:serviceaccount:ns:robot', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'] });
  assert.deepEqual(z.seen, ['impersonate /serviceaccounts ns/robot']);
  assert.deepEqual(impersonate(admin, { 'impersonate-user': ['system:serviceaccount:ns:robot'], 'impersonate-group': ['x'] }, z).groups, ['x', 'system:authenticated']);
  assert.deepEqual(impersonate(admin, { 'impersonate-user': ['system:anonymous'] }, z).groups, ['system:unauthenticated']);
  assert.deepEqual(impersonate(admin, { 'impersonate-user': ['bob'], 'impersonate-group': ['system:unauthenticated'] }, z).groups, ['system:unauthenticated']);
});

test('refusals: 403 for what may not be impersonated, 500 for groups without a user', () => {
  const z = recorder((a) => a.resource === 'groups');
  assert.throws(
    () => impersonate(admin, { 'impersonate-user': ['alice'], 'impersonate-group': ['system:masters'] }, z),
    (e: unknown) => isApiError(e) && e.status.code === 403 && e.status.message === 'groups "system:masters" is forbidden: User "admin" cannot impersonate resource "groups" in API group "" at the cluster scope',
  );
  assert.throws(
    () => impersonate(admin, { 'impersonate-group': ['devs'], 'impersonate-uid': ['7'] }, recorder()),
    (e: unknown) => isApiError(e) && e.status.code === 500 && e.status.message === 'Internal error occurred: requested [{Group  devs    } {UID  7  authentication.k8s.io/v1  }] without impersonating a user',
  );
});
