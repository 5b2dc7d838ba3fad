import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod, Service } from '../../api/generated/core/v1.js';
import type { EndpointSlice } from '../../api/generated/discovery/v1.js';
import { rfc3339 } from '../../api/time.js';
import { resources } from '../../client/resources.js';
import { newTestBench, type TestBench } from '../testing.js';
import { EndpointSliceController } from './controller.js';
import { SliceTracker } from './tracker.js';

const t0 = Date.UTC(2025, 0, 1);

const pod = (name: string, o: { ip?: string; ready?: boolean; labels?: Record<string, string>; node?: string; terminating?: boolean; port?: number } = {}): Pod => ({
  metadata: { name, namespace: 'default', labels: o.labels ?? { app: 'web' }, uid: `uid-${name}`, ...(o.terminating ? { deletionTimestamp: rfc3339(t0) } : {}) },
  spec: { nodeName: o.node ?? 'n1', containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'web', containerPort: o.port ?? 8080, protocol: 'TCP' }] }] },
  status: { phase: 'Running', podIP: o.ip ?? '10.42.0.1', podIPs: [{ ip: o.ip ?? '10.42.0.1' }], conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: rfc3339(t0 - 60_000) }] },
});
const pods = (n: number, o: { port?: number; prefix?: string } = {}) =>
  Array.from({ length: n }, (_, i) => pod(`${o.prefix ?? 'p'}${String(i).padStart(3, '0')}`, { ip: `10.42.${o.prefix ? 1 : 0}.${i + 1}`, port: o.port }));

const svc = (o: { type?: string; selector?: Record<string, string> | null; clusterIP?: string; publish?: boolean; uid?: string; labels?: Record<string, string> } = {}): Service => ({
  metadata: { name: 'web', namespace: 'default', uid: o.uid ?? 'svc-uid', creationTimestamp: rfc3339(t0 - 3600_000), labels: o.labels ?? { team: 'a' } },
  spec: {
    type: o.type ?? 'ClusterIP',
    ...(o.selector === null ? {} : { selector: o.selector ?? { app: 'web' } }),
    ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP', appProtocol: 'http' }],
    clusterIP: o.clusterIP ?? '10.43.0.10',
    ...(o.publish ? { publishNotReadyAddresses: true } : {}),
  },
});
const node = (name: string, zone?: string): Node => ({ metadata: { name, ...(zone ? { labels: { 'topology.kubernetes.io/zone': zone } } : {}) } });

function setup(o: { service?: Service; pods?: Pod[]; nodes?: Node[]; max?: number } = {}): { b: TestBench; c: EndpointSliceController; slices: () => EndpointSlice[]; run: () => Promise<void> } {
  const b = newTestBench();
  if (o.service !== undefined) b.seed(resources.services, o.service);
  b.seed(resources.nodes, ...(o.nodes ?? [node('n1', 'zone-a')]));
  b.seed(resources.pods, ...(o.pods ?? []));
  const c = new EndpointSliceController(b.ctx, { maxEndpointsPerSlice: o.max });
  const slices = () => b.transport.objects<EndpointSlice>(resources.endpointslices).sort((x, y) => (x.metadata?.name ?? '').localeCompare(y.metadata?.name ?? ''));
  const run = async () => {
    await c.reconcile('default/web');
    b.sync(resources.endpointslices);
  };
  return { b, c, slices, run };
}

const sizes = (slices: EndpointSlice[]) => slices.map((s) => s.endpoints.length).sort((a, b) => a - b);

