// Workload tables (apps and batch): columns and cells for realistic objects at a fixed clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cronJobTable, jobTable } from './batch.js';
import type { TableConvertor } from './types.js';
import {
  controllerRevisionTable,
  daemonSetTable,
  deploymentTable,
  podDisruptionBudgetTable,
  replicaSetTable,
  replicationControllerTable,
  statefulSetTable,
} from './workloads.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString();
const meta = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, namespace: 'default', creationTimestamp: ago(3 * 3600), ...extra });
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'log', image: 'busybox' }] } };
const selector = { matchLabels: { app: 'web' } };

const header = (t: TableConvertor): string[] => t.columns.map((c) => (c.priority === 1 ? `${c.name}(w)` : c.name));

const cases: { name: string; table: TableConvertor; columns: string[]; obj: Record<string, unknown>; cells: unknown[] }[] = [
  {
    name: 'deployment',
    table: deploymentTable,
    columns: ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers(w)', 'Images(w)', 'Selector(w)'],
    obj: { metadata: meta('web'), spec: { replicas: 3, selector, template }, status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } },
    cells: ['web', '2/3', 3, 2, '3h', 'web,log', 'nginx:1.27,busybox', 'app=web'],
  },
  {
    name: 'deployment just created (no status, replicas undefaulted)',
    table: deploymentTable,
    columns: ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers(w)', 'Images(w)', 'Selector(w)'],
    obj: { metadata: meta('web', { creationTimestamp: ago(4) }), spec: { selector, template } },
    cells: ['web', '0/1', 0, 0, '4s', 'web,log', 'nginx:1.27,busybox', 'app=web'],
  },
  {
    name: 'replicaset',
    table: replicaSetTable,
    columns: ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers(w)', 'Images(w)', 'Selector(w)'],
    obj: { metadata: meta('web-7d4b9c'), spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '7d4b9c' } }, template }, status: { replicas: 3, readyReplicas: 1 } },
    cells: ['web-7d4b9c', 3, 3, 1, '3h', 'web,log', 'nginx:1.27,busybox', 'app=web,pod-template-hash=7d4b9c'],
  },
  {
    name: 'replicationcontroller',
    table: replicationControllerTable,
    columns: ['Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers(w)', 'Images(w)', 'Selector(w)'],
    obj: { metadata: meta('nginx'), spec: { replicas: 2, selector: { app: 'nginx' }, template }, status: { replicas: 2, readyReplicas: 2 } },
    cells: ['nginx', 2, 2, 2, '3h', 'web,log', 'nginx:1.27,busybox', 'app=nginx'],
  },
  {
    name: 'statefulset',
    table: statefulSetTable,
    columns: ['Name', 'Ready', 'Age', 'Containers(w)', 'Images(w)'],
    obj: { metadata: meta('db'), spec: { replicas: 3, selector, template, serviceName: 'db' }, status: { replicas: 2, readyReplicas: 1 } },
    cells: ['db', '1/3', '3h', 'web,log', 'nginx:1.27,busybox'],
  },
  {
    name: 'daemonset',
    table: daemonSetTable,
    columns: ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age', 'Containers(w)', 'Images(w)', 'Selector(w)'],
    obj: {
      metadata: meta('kube-proxy'),
      spec: { selector: { matchLabels: { k8s: 'proxy' } }, template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.32.0' }] } } },
      status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1 },
    },
    cells: ['kube-proxy', 2, 2, 1, 2, 1, 'kubernetes.io/os=linux', '3h', 'kube-proxy', 'registry.k8s.io/kube-proxy:v1.32.0', 'k8s=proxy'],
  },
  {
    name: 'controllerrevision owned by a daemonset',
    table: controllerRevisionTable,
    columns: ['Name', 'Controller', 'Revision', 'Age'],
    obj: { metadata: meta('kube-proxy-5f8', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'kube-proxy', uid: 'u', controller: true }] }), revision: 2 },
    cells: ['kube-proxy-5f8', 'daemonset.apps/kube-proxy', 2, '3h'],
  },
  {
    name: 'controllerrevision without a controller',
    table: controllerRevisionTable,
    columns: ['Name', 'Controller', 'Revision', 'Age'],
    obj: { metadata: meta('orphan', { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u' }] }), revision: 1 },
    cells: ['orphan', '<none>', 1, '3h'],
  },
  {
    name: 'poddisruptionbudget',
    table: podDisruptionBudgetTable,
    columns: ['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age'],
    obj: { metadata: meta('web-pdb'), spec: { minAvailable: '50%', selector }, status: { disruptionsAllowed: 1 } },
    cells: ['web-pdb', '50%', 'N/A', 1, '3h'],
  },
  {
    name: 'job complete',
    table: jobTable,
    columns: ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers(w)', 'Images(w)', 'Selector(w)'],
    obj: {
      metadata: meta('pi'),
      spec: { completions: 1, parallelism: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } }, template: { spec: { containers: [{ name: 'pi', image: 'perl:5.34' }] } } },
      status: { startTime: ago(3 * 3600), completionTime: ago(3 * 3600 - 35), succeeded: 1, conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] },
    },
    cells: ['pi', 'Complete', '1/1', '35s', '3h', 'pi', 'perl:5.34', 'batch.kubernetes.io/controller-uid=abc'],
  },
  {
    name: 'job running, parallel without completions',
    table: jobTable,
    columns: ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers(w)', 'Images(w)', 'Selector(w)'],
    obj: { metadata: meta('work'), spec: { parallelism: 3, template: { spec: { containers: [{ name: 'w', image: 'busybox' }] } } }, status: { startTime: ago(90), active: 3 } },
    cells: ['work', 'Running', '0/1 of 3', '90s', '3h', 'w', 'busybox', '<none>'],
  },
  {
    name: 'job failed',
    table: jobTable,
    columns: ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers(w)', 'Images(w)', 'Selector(w)'],
    obj: { metadata: meta('bad'), spec: { completions: 2 }, status: { startTime: ago(600), failed: 7, conditions: [{ type: 'FailureTarget', status: 'True' }, { type: 'Failed', status: 'True' }] } },
    cells: ['bad', 'Failed', '0/2', '10m', '3h', '', '', '<none>'],
  },
  {
    name: 'job suspended before it started',
    table: jobTable,
    columns: ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers(w)', 'Images(w)', 'Selector(w)'],
    obj: { metadata: meta('later'), spec: { completions: 1, suspend: true }, status: { conditions: [{ type: 'Suspended', status: 'True' }] } },
    cells: ['later', 'Suspended', '0/1', '', '3h', '', '', '<none>'],
  },
  {
    name: 'cronjob',
    table: cronJobTable,
    columns: ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers(w)', 'Images(w)', 'Selector(w)'],
    obj: {
      metadata: meta('hello'),
      spec: { schedule: '*/1 * * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox:1.28' }] } } } } },
      status: { active: [{ kind: 'Job', name: 'hello-1' }], lastScheduleTime: ago(45) },
    },
    cells: ['hello', '*/1 * * * *', '<none>', 'False', 1, '45s', '3h', 'hello', 'busybox:1.28', '<none>'],
  },
  {
    name: 'cronjob with a time zone, never scheduled',
    table: cronJobTable,
    columns: ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers(w)', 'Images(w)', 'Selector(w)'],
    obj: { metadata: meta('nightly'), spec: { schedule: '0 3 * * *', timeZone: 'Europe/Paris', suspend: true, jobTemplate: { spec: { template: { spec: { containers: [] } } } } } },
    cells: ['nightly', '0 3 * * *', 'Europe/Paris', 'True', 0, '<none>', '3h', '', '', '<none>'],
  },
];

for (const c of cases) {
  test(`${c.name}: columns and cells`, () => {
    assert.deepEqual(header(c.table), c.columns);
    assert.deepEqual(c.table.cells(c.obj, NOW), c.cells);
    assert.equal(c.table.cells(c.obj, NOW).length, c.table.columns.length);
  });
}

test('a terminating job that has not finished prints Terminating', () => {
  const job = { metadata: meta('j', { deletionTimestamp: ago(1) }), spec: { completions: 1 }, status: {} };
  assert.equal(jobTable.cells(job, NOW)[1], 'Terminating');
});

test('cronjob Suspend is a boolean column, Active an integer one', () => {
  assert.equal(cronJobTable.columns.find((c) => c.name === 'Suspend')?.type, 'boolean');
  assert.equal(cronJobTable.columns.find((c) => c.name === 'Active')?.type, 'integer');
});
