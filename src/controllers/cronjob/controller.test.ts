import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CronJob, CronJobSpec, Job } from '../../api/generated/batch/v1.js';
import { resources } from '../../client/resources.js';
import { newTestBench, type TestBench } from '../testing.js';
import { CronJobController, SCHEDULED_TIMESTAMP_ANNOTATION } from './controller.js';
import { Zone } from './zone.js';

const T0 = Date.UTC(2025, 0, 1); // the bench clock's start
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const min = (n: number) => n * 60_000;
const jobName = (cj: string, scheduled: number) => `${cj}-${Math.floor(scheduled / 60_000)}`;

const UID = 'cj-uid';

function cronJob(spec: Partial<CronJobSpec> = {}, status: CronJob['status'] = {}, created = T0 - min(30)): CronJob {
  return {
    metadata: { name: 'tick', namespace: 'default', uid: UID, creationTimestamp: iso(created) },
    spec: {
      schedule: '*/1 * * * *',
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: { labels: { team: 'a' } }, spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'OnFailure' } } } },
      ...spec,
    },
    status,
  };
}

function ownedJob(name: string, o: { finished?: 'Complete' | 'Failed'; start?: number; uid?: string } = {}): Job {
  const conditions = o.finished ? [{ type: o.finished, status: 'True', lastTransitionTime: iso(o.start ?? T0) }] : [];
  return {
    metadata: { name, namespace: 'default', uid: o.uid ?? `uid-${name}`, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: UID, controller: true }] },
    spec: { template: { spec: { containers: [] } } },
    status: { ...(o.start !== undefined ? { startTime: iso(o.start) } : {}), conditions, ...(o.finished === 'Complete' ? { completionTime: iso((o.start ?? T0) + 1000) } : {}) },
  };
}

const ref = (j: Job) => ({ apiVersion: 'batch/v1', kind: 'Job', name: j.metadata?.name, namespace: 'default', uid: j.metadata?.uid });

function setup(cj: CronJob, jobs: Job[] = [], now = T0): { bench: TestBench; c: CronJobController } {
  const bench = newTestBench();
  bench.clock.advance(now - T0);
  bench.seed(resources.cronjobs, cj);
  bench.seed(resources.jobs, ...jobs);
  return { bench, c: new CronJobController(bench.ctx, { defaultZone: Zone.UTC }) };
}

/** Writes as `verb resource ns/name` lines; creates name the object they sent; Events left out. */
const writes = (b: TestBench) =>
  b.transport.actions
    .filter((a) => a.verb !== 'get' && a.verb !== 'list' && a.resource !== 'events')
    .map((a) => `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''} ${a.namespace ?? ''}/${a.name ?? (a.body as Job | undefined)?.metadata?.name ?? ''}`);
const stored = (b: TestBench) => b.transport.object<CronJob>(resources.cronjobs, 'default', 'tick');
const reasons = (b: TestBench) => b.events.map((e) => `${e.type} ${e.reason} ${e.message}`);

interface Case {
  name: string;
  cj: CronJob;
  jobs?: Job[];
  now: number;
  writes: string[];
  events: string[];
  /** When sync asks to run again (ms after now), or undefined. */
  requeue?: number;
  check?: (b: TestBench) => void;
}

const due = T0 + min(1); // the first activation after T0 of */1
const running = ownedJob('tick-old');

