import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Namespace, Pod } from '../api/generated/core/v1.js';
import type { Deployment } from '../api/generated/apps/v1.js';
import { rfc3339 } from '../api/time.js';
import type { ResourceDescriptor } from '../client/paths.js';
import { resources } from '../client/resources.js';
import type { DiscoveredResource, DiscoveryResult } from './discovery.js';
import { NamespaceController } from './namespace.js';
import { newTestBench, type TestBench } from './testing.js';

const t0 = Date.UTC(2025, 0, 1);
const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const res = (d: ResourceDescriptor & { kind: string }, verbs = ALL): DiscoveredResource => ({ ...d, verbs, preferred: true });
/** What the fake serves: configmaps lack deletecollection (list + delete each), bindings cannot be deleted, nodes are cluster-scoped. */
const discovered: DiscoveredResource[] = [
  res(resources.pods),
  res(resources.configmaps, ALL.filter((v) => v !== 'deletecollection')),
  res(resources.deployments),
  res(resources.nodes),
  { group: '', version: 'v1', resource: 'bindings', kind: 'Binding', namespaced: true, verbs: ['create'], preferred: true },
];

const terminating = (name: string, o: { finalized?: boolean; deletedAt?: number } = {}): Namespace => ({
  metadata: { name, deletionTimestamp: rfc3339(o.deletedAt ?? t0) },
  spec: { finalizers: o.finalized ? [] : ['kubernetes'] },
  status: { phase: 'Terminating' },
});
const pod = (name: string, namespace = 'team', o: { finalizers?: string[] } = {}): Pod => ({
  metadata: { name, namespace, ...(o.finalizers ? { finalizers: o.finalizers } : {}) },
  spec: { containers: [{ name: 'c', image: 'x' }], terminationGracePeriodSeconds: 30 },
  status: { phase: 'Running' },
});
const cm = (name: string, namespace = 'team'): ConfigMap => ({ metadata: { name, namespace } });
const deploy = (name: string, namespace = 'team'): Deployment => ({ metadata: { name, namespace }, spec: { selector: {}, template: {} } });

interface Setup {
  b: TestBench;
  ctl: NamespaceController;
  finalized: () => string[][];
}

function setup(ns: Namespace, discover: () => Promise<DiscoveryResult> = () => Promise.resolve({ resources: discovered, failed: new Map() })): Setup {
  const b = newTestBench({}, undefined);
  b.seed(resources.namespaces, ns);
  const finalizeBodies: string[][] = [];
  // The fake does not serve namespaces/finalize: answer as the API server does.
  b.transport.prependReactor((a) => {
    if (a.resource !== 'namespaces' || a.subresource !== 'finalize') return undefined;
    const body = a.body as Namespace;
    finalizeBodies.push(body.spec?.finalizers ?? []);
    return body;
  });
  return { b, ctl: new NamespaceController(b.ctx, { discover }), finalized: () => finalizeBodies };
}

const conditions = (b: TestBench, name = 'team') =>
  Object.fromEntries((b.transport.object<Namespace>(resources.namespaces, undefined, name)?.status?.conditions ?? []).map((c) => [c.type, `${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`]));

test('namespace: empties a terminating namespace, then removes its finalizer', async () => {
  const { b, ctl, finalized } = setup(terminating('team'));
  b.seed(resources.pods, pod('a'), pod('b'), pod('other', 'default'));
  b.seed(resources.configmaps, cm('x'), cm('y'), cm('keep', 'default'));
  b.seed(resources.deployments, deploy('d'));
  await ctl.reconcile('team');
  assert.deepEqual(
    b.transport.writes(),
    [
      'deletecollection pods team/',
      'delete configmaps team/x',
      'delete configmaps team/y',
      'deletecollection deployments team/',
      'update namespaces/status team',
      'update namespaces/finalize team',
    ],
  );
  for (const a of b.transport.actions.filter((x) => x.verb.startsWith('delete'))) {
    assert.equal((a.body as { propagationPolicy?: string }).propagationPolicy, 'Background', `${a.verb} ${a.resource}: background propagation`);
  }
  assert.deepEqual(finalized(), [[]]);
  assert.deepEqual(b.transport.objects(resources.pods).map((p) => p.metadata?.name), ['other']);
  assert.deepEqual(b.transport.objects(resources.configmaps).map((p) => p.metadata?.name), ['keep']);
  assert.deepEqual(conditions(b), {
    NamespaceDeletionDiscoveryFailure: 'False ResourcesDiscovered: All resources successfully discovered',
    NamespaceDeletionGroupVersionParsingFailure: 'False ParsedGroupVersions: All legacy kube types successfully parsed',
    NamespaceDeletionContentFailure: 'False ContentDeleted: All content successfully deleted, may be waiting on finalization',
    NamespaceContentRemaining: 'False ContentRemoved: All content successfully removed',
    NamespaceFinalizersRemaining: 'False ContentHasNoFinalizers: All content-preserving finalizers finished',
  });
});

