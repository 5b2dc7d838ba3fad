// service-lb: allocation, keeping, releasing, requested addresses, conflicts, exhaustion, restarts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../../api/generated/core/v1.js';
import { resources } from '../../client/resources.js';
import { clientFor, type ControllerSettings } from '../controller.js';
import { newTestBench, type TestBench } from '../testing.js';
import { ServiceLbController, serviceLbController } from './controller.js';

interface SvcOptions {
  type?: string;
  created?: string;
  loadBalancerIP?: string;
  annotations?: Record<string, string>;
  ingress?: string[];
  loadBalancerClass?: string;
  ipFamilies?: string[];
}

const svc = (name: string, o: SvcOptions = {}): Service => ({
  metadata: { name, namespace: 'default', creationTimestamp: o.created ?? '2024-01-01T00:00:00Z', ...(o.annotations ? { annotations: o.annotations } : {}) },
  spec: {
    type: o.type ?? 'LoadBalancer',
    clusterIP: '10.43.0.10',
    ports: [{ port: 80, protocol: 'TCP' }],
    ...(o.loadBalancerIP ? { loadBalancerIP: o.loadBalancerIP } : {}),
    ...(o.loadBalancerClass ? { loadBalancerClass: o.loadBalancerClass } : {}),
    ...(o.ipFamilies ? { ipFamilies: o.ipFamilies } : {}),
  },
  status: { loadBalancer: o.ingress ? { ingress: o.ingress.map((ip) => ({ ip, ipMode: 'VIP' })) } : {} },
});

function setUp(services: Service[], settings: Partial<ControllerSettings> = {}) {
  const b = newTestBench(settings);
  b.seed(resources.services, ...services);
  const c = new ServiceLbController(b.ctx);
  c.rebuild();
  return { b, c };
}

const ingressOf = (b: TestBench, name: string) => b.transport.object<Service>(resources.services, 'default', name)?.status?.loadBalancer?.ingress;
const ipsOf = (b: TestBench, name: string) => (ingressOf(b, name) ?? []).map((i) => i.ip);
const eventLines = (b: TestBench) => b.events.map((e) => `${e.component} ${e.object} ${e.type} ${e.reason} ${e.message}`);
/** A user's edit of a Service (the main resource: its status is kept), seen by the cache. */
async function edit(b: TestBench, name: string, change: (s: Service) => void): Promise<void> {
  const cur = structuredClone(b.transport.object<Service>(resources.services, 'default', name)!);
  change(cur);
  await clientFor<Service>(b.ctx, resources.services).update(cur);
  b.sync(resources.services);
}
/** A user's delete of a Service, seen by the cache. */
async function remove(b: TestBench, name: string): Promise<void> {
  await clientFor<Service>(b.ctx, resources.services).delete(name, { namespace: 'default' });
  b.sync(resources.services);
}

test('descriptor', () => assert.equal(serviceLbController.name, 'service-lb'));

test('service-lb allocates from the pool through the status subresource, with an IPAllocated event', async () => {
  const { b, c } = setUp([svc('web'), svc('api')]);
  await c.reconcile('default/web');
  await c.reconcile('default/api');
  assert.deepEqual(ingressOf(b, 'web'), [{ ip: '10.44.0.1', ipMode: 'VIP' }]);
  assert.deepEqual(ipsOf(b, 'api'), ['10.44.0.2']);
  assert.deepEqual(b.transport.writes(), ['update services/status default/web', 'update services/status default/api']);
  assert.deepEqual(eventLines(b), [
    'service-lb-controller Service/default/web Normal IPAllocated Assigned IP ["10.44.0.1"]',
    'service-lb-controller Service/default/api Normal IPAllocated Assigned IP ["10.44.0.2"]',
  ]);
});

test('service-lb leaves alone what is not its: ClusterIP, another loadBalancerClass, ExternalName', async () => {
  const other = svc('other', { loadBalancerClass: 'example.com/lb', ingress: ['192.0.2.7'] });
  const { b, c } = setUp([svc('cip', { type: 'ClusterIP' }), other, svc('mine', { loadBalancerClass: 'k8ts.io/service-lb' })]);
  for (const n of ['cip', 'other', 'mine']) await c.reconcile(`default/${n}`);
  assert.deepEqual(b.transport.writes(), ['update services/status default/mine']);
  assert.deepEqual(ipsOf(b, 'other'), ['192.0.2.7']);
  assert.deepEqual(ipsOf(b, 'mine'), ['10.44.0.1']);
});

test('service-lb keeps the address across updates and writes nothing when the status shows it', async () => {
  const { b, c } = setUp([svc('web')]);
  await c.reconcile('default/web');
  b.sync(resources.services);
  await edit(b, 'web', (s) => (s.spec = { ...s.spec, ports: [{ port: 8080, protocol: 'TCP' }] }));
  b.transport.clearActions();
  await c.reconcile('default/web');
  assert.deepEqual(b.transport.writes(), []);
  assert.deepEqual(ipsOf(b, 'web'), ['10.44.0.1']);
  assert.equal(b.events.length, 1);
});

