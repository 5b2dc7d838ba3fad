// The metrics API through a real API server: a fake kubelet serves /stats/summary, the scraper
// runs every 100 ms, and discovery, get, list, selectors, 404s and Tables are checked over HTTPS.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../../storage/etcd/process.js';
import { openMemoryStore } from '../../storage/memory.js';
import { createLogger } from '../../util/log.js';
import { createCa, issueCert } from '../auth/certs.js';
import { runApiServer } from '../run.js';

const log = createLogger('metrics-api-test', { write: () => true } as unknown as NodeJS.WritableStream);
const ac = new AbortController();
let dir: string;
let api: { url: string; token: string; ca: string };
let running: Promise<void>;
let kubelet: Server;
let scrapes = 0;

const container = (name: string, cum: number, ws: number) => ({
  name,
  startTime: '2026-01-01T00:00:00Z',
  cpu: { time: '2026-01-01T00:00:00Z', usageNanoCores: 1_000_000, usageCoreNanoSeconds: cum },
  memory: { time: '2026-01-01T00:00:00Z', workingSetBytes: ws },
});

function summary() {
  scrapes++;
  const cum = scrapes * 1e9;
  return {
    node: { nodeName: 'n1', startTime: '2026-01-01T00:00:00Z', cpu: { usageNanoCores: 5e8, usageCoreNanoSeconds: cum * 4 }, memory: { workingSetBytes: 1_073_741_824 } },
    pods: [
      { podRef: { name: 'web', namespace: 'default', uid: 'u1' }, startTime: '2026-01-01T00:00:00Z', containers: [container('app', cum, 1_200_128), container('sidecar', cum / 2, 1024)] },
      { podRef: { name: 'db', namespace: 'default', uid: 'u2' }, startTime: '2026-01-01T00:00:00Z', containers: [container('db', cum, 2048)] },
      { podRef: { name: 'job', namespace: 'batch', uid: 'u3' }, startTime: '2026-01-01T00:00:00Z', containers: [container('j', cum, 4096)] },
      // Reported, but no pod by that name exists in the API: never served.
      { podRef: { name: 'ghost', namespace: 'default', uid: 'u4' }, startTime: '2026-01-01T00:00:00Z', containers: [container('g', cum, 4096)] },
    ],
  };
}

