import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAlreadyExists, isConflict, isGone, isNotFound, statusError, type ApiError } from '../api/errors.js';
import type { ConfigMap } from '../api/generated/core/v1.js';
import { isAbortError, RestClient } from './rest.js';
import { fakeOrSkip, serverFactory, uniqueName, type ServerUnderTest } from './testing/harness.js';
import { makeTestPki } from './testing/certs.js';
import { fakeServerFactory } from './testing/harness.js';

const configmaps = { group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' };
const startServer = serverFactory();

async function withClient(fn: (client: RestClient, sut: ServerUnderTest) => Promise<void>, sut?: ServerUnderTest): Promise<void> {
  const s = sut ?? (await startServer());
  const client = new RestClient({ ...s.config, namespace: s.namespace }, { qps: 0 });
  try {
    await fn(client, s);
  } finally {
    client.close();
    await s.close();
  }
}

const isApi = (pred: (e: unknown) => boolean, message?: RegExp) => (e: unknown) => pred(e) && (!message || message.test((e as ApiError).message));

test('CRUD round trip with resourceVersions and Status errors', () =>
  withClient(async (client, sut) => {
    const cms = client.resource<ConfigMap>(configmaps);
    const name = uniqueName('cm');
    const created = await cms.create({ metadata: { name, labels: { app: 'k8ts-client-test' } }, data: { a: '1' } });
    assert.equal(created.metadata?.namespace, sut.namespace);
    assert.ok(created.metadata?.uid);
    const rv1 = created.metadata?.resourceVersion;
    assert.ok(rv1);
    await assert.rejects(cms.create({ metadata: { name } }), isApi(isAlreadyExists, new RegExp(`configmaps "${name}" already exists`)));

    const got = await cms.get(name);
    assert.deepEqual(got.data, { a: '1' });

    const updated = await cms.update({ ...got, data: { a: '2' } });
    assert.notEqual(updated.metadata?.resourceVersion, rv1);
    // The stale resourceVersion is fenced off with 409 Conflict.
    await assert.rejects(cms.update({ ...got, data: { a: 'stale' } }), isApi(isConflict, /the object has been modified/));

    const merged = await cms.patch(name, { data: { b: 'x' } });
    assert.deepEqual(merged.data, { a: '2', b: 'x' });
    const jsonPatched = await cms.patch(name, [{ op: 'remove', path: '/data/a' }], { type: 'json' });
    assert.deepEqual(jsonPatched.data, { b: 'x' });
    const applied = await cms.patch(name, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { b: 'x', c: 'y' } }, { type: 'apply', fieldManager: 'k8ts-test', force: true });
    assert.equal(applied.data?.['c'], 'y');

    const listed = await cms.list({ namespace: sut.namespace, labelSelector: 'app=k8ts-client-test' });
    assert.ok(listed.items.some((i) => i.metadata?.name === name));
    assert.ok(listed.metadata?.resourceVersion);
    const none = await cms.list({ namespace: sut.namespace, labelSelector: 'app=nothing-has-this' });
    assert.equal(none.items.length, 0);

    await cms.delete(name, { propagationPolicy: 'Background' });
    await assert.rejects(cms.get(name), isApi(isNotFound, new RegExp(`configmaps "${name}" not found`)));
    await assert.rejects(cms.delete(name), isApi(isNotFound));
  }));

test('delete preconditions and deleteCollection by label', () =>
  withClient(async (client, sut) => {
    const cms = client.resource<ConfigMap>(configmaps);
    const label = uniqueName('batch');
    for (const n of ['a', 'b', 'c']) await cms.create({ metadata: { name: `${label}-${n}`, labels: { batch: label } } });
    await assert.rejects(cms.delete(`${label}-a`, { preconditions: { uid: 'not-the-uid' } }), isApi(isConflict, /Precondition failed/));
    await cms.deleteCollection({ namespace: sut.namespace, labelSelector: `batch=${label}` });
    const left = await cms.list({ namespace: sut.namespace, labelSelector: `batch=${label}` });
    assert.equal(left.items.length, 0);
  }));

