import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from '../api/generated/core/v1.js';
import { nodeUpdateEvents } from './event-handlers.js';
import { makeNode, makePod, newSchedulerBench } from './testing.js';

test('node updates are classified into the events that can help pods', () => {
  const base = makeNode('n1');
  const cases: { name: string; change: (n: Node) => Node; want: string[] }[] = [
    { name: 'heartbeat only', change: (n) => ({ ...n, metadata: { ...n.metadata, resourceVersion: '9' } }), want: [] },
    { name: 'allocatable', change: (n) => ({ ...n, status: { ...n.status, allocatable: { cpu: '8', memory: '8Gi', pods: '110' } } }), want: ['Node/UpdateAllocatable'] },
    { name: 'labels', change: (n) => ({ ...n, metadata: { ...n.metadata, labels: { a: 'b' } } }), want: ['Node/UpdateLabel'] },
    { name: 'cordon', change: (n) => ({ ...n, spec: { unschedulable: true } }), want: ['Node/UpdateTaint'] },
    { name: 'taints', change: (n) => ({ ...n, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }), want: ['Node/UpdateTaint'] },
    { name: 'ready', change: (n) => ({ ...n, status: { ...n.status, conditions: [{ type: 'Ready', status: 'True' }] } }), want: ['Node/UpdateCondition'] },
  ];
  for (const c of cases) assert.deepEqual(nodeUpdateEvents(base, c.change(base)), c.want, c.name);
});

test('a node label change retries a pod its nodeSelector kept off', async () => {
  const b = newSchedulerBench();
  const node = makeNode('n1');
  b.addNode(node);
  b.addPod(makePod('p', { spec: { nodeSelector: { disk: 'ssd' } } }));
  await b.scheduleNext();
  assert.deepEqual(b.scheduler.queue.dump().unschedulable, ['default/p']);
  b.clock.advance(1000);
  b.scheduler.handlers.node.onUpdate?.(node, { ...node, metadata: { ...node.metadata, annotations: { x: 'y' } } });
  assert.deepEqual(b.scheduler.queue.dump().unschedulable, ['default/p'], 'an annotation change does not help');
  const labelled = { ...node, metadata: { ...node.metadata, labels: { ...node.metadata?.labels, disk: 'ssd' } } };
  b.scheduler.handlers.node.onUpdate?.(node, labelled);
  assert.equal(await b.scheduleNext(), 'default/p');
  assert.equal(b.nodeOf('p'), 'n1');
});

test('a bound pod that finishes frees its room and retries waiting pods', async () => {
  const b = newSchedulerBench();
  b.addNode(makeNode('n1', { cpu: '1' }));
  const done = makePod('job', { cpu: '1', node: 'n1' });
  b.addPod(done);
  b.addPod(makePod('next', { cpu: '1' }));
  await b.scheduleNext();
  assert.deepEqual(b.scheduler.queue.dump().unschedulable, ['default/next']);
  b.clock.advance(1000);
  const finished: Pod = { ...done, status: { phase: 'Succeeded' } };
  b.scheduler.handlers.pod.onUpdate?.(done, finished);
  assert.equal(b.scheduler.cache.get('n1')?.requested.milliCPU, 0);
  assert.equal(await b.scheduleNext(), 'default/next');
  assert.equal(b.nodeOf('next'), 'n1');
});
