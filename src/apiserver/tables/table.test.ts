// toTable (the Table envelope and includeObject) and the kind → convertor registry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crdTableConvertor, hasPrinter, tableConvertorFor, toTable } from '../tables.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const cm = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'game', namespace: 'default', uid: 'u-1', resourceVersion: '42', creationTimestamp: '2024-05-01T11:00:00Z', labels: { app: 'game' } },
  data: { lives: '3' },
};

test('toTable with includeObject=Metadata carries PartialObjectMetadata rows', () => {
  const table = toTable(tableConvertorFor('', 'ConfigMap'), [cm], { now: NOW, includeObject: 'Metadata', resourceVersion: '57' });
  assert.deepEqual(JSON.parse(JSON.stringify(table)), {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: '57' },
    columnDefinitions: tableConvertorFor('', 'ConfigMap').columns,
    rows: [{ cells: ['game', 1, '60m'], object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cm.metadata } }],
  });
  assert.deepEqual(Object.keys(table), ['kind', 'apiVersion', 'metadata', 'columnDefinitions', 'rows']);
});

test('toTable with includeObject=Object, None, paging fields and noHeaders', () => {
  const full = toTable(tableConvertorFor('', 'ConfigMap'), [cm], { now: NOW, includeObject: 'Object', resourceVersion: '57', continue: 'abc', remainingItemCount: 3 });
  assert.equal(full.rows[0]?.object, cm);
  assert.deepEqual(full.metadata, { resourceVersion: '57', continue: 'abc', remainingItemCount: 3 });
  const none = toTable(tableConvertorFor('', 'ConfigMap'), [cm], { now: NOW, includeObject: 'None', noHeaders: true });
  assert.deepEqual(none.rows, [{ cells: ['game', 1, '60m'] }]);
  assert.deepEqual(none.columnDefinitions, []);
  assert.deepEqual(none.metadata, {});
  assert.deepEqual(toTable(tableConvertorFor('', 'ConfigMap'), [], { now: NOW, includeObject: 'Metadata' }).rows, []);
});

test('finished pods carry row conditions in the Table', () => {
  const pod = { metadata: { name: 'done' }, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Succeeded' } };
  const row = toTable(tableConvertorFor('', 'Pod'), [pod], { now: NOW, includeObject: 'None' }).rows[0];
  assert.equal(row?.conditions?.[0]?.type, 'Completed');
  assert.deepEqual(Object.keys(row ?? {}), ['cells', 'conditions']);
});

test('every row has one cell per column for every registered kind', () => {
  const kinds: [string, string][] = [
    ['', 'Pod'], ['', 'ReplicationController'], ['', 'Service'], ['', 'Endpoints'], ['', 'Node'], ['', 'Namespace'], ['', 'ConfigMap'],
    ['', 'Secret'], ['', 'ServiceAccount'], ['', 'Event'], ['', 'PersistentVolume'], ['', 'PersistentVolumeClaim'], ['', 'ResourceQuota'],
    ['', 'PodTemplate'], ['', 'ComponentStatus'], ['apps', 'Deployment'], ['apps', 'ReplicaSet'], ['apps', 'StatefulSet'], ['apps', 'DaemonSet'],
    ['apps', 'ControllerRevision'], ['batch', 'Job'], ['batch', 'CronJob'], ['autoscaling', 'HorizontalPodAutoscaler'], ['policy', 'PodDisruptionBudget'],
    ['networking.k8s.io', 'Ingress'], ['networking.k8s.io', 'IngressClass'], ['networking.k8s.io', 'NetworkPolicy'], ['discovery.k8s.io', 'EndpointSlice'],
    ['events.k8s.io', 'Event'], ['coordination.k8s.io', 'Lease'], ['rbac.authorization.k8s.io', 'RoleBinding'], ['rbac.authorization.k8s.io', 'ClusterRoleBinding'],
    ['scheduling.k8s.io', 'PriorityClass'], ['storage.k8s.io', 'StorageClass'], ['certificates.k8s.io', 'CertificateSigningRequest'], ['node.k8s.io', 'RuntimeClass'],
    ['admissionregistration.k8s.io', 'ValidatingWebhookConfiguration'], ['apiregistration.k8s.io', 'APIService'],
  ];
  for (const [group, kind] of kinds) {
    assert.ok(hasPrinter(group, kind), `${group}/${kind} has a printer`);
    const t = tableConvertorFor(group, kind);
    assert.equal(t.columns[0]?.name === 'Name' || t.columns[0]?.name === 'Last Seen', true, kind);
    assert.equal(t.cells({ metadata: { name: 'x' } }, NOW).length, t.columns.length, `${group}/${kind}`);
  }
});

test('kinds without a printer use the default table', () => {
  for (const [group, kind] of [['rbac.authorization.k8s.io', 'Role'], ['rbac.authorization.k8s.io', 'ClusterRole'], ['', 'LimitRange'], ['apiextensions.k8s.io', 'CustomResourceDefinition'], ['apps', 'Pod']]) {
    assert.equal(hasPrinter(group ?? '', kind ?? ''), false);
    assert.deepEqual(tableConvertorFor(group ?? '', kind ?? '').columns.map((c) => c.name), ['Name', 'Created At']);
  }
});

test('a CRD convertor works with toTable', () => {
  const t = crdTableConvertor([{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }]);
  const table = toTable(t, [{ metadata: { name: 'big' }, spec: { size: 7 } }], { now: NOW, includeObject: 'None' });
  assert.deepEqual(table.rows, [{ cells: ['big', 7] }]);
});
