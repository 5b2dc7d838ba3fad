import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, Pod, Service } from '../api/generated/core/v1.js';
import { rfc3339 } from '../api/time.js';
import { resources } from '../client/resources.js';
import { EndpointsController, repackSubsets } from './endpoints.js';
import { newTestBench, type TestBench } from './testing.js';

const t0 = Date.UTC(2025, 0, 1);

interface PodOpts {
  ip?: string;
  ready?: boolean;
  readyAt?: number;
  labels?: Record<string, string>;
  node?: string;
  phase?: string;
  terminating?: boolean;
  hostname?: string;
  subdomain?: string;
  ports?: { name: string; containerPort: number; protocol?: string }[];
}

const pod = (name: string, o: PodOpts = {}): Pod => ({
  metadata: { name, namespace: 'default', labels: o.labels ?? { app: 'web' }, uid: `uid-${name}`, ...(o.terminating ? { deletionTimestamp: rfc3339(t0) } : {}) },
  spec: {
    containers: [{ name: 'c', image: 'nginx', ...(o.ports ? { ports: o.ports } : {}) }],
    ...(o.node === undefined ? { nodeName: 'n1' } : o.node ? { nodeName: o.node } : {}),
    ...(o.hostname ? { hostname: o.hostname } : {}),
    ...(o.subdomain ? { subdomain: o.subdomain } : {}),
  },
  status: {
    phase: o.phase ?? 'Running',
    ...(o.ip === '' ? {} : { podIP: o.ip ?? '10.42.0.1', podIPs: [{ ip: o.ip ?? '10.42.0.1' }] }),
    conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: rfc3339(o.readyAt ?? t0 - 60_000) }],
  },
});

const svc = (o: { selector?: Record<string, string> | null; ports?: NonNullable<Service['spec']>['ports']; clusterIP?: string; publish?: boolean; labels?: Record<string, string> } = {}): Service => ({
  metadata: { name: 'web', namespace: 'default', uid: 'svc-uid', creationTimestamp: rfc3339(t0 - 3600_000), ...(o.labels ? { labels: o.labels } : {}) },
  spec: {
    ...(o.selector === null ? {} : { selector: o.selector ?? { app: 'web' } }),
    ports: o.ports ?? [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    clusterIP: o.clusterIP ?? '10.43.0.10',
    ...(o.publish ? { publishNotReadyAddresses: true } : {}),
  },
});

function setup(service: Service | undefined, pods: Pod[], existing?: Endpoints): { b: TestBench; c: EndpointsController } {
  const b = newTestBench();
  if (service) b.seed(resources.services, service);
  b.seed(resources.pods, ...pods);
  if (existing) b.seed(resources.endpoints, existing);
  return { b, c: new EndpointsController(b.ctx) };
}

const ips = (list?: { ip: string }[]) => (list ?? []).map((a) => a.ip);

test('endpoints: subsets from the selected pods', async () => {
  const cases: { name: string; service: Service; pods: Pod[]; want: { ready: string[]; notReady: string[]; ports: string[] }[] }[] = [
    {
      name: 'ready and not-ready pods share a subset; other labels and pods without IPs are left out',
      service: svc(),
      pods: [pod('a', { ip: '10.42.0.2' }), pod('b', { ip: '10.42.0.1', ready: false }), pod('c', { ip: '10.42.0.3', labels: { app: 'db' } }), pod('d', { ip: '' })],
      want: [{ ready: ['10.42.0.2'], notReady: ['10.42.0.1'], ports: ['http/8080/TCP'] }],
    },
    {
      name: 'terminating and finished pods are left out',
      service: svc(),
      pods: [pod('a', { ip: '10.42.0.1' }), pod('gone', { ip: '10.42.0.2', terminating: true }), pod('done', { ip: '10.42.0.3', phase: 'Succeeded' })],
      want: [{ ready: ['10.42.0.1'], notReady: [], ports: ['http/8080/TCP'] }],
    },
    {
      name: 'publishNotReadyAddresses lists every pod as ready, terminating ones too',
      service: svc({ publish: true }),
      pods: [pod('a', { ip: '10.42.0.1', ready: false }), pod('b', { ip: '10.42.0.2', terminating: true })],
      want: [{ ready: ['10.42.0.1', '10.42.0.2'], notReady: [], ports: ['http/8080/TCP'] }],
    },
    {
      name: 'a named targetPort resolves per pod; pods without the port are left out of that port',
      service: svc({ ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }] }),
      pods: [
        pod('a', { ip: '10.42.0.1', ports: [{ name: 'web', containerPort: 8080 }] }),
        pod('b', { ip: '10.42.0.2', ports: [{ name: 'web', containerPort: 9090 }] }),
        pod('c', { ip: '10.42.0.3', ports: [{ name: 'web', containerPort: 8080, protocol: 'UDP' }] }),
      ],
      want: [
        { ready: ['10.42.0.1'], notReady: [], ports: ['http/8080/TCP'] },
        { ready: ['10.42.0.2'], notReady: [], ports: ['http/9090/TCP'] },
      ],
    },
    {
      name: 'several ports form one subset',
      service: svc({ ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' }] }),
      pods: [pod('a', { ip: '10.42.0.1' })],
      want: [{ ready: ['10.42.0.1'], notReady: [], ports: ['dns/53/UDP', 'http/8080/TCP'] }],
    },
    {
      name: 'a headless Service without ports lists addresses alone',
      service: svc({ ports: [], clusterIP: 'None' }),
      pods: [pod('a', { ip: '10.42.0.1' })],
      want: [{ ready: ['10.42.0.1'], notReady: [], ports: [] }],
    },
  ];
  for (const tc of cases) {
    const { b, c } = setup(tc.service, tc.pods);
    await c.reconcile('default/web');
    assert.deepEqual(b.transport.writes(), ['create endpoints default/'], tc.name);
    const ep = b.transport.object<Endpoints>(resources.endpoints, 'default', 'web');
    const got = (ep?.subsets ?? []).map((s) => ({ ready: ips(s.addresses), notReady: ips(s.notReadyAddresses), ports: (s.ports ?? []).map((p) => `${p.name ?? ''}/${p.port}/${p.protocol ?? ''}`) }));
    assert.deepEqual(got, tc.want, tc.name);
  }
});

test('endpoints: addresses carry the pod reference, node and hostname', async () => {
  const { b, c } = setup(svc(), [pod('a', { ip: '10.42.0.1', hostname: 'host-a', subdomain: 'web' }), pod('b', { ip: '10.42.0.2', hostname: 'host-b', subdomain: 'other' })]);
  await c.reconcile('default/web');
  const addrs = b.transport.object<Endpoints>(resources.endpoints, 'default', 'web')?.subsets?.[0]?.addresses;
  assert.deepEqual(addrs, [
    { ip: '10.42.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' }, hostname: 'host-a' },
    { ip: '10.42.0.2', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } },
  ]);
});

