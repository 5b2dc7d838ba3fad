// The ServiceAccount admission plugin's token mount, through the REST layer over a memory store.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openMemoryStore } from '../storage/memory.js';
import { createLogger } from '../util/log.js';
import { ClusterAdmission, TOKEN_MOUNT_PATH } from './admission.js';
import { CacheSet } from './cache/cache-set.js';
import { registerConverters } from './conversion.js';
import { hooksFor } from './hooks.js';
import type { KubeObject, StoredObject } from './object.js';
import { Registry } from './registry.js';
import { RestHandler } from './rest/handler.js';

const log = createLogger('admission-test', { write: () => true } as unknown as NodeJS.WritableStream);

type Container = { name: string; image: string; volumeMounts?: Array<Record<string, unknown>> };
type PodSpec = { containers: Container[]; initContainers?: Container[]; volumes?: Array<Record<string, unknown>>; automountServiceAccountToken?: boolean; serviceAccountName?: string };

test('pods get the kube-api-access volume and mount unless opted out or their account is missing', async (t) => {
  const ac = new AbortController();
  const store = openMemoryStore();
  const registry = new Registry();
  registerConverters(registry);
  const caches = new CacheSet(store, log);
  const admission = new ClusterAdmission(registry, caches, '10.43.0.0/16');
  const following = await caches.start(registry.stored().map((r) => r.prefix), ac.signal);
  t.after(async () => {
    ac.abort();
    await following.done;
  });
  const rest = new RestHandler({ registry, store, caches, admission, hooksFor, log });
  const storeOf = (plural: string) => {
    const r = registry.lookup('', 'v1', plural);
    assert.ok(r);
    return rest.storeFor(r);
  };
  const create = async (plural: string, obj: KubeObject): Promise<StoredObject> => {
    const out = await storeOf(plural).create(obj.metadata?.namespace ?? '', obj);
    await caches.waitFor(await store.currentRevision());
    return out;
  };
  const pod = async (name: string, spec: Partial<PodSpec>, annotations?: Record<string, string>) =>
    (await create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } }))['spec'] as PodSpec;

  await create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  const before = await pod('early', {});
  assert.equal(before.volumes, undefined, 'no account yet: admitted without a token');

  await create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' } });
  await create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'quiet', namespace: 'default' }, automountServiceAccountToken: false });

  const spec = await pod('web', { initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'busybox', volumeMounts: [{ name: 'own', mountPath: TOKEN_MOUNT_PATH }] }], volumes: [{ name: 'own', emptyDir: {} }] });
  const vol = spec.volumes?.[1];
  assert.match(String(vol?.['name']), /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.deepEqual(vol?.['projected'], {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  });
  const mount = { name: vol?.['name'], readOnly: true, mountPath: TOKEN_MOUNT_PATH };
  assert.deepEqual(spec.initContainers?.[0]?.volumeMounts, [mount]);
  assert.deepEqual(spec.containers[0]?.volumeMounts, [mount]);
  assert.deepEqual(spec.containers[1]?.volumeMounts, [{ name: 'own', mountPath: TOKEN_MOUNT_PATH }], 'a container with its own mount there keeps it');

  assert.equal((await pod('off', { automountServiceAccountToken: false })).volumes, undefined, 'the pod opts out');
  assert.equal((await pod('quiet', { serviceAccountName: 'quiet' })).volumes, undefined, 'the account opts out');
  assert.equal((await pod('quiet-on', { serviceAccountName: 'quiet', automountServiceAccountToken: true })).volumes?.length, 1, "the pod's choice wins");
  assert.equal((await pod('mirror', { nodeName: 'n1' } as Partial<PodSpec>, { 'kubernetes.io/config.mirror': 'x' })).volumes, undefined, 'mirror pods are left alone');
  const reuse = await pod('reuse', { containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'kube-api-access-abcde', emptyDir: {} }] });
  assert.deepEqual(reuse.volumes, [{ name: 'kube-api-access-abcde', emptyDir: {} }]);
  assert.deepEqual(reuse.containers[0]?.volumeMounts, [{ name: 'kube-api-access-abcde', readOnly: true, mountPath: TOKEN_MOUNT_PATH }]);
});