test('endpointslice: one slice with everything the proxy and DNS read', async () => {
  const { slices, run } = setup({ service: svc(), pods: [pod('a', { ip: '10.42.0.1' }), pod('b', { ip: '10.42.0.2', ready: false }), pod('c', { ip: '10.42.0.3', terminating: true })] });
  await run();
  const [s, ...rest] = slices();
  assert.equal(rest.length, 0);
  assert.ok(s?.metadata?.name?.startsWith('web-'));
  assert.deepEqual(s?.metadata?.labels, { team: 'a', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
  assert.deepEqual(s?.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
  assert.equal(s?.addressType, 'IPv4');
  assert.deepEqual(s?.ports, [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }]);
  const byName = new Map(s?.endpoints.map((e) => [e.targetRef?.name, e]));
  assert.deepEqual(byName.get('a'), {
    addresses: ['10.42.0.1'],
    conditions: { ready: true, serving: true, terminating: false },
    targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' },
    zone: 'zone-a',
    nodeName: 'n1',
  });
  assert.deepEqual(byName.get('b')?.conditions, { ready: false, serving: false, terminating: false });
  assert.deepEqual(byName.get('c')?.conditions, { ready: false, serving: true, terminating: true });
});

test('endpointslice: slices hold at most the maximum and change as little as they can', async () => {
  const { b, slices, run } = setup({ service: svc(), pods: pods(7), max: 3 });
  await run();
  assert.deepEqual(sizes(slices()), [1, 3, 3]);
  b.transport.clearActions();
  await run();
  assert.deepEqual(b.transport.writes(), [], 'no change, no write');
  // One pod goes: only its slice is rewritten.
  const victim = slices().find((s) => s.endpoints.length === 3)?.endpoints[0]?.targetRef?.name ?? '';
  const store = b.ctx.informers.informer(resources.pods).store;
  store.remove(`default/${victim}`);
  await run();
  assert.equal(b.transport.writes().length, 1);
  assert.match(b.transport.writes()[0] ?? '', /^update endpointslices default\/web-/);
  assert.deepEqual(sizes(slices()), [1, 2, 3]);
  // A new pod goes into the unchanged slice it fills most closely.
  b.transport.clearActions();
  b.seed(resources.pods, pod('new', { ip: '10.42.9.9' }));
  await run();
  assert.equal(b.transport.writes().length, 1);
  assert.match(b.transport.writes()[0] ?? '', /^update /, 'fits an existing slice: no new slice');
  assert.deepEqual(sizes(slices()), [1, 3, 3]);
});

test('endpointslice: pods serving different ports get their own slices; old groups go', async () => {
  const { b, slices, run } = setup({ service: svc(), pods: [...pods(2), ...pods(2, { port: 9090, prefix: 'q' })] });
  await run();
  assert.deepEqual(slices().map((s) => `${s.ports?.[0]?.port}:${s.endpoints.length}`).sort(), ['8080:2', '9090:2']);
  const store = b.ctx.informers.informer(resources.pods).store;
  for (const k of store.keys()) if (k.startsWith('default/q')) store.remove(k);
  b.transport.clearActions();
  await run();
  assert.equal(b.transport.writes().filter((w) => w.startsWith('delete')).length, 1);
  assert.deepEqual(slices().map((s) => `${s.ports?.[0]?.port}:${s.endpoints.length}`), ['8080:2']);
});

test('endpointslice: an empty Service keeps one placeholder slice', async () => {
  const { b, slices, run } = setup({ service: svc(), pods: [] });
  await run();
  assert.equal(slices().length, 1);
  assert.deepEqual([slices()[0]?.endpoints, slices()[0]?.ports], [[], []]);
  b.transport.clearActions();
  await run();
  assert.deepEqual(b.transport.writes(), []);
  // Pods arrive: the placeholder is reused rather than deleted and recreated.
  b.seed(resources.pods, ...pods(2));
  await run();
  assert.equal(b.transport.writes().length, 1);
  assert.match(b.transport.writes()[0] ?? '', /^update /);
  assert.equal(slices()[0]?.endpoints.length, 2);
});

test('endpointslice: what is left alone or skipped', async () => {
  const cases: { name: string; service?: Service; pods: Pod[]; writes: RegExp[]; throws?: boolean }[] = [
    { name: 'ExternalName', service: svc({ type: 'ExternalName' }), pods: pods(1), writes: [] },
    { name: 'no selector', service: svc({ selector: null }), pods: pods(1), writes: [] },
    { name: 'deleted Service: slices are the garbage collector\'s', pods: pods(1), writes: [] },
    { name: 'a pod on an unknown node is skipped and the Service retried', service: svc(), pods: [pod('a', { node: 'nowhere' })], writes: [/^create /], throws: true },
  ];
  for (const tc of cases) {
    const { b, c, slices } = setup({ service: tc.service, pods: tc.pods });
    if (tc.throws) await assert.rejects(() => c.reconcile('default/web'), /Node nowhere Not Found/, tc.name);
    else await c.reconcile('default/web');
    assert.equal(b.transport.writes().length, tc.writes.length, tc.name);
    tc.writes.forEach((re, i) => assert.match(b.transport.writes()[i] ?? '', re, tc.name));
    if (tc.throws) assert.deepEqual(slices()[0]?.endpoints, [], `${tc.name}: placeholder only`);
  }
  // publishNotReadyAddresses lists the pod anyway.
  const { slices, run } = setup({ service: svc({ publish: true }), pods: [pod('a', { node: 'nowhere', ready: false })] });
  await run();
  assert.deepEqual(slices()[0]?.endpoints.map((e) => [e.targetRef?.name, e.conditions?.ready]), [['a', true]]);
});

test('endpointslice: slices of an earlier Service of the same name are replaced, not reused; labels follow the Service', async () => {
  const { b, slices, run } = setup({ service: svc({ uid: 'old' }), pods: pods(2) });
  await run();
  const oldName = slices()[0]?.metadata?.name;
  b.seed(resources.services, svc({ uid: 'new', clusterIP: 'None', labels: { team: 'b' } }));
  b.transport.clearActions();
  await run();
  // Not reused: it may be the garbage collector's to delete along with the old Service.
  assert.deepEqual(b.transport.writes(), ['create endpointslices default/', `delete endpointslices default/${oldName ?? ''}`]);
  const s = slices()[0];
  assert.equal(s?.metadata?.ownerReferences?.[0]?.uid, 'new');
  assert.deepEqual(s?.metadata?.labels, { team: 'b', 'service.kubernetes.io/headless': '', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
});

test('endpointslice: a cache that has not seen its own writes yet makes the sync wait', async () => {
  const { b, c, slices } = setup({ service: svc(), pods: pods(2) });
  await c.reconcile('default/web');
  assert.equal(b.transport.writes().length, 1);
  await c.reconcile('default/web'); // the informer has not delivered the created slice
  assert.equal(b.transport.writes().length, 1, 'no duplicate slice');
  b.sync(resources.endpointslices);
  await c.reconcile('default/web');
  assert.equal(b.transport.writes().length, 1);
  assert.equal(slices().length, 1);
});

test('endpointslice: a Service label change rewrites labels in place', async () => {
  const { b, slices, run } = setup({ service: svc(), pods: pods(2) });
  await run();
  const name = slices()[0]?.metadata?.name ?? '';
  b.seed(resources.services, svc({ labels: { team: 'b', tier: 'front' } }));
  b.transport.clearActions();
  await run();
  assert.deepEqual(b.transport.writes(), [`update endpointslices default/${name}`]);
  assert.equal(slices()[0]?.metadata?.labels?.['tier'], 'front');
});

test('endpointslice tracker: stale caches and own writes', () => {
  const slice = (name: string, rv: string): EndpointSlice => ({ metadata: { name, resourceVersion: rv }, addressType: 'IPv4', endpoints: [] });
  const cases: { name: string; wrote: EndpointSlice[]; deleted?: EndpointSlice[]; cached: EndpointSlice[]; stale: boolean }[] = [
    { name: 'nothing written', wrote: [], cached: [slice('a', '1')], stale: false },
    { name: 'created, not seen yet', wrote: [slice('a', '5')], cached: [], stale: true },
    { name: 'updated, cache older', wrote: [slice('a', '5')], cached: [slice('a', '4')], stale: true },
    { name: 'seen', wrote: [slice('a', '5')], cached: [slice('a', '5')], stale: false },
    { name: 'changed again by someone else', wrote: [slice('a', '5')], cached: [slice('a', '9')], stale: false },
    { name: 'deleted, still cached', wrote: [], deleted: [slice('a', '5')], cached: [slice('a', '5')], stale: true },
    { name: 'deleted and gone', wrote: [], deleted: [slice('a', '5')], cached: [], stale: false },
  ];
  for (const c of cases) {
    const t = new SliceTracker();
    for (const s of c.wrote) t.written('default/web', s);
    for (const s of c.deleted ?? []) t.deleted('default/web', s);
    assert.equal(t.stale('default/web', c.cached), c.stale, c.name);
  }
  const t = new SliceTracker();
  t.written('default/web', slice('a', '5'));
  assert.equal(t.shouldSync('default/web', slice('a', '5')), false, 'its own write coming back');
  assert.equal(t.shouldSync('default/web', slice('a', '6')), true, 'someone else changed it');
  assert.equal(t.shouldSync('default/web', slice('b', '1')), true, 'unknown slice');
  t.deleted('default/web', slice('a', '5'));
  assert.equal(t.observedDeletion('default/web', slice('a', '5')), true, 'expected deletion');
  assert.equal(t.observedDeletion('default/web', slice('a', '5')), false, 'an unexpected one resyncs');
});