test('endpoints: writes only when something changed', async () => {
  const { b, c } = setup(svc({ labels: { team: 'x' } }), [pod('a', { ip: '10.42.0.1' })]);
  await c.reconcile('default/web');
  b.sync(resources.endpoints);
  b.transport.clearActions();
  await c.reconcile('default/web');
  assert.deepEqual(b.transport.writes(), [], 'a second pass is a no-op');
  // A pod becoming ready is a change.
  b.seed(resources.pods, pod('b', { ip: '10.42.0.2', ready: false }));
  await c.reconcile('default/web');
  assert.deepEqual(b.transport.writes(), ['update endpoints default/web']);
  const ep = b.transport.object<Endpoints>(resources.endpoints, 'default', 'web');
  assert.deepEqual(ep?.metadata?.labels, { team: 'x' }, 'labels mirror the Service');
});

test('endpoints: headless label, Services without selectors, deleted Services', async () => {
  {
    const { b, c } = setup(svc({ clusterIP: 'None', labels: { a: 'b' } }), [pod('a')]);
    await c.reconcile('default/web');
    assert.deepEqual(b.transport.object<Endpoints>(resources.endpoints, 'default', 'web')?.metadata?.labels, { a: 'b', 'service.kubernetes.io/headless': '' });
    // Stable: the headless label does not count as a label difference.
    b.sync(resources.endpoints);
    b.transport.clearActions();
    await c.reconcile('default/web');
    assert.deepEqual(b.transport.writes(), []);
  }
  {
    const manual: Endpoints = { metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.168.1.1' }] }] };
    const { b, c } = setup(svc({ selector: null }), [pod('a')], manual);
    await c.reconcile('default/web');
    assert.deepEqual(b.transport.writes(), [], 'a selectorless Service keeps its hand-written Endpoints');
  }
  {
    const { b, c } = setup(undefined, [pod('a')], { metadata: { name: 'web', namespace: 'default' } });
    await c.reconcile('default/web');
    assert.deepEqual(b.transport.writes(), ['delete endpoints default/web']);
    await c.reconcile('default/web');
    assert.equal(b.transport.writes().length, 2, 'already gone is fine');
  }
});

test('endpoints: last-change-trigger-time is the earliest change since the last sync', async () => {
  const { b, c } = setup(svc(), [pod('a', { readyAt: t0 - 5000 })]);
  await c.reconcile('default/web');
  const first = b.transport.object<Endpoints>(resources.endpoints, 'default', 'web');
  assert.equal(first?.metadata?.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'], undefined, 'none on the first sync');
  b.sync(resources.endpoints);
  b.seed(resources.pods, pod('b', { ip: '10.42.0.9', readyAt: t0 + 2000 }), pod('c', { ip: '10.42.0.8', readyAt: t0 + 3000 }));
  await c.reconcile('default/web');
  const next = b.transport.object<Endpoints>(resources.endpoints, 'default', 'web');
  assert.equal(next?.metadata?.annotations?.['endpoints.kubernetes.io/last-change-trigger-time'], '2025-01-01T00:00:02Z');
});

test('endpoints: repack merges equal port sets and prefers ready', () => {
  const ref = (n: string) => ({ kind: 'Pod', name: n, namespace: 'default', uid: n });
  const out = repackSubsets([
    { addresses: [{ ip: '10.0.0.2', targetRef: ref('b') }], ports: [{ port: 80, name: 'a' }] },
    { notReadyAddresses: [{ ip: '10.0.0.2', targetRef: ref('b') }], ports: [{ port: 80, name: 'a' }] },
    { addresses: [{ ip: '10.0.0.10', targetRef: ref('c') }], ports: [{ port: 80, name: 'a' }] },
    { notReadyAddresses: [{ ip: '10.0.0.1', targetRef: ref('a') }], ports: [{ port: 80, name: 'a' }] },
  ]);
  assert.deepEqual(out.map((s) => [ips(s.addresses), ips(s.notReadyAddresses)]), [[['10.0.0.2', '10.0.0.10'], ['10.0.0.1']]]);
});
