import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../client/types.js';
import { addSubjects, isBinding, subjectsFor, validateSubjects, type SubjectFlags } from './subject-update.js';

const flags = (f: Partial<SubjectFlags>): SubjectFlags => ({ users: [], groups: [], serviceAccounts: [], ...f });
const rb = (kind = 'RoleBinding'): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'b' } });

test('subjects: users, then groups, then service accounts, each sorted once; bare accounts take the namespace', () => {
  const got = subjectsFor(flags({ users: ['bob', 'alice', 'bob'], groups: ['g2', 'g1'], serviceAccounts: ['ns1:sa1', ':sa0'] }), 'here');
  assert.deepEqual(got, [
    { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' },
    { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'bob' },
    { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'g1' },
    { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'g2' },
    { kind: 'ServiceAccount', name: 'sa0', namespace: 'here' },
    { kind: 'ServiceAccount', name: 'sa1', namespace: 'ns1' },
  ]);
});

test('the flags are checked as kubectl checks them', () => {
  const cases: Array<[SubjectFlags, KubeObject[], string | undefined]> = [
    [flags({}), [rb()], 'you must specify at least one value of user, group or serviceaccount'],
    [flags({ serviceAccounts: ['foo'] }), [rb()], 'serviceaccount must be <namespace>:<name>'],
    [flags({ serviceAccounts: ['a:b:c'] }), [rb()], 'serviceaccount must be <namespace>:<name>'],
    [flags({ serviceAccounts: ['a:'] }), [rb()], 'serviceaccount must be <namespace>:<name>'],
    [flags({ serviceAccounts: [':sa'] }), [rb()], undefined],
    [flags({ serviceAccounts: [':sa'] }), [rb(), rb('ClusterRoleBinding')], 'serviceaccount must be <namespace>:<name>, namespace must be specified'],
    [flags({ serviceAccounts: ['ns:sa'] }), [rb('ClusterRoleBinding')], undefined],
    [flags({ users: ['u'] }), [], undefined],
  ];
  for (const [f, objs, want] of cases) {
    if (want === undefined) assert.doesNotThrow(() => validateSubjects(f, objs));
    else assert.throws(() => validateSubjects(f, objs), { message: want });
  }
});

test('only subjects not bound yet are appended; nothing new leaves the object alone', () => {
  const obj = { ...rb(), subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }] } as KubeObject;
  const alice = { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' };
  const sa = { kind: 'ServiceAccount', name: 'alice', namespace: 'default' };
  assert.equal(addSubjects(obj, [alice]), false);
  assert.equal(addSubjects(obj, [alice, sa]), true);
  assert.deepEqual((obj as { subjects?: unknown[] }).subjects, [alice, sa]);
  const empty = rb();
  assert.equal(addSubjects(empty, [sa]), true);
  assert.deepEqual((empty as { subjects?: unknown[] }).subjects, [sa]);
});

test('only rbac v1 bindings take subjects', () => {
  assert.equal(isBinding(rb()), true);
  assert.equal(isBinding(rb('ClusterRoleBinding')), true);
  assert.equal(isBinding({ apiVersion: 'v1', kind: 'Service' }), false);
  assert.equal(isBinding({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' }), false);
});
