// Per-kind field selector support: accepted labels, aliases, exact rejection texts, and the field
// sets objects expose for matching.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFieldSelector } from './field-selector.js';
import { convertFieldLabel, fieldSelectorForKind, fieldsOf, supportedFieldLabels, type GroupKind } from './field-sets.js';

const POD: GroupKind = { group: '', kind: 'Pod' };
const DEFAULT_ERR = (f: string): string => `"${f}" is not a known field selector: only "metadata.name", "metadata.namespace"`;

const ACCEPT: Array<[GroupKind, string[]]> = [
  [POD, ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName']],
  [{ group: '', kind: 'Event' }, ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type', 'metadata.name', 'metadata.namespace']],
  [{ group: '', kind: 'Secret' }, ['type', 'metadata.name', 'metadata.namespace']],
  [{ group: '', kind: 'Namespace' }, ['status.phase', 'metadata.name']],
  [{ group: '', kind: 'Node' }, ['metadata.name', 'spec.unschedulable']],
  [{ group: '', kind: 'ReplicationController' }, ['metadata.name', 'metadata.namespace', 'status.replicas']],
  [{ group: '', kind: 'Service' }, ['metadata.name', 'metadata.namespace', 'spec.clusterIP', 'spec.type']],
  [{ group: 'apps', kind: 'ReplicaSet' }, ['metadata.name', 'metadata.namespace', 'status.replicas']],
  [{ group: 'batch', kind: 'Job' }, ['metadata.name', 'metadata.namespace', 'status.successful']],
  [{ group: 'certificates.k8s.io', kind: 'CertificateSigningRequest' }, ['metadata.name', 'spec.signerName']],
  [{ group: '', kind: 'ConfigMap' }, ['metadata.name', 'metadata.namespace']],
  [{ group: '', kind: 'Endpoints' }, ['metadata.name', 'metadata.namespace']],
  [{ group: 'apps', kind: 'Deployment' }, ['metadata.name', 'metadata.namespace']],
];

for (const [gk, labels] of ACCEPT) {
  test(`${gk.group || 'core'}/${gk.kind} accepts exactly its field labels`, () => {
    assert.deepEqual([...supportedFieldLabels(gk)].sort(), [...labels].sort());
    for (const l of labels) assert.deepEqual(convertFieldLabel(gk, l, 'v'), { ok: true, value: { field: l, value: 'v' } });
  });
}

const REJECT: Array<[GroupKind, string, string]> = [
  [POD, 'spec.containers', 'field label not supported: spec.containers'],
  [POD, 'metadata.labels', 'field label not supported: metadata.labels'],
  [{ group: '', kind: 'Node' }, 'metadata.namespace', 'field label not supported: metadata.namespace'],
  [{ group: '', kind: 'Namespace' }, 'metadata.namespace', 'field label not supported: metadata.namespace'],
  [{ group: '', kind: 'Secret' }, 'data', 'field label not supported: data'],
  [{ group: 'batch', kind: 'Job' }, 'status.succeeded', 'field label not supported: status.succeeded'],
  [{ group: '', kind: 'ConfigMap' }, 'data.key', DEFAULT_ERR('data.key')],
  [{ group: 'apps', kind: 'Deployment' }, 'spec.replicas', DEFAULT_ERR('spec.replicas')],
  // The kind alone does not identify the rules: apps/Job is not batch/Job.
  [{ group: 'apps', kind: 'Job' }, 'status.successful', DEFAULT_ERR('status.successful')],
];

for (const [gk, label, message] of REJECT) {
  test(`${gk.group || 'core'}/${gk.kind} rejects ${label}`, () => {
    assert.deepEqual(convertFieldLabel(gk, label, 'v'), { ok: false, error: message });
  });
}

test('pods accept the legacy spec.host and select on spec.nodeName', () => {
  const parsed = parseFieldSelector('spec.host=node-1');
  assert.ok(parsed.ok);
  const r = fieldSelectorForKind(POD, parsed.value);
  assert.ok(r.ok);
  assert.equal(r.value.toString(), 'spec.nodeName=node-1');
  const bad = parseFieldSelector('metadata.name=a,spec.nope=b');
  assert.ok(bad.ok);
  assert.deepEqual(fieldSelectorForKind(POD, bad.value), { ok: false, error: 'field label not supported: spec.nope' });
});

test('the field set of a pod', () => {
  const pod = {
    metadata: { name: 'web-0', namespace: 'prod', labels: { app: 'web' } },
    spec: { nodeName: 'n1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default', hostNetwork: true },
    status: { phase: 'Running', podIP: '10.0.0.9', podIPs: [{ ip: '10.0.0.9' }, { ip: 'fd00::9' }], nominatedNodeName: '' },
  };
  assert.deepEqual(fieldsOf(POD, pod), {
    'metadata.name': 'web-0',
    'metadata.namespace': 'prod',
    'spec.nodeName': 'n1',
    'spec.restartPolicy': 'Always',
    'spec.schedulerName': 'default-scheduler',
    'spec.serviceAccountName': 'default',
    'spec.hostNetwork': 'true',
    'status.phase': 'Running',
    'status.podIP': '10.0.0.9',
    'status.nominatedNodeName': '',
  });
  // A fresh pod: absent fields are Go zero values.
  const fresh = fieldsOf(POD, { metadata: { name: 'p', namespace: 'd' } });
  assert.equal(fresh['spec.hostNetwork'], 'false');
  assert.equal(fresh['spec.nodeName'], '');
  const unscheduled = parseFieldSelector('spec.nodeName=,status.phase!=Running');
  assert.ok(unscheduled.ok);
  assert.equal(unscheduled.value.matches(fresh), true);
  assert.equal(unscheduled.value.matches(fieldsOf(POD, pod)), false);
});

test('field sets of other kinds', () => {
  assert.deepEqual(fieldsOf({ group: '', kind: 'Node' }, { metadata: { name: 'n1' }, spec: { unschedulable: true } }), { 'metadata.name': 'n1', 'spec.unschedulable': 'true' });
  assert.deepEqual(fieldsOf({ group: '', kind: 'Node' }, { metadata: { name: 'n2' } }), { 'metadata.name': 'n2', 'spec.unschedulable': 'false' });
  assert.deepEqual(fieldsOf({ group: 'batch', kind: 'Job' }, { metadata: { name: 'j', namespace: 'd' }, status: { succeeded: 3 } }), {
    'metadata.name': 'j',
    'metadata.namespace': 'd',
    'status.successful': '3',
  });
  assert.equal(fieldsOf({ group: 'apps', kind: 'ReplicaSet' }, { metadata: { name: 'r' } })['status.replicas'], '0');
  assert.deepEqual(fieldsOf({ group: '', kind: 'Secret' }, { metadata: { name: 's', namespace: 'd' }, type: 'kubernetes.io/tls' }), {
    'metadata.name': 's',
    'metadata.namespace': 'd',
    type: 'kubernetes.io/tls',
  });
  assert.deepEqual(fieldsOf({ group: '', kind: 'Namespace' }, { metadata: { name: 'd' }, status: { phase: 'Active' } }), { 'metadata.name': 'd', 'status.phase': 'Active' });
  const ev = fieldsOf({ group: '', kind: 'Event' }, {
    metadata: { name: 'e', namespace: 'd' },
    involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'd', uid: 'u1', apiVersion: 'v1', resourceVersion: '7', fieldPath: 'spec.containers{c}' },
    reason: 'Scheduled',
    reportingComponent: 'default-scheduler',
    type: 'Normal',
  });
  assert.equal(ev['involvedObject.fieldPath'], 'spec.containers{c}');
  assert.equal(ev.source, 'default-scheduler', 'source falls back to reportingComponent');
  assert.equal(fieldsOf({ group: '', kind: 'Event' }, { source: { component: 'kubelet' }, reportingComponent: 'x' }).source, 'kubelet');
  assert.deepEqual(fieldsOf({ group: '', kind: 'ConfigMap' }, { metadata: { name: 'c', namespace: 'd' }, data: { a: 'b' } }), { 'metadata.name': 'c', 'metadata.namespace': 'd' });
  // Cluster-scoped kinds without own rules: say so, and metadata.namespace is absent (reads "").
  assert.deepEqual(fieldsOf({ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }, { metadata: { name: 'admin' } }, false), { 'metadata.name': 'admin' });
});
