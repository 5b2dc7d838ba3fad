/** Regression tests for bugs a review of the API server found (each failed before its fix). */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { raw, startServer, type Cluster } from './harness.js';

let c: Cluster;
before(async () => {
  c = await startServer();
});
after(async () => {
  await c?.stop();
});

const json = (s: string) => JSON.parse(s) as Record<string, unknown> & { metadata: Record<string, unknown>; spec: Record<string, unknown>; status: Record<string, unknown> };
const post = (path: string, body: unknown, q = '') => raw(c, 'POST', path + q, JSON.stringify(body));
const pods = '/api/v1/namespaces/default/pods';
const pod = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } });

test('pods/binding assigns the node and sets PodScheduled; a second binding is a conflict', async () => {
  assert.equal((await post(pods, pod('bind-me'))).status, 201);
  const b = await post(`${pods}/bind-me/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me' }, target: { kind: 'Node', name: 'node-1' } });
  assert.equal(b.status, 201, b.body);
  const p = json((await raw(c, 'GET', `${pods}/bind-me`)).body);
  assert.equal(p.spec['nodeName'], 'node-1');
  assert.ok((p.status['conditions'] as Array<{ type: string; status: string }>).some((x) => x.type === 'PodScheduled' && x.status === 'True'));
  const again = await post(`${pods}/bind-me/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me' }, target: { kind: 'Node', name: 'node-2' } });
  assert.equal(again.status, 409);
});

test('a status update on a gracefully deleting pod does not delete it', async () => {
  assert.equal((await post(pods, pod('graceful', { nodeName: 'node-1' }))).status, 201);
  const del = await raw(c, 'DELETE', `${pods}/graceful`);
  assert.equal(del.status, 200);
  assert.ok(json(del.body).metadata['deletionTimestamp'], 'deletion is graceful on a scheduled pod');
  const st = await raw(c, 'PATCH', `${pods}/graceful/status`, JSON.stringify({ status: { phase: 'Running' } }), { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(st.status, 200, st.body);
  assert.equal((await raw(c, 'GET', `${pods}/graceful`)).status, 200, 'still there until the kubelet deletes it with grace 0');
  assert.equal((await raw(c, 'DELETE', `${pods}/graceful?gracePeriodSeconds=0`)).status, 200);
  assert.equal((await raw(c, 'GET', `${pods}/graceful`)).status, 404);
});

test('labelling a terminating namespace does not delete it before its finalizers run', async () => {
  assert.equal((await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'term' } })).status, 201);
  assert.equal((await raw(c, 'DELETE', '/api/v1/namespaces/term')).status, 200);
  const l = await raw(c, 'PATCH', '/api/v1/namespaces/term', JSON.stringify({ metadata: { labels: { a: 'b' } } }), { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(l.status, 200, l.body);
  const ns = json((await raw(c, 'GET', '/api/v1/namespaces/term')).body);
  assert.equal(ns.status['phase'], 'Terminating');
  // The namespace controller's finalize with no finalizers left removes it.
  const fin = await raw(c, 'PUT', '/api/v1/namespaces/term/finalize', JSON.stringify({ ...ns, spec: { finalizers: [] } }));
  assert.equal(fin.status, 200, fin.body);
  assert.equal((await raw(c, 'GET', '/api/v1/namespaces/term')).status, 404);
});

test('PUT of an autoscaling/v1 HPA keeps its CPU target (no double conversion)', async () => {
  const path = '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers';
  const hpa = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 40 } };
  assert.equal((await post(path, hpa)).status, 201);
  const put = await raw(c, 'PUT', `${path}/h`, JSON.stringify({ ...hpa, spec: { ...hpa.spec, targetCPUUtilizationPercentage: 50 } }));
  assert.equal(put.status, 200, put.body);
  assert.equal(json((await raw(c, 'GET', `${path}/h`)).body).spec['targetCPUUtilizationPercentage'], 50);
  const v2 = json((await raw(c, 'GET', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/h')).body);
  assert.equal(((v2.spec['metrics'] as Array<{ resource: { target: { averageUtilization: number } } }>)[0])?.resource.target.averageUtilization, 50);
});

test('NodePorts: a dry-run or failed update neither leaks nor frees ports; ExternalName frees the ClusterIP', async () => {
  const svcs = '/api/v1/namespaces/default/services';
  const svc = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });
  const a = json((await post(svcs, svc('np-a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30100 }] }))).body);
  assert.equal((a.spec['ports'] as Array<{ nodePort: number }>)[0]?.nodePort, 30100);
  const merge = { 'Content-Type': 'application/merge-patch+json' };
  assert.equal((await raw(c, 'PATCH', `${svcs}/np-a?dryRun=All`, JSON.stringify({ spec: { type: 'ClusterIP' } }), merge)).status, 200);
  const b = await post(svcs, svc('np-b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30100 }] }));
  assert.equal(b.status, 422, 'the port is still held by np-a after a dry run');
  const c1 = json((await post(svcs, svc('np-c', { type: 'ClusterIP' }))).body);
  assert.equal((await raw(c, 'PATCH', `${svcs}/np-c?dryRun=All`, JSON.stringify({ spec: { type: 'NodePort' } }), merge)).status, 200);
  const d = json((await post(svcs, svc('np-d', { type: 'NodePort' }))).body);
  const e = json((await post(svcs, svc('np-e', { type: 'NodePort' }))).body);
  const pd = (d.spec['ports'] as Array<{ nodePort: number }>)[0]?.nodePort ?? 0;
  const pe = (e.spec['ports'] as Array<{ nodePort: number }>)[0]?.nodePort ?? 0;
  assert.equal(pe, pd + 1, 'the dry run did not consume a port');
  const ip = String(c1.spec['clusterIP']);
  const ext = await raw(c, 'PATCH', `${svcs}/np-c`, JSON.stringify({ spec: { type: 'ExternalName', externalName: 'example.com' } }), merge);
  assert.equal(ext.status, 200, ext.body);
  const reuse = await post(svcs, svc('np-f', { clusterIP: ip }));
  assert.equal(reuse.status, 201, `the ClusterIP is free again: ${reuse.body}`);
});

test('a resourceVersion in a patch is a precondition', async () => {
  const cms = '/api/v1/namespaces/default/configmaps';
  const cm = json((await post(cms, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rvp' } })).body);
  const rv = String(cm.metadata['resourceVersion']);
  const merge = { 'Content-Type': 'application/merge-patch+json' };
  assert.equal((await raw(c, 'PATCH', `${cms}/rvp`, JSON.stringify({ metadata: { resourceVersion: rv, labels: { a: '1' } } }), merge)).status, 200);
  const stale = await raw(c, 'PATCH', `${cms}/rvp`, JSON.stringify({ metadata: { resourceVersion: rv, labels: { a: '2' } } }), merge);
  assert.equal(stale.status, 409);
});

test('a dry-run eviction deletes nothing', async () => {
  assert.equal((await post(pods, pod('evict-me'))).status, 201);
  const ev = await post(`${pods}/evict-me/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'evict-me' } }, '?dryRun=All');
  assert.equal(ev.status, 201, ev.body);
  assert.equal((await raw(c, 'GET', `${pods}/evict-me`)).status, 200);
  assert.equal((await post(`${pods}/evict-me/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'evict-me' } })).status, 201);
  assert.equal((await raw(c, 'GET', `${pods}/evict-me`)).status, 404);
});

test('clients cannot invent metric series, and bad path escapes are 400', async () => {
  await raw(c, 'GET', '/api/v1/x%22%7D%201%0Aevil_metric%7Ba%3D%22');
  const m = (await raw(c, 'GET', '/metrics')).body;
  assert.doesNotMatch(m, /evil_metric/);
  assert.equal((await raw(c, 'GET', '/api/v1/namespaces/%zz/pods')).status, 400);
});
