import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControllerRevision, DaemonSet, DaemonSetSpec } from '../../api/generated/apps/v1.js';
import type { Node, Pod, Taint } from '../../api/generated/core/v1.js';
import { resources } from '../../client/resources.js';
import { clientFor } from '../controller.js';
import { newTestBench, objectWrites, type TestBench } from '../testing.js';
import { FailedPodBackoff } from './context.js';
import { DaemonSetController } from './controller.js';
import { REVISION_HASH_LABEL, revisionData, templateHash } from './history.js';
import { pinToNode } from './node-fit.js';

const T0 = Date.UTC(2025, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const UID = 'ds-uid';

function daemonSet(spec: Partial<DaemonSetSpec> = {}, image = 'busybox'): DaemonSet {
  return {
    metadata: { name: 'agent', namespace: 'default', uid: UID, generation: 1 },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image, command: ['sleep', '3600'] }] } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
      ...spec,
    },
    status: { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 },
  };
}

const node = (name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Node => ({ metadata: { name, labels }, spec: { taints } });

interface PodOpts {
  hash?: string;
  ready?: boolean;
  phase?: string;
  created?: number;
  bound?: boolean;
  deleting?: boolean;
}

function dsPod(name: string, nodeName: string, o: PodOpts = {}): Pod {
  return {
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      creationTimestamp: iso(o.created ?? T0 - 60_000),
      labels: { app: 'agent', [REVISION_HASH_LABEL]: o.hash ?? 'old' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: UID, controller: true }],
      ...(o.deleting ? { deletionTimestamp: iso(T0) } : {}),
    },
    spec: { containers: [], affinity: pinToNode(undefined, nodeName), ...(o.bound === false ? {} : { nodeName }) },
    status: { phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: iso(T0 - 30_000) }] },
  };
}

function revision(ds: DaemonSet, rev: number, name?: string): ControllerRevision {
  const hash = templateHash(ds.spec?.template);
  return {
    metadata: { name: name ?? `agent-${hash}`, namespace: 'default', labels: { app: 'agent', [REVISION_HASH_LABEL]: hash }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: UID, controller: true }] },
    data: revisionData(ds),
    revision: rev,
  };
}

const events = (b: TestBench) => b.events.map((e) => `${e.type} ${e.reason} ${e.message.replace(/agent-[0-9a-z]{5}$/, 'agent-xxxxx')}`);
const stored = (b: TestBench) => b.transport.object<DaemonSet>(resources.daemonsets, 'default', 'agent');
const podNames = (b: TestBench) => b.transport.objects<Pod>(resources.pods).map((p) => p.metadata?.name);

function setup(ds: DaemonSet, nodes: Node[], pods: Pod[] = [], revisions: ControllerRevision[] = [revision(ds, 1)]): { bench: TestBench; ctrl: DaemonSetController } {
  const bench = newTestBench();
  bench.seed(resources.daemonsets, ds);
  bench.seed(resources.nodes, ...nodes);
  bench.seed(resources.pods, ...pods);
  bench.seed(resources.controllerrevisions, ...revisions);
  return { bench, ctrl: new DaemonSetController(bench.ctx) };
}

const v1 = daemonSet();
const H1 = templateHash(v1.spec?.template);
const v2 = daemonSet({}, 'busybox:1.36');
const H2 = templateHash(v2.spec?.template);

interface Case {
  name: string;
  ds: DaemonSet;
  nodes: Node[];
  pods?: Pod[];
  revisions?: ControllerRevision[];
  writes: string[];
  events: string[];
  status?: Partial<NonNullable<DaemonSet['status']>>;
  throws?: RegExp;
  check?: (b: TestBench) => void;
}

