import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../client/types.js';
import { statusViewerFor } from './status.js';

const deploy = (status: Record<string, unknown>, o: { generation?: number; replicas?: number } = {}) =>
  ({ metadata: { name: 'web', generation: o.generation ?? 1, annotations: { 'deployment.kubernetes.io/revision': '3' } }, spec: { replicas: o.replicas ?? 3 }, status: { observedGeneration: 1, ...status } }) as KubeObject;

test('deployment rollout status lines, in kubectl\'s order of checks', () => {
  const view = statusViewerFor('apps', 'Deployment');
  const cases: Array<[KubeObject, string, boolean]> = [
    [deploy({}, { generation: 2 }), 'Waiting for deployment spec update to be observed...\n', false],
    [deploy({ updatedReplicas: 1 }), 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n', false],
    [deploy({ updatedReplicas: 3, replicas: 4 }), 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...\n', false],
    [deploy({ updatedReplicas: 3, replicas: 3, availableReplicas: 2 }), 'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...\n', false],
    [deploy({ updatedReplicas: 3, replicas: 3, availableReplicas: 3 }), 'deployment "web" successfully rolled out\n', true],
  ];
  for (const [obj, message, done] of cases) assert.deepEqual(view(obj, 0), { message, done });
  assert.throws(() => view(deploy({ conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }] }), 0), /exceeded its progress deadline/);
  assert.throws(() => view(deploy({}), 2), /desired revision \(2\) is different from the running revision \(3\)/);
});

test('daemon set and stateful set verdicts; other kinds have no viewer', () => {
  const ds = statusViewerFor('apps', 'DaemonSet');
  const d = (s: Record<string, unknown>) => ({ metadata: { name: 'd', generation: 1 }, status: { observedGeneration: 1, ...s } }) as KubeObject;
  assert.equal(ds(d({ desiredNumberScheduled: 2, updatedNumberScheduled: 1 }), 0).message, 'Waiting for daemon set "d" rollout to finish: 1 out of 2 new pods have been updated...\n');
  assert.deepEqual(ds(d({ desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 }), 0), { message: 'daemon set "d" successfully rolled out\n', done: true });
  const sts = statusViewerFor('apps', 'StatefulSet');
  const s = (spec: Record<string, unknown>, st: Record<string, unknown>) => ({ metadata: { name: 's', generation: 1 }, spec: { replicas: 2, ...spec }, status: { observedGeneration: 1, ...st } }) as KubeObject;
  assert.equal(sts(s({}, { readyReplicas: 1 }), 0).message, 'Waiting for 1 pods to be ready...\n');
  assert.deepEqual(sts(s({}, { readyReplicas: 2, currentRevision: 'a', updateRevision: 'a', currentReplicas: 2 }), 0), { message: 'statefulset rolling update complete 2 pods at revision a...\n', done: true });
  assert.equal(sts(s({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } }, { readyReplicas: 2, updatedReplicas: 1 }), 0).message, 'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...\n');
  assert.throws(() => statusViewerFor('', 'Service'), /no status viewer has been implemented for Service/);
  assert.throws(() => statusViewerFor('apps', 'ReplicaSet'), /no status viewer has been implemented for ReplicaSet.apps/);
});
