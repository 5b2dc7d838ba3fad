import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statusError } from '../api/errors.js';
import type { ReplicaSet } from '../api/generated/apps/v1.js';
import type { Pod, ReplicationController } from '../api/generated/core/v1.js';
import { rfc3339 } from '../api/time.js';
import { resources } from '../client/resources.js';
import { clientFor } from './controller.js';
import { ReplicaController } from './replicaset.js';
import { replicaSetKind, replicationControllerKind } from './replicaset/kinds.js';
import { podsToDelete } from './replicaset/manage.js';
import { slowStartBatch } from './util/batch.js';
import { deliver } from './replicaset/testing.js';
import { newTestBench, type TestBench } from './testing.js';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };

function rs(name: string, replicas: number, extra: Partial<NonNullable<ReplicaSet['spec']>> = {}): ReplicaSet {
  return { metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: 1 }, spec: { replicas, selector: { matchLabels: { app: 'web' } }, template, ...extra } };
}

function pod(name: string, o: { owner?: string; kind?: string; labels?: Record<string, string>; readyAt?: number; node?: string; phase?: string; deleting?: boolean } = {}): Pod {
  return {
    metadata: {
      name,
      namespace: 'default',
      labels: o.labels ?? { app: 'web' },
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: o.kind ?? 'ReplicaSet', name: o.owner, uid: `uid-${o.owner}`, controller: true }] } : {}),
      ...(o.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? (o.readyAt !== undefined ? 'Running' : 'Pending'),
      ...(o.readyAt !== undefined ? { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: rfc3339(o.readyAt) }] } : {}),
    },
  };
}

function setup(...pods: Pod[]): { bench: TestBench; ctl: ReplicaController } {
  const bench = newTestBench();
  const ctl = new ReplicaController(bench.ctx, replicaSetKind);
  bench.seed(resources.pods, ...pods);
  return { bench, ctl };
}

const creates = (b: TestBench) => b.transport.writes().filter((w) => w.startsWith('create pods')).length;
const deletes = (b: TestBench) => b.transport.writes().filter((w) => w.startsWith('delete pods'));
const stored = (b: TestBench, name: string) => b.transport.object<ReplicaSet>(resources.replicasets, 'default', name);

test('scale up and down: creates the missing pods, deletes the cheapest surplus', async (t) => {
  const now = Date.UTC(2025, 0, 1);
  const cases = [
    { name: 'from zero', replicas: 3, pods: [] as Pod[], creates: 3, deletes: [] as string[] },
    { name: 'one missing', replicas: 3, pods: [pod('a', { owner: 'web', readyAt: now }), pod('b', { owner: 'web', readyAt: now })], creates: 1, deletes: [] },
    {
      name: 'scale down picks unscheduled, then pending, then not ready',
      replicas: 1,
      pods: [pod('ready', { owner: 'web', node: 'n1', readyAt: now }), pod('unscheduled', { owner: 'web' }), pod('pending', { owner: 'web', node: 'n1' }), pod('running', { owner: 'web', node: 'n1', phase: 'Running' })],
      creates: 0,
      deletes: ['delete pods default/pending', 'delete pods default/running', 'delete pods default/unscheduled'],
    },
    { name: 'terminal and deleting pods do not count', replicas: 2, pods: [pod('done', { owner: 'web', phase: 'Succeeded' }), pod('gone', { owner: 'web', deleting: true }), pod('ok', { owner: 'web', readyAt: now })], creates: 1, deletes: [] },
    { name: 'steady', replicas: 2, pods: [pod('a', { owner: 'web', readyAt: now }), pod('b', { owner: 'web', readyAt: now })], creates: 0, deletes: [] },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const { bench, ctl } = setup(...c.pods);
      bench.seed(resources.replicasets, rs('web', c.replicas));
      await ctl.reconcile('default/web');
      assert.equal(creates(bench), c.creates);
      assert.deepEqual(deletes(bench).sort(), c.deletes);
      const created = bench.transport.objects<Pod>(resources.pods).filter((p) => p.metadata?.name?.startsWith('web-'));
      for (const p of created) {
        assert.equal(p.metadata?.ownerReferences?.[0]?.kind, 'ReplicaSet');
        assert.equal(p.metadata?.ownerReferences?.[0]?.uid, 'uid-web');
        assert.equal(p.metadata?.labels?.['app'], 'web');
      }
      assert.equal(bench.events.filter((e) => e.reason === 'SuccessfulCreate').length, c.creates);
      if (c.creates) assert.match(bench.events[0]?.message ?? '', /^Created pod: web-\w+$/);
      assert.equal(bench.events.filter((e) => e.reason === 'SuccessfulDelete').length, c.deletes.length);
    });
  }
});

