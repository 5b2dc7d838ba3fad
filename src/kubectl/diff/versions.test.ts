import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conflict, notFound } from '../../api/errors.js';
import type { RestClient } from '../../client/rest.js';
import type { KubeObject, RestRequest } from '../../client/types.js';
import { LAST_APPLIED } from '../apply/annotation.js';
import type { ResourceMapping } from '../types.js';
import { liveAndMerged, withResourceVersion, type DiffInfo } from './versions.js';

const cmMapping: ResourceMapping = { group: '', version: 'v1', resource: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: [], verbs: [], categories: [], subresources: [] };
const gr = { group: '', resource: 'configmaps' };

function info(data: Record<string, string>): DiffInfo {
  const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data } as KubeObject;
  return { mapping: cmMapping, namespace: 'default', name: 'c', object };
}

/** A client that answers from a script of replies (objects, or errors to throw) and records each request. */
function fakeClient(replies: (KubeObject | Error)[]): { client: RestClient; requests: RestRequest[] } {
  const requests: RestRequest[] = [];
  const client = {
    request: (req: RestRequest) => {
      requests.push(req);
      const r = replies.shift();
      if (r === undefined) return Promise.reject(new Error(`unexpected ${req.method} ${req.path}`));
      return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
    },
  } as unknown as RestClient;
  return { client, requests };
}

const settings = { serverSide: false, fieldManager: 'kubectl-client-side-apply', forceConflicts: false };

function liveCM(data: Record<string, string>, applied: Record<string, string>): KubeObject {
  const config = JSON.stringify({ apiVersion: 'v1', data: applied, kind: 'ConfigMap', metadata: { annotations: {}, name: 'c', namespace: 'default' } });
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', resourceVersion: '7', annotations: { [LAST_APPLIED]: `${config}\n` } }, data } as KubeObject;
}

test('a missing object is created with a dry run, without a last-applied annotation', async () => {
  const merged = { kind: 'ConfigMap' } as KubeObject;
  const { client, requests } = fakeClient([notFound(gr, 'c'), merged]);
  const got = await liveAndMerged(client, info({ a: '1' }), settings);
  assert.equal(got.live, undefined);
  assert.equal(got.merged, merged);
  const post = requests[1];
  assert.equal(post?.method, 'POST');
  assert.equal(post?.path, '/api/v1/namespaces/default/configmaps');
  assert.deepEqual(post?.query, { dryRun: 'All', fieldManager: 'kubectl-client-side-apply' });
  assert.equal(post?.body, '{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"name":"c","namespace":"default"}}');
});

test('an existing object gets the three-way patch with its resourceVersion, as a dry run', async () => {
  const live = liveCM({ a: '1', b: '2' }, { a: '1', b: '2' });
  const { client, requests } = fakeClient([live, { kind: 'ConfigMap' }]);
  await liveAndMerged(client, info({ a: '1' }), settings);
  const patch = requests[1];
  assert.equal(patch?.method, 'PATCH');
  assert.equal(patch?.contentType, 'application/strategic-merge-patch+json');
  assert.deepEqual(patch?.query, { dryRun: 'All', fieldManager: 'kubectl-client-side-apply' });
  assert.equal(patch?.body, '{"data":{"b":null},"metadata":{"resourceVersion":"7"}}');
});

test('an unchanged object is its own merged version (no request)', async () => {
  const live = liveCM({ a: '1' }, { a: '1' });
  const { client, requests } = fakeClient([live]);
  const got = await liveAndMerged(client, info({ a: '1' }), settings);
  assert.equal(got.merged, live);
  assert.equal(requests.length, 1);
});

test('conflicts are retried with a fresh read; the last try goes without the lock', async () => {
  const live = liveCM({ a: '1' }, { a: '1' });
  const replies: (KubeObject | Error)[] = [];
  for (let i = 0; i < 3; i++) replies.push(live, conflict(gr, 'c'));
  replies.push(live, { kind: 'ConfigMap' });
  const { client, requests } = fakeClient(replies);
  let warned = 0;
  await liveAndMerged(client, info({ a: '2' }), { ...settings, onUnlocked: () => warned++ });
  assert.equal(requests.length, 8);
  assert.equal(warned, 1);
  assert.equal(requests[5]?.body, '{"data":{"a":"2"},"metadata":{"resourceVersion":"7"}}');
  assert.equal(requests[7]?.body, '{"data":{"a":"2"}}');
});

test('server-side: an apply patch of the manifest, dry run, with force', async () => {
  const { client, requests } = fakeClient([notFound(gr, 'c'), { kind: 'ConfigMap' }]);
  const got = await liveAndMerged(client, info({ a: '1' }), { serverSide: true, fieldManager: 'kubectl', forceConflicts: true });
  assert.equal(got.live, undefined);
  const apply = requests[1];
  assert.equal(apply?.method, 'PATCH');
  assert.equal(apply?.path, '/api/v1/namespaces/default/configmaps/c');
  assert.equal(apply?.contentType, 'application/apply-patch+yaml');
  assert.deepEqual(apply?.query, { dryRun: 'All', fieldManager: 'kubectl', force: 'true' });
});

test('withResourceVersion adds metadata.resourceVersion, keeping other metadata', () => {
  assert.deepEqual(withResourceVersion({ data: { a: '1' } }, '5'), { data: { a: '1' }, metadata: { resourceVersion: '5' } });
  assert.deepEqual(withResourceVersion({ metadata: { labels: { x: 'y' } } }, '5'), { metadata: { labels: { x: 'y' }, resourceVersion: '5' } });
});
