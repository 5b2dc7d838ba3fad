// batch/v1 defaults (upstream pkg/apis/batch/v1/defaults.go) and the Job strategy's selector
// generation (pkg/registry/batch/job/strategy.go). Defaulters fill absent fields in place.
import type * as batchV1 from '../generated/batch/v1.js';
import { defaultTemplate, type GroupDefaultingOptions } from './group-hooks.js';

const INT32_MAX = 2147483647;

function defaultJobSpec(s: batchV1.JobSpec, opts: GroupDefaultingOptions): void {
  // A non-parallel Job may leave both unset; then both are 1.
  if ((s.completions === undefined || s.completions === null) && (s.parallelism === undefined || s.parallelism === null)) {
    s.completions = 1;
    s.parallelism = 1;
  }
  s.parallelism ??= 1;
  s.backoffLimit ??= s.backoffLimitPerIndex !== undefined && s.backoffLimitPerIndex !== null ? INT32_MAX : 6;
  s.completionMode ??= 'NonIndexed';
  s.suspend ??= false;
  for (const rule of s.podFailurePolicy?.rules ?? []) {
    for (const pattern of rule.onPodConditions ?? []) if (!pattern.status) pattern.status = 'True';
  }
  s.podReplacementPolicy ??= s.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  s.manualSelector ??= false;
  defaultTemplate(s.template, opts);
}

/**
 * Job: completions/parallelism 1 when both unset, backoffLimit 6 (MaxInt32 with
 * backoffLimitPerIndex), NonIndexed, not suspended, podReplacementPolicy TerminatingOrFailed
 * (Failed with a podFailurePolicy), manualSelector false; template labels become the Job's labels
 * when it has none.
 */
export function defaultJob(job: batchV1.Job, opts: GroupDefaultingOptions = {}): batchV1.Job {
  if (!job.spec) return job;
  const templateLabels = job.spec.template?.metadata?.labels;
  if (templateLabels && Object.keys(job.metadata?.labels ?? {}).length === 0) {
    job.metadata ??= {};
    job.metadata.labels = { ...templateLabels };
  }
  defaultJobSpec(job.spec, opts);
  return job;
}

/** CronJob: Allow, not suspended, history limits 3 and 1, and Job defaults inside the template. */
export function defaultCronJob(cj: batchV1.CronJob, opts: GroupDefaultingOptions = {}): batchV1.CronJob {
  if (!cj.spec) return cj;
  const s = cj.spec;
  if (!s.concurrencyPolicy) s.concurrencyPolicy = 'Allow';
  s.suspend ??= false;
  s.successfulJobsHistoryLimit ??= 3;
  s.failedJobsHistoryLimit ??= 1;
  // Upstream's generated SetObjectDefaults_CronJob defaults the template's pod spec only, not its
  // JobSpec (SetDefaults_Job runs on Job objects); the CronJob controller's Jobs get them on create.
  defaultTemplate(s.jobTemplate?.spec?.template, opts);
  return cj;
}

/**
 * The Job strategy's PrepareForCreate step: unless `manualSelector` is true, label the pod
 * template with the Job's name and uid (legacy and `batch.kubernetes.io/` keys, never overriding
 * labels the user set) and select `batch.kubernetes.io/controller-uid=<uid>`. Needs name and uid.
 */
export function generateJobSelector(job: batchV1.Job): batchV1.Job {
  const spec = job.spec;
  if (!spec || spec.manualSelector === true) return job;
  const name = job.metadata?.name ?? '';
  const uid = job.metadata?.uid ?? '';
  spec.template ??= {};
  spec.template.metadata ??= {};
  const labels = (spec.template.metadata.labels ??= {});
  for (const key of ['job-name', 'batch.kubernetes.io/job-name']) if (!(key in labels)) labels[key] = name;
  for (const key of ['controller-uid', 'batch.kubernetes.io/controller-uid']) if (!(key in labels)) labels[key] = uid;
  spec.selector ??= {};
  const matchLabels = (spec.selector.matchLabels ??= {});
  if (!('batch.kubernetes.io/controller-uid' in matchLabels)) matchLabels['batch.kubernetes.io/controller-uid'] = uid;
  return job;
}
