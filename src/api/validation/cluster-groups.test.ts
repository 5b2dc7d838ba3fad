import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as rbacV1 from '../generated/rbac/v1.js';
import { defaultStorageClass } from '../defaults/storage.js';
import { defaultPriorityClass } from '../defaults/scheduling.js';
import { defaultRoleBinding } from '../defaults/rbac.js';
import { defaultNetworkPolicy } from '../defaults/networking.js';
import { defaultEndpointSlice } from '../defaults/discovery.js';
import { validateStorageClass, validateStorageClassUpdate } from './storage.js';
import { validatePriorityClass, validatePriorityClassUpdate } from './scheduling.js';
import { validatePodDisruptionBudget } from './policy.js';
import { validateClusterRole, validateClusterRoleBinding, validateRole, validateRoleBinding, validateRoleBindingUpdate } from './rbac.js';
import { edited, messages } from './test-util.js';

test('small-group defaults', () => {
  assert.deepEqual(defaultStorageClass({ provisioner: 'x' }), { provisioner: 'x', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
  assert.equal(defaultPriorityClass({ value: 1 }).preemptionPolicy, 'PreemptLowerPriority');
  const rb = defaultRoleBinding<rbacV1.RoleBinding>({ roleRef: { apiGroup: '', kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 's' }] });
  assert.deepEqual(rb.roleRef.apiGroup, 'rbac.authorization.k8s.io');
  assert.deepEqual(rb.subjects?.map((s) => s.apiGroup), ['rbac.authorization.k8s.io', undefined]);
  assert.deepEqual(defaultNetworkPolicy({ spec: { podSelector: {} } }).spec?.policyTypes, ['Ingress']);
  const np = defaultNetworkPolicy({ spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] } });
  assert.deepEqual([np.spec?.policyTypes, np.spec?.egress?.[0]?.ports?.[0]?.protocol], [['Ingress', 'Egress'], 'TCP']);
  assert.deepEqual(defaultEndpointSlice({ addressType: 'IPv4', endpoints: [], ports: [{ port: 80 }] }).ports, [{ port: 80, name: '', protocol: 'TCP' }]);
});

const sc = defaultStorageClass({ metadata: { name: 'fast' }, provisioner: 'example.com/fast' });

test('StorageClass', () => {
  assert.deepEqual(messages(validateStorageClass(sc)), []);
  assert.deepEqual(messages(validateStorageClass(edited(sc, (s) => { s.provisioner = ''; s.reclaimPolicy = 'Recycle'; }))), [
    'provisioner: Required value',
    'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
  ]);
  const old = edited(sc, (s) => { s.metadata!.resourceVersion = '1'; });
  assert.deepEqual(messages(validateStorageClassUpdate(edited(old, (s) => { s.parameters = { a: 'b' }; }), old)), ['parameters: Forbidden: updates to parameters are forbidden.']);
});

test('PriorityClass', () => {
  const pc = defaultPriorityClass({ metadata: { name: 'high' }, value: 1000 });
  assert.deepEqual(messages(validatePriorityClass(pc)), []);
  assert.deepEqual(messages(validatePriorityClass(edited(pc, (p) => { p.value = 2000000000; }))), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
  assert.deepEqual(messages(validatePriorityClass(edited(pc, (p) => { p.metadata!.name = 'system-x'; }))), [
    "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-x is not a known system priority class",
  ]);
  const old = edited(pc, (p) => { p.metadata!.resourceVersion = '1'; });
  assert.deepEqual(messages(validatePriorityClassUpdate(edited(old, (p) => { p.value = 5; }), old)), ['value: Forbidden: may not be changed in an update.']);
});

test('PodDisruptionBudget', () => {
  const pdb = { metadata: { name: 'p', namespace: 'default' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } };
  assert.deepEqual(messages(validatePodDisruptionBudget(pdb)), []);
  assert.deepEqual(messages(validatePodDisruptionBudget(edited(pdb, (p) => { Object.assign(p.spec, { maxUnavailable: '120%' }); }))), [
    'spec: Invalid value: {"minAvailable":1,"selector":{"matchLabels":{"app":"web"}},"maxUnavailable":"120%"}: minAvailable and maxUnavailable cannot be both set',
    'spec.maxUnavailable: Invalid value: "120%": must not be greater than 100%',
  ]);
});

test('RBAC', () => {
  const role: rbacV1.Role = { metadata: { name: 'r', namespace: 'default' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] };
  assert.deepEqual(messages(validateRole(role)), []);
  assert.deepEqual(messages(validateRole(edited(role, (r) => { r.rules = [{ verbs: [], nonResourceURLs: ['/healthz'] }]; }))), [
    'rules[0].verbs: Required value: verbs must contain at least one value',
    'rules[0].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs',
  ]);
  assert.deepEqual(messages(validateClusterRole({ metadata: { name: 'c' }, aggregationRule: {} })), [
    'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
  ]);
  const rb: rbacV1.RoleBinding = defaultRoleBinding({ metadata: { name: 'b', namespace: 'default' }, roleRef: { apiGroup: '', kind: 'Role', name: 'r' }, subjects: [{ kind: 'User', name: 'alice' }] });
  assert.deepEqual(messages(validateRoleBinding(rb)), []);
  assert.deepEqual(messages(validateRoleBinding(edited(rb, (b) => { b.subjects = [{ kind: 'Robot', name: '' }]; }))), [
    'subjects[0].name: Required value',
    'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
  ]);
  assert.deepEqual(messages(validateClusterRoleBinding({ metadata: { name: 'c' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] })), [
    'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    'subjects[0].namespace: Required value',
  ]);
  const old = edited(rb, (b) => { b.metadata!.resourceVersion = '1'; });
  assert.deepEqual(messages(validateRoleBindingUpdate(edited(old, (b) => { b.roleRef.name = 'other'; }), old)), [
    'roleRef: Invalid value: {"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"other"}: cannot change roleRef',
  ]);
});
