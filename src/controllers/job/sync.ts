/**
 * One Job sync (upstream syncJob, as 1.32 runs it with JobPodReplacementPolicy and JobSuccessPolicy
 * on): count the pods, decide whether the Job fails (backoffLimit, restarts with OnFailure,
 * activeDeadlineSeconds) or succeeds (completions reached), otherwise keep its pods running, then
 * write status through the finalizer-tracking steps. A failing Job first gets FailureTarget and
 * a succeeding one SuccessCriteriaMet; Failed / Complete follow once no pod is left terminating.
 */
import type { Job } from '../../api/generated/batch/v1.js';
import type { Pod } from '../../api/generated/core/v1.js';
import { rfc3339 } from '../../api/time.js';
import { isPodActive, isPodReady } from '../util/pods.js';
import { ensureCondition, findCondition, isJobFinished, newCondition, toError, type JobDeps, type SyncContext } from './context.js';
import { parseIndexes } from './indexed.js';
import { deleteActivePods, manageJob } from './manage.js';
import { hasTrackingFinalizer, isPodFailed, isPodTerminating, pastBackoffLimitOnFailure, validIndex } from './pods.js';
import { trackStatusAndRemoveFinalizers } from './tracking.js';

const uidOf = (p: Pod) => p.metadata?.uid ?? '';

/** Syncs `job` (a mutable copy of the cached Job, kind set) whose claimed pods are `pods`. */
export async function syncJob(d: JobDeps, key: string, job: Job, pods: Pod[]): Promise<void> {
  if (isJobFinished(job)) return;
  const mode = job.spec?.completionMode ?? 'NonIndexed';
  if (mode !== 'NonIndexed' && mode !== 'Indexed') {
    d.events.record(job, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown');
    return;
  }
  const status = (job.status ??= {});
  const uncountedStatus = (status.uncountedTerminatedPods ??= {});
  const satisfied = d.expectations.satisfied(key);
  const active = pods.filter(isPodActive);
  const ctx: SyncContext = {
    key,
    job,
    pods,
    active,
    ready: active.filter(isPodReady).length,
    terminating: pods.filter(isPodTerminating).length,
    uncounted: { succeeded: new Set(uncountedStatus.succeeded ?? []), failed: new Set(uncountedStatus.failed ?? []) },
    expectedRm: d.finalizers.expected(key),
    succeeded: 0,
    failed: 0,
  };
  // Pods finished since the last count: still tracked, not yet in the uncounted lists.
  const fresh = (p: Pod, uncounted: ReadonlySet<string>) => hasTrackingFinalizer(p) && !uncounted.has(uidOf(p)) && !ctx.expectedRm.has(uidOf(p)) && (mode !== 'Indexed' || validIndex(p, job.spec?.completions ?? 0) !== undefined);
  const newSucceeded = pods.filter((p) => fresh(p, ctx.uncounted.succeeded) && p.status?.phase === 'Succeeded');
  const newFailed = pods.filter((p) => fresh(p, ctx.uncounted.failed) && isPodFailed(p, job));
  ctx.succeeded = (status.succeeded ?? 0) + newSucceeded.length + ctx.uncounted.succeeded.size;
  ctx.failed = (status.failed ?? 0) + newFailed.length + ctx.uncounted.failed.size;

  const now = d.now();
  const suspended = job.spec?.suspend === true;
  const starting = !status.startTime && !suspended;
  if (starting) status.startTime = rfc3339(now);

  const met = findCondition(job, 'SuccessCriteriaMet');
  if (met?.status === 'True') ctx.finished = met;
  const target = findCondition(job, 'FailureTarget');
  if (!ctx.finished && target?.status === 'True') ctx.finished = newCondition('Failed', target.reason ?? '', target.message ?? '', now);
  if (!ctx.finished) {
    const deadline = job.spec?.activeDeadlineSeconds;
    const started = status.startTime ? Date.parse(status.startTime) : undefined;
    if (ctx.failed > (job.spec?.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, pods)) {
      ctx.finished = newCondition('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now);
    } else if (deadline !== undefined && deadline !== null && started !== undefined && !suspended) {
      const left = started + deadline * 1000 - now;
      if (left <= 0) ctx.finished = newCondition('FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline', now);
      else d.requeue(key, left);
    }
  }
  if (mode === 'Indexed') {
    const completions = job.spec?.completions ?? 0;
    ctx.prevSucceededIndexes = new Set(parseIndexes(status.completedIndexes, completions));
    ctx.succeededIndexes = new Set(ctx.prevSucceededIndexes);
    for (const p of pods) {
      const ix = validIndex(p, completions);
      if (ix !== undefined && p.status?.phase === 'Succeeded' && hasTrackingFinalizer(p)) ctx.succeededIndexes.add(ix);
    }
    ctx.succeeded = ctx.succeededIndexes.size;
  }

  let activeCount = active.length;
  let manageError: unknown;
  let suspendChanged = false;
  if (ctx.finished) {
    const r = await deleteActivePods(d, ctx);
    // Not final while pods remain or may be missing from the cache.
    if (r.deleted !== activeCount || !satisfied) ctx.finished = undefined;
    activeCount -= r.deleted;
    ctx.terminating += r.deleted;
    ctx.ready -= r.deletedReady;
    manageError = r.error;
  } else {
    let managed = false;
    if (satisfied && !job.metadata?.deletionTimestamp) {
      const r = await manageJob(d, ctx);
      activeCount = r.active;
      manageError = r.error;
      managed = true;
    }
    const completions = job.spec?.completions;
    const complete = completions === undefined || completions === null ? ctx.succeeded > 0 && activeCount === 0 : ctx.succeeded >= completions && activeCount === 0;
    if (complete) {
      ctx.finished = newCondition('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods', now);
    } else if (managed) {
      if (suspended) {
        suspendChanged = ensureCondition(job, { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }, now);
        if (suspendChanged) d.events.record(job, 'Normal', 'Suspended', 'Job suspended');
      } else {
        suspendChanged = ensureCondition(job, { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed' }, now);
        if (suspendChanged) {
          d.events.record(job, 'Normal', 'Resumed', 'Job resumed');
          // activeDeadlineSeconds counts continuous activity: it restarts on resume.
          status.startTime = rfc3339(now);
        }
      }
    }
  }

  const needsFlush = starting || suspendChanged || activeCount !== (status.active ?? 0) || ctx.ready !== status.ready || ctx.terminating !== status.terminating;
  status.active = activeCount;
  status.ready = ctx.ready;
  status.terminating = ctx.terminating;
  await trackStatusAndRemoveFinalizers(d, ctx, needsFlush);
  if (manageError !== undefined) throw toError(manageError);
}
