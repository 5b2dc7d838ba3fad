// The Pod table: column set and the Status/Ready/Restarts computation on the cases kubectl users meet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podTable } from './pod.js';

const NOW = new Date('2024-05-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW.getTime() - seconds * 1000).toISOString();

type Json = Record<string, unknown>;

function pod(opts: { meta?: Json; spec?: Json; status?: Json } = {}): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default', creationTimestamp: ago(300), ...opts.meta },
    spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'nginx:1.27' }], ...opts.spec },
    status: { phase: 'Running', podIP: '10.244.0.5', ...opts.status },
  };
}

const running = (name = 'web', restartCount = 0): Json => ({ name, ready: true, restartCount, state: { running: { startedAt: ago(200) } } });
const readyTrue = { conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }] };

test('pod columns are upstream printPod columns, with the wide ones at priority 1', () => {
  assert.deepEqual(
    podTable.columns.map((c) => [c.name, c.type, c.format, c.priority]),
    [
      ['Name', 'string', 'name', 0],
      ['Ready', 'string', '', 0],
      ['Status', 'string', '', 0],
      ['Restarts', 'string', '', 0],
      ['Age', 'string', '', 0],
      ['IP', 'string', '', 1],
      ['Node', 'string', '', 1],
      ['Nominated Node', 'string', '', 1],
      ['Readiness Gates', 'string', '', 1],
    ],
  );
});

