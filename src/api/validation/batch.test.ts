import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as batchV1 from '../generated/batch/v1.js';
import { defaultCronJob, defaultJob, generateJobSelector } from '../defaults/batch.js';
import { validateJob, validateJobUpdate } from './batch.js';
import { validateCronJob, validateCronJobUpdate } from './batch-cronjob.js';
import { cronScheduleError } from './batch-cron.js';
import { edited, messages } from './test-util.js';

const podTemplate = () => ({ spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } });
const job: batchV1.Job = generateJobSelector(defaultJob({ metadata: { name: 'pi', namespace: 'default', uid: 'u1' }, spec: { template: podTemplate() } }));
const cronJob: batchV1.CronJob = defaultCronJob({ metadata: { name: 'tick', namespace: 'default' }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: podTemplate() } } } });

test('Job defaults and generated selector', () => {
  const s = job.spec!;
  assert.deepEqual(
    { c: s.completions, p: s.parallelism, b: s.backoffLimit, m: s.completionMode, su: s.suspend, r: s.podReplacementPolicy, ms: s.manualSelector },
    { c: 1, p: 1, b: 6, m: 'NonIndexed', su: false, r: 'TerminatingOrFailed', ms: false },
  );
  assert.deepEqual(s.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } });
  assert.deepEqual(s.template.metadata?.labels, { 'job-name': 'pi', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'u1', 'batch.kubernetes.io/controller-uid': 'u1' });
  // Only parallelism set: completions stay unset.
  assert.equal(defaultJob({ spec: { parallelism: 3, template: podTemplate() } }).spec?.completions, undefined);
  assert.equal(defaultJob({ spec: { backoffLimitPerIndex: 1, template: podTemplate() } }).spec?.backoffLimit, 2147483647);
  // Template labels become the Job's labels when it has none.
  assert.deepEqual(defaultJob(structuredClone(job)).metadata?.labels, s.template.metadata?.labels);
});

test('CronJob defaults', () => {
  const s = cronJob.spec!;
  assert.deepEqual([s.concurrencyPolicy, s.suspend, s.successfulJobsHistoryLimit, s.failedJobsHistoryLimit], ['Allow', false, 3, 1]);
});

test('valid batch objects pass', () => {
  assert.deepEqual(messages(validateJob(job)), []);
  assert.deepEqual(messages(validateCronJob(cronJob)), []);
  for (const tz of ['UTC', 'Europe/Berlin', 'America/New_York', 'Etc/GMT+5']) {
    assert.deepEqual(messages(validateCronJob(edited(cronJob, (c) => { c.spec!.timeZone = tz; }))), [], tz);
  }
});

type Row<T> = [string, (o: T) => void, string[]];
const jobRows: Row<batchV1.Job>[] = [
  ['restartPolicy Always', (j) => { j.spec!.template.spec!.restartPolicy = 'Always'; }, ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']],
  ['restartPolicy other', (j) => { j.spec!.template.spec!.restartPolicy = 'Sometimes'; }, ['spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", "Never"']],
  ['negative counts', (j) => { j.spec!.parallelism = -1; j.spec!.backoffLimit = -2; }, ['spec.parallelism: Invalid value: -1: must be greater than or equal to 0', 'spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0']],
  ['selector mismatch (manual)', (j) => { j.spec!.manualSelector = true; j.spec!.selector = { matchLabels: { a: 'b' } }; }, ['spec.template.metadata.labels: Invalid value: {"job-name":"pi","batch.kubernetes.io/job-name":"pi","controller-uid":"u1","batch.kubernetes.io/controller-uid":"u1"}: `selector` does not match template `labels`']],
  ['wrong generated label', (j) => { j.spec!.template.metadata!.labels!['job-name'] = 'x'; }, ['spec.template.metadata.labels[job-name]: Invalid value: {"job-name":"x","batch.kubernetes.io/job-name":"pi","controller-uid":"u1","batch.kubernetes.io/controller-uid":"u1"}: must be \'pi\'']],
  ['bad completionMode', (j) => { j.spec!.completionMode = 'Sometimes'; }, ['spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"']],
  ['backoffLimitPerIndex needs Indexed', (j) => { j.spec!.backoffLimitPerIndex = 1; }, ['spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode']],
  ['indexed without completions', (j) => { j.spec!.completionMode = 'Indexed'; delete j.spec!.completions; }, ['spec.completions: Required value: when completion mode is Indexed']],
  ['pod failure policy needs Never', (j) => { j.spec!.template.spec!.restartPolicy = 'OnFailure'; j.spec!.podReplacementPolicy = 'Failed'; j.spec!.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1] } }] }; }, ['spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified']],
  ['pod failure policy rules', (j) => { j.spec!.podReplacementPolicy = 'Failed'; j.spec!.podFailurePolicy = { rules: [{ action: 'Boom', onExitCodes: { operator: 'In', values: [3, 0, 3] } }, { action: '' }] }; }, [
    'spec.podFailurePolicy.rules[0].action: Unsupported value: "Boom": supported values: "Count", "FailIndex", "FailJob", "Ignore"',
    'spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator',
    'spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 3',
    'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [3,0,3]: must be ordered',
    'spec.podFailurePolicy.rules[1].action: Required value: valid values: ["Count" "FailIndex" "FailJob" "Ignore"]',
    'spec.podFailurePolicy.rules[1]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required',
  ]],
  ['podReplacementPolicy with failure policy', (j) => { j.spec!.podFailurePolicy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] }; }, ['spec.podReplacementPolicy: Unsupported value: "TerminatingOrFailed": supported values: "Failed"']],
  ['successPolicy needs Indexed', (j) => { j.spec!.successPolicy = { rules: [{ succeededCount: 1 }] }; }, ['spec.successPolicy: Invalid value: {"rules":[{"succeededCount":1}]}: requires indexed completion mode']],
  ['successPolicy indexes', (j) => { j.spec!.completionMode = 'Indexed'; j.spec!.completions = 3; j.spec!.successPolicy = { rules: [{ succeededIndexes: '0-1,1', succeededCount: 4 }] }; }, [
    'spec.successPolicy.rules[0].succeededIndexes: Invalid value: "0-1,1": error parsing succeededIndexes: non-increasing order, previous: 1, current: 1',
    'spec.successPolicy.rules[0].succeededCount: Invalid value: 4: must be less than or equal to 3 (the number of specified completions)',
    'spec.successPolicy.rules[0].succeededCount: Invalid value: 4: must be less than or equal to 0 (the number of indexes in the specified succeededIndexes field)',
  ]],
  ['managedBy', (j) => { j.spec!.managedBy = 'nodomain'; }, ['spec.managedBy: Invalid value: "nodomain": must be a domain-prefixed path (such as "acme.io/foo")']],
];
for (const [name, edit, want] of jobRows) {
  test(`Job: ${name}`, () => assert.deepEqual(messages(validateJob(edited(job, edit))), want));
}

