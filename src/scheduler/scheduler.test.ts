import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/generated/core/v1.js';
import { resources } from '../client/resources.js';
import { makeNode, makePod, newSchedulerBench } from './testing.js';

const condition = (p: Pod | undefined) => p?.status?.conditions?.find((c) => c.type === 'PodScheduled');

test('a pending pod is bound through pods/binding and gets a Scheduled event', async () => {
  const b = newSchedulerBench();
  b.addNode(makeNode('n1', { cpu: '1' }), makeNode('n2', { cpu: '4' }));
  b.addPod(makePod('web', { cpu: '500m' }));
  assert.equal(await b.scheduleNext(), 'default/web');
  // LeastAllocated prefers the emptier node.
  assert.equal(b.nodeOf('web'), 'n2');
  assert.deepEqual(b.transport.writes(), ['create pods/binding default/web']);
  const binding = b.transport.actions.find((a) => a.subresource === 'binding')?.body as { target?: { kind?: string; name?: string } };
  assert.deepEqual(binding.target, { apiVersion: 'v1', kind: 'Node', name: 'n2' });
  assert.deepEqual(b.events, [{ object: 'Pod/default/web', type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned default/web to n2' }]);
  // The assumed pod already counts: a second 4-CPU pod no longer fits on n2.
  assert.equal(b.scheduler.cache.get('n2')?.requested.milliCPU, 500);
  b.syncPods();
  assert.equal(b.scheduler.cache.isAssumed('default/web'), false);
  assert.equal(b.scheduler.cache.get('n2')?.requested.milliCPU, 500);
});

test('no fit on 3 nodes: FailedScheduling with upstream message, PodScheduled=False, pod waits', async () => {
  const b = newSchedulerBench();
  b.addNode(
    makeNode('cp', { cpu: '8', taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }),
    makeNode('w1', { cpu: '1' }),
    makeNode('w2', { cpu: '1' }),
  );
  b.addPod(makePod('big', { cpu: '2' }));
  await b.scheduleNext();
  const want =
    '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. ' +
    'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.';
  assert.deepEqual(b.events, [{ object: 'Pod/default/big', type: 'Warning', reason: 'FailedScheduling', message: want }]);
  const stored = b.transport.object<Pod>(resources.pods, 'default', 'big');
  assert.equal(condition(stored)?.status, 'False');
  assert.equal(condition(stored)?.reason, 'Unschedulable');
  assert.equal(condition(stored)?.message, want);
  assert.deepEqual(b.transport.writes(), ['patch pods/status default/big']);
  assert.deepEqual(b.scheduler.queue.dump().unschedulable, ['default/big']);
  // A retry with the same outcome does not rewrite the same condition.
  b.syncPods();
  b.clock.advance(5 * 60_000 + 30_000);
  assert.deepEqual(b.scheduler.queue.dump().active, ['default/big']);
  await b.scheduleNext();
  assert.deepEqual(b.transport.writes(), ['patch pods/status default/big']);
  // A new node that fits moves it back and it binds there.
  b.addNode(makeNode('w3', { cpu: '4' }));
  b.clock.advance(10_000);
  await b.scheduleNext();
  assert.equal(b.nodeOf('big'), 'w3');
});

test('no nodes at all: "no nodes available to schedule pods"', async () => {
  const b = newSchedulerBench();
  b.addPod(makePod('p'));
  await b.scheduleNext();
  assert.equal(b.events[0]?.message, 'no nodes available to schedule pods');
  assert.equal(condition(b.transport.object<Pod>(resources.pods, 'default', 'p'))?.reason, 'Unschedulable');
});

test('preemption evicts the lower-priority pod, nominates the node, then binds there', async () => {
  const b = newSchedulerBench();
  b.addNode(makeNode('n1', { cpu: '2' }));
  b.addPod(makePod('low', { cpu: '1500m', node: 'n1', priority: 0 }), makePod('keep', { cpu: '200m', node: 'n1', priority: 0 }));
  b.addPod(makePod('high', { cpu: '1', priority: 1000 }));
  await b.scheduleNext();
  assert.deepEqual(b.transport.writes(), ['patch pods/status default/low', 'delete pods default/low', 'patch pods/status default/high']);
  assert.equal(b.transport.object<Pod>(resources.pods, 'default', 'low'), undefined);
  assert.ok(b.transport.object<Pod>(resources.pods, 'default', 'keep'));
  const high = b.transport.object<Pod>(resources.pods, 'default', 'high');
  assert.equal(high?.status?.nominatedNodeName, 'n1');
  assert.deepEqual(
    b.events.map((e) => [e.object, e.reason, e.message]),
    [
      ['Pod/default/low', 'Preempted', 'Preempted by pod uid-high on node n1'],
      ['Pod/default/high', 'FailedScheduling', '0/1 nodes are available: 1 Insufficient cpu.'],
    ],
  );
  // The victim's deletion retries the preemptor (after its 1 s backoff); it lands on n1.
  b.syncPods();
  b.clock.advance(1000);
  await b.scheduleNext();
  assert.equal(b.nodeOf('high'), 'n1');
});

test('preemptionPolicy Never and equal priorities do not preempt', async (t) => {
  const cases = [
    { name: 'Never', spec: { preemptionPolicy: 'Never' }, priority: 1000, want: 'preemption: not eligible due to preemptionPolicy=Never.' },
    { name: 'same priority', spec: {}, priority: 0, want: 'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.' },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const b = newSchedulerBench();
      b.addNode(makeNode('n1', { cpu: '1' }));
      b.addPod(makePod('low', { cpu: '1', node: 'n1' }), makePod('p', { cpu: '1', priority: c.priority, spec: c.spec }));
      await b.scheduleNext();
      assert.equal(b.events[0]?.message, `0/1 nodes are available: 1 Insufficient cpu. ${c.want}`);
      assert.ok(b.transport.object(resources.pods, 'default', 'low'));
    });
  }
});

test('a failed binding forgets the assumed pod and retries it', async () => {
  const b = newSchedulerBench();
  b.addNode(makeNode('n1'));
  b.addPod(makePod('p', { cpu: '1' }));
  let fail = true;
  b.transport.prependReactor((a) => {
    if (a.subresource === 'binding' && fail) {
      fail = false;
      throw new Error('boom');
    }
    return undefined;
  });
  await b.scheduleNext();
  assert.equal(b.scheduler.cache.has('default/p'), false);
  assert.equal(b.events[0]?.reason, 'FailedScheduling');
  assert.match(b.events[0]?.message ?? '', /boom/);
  assert.deepEqual(b.scheduler.queue.dump().backoff, ['default/p']);
  b.clock.advance(1000);
  await b.scheduleNext();
  assert.equal(b.nodeOf('p'), 'n1');
});

test('pods of another scheduler, bound pods and terminating pods are not scheduled', () => {
  const b = newSchedulerBench();
  b.addNode(makeNode('n1'));
  b.addPod(
    makePod('other', { spec: { schedulerName: 'my-scheduler' } }),
    makePod('bound', { node: 'n1' }),
    { ...makePod('dying'), metadata: { ...makePod('dying').metadata, deletionTimestamp: '2025-01-01T00:00:00Z' } },
    makePod('mine'),
  );
  assert.deepEqual(b.scheduler.queue.dump().active, ['default/mine']);
});

test('a DaemonSet-style pod pinned by metadata.name only tries its node', async () => {
  const b = newSchedulerBench();
  b.addNode(makeNode('a', { cpu: '1' }), makeNode('b'), makeNode('c'));
  const pin = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] }] } } };
  b.addPod(makePod('ds', { cpu: '2', spec: { affinity: pin } }));
  await b.scheduleNext();
  assert.equal(b.events[0]?.message, "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.");
});