const cases: Case[] = [
  {
    name: 'one pod per eligible node; a node with an untolerated taint gets none',
    ds: v1,
    nodes: [node('n1'), node('n2'), node('tainted', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }])],
    writes: ['create pods agent-', 'create pods agent-', 'update daemonsets/status agent'],
    events: ['Normal SuccessfulCreate Created pod: agent-xxxxx', 'Normal SuccessfulCreate Created pod: agent-xxxxx'],
    status: { desiredNumberScheduled: 2, currentNumberScheduled: 0, numberUnavailable: 2, observedGeneration: 1 },
    check: (b) => {
      const pods = b.transport.objects<Pod>(resources.pods);
      const targets = pods.map((p) => p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values?.[0]).sort();
      assert.deepEqual(targets, ['n1', 'n2']);
      assert.equal(pods[0]?.metadata?.labels?.[REVISION_HASH_LABEL], H1);
      assert.equal(pods[0]?.metadata?.ownerReferences?.[0]?.uid, UID);
      assert.ok(pods[0]?.spec?.tolerations?.some((t) => t.key === 'node.kubernetes.io/unschedulable'));
    },
  },
  {
    name: 'the first sync records the template as revision 1',
    ds: v1,
    nodes: [],
    revisions: [],
    writes: [`create controllerrevisions agent-${H1}`, 'update daemonsets/status agent'],
    events: [],
    check: (b) => {
      const rev = b.transport.object<ControllerRevision>(resources.controllerrevisions, 'default', `agent-${H1}`);
      assert.equal(rev?.revision, 1);
      assert.deepEqual(rev?.metadata?.labels, { app: 'agent', [REVISION_HASH_LABEL]: H1 });
      assert.equal((rev?.data as { spec: { template: Record<string, unknown> } }).spec.template['$patch'], 'replace');
    },
  },
  {
    name: 'all pods ready: status counts them',
    ds: v1,
    nodes: [node('n1'), node('n2')],
    pods: [dsPod('agent-a', 'n1', { hash: H1 }), dsPod('agent-b', 'n2', { hash: H1 })],
    writes: ['update daemonsets/status agent'],
    events: [],
    status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, numberAvailable: 2, updatedNumberScheduled: 2, numberUnavailable: 0, numberMisscheduled: 0, observedGeneration: 1 },
  },
  {
    name: 'a node that no longer matches the nodeSelector loses its pod (misscheduled until then)',
    ds: daemonSet({ template: { ...v1.spec!.template, spec: { ...v1.spec!.template.spec!, nodeSelector: { role: 'edge' } } } }),
    nodes: [node('n1', { role: 'edge' }), node('n2')],
    pods: [dsPod('agent-a', 'n1'), dsPod('agent-b', 'n2')],
    revisions: [],
    writes: [`create controllerrevisions agent-${templateHash(daemonSet({ template: { ...v1.spec!.template, spec: { ...v1.spec!.template.spec!, nodeSelector: { role: 'edge' } } } }).spec?.template)}`, 'delete pods agent-b', 'update daemonsets/status agent'],
    events: ['Normal SuccessfulDelete Deleted pod: agent-b'],
    status: { desiredNumberScheduled: 1, numberMisscheduled: 1 },
  },
  {
    name: 'two pods on one node: the newer goes',
    ds: v1,
    nodes: [node('n1')],
    pods: [dsPod('agent-old', 'n1', { hash: H1, created: T0 - 120_000 }), dsPod('agent-new', 'n1', { hash: H1, created: T0 - 1000 })],
    writes: ['delete pods agent-new', 'update daemonsets/status agent'],
    events: ['Normal SuccessfulDelete Deleted pod: agent-new'],
  },
  {
    name: 'a failed daemon pod is deleted (and the sync errors, so the queue backs off)',
    ds: v1,
    nodes: [node('n1')],
    pods: [dsPod('agent-a', 'n1', { hash: H1, phase: 'Failed', ready: false })],
    writes: ['delete pods agent-a', 'update daemonsets/status agent'],
    events: ['Warning FailedDaemonPod Found failed daemon pod default/agent-a on node n1, will try to kill it', 'Normal SuccessfulDelete Deleted pod: agent-a'],
    throws: /deleted 1 failed pods of DaemonSet default\/agent/,
  },
  {
    name: 'an unscheduled pod for a node that is gone is deleted',
    ds: v1,
    nodes: [node('n1')],
    pods: [dsPod('agent-a', 'n1', { hash: H1 }), dsPod('agent-x', 'gone', { hash: H1, bound: false })],
    writes: ['delete pods agent-x', 'update daemonsets/status agent'],
    events: ['Normal SuccessfulDelete Deleted pod: agent-x'],
  },
  {
    name: 'rolling update, maxUnavailable 1: one old pod at a time',
    ds: v2,
    nodes: [node('n1'), node('n2'), node('n3')],
    pods: [dsPod('agent-a', 'n1', { hash: H1 }), dsPod('agent-b', 'n2', { hash: H1 }), dsPod('agent-c', 'n3', { hash: H1 })],
    revisions: [revision(v1, 1)],
    writes: [`create controllerrevisions agent-${H2}`, 'delete pods agent-a', 'update daemonsets/status agent'],
    events: ['Normal SuccessfulDelete Deleted pod: agent-a'],
    status: { updatedNumberScheduled: 0, numberAvailable: 3 },
    check: (b) => assert.equal(b.transport.object<ControllerRevision>(resources.controllerrevisions, 'default', `agent-${H2}`)?.revision, 2),
  },
  {
    name: 'rolling update: an unavailable old pod is replaced regardless, within the budget',
    ds: v2,
    nodes: [node('n1'), node('n2'), node('n3')],
    pods: [dsPod('agent-a', 'n1', { hash: H2, ready: false }), dsPod('agent-b', 'n2', { hash: H1, ready: false }), dsPod('agent-c', 'n3', { hash: H1 })],
    revisions: [revision(v1, 1), revision(v2, 2)],
    writes: ['delete pods agent-b', 'update daemonsets/status agent'],
    events: ['Normal SuccessfulDelete Deleted pod: agent-b'],
  },
  {
    name: 'rolling update with maxSurge 1: a new pod beside an old one',
    ds: daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }, 'busybox:1.36'),
    nodes: [node('n1'), node('n2')],
    pods: [dsPod('agent-a', 'n1', { hash: H1 }), dsPod('agent-b', 'n2', { hash: H1 })],
    revisions: [revision(v1, 1), revision(v2, 2)],
    writes: ['create pods agent-', 'update daemonsets/status agent'],
    events: ['Normal SuccessfulCreate Created pod: agent-xxxxx'],
  },
  {
    name: 'maxSurge: once the new pod is available the old one goes',
    ds: daemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } }, 'busybox:1.36'),
    nodes: [node('n1'), node('n2')],
    pods: [dsPod('agent-a', 'n1', { hash: H1, created: T0 - 120_000 }), dsPod('agent-a2', 'n1', { hash: H2 }), dsPod('agent-b', 'n2', { hash: H1 })],
    revisions: [revision(v1, 1), revision(v2, 2)],
    writes: ['delete pods agent-a', 'update daemonsets/status agent'],
    events: ['Normal SuccessfulDelete Deleted pod: agent-a'],
  },
  {
    name: 'OnDelete: old pods stay until the user deletes them',
    ds: daemonSet({ updateStrategy: { type: 'OnDelete' } }, 'busybox:1.36'),
    nodes: [node('n1')],
    pods: [dsPod('agent-a', 'n1', { hash: H1 })],
    revisions: [revision(v1, 1), revision(v2, 2)],
    writes: ['update daemonsets/status agent'],
    events: [],
    status: { updatedNumberScheduled: 0, currentNumberScheduled: 1 },
  },
  {
    name: 'rollback to an old template: its revision becomes the newest, no new revision',
    ds: v1,
    nodes: [node('n1')],
    pods: [dsPod('agent-a', 'n1', { hash: H2 })],
    revisions: [revision(v1, 1), revision(v2, 2)],
    writes: [`update controllerrevisions agent-${H1}`, 'delete pods agent-a', 'update daemonsets/status agent'],
    events: ['Normal SuccessfulDelete Deleted pod: agent-a'],
    check: (b) => assert.equal(b.transport.object<ControllerRevision>(resources.controllerrevisions, 'default', `agent-${H1}`)?.revision, 3),
  },
  {
    name: 'revisionHistoryLimit: old revisions no pod runs are deleted',
    ds: daemonSet({ revisionHistoryLimit: 0 }, 'busybox:1.36'),
    nodes: [node('n1')],
    pods: [dsPod('agent-a', 'n1', { hash: H2 })],
    revisions: [revision(v1, 1), revision(daemonSet({}, 'busybox:1.35'), 2), revision(v2, 3)],
    writes: [`delete controllerrevisions agent-${H1}`, `delete controllerrevisions agent-${templateHash(daemonSet({}, 'busybox:1.35').spec?.template)}`, 'update daemonsets/status agent'],
    events: [],
  },
  {
    name: 'a selector that selects everything is refused',
    ds: daemonSet({ selector: {} }),
    nodes: [node('n1')],
    writes: [],
    events: ['Warning SelectingAll This daemon set is selecting all pods. A non-empty selector is required.'],
  },
];

