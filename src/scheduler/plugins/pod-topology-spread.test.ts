import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod, TopologySpreadConstraint } from '../../api/generated/core/v1.js';
import { makeNode, makePod, newSchedulerBench } from '../testing.js';

const web = { app: 'web' };
const spread = (c: Partial<TopologySpreadConstraint>): TopologySpreadConstraint => ({
  maxSkew: 1,
  topologyKey: 'zone',
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchLabels: web },
  ...c,
});
const pod = (constraints: TopologySpreadConstraint[], extra: Partial<NonNullable<Pod['spec']>> = {}) => makePod('p', { labels: web, spec: { topologySpreadConstraints: constraints, ...extra } });
const on = (node: string, i: number, labels: Record<string, string> = web) => makePod(`e-${node}-${i}`, { node, labels });

interface FilterCase {
  name: string;
  nodes: Node[];
  existing: Pod[];
  pod: Pod;
  want: Record<string, string>;
}

const zoneNodes = [makeNode('n1', { labels: { zone: 'a' } }), makeNode('n2', { labels: { zone: 'a' } }), makeNode('n3', { labels: { zone: 'b' } })];
const CONSTRAINTS = "node(s) didn't match pod topology spread constraints";

test('PodTopologySpread filter', async (t) => {
  const cases: FilterCase[] = [
    {
      name: 'skew by zone',
      nodes: zoneNodes,
      existing: [on('n1', 1), on('n1', 2)],
      pod: pod([spread({})]),
      want: { n1: `Unschedulable ${CONSTRAINTS}`, n2: `Unschedulable ${CONSTRAINTS}`, n3: 'Success' },
    },
    {
      name: 'only matching pods in the namespace count',
      nodes: zoneNodes,
      existing: [on('n1', 1, { app: 'db' }), makePod('other-ns', { node: 'n1', labels: web, namespace: 'other' })],
      pod: pod([spread({})]),
      want: { n1: 'Success', n2: 'Success', n3: 'Success' },
    },
    {
      name: 'a node without the key is unresolvable',
      nodes: [...zoneNodes, makeNode('n4')],
      existing: [],
      pod: pod([spread({})]),
      want: { n1: 'Success', n3: 'Success', n4: `UnschedulableAndUnresolvable ${CONSTRAINTS} (missing required label)` },
    },
    {
      name: 'minDomains above the domain count makes the global minimum 0',
      nodes: [makeNode('h1'), makeNode('h2')],
      existing: [on('h1', 1), on('h2', 1)],
      pod: pod([spread({ topologyKey: 'kubernetes.io/hostname', minDomains: 3 })]),
      want: { h1: `Unschedulable ${CONSTRAINTS}`, h2: `Unschedulable ${CONSTRAINTS}` },
    },
    {
      name: 'without minDomains the same spread fits',
      nodes: [makeNode('h1'), makeNode('h2')],
      existing: [on('h1', 1), on('h2', 1)],
      pod: pod([spread({ topologyKey: 'kubernetes.io/hostname' })]),
      want: { h1: 'Success', h2: 'Success' },
    },
    {
      name: 'nodeAffinityPolicy Honor leaves out domains the pod cannot use',
      nodes: [makeNode('n1', { labels: { zone: 'a', ok: 'y' } }), makeNode('n3', { labels: { zone: 'b' } })],
      existing: [on('n1', 1)],
      pod: pod([spread({})], { nodeSelector: { ok: 'y' } }),
      want: { n1: 'Success' },
    },
    {
      name: 'nodeAffinityPolicy Ignore counts them',
      nodes: [makeNode('n1', { labels: { zone: 'a', ok: 'y' } }), makeNode('n3', { labels: { zone: 'b' } })],
      existing: [on('n1', 1)],
      pod: pod([spread({ nodeAffinityPolicy: 'Ignore' })], { nodeSelector: { ok: 'y' } }),
      want: { n1: `Unschedulable ${CONSTRAINTS}` },
    },
    {
      name: 'ScheduleAnyway does not filter',
      nodes: zoneNodes,
      existing: [on('n1', 1), on('n1', 2)],
      pod: pod([spread({ whenUnsatisfiable: 'ScheduleAnyway' })]),
      want: { n1: 'Success' },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const b = newSchedulerBench();
      b.addNode(...c.nodes);
      b.addPod(...c.existing);
      for (const [node, want] of Object.entries(c.want)) {
        const s = b.filter('PodTopologySpread', c.pod, node);
        assert.equal([s.code, ...s.reasons].join(' '), want, node);
      }
    });
  }
});

test('PodTopologySpread score', async (t) => {
  const cases = [
    {
      name: 'ScheduleAnyway by hostname prefers emptier nodes',
      nodes: [makeNode('h1'), makeNode('h2'), makeNode('h3')],
      existing: [on('h1', 1), on('h1', 2), on('h3', 1)],
      pod: pod([spread({ topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' })]),
      want: { h1: 0, h2: 100, h3: 33 },
    },
    {
      name: 'system default spreads pods of one ReplicaSet by hostname',
      nodes: [makeNode('h1'), makeNode('h2')],
      existing: [makePod('r1', { node: 'h1', ownerUid: 'rs-1' }), makePod('r2', { node: 'h1', ownerUid: 'rs-1' }), makePod('x', { node: 'h2', ownerUid: 'rs-2' })],
      pod: makePod('p', { ownerUid: 'rs-1' }),
      want: { h1: 40, h2: 100 },
    },
    {
      name: 'a pod without owner or constraints is not scored',
      nodes: [makeNode('h1'), makeNode('h2')],
      existing: [on('h1', 1)],
      pod: makePod('p'),
      want: { h1: 0, h2: 0 },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const b = newSchedulerBench();
      b.addNode(...c.nodes);
      b.addPod(...c.existing);
      assert.deepEqual(b.scores('PodTopologySpread', c.pod), c.want);
    });
  }
});

test('preemption bookkeeping: removing a victim updates the spread counts', async () => {
  // maxSkew 1 by hostname: h1 holds 2 low-priority web pods, h2 one high-priority web pod.
  const b = newSchedulerBench();
  b.addNode(makeNode('h1', { cpu: '2' }), makeNode('h2', { cpu: '1' }));
  b.addPod(makePod('l1', { node: 'h1', labels: web, cpu: '500m' }), makePod('l2', { node: 'h1', labels: web, cpu: '500m' }), makePod('h', { node: 'h2', labels: web, cpu: '1', priority: 100 }));
  b.addPod({ ...pod([spread({ topologyKey: 'kubernetes.io/hostname' })]), spec: { ...pod([spread({ topologyKey: 'kubernetes.io/hostname' })]).spec, priority: 50, containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '1' } } }] } });
  await b.scheduleNext();
  // Only one victim is needed on h1 to satisfy both the skew and the CPU.
  assert.deepEqual(b.events.filter((e) => e.reason === 'Preempted').map((e) => e.object), ['Pod/default/l2']);
});