const cases: Case[] = [
  { name: 'not yet due: wait for the next minute', cj: cronJob({}, { lastScheduleTime: iso(T0) }), now: T0 + 30_000, writes: [], events: [], requeue: 30_100 },
  {
    name: 'due: create the Job named after the activation, record it in status',
    cj: cronJob({}, { lastScheduleTime: iso(T0) }),
    now: due + 5000,
    writes: [`create jobs default/${jobName('tick', due)}`, 'update cronjobs/status default/tick'],
    events: [`Normal SuccessfulCreate Created job ${jobName('tick', due)}`],
    requeue: 55_100,
    check: (b) => {
      const job = b.transport.object<Job>(resources.jobs, 'default', jobName('tick', due));
      assert.equal(job?.metadata?.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION], '2025-01-01T00:01:00Z');
      assert.deepEqual(job?.metadata?.labels, { team: 'a' });
      assert.equal(job?.metadata?.ownerReferences?.[0]?.uid, UID);
      const s = stored(b)?.status;
      assert.equal(s?.lastScheduleTime, iso(due));
      assert.deepEqual(s?.active?.map((r) => r.name), [jobName('tick', due)]);
    },
  },
  { name: 'the activation already ran', cj: cronJob({}, { lastScheduleTime: iso(due) }), now: due + 5000, writes: [], events: [], requeue: 55_100 },
  {
    name: 'the Job exists already (a crash before the status write): adopt it into status, create nothing',
    cj: cronJob({}, { lastScheduleTime: iso(T0) }),
    jobs: [{ ...ownedJob(jobName('tick', due)) }],
    now: due + 5000,
    writes: [`create jobs default/${jobName('tick', due)}`, 'update cronjobs/status default/tick'],
    events: [`Warning UnexpectedJob Saw a job that the controller did not create or forgot: ${jobName('tick', due)}`],
    requeue: 55_100,
    check: (b) => assert.deepEqual(stored(b)?.status?.active?.map((r) => r.name), [jobName('tick', due)]),
  },
  {
    name: 'Forbid with a Job still running: skip this activation',
    cj: cronJob({ concurrencyPolicy: 'Forbid' }, { lastScheduleTime: iso(T0), active: [ref(running)] }),
    jobs: [running],
    now: due + 5000,
    writes: [],
    events: ['Normal JobAlreadyActive Not starting job because prior execution is running and concurrency policy is Forbid'],
    requeue: 55_100,
  },
  {
    name: 'Replace with a Job still running: delete it, start the new one',
    cj: cronJob({ concurrencyPolicy: 'Replace' }, { lastScheduleTime: iso(T0), active: [ref(running)] }),
    jobs: [running],
    now: due + 5000,
    writes: ['delete jobs default/tick-old', `create jobs default/${jobName('tick', due)}`, 'update cronjobs/status default/tick'],
    events: ['Normal SuccessfulDelete Deleted job tick-old', `Normal SuccessfulCreate Created job ${jobName('tick', due)}`],
    requeue: 55_100,
    check: (b) => assert.deepEqual(stored(b)?.status?.active?.map((r) => r.name), [jobName('tick', due)]),
  },
  {
    name: 'Allow with a Job still running: run both',
    cj: cronJob({}, { lastScheduleTime: iso(T0), active: [ref(running)] }),
    jobs: [running],
    now: due + 5000,
    writes: [`create jobs default/${jobName('tick', due)}`, 'update cronjobs/status default/tick'],
    events: [`Normal SuccessfulCreate Created job ${jobName('tick', due)}`],
    requeue: 55_100,
    check: (b) => assert.equal(stored(b)?.status?.active?.length, 2),
  },
  {
    name: 'missed while down: run only the most recent activation',
    cj: cronJob({ schedule: '0 * * * *' }, { lastScheduleTime: iso(T0 - min(180)) }),
    now: T0 + min(65),
    writes: [`create jobs default/${jobName('tick', T0 + min(60))}`, 'update cronjobs/status default/tick'],
    events: [`Normal SuccessfulCreate Created job ${jobName('tick', T0 + min(60))}`],
    requeue: min(55) + 100,
  },
  {
    name: 'startingDeadlineSeconds: an activation older than the deadline is not started',
    cj: cronJob({ schedule: '0 * * * *', startingDeadlineSeconds: 60 }, {}, T0),
    now: T0 + min(65),
    writes: [],
    events: [],
    requeue: min(55) + 100,
  },
  {
    name: 'more than 100 missed activations: warn, then run the most recent',
    cj: cronJob({}, {}, T0 - min(60 * 24)),
    now: T0 + 10_000,
    writes: [`create jobs default/${jobName('tick', T0)}`, 'update cronjobs/status default/tick'],
    events: ['Warning TooManyMissedTimes too many missed start times: 1440. Set or decrease .spec.startingDeadlineSeconds or check clock skew', `Normal SuccessfulCreate Created job ${jobName('tick', T0)}`],
    requeue: 50_100,
  },
  { name: 'suspended: nothing, no requeue', cj: cronJob({ suspend: true }, { lastScheduleTime: iso(T0) }), now: due + 5000, writes: [], events: [] },
  {
    name: 'a finished active Job leaves status.active; its completion is the last success',
    cj: cronJob({}, { lastScheduleTime: iso(due), active: [ref(ownedJob('tick-done'))] }),
    jobs: [ownedJob('tick-done', { finished: 'Complete', start: T0 })],
    now: due + 5000,
    writes: ['update cronjobs/status default/tick'],
    events: ['Normal SawCompletedJob Saw completed job: tick-done, condition: Complete'],
    requeue: 55_100,
    check: (b) => {
      assert.deepEqual(stored(b)?.status?.active, []);
      assert.equal(stored(b)?.status?.lastSuccessfulTime, iso(T0 + 1000));
    },
  },
  {
    name: 'history limits: keep the newest 3 successful and 1 failed',
    cj: cronJob({}, { lastScheduleTime: iso(due), lastSuccessfulTime: iso(T0 + min(10)) }),
    jobs: [
      ...[1, 2, 3, 4, 5].map((i) => ownedJob(`ok-${i}`, { finished: 'Complete', start: T0 - min(10 - i) })),
      ...[1, 2].map((i) => ownedJob(`bad-${i}`, { finished: 'Failed', start: T0 - min(10 - i) })),
    ],
    now: due + 5000,
    writes: ['delete jobs default/ok-1', 'delete jobs default/ok-2', 'delete jobs default/bad-1', 'update cronjobs/status default/tick'],
    events: ['Normal SuccessfulDelete Deleted job ok-1', 'Normal SuccessfulDelete Deleted job ok-2', 'Normal SuccessfulDelete Deleted job bad-1'],
    requeue: 55_100,
  },
  {
    name: 'an active Job that is gone from the API is dropped',
    cj: cronJob({}, { lastScheduleTime: iso(due), active: [ref(ownedJob('vanished'))] }),
    now: due + 5000,
    writes: ['update cronjobs/status default/tick'],
    events: ['Normal MissingJob Active job went missing: vanished'],
    requeue: 55_100,
  },
  {
    name: 'timeZone: 09:00 in Tokyo is 00:00 UTC; the annotation is in the zone',
    cj: cronJob({ schedule: '0 9 * * *', timeZone: 'Asia/Tokyo' }, {}, T0 - min(60)),
    now: T0 + 30_000,
    writes: [`create jobs default/${jobName('tick', T0)}`, 'update cronjobs/status default/tick'],
    events: [`Normal SuccessfulCreate Created job ${jobName('tick', T0)}`],
    requeue: min(24 * 60) - 30_000 + 100,
    check: (b) => assert.equal(b.transport.object<Job>(resources.jobs, 'default', jobName('tick', T0))?.metadata?.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION], '2025-01-01T09:00:00+09:00'),
  },
  { name: 'an unknown timeZone is reported, not scheduled', cj: cronJob({ timeZone: 'Mars/Olympus' }), now: due, writes: [], events: ['Warning UnknownTimeZone invalid timeZone: "Mars/Olympus": unknown time zone Mars/Olympus'] },
  { name: 'an impossible date never fires', cj: cronJob({ schedule: '0 0 30 2 *' }), now: due, writes: [], events: ['Warning InvalidSchedule invalid schedule: 0 0 30 2 * : time difference between two schedules is less than 1 second'] },
];

