/**
 * Bad input is refused with the right Status and code, the server keeps serving, and the official
 * Python client (Debian's python3-kubernetes 22.6) and our client library work against the server.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { hasPythonClient, python, raw, REPO, startServer, type Cluster } from './harness.js';

let c: Cluster;
before(async () => {
  c = await startServer();
});
after(async () => {
  await c?.stop();
});

const status = (body: string) => JSON.parse(body) as { kind: string; reason: string; code: number; message: string; details?: { causes?: Array<{ field?: string; reason?: string }> } };

test('malformed bodies, alias bombs, oversized bodies and unknown kinds get Kubernetes Status errors', async () => {
  const cms = '/api/v1/namespaces/default/configmaps';
  const cases: Array<{ what: string; method: string; path: string; body?: Buffer | string; headers?: Record<string, string>; code: number; reason: string }> = [
    { what: 'malformed JSON', method: 'POST', path: cms, body: '{"kind": "ConfigMap",', code: 400, reason: 'BadRequest' },
    { what: 'a JSON array', method: 'POST', path: cms, body: '[1,2]', code: 400, reason: 'BadRequest' },
    { what: 'malformed YAML', method: 'POST', path: cms, body: 'metadata: [unclosed', headers: { 'Content-Type': 'application/yaml' }, code: 400, reason: 'BadRequest' },
    {
      what: 'a YAML alias bomb',
      method: 'POST',
      path: cms,
      headers: { 'Content-Type': 'application/yaml' },
      body: ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill('*' + 'abcdefghi'[i]).join(',')}]`), 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb}'].join('\n'),
      code: 400,
      reason: 'BadRequest',
    },
    { what: 'garbage protobuf', method: 'POST', path: cms, body: Buffer.from([0x6b, 0x38, 0x73, 0x00, 0xff, 0xff, 0xff]), headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' }, code: 400, reason: 'BadRequest' },
    { what: 'an unknown content type', method: 'POST', path: cms, body: 'x', headers: { 'Content-Type': 'application/x-bogus' }, code: 415, reason: 'UnsupportedMediaType' },
    { what: 'a body over 3 MiB', method: 'POST', path: cms, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'y'.repeat(4 * 1024 * 1024) } }), code: 413, reason: 'RequestEntityTooLarge' },
    { what: 'an unknown resource', method: 'GET', path: '/api/v1/namespaces/default/foos', code: 404, reason: 'NotFound' },
    { what: 'an unknown group', method: 'GET', path: '/apis/nope.example.com/v1/things', code: 404, reason: 'NotFound' },
    { what: 'a kind that does not match the URL', method: 'POST', path: cms, body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }), code: 400, reason: 'BadRequest' },
    { what: 'a non-DNS name', method: 'POST', path: cms, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_OK' } }), code: 422, reason: 'Invalid' },
    { what: 'an unknown field under Strict', method: 'POST', path: `${cms}?fieldValidation=Strict`, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'strict' }, dta: {} }), code: 400, reason: 'BadRequest' },
    { what: 'a missing namespace', method: 'POST', path: '/api/v1/namespaces/absent/configmaps', body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }), code: 404, reason: 'NotFound' },
  ];
  for (const k of cases) {
    const t0 = Date.now();
    const r = await raw(c, k.method, k.path, k.body, k.headers);
    assert.equal(r.status, k.code, `${k.what}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
    const s = status(r.body);
    assert.equal(s.kind, 'Status', k.what);
    assert.equal(s.reason, k.reason, `${k.what}: ${s.message}`);
    assert.ok(Date.now() - t0 < 20_000, `${k.what} was answered`);
  }
  const invalid = status((await raw(c, 'POST', cms, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_OK' } }))).body);
  assert.equal(invalid.details?.causes?.[0]?.field, 'metadata.name');
  assert.equal(invalid.details?.causes?.[0]?.reason, 'FieldValueInvalid');
  const warn = await raw(c, 'POST', cms, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'warned' }, dta: {} }));
  assert.equal(warn.status, 201, 'fieldValidation defaults to Warn');
  assert.match(String(warn.headers['warning']), /unknown field \\"dta\\"/);
  // Still serving, and nothing bad was stored.
  assert.equal((await raw(c, 'GET', '/readyz')).body, 'ok');
  const names = (JSON.parse((await raw(c, 'GET', cms)).body) as { items: Array<{ metadata: { name: string } }> }).items.map((i) => i.metadata.name);
  assert.deepEqual(names, ['warned']);
});

test('duplicate fields: 400 under Strict, a Warning under Warn', async () => {
  const path = '/api/v1/namespaces/default/configmaps';
  const body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dup","name":"dup"},"data":{"a":"1"}}';
  const strict = await raw(c, 'POST', `${path}?fieldValidation=Strict`, body);
  assert.equal(strict.status, 400);
  assert.match(status(strict.body).message, /duplicate field "metadata\.name"/);
  const warned = await raw(c, 'POST', path, body);
  assert.equal(warned.status, 201);
  assert.match(String(warned.headers['warning']), /duplicate field \\"metadata\.name\\"/);
});

test('core v1 and events.k8s.io/v1 Events are one object seen two ways', async () => {
  const core = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'ev-core' }, involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' }, reason: 'Started', message: 'Started container', type: 'Normal', source: { component: 'kubelet', host: 'node1' }, count: 2 };
  assert.equal((await raw(c, 'POST', '/api/v1/namespaces/default/events', JSON.stringify(core))).status, 201);
  const v1 = JSON.parse((await raw(c, 'GET', '/apis/events.k8s.io/v1/namespaces/default/events/ev-core')).body) as Record<string, unknown>;
  assert.equal(v1['note'], 'Started container');
  assert.equal((v1['regarding'] as { name: string }).name, 'web');
  assert.equal(v1['reportingController'], 'kubelet');
  assert.equal(v1['deprecatedCount'], 2);
  const modern = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'ev-new' }, eventTime: '2026-01-01T00:00:00.000000Z', regarding: { kind: 'Pod', name: 'web', namespace: 'default' }, reason: 'Scheduled', note: 'assigned', type: 'Normal', action: 'Binding', reportingController: 'default-scheduler', reportingInstance: 'sched-1' };
  assert.equal((await raw(c, 'POST', '/apis/events.k8s.io/v1/namespaces/default/events', JSON.stringify(modern))).status, 201);
  const asCore = JSON.parse((await raw(c, 'GET', '/api/v1/namespaces/default/events/ev-new')).body) as Record<string, unknown>;
  assert.equal(asCore['message'], 'assigned');
  assert.equal((asCore['involvedObject'] as { name: string }).name, 'web');
  const list = JSON.parse((await raw(c, 'GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb')).body) as { items: unknown[] };
  assert.equal(list.items.length, 2);
});

test('conflicts: a stale resourceVersion gets 409 Conflict, a duplicate create 409 AlreadyExists', async () => {
  const path = '/api/v1/namespaces/default/configmaps';
  const created = JSON.parse((await raw(c, 'POST', path, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cas' }, data: { v: '1' } }))).body) as { metadata: { resourceVersion: string } };
  const put = (rv: string, v: string) => raw(c, 'PUT', `${path}/cas`, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cas', resourceVersion: rv }, data: { v } }));
  assert.equal((await put(created.metadata.resourceVersion, '2')).status, 200);
  const stale = await put(created.metadata.resourceVersion, '3');
  assert.equal(stale.status, 409);
  assert.equal(status(stale.body).reason, 'Conflict');
  const dup = await raw(c, 'POST', path, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cas' } }));
  assert.equal(status(dup.body).reason, 'AlreadyExists');
});

test('list paging: limit and continue walk one consistent snapshot', async () => {
  const path = '/api/v1/namespaces/default/configmaps';
  for (let i = 0; i < 7; i++) await raw(c, 'POST', path, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `page-${i}` } }));
  const first = JSON.parse((await raw(c, 'GET', `${path}?limit=3&labelSelector=`)).body) as { items: unknown[]; metadata: { continue?: string; remainingItemCount?: number; resourceVersion: string } };
  assert.equal(first.items.length, 3);
  assert.ok(first.metadata.continue);
  await raw(c, 'POST', path, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'page-late' } }));
  let names: string[] = (first.items as Array<{ metadata: { name: string } }>).map((i) => i.metadata.name);
  let token: string | undefined = first.metadata.continue;
  while (token) {
    const page = JSON.parse((await raw(c, 'GET', `${path}?limit=3&continue=${encodeURIComponent(token)}`)).body) as { items: Array<{ metadata: { name: string } }>; metadata: { continue?: string; resourceVersion: string } };
    assert.equal(page.metadata.resourceVersion, first.metadata.resourceVersion);
    names = names.concat(page.items.map((i) => i.metadata.name));
    token = page.metadata.continue;
  }
  assert.ok(!names.includes('page-late'), 'a later write is not in the snapshot');
  assert.equal(new Set(names).size, names.length);
  assert.equal(names.filter((n) => n.startsWith('page-')).length, 7);
});

test('the official Python client: list, create, patch, watch, delete', { skip: !hasPythonClient() && 'python3-kubernetes is not installed' }, () => {
  const r = python(
    c,
    `
import sys
from kubernetes import client, config, watch
config.load_kube_config(sys.argv[1])
v1 = client.CoreV1Api(); apps = client.AppsV1Api()
assert client.VersionApi().get_code().minor == "32"
assert "kube-system" in [n.metadata.name for n in v1.list_namespace().items]
v1.create_namespaced_config_map("default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py"), data={"a": "1"}))
v1.patch_namespaced_config_map("py", "default", {"data": {"b": "2"}})
assert v1.read_namespaced_config_map("py", "default").data == {"a": "1", "b": "2"}
dep = client.V1Deployment(metadata=client.V1ObjectMeta(name="pydep"), spec=client.V1DeploymentSpec(replicas=1,
  selector=client.V1LabelSelector(match_labels={"app": "py"}),
  template=client.V1PodTemplateSpec(metadata=client.V1ObjectMeta(labels={"app": "py"}), spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="nginx")]))))
apps.create_namespaced_deployment("default", dep)
assert apps.read_namespaced_deployment("pydep", "default").spec.strategy.type == "RollingUpdate"
v1.create_namespaced_pod("default", client.V1Pod(metadata=client.V1ObjectMeta(name="pypod"), spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="busybox")])))
assert [p.status.phase for p in v1.list_namespaced_pod("default").items] == ["Pending"]
seen = [(e["type"], e["object"].metadata.name) for e in watch.Watch().stream(v1.list_namespaced_config_map, "default", timeout_seconds=1)]
assert ("ADDED", "py") in seen, seen
v1.delete_namespaced_pod("pypod", "default"); apps.delete_namespaced_deployment("pydep", "default"); v1.delete_namespaced_config_map("py", "default")
print("python ok")
`,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /python ok/);
});

test('the client library suite passes against the real API server', () => {
  const dir = join(REPO, 'dist', 'src', 'client');
  const files = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => join(dir, f));
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...files], { encoding: 'utf8', env: { ...childEnv(), K8TS_CLIENT_TEST_KUBECONFIG: c.kubeconfig }, timeout: 120_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^# pass [1-9]\d*$/m, `the suite ran tests against the server: ${r.stdout.slice(-400)}`);
});

/** The environment without NODE_TEST_CONTEXT, which would make a nested runner report to ours instead of printing. */
function childEnv(): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _ctx, ...rest } = process.env;
  return rest;
}