test('slowStartBatch runs 1, 2, 4, … and stops after a failing batch', async () => {
  const cases = [
    { count: 10, failAt: -1, calls: 10, successes: 10 },
    { count: 10, failAt: 2, calls: 3, successes: 2 },
    { count: 10, failAt: 0, calls: 1, successes: 0 },
    { count: 0, failAt: -1, calls: 0, successes: 0 },
  ];
  for (const c of cases) {
    let calls = 0;
    const r = await slowStartBatch(Array.from({ length: c.count }), () => (calls++ === c.failAt ? Promise.reject(new Error('no')) : Promise.resolve()));
    assert.equal(calls, c.calls);
    assert.equal(r.successes, c.successes);
    assert.equal(r.error !== undefined, c.failAt >= 0);
  }
});

test('a create failure stops the slow start, reports ReplicaFailure and FailedCreate, and frees the expectations', async () => {
  const { bench, ctl } = setup();
  bench.seed(resources.replicasets, rs('web', 10));
  let n = 0;
  bench.transport.prependReactor((a) => {
    if (a.verb === 'create' && a.resource === 'pods' && n++ >= 1) throw statusError(403, 'Forbidden', 'pods "web-x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1');
    return undefined;
  });
  await assert.rejects(ctl.reconcile('default/web'), /exceeded quota/);
  assert.equal(n, 3, 'batches of 1 then 2; the failing batch ends the run');
  const cond = stored(bench, 'web')?.status?.conditions?.[0];
  assert.equal(cond?.type, 'ReplicaFailure');
  assert.equal(cond?.reason, 'FailedCreate');
  assert.match(cond?.message ?? '', /exceeded quota/);
  assert.ok(bench.events.some((e) => e.type === 'Warning' && e.reason === 'FailedCreate' && e.message.startsWith('Error creating: pods "web-x" is forbidden')));
  // One pod was created and is unobserved: the controller waits for it, and only it.
  assert.equal(ctl.expectations.satisfied('default/web'), false);
  deliver(bench, resources.pods, ctl.podHandler);
  assert.equal(ctl.expectations.satisfied('default/web'), true);
  bench.sync(resources.replicasets);
  bench.transport.clearActions();
  n = -100;
  await ctl.reconcile('default/web');
  assert.equal(creates(bench), 9);
  assert.equal(stored(bench, 'web')?.status?.conditions, undefined, 'the condition clears once creates succeed');
});

test('at most 500 pods are created per sync', async () => {
  const { bench, ctl } = setup();
  bench.seed(resources.replicasets, rs('web', 600));
  // Answer creates without storing them: 500 random 5-letter names would collide now and then.
  let n = 0;
  bench.transport.prependReactor((a) => (a.verb === 'create' && a.resource === 'pods' ? { metadata: { name: `web-${n++}`, namespace: 'default' } } : undefined));
  await ctl.reconcile('default/web');
  assert.equal(creates(bench), 500);
});