test('CronJob sync', async () => {
  for (const c of cases) {
    const { bench, c: ctrl } = setup(c.cj, c.jobs, c.now);
    const requeue = await ctrl.sync('default/tick');
    assert.deepEqual(writes(bench), c.writes, c.name);
    assert.deepEqual(reasons(bench), c.events, c.name);
    assert.equal(requeue, c.requeue, c.name);
    c.check?.(bench);
  }
});

test('the fake clock drives activations minute by minute; the Job name is the lock', async () => {
  const { bench, c } = setup(cronJob({}, {}, T0));
  assert.equal(await c.sync('default/tick'), 60_100);
  for (let i = 1; i <= 3; i++) {
    bench.clock.advance(60_100);
    await c.sync('default/tick');
    bench.sync(resources.cronjobs);
    bench.sync(resources.jobs);
  }
  const names = bench.transport.objects<Job>(resources.jobs).map((j) => j.metadata?.name);
  assert.deepEqual(names, [1, 2, 3].map((i) => jobName('tick', T0 + min(i))));
  // A second manager with a stale cache (no status, no Jobs seen) creates nothing new.
  const stale = newTestBench({}, bench.clock);
  stale.transport.seed(resources.jobs, ...bench.transport.objects<Job>(resources.jobs));
  stale.seed(resources.cronjobs, { ...cronJob({}, { lastScheduleTime: iso(T0 + min(2)) }, T0) });
  await new CronJobController(stale.ctx, { defaultZone: Zone.UTC }).sync('default/tick');
  assert.deepEqual(writes(stale), [`create jobs default/${jobName('tick', T0 + min(3))}`, 'update cronjobs/status default/tick']);
  assert.equal(stale.transport.objects<Job>(resources.jobs).length, 3);
});