test('service-lb releases the address when the type changes (clearing the status) and when the Service is deleted', async () => {
  const { b, c } = setUp([svc('a'), svc('b')]);
  await c.reconcile('default/a');
  await c.reconcile('default/b');
  b.sync(resources.services);
  await edit(b, 'a', (s) => (s.spec = { ...s.spec, type: 'ClusterIP' }));
  await c.reconcile('default/a');
  assert.deepEqual(b.transport.object<Service>(resources.services, 'default', 'a')?.status?.loadBalancer, {});
  assert.equal(c.pool.ownerOf('10.44.0.1'), undefined);
  await remove(b, 'b');
  await c.reconcile('default/b');
  assert.equal(c.pool.ownerOf('10.44.0.2'), undefined);
  assert.deepEqual(c.pool.held('default/a'), []);
});

test('service-lb honours requested addresses when in the pool and free', async () => {
  const cases: { name: string; service: Service; want: string[]; event: string }[] = [
    { name: 'spec.loadBalancerIP', service: svc('s', { loadBalancerIP: '10.44.0.77' }), want: ['10.44.0.77'], event: 'Normal IPAllocated Assigned IP ["10.44.0.77"]' },
    { name: 'deprecated annotation', service: svc('s', { annotations: { 'metallb.universe.tf/loadBalancerIPs': '10.44.0.9' } }), want: ['10.44.0.9'], event: 'Normal IPAllocated Assigned IP ["10.44.0.9"]' },
    { name: 'annotation', service: svc('s', { annotations: { 'metallb.io/loadBalancerIPs': ' 10.44.0.10 ' } }), want: ['10.44.0.10'], event: 'Normal IPAllocated Assigned IP ["10.44.0.10"]' },
    { name: 'outside the pool', service: svc('s', { loadBalancerIP: '192.0.2.1' }), want: [], event: 'Warning AllocationFailed Failed to allocate IP for "default/s": "192.0.2.1" is not allowed in config' },
    { name: 'network address of the pool', service: svc('s', { loadBalancerIP: '10.44.0.0' }), want: [], event: 'Warning AllocationFailed Failed to allocate IP for "default/s": "10.44.0.0" is not allowed in config' },
    { name: 'malformed', service: svc('s', { loadBalancerIP: '10.44.0.300' }), want: [], event: 'Warning AllocationFailed Failed to allocate IP for "default/s": invalid spec.loadBalancerIP "10.44.0.300"' },
    {
      name: 'both annotation and spec',
      service: svc('s', { loadBalancerIP: '10.44.0.5', annotations: { 'metallb.universe.tf/loadBalancerIPs': '10.44.0.5' } }),
      want: [],
      event: 'Warning AllocationFailed Failed to allocate IP for "default/s": service can not have both metallb.universe.tf/loadBalancerIPs and svc.Spec.LoadBalancerIP',
    },
    {
      name: 'wrong family',
      service: svc('s', { loadBalancerIP: 'fd44::5' }),
      want: [],
      event: 'Warning AllocationFailed Failed to allocate IP for "default/s": requested loadBalancer IP(s) ["fd44::5"] does not match the ipFamily of the service',
    },
  ];
  for (const tc of cases) {
    const { b, c } = setUp([tc.service]);
    await c.reconcile('default/s'); // invalid requests are not retried: no throw
    assert.deepEqual(ipsOf(b, 's'), tc.want, tc.name);
    assert.deepEqual(eventLines(b), [`service-lb-controller Service/default/s ${tc.event}`], tc.name);
  }
});

test('service-lb moves to a newly requested address and frees the old one', async () => {
  const { b, c } = setUp([svc('web')]);
  await c.reconcile('default/web');
  b.sync(resources.services);
  await edit(b, 'web', (s) => (s.spec = { ...s.spec, loadBalancerIP: '10.44.0.50' }));
  await c.reconcile('default/web');
  assert.deepEqual(ipsOf(b, 'web'), ['10.44.0.50']);
  assert.equal(c.pool.ownerOf('10.44.0.1'), undefined);
});

test('service-lb: of two Services asking for one address the older gets it, whichever is reconciled first; the other gets it once freed', async () => {
  const young = svc('young', { loadBalancerIP: '10.44.0.20', created: '2024-01-02T00:00:00Z' });
  const old = svc('old', { loadBalancerIP: '10.44.0.20', created: '2024-01-01T00:00:00Z' });
  const { b, c } = setUp([young, old]);
  await assert.rejects(c.reconcile('default/young'), /also requested by the older service default\/old/);
  await c.reconcile('default/old');
  assert.deepEqual(ipsOf(b, 'old'), ['10.44.0.20']);
  assert.deepEqual(ipsOf(b, 'young'), []);
  await assert.rejects(c.reconcile('default/young'), /already in use by default\/old/);
  assert.deepEqual(eventLines(b), [
    'service-lb-controller Service/default/young Warning AllocationFailed Failed to allocate IP for "default/young": "10.44.0.20" is also requested by the older service default/old',
    'service-lb-controller Service/default/old Normal IPAllocated Assigned IP ["10.44.0.20"]',
    'service-lb-controller Service/default/young Warning AllocationFailed Failed to allocate IP for "default/young": "10.44.0.20" is already in use by default/old',
  ]);
  await remove(b, 'old');
  await c.reconcile('default/old');
  assert.equal(c.queue.len(), 1, 'the waiting Service is queued again');
  await c.reconcile('default/young');
  assert.deepEqual(ipsOf(b, 'young'), ['10.44.0.20']);
});