test('namespace: nothing to do for active, finalized or vanished namespaces', async () => {
  const cases: { name: string; ns?: Namespace }[] = [
    { name: 'active', ns: { metadata: { name: 'team' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } } },
    { name: 'already finalized', ns: terminating('team', { finalized: true }) },
    { name: 'gone' },
  ];
  for (const c of cases) {
    const { b, ctl } = setup(c.ns ?? terminating('other'));
    b.seed(resources.pods, pod('a'));
    await ctl.reconcile('team');
    assert.deepEqual(b.transport.writes(), [], c.name);
  }
});

test('namespace: waits for what remains', async () => {
  const cases: { name: string; pods: Pod[]; deletedAt?: number; wantRequeueS?: number; throws?: RegExp; conditions: Record<string, RegExp> }[] = [
    {
      name: 'pods in their grace period: look again after half of it',
      pods: [pod('a'), pod('b')],
      wantRequeueS: 16,
      conditions: { NamespaceContentRemaining: /^True SomeResourcesRemain: Some resources are remaining: pods has 2 resource instances$/ },
    },
    {
      name: 'content held by finalizers',
      pods: [pod('a', 'team', { finalizers: ['example.com/hold'] })],
      deletedAt: t0 - 3600_000,
      wantRequeueS: 8,
      conditions: { NamespaceFinalizersRemaining: /^True SomeFinalizersRemain: .*example.com\/hold in 1 resource instances$/ },
    },
    {
      name: 'content that should be gone: an error, retried with backoff',
      pods: [pod('a')],
      deletedAt: t0 - 3600_000,
      throws: /unexpected items still remain in namespace: team/,
      conditions: { NamespaceDeletionContentFailure: /^True ContentDeletionFailed: Failed to delete all resource types, 1 remaining: pods: unexpected/ },
    },
  ];
  for (const c of cases) {
    const { b, ctl, finalized } = setup(terminating('team', { deletedAt: c.deletedAt }));
    b.seed(resources.pods, ...c.pods);
    // Pods being deleted gracefully stay until their kubelet is done.
    b.transport.prependReactor((a) => (a.verb === 'deletecollection' && a.resource === 'pods' ? { kind: 'PodList', items: [] } : undefined));
    if (c.throws) await assert.rejects(() => ctl.reconcile('team'), c.throws, c.name);
    else await ctl.reconcile('team');
    assert.deepEqual(finalized(), [], `${c.name}: not finalized`);
    const got = conditions(b);
    for (const [type, re] of Object.entries(c.conditions)) assert.match(got[type] ?? '', re, `${c.name}: ${type}`);
    if (c.wantRequeueS !== undefined) {
      b.clock.advance(c.wantRequeueS * 1000 - 1);
      assert.equal(ctl.queue.len(), 0, `${c.name}: not yet`);
      b.clock.advance(1);
      assert.equal(ctl.queue.len(), 1, `${c.name}: requeued after ${c.wantRequeueS}s`);
    }
  }
});

test('namespace: a discovery failure is reported and retried, but what was discovered is deleted', async () => {
  const { b, ctl, finalized } = setup(terminating('team'), () => Promise.resolve({ resources: discovered, failed: new Map([['metrics.k8s.io/v1beta1', new Error('503')]]) }));
  b.seed(resources.configmaps, cm('x'));
  await assert.rejects(() => ctl.reconcile('team'), /discovery of metrics.k8s.io\/v1beta1 failed/);
  assert.equal(b.transport.objects(resources.configmaps).length, 0);
  assert.match(conditions(b)['NamespaceDeletionDiscoveryFailure'] ?? '', /^True DiscoveryFailed: Discovery failed for some groups, 1 failing: metrics.k8s.io\/v1beta1: 503$/);
  assert.deepEqual(finalized(), []);
});
