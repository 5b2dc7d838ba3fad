import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../client/types.js';
import { asTyped } from './typed.js';

test('a Service is rebuilt in Go struct order with its never-omitted fields', () => {
  const got = asTyped({
    metadata: { name: 's', labels: { b: '2', a: '1' } },
    status: {},
    spec: { selector: { z: '1', a: '2' }, ports: [{ port: 80, name: 'http' }], type: 'ClusterIP', publishNotReadyAddresses: false, ipFamilyPolicy: '' },
    kind: 'Service',
    apiVersion: 'v1',
    extra: true,
  } as KubeObject);
  // JSON.stringify keeps insertion order, so this checks the order too.
  assert.equal(
    JSON.stringify(got),
    JSON.stringify({
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 's', creationTimestamp: null, labels: { a: '1', b: '2' } },
      spec: { ports: [{ name: 'http', port: 80, targetPort: 0 }], selector: { a: '2', z: '1' }, type: 'ClusterIP', ipFamilyPolicy: '' },
      status: { loadBalancer: {} },
    }),
  );
});

test('bindings keep an empty roleRef and drop empty subjects', () => {
  const got = asTyped({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'c', creationTimestamp: '2024-01-01T00:00:00Z' }, subjects: [{ name: 'u', kind: 'User' }] } as KubeObject);
  assert.equal(
    JSON.stringify(got),
    JSON.stringify({
      kind: 'ClusterRoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'c', creationTimestamp: '2024-01-01T00:00:00Z' },
      subjects: [{ kind: 'User', name: 'u' }],
      roleRef: { apiGroup: '', kind: '', name: '' },
    }),
  );
  const none = asTyped({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', subjects: [] } as KubeObject);
  assert.equal('subjects' in none, false);
});

test('other kinds are left as they are', () => {
  const d = { apiVersion: 'apps/v1', kind: 'Deployment', zzz: 1 } as KubeObject;
  assert.equal(asTyped(d), d);
});
