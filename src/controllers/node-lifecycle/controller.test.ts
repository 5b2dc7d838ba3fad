import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease } from '../../api/generated/coordination/v1.js';
import type { Node, Pod, Taint } from '../../api/generated/core/v1.js';
import { microTime, rfc3339 } from '../../api/time.js';
import { resources } from '../../client/resources.js';
import { newTestBench, type TestBench } from '../testing.js';
import { NodeLifecycleController } from './controller.js';
import { boundPod, kubeletNode, nodeLease } from './testdata.js';

const GRACE = 40_000;

function setUp(nodes: Node[], leases: Lease[] = [], pods: Pod[] = []) {
  const b = newTestBench({ nodeMonitorGracePeriodMs: GRACE });
  b.seed(resources.nodes, ...nodes);
  b.seed(resources.leases, ...leases);
  b.seed(resources.pods, ...pods);
  const c = new NodeLifecycleController(b.ctx);
  return { b, c };
}

const stored = (b: TestBench, name = 'n1') => b.transport.object<Node>(resources.nodes, undefined, name)!;
const conditions = (n: Node) => Object.fromEntries((n.status?.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason ?? ''}`]));
const taints = (n: Node) => (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();

/** Runs a monitor pass, then lets the cache catch up with what it wrote. */
async function pass(b: TestBench, c: NodeLifecycleController) {
  await c.monitorNodeHealth();
  b.sync(resources.nodes);
  b.sync(resources.pods);
}

test('node-lifecycle: silent nodes go Unknown and get the NoExecute taint their Ready condition calls for', async () => {
  const t0 = Date.UTC(2025, 0, 1);
  const cases: {
    name: string;
    node: Node;
    lease?: boolean;
    /** ms to advance, and optionally a lease renewal, before each pass */
    steps: { advance: number; renewLease?: boolean }[];
    conditions: Record<string, string>;
    taints: string[];
  }[] = [
    {
      name: 'lease and heartbeat stale past the grace period',
      node: kubeletNode('n1', t0),
      lease: true,
      steps: [{ advance: 0 }, { advance: GRACE + 1_000 }],
      conditions: { MemoryPressure: 'Unknown/NodeStatusUnknown', DiskPressure: 'Unknown/NodeStatusUnknown', PIDPressure: 'Unknown/NodeStatusUnknown', Ready: 'Unknown/NodeStatusUnknown' },
      taints: ['node.kubernetes.io/unreachable:NoExecute'],
    },
    {
      name: 'still inside the grace period',
      node: kubeletNode('n1', t0),
      lease: true,
      steps: [{ advance: 0 }, { advance: GRACE }],
      conditions: { MemoryPressure: 'False/KubeletMemoryPressure', DiskPressure: 'False/KubeletDiskPressure', PIDPressure: 'False/KubeletPIDPressure', Ready: 'True/KubeletReady' },
      taints: [],
    },
    {
      name: 'a renewed lease keeps a node with an old heartbeat healthy',
      node: kubeletNode('n1', t0),
      lease: true,
      steps: [{ advance: 0 }, { advance: 30_000, renewLease: true }, { advance: 30_000 }],
      conditions: { MemoryPressure: 'False/KubeletMemoryPressure', DiskPressure: 'False/KubeletDiskPressure', PIDPressure: 'False/KubeletPIDPressure', Ready: 'True/KubeletReady' },
      taints: [],
    },
    {
      name: 'kubelet reports Ready=False: not-ready taint, conditions untouched',
      node: kubeletNode('n1', t0, 'False'),
      lease: true,
      steps: [{ advance: 0 }],
      conditions: { MemoryPressure: 'False/KubeletMemoryPressure', DiskPressure: 'False/KubeletDiskPressure', PIDPressure: 'False/KubeletPIDPressure', Ready: 'False/KubeletReady' },
      taints: ['node.kubernetes.io/not-ready:NoExecute'],
    },
    {
      name: 'Ready=False on a node tainted unreachable: the taints swap',
      node: kubeletNode('n1', t0, 'False', { taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }, { key: 'dedicated', value: 'x', effect: 'NoSchedule' }] }),
      lease: true,
      steps: [{ advance: 0 }],
      conditions: { MemoryPressure: 'False/KubeletMemoryPressure', DiskPressure: 'False/KubeletDiskPressure', PIDPressure: 'False/KubeletPIDPressure', Ready: 'False/KubeletReady' },
      taints: ['dedicated:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute'],
    },
    {
      name: 'never posted status: startup grace, then NodeStatusNeverUpdated',
      node: { metadata: { name: 'n1' }, spec: {} },
      steps: [{ advance: 0 }, { advance: 59_000 }, { advance: 2_000 }],
      conditions: { Ready: 'Unknown/NodeStatusNeverUpdated', MemoryPressure: 'Unknown/NodeStatusNeverUpdated', DiskPressure: 'Unknown/NodeStatusNeverUpdated', PIDPressure: 'Unknown/NodeStatusNeverUpdated' },
      taints: ['node.kubernetes.io/unreachable:NoExecute'],
    },
  ];
  for (const tc of cases) {
    const { b, c } = setUp([tc.node], tc.lease ? [nodeLease('n1', t0)] : []);
    for (const s of tc.steps) {
      b.clock.advance(s.advance);
      if (s.renewLease) {
        b.seed(resources.leases, { ...b.transport.object<Lease>(resources.leases, 'kube-node-lease', 'n1')!, spec: { ...nodeLease('n1', 0).spec, renewTime: microTime(b.clock.now()) } });
      }
      await pass(b, c);
    }
    const n = stored(b);
    assert.deepEqual(conditions(n), tc.conditions, tc.name);
    assert.deepEqual(taints(n), tc.taints, tc.name);
  }
});

test('node-lifecycle: the Unknown write keeps heartbeats, stamps the transition, and a recovered node loses its taints', async () => {
  const t0 = Date.UTC(2025, 0, 1);
  const { b, c } = setUp([kubeletNode('n1', t0)], [nodeLease('n1', t0)]);
  await pass(b, c);
  assert.deepEqual(b.transport.writes(), [], 'a healthy node is left alone');
  b.clock.advance(GRACE + 5_000);
  await pass(b, c);
  assert.deepEqual(b.transport.writes(), ['patch nodes/status n1', 'patch nodes n1']);
  const ready = stored(b).status?.conditions?.find((x) => x.type === 'Ready');
  assert.equal(ready?.message, 'Kubelet stopped posting node status.');
  assert.equal(ready?.lastHeartbeatTime, rfc3339(t0));
  assert.equal(ready?.lastTransitionTime, rfc3339(b.clock.now()));
  assert.deepEqual(
    b.events.filter((e) => e.object === 'Node/n1').map((e) => `${e.component} ${e.reason} ${e.message}`),
    ['node-controller RegisteredNode Node n1 event: Registered Node n1 in Controller', 'node-controller NodeNotReady Node n1 status is now: NodeNotReady'],
  );
  await c.reconcileNoScheduleTaints('n1');
  b.sync(resources.nodes);
  assert.deepEqual(taints(stored(b)), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  const unreachable = stored(b).spec?.taints?.find((t) => t.effect === 'NoExecute');
  assert.equal(unreachable?.timeAdded, rfc3339(b.clock.now()));

  // A later pass changes nothing more.
  b.transport.clearActions();
  b.clock.advance(5_000);
  await pass(b, c);
  assert.deepEqual(b.transport.writes(), []);

  // The kubelet comes back.
  b.clock.advance(5_000);
  const back = kubeletNode('n1', b.clock.now());
  b.seed(resources.nodes, { ...stored(b), status: back.status });
  await pass(b, c);
  await c.reconcileNoScheduleTaints('n1');
  b.sync(resources.nodes);
  assert.deepEqual(taints(stored(b)), []);
  assert.equal(conditions(stored(b))['Ready'], 'True/KubeletReady');
});

test('node-lifecycle: NoSchedule taints follow conditions and spec.unschedulable, leaving other taints alone', async () => {
  const t0 = Date.UTC(2025, 0, 1);
  const ts = rfc3339(t0);
  const other: Taint = { key: 'example.com/gpu', value: 'true', effect: 'NoSchedule' };
  const cases: { name: string; node: Node; want: string[] }[] = [
    { name: 'healthy', node: kubeletNode('n1', t0, 'True', { taints: [other] }), want: ['example.com/gpu:NoSchedule'] },
    { name: 'cordoned', node: kubeletNode('n1', t0, 'True', { unschedulable: true }), want: ['node.kubernetes.io/unschedulable:NoSchedule'] },
    {
      name: 'pressure and network',
      node: kubeletNode('n1', t0, 'True', {
        conditions: ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'].map((type) => ({ type, status: 'True', lastHeartbeatTime: ts })).concat([{ type: 'Ready', status: 'True', lastHeartbeatTime: ts }]),
      }),
      want: ['node.kubernetes.io/disk-pressure:NoSchedule', 'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/network-unavailable:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule'],
    },
    { name: 'not ready', node: kubeletNode('n1', t0, 'False'), want: ['node.kubernetes.io/not-ready:NoSchedule'] },
    {
      name: 'uncordoned and ready again',
      node: kubeletNode('n1', t0, 'True', { taints: [other, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] }),
      want: ['example.com/gpu:NoSchedule'],
    },
  ];
  for (const tc of cases) {
    const { b, c } = setUp([tc.node]);
    await c.reconcileNoScheduleTaints('n1');
    assert.deepEqual(taints(stored(b)), tc.want, tc.name);
    const body = b.transport.actions.find((a) => a.verb === 'patch')?.body as { metadata?: { resourceVersion?: string } } | undefined;
    if (body) assert.ok(body.metadata?.resourceVersion, `${tc.name}: the taint write is guarded by resourceVersion`);
  }
});

test('node-lifecycle: pods of a node going Unknown are marked NotReady, and so are pods bound to it later', async () => {
  const t0 = Date.UTC(2025, 0, 1);
  const { b, c } = setUp([kubeletNode('n1', t0), kubeletNode('n2', t0)], [nodeLease('n1', t0), nodeLease('n2', t0)], [boundPod('p1', 'n1'), boundPod('p2', 'n2')]);
  await pass(b, c);
  b.clock.advance(GRACE - 10_000);
  b.seed(resources.leases, { ...nodeLease('n2', b.clock.now()), metadata: b.transport.object<Lease>(resources.leases, 'kube-node-lease', 'n2')!.metadata });
  b.clock.advance(11_000);
  await pass(b, c);
  const readyOf = (name: string) => b.transport.object<Pod>(resources.pods, 'default', name)?.status?.conditions?.find((x) => x.type === 'Ready');
  assert.equal(readyOf('p1')?.status, 'False');
  assert.equal(readyOf('p1')?.lastTransitionTime, rfc3339(b.clock.now()));
  assert.equal(readyOf('p2')?.status, 'True', 'n2 renewed its lease');
  assert.ok(b.events.some((e) => e.object === 'Pod/default/p1' && e.type === 'Warning' && e.reason === 'NodeNotReady' && e.message === 'Node is not ready'));

  b.seed(resources.pods, boundPod('p3', 'n1'));
  await c.reconcilePod('default/p3');
  await c.reconcilePod('default/p2');
  assert.equal(readyOf('p3')?.status, 'False');
  assert.equal(readyOf('p2')?.status, 'True');
});

test('node-lifecycle: a failed pod update is retried on the next pass', async () => {
  const t0 = Date.UTC(2025, 0, 1);
  const { b, c } = setUp([kubeletNode('n1', t0)], [nodeLease('n1', t0)], [boundPod('p1', 'n1')]);
  await pass(b, c);
  let fail = true;
  b.transport.prependReactor((a) => {
    if (fail && a.resource === 'pods' && a.verb === 'update') throw new Error('boom');
    return undefined;
  });
  b.clock.advance(GRACE + 1_000);
  await pass(b, c);
  const readyOf = () => b.transport.object<Pod>(resources.pods, 'default', 'p1')?.status?.conditions?.find((x) => x.type === 'Ready')?.status;
  assert.equal(readyOf(), 'True');
  fail = false;
  b.clock.advance(5_000);
  await pass(b, c);
  assert.equal(readyOf(), 'False');
});

test('node-lifecycle: a deleted node is announced and forgotten', async () => {
  const t0 = Date.UTC(2025, 0, 1);
  const { b, c } = setUp([kubeletNode('n1', t0)], [nodeLease('n1', t0)]);
  await pass(b, c);
  b.ctx.informers.informer(resources.nodes).store.remove('n1');
  await pass(b, c);
  assert.deepEqual(b.events.map((e) => e.reason), ['RegisteredNode', 'RemovingNode']);
});
