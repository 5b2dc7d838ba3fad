import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { statusError } from '../../../api/errors.js';
import type { Clock } from '../../../client/clock.js';
import type { RestRequest, Transport } from '../../../client/types.js';
import { deleteOrEvictPods, podsForDeletion, type DrainIO, type DrainOptions } from './evict.js';
import type { DrainPod } from './filters.js';

/** Time jumps to each timer as it is set, so waits cost nothing. */
class InstantClock implements Clock {
  t = 0;
  now(): number {
    return this.t;
  }
  setTimer(ms: number, fn: () => void): () => void {
    this.t += ms;
    queueMicrotask(fn);
    return () => {};
  }
}

type Handler = (req: RestRequest) => unknown;

function harness(handler: Handler) {
  const requests: RestRequest[] = [];
  const client: Transport = {
    namespace: 'default',
    request: <T>(req: RestRequest): Promise<T> => {
      requests.push(req);
      // A handler that throws gives a rejected promise, as a failed request does.
      return new Promise<T>((resolve) => resolve(handler(req) as T));
    },
    stream: () => Promise.reject(new Error('no streams')),
  };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const text = (s: PassThrough) => () => (s.read() as Buffer | null)?.toString() ?? '';
  const clock = new InstantClock();
  const io: DrainIO = { client, stdout, stderr, clock };
  return { io, requests, out: text(stdout), err: text(stderr), clock };
}

const options = (o: Partial<DrainOptions> = {}): DrainOptions => ({
  force: false,
  ignoreDaemonSets: false,
  deleteEmptyDirData: false,
  gracePeriodSeconds: -1,
  timeoutMs: 0,
  podSelector: '',
  chunkSize: 500,
  disableEviction: false,
  skipWaitForDeleteTimeoutSeconds: 0,
  dryRun: 'none',
  ...o,
});

const pod = (name: string, extra: Partial<NonNullable<DrainPod['metadata']>> = {}): DrainPod => ({ kind: 'Pod', apiVersion: 'v1', metadata: { name, namespace: 'default', uid: `uid-${name}`, ...extra } });
const discovery = { resources: [{ name: 'pods' }, { name: 'pods/eviction', kind: 'Eviction', group: 'policy', version: 'v1' }] };
const notFound = (name: string) => statusError(404, 'NotFound', `pods "${name}" not found`);

test('drain: evicts every pod at once and waits until each is gone', async () => {
  const gets = new Map<string, number>();
  const h = harness((req) => {
    if (req.path === '/api/v1') return discovery;
    if (req.method === 'POST') return {};
    const name = req.path.split('/').pop() ?? '';
    const n = (gets.get(name) ?? 0) + 1;
    gets.set(name, n);
    // b stays one poll longer than a.
    if (n >= (name === 'b' ? 2 : 1)) throw notFound(name);
    return pod(name);
  });
  await deleteOrEvictPods(h.io, [pod('a'), pod('b')], options({ gracePeriodSeconds: 0 }));
  assert.equal(h.out(), 'evicting pod default/a\nevicting pod default/b\npod/a evicted\npod/b evicted\n');
  const post = h.requests.find((r) => r.method === 'POST' && r.path.endsWith('/a/eviction'));
  assert.deepEqual(post?.body, { kind: 'Eviction', apiVersion: 'policy/v1', metadata: { name: 'a', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 0 } });
});

test('drain: a disruption budget (429) is retried every 5 s with kubectl\'s message', async () => {
  let posts = 0;
  const h = harness((req) => {
    if (req.path === '/api/v1') return discovery;
    if (req.method === 'POST') {
      if (++posts < 3) throw statusError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.");
      return {};
    }
    throw notFound('a');
  });
  await deleteOrEvictPods(h.io, [pod('a')], options());
  assert.equal(h.out(), 'evicting pod default/a\nevicting pod default/a\nevicting pod default/a\npod/a evicted\n');
  const retry = 'error when evicting pods/"a" -n "default" (will retry after 5s): Cannot evict pod as it would violate the pod\'s disruption budget.\n';
  assert.equal(h.err(), retry + retry);
  assert.equal(h.clock.now(), 10_000);
});

test('drain: --timeout ends the wait with "context deadline exceeded"', async () => {
  const h = harness((req) => (req.path === '/api/v1' ? discovery : req.method === 'POST' ? {} : pod('a')));
  await assert.rejects(deleteOrEvictPods(h.io, [pod('a')], options({ timeoutMs: 3000 })), {
    message: 'error when waiting for pod "a" in namespace "default" to terminate: context deadline exceeded',
  });
  assert.equal(h.clock.now(), 3000);
});

