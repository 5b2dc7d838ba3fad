// Cluster-level tables: nodes (status, roles, wide info), namespaces, storage, leases, CSRs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  certificateSigningRequestTable,
  leaseTable,
  namespaceTable,
  nodeTable,
  persistentVolumeClaimTable,
  persistentVolumeTable,
  priorityClassTable,
  storageClassTable,
} from './cluster.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString();
const meta = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, creationTimestamp: ago(10 * 86400), ...extra });

const node = (extra: { labels?: Record<string, string>; unschedulable?: boolean; conditions?: unknown[]; addresses?: unknown[]; nodeInfo?: unknown } = {}): Record<string, unknown> => ({
  metadata: meta('node-1', { labels: extra.labels ?? { 'kubernetes.io/hostname': 'node-1' } }),
  spec: extra.unschedulable === true ? { unschedulable: true } : {},
  status: {
    conditions: extra.conditions ?? [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
    addresses: extra.addresses ?? [{ type: 'InternalIP', address: '192.168.49.2' }, { type: 'Hostname', address: 'node-1' }],
    nodeInfo: extra.nodeInfo ?? { kubeletVersion: 'v1.32.0', osImage: 'Ubuntu 22.04.4 LTS', kernelVersion: '6.8.0-45-generic', containerRuntimeVersion: 'containerd://1.7.22' },
  },
});

test('node columns and a ready control-plane node', () => {
  assert.deepEqual(
    nodeTable.columns.map((c) => [c.name, c.priority]),
    [['Name', 0], ['Status', 0], ['Roles', 0], ['Age', 0], ['Version', 0], ['Internal-IP', 1], ['External-IP', 1], ['OS-Image', 1], ['Kernel-Version', 1], ['Container-Runtime', 1]],
  );
  const n = node({ labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/etcd': 'true', 'kubernetes.io/role': 'master' } });
  assert.deepEqual(nodeTable.cells(n, NOW), ['node-1', 'Ready', 'control-plane,etcd,master', '10d', 'v1.32.0', '192.168.49.2', '<none>', 'Ubuntu 22.04.4 LTS', '6.8.0-45-generic', 'containerd://1.7.22']);
});

test('node status: cordoned, not ready, unknown; roles <none>; missing node info', () => {
  assert.equal(nodeTable.cells(node({ unschedulable: true }), NOW)[1], 'Ready,SchedulingDisabled');
  assert.equal(nodeTable.cells(node({ conditions: [{ type: 'Ready', status: 'Unknown' }] }), NOW)[1], 'NotReady');
  assert.equal(nodeTable.cells(node({ conditions: [], unschedulable: true }), NOW)[1], 'Unknown,SchedulingDisabled');
  const bare = nodeTable.cells(node({ nodeInfo: {}, addresses: [{ type: 'ExternalIP', address: '203.0.113.4' }] }), NOW);
  assert.deepEqual(bare.slice(2), ['<none>', '10d', '', '<none>', '203.0.113.4', '<unknown>', '<unknown>', '<unknown>']);
});

test('namespace, lease, priorityclass', () => {
  assert.deepEqual(namespaceTable.cells({ metadata: meta('default'), status: { phase: 'Active' } }, NOW), ['default', 'Active', '10d']);
  assert.deepEqual(namespaceTable.cells({ metadata: meta('old'), status: { phase: 'Terminating' } }, NOW), ['old', 'Terminating', '10d']);
  assert.deepEqual(leaseTable.cells({ metadata: meta('node-1'), spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40 } }, NOW), ['node-1', 'node-1', '10d']);
  assert.deepEqual(leaseTable.cells({ metadata: meta('free'), spec: {} }, NOW), ['free', '', '10d']);
  const pc = { metadata: meta('system-cluster-critical'), value: 2000000000, globalDefault: false, preemptionPolicy: 'PreemptLowerPriority' };
  assert.deepEqual(priorityClassTable.cells(pc, NOW), ['system-cluster-critical', 2000000000, false, '10d', 'PreemptLowerPriority']);
  assert.deepEqual(
    priorityClassTable.columns.map((c) => [c.name, c.type]),
    [['Name', 'string'], ['Value', 'integer'], ['Global-Default', 'boolean'], ['Age', 'string'], ['PreemptionPolicy', 'string']],
  );
});

test('storageclass marks the default class', () => {
  const sc = {
    metadata: meta('standard', { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }),
    provisioner: 'rancher.io/local-path',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
  assert.deepEqual(storageClassTable.cells(sc, NOW), ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '10d']);
  assert.deepEqual(storageClassTable.cells({ metadata: meta('fast'), provisioner: 'x', allowVolumeExpansion: true }, NOW), ['fast', 'x', 'Delete', 'Immediate', true, '10d']);
});

test('persistentvolume: bound, released with a reason, terminating', () => {
  const pv = {
    metadata: meta('pv-1'),
    spec: { capacity: { storage: '1024Mi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'standard', claimRef: { namespace: 'default', name: 'data' }, volumeMode: 'Filesystem' },
    status: { phase: 'Bound' },
  };
  assert.deepEqual(persistentVolumeTable.cells(pv, NOW), ['pv-1', '1Gi', 'RWO', 'Delete', 'Bound', 'default/data', 'standard', '<unset>', '', '10d', 'Filesystem']);
  const released = { ...pv, metadata: meta('pv-2', { deletionTimestamp: ago(1) }), status: { phase: 'Failed', reason: 'Recycler failed' } };
  assert.deepEqual(persistentVolumeTable.cells(released, NOW).slice(4, 9), ['Terminating', 'default/data', 'standard', '<unset>', 'Recycler failed']);
});

test('persistentvolumeclaim: bound shows capacity and modes, pending does not', () => {
  const bound = {
    metadata: meta('data'),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'standard', volumeName: 'pvc-123', volumeMode: 'Filesystem' },
    status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } },
  };
  assert.deepEqual(persistentVolumeClaimTable.cells(bound, NOW), ['data', 'Bound', 'pvc-123', '1Gi', 'RWO', 'standard', '<unset>', '10d', 'Filesystem']);
  const pending = { metadata: meta('wait', { annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' } }), spec: { accessModes: ['ReadWriteMany'], storageClassName: 'standard' }, status: { phase: 'Pending' } };
  assert.deepEqual(persistentVolumeClaimTable.cells(pending, NOW), ['wait', 'Pending', '', '', '', 'legacy', '<unset>', '10d', 'Filesystem']);
});

test('certificatesigningrequest condition and requested duration', () => {
  const csr = (status: Record<string, unknown>, spec: Record<string, unknown> = {}): Record<string, unknown> => ({
    metadata: meta('csr-abc'),
    spec: { signerName: 'kubernetes.io/kube-apiserver-client', username: 'kubernetes-admin', request: 'LS0t', ...spec },
    status,
  });
  assert.deepEqual(certificateSigningRequestTable.cells(csr({}), NOW), ['csr-abc', '10d', 'kubernetes.io/kube-apiserver-client', 'kubernetes-admin', '<none>', 'Pending']);
  assert.deepEqual(certificateSigningRequestTable.cells(csr({ conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0t' }, { expirationSeconds: 86400 }), NOW).slice(4), ['24h', 'Approved,Issued']);
  assert.equal(certificateSigningRequestTable.cells(csr({ conditions: [{ type: 'Approved' }, { type: 'Denied' }, { type: 'Failed' }] }), NOW)[5], 'Denied,Failed');
});