test('expectations: a lagging cache never doubles the creates', async () => {
  const { bench, ctl } = setup();
  bench.seed(resources.replicasets, rs('web', 3));
  await ctl.reconcile('default/web');
  assert.equal(creates(bench), 3);
  await ctl.reconcile('default/web');
  await ctl.reconcile('default/web');
  assert.equal(creates(bench), 3, 'the pods are not in the cache yet, but they are expected');
  deliver(bench, resources.pods, ctl.podHandler);
  bench.sync(resources.replicasets);
  await ctl.reconcile('default/web');
  assert.equal(creates(bench), 3);
  assert.equal(stored(bench, 'web')?.status?.replicas, 3);
  // Deletions too: scale to 1, the deletes are not seen yet, so nothing more happens.
  await clientFor<ReplicaSet>(bench.ctx, resources.replicasets).patch('web', { spec: { replicas: 1 } }, { namespace: 'default' });
  bench.sync(resources.replicasets);
  await ctl.reconcile('default/web');
  assert.equal(deletes(bench).length, 2);
  bench.sync(resources.replicasets);
  await ctl.reconcile('default/web');
  assert.equal(deletes(bench).length, 2);
  assert.equal(creates(bench), 3);
  deliver(bench, resources.pods, ctl.podHandler);
  assert.equal(ctl.expectations.satisfied('default/web'), true);
});

test('a restarted controller (fresh expectations, full cache) creates nothing extra', async () => {
  const { bench, ctl } = setup();
  bench.seed(resources.replicasets, rs('web', 3));
  await ctl.reconcile('default/web');
  bench.sync(resources.pods);
  bench.sync(resources.replicasets);
  const again = new ReplicaController(bench.ctx, replicaSetKind);
  await again.reconcile('default/web');
  assert.equal(creates(bench), 3);
});

test('claiming: adopts matching orphans, releases owned pods that stopped matching, skips others', async () => {
  const { bench, ctl } = setup(pod('orphan'), pod('stray', { owner: 'web', labels: { app: 'other' } }), pod('theirs', { owner: 'other' }), pod('mine', { owner: 'web' }));
  bench.seed(resources.replicasets, rs('web', 2));
  await ctl.reconcile('default/web');
  const refs = (n: string) => bench.transport.object<Pod>(resources.pods, 'default', n)?.metadata?.ownerReferences ?? [];
  assert.equal(refs('orphan')[0]?.uid, 'uid-web');
  assert.equal(refs('orphan')[0]?.controller, true);
  assert.deepEqual(refs('stray'), []);
  assert.equal(refs('theirs')[0]?.uid, 'uid-other');
  assert.equal(creates(bench), 0, 'mine + adopted orphan make 2');
});

test('claiming: an owner that was replaced (new uid) or is being deleted adopts nothing', async (t) => {
  const cases = [
    { name: 'uid changed', fresh: { metadata: { name: 'web', namespace: 'default', uid: 'uid-new' } } },
    { name: 'being deleted', fresh: { metadata: { name: 'web', namespace: 'default', uid: 'uid-web', deletionTimestamp: '2025-01-01T00:00:00Z' } } },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const { bench, ctl } = setup(pod('orphan'));
      bench.seed(resources.replicasets, rs('web', 1));
      bench.transport.prependReactor((a) => (a.verb === 'get' && a.resource === 'replicasets' ? c.fresh : undefined));
      await ctl.reconcile('default/web');
      assert.equal(bench.transport.object<Pod>(resources.pods, 'default', 'orphan')?.metadata?.ownerReferences, undefined);
    });
  }
});

test('status: ready, available after minReadySeconds (requeued for the remaining time), fully labeled, observedGeneration', async () => {
  const bench = newTestBench();
  const ctl = new ReplicaController(bench.ctx, replicaSetKind);
  const now = bench.clock.now();
  bench.seed(
    resources.pods,
    pod('old', { owner: 'web', labels: { app: 'web', tier: 'fe' }, readyAt: now - 60_000 }),
    pod('fresh', { owner: 'web', readyAt: now - 4_000 }),
    pod('partial', { owner: 'web', labels: { app: 'web' }, phase: 'Running' }),
  );
  const set = rs('web', 3, { minReadySeconds: 10, template: { ...template, metadata: { labels: { app: 'web', tier: 'fe' } } } });
  set.metadata!.generation = 4;
  bench.seed(resources.replicasets, set);
  await ctl.reconcile('default/web');
  assert.deepEqual(stored(bench, 'web')?.status, { replicas: 3, fullyLabeledReplicas: 1, readyReplicas: 2, availableReplicas: 1, observedGeneration: 4 });
  assert.equal(ctl.queue.len(), 0);
  bench.clock.advance(5_999);
  assert.equal(ctl.queue.len(), 0);
  bench.clock.advance(1);
  assert.equal(ctl.queue.len(), 1, 'requeued when the fresh pod has been ready for 10 s');
  bench.sync(resources.replicasets);
  await ctl.reconcile('default/web');
  assert.equal(stored(bench, 'web')?.status?.availableReplicas, 2);
});

