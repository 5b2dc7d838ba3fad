import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../client/testing/fake-clock.js';
import type { ClusterEvent } from '../framework/interface.js';
import { PodInfo } from '../framework/pod-info.js';
import { makePod } from '../testing.js';
import { Heap } from './heap.js';
import { SchedulingQueue } from './scheduling-queue.js';

const events = new Map<string, ReadonlySet<ClusterEvent>>([
  ['NodeResourcesFit', new Set<ClusterEvent>(['Node/Add', 'AssignedPod/Delete'])],
  ['NodeAffinity', new Set<ClusterEvent>(['Node/Add', 'Node/UpdateLabel'])],
]);

function setup() {
  const clock = new FakeClock();
  const q = new SchedulingQueue({ clock, pluginEvents: events });
  q.run(new AbortController().signal);
  return { clock, q };
}

const info = (name: string, priority = 0) => new PodInfo(makePod(name, { priority }), priority);

/** Pops one pod and fails it with `plugins`. */
async function fail(q: SchedulingQueue, plugins: string[]) {
  const p = await q.pop();
  assert.ok(p);
  q.requeueFailed(p, plugins);
  return p;
}

test('heap keeps order through push, update and remove', () => {
  const h = new Heap<{ k: string; v: number }>((x) => x.k, (a, b) => a.v < b.v);
  for (const [k, v] of [['a', 5], ['b', 1], ['c', 3], ['d', 4]] as const) h.push({ k, v });
  h.push({ k: 'a', v: 0 });
  h.remove('c');
  const out: string[] = [];
  for (let t = h.pop(); t; t = h.pop()) out.push(t.k);
  assert.deepEqual(out, ['a', 'b', 'd']);
});

test('activeQ pops by priority, then by arrival', async () => {
  const { clock, q } = setup();
  q.add(info('low', 0));
  clock.advance(1);
  q.add(info('high', 100));
  clock.advance(1);
  q.add(info('mid-1', 50));
  clock.advance(1);
  q.add(info('mid-2', 50));
  const order: string[] = [];
  for (let i = 0; i < 4; i++) order.push((await q.pop())?.podInfo.name ?? '');
  assert.deepEqual(order, ['high', 'mid-1', 'mid-2', 'low']);
});

test('a pop waits for the next pod; close ends it', async () => {
  const { q } = setup();
  const waiting = q.pop();
  q.add(info('late'));
  assert.equal((await waiting)?.podInfo.name, 'late');
  const pending = q.pop();
  q.close();
  assert.equal(await pending, undefined);
});

test('backoff doubles per attempt from 1 s and caps at 10 s', async () => {
  const { clock, q } = setup();
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => q.backoffDuration(n)), [1000, 2000, 4000, 8000, 10_000, 10_000]);
  q.add(info('p'));
  const cases = [1000, 2000, 4000];
  for (const wait of cases) {
    await fail(q, []); // an error: straight to backoffQ
    assert.deepEqual(q.dump().backoff, ['default/p']);
    clock.advance(wait - 1);
    assert.deepEqual(q.dump().active, [], `still backing off before ${wait} ms`);
    clock.advance(1);
    assert.deepEqual(q.dump().active, ['default/p'], `active after ${wait} ms`);
  }
});

test('unschedulable pods move only on events their plugins registered for', async (t) => {
  const cases: { name: string; plugins: string[]; event: ClusterEvent; moves: boolean }[] = [
    { name: 'resources: node added', plugins: ['NodeResourcesFit'], event: 'Node/Add', moves: true },
    { name: 'resources: pod deleted', plugins: ['NodeResourcesFit'], event: 'AssignedPod/Delete', moves: true },
    { name: 'resources: label change is irrelevant', plugins: ['NodeResourcesFit'], event: 'Node/UpdateLabel', moves: false },
    { name: 'affinity: label change', plugins: ['NodeAffinity'], event: 'Node/UpdateLabel', moves: true },
    { name: 'either plugin', plugins: ['NodeResourcesFit', 'NodeAffinity'], event: 'Node/UpdateLabel', moves: true },
    { name: 'unknown plugin never moves', plugins: ['Other'], event: 'Node/Add', moves: false },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const { clock, q } = setup();
      q.add(info('p'));
      await fail(q, c.plugins);
      assert.deepEqual(q.dump().unschedulable, ['default/p']);
      clock.advance(5000); // past the first backoff
      q.moveAllToActiveOrBackoff(c.event);
      assert.deepEqual(q.dump().active, c.moves ? ['default/p'] : []);
      assert.deepEqual(q.dump().unschedulable, c.moves ? [] : ['default/p']);
    });
  }
});

test('a move while still backing off goes to backoffQ first', async () => {
  const { clock, q } = setup();
  q.add(info('p'));
  await fail(q, ['NodeResourcesFit']);
  q.moveAllToActiveOrBackoff('Node/Add');
  assert.deepEqual(q.dump().backoff, ['default/p']);
  clock.advance(1000);
  assert.deepEqual(q.dump().active, ['default/p']);
});

test('a move request during the attempt sends the failed pod to backoffQ, not the pool', async () => {
  const { q } = setup();
  q.add(info('p'));
  const p = await q.pop();
  assert.ok(p);
  q.moveAllToActiveOrBackoff('Node/Add');
  q.requeueFailed(p, ['NodeAffinity']);
  assert.deepEqual(q.dump().backoff, ['default/p']);
});

test('unschedulable pods are retried after 5 minutes without an event', async () => {
  const { clock, q } = setup();
  q.add(info('p'));
  await fail(q, ['NodeResourcesFit']);
  clock.advance(5 * 60_000);
  assert.deepEqual(q.dump().unschedulable, ['default/p']);
  clock.advance(30_000);
  assert.deepEqual(q.dump().active, ['default/p']);
});

test('an update of an unschedulable pod retries it unless only its status changed', async () => {
  const { clock, q } = setup();
  q.add(info('p'));
  await fail(q, ['NodeAffinity']);
  clock.advance(2000);
  const pod = makePod('p');
  q.update(new PodInfo({ ...pod, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] } }));
  assert.deepEqual(q.dump().unschedulable, ['default/p']);
  q.update(new PodInfo({ ...pod, metadata: { ...pod.metadata, labels: { a: 'b' } } }));
  assert.deepEqual(q.dump().active, ['default/p']);
});

test('a deleted pod is dropped everywhere, also while in flight', async () => {
  const { q } = setup();
  q.add(info('a'));
  q.add(info('b'));
  const a = await q.pop();
  assert.ok(a);
  q.delete('default/a');
  q.delete('default/b');
  q.requeueFailed(a, []);
  assert.deepEqual(q.dump(), { active: [], backoff: [], unschedulable: [], inFlight: [] });
});