const cases: { name: string; pod: Json; cells: unknown[] }[] = [
  {
    name: 'running and ready',
    pod: pod({ status: { ...readyTrue, containerStatuses: [running()] } }),
    cells: ['web-1', '1/1', 'Running', '0', '5m', '10.244.0.5', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'pending, not scheduled',
    pod: pod({
      meta: { creationTimestamp: ago(10) },
      spec: { nodeName: undefined },
      status: { phase: 'Pending', podIP: undefined, conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
    }),
    cells: ['web-1', '0/1', 'Pending', '0', '10s', '<none>', '<none>', '<none>', '<none>'],
  },
  {
    name: 'scheduling gated',
    pod: pod({ status: { phase: 'Pending', podIP: undefined, conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } }),
    cells: ['web-1', '0/1', 'SchedulingGated', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'container creating',
    pod: pod({ status: { phase: 'Pending', podIP: undefined, containerStatuses: [{ name: 'web', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] } }),
    cells: ['web-1', '0/1', 'ContainerCreating', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'crash loop with the age of the last restart',
    pod: pod({
      status: {
        containerStatuses: [
          { name: 'web', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(330) } } },
        ],
      },
    }),
    cells: ['web-1', '0/1', 'CrashLoopBackOff', '5 (5m30s ago)', '5m', '10.244.0.5', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'restarted and running again',
    pod: pod({ status: { ...readyTrue, containerStatuses: [{ ...running('web', 2), lastState: { terminated: { exitCode: 137, finishedAt: ago(300) } } }] } }),
    cells: ['web-1', '1/1', 'Running', '2 (5m ago)', '5m', '10.244.0.5', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'completed',
    pod: pod({ status: { phase: 'Succeeded', containerStatuses: [{ name: 'web', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] } }),
    cells: ['web-1', '0/1', 'Completed', '0', '5m', '10.244.0.5', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'terminated without a reason: exit code, then signal',
    pod: pod({
      spec: { containers: [{ name: 'a' }, { name: 'b' }] },
      status: {
        phase: 'Failed',
        containerStatuses: [
          { name: 'a', state: { terminated: { exitCode: 137, signal: 9 } } },
          { name: 'b', state: { terminated: { exitCode: 2 } } },
        ],
      },
    }),
    // Statuses are walked last to first, so the first container's text wins.
    cells: ['web-1', '0/2', 'Signal:9', '0', '5m', '10.244.0.5', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'one container completed while another still runs and the pod is ready',
    pod: pod({
      spec: { containers: [{ name: 'a' }, { name: 'b' }] },
      status: { ...readyTrue, containerStatuses: [running('a'), { name: 'b', ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
    }),
    cells: ['web-1', '1/2', 'Running', '0', '5m', '10.244.0.5', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'one container completed while another runs, pod not ready',
    pod: pod({
      spec: { containers: [{ name: 'a' }, { name: 'b' }] },
      status: { containerStatuses: [running('a'), { name: 'b', ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
    }),
    cells: ['web-1', '1/2', 'NotReady', '0', '5m', '10.244.0.5', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'terminating',
    pod: pod({ meta: { deletionTimestamp: ago(5) }, status: { ...readyTrue, containerStatuses: [running()] } }),
    cells: ['web-1', '1/1', 'Terminating', '0', '5m', '10.244.0.5', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'deleted on a lost node',
    pod: pod({ meta: { deletionTimestamp: ago(5) }, status: { reason: 'NodeLost', containerStatuses: [running()] } }),
    cells: ['web-1', '1/1', 'Unknown', '0', '5m', '10.244.0.5', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'evicted (a terminal pod is never Terminating)',
    pod: pod({ meta: { deletionTimestamp: ago(5) }, status: { phase: 'Failed', reason: 'Evicted', podIP: undefined } }),
    cells: ['web-1', '0/1', 'Evicted', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  },
];

const initPod = (statuses: Json[], extra: Json = {}): Json =>
  pod({
    spec: { initContainers: [{ name: 'init-a' }, { name: 'init-b' }] },
    status: {
      phase: 'Pending',
      podIP: undefined,
      initContainerStatuses: statuses,
      containerStatuses: [{ name: 'web', ready: false, state: { waiting: { reason: 'PodInitializing' } } }],
      ...extra,
    },
  });

cases.push(
  {
    name: 'first init container running',
    pod: initPod([{ name: 'init-a', state: { running: {} } }, { name: 'init-b', state: { waiting: { reason: 'PodInitializing' } } }]),
    cells: ['web-1', '0/1', 'Init:0/2', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'second init container running',
    pod: initPod([{ name: 'init-a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { name: 'init-b', state: { running: {} } }]),
    cells: ['web-1', '0/1', 'Init:1/2', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'init container crash looping',
    pod: initPod([
      { name: 'init-a', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(60) } } },
      { name: 'init-b', state: { waiting: { reason: 'PodInitializing' } } },
    ]),
    cells: ['web-1', '0/1', 'Init:CrashLoopBackOff', '3 (60s ago)', '5m', '<none>', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'init container failed with a reason',
    pod: initPod([{ name: 'init-a', state: { terminated: { exitCode: 1, reason: 'Error' } } }]),
    cells: ['web-1', '0/1', 'Init:Error', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'init container failed without a reason',
    pod: initPod([{ name: 'init-a', state: { terminated: { exitCode: 2 } } }]),
    cells: ['web-1', '0/1', 'Init:ExitCode:2', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'restartable init container (sidecar) counts toward Ready and Restarts',
    pod: pod({
      spec: { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
      status: {
        ...readyTrue,
        initContainerStatuses: [
          { name: 'proxy', started: true, ready: true, restartCount: 1, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(120) } } },
        ],
        containerStatuses: [running()],
      },
    }),
    cells: ['web-1', '2/2', 'Running', '1 (2m ago)', '5m', '10.244.0.5', 'node-1', '<none>', '<none>'],
  },
  {
    name: 'wide columns: podIPs only, nominated node, readiness gates',
    pod: pod({
      spec: { nodeName: undefined, readinessGates: [{ conditionType: 'example.com/a' }, { conditionType: 'example.com/b' }] },
      status: {
        phase: 'Pending',
        podIP: undefined,
        podIPs: [{ ip: 'fd00::5' }],
        nominatedNodeName: 'node-2',
        conditions: [
          { type: 'example.com/a', status: 'True' },
          { type: 'example.com/b', status: 'False' },
        ],
      },
    }),
    cells: ['web-1', '0/1', 'Pending', '0', '5m', 'fd00::5', '<none>', 'node-2', '1/2'],
  },
);

for (const c of cases) {
  test(`pod cells: ${c.name}`, () => {
    assert.deepEqual(podTable.cells(c.pod, NOW), c.cells);
  });
}

test('finished pods carry the Completed row condition', () => {
  const succeeded = pod({ status: { phase: 'Succeeded' } });
  const failed = pod({ status: { phase: 'Failed' } });
  assert.deepEqual(podTable.conditions?.(succeeded), [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  assert.deepEqual(podTable.conditions?.(failed), [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
  assert.equal(podTable.conditions?.(pod()), undefined);
});

test('a pod with no status at all still prints', () => {
  assert.deepEqual(podTable.cells({ metadata: { name: 'bare' } }, NOW), ['bare', '0/0', '', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>']);
});
