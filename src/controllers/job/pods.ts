/**
 * Pod facts the Job controller decides on (upstream job_controller.go and backoff_utils.go): the
 * job-tracking finalizer, which pods count as failed, when a pod finished, the pod-creation
 * backoff after failures, restart counts against backoffLimit, and which active pods go first.
 */
import type { Job } from '../../api/generated/batch/v1.js';
import type { Pod } from '../../api/generated/core/v1.js';
import { byDeletionCost, isPodTerminal } from '../util/pods.js';
import { completionIndex, duplicateIndexPods } from './indexed.js';

/** The finalizer that keeps a Job's pod object until the controller has counted it. */
export const TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** First delay before recreating pods after a failure; doubles per failure (upstream DefaultJobPodFailureBackOff). */
export const POD_FAILURE_BACKOFF_MS = 10_000;
/** The most that delay grows to (upstream MaxJobPodFailureBackOff). */
export const MAX_POD_FAILURE_BACKOFF_MS = 600_000;

export const hasTrackingFinalizer = (p: Pod): boolean => p.metadata?.finalizers?.includes(TRACKING_FINALIZER) ?? false;

/** Only failed pods are replaced (podReplacementPolicy Failed, the default with a podFailurePolicy). */
export const onlyReplaceFailedPods = (job: Job): boolean => job.spec?.podReplacementPolicy === 'Failed' || job.spec?.podFailurePolicy !== undefined;

/**
 * Failed for counting: phase Failed, or being deleted without having succeeded (an orphaned or
 * evicted pod may never reach Failed), unless only failed pods are replaced.
 */
export function isPodFailed(p: Pod, job: Job): boolean {
  if (p.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded';
}

/** Being deleted but not finished yet. */
export const isPodTerminating = (p: Pod): boolean => !!p.metadata?.deletionTimestamp && !isPodTerminal(p);

const parse = (t: string | undefined) => (t ? Date.parse(t) : NaN);

/** When the pod finished: its containers' last finishedAt, else Ready turning False, else its deletion, else `now`. */
export function podFinishTime(p: Pod, now: number): number {
  let latest = NaN;
  for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
    const t = parse(s.state?.terminated?.finishedAt);
    if (!Number.isNaN(t) && (Number.isNaN(latest) || t > latest)) latest = t;
  }
  if (!Number.isNaN(latest)) return latest;
  const ready = p.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False');
  const fallback = [parse(ready?.lastTransitionTime), parse(p.metadata?.deletionTimestamp)].find((t) => !Number.isNaN(t));
  return fallback ?? now;
}

/**
 * How long pod creation must still wait after failures (ms, 0 for none): 10 s doubling per
 * failure since the last success, up to 10 min, counted from the last failure. Derived from the
 * pods themselves, so it survives a controller restart.
 */
export function creationBackoffRemaining(job: Job, pods: readonly Pod[], now: number): number {
  let lastSuccess = -Infinity;
  for (const p of pods) if (p.status?.phase === 'Succeeded') lastSuccess = Math.max(lastSuccess, podFinishTime(p, now));
  let failures = 0;
  let lastFailure = -Infinity;
  for (const p of pods) {
    if (!isPodFailed(p, job)) continue;
    const t = podFinishTime(p, now);
    if (t <= lastSuccess) continue;
    failures++;
    lastFailure = Math.max(lastFailure, t);
  }
  if (failures === 0) return 0;
  const backoff = Math.min(POD_FAILURE_BACKOFF_MS * 2 ** (failures - 1), MAX_POD_FAILURE_BACKOFF_MS);
  return Math.max(0, lastFailure + backoff - now);
}

/** restartPolicy OnFailure: container restarts of running and pending pods reach backoffLimit. */
export function pastBackoffLimitOnFailure(job: Job, pods: readonly Pod[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const s of [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])]) restarts += s.restartCount;
  }
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/**
 * The active pods to delete to get down by `atLeast`: for an Indexed Job first those with a
 * missing, out-of-range or repeated index, then the least advanced (unscheduled, pending, not ready).
 */
export function activePodsForRemoval(job: Job, active: readonly Pod[], atLeast: number): Pod[] {
  let remove: Pod[] = [];
  let left = [...active];
  if (job.spec?.completionMode === 'Indexed') ({ remove, left } = duplicateIndexPods(active, job.spec.completions ?? 0));
  if (remove.length < atLeast) remove = [...remove, ...left.sort(byDeletionCost).slice(0, atLeast - remove.length)];
  return remove;
}

/** A JSON patch removing the tracking finalizer, guarded by a test so a concurrent change fails instead of removing another entry. */
export function removeFinalizerPatch(p: Pod): unknown[] | undefined {
  const i = p.metadata?.finalizers?.indexOf(TRACKING_FINALIZER) ?? -1;
  if (i < 0) return undefined;
  return [
    { op: 'test', path: `/metadata/finalizers/${i}`, value: TRACKING_FINALIZER },
    { op: 'remove', path: `/metadata/finalizers/${i}` },
  ];
}

/** A JSON patch adding the tracking finalizer to an adopted pod (guarded by its uid). */
export function addFinalizerPatch(p: Pod): unknown[] {
  const guard = { op: 'test', path: '/metadata/uid', value: p.metadata?.uid };
  return p.metadata?.finalizers ? [guard, { op: 'add', path: '/metadata/finalizers/-', value: TRACKING_FINALIZER }] : [guard, { op: 'add', path: '/metadata/finalizers', value: [TRACKING_FINALIZER] }];
}

/** The pod's completion index when it is valid for `completions`, else undefined. */
export function validIndex(p: Pod, completions: number): number | undefined {
  const ix = completionIndex(p);
  return ix !== undefined && ix < completions ? ix : undefined;
}
