import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReplicationController } from '../../api/generated/core/v1.js';
import type { RcClient } from './rc-client.js';
import { DESIRED_REPLICAS_ANNOTATION, rollingUpdate, SOURCE_ID_ANNOTATION } from './rolling-updater.js';

/**
 * An in-memory stand-in for the RC calls: scaling takes effect at once; `ready(rc, replicas)`
 * says how many of an RC's pods count as available after each scale.
 */
function fakeCluster(ready: (name: string, replicas: number, calls: number) => number) {
  const rcs = new Map<string, ReplicationController>();
  const log: string[] = [];
  let calls = 0;
  const get = (name: string) => {
    const rc = rcs.get(name);
    if (!rc) throw Object.assign(new Error(`replicationcontrollers "${name}" not found`), { notFound: true });
    return structuredClone(rc);
  };
  const client = {
    namespace: 'default',
    find: (name: string) => Promise.resolve(rcs.has(name) ? get(name) : undefined),
    get: (name: string) => Promise.resolve(get(name)),
    create: (rc: ReplicationController) => {
      const name = rc.metadata?.name ?? '';
      log.push(`create ${name} ${rc.spec?.replicas ?? 1}`);
      rcs.set(name, structuredClone({ ...rc, metadata: { ...rc.metadata, uid: `uid-${name}` } }));
      return Promise.resolve(get(name));
    },
    update: (rc: ReplicationController, change: (r: ReplicationController) => void) => {
      const copy = structuredClone(rc);
      change(copy);
      rcs.set(copy.metadata?.name ?? '', copy);
      return Promise.resolve(structuredClone(copy));
    },
    scaleAndWait: (rc: ReplicationController, replicas: number) => {
      const copy = { ...get(rc.metadata?.name ?? ''), spec: { ...rc.spec, replicas } };
      rcs.set(copy.metadata?.name ?? '', copy);
      log.push(`scale ${copy.metadata?.name ?? ''} ${replicas}`);
      return Promise.resolve(structuredClone(copy));
    },
    waitForReplicas: (rc: ReplicationController) => Promise.resolve(get(rc.metadata?.name ?? '')),
    availablePods: (rc: ReplicationController) => Promise.resolve(ready(rc.metadata?.name ?? '', get(rc.metadata?.name ?? '').spec?.replicas ?? 0, ++calls)),
    delete: (name: string, orphan = false) => {
      log.push(`delete ${name}${orphan ? ' orphan' : ''}`);
      rcs.delete(name);
      return Promise.resolve();
    },
    waitGone: () => Promise.resolve(),
  };
  return { client: client as unknown as RcClient, rcs, log };
}

const rc = (name: string, replicas: number, image: string): ReplicationController => ({
  metadata: { name, uid: `uid-${name}` },
  spec: { replicas, selector: { name: 'web' }, template: { metadata: { labels: { name: 'web' } }, spec: { containers: [{ name: 'web', image }] } } },
});

function output() {
  let text = '';
  return { stream: { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream, text: () => text };
}

test('one pod at a time: up one, down one, then delete the old and rename the new to its name', async () => {
  const { client, rcs, log } = fakeCluster((_name, replicas) => replicas);
  const old = rc('web', 3, 'v1');
  rcs.set('web', old);
  const out = output();
  await rollingUpdate(client, {
    out: out.stream as never,
    oldRc: old,
    newRc: rc('web-h', 3, 'v2'),
    updatePeriodMs: 0,
    intervalMs: 1,
    timeoutMs: 1000,
    cleanup: 'Rename',
    maxUnavailable: 0,
    maxSurge: 1,
  });
  assert.equal(
    out.text(),
    [
      'Created web-h',
      "Scaling up web-h from 0 to 3, scaling down web from 3 to 0 (keep 3 pods available, don't exceed 4 pods)",
      'Scaling web-h up to 1',
      'Scaling web down to 2',
      'Scaling web-h up to 2',
      'Scaling web down to 1',
      'Scaling web-h up to 3',
      'Scaling web down to 0',
      'Update succeeded. Deleting old controller: web',
      'Renaming web-h to web',
      '',
    ].join('\n'),
  );
  assert.deepEqual([...rcs.keys()], ['web']);
  const final = rcs.get('web');
  assert.equal(final?.spec?.template?.spec?.containers[0]?.image, 'v2');
  assert.equal(final?.spec?.replicas, 3);
  // The update's bookkeeping annotations do not survive; the temporary controller went with its pods orphaned.
  assert.equal(final?.metadata?.annotations?.[SOURCE_ID_ANNOTATION], undefined);
  assert.equal(final?.metadata?.annotations?.[DESIRED_REPLICAS_ANNOTATION], undefined);
  assert.ok(log.includes('delete web-h orphan'));
});

test('the old controller shrinks only once new pods are available', async () => {
  // The new controller's pods become available one poll after each scale-up.
  let lastScale = 0;
  const { client, rcs } = fakeCluster((name, replicas, calls) => {
    if (name !== 'web-h') return replicas;
    if (lastScale === 0) lastScale = calls;
    return calls - lastScale >= 1 ? replicas : replicas - 1;
  });
  rcs.set('web', rc('web', 2, 'v1'));
  const out = output();
  await rollingUpdate(client, { out: out.stream as never, oldRc: rc('web', 2, 'v1'), newRc: rc('web-h', 2, 'v2'), updatePeriodMs: 0, intervalMs: 1, timeoutMs: 1000, cleanup: 'Delete', maxUnavailable: 0, maxSurge: 1 });
  const lines = out.text().trim().split('\n');
  // Never more than 3 pods, and never fewer than 2 available: each step down follows a step up.
  assert.deepEqual(lines.slice(2), ['Scaling web-h up to 1', 'Scaling web down to 1', 'Scaling web-h up to 2', 'Scaling web down to 0', 'Update succeeded. Deleting web']);
  assert.deepEqual([...rcs.keys()], ['web-h']);
});

test('a rollout that stops making progress times out', async () => {
  const { client, rcs } = fakeCluster((name, replicas) => (name === 'web-h' ? 0 : replicas));
  rcs.set('web', rc('web', 1, 'v1'));
  const out = output();
  await assert.rejects(
    rollingUpdate(client, { out: out.stream as never, oldRc: rc('web', 1, 'v1'), newRc: rc('web-h', 1, 'v2'), updatePeriodMs: 5, intervalMs: 1, timeoutMs: 30, cleanup: 'Delete', maxUnavailable: 0, maxSurge: 1 }),
    /timed out waiting for any update progress to be made/,
  );
});
