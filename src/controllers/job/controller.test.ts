import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job, JobSpec, JobStatus } from '../../api/generated/batch/v1.js';
import type { Pod } from '../../api/generated/core/v1.js';
import { resources } from '../../client/resources.js';
import { newTestBench, objectWrites, type TestBench } from '../testing.js';
import { JobController } from './controller.js';
import { COMPLETION_INDEX_KEY } from './indexed.js';
import { TRACKING_FINALIZER } from './pods.js';

const T0 = Date.UTC(2025, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const UID = 'job-uid';
const LABELS = { 'batch.kubernetes.io/controller-uid': UID, 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': UID, 'job-name': 'pi' };

/** A Job as the apiserver stores it after defaulting and selector generation. */
function job(spec: Partial<JobSpec> = {}, status: JobStatus = {}): Job {
  return {
    metadata: { name: 'pi', namespace: 'default', uid: UID, generation: 1 },
    spec: {
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      manualSelector: false,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': UID } },
      template: { metadata: { labels: { ...LABELS } }, spec: { containers: [{ name: 'pi', image: 'busybox' }], restartPolicy: 'Never' } },
      ...spec,
    },
    status,
  };
}

interface PodOpts {
  finalizer?: boolean;
  ready?: boolean;
  deleting?: boolean;
  restarts?: number;
  finishedAt?: number;
  index?: number;
  owned?: boolean;
}

function pod(name: string, phase: string, o: PodOpts = {}): Pod {
  const terminated = o.finishedAt !== undefined ? { state: { terminated: { exitCode: phase === 'Succeeded' ? 0 : 1, finishedAt: iso(o.finishedAt) } } } : {};
  return {
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      labels: { ...LABELS, ...(o.index !== undefined ? { [COMPLETION_INDEX_KEY]: String(o.index) } : {}) },
      ...(o.index !== undefined ? { annotations: { [COMPLETION_INDEX_KEY]: String(o.index) } } : {}),
      ...(o.finalizer === false ? {} : { finalizers: [TRACKING_FINALIZER] }),
      ...(o.deleting ? { deletionTimestamp: iso(T0) } : {}),
      ...(o.owned === false ? {} : { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: UID, controller: true, blockOwnerDeletion: true }] }),
    },
    spec: { containers: [{ name: 'pi', image: 'busybox' }], nodeName: 'n1' },
    status: {
      phase,
      conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False' }],
      containerStatuses: [{ name: 'pi', image: 'busybox', imageID: '', ready: !!o.ready, restartCount: o.restarts ?? 0, ...terminated }],
    },
  };
}

