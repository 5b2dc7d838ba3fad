import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusError } from '../../../api/errors.js';
import { filterPods, type DrainPod, type FilterOptions } from './filters.js';

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);

function pod(name: string, o: { owner?: string; emptyDir?: boolean; phase?: string; mirror?: boolean; deletedSecondsAgo?: number } = {}): DrainPod {
  return {
    metadata: {
      name,
      namespace: 'default',
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: o.owner, name: `${name}-owner`, uid: 'u', controller: true }] } : {}),
      ...(o.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'x' } } : {}),
      ...(o.deletedSecondsAgo !== undefined ? { deletionTimestamp: new Date(NOW - o.deletedSecondsAgo * 1000).toISOString() } : {}),
    },
    spec: o.emptyDir ? { volumes: [{ emptyDir: {} }] } : {},
    status: { phase: o.phase ?? 'Running' },
  };
}

const options = (o: Partial<FilterOptions> = {}, missingDaemonSets: string[] = []): FilterOptions => ({
  force: false,
  ignoreDaemonSets: false,
  deleteEmptyDirData: false,
  skipWaitForDeleteTimeoutSeconds: 0,
  now: () => NOW,
  getDaemonSet: (_ns, name) => (missingDaemonSets.includes(name) ? Promise.reject(statusError(404, 'NotFound', `daemonsets.apps "${name}" not found`)) : Promise.resolve({})),
  isNotFound: (e) => e instanceof Error && e.message.endsWith('not found'),
  ...o,
});

const pods = [pod('rc', { owner: 'ReplicationController' }), pod('bare'), pod('ds', { owner: 'DaemonSet' }), pod('dir', { owner: 'ReplicaSet', emptyDir: true })];

// Texts as kubectl 1.32 printed them for the same pods (its grouping order varies; ours is first-seen).
const cases: Array<{ name: string; o: Partial<FilterOptions>; missing?: string[]; input?: DrainPod[]; errors: string[]; warnings: string; remove: string[] }> = [
  {
    name: 'no flags: every kind of pod that needs a flag is refused',
    o: {},
    errors: [
      'cannot delete cannot delete Pods that declare no controller (use --force to override): default/bare',
      'cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/ds',
      'cannot delete Pods with local storage (use --delete-emptydir-data to override): default/dir',
    ],
    warnings: '',
    remove: ['rc'],
  },
  {
    // A later filter's okay erases an earlier warning: kubectl never shows the local storage one for a managed pod.
    name: 'all flags: DaemonSet pods stay, the rest go, with warnings',
    o: { force: true, ignoreDaemonSets: true, deleteEmptyDirData: true },
    errors: [],
    warnings: 'deleting Pods that declare no controller: default/bare; ignoring DaemonSet-managed Pods: default/ds',
    remove: ['rc', 'bare', 'dir'],
  },
  {
    name: 'a bare pod with emptyDir keeps only the last warning',
    o: { force: true, deleteEmptyDirData: true },
    input: [pod('both', { emptyDir: true })],
    errors: [],
    warnings: 'deleting Pods that declare no controller: default/both',
    remove: ['both'],
  },
  {
    name: 'an orphan of a deleted DaemonSet goes with --force (its warning erased by the later filters)',
    o: { force: true },
    missing: ['ds-owner'],
    input: [pod('ds', { owner: 'DaemonSet' })],
    errors: [],
    warnings: '',
    remove: ['ds'],
  },
  {
    name: 'an orphan of a deleted DaemonSet without --force is an error',
    o: {},
    missing: ['ds-owner'],
    input: [pod('ds', { owner: 'DaemonSet' })],
    errors: ['cannot delete daemonsets.apps "ds-owner" not found: default/ds'],
    warnings: '',
    remove: [],
  },
  {
    name: 'finished pods go whatever they are',
    o: {},
    input: [pod('done', { phase: 'Succeeded', emptyDir: true }), pod('ds-done', { owner: 'DaemonSet', phase: 'Failed' })],
    errors: [],
    warnings: '',
    remove: ['done', 'ds-done'],
  },
  {
    name: 'mirror pods and pods deleted long ago are skipped silently',
    o: { skipWaitForDeleteTimeoutSeconds: 10 },
    input: [pod('static', { mirror: true }), pod('old', { owner: 'ReplicaSet', deletedSecondsAgo: 11 }), pod('recent', { owner: 'ReplicaSet', deletedSecondsAgo: 10 })],
    errors: [],
    warnings: '',
    remove: ['recent'],
  },
];

for (const c of cases) {
  test(`drain filters: ${c.name}`, async () => {
    const { list, error } = await filterPods(c.input ?? pods, options(c.o, c.missing));
    assert.deepEqual(list.errors().map((e) => e.message), c.errors);
    assert.equal(error?.message, c.errors.length === 0 ? undefined : c.errors.length === 1 ? c.errors[0] : `[${c.errors.join(', ')}]`);
    assert.equal(list.warnings(), c.warnings);
    assert.deepEqual(list.pods().map((p) => p.metadata?.name), c.remove);
    for (const p of list.pods()) assert.equal(p.kind, 'Pod');
  });
}