test('priority comes from spec.priority, else the PriorityClass, else the global default', () => {
  const b = newSchedulerBench();
  b.seed(resources.priorityclasses, { metadata: { name: 'high' }, value: 1000 }, { metadata: { name: 'default' }, value: 7, globalDefault: true });
  const base = makePod('p');
  const noPriority = { ...base, spec: { ...base.spec, priority: undefined } } as Pod;
  assert.equal(b.scheduler.priorityOf({ ...base, spec: { ...base.spec, containers: [], priority: 5 } }), 5);
  assert.equal(b.scheduler.priorityOf({ ...noPriority, spec: { ...noPriority.spec, containers: [], priorityClassName: 'high' } }), 1000);
  assert.equal(b.scheduler.priorityOf(noPriority), 7);
});

test('preemption prefers the node where no PodDisruptionBudget is violated', async () => {
  const b = newSchedulerBench();
  b.addNode(makeNode('n1', { cpu: '1' }), makeNode('n2', { cpu: '1' }));
  b.addPod(makePod('a', { cpu: '1', node: 'n1', labels: { app: 'a' } }), makePod('b', { cpu: '1', node: 'n2', labels: { app: 'b' } }));
  b.seed(resources.poddisruptionbudgets, { metadata: { name: 'pdb-a', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'a' } } }, status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 } });
  b.addPod(makePod('high', { cpu: '1', priority: 100 }));
  await b.scheduleNext();
  assert.deepEqual(b.events.filter((e) => e.reason === 'Preempted').map((e) => e.object), ['Pod/default/b']);
  assert.equal(b.transport.object<Pod>(resources.pods, 'default', 'high')?.status?.nominatedNodeName, 'n2');
});

test('room made by preemption is kept for the nominated pod', async () => {
  const b = newSchedulerBench();
  b.addNode(makeNode('n1', { cpu: '2' }));
  b.addPod(makePod('low', { cpu: '2', node: 'n1' }));
  b.addPod(makePod('high', { cpu: '2', priority: 100 }));
  await b.scheduleNext();
  b.syncPods(); // low is gone
  b.addPod(makePod('mid', { cpu: '1', priority: 50 }));
  assert.equal(await b.scheduleNext(), 'default/mid');
  assert.equal(b.nodeOf('mid'), undefined);
  b.clock.advance(1000);
  assert.equal(await b.scheduleNext(), 'default/high');
  assert.equal(b.nodeOf('high'), 'n1');
});
