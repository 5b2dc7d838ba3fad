// Config, access, event and autoscaling tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterRoleBindingTable, configMapTable, resourceQuotaTable, roleBindingTable, secretTable, serviceAccountTable } from './config.js';
import { eventTable } from './events.js';
import { horizontalPodAutoscalerTable } from './hpa.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString();
const meta = (name: string): Record<string, unknown> => ({ name, namespace: 'default', creationTimestamp: ago(45) });

test('configmap, secret, serviceaccount', () => {
  assert.deepEqual(configMapTable.cells({ metadata: meta('kube-root-ca.crt'), data: { 'ca.crt': 'x' }, binaryData: { b: 'AA==' } }, NOW), ['kube-root-ca.crt', 2, '45s']);
  assert.deepEqual(configMapTable.cells({ metadata: meta('empty') }, NOW), ['empty', 0, '45s']);
  assert.deepEqual(secretTable.cells({ metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }, NOW), ['tls', 'kubernetes.io/tls', 2, '45s']);
  assert.deepEqual(secretTable.cells({ metadata: meta('plain') }, NOW), ['plain', 'Opaque', 0, '45s']);
  assert.deepEqual(serviceAccountTable.cells({ metadata: meta('default') }, NOW), ['default', 0, '45s']);
  assert.deepEqual(
    secretTable.columns.map((c) => c.name),
    ['Name', 'Type', 'Data', 'Age'],
  );
});

test('resourcequota splits requests and limits, sorted by resource', () => {
  const rq = {
    metadata: meta('compute'),
    spec: { hard: { pods: '10', 'requests.cpu': '2', 'limits.memory': '2Gi' } },
    status: { hard: { pods: '10', 'requests.cpu': '2', 'limits.memory': '2Gi', 'limits.cpu': '4' }, used: { pods: '3', 'requests.cpu': '500m', 'limits.memory': '1073741824' } },
  };
  // Quantities print canonically: 1073741824 bytes is not a whole decimal unit, so it stays as is.
  assert.deepEqual(resourceQuotaTable.cells(rq, NOW), ['compute', 'pods: 3/10, requests.cpu: 500m/2', 'limits.cpu: 0/4, limits.memory: 1073741824/2Gi', '45s']);
});

test('role bindings list subjects by kind in the wide columns', () => {
  const rb = {
    metadata: meta('read-pods'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
    subjects: [
      { kind: 'User', name: 'jane' },
      { kind: 'ServiceAccount', name: 'builder', namespace: 'ci' },
      { kind: 'Group', name: 'devs' },
      { kind: 'User', name: 'joe' },
    ],
  };
  assert.deepEqual(roleBindingTable.cells(rb, NOW), ['read-pods', 'Role/pod-reader', '45s', 'jane, joe', 'devs', 'ci/builder']);
  assert.deepEqual(
    clusterRoleBindingTable.columns.map((c) => [c.name, c.priority, c.description.slice(0, 6)]),
    [['Name', 0, 'Name m'], ['Role', 0, 'RoleRe'], ['Age', 0, 'Creati'], ['Users', 1, 'Users '], ['Groups', 1, 'Groups'], ['ServiceAccounts', 1, 'Servic']],
  );
  assert.deepEqual(clusterRoleBindingTable.cells({ metadata: meta('x'), roleRef: { kind: 'ClusterRole', name: 'view' } }, NOW), ['x', 'ClusterRole/view', '45s', '', '', '']);
});

test('event columns put Last Seen first and Name last (wide)', () => {
  assert.deepEqual(
    eventTable.columns.map((c) => [c.name, c.priority, c.format]),
    [['Last Seen', 0, ''], ['Type', 0, ''], ['Reason', 0, ''], ['Object', 0, ''], ['Subobject', 1, ''], ['Source', 1, ''], ['Message', 0, ''], ['First Seen', 1, ''], ['Count', 1, ''], ['Name', 1, 'name']],
  );
});

test('core/v1 event with count and source', () => {
  const ev = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web-1.17c1', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{web}' },
    reason: 'Pulled',
    message: 'Successfully pulled image "nginx:1.27"\n',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: ago(600),
    lastTimestamp: ago(30),
    count: 3,
    type: 'Normal',
  };
  assert.deepEqual(eventTable.cells(ev, NOW), ['30s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{web}', 'kubelet, node-1', 'Successfully pulled image "nginx:1.27"', '10m', 3, 'web-1.17c1']);
});

