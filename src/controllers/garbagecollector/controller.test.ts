import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conflict } from '../../api/errors.js';
import type { OwnerReference } from '../../api/generated/meta/v1.js';
import { rfc3339 } from '../../api/time.js';
import { apiVersionOf } from '../../client/paths.js';
import { resources, type BuiltInResource } from '../../client/resources.js';
import { fakeBuiltInResources, type FakeAction } from '../../client/testing/fake-transport.js';
import type { Obj } from '../../client/testing/fake-state.js';
import type { KubeObject } from '../../client/types.js';
import type { DiscoveredResource } from '../discovery.js';
import { newTestBench, type TestBench } from '../testing.js';
import { collectable, GarbageCollector } from './controller.js';
import { identityOf } from './monitors.js';

const t0 = Date.UTC(2025, 0, 1);
const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const watched: BuiltInResource[] = [resources.deployments, resources.replicasets, resources.pods, resources.configmaps, resources.nodes, resources.services];
const discovered: DiscoveredResource[] = [
  ...watched.map((d) => ({ ...d, verbs: ALL, preferred: true })),
  { ...resources.events, verbs: ALL, preferred: true },
  { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods', kind: 'PodMetrics', namespaced: true, verbs: ['get', 'list'], preferred: true },
];

const ref = (d: BuiltInResource, name: string, o: { block?: boolean; uid?: string } = {}): OwnerReference => ({
  apiVersion: apiVersionOf(d),
  kind: d.kind,
  name,
  uid: o.uid ?? `uid-${name}`,
  ...(o.block ? { controller: true, blockOwnerDeletion: true } : {}),
});
const obj = (name: string, o: { ns?: string | null; owners?: OwnerReference[]; finalizers?: string[]; deleting?: boolean } = {}): KubeObject => ({
  metadata: {
    name,
    ...(o.ns === null ? {} : { namespace: o.ns ?? 'default' }),
    uid: `uid-${name}`,
    ...(o.owners ? { ownerReferences: o.owners } : {}),
    ...(o.finalizers ? { finalizers: o.finalizers } : {}),
    ...(o.deleting ? { deletionTimestamp: rfc3339(t0) } : {}),
  },
});

const fakeRes = (resource: string) => fakeBuiltInResources.find((r) => r.resource === resource && (resource !== 'pods' || r.group === ''));

/**
 * A bench whose fake API deletes as kube-apiserver does: Foreground/Orphan add their finalizer, an
 * object with finalizers is only marked, and the last finalizer removed deletes it. `settle` feeds
 * the API's changes to the collector as informer events and runs its queues until all is quiet.
 */
async function harness(seed: [BuiltInResource, KubeObject[]][]) {
  const b = newTestBench();
  for (const [d, objs] of seed) b.seed(d, ...objs);
  const gc = new GarbageCollector(b.ctx, { discover: () => Promise.resolve({ resources: discovered, failed: new Map() }) });
  await gc.syncResources(discovered);
  b.transport.prependReactor((a: FakeAction) => {
    if (a.verb !== 'delete') return undefined;
    const r = fakeRes(a.resource);
    const cur = r && b.transport.state.bucket(r).get(`${a.namespace ? `${a.namespace}/` : ''}${a.name ?? ''}`);
    if (!r || !cur) return undefined;
    const body = (a.body ?? {}) as { propagationPolicy?: string; preconditions?: { uid?: string } };
    if (body.preconditions?.uid && body.preconditions.uid !== cur.metadata.uid) throw conflict({ group: r.group, resource: r.resource }, a.name ?? '', 'Precondition failed: UID');
    const finalizers = new Set(cur.metadata.finalizers ?? []);
    if (body.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
    if (body.propagationPolicy === 'Orphan') finalizers.add('orphan');
    if (finalizers.size === 0) return undefined;
    const next: Obj = structuredClone(cur);
    next.metadata.finalizers = [...finalizers];
    next.metadata.deletionTimestamp ??= rfc3339(t0);
    return b.transport.state.write(r, 'MODIFIED', next, cur);
  });
  const settle = async () => {
    for (let round = 0; round < 50; round++) {
      let changed = false;
      for (const d of watched) {
        const r = fakeRes(d.resource);
        if (!r) continue;
        // The last finalizer gone from an object being deleted: it goes (shouldDeleteDuringUpdate).
        for (const o of [...b.transport.state.bucket(r).values()]) {
          if (o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).length === 0 && !o.metadata.deletionGracePeriodSeconds) b.transport.state.write(r, 'DELETED', o, o);
        }
        const store = b.ctx.informers.informer(d).store;
        const api = new Map(b.transport.objects(d).map((o) => [`${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? ''}`, o]));
        const dr = discovered.find((x) => x.resource === d.resource && x.group === d.group);
        if (!dr) continue;
        for (const k of store.keys()) {
          if (api.has(k)) continue;
          const old = store.remove(k);
          if (old) gc.graph.remove(identityOf(dr, old));
          changed = true;
        }
        for (const [k, o] of api) {
          const old = store.get(k);
          if (old?.metadata?.resourceVersion === o.metadata?.resourceVersion) continue;
          store.upsert(o);
          gc.graph.observe(identityOf(dr, o), o, old);
          changed = true;
        }
      }
      for (const [q, fn] of [[gc.deleteQueue, (k: string) => gc.attemptToDelete(k)], [gc.orphanQueue, (k: string) => gc.attemptToOrphan(k)]] as const) {
        while (q.len() > 0) {
          const k = await q.get();
          if (k === undefined) break;
          await fn(k);
          q.done(k);
          changed = true;
        }
      }
      if (!changed) return;
    }
    throw new Error('garbage collection did not settle');
  };
  const names = (d: BuiltInResource) => b.transport.objects(d).map((o) => o.metadata?.name).sort();
  return { b, gc, settle, names };
}

const deletes = (b: TestBench) => b.transport.actions.filter((a) => a.verb === 'delete').map((a) => `${a.resource}/${a.name ?? ''} ${(a.body as { propagationPolicy?: string }).propagationPolicy ?? ''}`);

test('gc: watches what can be listed, watched and deleted, except events', () => {
  assert.deepEqual(collectable(discovered).map((r) => r.resource).sort(), ['configmaps', 'deployments', 'nodes', 'pods', 'replicasets', 'services']);
});

test('gc: background deletion removes dependents whose owners are all gone', async () => {
  const cases: { name: string; seed: [BuiltInResource, KubeObject[]][]; remove?: [BuiltInResource, string]; left: Record<string, string[]>; deleted: string[] }[] = [
    {
      name: 'a deleted Deployment takes its ReplicaSets and their pods',
      seed: [
        [resources.deployments, [obj('web')]],
        [resources.replicasets, [obj('web-1', { owners: [ref(resources.deployments, 'web', { block: true })] })]],
        [resources.pods, [obj('web-1-a', { owners: [ref(resources.replicasets, 'web-1', { block: true })] }), obj('lone')]],
      ],
      remove: [resources.deployments, 'web'],
      left: { replicasets: [], pods: ['lone'] },
      deleted: ['replicasets/web-1 Background', 'pods/web-1-a Background'],
    },
    {
      name: 'an owner that never existed (virtual node verified absent)',
      seed: [[resources.configmaps, [obj('child', { owners: [ref(resources.configmaps, 'ghost')] })]]],
      left: { configmaps: [] },
      deleted: ['configmaps/child Background'],
    },
    {
      name: 'an owner recreated under the same name (another uid)',
      seed: [[resources.configmaps, [{ metadata: { name: 'parent', namespace: 'default', uid: 'new-uid' } }, obj('child', { owners: [ref(resources.configmaps, 'parent', { uid: 'old-uid' })] })]]],
      left: { configmaps: ['parent'] },
      deleted: ['configmaps/child Background'],
    },
    {
      name: 'a namespaced dependent of a cluster-scoped owner that went',
      seed: [
        [resources.nodes, [obj('n1', { ns: null })]],
        [resources.configmaps, [obj('per-node', { owners: [ref(resources.nodes, 'n1')] })]],
      ],
      remove: [resources.nodes, 'n1'],
      left: { configmaps: [] },
      deleted: ['configmaps/per-node Background'],
    },
    {
      name: 'owners that exist keep their dependents',
      seed: [
        [resources.nodes, [obj('n1', { ns: null })]],
        [resources.configmaps, [obj('parent'), obj('child', { owners: [ref(resources.configmaps, 'parent')] }), obj('per-node', { owners: [ref(resources.nodes, 'n1')] })]],
      ],
      left: { configmaps: ['child', 'parent', 'per-node'] },
      deleted: [],
    },
    {
      name: 'a dependent with an orphan finalizer is deleted with Orphan',
      seed: [[resources.replicasets, [obj('rs', { owners: [ref(resources.deployments, 'gone')], finalizers: ['orphan'] })]]],
      left: {},
      deleted: ['replicasets/rs Orphan'],
    },
  ];
  for (const c of cases) {
    const { b, settle, names } = await harness(c.seed);
    await settle();
    if (c.remove) {
      const [d, name] = c.remove;
      const r = fakeRes(d.resource);
      const cur = r && b.transport.state.bucket(r).get(d.namespaced ? `default/${name}` : name);
      if (r && cur) b.transport.state.write(r, 'DELETED', cur, cur);
      await settle();
    }
    for (const [resource, want] of Object.entries(c.left)) {
      const d = watched.find((x) => x.resource === resource);
      if (d) assert.deepEqual(names(d), want, `${c.name}: ${resource}`);
    }
    assert.deepEqual(deletes(b), c.deleted, c.name);
    for (const a of b.transport.actions.filter((x) => x.verb === 'delete')) {
      assert.ok((a.body as { preconditions?: { uid?: string } }).preconditions?.uid, `${c.name}: uid precondition`);
    }
  }
});

test('gc: a dependent that keeps another owner loses only the dangling reference', async () => {
  const { b, settle, names } = await harness([[resources.configmaps, [obj('a'), obj('child', { owners: [ref(resources.configmaps, 'a'), ref(resources.configmaps, 'gone')] })]]]);
  await settle();
  assert.deepEqual(names(resources.configmaps), ['a', 'child']);
  const child = b.transport.object<KubeObject>(resources.configmaps, 'default', 'child');
  assert.deepEqual(child?.metadata?.ownerReferences, [ref(resources.configmaps, 'a')]);
  assert.deepEqual(deletes(b), []);
});

test('gc: foreground deletion deletes blocking dependents first, then the owner', async () => {
  const { b, settle, names } = await harness([
    [resources.deployments, [obj('web', { finalizers: ['foregroundDeletion'], deleting: true })]],
    [resources.replicasets, [obj('web-1', { owners: [ref(resources.deployments, 'web', { block: true })] })]],
    [resources.pods, [obj('web-1-a', { owners: [ref(resources.replicasets, 'web-1', { block: true })] }), obj('web-1-b', { owners: [ref(resources.replicasets, 'web-1', { block: true })] })]],
    [resources.configmaps, [obj('loose', { owners: [ref(resources.deployments, 'web')] })]],
  ]);
  // The pods linger (a kubelet's grace period): the Deployment must wait.
  b.transport.prependReactor((a) => {
    if (a.verb !== 'delete' || a.resource !== 'pods') return undefined;
    const r = fakeRes('pods');
    const cur = r && b.transport.state.bucket(r).get(`default/${a.name ?? ''}`);
    if (!r || !cur || cur.metadata.deletionTimestamp) return cur;
    return b.transport.state.write(r, 'MODIFIED', { ...structuredClone(cur), metadata: { ...structuredClone(cur.metadata), deletionTimestamp: rfc3339(t0), deletionGracePeriodSeconds: 30 } }, cur);
  });
  await settle();
  assert.deepEqual(names(resources.deployments), ['web'], 'waits for the pods');
  assert.deepEqual(names(resources.replicasets), ['web-1']);
  assert.equal(b.transport.object<KubeObject>(resources.replicasets, 'default', 'web-1')?.metadata?.finalizers?.[0], 'foregroundDeletion', 'the ReplicaSet went foreground too');
  assert.deepEqual(names(resources.configmaps), [], 'non-blocking dependents are deleted too');
  // The kubelet finishes.
  const pods = fakeRes('pods');
  for (const p of [...(pods ? b.transport.state.bucket(pods).values() : [])]) if (pods) b.transport.state.write(pods, 'DELETED', p, p);
  await settle();
  assert.deepEqual([names(resources.deployments), names(resources.replicasets), names(resources.pods)], [[], [], []]);
  assert.deepEqual(deletes(b).filter((d) => !d.startsWith('pods/')), ['replicasets/web-1 Foreground', 'configmaps/loose Background']);
});

test('gc: orphan removes the owner from its dependents, then the finalizer', async () => {
  const { b, settle, names } = await harness([
    [resources.deployments, [obj('web', { finalizers: ['orphan'], deleting: true })]],
    [resources.replicasets, [obj('web-1', { owners: [ref(resources.deployments, 'web', { block: true }), ref(resources.configmaps, 'keep')] }), obj('web-2', { owners: [ref(resources.deployments, 'web', { block: true })] })]],
    [resources.configmaps, [obj('keep')]],
  ]);
  await settle();
  assert.deepEqual(names(resources.deployments), []);
  assert.deepEqual(names(resources.replicasets), ['web-1', 'web-2']);
  assert.deepEqual(b.transport.object<KubeObject>(resources.replicasets, 'default', 'web-1')?.metadata?.ownerReferences, [ref(resources.configmaps, 'keep')]);
  assert.equal(b.transport.object<KubeObject>(resources.replicasets, 'default', 'web-2')?.metadata?.ownerReferences, undefined);
  assert.deepEqual(deletes(b), []);
});

test('gc: invalid cross-namespace and cluster-scoped references', async () => {
  // A namespaced owner only owns objects of its namespace: seen from another namespace it is absent.
  const { b, settle, names } = await harness([
    [resources.configmaps, [obj('owner', { ns: 'a' }), obj('child', { ns: 'b', owners: [ref(resources.configmaps, 'owner')] })]],
    [resources.nodes, [obj('n1', { ns: null, owners: [ref(resources.configmaps, 'owner')] })]],
  ]);
  await settle();
  assert.deepEqual(names(resources.configmaps), ['owner']);
  assert.deepEqual(names(resources.nodes), ['n1'], 'a cluster-scoped object with a namespaced owner is left alone');
  const reasons = [...new Set(b.events.map((e) => `${e.object} ${e.reason}`))].sort();
  assert.deepEqual(reasons, ['ConfigMap/b/child OwnerRefInvalidNamespace', 'Node/n1 OwnerRefInvalidNamespace']);
});