test('Job update: selector, template and completions are immutable', () => {
  const old = edited(job, (j) => { j.metadata!.resourceVersion = '1'; });
  assert.deepEqual(messages(validateJobUpdate(edited(old, (j) => { j.spec!.suspend = true; }), old)), []);
  const next = edited(old, (j) => { j.spec!.completions = 2; j.spec!.template.spec!.containers[0]!.image = 'other'; });
  const got = messages(validateJobUpdate(next, old));
  assert.equal(got[0], 'spec.completions: Invalid value: 2: field is immutable');
  assert.match(got[1] ?? '', /^spec\.template: Invalid value: .*: field is immutable$/);
  assert.equal(got.length, 2);
  // A suspended, never-started Job may change its node selector.
  const suspended = edited(old, (j) => { j.spec!.suspend = true; });
  assert.deepEqual(messages(validateJobUpdate(edited(suspended, (j) => { j.spec!.template.spec!.nodeSelector = { zone: 'a' }; }), suspended)), []);
});

const cronRows: Row<batchV1.CronJob>[] = [
  ['missing schedule', (c) => { c.spec!.schedule = ''; }, ['spec.schedule: Required value']],
  ['four fields', (c) => { c.spec!.schedule = '* * * *'; }, ['spec.schedule: Invalid value: "* * * *": expected exactly 5 fields, found 4: [* * * *]']],
  ['minute out of range', (c) => { c.spec!.schedule = '61 * * * *'; }, ['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61']],
  ['not a number', (c) => { c.spec!.schedule = 'x * * * *'; }, ['spec.schedule: Invalid value: "x * * * *": failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax']],
  ['bad descriptor', (c) => { c.spec!.schedule = '@sometimes'; }, ['spec.schedule: Invalid value: "@sometimes": unrecognized descriptor: @sometimes']],
  ['TZ in schedule', (c) => { c.spec!.schedule = 'TZ=UTC 0 * * * *'; }, ['spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']],
  ['concurrency', (c) => { c.spec!.concurrencyPolicy = 'Sometimes'; }, ['spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"']],
  ['unknown zone', (c) => { c.spec!.timeZone = 'Mars/Olympus'; }, ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']],
  ['bad zone chars', (c) => { c.spec!.timeZone = 'a b'; }, ['spec.timeZone: Invalid value: "a b": unknown time zone a b']],
  ['Local zone', (c) => { c.spec!.timeZone = 'Local'; }, ['spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones']],
  ['template selector', (c) => { c.spec!.jobTemplate.spec!.selector = { matchLabels: { a: 'b' } }; }, ['spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated']],
  ['template restartPolicy', (c) => { c.spec!.jobTemplate.spec!.template.spec!.restartPolicy = 'Always'; }, ['spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']],
  ['history limit', (c) => { c.spec!.failedJobsHistoryLimit = -1; }, ['spec.failedJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0']],
  ['long name', (c) => { c.metadata!.name = 'a'.repeat(53); }, [`metadata.name: Invalid value: "${'a'.repeat(53)}": must be no more than 52 characters`]],
];
for (const [name, edit, want] of cronRows) {
  test(`CronJob: ${name}`, () => assert.deepEqual(messages(validateCronJob(edited(cronJob, edit))), want));
}

test('CronJob update keeps an old TZ schedule legal', () => {
  const old = edited(cronJob, (c) => { c.metadata!.resourceVersion = '1'; c.spec!.schedule = 'TZ=UTC 0 * * * *'; });
  assert.deepEqual(messages(validateCronJobUpdate(edited(old, (c) => { c.spec!.schedule = 'CRON_TZ=UTC 5 * * * *'; }), old)), []);
});

test('cron parser accepts what robfig accepts', () => {
  for (const s of ['0 0 * * *', '*/15 9-17 * * mon-fri', '0 0 1 JAN,jul ?', '5/10 * * * *', '@hourly', '@every 1h30m', '0 0 * * 0-6']) {
    assert.equal(cronScheduleError(s), undefined, s);
  }
  assert.equal(cronScheduleError('0 0 * * 7'), 'end of range (7) above maximum (6): 7');
  assert.equal(cronScheduleError('5-1 * * * *'), 'beginning of range (5) beyond end of range (1): 5-1');
  assert.equal(cronScheduleError('*/0 * * * *'), 'step of range should be a positive number: */0');
  assert.equal(cronScheduleError('@every 5'), 'failed to parse duration @every 5: time: missing unit in duration "5"');
});
