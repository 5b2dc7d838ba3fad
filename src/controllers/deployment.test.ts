import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment, ReplicaSet } from '../api/generated/apps/v1.js';
import { resources } from '../client/resources.js';
import { computeHash } from './deployment/hash.js';
import { Cluster, deployment } from './deployment/testing.js';

const rev = (rs: ReplicaSet | undefined) => rs?.metadata?.annotations?.['deployment.kubernetes.io/revision'];
const image = (rs: ReplicaSet) => rs.spec?.template?.spec?.containers[0]?.image;
const byImage = (c: Cluster, img: string) => c.replicaSets().find((rs) => image(rs) === img);
const cond = (d: Deployment, type: string) => d.status?.conditions?.find((x) => x.type === type);
const scalingEvents = (c: Cluster) => c.bench.events.filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);

async function rolledOut(spec: Parameters<typeof deployment>[1] = {}): Promise<Cluster> {
  const c = new Cluster();
  c.bench.seed(resources.deployments, deployment('web', spec));
  await c.settle();
  return c;
}

test('a new Deployment gets one ReplicaSet named by its template hash, revision 1, and rolls out', async () => {
  const c = await rolledOut();
  const d = c.deployment();
  const [rs, ...more] = c.replicaSets();
  assert.equal(more.length, 0);
  const hash = computeHash(d.spec?.template);
  assert.equal(rs?.metadata?.name, `web-${hash}`);
  assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(rs?.metadata?.labels?.['pod-template-hash'], hash);
  assert.equal(rs?.spec?.selector.matchLabels?.['pod-template-hash'], hash);
  assert.equal(rs?.spec?.template?.metadata?.labels?.['pod-template-hash'], hash);
  assert.equal(rs?.metadata?.ownerReferences?.[0]?.uid, 'uid-web');
  assert.equal(rev(rs), '1');
  assert.equal(rs?.metadata?.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
  assert.equal(rs?.metadata?.annotations?.['deployment.kubernetes.io/max-replicas'], '4');
  assert.equal(d.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
  assert.equal(c.pods().length, 3);
  assert.ok(c.pods().every((p) => p.metadata?.name?.startsWith(`web-${hash}-`) && p.metadata.labels?.['pod-template-hash'] === hash));
  assert.deepEqual(
    { ...d.status, conditions: undefined },
    { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: undefined },
  );
  assert.equal(cond(d, 'Available')?.reason, 'MinimumReplicasAvailable');
  assert.equal(cond(d, 'Progressing')?.reason, 'NewReplicaSetAvailable');
  assert.equal(cond(d, 'Progressing')?.message, `ReplicaSet "web-${hash}" has successfully progressed.`);
  assert.deepEqual(scalingEvents(c), [`Scaled up replica set web-${hash} to 3`]);
});

test('rolling update: surge and unavailability stay within bounds at every step', async (t) => {
  const cases = [
    { name: 'surge 1, unavailable 0', replicas: 3, maxSurge: 1, maxUnavailable: 0, surge: 1, unavailable: 0 },
    { name: 'surge 0, unavailable 1', replicas: 3, maxSurge: 0, maxUnavailable: 1, surge: 0, unavailable: 1 },
    { name: '25%/25% of 10 (3 up, 2 down)', replicas: 10, maxSurge: '25%', maxUnavailable: '25%', surge: 3, unavailable: 2 },
    { name: '50%/50% of 5', replicas: 5, maxSurge: '50%', maxUnavailable: '50%', surge: 3, unavailable: 2 },
    { name: 'both 0% (unavailable becomes 1)', replicas: 2, maxSurge: '0%', maxUnavailable: '0%', surge: 0, unavailable: 1 },
  ];
  for (const k of cases) {
    await t.test(k.name, async () => {
      const c = await rolledOut({ replicas: k.replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k.maxSurge, maxUnavailable: k.maxUnavailable } } });
      await c.updateSpec('web', (s) => (s.template.spec!.containers[0]!.image = 'nginx:2'));
      const check = () => {
        const total = c.replicaSets().reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
        assert.ok(total <= k.replicas + k.surge, `spec total ${total} > ${k.replicas} + ${k.surge}`);
        const ready = c.pods().filter((p) => p.status?.conditions?.some((x) => x.type === 'Ready')).length;
        assert.ok(ready >= k.replicas - k.unavailable, `ready ${ready} < ${k.replicas} - ${k.unavailable}`);
      };
      await c.settle({ check });
      const v2 = byImage(c, 'nginx:2');
      const v1 = byImage(c, 'nginx:1');
      assert.equal(v2?.spec?.replicas, k.replicas);
      assert.equal(v1?.spec?.replicas, 0);
      assert.equal(rev(v2), '2');
      assert.equal(c.pods().length, k.replicas);
      assert.equal(c.deployment().metadata?.annotations?.['deployment.kubernetes.io/revision'], '2');
      const d = c.deployment();
      assert.equal(d.status?.observedGeneration, d.metadata?.generation);
      assert.equal(cond(d, 'Progressing')?.reason, 'NewReplicaSetAvailable');
    });
  }
});