test('pod events map to the controller, or for orphans to every selecting owner', () => {
  const bench = newTestBench();
  const ctl = new ReplicaController(bench.ctx, replicaSetKind);
  bench.seed(resources.replicasets, rs('web', 1), rs('web2', 1), { ...rs('db', 1), spec: { ...rs('db', 1).spec!, selector: { matchLabels: { app: 'db' } } } });
  const keys = async () => {
    const out: string[] = [];
    while (ctl.queue.len() > 0) {
      const k = await ctl.queue.get();
      if (k === undefined) break;
      out.push(k);
      ctl.queue.done(k);
    }
    return out.sort();
  };
  return (async () => {
    ctl.podHandler.onAdd?.(pod('p', { owner: 'web' }), false);
    assert.deepEqual(await keys(), ['default/web']);
    ctl.podHandler.onAdd?.(pod('o'), false);
    assert.deepEqual(await keys(), ['default/web', 'default/web2']);
    ctl.podHandler.onAdd?.(pod('x', { owner: 'web', kind: 'ReplicationController' }), false);
    assert.deepEqual(await keys(), []);
  })();
});

test('ReplicationController: a map selector, pods owned by the RC, the same status', async () => {
  const bench = newTestBench();
  const ctl = new ReplicaController(bench.ctx, replicationControllerKind);
  const rc: ReplicationController = { metadata: { name: 'nginx', namespace: 'default', uid: 'uid-nginx', generation: 2 }, spec: { replicas: 2, selector: { app: 'web' }, template } };
  bench.seed(resources.pods, pod('orphan'));
  bench.seed(resources.replicationcontrollers, rc);
  await ctl.reconcile('default/nginx');
  assert.equal(creates(bench), 1);
  const created = bench.transport.objects<Pod>(resources.pods).find((p) => p.metadata?.name?.startsWith('nginx-'));
  assert.equal(created?.metadata?.ownerReferences?.[0]?.kind, 'ReplicationController');
  assert.equal(bench.transport.object<Pod>(resources.pods, 'default', 'orphan')?.metadata?.ownerReferences?.[0]?.kind, 'ReplicationController');
  assert.equal(bench.events[0]?.component, 'replication-controller');
  assert.equal(bench.transport.object<ReplicationController>(resources.replicationcontrollers, 'default', 'nginx')?.status?.observedGeneration, 2);
});

test('podsToDelete ranks doubled-up pods and deletion cost', () => {
  const now = Date.UTC(2025, 0, 1);
  const a = pod('a', { node: 'n1', readyAt: now });
  const b = pod('b', { node: 'n2', readyAt: now });
  const c = pod('c', { node: 'n1', readyAt: now });
  assert.notEqual(podsToDelete([a, b, c], [a, b, c], 1)[0]?.metadata?.name, 'b', 'a pod alone on its node goes last');
  const cheap = { ...b, metadata: { ...b.metadata, annotations: { 'controller.kubernetes.io/pod-deletion-cost': '-5' } } };
  assert.equal(podsToDelete([a, cheap, c], [a, cheap, c], 1)[0]?.metadata?.name, 'b');
});

test('an owner whose selector cannot claim its own pods (empty or not matching the template) creates none', async (t) => {
  const cases = [
    { name: 'empty selector', selector: {} },
    { name: 'selector misses the template labels', selector: { matchLabels: { app: 'db' } } },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const { bench, ctl } = setup();
      bench.seed(resources.replicasets, rs('web', 3, { selector: c.selector }));
      await ctl.reconcile('default/web');
      await ctl.reconcile('default/web');
      assert.equal(creates(bench), 0);
      assert.equal(stored(bench, 'web')?.status?.observedGeneration, 1, 'the status is still written');
    });
  }
});