test('events.k8s.io/v1 event: eventTime, series, reporting controller, singleton count', () => {
  const base = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'web.1', namespace: 'default' },
    regarding: { kind: 'Deployment', name: 'web', namespace: 'default' },
    reason: 'ScalingReplicaSet',
    note: 'Scaled up replica set web-7d4b9c to 3',
    type: 'Normal',
    eventTime: '2024-05-01T11:58:00.000000Z',
    reportingController: 'deployment-controller',
    reportingInstance: '',
    action: 'Scale',
  };
  assert.deepEqual(eventTable.cells(base, NOW), ['2m', 'Normal', 'ScalingReplicaSet', 'deployment/web', '', 'deployment-controller', 'Scaled up replica set web-7d4b9c to 3', '2m', 1, 'web.1']);
  const series = { ...base, series: { count: 4, lastObservedTime: '2024-05-01T11:59:50.000000Z' } };
  assert.deepEqual(eventTable.cells(series, NOW).slice(0, 1).concat(eventTable.cells(series, NOW).slice(7, 9)), ['10s', '2m', 4]);
  const noTimes = { ...base, eventTime: undefined, regarding: { kind: 'Node' } };
  assert.deepEqual(eventTable.cells(noTimes, NOW).slice(0, 4), ['<unknown>', 'Normal', 'ScalingReplicaSet', 'node']);
});

const hpa = (spec: Record<string, unknown>, status: Record<string, unknown>, apiVersion = 'autoscaling/v2'): Record<string, unknown> => ({
  apiVersion,
  kind: 'HorizontalPodAutoscaler',
  metadata: meta('web'),
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 10, ...spec },
  status,
});

test('hpa v2 targets: utilization, unknown current, values, more than two', () => {
  const cpu = (target: number): Record<string, unknown> => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } });
  const cpuNow = (current: number): Record<string, unknown> => ({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current, averageValue: '120m' } } });
  assert.deepEqual(horizontalPodAutoscalerTable.cells(hpa({ metrics: [cpu(50)] }, { currentReplicas: 2, desiredReplicas: 2, currentMetrics: [cpuNow(20)] }), NOW), [
    'web',
    'Deployment/web',
    'cpu: 20%/50%',
    '1',
    10,
    2,
    '45s',
  ]);
  assert.equal(horizontalPodAutoscalerTable.cells(hpa({ metrics: [cpu(50)] }, {}), NOW)[2], 'cpu: <unknown>/50%');
  const memory = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } };
  const pods = { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1k' } } };
  const external = { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '30' } } };
  const status = { currentMetrics: [cpuNow(70), { type: 'Resource', resource: { name: 'memory', current: { averageValue: '200Mi' } } }] };
  // Statuses are matched to specs by position, as upstream does.
  assert.equal(horizontalPodAutoscalerTable.cells(hpa({ metrics: [memory, pods] }, status), NOW)[2], 'memory: 120m/500Mi, <unknown>/1k');
  const noValue = { currentMetrics: [{ type: 'Resource', resource: { name: 'memory', current: {} } }] };
  assert.equal(horizontalPodAutoscalerTable.cells(hpa({ metrics: [memory] }, noValue), NOW)[2], 'memory: <nil>/500Mi');
  assert.equal(horizontalPodAutoscalerTable.cells(hpa({ metrics: [cpu(50), memory, external] }, status), NOW)[2], 'cpu: 70%/50%, memory: 200Mi/500Mi + 1 more...');
  assert.equal(horizontalPodAutoscalerTable.cells(hpa({ metrics: [], minReplicas: undefined }, {}), NOW)[2], '<none>');
  assert.equal(horizontalPodAutoscalerTable.cells(hpa({ metrics: [external] }, {}), NOW)[2], '<unknown>/30');
});

test('hpa v1: CPU percentage, and the implicit 80% target', () => {
  const v1 = hpa({ targetCPUUtilizationPercentage: 50, minReplicas: 2 }, { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 35 }, 'autoscaling/v1');
  assert.deepEqual(horizontalPodAutoscalerTable.cells(v1, NOW), ['web', 'Deployment/web', 'cpu: 35%/50%', '2', 10, 2, '45s']);
  const implicit = hpa({ minReplicas: undefined }, { currentReplicas: 0 }, 'autoscaling/v1');
  assert.deepEqual(horizontalPodAutoscalerTable.cells(implicit, NOW).slice(2, 4), ['cpu: <unknown>/80%', '1']);
});