test('rolling update with surge 1 / unavailable 0 scales in the upstream order', async () => {
  const c = await rolledOut({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
  c.bench.events.length = 0;
  await c.updateSpec('web', (s) => (s.template.spec!.containers[0]!.image = 'nginx:2'));
  await c.settle();
  const n1 = byImage(c, 'nginx:1')?.metadata?.name ?? '';
  const n2 = byImage(c, 'nginx:2')?.metadata?.name ?? '';
  assert.deepEqual(scalingEvents(c), [
    `Scaled up replica set ${n2} to 1`,
    `Scaled down replica set ${n1} to 2 from 3`,
    `Scaled up replica set ${n2} to 2 from 1`,
    `Scaled down replica set ${n1} to 1 from 2`,
    `Scaled up replica set ${n2} to 3 from 2`,
    `Scaled down replica set ${n1} to 0 from 1`,
  ]);
});

test('Recreate: old pods are all gone before the new ReplicaSet exists', async () => {
  const c = await rolledOut({ strategy: { type: 'Recreate' } });
  await c.updateSpec('web', (s) => (s.template.spec!.containers[0]!.image = 'nginx:2'));
  await c.settle({
    check: () => {
      const images = new Set(c.pods().map((p) => p.spec?.containers[0]?.image));
      assert.ok(images.size <= 1, 'never old and new pods at once');
    },
  });
  assert.equal(byImage(c, 'nginx:2')?.spec?.replicas, 3);
  assert.equal(byImage(c, 'nginx:1')?.spec?.replicas, 0);
  assert.equal(c.pods().length, 3);
});

test('pause: no rollout, but scaling applies; resume rolls out; Progressing says so', async () => {
  const c = await rolledOut();
  await c.updateSpec('web', (s) => (s.paused = true));
  await c.step();
  assert.equal(cond(c.deployment(), 'Progressing')?.reason, 'DeploymentPaused');
  assert.equal(cond(c.deployment(), 'Progressing')?.status, 'Unknown');
  await c.updateSpec('web', (s) => {
    s.template.spec!.containers[0]!.image = 'nginx:2';
    s.replicas = 5;
  });
  for (let i = 0; i < 3; i++) {
    await c.step();
    await c.markReady();
  }
  assert.equal(c.replicaSets().length, 1, 'no new ReplicaSet while paused');
  assert.equal(c.replicaSets()[0]?.spec?.replicas, 5, 'scaling still applies');
  assert.equal(c.pods().length, 5);
  await c.updateSpec('web', (s) => (s.paused = false));
  await c.step();
  assert.ok(['DeploymentResumed', 'NewReplicaSetCreated', 'ReplicaSetUpdated'].includes(cond(c.deployment(), 'Progressing')?.reason ?? ''));
  assert.ok(c.bench.transport.actions.some((a) => a.verb === 'update' && a.subresource === 'status' && (a.body as Deployment).status?.conditions?.some((x) => x.reason === 'DeploymentResumed')));
  await c.settle();
  assert.equal(byImage(c, 'nginx:2')?.spec?.replicas, 5);
});

test('rollback: reusing an old template bumps that ReplicaSet to the next revision', async () => {
  const c = await rolledOut();
  await c.updateSpec('web', (s) => (s.template.spec!.containers[0]!.image = 'nginx:2'));
  await c.settle();
  const rsCount = c.replicaSets().length;
  // What `kubectl rollout undo` does: copy revision 1's template (without the hash) into the Deployment.
  await c.updateSpec('web', (s) => (s.template.spec!.containers[0]!.image = 'nginx:1'));
  await c.settle();
  assert.equal(c.replicaSets().length, rsCount, 'no new ReplicaSet');
  const v1 = byImage(c, 'nginx:1');
  assert.equal(rev(v1), '3');
  assert.equal(v1?.metadata?.annotations?.['deployment.kubernetes.io/revision-history'], '1');
  assert.equal(v1?.spec?.replicas, 3);
  assert.equal(c.deployment().metadata?.annotations?.['deployment.kubernetes.io/revision'], '3');
});

test('annotations: copied to the new ReplicaSet (change-cause yes, last-applied no)', async () => {
  const d = deployment('web');
  d.metadata!.annotations = { 'kubernetes.io/change-cause': 'kubectl set image', 'kubectl.kubernetes.io/last-applied-configuration': '{}', team: 'a' };
  const c = new Cluster();
  c.bench.seed(resources.deployments, d);
  await c.settle();
  const a = c.replicaSets()[0]?.metadata?.annotations ?? {};
  assert.equal(a['kubernetes.io/change-cause'], 'kubectl set image');
  assert.equal(a['team'], 'a');
  assert.equal(a['kubectl.kubernetes.io/last-applied-configuration'], undefined);
});

test('revisionHistoryLimit: old zero-replica ReplicaSets beyond the limit are deleted, lowest revision first', async () => {
  const c = await rolledOut({ revisionHistoryLimit: 1 });
  for (const img of ['nginx:2', 'nginx:3', 'nginx:4']) {
    await c.updateSpec('web', (s) => (s.template.spec!.containers[0]!.image = img));
    await c.settle();
    await c.step();
  }
  const images = c.replicaSets().map(image).sort();
  assert.deepEqual(images, ['nginx:3', 'nginx:4']);
});

test('scaling mid-rollout shares the change out proportionally', async () => {
  const c = new Cluster();
  const d = deployment('web', { replicas: 20, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
  const mk = (name: string, img: string, replicas: number, revision: string, ts: string): ReplicaSet => ({
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: ts, labels: { app: 'web' }, annotations: { 'deployment.kubernetes.io/revision': revision, 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '13' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true }] },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: img }] } } },
    status: { replicas },
  });
  d.spec!.template.spec!.containers[0]!.image = 'nginx:2';
  c.bench.seed(resources.replicasets, mk('web-old', 'nginx:1', 8, '1', '2025-01-01T00:00:00Z'), mk('web-new', 'nginx:2', 5, '2', '2025-01-01T00:01:00Z'));
  c.bench.seed(resources.deployments, d);
  await c.dc.reconcile('default/web');
  // 20 + 3 allowed, 13 there: +10, split 8:5 of 23/13 → old 8→14, new 5→9 (rounded), the leftover to the largest.
  const sizes: Record<string, number | undefined> = Object.fromEntries(c.replicaSets().map((rs) => [rs.metadata?.name ?? '', rs.spec?.replicas]));
  assert.equal((sizes['web-old'] ?? 0) + (sizes['web-new'] ?? 0), 23);
  assert.deepEqual(sizes, { 'web-old': 14, 'web-new': 9 });
  assert.ok(c.replicaSets().every((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/desired-replicas'] === '20'));
});

test('progress deadline: a rollout that stalls gets ProgressDeadlineExceeded; a complete one never does', async () => {
  const c = new Cluster();
  c.bench.seed(resources.deployments, deployment('web', { progressDeadlineSeconds: 30 }));
  await c.step();
  assert.equal(cond(c.deployment(), 'Progressing')?.reason, 'NewReplicaSetCreated');
  assert.equal(cond(c.deployment(), 'Available')?.reason, 'MinimumReplicasUnavailable');
  await c.step();
  assert.equal(cond(c.deployment(), 'Progressing')?.reason, 'ReplicaSetUpdated', 'pods were created: progress');
  await c.step();
  assert.ok(c.bench.clock.pending > 0, 'a deadline check is scheduled');
  c.bench.clock.advance(31_000);
  await c.step();
  const p = cond(c.deployment(), 'Progressing');
  assert.equal(p?.reason, 'ProgressDeadlineExceeded');
  assert.equal(p?.status, 'False');
  assert.match(p?.message ?? '', /^ReplicaSet "web-\w+" has timed out progressing\.$/);
  // Pods turn ready: the rollout completes and the condition recovers.
  await c.settle();
  assert.equal(cond(c.deployment(), 'Progressing')?.reason, 'NewReplicaSetAvailable');
  c.bench.clock.advance(60_000);
  await c.step();
  assert.equal(cond(c.deployment(), 'Progressing')?.reason, 'NewReplicaSetAvailable');
});

test('restart mid-rollout: fresh controllers over the same state create no extra ReplicaSets or pods', async (t) => {
  const cases = [
    { name: 'caches current', lagging: false },
    { name: 'caches lag behind the API (new ReplicaSet not seen yet)', lagging: true },
  ];
  for (const k of cases) {
    await t.test(k.name, async () => {
      const c = await rolledOut({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
      await c.updateSpec('web', (s) => (s.template.spec!.containers[0]!.image = 'nginx:2'));
      await c.dc.reconcile('default/web');
      c.deliver();
      c.restart();
      if (k.lagging) c.bench.ctx.informers.informer(resources.replicasets).store.remove(`default/${byImage(c, 'nginx:2')?.metadata?.name ?? ''}`);
      const before = c.bench.transport.writes().filter((w) => w.startsWith('create')).length;
      await c.dc.reconcile('default/web');
      c.deliver();
      await c.dc.reconcile('default/web');
      assert.equal(c.replicaSets().length, 2);
      assert.equal(byImage(c, 'nginx:2')?.spec?.replicas, 1);
      const creates = c.bench.transport.writes().filter((w) => w.startsWith('create'));
      assert.deepEqual(
        creates.slice(before).map((w) => w.split(' ')[1]),
        k.lagging ? ['replicasets'] : [],
        'only the lagging cache tries a create, and AlreadyExists adopts the existing one',
      );
      await c.settle();
      assert.equal(c.pods().length, 3);
      assert.equal(c.replicaSets().length, 2);
    });
  }
});

test('a ReplicaSet name taken by someone else bumps collisionCount and moves to another name', async () => {
  const c = new Cluster();
  const d = deployment('web');
  const taken = `web-${computeHash(d.spec?.template)}`;
  c.bench.seed(resources.replicasets, { metadata: { name: taken, namespace: 'default', uid: 'uid-stranger' }, spec: { replicas: 0, selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } } } } });
  c.bench.seed(resources.deployments, d);
  await assert.rejects(c.dc.reconcile('default/web'), /already exists/);
  assert.equal(c.deployment().status?.collisionCount, 1);
  c.deliver();
  await c.settle();
  const mine = c.replicaSets().find((rs) => rs.metadata?.ownerReferences?.[0]?.uid === 'uid-web');
  assert.equal(mine?.metadata?.name, `web-${computeHash(d.spec?.template, 1)}`);
  assert.notEqual(mine?.metadata?.name, taken);
});

test('orphan ReplicaSets that match are adopted; an empty selector only warns', async () => {
  const c = new Cluster();
  const d = deployment('web');
  c.bench.seed(resources.replicasets, { metadata: { name: 'web-manual', namespace: 'default', uid: 'uid-manual', labels: { app: 'web' } }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: structuredClone(d.spec!.template) } });
  c.bench.seed(resources.deployments, d);
  await c.dc.reconcile('default/web');
  const rs = c.bench.transport.object<ReplicaSet>(resources.replicasets, 'default', 'web-manual');
  assert.equal(rs?.metadata?.ownerReferences?.[0]?.uid, 'uid-web');
  assert.equal(c.replicaSets().length, 1, 'the adopted ReplicaSet has the template: it is the new one');
  const e = new Cluster();
  e.bench.seed(resources.deployments, deployment('all', { selector: {} }));
  await e.dc.reconcile('default/all');
  assert.equal(e.bench.events[0]?.reason, 'SelectingAll');
  assert.equal(e.replicaSets().length, 0);
});
