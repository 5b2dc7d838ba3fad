import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../client/types.js';
import { asTyped, isTypedKind } from './typed.js';

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

test('a Deployment gets its never-omitted structs, Go field order and canonical quantities', () => {
  const got = asTyped({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', creationTimestamp: '2024-01-01T10:00:00.5+02:00' },
    spec: {
      template: { spec: { containers: [{ image: 'nginx', name: 'nginx', resources: { limits: { memory: '1024Mi', cpu: '1000m' } }, securityContext: {} }] } },
      replicas: 0,
      paused: false,
    },
    zzz: 1,
  } as KubeObject);
  assert.equal(
    JSON.stringify(got),
    JSON.stringify({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web', creationTimestamp: '2024-01-01T08:00:00Z' },
      spec: {
        // A pointer set to zero stays; a non-pointer omitempty zero goes.
        replicas: 0,
        selector: null,
        template: {
          metadata: { creationTimestamp: null },
          spec: { containers: [{ name: 'nginx', image: 'nginx', resources: { limits: { cpu: '1', memory: '1Gi' } }, securityContext: {} }] },
        },
        strategy: {},
      },
      status: {},
    }),
  );
});

test('table: what Go writes for an unset field of each shape', () => {
  const cases: Array<[string, KubeObject, string]> = [
    // Non-omitempty slice, absent → null; present but empty → [].
    ['absent containers', { apiVersion: 'v1', kind: 'Pod', spec: {} } as KubeObject, '{"containers":null}'],
    ['empty containers', { apiVersion: 'v1', kind: 'Pod', spec: { containers: [] } } as KubeObject, '{"containers":[]}'],
    // An inlined struct (VolumeSource) writes its fields into the Volume.
    ['inlined volume source', { apiVersion: 'v1', kind: 'Pod', spec: { containers: [], volumes: [{ emptyDir: {}, name: 'v' }] } } as KubeObject, '{"volumes":[{"name":"v","emptyDir":{}}],"containers":[]}'],
    // IntOrString is a struct: never left out, zero is 0.
    ['service port', { apiVersion: 'v1', kind: 'Service', spec: { ports: [{ port: 80 }] } } as KubeObject, '{"ports":[{"port":80,"targetPort":0}]}'],
  ];
  for (const [name, obj, spec] of cases) assert.equal(JSON.stringify((asTyped(obj) as { spec?: unknown }).spec), spec, name);
});

test('kinds without a Go struct are left as they are', () => {
  const d = { apiVersion: 'example.com/v1', kind: 'Foo', zzz: 1 } as KubeObject;
  assert.equal(asTyped(d), d);
  assert.equal(isTypedKind(d), false);
  assert.equal(isTypedKind({ apiVersion: 'batch/v1', kind: 'CronJob' }), true);
});
