import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from '../api/generated/core/v1.js';
import { notFound } from '../api/errors.js';
import { rfc3339 } from '../api/time.js';
import { resources } from '../client/resources.js';
import { newTestBench } from './testing.js';
import { PodGcController, QUARANTINE_MS } from './podgc.js';

const t0 = Date.UTC(2025, 0, 1);
const pod = (name: string, o: { node?: string; phase?: string; reason?: string; createdAt?: number; terminating?: boolean } = {}): Pod => ({
  metadata: { name, namespace: 'default', creationTimestamp: rfc3339(o.createdAt ?? t0), ...(o.terminating ? { deletionTimestamp: rfc3339(t0), deletionGracePeriodSeconds: 30 } : {}) },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...(o.node ? { nodeName: o.node } : {}) },
  status: { phase: o.phase ?? 'Running', ...(o.reason ? { reason: o.reason } : {}) },
});
const node = (name: string, o: { ready?: string; outOfService?: boolean } = {}): Node => ({
  metadata: { name },
  spec: o.outOfService ? { taints: [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }] } : {},
  status: { conditions: [{ type: 'Ready', status: o.ready ?? 'True' }] },
});

test('podgc deletes what upstream deletes, force and only that', async () => {
  const cases: {
    name: string;
    threshold?: number;
    nodes: Node[];
    pods: Pod[];
    /** ms between two passes (orphans need the quarantine) */
    wait?: number;
    deleted: string[];
  }[] = [
    {
      name: 'terminated beyond the threshold: evicted first, then oldest',
      threshold: 2,
      nodes: [node('n1')],
      pods: [
        pod('old', { node: 'n1', phase: 'Succeeded', createdAt: t0 - 3_000 }),
        pod('older', { node: 'n1', phase: 'Failed', createdAt: t0 - 4_000 }),
        pod('new', { node: 'n1', phase: 'Failed', createdAt: t0 - 1_000 }),
        pod('evicted', { node: 'n1', phase: 'Failed', reason: 'Evicted', createdAt: t0 - 500 }),
        pod('running', { node: 'n1', createdAt: t0 - 9_000 }),
      ],
      deleted: ['evicted', 'older'],
    },
    { name: 'terminated within the threshold', threshold: 5, nodes: [node('n1')], pods: [pod('a', { node: 'n1', phase: 'Succeeded' }), pod('b', { node: 'n1', phase: 'Failed' })], deleted: [] },
    { name: 'orphans go after the quarantine', nodes: [node('n1')], pods: [pod('orphan', { node: 'gone' }), pod('fine', { node: 'n1' }), pod('pending')], wait: QUARANTINE_MS, deleted: ['orphan'] },
    { name: 'orphans stay during the quarantine', nodes: [], pods: [pod('orphan', { node: 'gone' })], wait: QUARANTINE_MS - 1, deleted: [] },
    { name: 'unscheduled terminating pods', nodes: [node('n1')], pods: [pod('stuck', { terminating: true }), pod('pending'), pod('bound', { node: 'n1', terminating: true })], deleted: ['stuck'] },
    {
      name: 'terminating on an out-of-service, not-ready node',
      nodes: [node('down', { ready: 'False', outOfService: true }), node('tainted-but-ready', { outOfService: true }), node('plain-down', { ready: 'Unknown' })],
      pods: [pod('a', { node: 'down', terminating: true }), pod('b', { node: 'tainted-but-ready', terminating: true }), pod('c', { node: 'plain-down', terminating: true }), pod('d', { node: 'down' })],
      deleted: ['a'],
    },
  ];
  for (const c of cases) {
    const b = newTestBench({ terminatedPodGcThreshold: c.threshold ?? 12_500 });
    b.seed(resources.nodes, ...c.nodes);
    b.seed(resources.pods, ...c.pods);
    const gc = new PodGcController(b.ctx);
    await gc.gc();
    if (c.wait !== undefined) {
      b.clock.advance(c.wait);
      await gc.gc();
    }
    const deletes = b.transport.actions.filter((a) => a.verb === 'delete');
    assert.deepEqual(deletes.map((a) => a.name).sort(), [...c.deleted].sort(), c.name);
    for (const d of deletes) assert.equal(d.query.get('gracePeriodSeconds'), '0', `${c.name}: force delete`);
  }
});

test('podgc marks an orphan Failed with DisruptionTarget before deleting it, after a live check of the node', async () => {
  const b = newTestBench();
  b.seed(resources.pods, pod('orphan', { node: 'gone' }), pod('late', { node: 'new-node' }));
  // new-node exists in the API but the cache has not seen it yet.
  b.transport.seed(resources.nodes, node('new-node'));
  const gc = new PodGcController(b.ctx);
  let status: Pod['status'];
  b.transport.prependReactor((a) => {
    if (a.verb === 'update' && a.subresource === 'status' && a.name === 'orphan') status = (a.body as Pod).status;
    return undefined;
  });
  await gc.gc();
  b.clock.advance(QUARANTINE_MS);
  await gc.gc();
  assert.deepEqual(b.transport.writes(), ['update pods/status default/orphan', 'delete pods default/orphan']);
  assert.equal(status?.phase, 'Failed');
  const cond = status?.conditions?.find((x) => x.type === 'DisruptionTarget');
  assert.deepEqual([cond?.status, cond?.reason, cond?.message], ['True', 'DeletionByPodGC', 'PodGC: node no longer exists']);
  assert.ok(b.transport.actions.some((a) => a.verb === 'get' && a.resource === 'nodes' && a.name === 'new-node'));
});

test('podgc leaves a terminal pod\'s status alone and ignores pods already gone', async () => {
  const b = newTestBench({ terminatedPodGcThreshold: 1 });
  b.seed(resources.pods, pod('a', { phase: 'Succeeded', createdAt: t0 - 2 }), pod('b', { phase: 'Succeeded', createdAt: t0 - 1 }));
  b.transport.prependReactor((a) => {
    if (a.verb === 'delete') throw notFound({ group: '', resource: 'pods' }, a.name ?? '');
    return undefined;
  });
  const gc = new PodGcController(b.ctx);
  await gc.gc(); // the NotFound is not an error
  assert.deepEqual(b.transport.writes(), ['delete pods default/a']);
});