test('DaemonSet sync', async () => {
  for (const c of cases) {
    const { bench, ctrl } = setup(c.ds, c.nodes, c.pods, c.revisions);
    const run = ctrl.reconcile('default/agent');
    if (c.throws) await assert.rejects(run, c.throws, c.name);
    else await run;
    assert.deepEqual(objectWrites(bench), c.writes, c.name);
    assert.deepEqual(events(bench), c.events, c.name);
    const s = stored(bench)?.status ?? {};
    for (const [k, v] of Object.entries(c.status ?? {})) assert.deepEqual(s[k as keyof typeof s], v, `${c.name}: status.${k}`);
    c.check?.(bench);
  }
});

test('expectations: a second sync before the informer saw the creations creates nothing', async () => {
  const { bench, ctrl } = setup(v1, [node('n1'), node('n2')]);
  await ctrl.reconcile('default/agent');
  assert.equal(podNames(bench).length, 2);
  bench.sync(resources.daemonsets);
  bench.transport.clearActions();
  await ctrl.reconcile('default/agent');
  assert.equal(podNames(bench).length, 2);
  assert.deepEqual(objectWrites(bench).filter((w) => w.startsWith('create pods')), []);
});

test('failed pods: the next deletion on a node waits for the backoff', async () => {
  const backoff = new FailedPodBackoff();
  const { bench } = setup(v1, [node('n1')], [dsPod('agent-a', 'n1', { hash: H1, phase: 'Failed' })]);
  // Fresh controllers (no pending expectations) sharing one backoff, as one controller over time.
  const sync = async () => {
    bench.sync(resources.pods);
    bench.sync(resources.daemonsets);
    bench.transport.clearActions();
    await assert.rejects(new DaemonSetController(bench.ctx, { backoff }).reconcile('default/agent'), /failed pods/);
    return objectWrites(bench);
  };
  assert.ok((await sync()).includes('delete pods agent-a'));
  bench.transport.seed(resources.pods, dsPod('agent-b', 'n1', { hash: H1, phase: 'Failed' }));
  assert.ok(!(await sync()).includes('delete pods agent-b'), 'within 1 s of the last deletion');
  bench.clock.advance(1000);
  assert.ok((await sync()).includes('delete pods agent-b'));
  bench.transport.seed(resources.pods, dsPod('agent-c', 'n1', { hash: H1, phase: 'Failed' }));
  bench.clock.advance(1000);
  assert.ok(!(await sync()).includes('delete pods agent-c'), 'the wait doubled to 2 s');
  bench.clock.advance(1000);
  assert.ok((await sync()).includes('delete pods agent-c'));
});