test('service-lb: an older Service that cannot get its whole request does not block a younger one', async () => {
  const holder = svc('holder', { loadBalancerIP: '10.44.0.21', created: '2024-01-01T00:00:00Z' });
  // Asks for .20 and .21 together, but .21 is held: it can never be granted while that lasts.
  const old = svc('old', { annotations: { 'metallb.universe.tf/loadBalancerIPs': '10.44.0.20,10.44.0.21' }, created: '2024-01-01T00:00:01Z' });
  const young = svc('young', { loadBalancerIP: '10.44.0.20', created: '2024-01-02T00:00:00Z' });
  const { b, c } = setUp([holder, old, young]);
  await c.reconcile('default/holder');
  await c.reconcile('default/young');
  assert.deepEqual(ipsOf(b, 'young'), ['10.44.0.20']);
});

test('service-lb: an exhausted pool records AllocationFailed and retries; a freed address goes to the waiting Service', async () => {
  const { b, c } = setUp([svc('a'), svc('b'), svc('c')], { loadBalancerPool: '10.44.0.1-10.44.0.2' });
  await c.reconcile('default/a');
  await c.reconcile('default/b');
  await assert.rejects(c.reconcile('default/c'), /no available IPs/);
  assert.equal(eventLines(b)[2], 'service-lb-controller Service/default/c Warning AllocationFailed Failed to allocate IP for "default/c": no available IPs');
  assert.deepEqual(ipsOf(b, 'c'), []);
  await remove(b, 'a');
  await c.reconcile('default/a');
  assert.equal(c.queue.len(), 1);
  await c.reconcile('default/c');
  assert.deepEqual(ipsOf(b, 'c'), ['10.44.0.1']);
});

test('service-lb rebuilds from statuses at start: no address twice, the older keeps a doubly shown one', async () => {
  const { b, c } = setUp([
    // The younger first: the cache's order must not decide.
    svc('dup', { ingress: ['10.44.0.1'], created: '2024-01-03T00:00:00Z' }),
    svc('first', { ingress: ['10.44.0.1'], created: '2024-01-01T00:00:00Z' }),
    svc('second', { ingress: ['10.44.0.2'], created: '2024-01-02T00:00:00Z' }),
    svc('new', { created: '2024-01-04T00:00:00Z' }),
  ]);
  assert.equal(c.pool.ownerOf('10.44.0.1'), 'default/first');
  assert.equal(c.pool.ownerOf('10.44.0.2'), 'default/second');
  for (const n of ['new', 'dup', 'first', 'second']) await c.reconcile(`default/${n}`);
  assert.deepEqual(ipsOf(b, 'first'), ['10.44.0.1']);
  assert.deepEqual(ipsOf(b, 'second'), ['10.44.0.2']);
  assert.deepEqual(ipsOf(b, 'new'), ['10.44.0.3']);
  assert.deepEqual(ipsOf(b, 'dup'), ['10.44.0.4']);
  assert.deepEqual(b.transport.writes(), ['update services/status default/new', 'update services/status default/dup']);
});

test('service-lb: a stale cache makes the status write conflict (retried), and the address stays reserved', async () => {
  const { b, c } = setUp([svc('web')]);
  await c.reconcile('default/web');
  // The cache still shows the old resourceVersion and no address.
  await assert.rejects(c.reconcile('default/web'), (e: Error & { code?: number }) => /conflict|modified/i.test(e.message));
  assert.deepEqual(c.pool.held('default/web'), ['10.44.0.1']);
  b.sync(resources.services);
  await c.reconcile('default/web');
  assert.deepEqual(ipsOf(b, 'web'), ['10.44.0.1']);
});

test('service-lb gives dual-stack Services one address per family the pool has', async () => {
  const { b, c } = setUp([svc('ds', { ipFamilies: ['IPv4', 'IPv6'] }), svc('v6', { ipFamilies: ['IPv6'] })], { loadBalancerPool: '10.44.0.0/24,fd44::/120' });
  await c.reconcile('default/ds');
  await c.reconcile('default/v6');
  assert.deepEqual(ipsOf(b, 'ds'), ['10.44.0.1', 'fd44::1']);
  assert.deepEqual(ipsOf(b, 'v6'), ['fd44::2']);
  assert.equal(eventLines(b)[0], 'service-lb-controller Service/default/ds Normal IPAllocated Assigned IP ["10.44.0.1" "fd44::1"]');
});

test('service-lb: a malformed pool fails at construction', () => {
  const b = newTestBench({ loadBalancerPool: '10.44.0.0/33' });
  assert.throws(() => new ServiceLbController(b.ctx), /invalid CIDR "10.44.0.0\/33"/);
});
