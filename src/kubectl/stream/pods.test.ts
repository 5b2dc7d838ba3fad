import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { Pod } from '../../api/generated/core/v1.js';
import type { KubeObject } from '../../client/types.js';
import { allContainerNames, findOrDefaultContainer, goTypeName, podOrders, selectorForObject, splitTypeName } from './pods.js';

function sink(): Writable & { text: () => string } {
  let text = '';
  const w = new Writable({ write: (c: Buffer, _e, cb) => ((text += c.toString()), cb()) }) as Writable & { text: () => string };
  w.text = () => text;
  return w;
}

function pod(name: string, o: { node?: string; phase?: string; ready?: string; readySince?: string; restarts?: number; created?: string; deleting?: string; containers?: string[]; init?: string[]; annotations?: Record<string, string> } = {}): Pod {
  return {
    metadata: { name, namespace: 'ns', creationTimestamp: o.created ?? '2024-01-01T00:00:00Z', deletionTimestamp: o.deleting, annotations: o.annotations },
    spec: {
      nodeName: o.node ?? 'n1',
      containers: (o.containers ?? ['main']).map((n) => ({ name: n })),
      initContainers: o.init?.map((n) => ({ name: n })),
    },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.ready ? [{ type: 'Ready', status: o.ready, lastTransitionTime: o.readySince ?? '2024-01-01T00:00:00Z' }] : [],
      containerStatuses: [{ name: 'main', restartCount: o.restarts ?? 0, ready: o.ready === 'True', image: 'i', imageID: '' }],
    },
  };
}

const order = (pods: Pod[], by: keyof typeof podOrders) => [...pods].sort(podOrders[by]).map((p) => p.metadata?.name);

const orderCases: { name: string; pods: Pod[]; attach: string[]; logs: string[] }[] = [
  { name: 'scheduled before unscheduled', pods: [pod('u', { node: '' }), pod('s')], attach: ['s', 'u'], logs: ['s', 'u'] },
  { name: 'Running before Pending', pods: [pod('p', { phase: 'Pending' }), pod('r')], attach: ['r', 'p'], logs: ['r', 'p'] },
  { name: 'ready before not ready', pods: [pod('n', { ready: 'False' }), pod('y', { ready: 'True' })], attach: ['y', 'n'], logs: ['y', 'n'] },
  // attach wants the most active (ready the longest); logs the same order here
  {
    name: 'ready for longer first',
    pods: [pod('late', { ready: 'True', readySince: '2024-01-02T00:00:00Z' }), pod('early', { ready: 'True', readySince: '2024-01-01T00:00:00Z' })],
    attach: ['early', 'late'],
    logs: ['early', 'late'],
  },
  { name: 'attach: fewer restarts first; logs: more restarts first', pods: [pod('many', { restarts: 5 }), pod('few', { restarts: 1 })], attach: ['few', 'many'], logs: ['many', 'few'] },
  { name: 'older first', pods: [pod('new', { created: '2024-02-01T00:00:00Z' }), pod('old', { created: '2024-01-01T00:00:00Z' })], attach: ['old', 'new'], logs: ['old', 'new'] },
  { name: 'attach: a deleting pod last', pods: [pod('d', { deleting: '2024-03-01T00:00:00Z' }), pod('k')], attach: ['k', 'd'], logs: ['d', 'k'] },
];

for (const c of orderCases) {
  test(`pod orderings: ${c.name}`, () => {
    assert.deepEqual(order(c.pods, 'attach'), c.attach);
    assert.deepEqual(order(c.pods, 'logs'), c.logs);
  });
}

test('findOrDefaultContainer: -c, the annotation, else the first with a notice when there are others', () => {
  const two = pod('p', { containers: ['a', 'b'], init: ['setup'] });
  let w = sink();
  assert.equal(findOrDefaultContainer(two, '', { warn: w }).name, 'a');
  assert.equal(w.text(), 'Defaulted container "a" out of: a, b, setup (init)\n');
  w = sink();
  assert.equal(findOrDefaultContainer(two, '', { warn: w, quiet: true }).name, 'a');
  assert.equal(w.text(), '');
  w = sink();
  assert.equal(findOrDefaultContainer(pod('p'), '', { warn: w }).name, 'main');
  assert.equal(w.text(), '');
  const annotated = pod('p', { containers: ['a', 'b'], annotations: { 'kubectl.kubernetes.io/default-container': 'b' } });
  w = sink();
  assert.equal(findOrDefaultContainer(annotated, '', { warn: w }).name, 'b');
  assert.equal(w.text(), '');
  const wrongAnnotation = pod('p', { containers: ['a', 'b'], annotations: { 'kubectl.kubernetes.io/default-container': 'zzz' } });
  assert.equal(findOrDefaultContainer(wrongAnnotation, '', { warn: sink() }).name, 'a');
  assert.equal(findOrDefaultContainer(two, 'setup').name, 'setup');
  assert.throws(() => findOrDefaultContainer(two, 'nope'), /^CliError: container nope not found in pod p$/);
  assert.equal(allContainerNames(two), 'a, b, setup (init)');
});

const selectorCases: { name: string; obj: KubeObject; want: string | RegExp }[] = [
  { name: 'Deployment matchLabels', obj: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns' }, spec: { selector: { matchLabels: { app: 'web', tier: 'fe' } } } } as KubeObject, want: 'app=web,tier=fe' },
  { name: 'Job matchExpressions', obj: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { selector: { matchExpressions: [{ key: 'x', operator: 'In', values: ['a', 'b'] }] } } } as KubeObject, want: 'x in (a,b)' },
  { name: 'Service selector map', obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 'web' } } } as KubeObject, want: 'app=web' },
  { name: 'Service without selector', obj: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: {} } as KubeObject, want: /^Error: invalid service 's': Service is defined without a selector$/ },
  { name: 'ReplicationController', obj: { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { selector: { app: 'x' } } } as KubeObject, want: 'app=x' },
  { name: 'a ConfigMap', obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, want: /^Error: selector for \*v1\.ConfigMap not implemented$/ },
];

for (const c of selectorCases) {
  test(`selectorForObject: ${c.name}`, () => {
    if (c.want instanceof RegExp) assert.throws(() => selectorForObject(c.obj), c.want);
    else assert.equal(selectorForObject(c.obj).selector, c.want);
  });
}

test('splitTypeName and goTypeName', () => {
  assert.deepEqual(splitTypeName('web'), { type: 'pods', name: 'web' });
  assert.deepEqual(splitTypeName('deploy/web'), { type: 'deploy', name: 'web' });
  assert.throws(() => splitTypeName('deploy/'), /single resource and name/);
  assert.equal(goTypeName({ apiVersion: 'apps/v1', kind: 'Deployment' }), '*v1.Deployment');
});