function call(method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<{ code: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.url}${path}`, { method, ca: api.ca, headers: { Authorization: `Bearer ${api.token}`, 'Content-Type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body: text, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const json = async (path: string, headers?: Record<string, string>) => {
  const r = await call('GET', path, headers);
  assert.equal(r.code, 200, `${path}: ${r.body}`);
  return JSON.parse(r.body) as Record<string, unknown> & { items: Array<Record<string, unknown> & { metadata: { name: string } }> };
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'k8ts-metrics-api-'));
  const port = await freePort();
  const ready = new Promise<{ url: string; adminToken: string; caPem: string }>((resolve) => {
    running = runApiServer({ store: openMemoryStore(), dataDir: dir, log, securePort: port, metricResolutionMs: 100, onReady: resolve }, ac.signal);
  });
  const info = await ready;
  api = { url: info.url, token: info.adminToken, ca: info.caPem };
  const ca = await createCa('fake-kubelet-ca', 1);
  const serving = await issueCert(ca, { commonName: 'n1', ips: ['127.0.0.1'], usage: 'server', days: 1 });
  kubelet = createServer({ cert: serving.certPem, key: serving.keyPem, ca: api.ca, requestCert: true, rejectUnauthorized: true }, (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/stats/summary') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(summary()));
      return;
    }
    res.writeHead(404).end();
  });
  kubelet.listen(0, '127.0.0.1');
  await once(kubelet, 'listening');
  const kport = (kubelet.address() as AddressInfo).port;
  const node = (name: string, p: number, labels: Record<string, string>) => ({ metadata: { name, labels }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: p } } } });
  for (const n of [node('n1', kport, { zone: 'a' }), node('n2', await freePort(), { zone: 'b' })]) assert.equal((await call('POST', '/api/v1/nodes', {}, n)).code, 201);
  assert.equal((await call('POST', '/api/v1/namespaces', {}, { metadata: { name: 'batch' } })).code, 201);
  const pod = (name: string, labels: Record<string, string>, containers: string[]) => ({ metadata: { name, labels }, spec: { nodeName: 'n1', containers: containers.map((c) => ({ name: c, image: 'busybox' })) } });
  for (const [ns, p] of [
    ['default', pod('web', { app: 'web' }, ['app', 'sidecar'])],
    ['default', pod('db', { app: 'db' }, ['db'])],
    ['default', pod('fresh', { app: 'web' }, ['c'])],
    ['batch', pod('job', { app: 'job' }, ['j'])],
  ] as const) {
    const r = await call('POST', `/api/v1/namespaces/${ns}/pods`, {}, p);
    assert.equal(r.code, 201, r.body);
  }
  // Two scrapes after the pods exist: metrics are there and come from counters.
  const floor = scrapes;
  while (scrapes < floor + 2) await new Promise((r) => setTimeout(r, 20));
});

after(async () => {
  ac.abort();
  await running;
  kubelet.closeAllConnections();
  await new Promise((r) => kubelet.close(r));
  rmSync(dir, { recursive: true, force: true });
});

test('discovery lists metrics.k8s.io/v1beta1: legacy, per group-version and aggregated', async () => {
  const groups = (await json('/apis')) as unknown as { groups: Array<{ name: string; preferredVersion: { groupVersion: string } }> };
  assert.equal(groups.groups.find((g) => g.name === 'metrics.k8s.io')?.preferredVersion.groupVersion, 'metrics.k8s.io/v1beta1');
  const group = (await json('/apis/metrics.k8s.io')) as unknown as { kind: string; versions: unknown[] };
  assert.equal(group.kind, 'APIGroup');
  const list = (await json('/apis/metrics.k8s.io/v1beta1')) as unknown as { resources: unknown[] };
  assert.deepEqual(list.resources, [
    { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
  ]);
  const agg = (await json('/apis', { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' })) as unknown as {
    items: Array<{ metadata: { name: string }; versions: Array<{ version: string; resources: Array<Record<string, unknown>> }> }>;
  };
  const m = agg.items.find((g) => g.metadata.name === 'metrics.k8s.io');
  assert.equal(m?.versions[0]?.version, 'v1beta1');
  assert.deepEqual(m?.versions[0]?.resources, [
    { resource: 'nodes', responseKind: { group: 'metrics.k8s.io', version: 'v1beta1', kind: 'NodeMetrics' }, scope: 'Cluster', singularResource: '', verbs: ['get', 'list'] },
    { resource: 'pods', responseKind: { group: 'metrics.k8s.io', version: 'v1beta1', kind: 'PodMetrics' }, scope: 'Namespaced', singularResource: '', verbs: ['get', 'list'] },
  ]);
  const root = (await json('/openapi/v3')) as unknown as { paths: Record<string, unknown> };
  assert.ok(root.paths['apis/apps/v1'], 'OpenAPI still lists the stored groups');
});

test('node metrics: reachable nodes only, labels and selectors, metrics-server shapes', async () => {
  const list = await json('/apis/metrics.k8s.io/v1beta1/nodes');
  assert.equal(list['kind'], 'NodeMetricsList');
  assert.equal(list['apiVersion'], 'metrics.k8s.io/v1beta1');
  assert.deepEqual(list.items.map((i) => i.metadata.name), ['n1'], 'n2 cannot be scraped');
  const n1 = list.items[0]!;
  assert.deepEqual(Object.keys(n1), ['metadata', 'timestamp', 'window', 'usage']);
  assert.deepEqual((n1['metadata'] as { labels?: unknown }).labels, { zone: 'a' });
  const usage = n1['usage'] as { cpu: string; memory: string };
  assert.match(usage.cpu, /^\d+(n|u|m)?$/);
  assert.equal(usage.memory, '1Gi');
  assert.match(String(n1['window']), /^[\d.]+m?s$/);
  assert.deepEqual((await json('/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=zone%3Db')).items, []);
  const one = await json('/apis/metrics.k8s.io/v1beta1/nodes/n1');
  assert.equal(one['kind'], 'NodeMetrics');
  assert.equal(one['apiVersion'], 'metrics.k8s.io/v1beta1');
});

test('pod metrics: per namespace or all, label and field selectors, containers by name', async () => {
  const all = await json('/apis/metrics.k8s.io/v1beta1/pods');
  assert.deepEqual(all.items.map((i) => `${(i.metadata as { namespace?: string }).namespace ?? ''}/${i.metadata.name}`), ['batch/job', 'default/db', 'default/web'], 'no sample for fresh; ghost is no pod');
  const web = await json('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dweb');
  assert.deepEqual(web.items.map((i) => i.metadata.name), ['web']);
  const containers = web.items[0]!['containers'] as Array<{ name: string; usage: { cpu: string; memory: string } }>;
  assert.deepEqual(containers.map((c) => [c.name, c.usage.memory]), [
    ['app', '1172Ki'],
    ['sidecar', '1Ki'],
  ]);
  const byField = await json('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?fieldSelector=metadata.name%3Ddb');
  assert.deepEqual(byField.items.map((i) => i.metadata.name), ['db']);
  const one = await json('/apis/metrics.k8s.io/v1beta1/namespaces/batch/pods/job');
  assert.equal(one['kind'], 'PodMetrics');
  assert.deepEqual(Object.keys(one['metadata'] ?? {}), ['name', 'namespace', 'creationTimestamp', 'labels']);
});

test('errors are worded as metrics-server words them; the API is read-only', async () => {
  const cases: Array<[string, string, number, string]> = [
    ['GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/fresh', 404, 'podmetrics.metrics.k8s.io "default/fresh" not found'],
    ['GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope', 404, 'pods "nope" not found'],
    ['GET', '/apis/metrics.k8s.io/v1beta1/nodes/n2', 404, 'nodemetrics.metrics.k8s.io "n2" not found'],
    ['GET', '/apis/metrics.k8s.io/v1beta1/nodes/nope', 404, 'node "nope" not found'],
    ['GET', '/apis/metrics.k8s.io/v1beta1/pods?watch=true', 405, ''],
    ['POST', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods', 405, ''],
    ['DELETE', '/apis/metrics.k8s.io/v1beta1/nodes/n1', 405, ''],
  ];
  for (const [method, path, code, message] of cases) {
    const r = await call(method, path, {}, method === 'POST' ? { metadata: { name: 'x' } } : undefined);
    assert.equal(r.code, code, `${method} ${path}: ${r.body}`);
    if (message) assert.equal((JSON.parse(r.body) as { message: string }).message, message);
  }
});

test('Tables: Name, cpu, memory, Window (container usage summed per pod)', async () => {
  const accept = { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' };
  const t = (await json('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dweb', accept)) as unknown as { kind: string; columnDefinitions: Array<{ name: string }>; rows: Array<{ cells: string[]; object: { kind: string } }> };
  assert.equal(t.kind, 'Table');
  assert.deepEqual(t.columnDefinitions.map((c) => c.name), ['Name', 'cpu', 'memory', 'Window']);
  assert.equal(t.rows[0]?.cells[0], 'web');
  assert.equal(t.rows[0]?.cells[2], '1173Ki');
  assert.equal(t.rows[0]?.object.kind, 'PartialObjectMetadata');
});