test('drain: a pod replaced by a namesake (new UID) counts as gone', async () => {
  const h = harness((req) => (req.path === '/api/v1' ? discovery : req.method === 'POST' ? {} : pod('a', { uid: 'other' })));
  await deleteOrEvictPods(h.io, [pod('a')], options());
  assert.equal(h.out(), 'evicting pod default/a\npod/a evicted\n');
});

test('drain: an eviction refused for another reason fails that pod', async () => {
  const h = harness((req) => {
    if (req.path === '/api/v1') return discovery;
    if (req.method === 'POST') throw statusError(500, 'InternalError', 'boom');
    throw notFound('x');
  });
  await assert.rejects(deleteOrEvictPods(h.io, [pod('a')], options()), { message: 'error when evicting pods/"a" -n "default": boom' });
});

test('drain: a pod already gone when evicted is not waited for nor printed', async () => {
  const h = harness((req) => {
    if (req.path === '/api/v1') return discovery;
    throw notFound('a');
  });
  await deleteOrEvictPods(h.io, [pod('a')], options());
  assert.equal(h.out(), 'evicting pod default/a\n');
  assert.equal(h.requests.filter((r) => r.method === 'GET').length, 1);
});

test('drain: --disable-eviction (or a server without eviction) deletes, then waits', async () => {
  for (const o of [{ disableEviction: true, discovery }, { disableEviction: false, discovery: { resources: [{ name: 'pods' }] } }]) {
    const deleted = new Set<string>();
    const h = harness((req) => {
      if (req.path === '/api/v1') return o.discovery;
      const name = req.path.split('/').pop() ?? '';
      if (req.method === 'DELETE') return void deleted.add(name);
      if (deleted.has(name)) throw notFound(name);
      return pod(name);
    });
    await deleteOrEvictPods(h.io, [pod('a'), pod('b')], options({ disableEviction: o.disableEviction, gracePeriodSeconds: 5 }));
    assert.equal(h.out(), 'pod/a deleted\npod/b deleted\n');
    assert.deepEqual(h.requests.find((r) => r.method === 'DELETE')?.body, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 5 });
  }
});

test('drain: --skip-wait-for-delete-timeout stops waiting for pods deleted long ago', async () => {
  const h = harness((req) => (req.path === '/api/v1' ? discovery : req.method === 'POST' ? {} : pod('a', { deletionTimestamp: new Date(-60_000).toISOString() })));
  await deleteOrEvictPods(h.io, [pod('a')], options({ skipWaitForDeleteTimeoutSeconds: 30 }));
  assert.equal(h.out(), 'evicting pod default/a\npod "a" has DeletionTimestamp older than 30 seconds, skipping\n');
});

test('drain: --dry-run=server evicts with dryRun and does not wait', async () => {
  const h = harness((req) => (req.path === '/api/v1' ? discovery : {}));
  await deleteOrEvictPods(h.io, [pod('a')], options({ dryRun: 'server' }));
  assert.equal(h.out(), 'evicting pod default/a (server dry run)\n');
  assert.deepEqual((h.requests.find((r) => r.method === 'POST')?.body as { deleteOptions?: unknown }).deleteOptions, { dryRun: ['All'] });
  assert.equal(h.requests.filter((r) => r.method === 'GET' && r.path !== '/api/v1').length, 0);
});

test('drain: the node\'s pods are listed in chunks with the canonical pod selector', async () => {
  const h = harness((req) => {
    const cont = req.query?.['continue'];
    if (cont === undefined) return { metadata: { continue: 'next' }, items: [{ metadata: { name: 'p1', namespace: 'default', ownerReferences: [{ kind: 'ReplicaSet', name: 'r', controller: true }] } }] };
    return { metadata: {}, items: [{ metadata: { name: 'p2', namespace: 'default' } }] };
  });
  const { list, error } = await podsForDeletion(h.io, 'node-1', options({ podSelector: 'b=2,a=1', chunkSize: 1 }));
  assert.deepEqual(list?.pods().map((p) => p.metadata?.name), ['p1']);
  assert.equal((error as Error | undefined)?.message, 'cannot delete cannot delete Pods that declare no controller (use --force to override): default/p2');
  assert.deepEqual(
    h.requests.map((r) => r.query),
    [
      { labelSelector: 'a=1,b=2', fieldSelector: 'spec.nodeName=node-1', limit: 1, continue: undefined },
      { labelSelector: 'a=1,b=2', fieldSelector: 'spec.nodeName=node-1', limit: 1, continue: 'next' },
    ],
  );
});