test('a sync on the CronJob our own status write replaced waits for the cache (no duplicate Events or conflicts)', async () => {
  const { bench, c } = setup(cronJob({}, { lastScheduleTime: iso(T0) }), [], due + 5000);
  await c.sync('default/tick');
  bench.sync(resources.jobs);
  bench.transport.clearActions();
  bench.events.length = 0;
  assert.equal(await c.sync('default/tick'), undefined);
  assert.deepEqual(writes(bench), []);
  bench.sync(resources.cronjobs);
  assert.equal(await c.sync('default/tick'), 55_100);
  assert.deepEqual(writes(bench), []);
  assert.deepEqual(reasons(bench), []);
});

test('a no-op status write (same resourceVersion back, no watch event) does not make the cache look stale forever', async () => {
  // Three finished Jobs over a limit of two: the cleanup deletes one and writes status although
  // nothing in it changed; the API server answers such a write with the object as it was.
  const done = [0, 1, 2].map((i) => ownedJob(`tick-${i}`, { finished: 'Complete', start: T0 - min(10 - i) }));
  const { bench, c } = setup(cronJob({ successfulJobsHistoryLimit: 2 }, { lastScheduleTime: iso(T0), lastSuccessfulTime: iso(T0 - min(8) + 1000) }), done, T0 + 30_000);
  bench.transport.prependReactor((a) =>
    a.verb === 'update' && a.resource === 'cronjobs' && a.subresource === 'status' ? bench.transport.object<CronJob>(resources.cronjobs, 'default', 'tick') : undefined,
  );
  await c.sync('default/tick');
  assert.deepEqual(writes(bench), ['delete jobs default/tick-0', 'update cronjobs/status default/tick']);
  bench.sync(resources.jobs);
  bench.transport.clearActions();
  bench.clock.advance(60_000);
  // The cache still holds the same resourceVersion, which is current: the next activation runs.
  await c.sync('default/tick');
  assert.deepEqual(writes(bench), [`create jobs default/${jobName('tick', due)}`, 'update cronjobs/status default/tick']);
});