const events = (b: TestBench) => b.events.map((e) => `${e.type} ${e.reason} ${e.message.replace(/(pi-(?:[0-9]+-)?)[0-9a-z]{5}$/, '$1xxxxx')}`);
const stored = (b: TestBench) => b.transport.object<Job>(resources.jobs, 'default', 'pi');
const podsOf = (b: TestBench) => b.transport.objects<Pod>(resources.pods);
const conds = (j: Job | undefined) => (j?.status?.conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason ?? ''}`);

function setup(j: Job, pods: Pod[] = [], now = T0): { bench: TestBench; ctrl: JobController } {
  const bench = newTestBench();
  bench.clock.advance(now - T0);
  bench.seed(resources.jobs, j);
  bench.seed(resources.pods, ...pods);
  return { bench, ctrl: new JobController(bench.ctx) };
}

/** Copies the fake API into the caches (as watch events would) and syncs again with a fresh controller (as after a restart). */
async function resync(bench: TestBench): Promise<JobController> {
  bench.sync(resources.jobs);
  bench.sync(resources.pods);
  bench.transport.clearActions();
  bench.events.length = 0;
  const ctrl = new JobController(bench.ctx);
  await ctrl.reconcile('default/pi');
  return ctrl;
}

interface Case {
  name: string;
  job: Job;
  pods?: Pod[];
  now?: number;
  writes: string[];
  events: string[];
  status?: Partial<JobStatus>;
  conditions?: string[];
  podCount?: number;
  check?: (b: TestBench) => void;
}

const cases: Case[] = [
  {
    name: 'a new Job creates its pod with the tracking finalizer and starts',
    job: job(),
    writes: ['create pods pi-', 'update jobs/status pi'],
    events: ['Normal SuccessfulCreate Created pod: pi-xxxxx'],
    status: { active: 1, ready: 0, terminating: 0, startTime: iso(T0), uncountedTerminatedPods: {} },
    check: (b) => {
      const p = podsOf(b)[0];
      assert.deepEqual(p?.metadata?.finalizers, [TRACKING_FINALIZER]);
      assert.deepEqual(p?.metadata?.labels, LABELS);
      assert.equal(p?.metadata?.ownerReferences?.[0]?.uid, UID);
    },
  },
  {
    name: 'parallelism 3 of 5 completions: three pods, created in slow-start batches',
    job: job({ completions: 5, parallelism: 3 }),
    writes: ['create pods pi-', 'create pods pi-', 'create pods pi-', 'update jobs/status pi'],
    events: Array<string>(3).fill('Normal SuccessfulCreate Created pod: pi-xxxxx'),
    status: { active: 3 },
  },
  {
    name: 'never more pods than completions still needed',
    job: job({ completions: 5, parallelism: 3 }, { succeeded: 4, startTime: iso(T0) }),
    writes: ['create pods pi-', 'update jobs/status pi'],
    events: ['Normal SuccessfulCreate Created pod: pi-xxxxx'],
    status: { active: 1, succeeded: 4 },
  },
  {
    name: 'the pod succeeded: count it through uncountedTerminatedPods, drop its finalizer, complete',
    job: job({}, { active: 1, ready: 0, terminating: 0, startTime: iso(T0), uncountedTerminatedPods: {} }),
    pods: [pod('pi-a', 'Succeeded', { finishedAt: T0 })],
    now: T0 + 5000,
    writes: ['update jobs/status pi', 'patch pods pi-a', 'update jobs/status pi'],
    events: ['Normal Completed Job completed'],
    status: { succeeded: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {}, completionTime: iso(T0 + 5000) },
    conditions: ['SuccessCriteriaMet=True/CompletionsReached', 'Complete=True/CompletionsReached'],
    check: (b) => assert.deepEqual(b.transport.object<Pod>(resources.pods, 'default', 'pi-a')?.metadata?.finalizers, []),
  },
  {
    name: 'a failed pod is counted; its replacement waits for the 10 s backoff',
    job: job({}, { active: 1, ready: 0, terminating: 0, startTime: iso(T0) }),
    pods: [pod('pi-a', 'Failed', { finishedAt: T0 + 1000 })],
    now: T0 + 2000,
    writes: ['update jobs/status pi', 'patch pods pi-a', 'update jobs/status pi'],
    events: [],
    status: { failed: 1, uncountedTerminatedPods: {} },
    podCount: 1,
  },
  {
    name: 'after the backoff the replacement is created',
    job: job({}, { failed: 1, ready: 0, terminating: 0, startTime: iso(T0), uncountedTerminatedPods: {} }),
    pods: [pod('pi-a', 'Failed', { finishedAt: T0 + 1000, finalizer: false })],
    now: T0 + 11_000,
    writes: ['create pods pi-', 'update jobs/status pi'],
    events: ['Normal SuccessfulCreate Created pod: pi-xxxxx'],
    status: { failed: 1, active: 1 },
    podCount: 2,
  },
  {
    name: 'backoffLimit 0: the first failure fails the Job (FailureTarget, then Failed)',
    job: job({ backoffLimit: 0 }, { active: 1, ready: 0, terminating: 0, startTime: iso(T0) }),
    pods: [pod('pi-a', 'Failed', { finishedAt: T0 })],
    writes: ['update jobs/status pi', 'patch pods pi-a', 'update jobs/status pi'],
    events: ['Warning BackoffLimitExceeded Job has reached the specified backoff limit'],
    status: { failed: 1 },
    conditions: ['FailureTarget=True/BackoffLimitExceeded', 'Failed=True/BackoffLimitExceeded'],
  },
  {
    name: 'restartPolicy OnFailure: container restarts count against backoffLimit; running pods are deleted',
    job: job({ backoffLimit: 2, template: { metadata: { labels: { ...LABELS } }, spec: { containers: [{ name: 'pi', image: 'busybox' }], restartPolicy: 'OnFailure' } } }, { active: 1, ready: 0, terminating: 0, startTime: iso(T0) }),
    pods: [pod('pi-a', 'Running', { restarts: 2 })],
    writes: ['delete pods pi-a', 'update jobs/status pi', 'patch pods pi-a', 'update jobs/status pi'],
    events: ['Normal SuccessfulDelete Deleted pod: pi-a'],
    status: { terminating: 1, failed: 1 },
    conditions: ['FailureTarget=True/BackoffLimitExceeded'],
  },
  {
    name: 'activeDeadlineSeconds passed: DeadlineExceeded, active pods deleted',
    job: job({ activeDeadlineSeconds: 60 }, { active: 1, ready: 1, terminating: 0, startTime: iso(T0) }),
    pods: [pod('pi-a', 'Running', { ready: true })],
    now: T0 + 60_000,
    writes: ['delete pods pi-a', 'update jobs/status pi', 'patch pods pi-a', 'update jobs/status pi'],
    events: ['Normal SuccessfulDelete Deleted pod: pi-a'],
    status: { ready: 0, terminating: 1 },
    conditions: ['FailureTarget=True/DeadlineExceeded'],
  },
  {
    name: 'FailureTarget recorded and nothing left terminating: Failed',
    job: job({ activeDeadlineSeconds: 60 }, { failed: 1, ready: 0, terminating: 1, startTime: iso(T0), conditions: [{ type: 'FailureTarget', status: 'True', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' }] }),
    now: T0 + 70_000,
    writes: ['update jobs/status pi'],
    events: ['Warning DeadlineExceeded Job was active longer than specified deadline'],
    status: { failed: 1, terminating: 0 },
    conditions: ['FailureTarget=True/DeadlineExceeded', 'Failed=True/DeadlineExceeded'],
  },
  {
    name: 'suspend: running pods lose their finalizer (not failures) and are deleted',
    job: job({ suspend: true, parallelism: 2, completions: 2 }, { active: 2, ready: 0, terminating: 0, startTime: iso(T0) }),
    pods: [pod('pi-a', 'Running'), pod('pi-b', 'Pending')],
    writes: ['patch pods pi-b', 'patch pods pi-a', 'delete pods pi-b', 'delete pods pi-a', 'update jobs/status pi'],
    events: ['Normal SuccessfulDelete Deleted pod: pi-b', 'Normal SuccessfulDelete Deleted pod: pi-a', 'Normal Suspended Job suspended'],
    status: { terminating: 2 },
    conditions: ['Suspended=True/JobSuspended'],
  },
  {
    name: 'a Job created suspended does not start',
    job: job({ suspend: true }),
    writes: ['update jobs/status pi'],
    events: ['Normal Suspended Job suspended'],
    status: { ready: 0 },
    conditions: ['Suspended=True/JobSuspended'],
    check: (b) => assert.equal(stored(b)?.status?.startTime, undefined),
  },
  {
    name: 'resume: the Suspended condition turns False, startTime restarts, pods are created',
    job: job({}, { ready: 0, terminating: 0, startTime: iso(T0 - 3_600_000), conditions: [{ type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }] }),
    now: T0 + 1000,
    writes: ['create pods pi-', 'update jobs/status pi'],
    events: ['Normal SuccessfulCreate Created pod: pi-xxxxx', 'Normal Resumed Job resumed'],
    status: { active: 1, startTime: iso(T0 + 1000) },
    conditions: ['Suspended=False/JobResumed'],
  },
  {
    name: 'an uncounted pod that is gone is counted from the uncounted list, not lost',
    job: job({ completions: 2 }, { active: 0, ready: 0, terminating: 0, startTime: iso(T0), succeeded: 1, uncountedTerminatedPods: { succeeded: ['uid-gone'] } }),
    writes: ['update jobs/status pi'],
    events: ['Normal Completed Job completed'],
    status: { succeeded: 2, uncountedTerminatedPods: {} },
    conditions: ['SuccessCriteriaMet=True/CompletionsReached', 'Complete=True/CompletionsReached'],
  },
  {
    name: 'a counted pod (finalizer gone) is never counted again',
    job: job({ completions: 2 }, { active: 1, ready: 0, terminating: 0, startTime: iso(T0), succeeded: 1, uncountedTerminatedPods: {} }),
    pods: [pod('pi-a', 'Succeeded', { finalizer: false }), pod('pi-b', 'Running')],
    writes: [],
    events: [],
    status: { succeeded: 1, active: 1 },
  },
  {
    name: 'a pod deleted while running counts as failed (its replacement then waits for the backoff)',
    job: job({}, { active: 1, ready: 0, terminating: 0, startTime: iso(T0) }),
    pods: [pod('pi-a', 'Running', { deleting: true })],
    writes: ['update jobs/status pi', 'patch pods pi-a', 'update jobs/status pi'],
    events: [],
    status: { failed: 1, terminating: 1 },
  },
  {
    name: 'completions unset (work queue): the first success stops new pods; done when none is active',
    job: job({ completions: undefined, parallelism: 2 }, { active: 2, ready: 0, terminating: 0, startTime: iso(T0) }),
    pods: [pod('pi-a', 'Succeeded'), pod('pi-b', 'Running')],
    writes: ['update jobs/status pi', 'patch pods pi-a', 'update jobs/status pi'],
    events: [],
    status: { succeeded: 1, active: 1 },
    conditions: [],
  },
  {
    name: 'Indexed: one pod per pending index, with annotation, label, env and hostname',
    job: job({ completionMode: 'Indexed', completions: 3, parallelism: 2 }),
    writes: ['create pods pi-0-', 'create pods pi-1-', 'update jobs/status pi'],
    events: ['Normal SuccessfulCreate Created pod: pi-0-xxxxx', 'Normal SuccessfulCreate Created pod: pi-1-xxxxx'],
    check: (b) => {
      const p = podsOf(b).find((x) => x.metadata?.generateName === 'pi-1-');
      assert.equal(p?.metadata?.annotations?.[COMPLETION_INDEX_KEY], '1');
      assert.equal(p?.metadata?.labels?.[COMPLETION_INDEX_KEY], '1');
      assert.equal(p?.spec?.hostname, 'pi-1');
      assert.equal(p?.spec?.containers[0]?.env?.[0]?.name, 'JOB_COMPLETION_INDEX');
    },
  },
  {
    name: 'Indexed: a succeeded index is recorded in completedIndexes and the next index starts',
    job: job({ completionMode: 'Indexed', completions: 3, parallelism: 2 }, { active: 2, ready: 0, terminating: 0, startTime: iso(T0) }),
    pods: [pod('pi-0-a', 'Succeeded', { index: 0 }), pod('pi-1-a', 'Running', { index: 1 })],
    // Indexes, not uids, are the record: nothing is left to write after the finalizer goes.
    writes: ['create pods pi-2-', 'update jobs/status pi', 'patch pods pi-0-a'],
    events: ['Normal SuccessfulCreate Created pod: pi-2-xxxxx'],
    status: { succeeded: 1, completedIndexes: '0', active: 2 },
  },
  {
    name: 'an orphan matching the selector is adopted and tracked',
    job: job({}, { ready: 0, terminating: 0, startTime: iso(T0) }),
    pods: [pod('stray', 'Running', { owned: false, finalizer: false })],
    writes: ['patch pods stray', 'patch pods stray', 'update jobs/status pi'],
    events: [],
    status: { active: 1 },
    check: (b) => {
      const p = b.transport.object<Pod>(resources.pods, 'default', 'stray');
      assert.equal(p?.metadata?.ownerReferences?.[0]?.uid, UID);
      assert.deepEqual(p?.metadata?.finalizers, [TRACKING_FINALIZER]);
    },
  },
];

test('Job sync', async () => {
  for (const c of cases) {
    const { bench, ctrl } = setup(c.job, c.pods, c.now);
    await ctrl.reconcile('default/pi');
    assert.deepEqual(objectWrites(bench), c.writes, c.name);
    assert.deepEqual(events(bench), c.events, c.name);
    const s = stored(bench)?.status ?? {};
    for (const [k, v] of Object.entries(c.status ?? {})) assert.deepEqual(s[k as keyof JobStatus], v, `${c.name}: status.${k}`);
    if (c.conditions) assert.deepEqual(conds(stored(bench)), c.conditions, c.name);
    if (c.podCount !== undefined) assert.equal(podsOf(bench).length, c.podCount, c.name);
    c.check?.(bench);
  }
});

test('a running pod failing with OnFailure: FailureTarget first, Failed once the pod is gone', async () => {
  const spec = { backoffLimit: 1, template: { metadata: { labels: { ...LABELS } }, spec: { containers: [{ name: 'pi', image: 'busybox' }], restartPolicy: 'OnFailure' } } };
  const { bench, ctrl } = setup(job(spec, { active: 1, ready: 0, terminating: 0, startTime: iso(T0) }), [pod('pi-a', 'Running', { restarts: 1 })]);
  await ctrl.reconcile('default/pi');
  assert.deepEqual(conds(stored(bench)), ['FailureTarget=True/BackoffLimitExceeded']);
  await resync(bench);
  assert.deepEqual(conds(stored(bench)), ['FailureTarget=True/BackoffLimitExceeded', 'Failed=True/BackoffLimitExceeded']);
  assert.deepEqual(events(bench), ['Warning BackoffLimitExceeded Job has reached the specified backoff limit']);
});

test('a stale pod cache never counts a pod twice (expected finalizer removals)', async () => {
  const { bench, ctrl } = setup(job({ completions: 2 }, { active: 1, ready: 0, terminating: 0, startTime: iso(T0) }), [pod('pi-a', 'Succeeded')]);
  await ctrl.reconcile('default/pi');
  assert.equal(stored(bench)?.status?.succeeded, 1);
  assert.equal(podsOf(bench).length, 2, 'one replacement for the second completion');
  // The Job's watch is current, the pods' is not: pi-a still shows the finalizer, the new pod is unseen.
  bench.sync(resources.jobs);
  bench.transport.clearActions();
  await ctrl.reconcile('default/pi');
  assert.equal(stored(bench)?.status?.succeeded, 1);
  assert.deepEqual(conds(stored(bench)), []);
  assert.equal(podsOf(bench).length, 2, 'no pod created while the creation is unobserved');
});

test('a stale Job cache after our own status write: the sync waits for the newer Job', async () => {
  const { bench, ctrl } = setup(job({ completions: 2 }, { active: 1, ready: 0, terminating: 0, startTime: iso(T0) }), [pod('pi-a', 'Succeeded')]);
  await ctrl.reconcile('default/pi');
  bench.sync(resources.pods);
  bench.transport.clearActions();
  await ctrl.reconcile('default/pi');
  assert.deepEqual(objectWrites(bench), []);
  bench.sync(resources.jobs);
  await ctrl.reconcile('default/pi');
  assert.equal(stored(bench)?.status?.succeeded, 1);
});

test('the whole life of `kubectl create job pi`: create, run, succeed, complete', async () => {
  const { bench, ctrl } = setup(job());
  await ctrl.reconcile('default/pi');
  const [created] = podsOf(bench);
  assert.ok(created?.metadata?.name);
  // The kubelet ran it to completion.
  bench.transport.seed(resources.pods, { ...created, status: { phase: 'Succeeded', containerStatuses: [{ name: 'pi', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, finishedAt: iso(T0) } } }] } });
  await resync(bench);
  assert.deepEqual(conds(stored(bench)), ['SuccessCriteriaMet=True/CompletionsReached', 'Complete=True/CompletionsReached']);
  assert.equal(stored(bench)?.status?.succeeded, 1);
  assert.deepEqual(events(bench), ['Normal Completed Job completed']);
  // Finished: further syncs do nothing.
  await resync(bench);
  assert.deepEqual(objectWrites(bench), []);
});

test('an orphaned tracked pod (its Job gone) loses the finalizer', async () => {
  const { bench, ctrl } = setup(job(), [pod('pi-a', 'Succeeded')]);
  await bench.ctx.client.request({ method: 'DELETE', path: '/apis/batch/v1/namespaces/default/jobs/pi' });
  bench.sync(resources.jobs);
  bench.transport.clearActions();
  await ctrl.reconcileOrphanPod('default/pi-a');
  assert.deepEqual(objectWrites(bench), ['patch pods pi-a']);
  assert.deepEqual(bench.transport.object<Pod>(resources.pods, 'default', 'pi-a')?.metadata?.finalizers, []);
});