test('a sync waiting on expectations writes no status when only observedGeneration lags (it may not set it)', async () => {
  const { bench, ctrl } = setup(v1, [node('n1')]);
  await ctrl.reconcile('default/agent');
  assert.equal(podNames(bench).length, 1);
  // The spec changes (generation 2) before the informer saw the pod: expectations are unsatisfied.
  const cur = stored(bench);
  assert.ok(cur);
  await clientFor<DaemonSet>(bench.ctx, resources.daemonsets).update({ ...cur, spec: { ...cur.spec!, minReadySeconds: 5 } });
  bench.sync(resources.daemonsets);
  assert.equal(stored(bench)?.metadata?.generation, 2);
  bench.transport.clearActions();
  await ctrl.reconcile('default/agent');
  assert.deepEqual(objectWrites(bench), []);
});

test('failed-pod backoff keeps no entry for a deleted DaemonSet or a long-quiet node', () => {
  const b = new FailedPodBackoff(1000, 60_000);
  b.next('default/a/n1', T0);
  b.next('default/a/n2', T0);
  b.next('default/ab/n1', T0);
  b.forgetDaemonSet('default/a');
  assert.equal(b.size, 1);
  assert.equal(b.remaining('default/ab/n1', T0), 1000);
  b.next('default/c/n1', T0 + 120_001);
  assert.equal(b.size, 1, 'the quiet entry of default/ab went');
});