test('query parameters reach the server as kube-apiserver names them', async (t) => {
  const sut = await fakeOrSkip(t);
  if (!sut) return;
  const fake = sut.fake;
  await withClient(async (client) => {
    const cms = client.resource<ConfigMap>(configmaps);
    await cms.create({ metadata: { name: 'q' } }, { dryRun: true, fieldManager: 'mgr', fieldValidation: 'Strict' });
    await cms.list({ namespace: 'ns1', labelSelector: 'a=b', fieldSelector: 'metadata.name=q', limit: 7, continue: undefined, resourceVersion: '0' });
    await cms.delete('q', { namespace: 'ns1', gracePeriodSeconds: 0, propagationPolicy: 'Foreground' }).catch(() => undefined);
    const [post, list, del] = fake.requests;
    assert.equal(post?.path, '/api/v1/namespaces/default/configmaps');
    assert.equal(post?.query.toString(), 'dryRun=All&fieldManager=mgr&fieldValidation=Strict');
    assert.equal(list?.path, '/api/v1/namespaces/ns1/configmaps');
    assert.equal(list?.query.toString(), 'labelSelector=a%3Db&fieldSelector=metadata.name%3Dq&limit=7&resourceVersion=0');
    assert.equal(del?.method, 'DELETE');
    assert.equal(del?.query.toString(), 'propagationPolicy=Foreground&gracePeriodSeconds=0');
    // dryRun did not persist anything.
    assert.equal(fake.state.bucket({ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true }).size, 0);
  }, sut);
});

test('errors: a Status body keeps its reason, a plain body gets one from the code', async (t) => {
  const sut = await fakeOrSkip(t);
  if (!sut) return;
  const fake = sut.fake;
  await withClient(async (client) => {
    fake.intercept = (r) => (r.path.endsWith('/gone') ? { code: 410, text: 'gone away\n' } : r.path.endsWith('/busy') ? statusError(503, 'ServiceUnavailable', 'try later').status : undefined);
    const cms = client.resource<ConfigMap>(configmaps);
    await assert.rejects(cms.get('gone'), (e: unknown) => isGone(e) && (e).message === 'gone away');
    await assert.rejects(cms.get('busy'), (e: unknown) => (e as ApiError).code === 503 && (e as ApiError).reason === 'ServiceUnavailable' && (e as ApiError).message === 'try later');
    await assert.rejects(client.request({ method: 'GET', path: '/nope' }), (e: unknown) => isNotFound(e));
  }, sut);
});

test('a request that gets no answer times out; an aborted one rejects with AbortError', async (t) => {
  const sut = await fakeOrSkip(t);
  if (!sut) return;
  const fake = sut.fake;
  await withClient(async (client) => {
    fake.intercept = () => 'hang';
    await assert.rejects(client.request({ method: 'GET', path: '/api/v1/namespaces/default/configmaps', timeoutMs: 50 }), (e: unknown) => isAbortError(e) && (e as Error).name === 'TimeoutError');
    const ac = new AbortController();
    const p = client.request({ method: 'GET', path: '/api/v1/namespaces/default/configmaps', signal: ac.signal, timeoutMs: 0 });
    setTimeout(() => ac.abort(), 10);
    await assert.rejects(p, (e: unknown) => isAbortError(e) && (e as Error).name === 'AbortError');
  }, sut);
});

test('https: CA verification, client certificate and bearer token', async (t) => {
  let pki;
  try {
    pki = makeTestPki();
  } catch {
    return t.skip('openssl is not available');
  }
  const sut = await fakeServerFactory({ tls: { key: pki.serverKeyPem, cert: pki.serverCertPem, ca: pki.caPem }, token: 'tok-123' });
  const fake = sut.fake;
  assert.ok(fake);
  const path = '/api/v1/namespaces/default/configmaps';
  try {
    const byToken = new RestClient({ server: fake.url, caPem: pki.caPem, token: 'tok-123' });
    const byCert = new RestClient({ server: fake.url, caPem: pki.caPem, certPem: pki.clientCertPem, keyPem: pki.clientKeyPem });
    const wrongToken = new RestClient({ server: fake.url, caPem: pki.caPem, token: 'nope' });
    const noCa = new RestClient({ server: fake.url, token: 'tok-123' });
    try {
      await byToken.request({ method: 'GET', path });
      await byCert.request({ method: 'GET', path });
      assert.equal(fake.requests[1]?.clientCN, 'test-admin');
      assert.equal(fake.requests[0]?.headers.authorization, 'Bearer tok-123');
      await assert.rejects(wrongToken.request({ method: 'GET', path }), (e: unknown) => (e as ApiError).code === 401);
      await assert.rejects(noCa.request({ method: 'GET', path }), /self-signed|unable to verify|certificate/i);
    } finally {
      for (const c of [byToken, byCert, wrongToken, noCa]) c.close();
    }
  } finally {
    await sut.close();
  }
});

test('plain http never sends the bearer token (as client-go)', async (t) => {
  const sut = await fakeOrSkip(t);
  if (!sut) return;
  const fake = sut.fake;
  const client = new RestClient({ server: fake.url, token: 'secret' });
  try {
    await client.request({ method: 'GET', path: '/version' });
    assert.equal(fake.requests[0]?.headers.authorization, undefined);
  } finally {
    client.close();
    await sut.close();
  }
});
