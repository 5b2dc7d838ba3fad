import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod, Taint, Toleration } from '../../api/generated/core/v1.js';
import { resources } from '../../client/resources.js';
import { newTestBench, type TestBench } from '../testing.js';
import { TaintEviction } from './taint-eviction.js';
import { boundPod, kubeletNode } from './testdata.js';

const unreachable: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
const notReady: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };
const tolerate = (t: Taint, seconds?: number): Toleration => ({ key: t.key, operator: 'Exists', effect: 'NoExecute', ...(seconds !== undefined ? { tolerationSeconds: seconds } : {}) });

function setUp(taints: Taint[], pods: Pod[]) {
  const b = newTestBench();
  b.seed(resources.nodes, kubeletNode('n1', b.clock.now(), 'Unknown', { taints }));
  b.seed(resources.pods, ...pods);
  const tm = new TaintEviction(b.ctx);
  return { b, tm };
}

/** Evicts whatever has come due. */
async function drain(tm: TaintEviction) {
  while (tm.due.len() > 0) {
    const key = await tm.due.get();
    if (key === undefined) return;
    try {
      await tm.evict(key);
    } finally {
      tm.due.done(key);
    }
  }
}

const alive = (b: TestBench, name = 'p1') => b.transport.object<Pod>(resources.pods, 'default', name) !== undefined;

test('taint eviction: pods go at once, after their tolerationSeconds, or never', async () => {
  const cases: { name: string; taints: Taint[]; tolerations?: Toleration[]; goneAfterMs: number | 'never' }[] = [
    { name: 'no toleration', taints: [unreachable], goneAfterMs: 0 },
    { name: 'tolerationSeconds 5', taints: [unreachable], tolerations: [tolerate(unreachable, 5)], goneAfterMs: 5_000 },
    { name: 'the smallest tolerationSeconds wins', taints: [unreachable, notReady], tolerations: [tolerate(unreachable, 300), tolerate(notReady, 20)], goneAfterMs: 20_000 },
    { name: 'tolerated forever', taints: [unreachable], tolerations: [tolerate(unreachable)], goneAfterMs: 'never' },
    { name: 'a NoSchedule toleration does not count', taints: [unreachable], tolerations: [{ key: unreachable.key, operator: 'Exists', effect: 'NoSchedule' }], goneAfterMs: 0 },
    { name: 'tolerate-everything', taints: [unreachable, notReady], tolerations: [{ operator: 'Exists' }], goneAfterMs: 'never' },
    { name: 'one taint not tolerated', taints: [unreachable, notReady], tolerations: [tolerate(unreachable, 300)], goneAfterMs: 0 },
    { name: 'tolerationSeconds 0', taints: [unreachable], tolerations: [tolerate(unreachable, 0)], goneAfterMs: 0 },
  ];
  for (const c of cases) {
    const { b, tm } = setUp(c.taints, [boundPod('p1', 'n1', c.tolerations)]);
    await tm.handleUpdate('node:n1');
    if (c.goneAfterMs === 'never') {
      b.clock.advance(3_600_000);
      await drain(tm);
      assert.ok(alive(b), c.name);
      assert.equal(tm.scheduledAt('default/p1'), undefined, c.name);
      continue;
    }
    if (c.goneAfterMs > 0) {
      b.clock.advance(c.goneAfterMs - 1);
      await drain(tm);
      assert.ok(alive(b), `${c.name}: still there 1 ms early`);
      b.clock.advance(1);
    }
    await drain(tm);
    assert.ok(!alive(b), `${c.name}: deleted`);
    assert.deepEqual(
      b.events.map((e) => `${e.component} ${e.object} ${e.reason} ${e.message}`),
      ['taint-eviction-controller Pod/default/p1 TaintManagerEviction Marking for deletion Pod default/p1'],
      c.name,
    );
  }
});

test('taint eviction marks the pod DisruptionTarget before deleting it (default grace period)', async () => {
  const { b, tm } = setUp([unreachable], [boundPod('p1', 'n1')]);
  let marked: Pod | undefined;
  b.transport.prependReactor((a) => {
    if (a.verb === 'update' && a.subresource === 'status') marked = a.body as Pod;
    if (a.verb === 'delete') assert.equal(a.query.get('gracePeriodSeconds'), null);
    return undefined;
  });
  await tm.handleUpdate('node:n1');
  await drain(tm);
  const cond = marked?.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
  assert.deepEqual({ status: cond?.status, reason: cond?.reason, message: cond?.message }, { status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' });
  assert.deepEqual(b.transport.writes(), ['update pods/status default/p1', 'delete pods default/p1']);
});

test('taint eviction: removing the taint cancels; the deletion re-checks the live pod and node', async () => {
  // The taint goes before the time is up: cancelled, with an event.
  {
    const { b, tm } = setUp([unreachable], [boundPod('p1', 'n1', [tolerate(unreachable, 5)])]);
    await tm.handleUpdate('node:n1');
    b.clock.advance(2_000);
    b.seed(resources.nodes, kubeletNode('n1', b.clock.now()));
    await tm.handleUpdate('node:n1');
    b.clock.advance(10_000);
    await drain(tm);
    assert.ok(alive(b));
    assert.deepEqual(b.events.map((e) => e.message), ['Cancelling deletion of Pod default/p1']);
  }
  // The cache still shows the taint, the API server no longer: nothing is deleted.
  {
    const { b, tm } = setUp([unreachable], [boundPod('p1', 'n1')]);
    await tm.handleUpdate('node:n1');
    b.transport.seed(resources.nodes, { ...b.transport.object<Node>(resources.nodes, undefined, 'n1')!, spec: {} });
    await drain(tm);
    assert.ok(alive(b));
    assert.deepEqual(b.transport.writes(), []);
  }
  // The pod got a longer toleration meanwhile: it stays until then.
  {
    const { b, tm } = setUp([unreachable], [boundPod('p1', 'n1', [tolerate(unreachable, 5)])]);
    await tm.handleUpdate('node:n1');
    b.transport.seed(resources.pods, { ...b.transport.object<Pod>(resources.pods, 'default', 'p1')!, spec: { ...boundPod('p1', 'n1', [tolerate(unreachable, 60)]).spec! } });
    b.clock.advance(5_000);
    await drain(tm);
    assert.ok(alive(b), 'not at 5 s');
    b.clock.advance(55_000);
    await drain(tm);
    assert.ok(!alive(b), 'at 60 s');
  }
  // The pod is deleted meanwhile.
  {
    const { b, tm } = setUp([unreachable], [boundPod('p1', 'n1', [tolerate(unreachable, 5)])]);
    await tm.handleUpdate('node:n1');
    b.ctx.informers.informer(resources.pods).store.remove('default/p1');
    await tm.handleUpdate('pod:default/p1');
    assert.equal(tm.scheduledAt('default/p1'), undefined);
  }
});

test('taint eviction: a pod bound later to a tainted node is scheduled from when it is seen', async () => {
  const { b, tm } = setUp([unreachable], []);
  await tm.handleUpdate('node:n1');
  b.clock.advance(100_000);
  b.seed(resources.pods, boundPod('p1', 'n1', [tolerate(unreachable, 30)]));
  await tm.handleUpdate('pod:default/p1');
  assert.equal(tm.scheduledAt('default/p1'), b.clock.now() + 30_000);
  // Another look does not push the time back.
  b.clock.advance(10_000);
  await tm.handleUpdate('node:n1');
  assert.equal(tm.scheduledAt('default/p1'), b.clock.now() + 20_000);
});
