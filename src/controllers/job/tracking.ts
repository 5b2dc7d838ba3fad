/**
 * Counting finished pods exactly once (upstream trackJobStatusAndRemoveFinalizers): a finished pod
 * keeps the job-tracking finalizer, so its object cannot vanish before it is counted. Each sync
 * 1. writes the uids of newly finished pods into status.uncountedTerminatedPods,
 * 2. removes their finalizers (a pod already gone counts as removed),
 * 3. moves the uids whose pods no longer carry the finalizer into status.succeeded / failed,
 * 4. adds Complete / Failed once nothing is uncounted or terminating.
 * A crash between any two steps is safe: a uid in the uncounted list is counted exactly when its
 * finalizer is gone, and a pod without the finalizer is never counted again.
 */
import type { Job } from '../../api/generated/batch/v1.js';
import type { Pod } from '../../api/generated/core/v1.js';
import { isNotFound } from '../../api/errors.js';
import { resources } from '../../client/resources.js';
import { withKind } from '../util/owner.js';
import { ensureCondition, findCondition, newCondition, toError, type JobDeps, type SyncContext } from './context.js';
import { completionIndex, formatIndexes } from './indexed.js';
import { hasTrackingFinalizer, isPodFailed, removeFinalizerPatch, validIndex } from './pods.js';

/** Uids added to uncountedTerminatedPods per sync at most (keeps status small, upstream MaxUncountedPods). */
export const MAX_UNCOUNTED = 500;

const uidOf = (p: Pod) => p.metadata?.uid ?? '';

/** The status as Go serialises it: zero counters omitted, empty uncounted lists dropped. */
function compacted(job: Job): Job {
  const status = { ...(job.status ?? {}) };
  for (const k of ['active', 'succeeded', 'failed'] as const) if (status[k] === 0) delete status[k];
  const u = status.uncountedTerminatedPods ?? {};
  status.uncountedTerminatedPods = { ...(u.succeeded?.length ? { succeeded: u.succeeded } : {}), ...(u.failed?.length ? { failed: u.failed } : {}) };
  return { ...job, status };
}

/** Writes the working copy's status; the server's answer becomes the working copy. */
export async function writeStatus(d: JobDeps, ctx: SyncContext): Promise<void> {
  const before = ctx.job.metadata?.resourceVersion;
  const written = await d.jobs.updateStatus(compacted(ctx.job), { namespace: ctx.job.metadata?.namespace });
  d.statusWritten(ctx.key, before, written.metadata?.resourceVersion);
  ctx.job = withKind(written, resources.jobs);
  ctx.job.status ??= {};
}

/** Moves uncounted uids whose pods lost the finalizer into the counters; true if anything moved. */
function moveCounted(job: Job, withFinalizer: ReadonlySet<string>): boolean {
  const status = (job.status ??= {});
  const u = (status.uncountedTerminatedPods ??= {});
  let changed = false;
  const keepS = (u.succeeded ?? []).filter((x) => withFinalizer.has(x));
  if (keepS.length !== (u.succeeded ?? []).length) {
    status.succeeded = (status.succeeded ?? 0) + (u.succeeded ?? []).length - keepS.length;
    u.succeeded = keepS;
    changed = true;
  }
  const keepF = (u.failed ?? []).filter((x) => withFinalizer.has(x));
  if (keepF.length !== (u.failed ?? []).length) {
    status.failed = (status.failed ?? 0) + (u.failed ?? []).length - keepF.length;
    u.failed = keepF;
    changed = true;
  }
  return changed;
}

/** A finalizer may go when the Job is being deleted or heading to its end, or the pod succeeded or counts as failed. */
const canRemoveFinalizer = (ctx: SyncContext, p: Pod, failed: boolean) => !!ctx.job.metadata?.deletionTimestamp || ctx.finished !== undefined || p.status?.phase === 'Succeeded' || failed;

/** Removes the tracking finalizer from `pods`; returns the uids done (or gone) and the first error. */
export async function removeFinalizers(d: JobDeps, key: string, pods: readonly Pod[]): Promise<{ removed: string[]; error?: unknown }> {
  d.finalizers.expect(key, pods.map(uidOf));
  const removed: string[] = [];
  let error: unknown;
  await Promise.all(
    pods.map(async (p) => {
      const patch = removeFinalizerPatch(p);
      if (!patch) return;
      try {
        await d.pods.patch(p.metadata?.name ?? '', patch, { type: 'json', namespace: p.metadata?.namespace });
        removed.push(uidOf(p));
      } catch (e) {
        // No pod update will come for this removal: stop expecting it.
        d.finalizers.observed(key, uidOf(p));
        if (isNotFound(e)) removed.push(uidOf(p));
        else error ??= e;
      }
    }),
  );
  return { removed, error };
}

/** Adds the terminal condition (and completionTime) once nothing is uncounted or terminating; true if it did. */
function enactFinished(d: JobDeps, ctx: SyncContext): boolean {
  const f = ctx.finished;
  if (!f) return false;
  const u = ctx.job.status?.uncountedTerminatedPods;
  if ((u?.succeeded?.length ?? 0) + (u?.failed?.length ?? 0) > 0) return false;
  if (ctx.terminating > 0) return false;
  ensureCondition(ctx.job, { type: f.type, status: f.status, reason: f.reason ?? '', message: f.message ?? '' }, d.now());
  if (f.type === 'Complete') (ctx.job.status ??= {}).completionTime = f.lastTransitionTime;
  return true;
}

function recordFinished(d: JobDeps, ctx: SyncContext): void {
  const f = ctx.finished;
  if (!f) return;
  if (f.type === 'Complete') {
    const completions = ctx.job.spec?.completions;
    if (completions !== undefined && completions !== null && (ctx.job.status?.succeeded ?? 0) > completions) {
      d.events.record(ctx.job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
    }
    d.events.record(ctx.job, 'Normal', 'Completed', 'Job completed');
  } else {
    d.events.record(ctx.job, 'Warning', f.reason ?? '', f.message ?? '');
  }
}

/** Steps 1–4 above; `needsFlush` says the sync already changed status. */
export async function trackStatusAndRemoveFinalizers(d: JobDeps, ctx: SyncContext, needsFlush: boolean): Promise<void> {
  const indexed = ctx.job.spec?.completionMode === 'Indexed';
  const completions = ctx.job.spec?.completions ?? 0;
  const pods = indexed ? [...ctx.pods].sort((a, b) => (completionIndex(a) ?? Infinity) - (completionIndex(b) ?? Infinity)) : ctx.pods;
  const withFinalizer = new Set(pods.filter((p) => hasTrackingFinalizer(p) && !ctx.expectedRm.has(uidOf(p))).map(uidOf));
  let flush = moveCounted(ctx.job, withFinalizer) || needsFlush;
  const uncounted = ((ctx.job.status ??= {}).uncountedTerminatedPods ??= {});
  const succeededUids = (uncounted.succeeded ??= []);
  const failedUids = (uncounted.failed ??= []);
  const toRemove: Pod[] = [];
  const newIndexes: number[] = [];
  let reachedMax = false;
  for (const p of pods) {
    const id = uidOf(p);
    if (!hasTrackingFinalizer(p) || ctx.expectedRm.has(id)) continue;
    const failed = isPodFailed(p, ctx.job);
    if (!canRemoveFinalizer(ctx, p, failed)) continue;
    toRemove.push(p);
    if (p.status?.phase === 'Succeeded' && !ctx.uncounted.failed.has(id)) {
      if (indexed) {
        const ix = validIndex(p, completions);
        if (ix !== undefined && !ctx.prevSucceededIndexes?.has(ix)) {
          newIndexes.push(ix);
          flush = true;
        }
      } else if (!ctx.uncounted.succeeded.has(id)) {
        succeededUids.push(id);
        flush = true;
      }
    } else if (failed || (ctx.finished && ctx.finished.type !== 'SuccessCriteriaMet' && ctx.finished.type !== 'Complete')) {
      // Once the Job is failing, every pod not succeeded counts as failed.
      if (!ctx.uncounted.failed.has(id) && (!indexed || validIndex(p, completions) !== undefined)) {
        failedUids.push(id);
        flush = true;
      }
    }
    if (newIndexes.length + succeededUids.length + failedUids.length >= MAX_UNCOUNTED) {
      reachedMax = true;
      break;
    }
  }
  if (indexed) {
    const done = ctx.succeededIndexes ?? new Set<number>();
    for (const ix of newIndexes) done.add(ix);
    const text = formatIndexes([...done].sort((a, b) => a - b));
    if (text !== (ctx.job.status.completedIndexes ?? '')) flush = true;
    ctx.job.status.succeeded = done.size;
    ctx.job.status.completedIndexes = text;
  }
  const now = d.now();
  if (ctx.finished?.type === 'FailureTarget') {
    // Record why the Job fails before the finalizers that keep its pods countable go.
    (ctx.job.status.conditions ??= []).push(ctx.finished);
    flush = true;
    ctx.finished = newCondition('Failed', ctx.finished.reason ?? '', ctx.finished.message ?? '', now);
  }
  if (ctx.finished?.type === 'SuccessCriteriaMet') {
    if (!findCondition(ctx.job, 'SuccessCriteriaMet')) {
      (ctx.job.status.conditions ??= []).push(ctx.finished);
      flush = true;
    }
    ctx.finished = newCondition('Complete', ctx.finished.reason ?? '', ctx.finished.message ?? '', now);
  }

  // Uncounted uids and interim conditions must be stored before any finalizer goes; with no
  // finalizer to remove, one write at the end does.
  if (flush && toRemove.length > 0) {
    await writeStatus(d, ctx);
    flush = false;
  }
  const { removed, error } = toRemove.length > 0 ? await removeFinalizers(d, ctx.key, toRemove) : { removed: [], error: undefined };
  for (const id of removed) withFinalizer.delete(id);
  if (moveCounted(ctx.job, withFinalizer)) flush = true;
  if (error !== undefined) {
    if (flush) await writeStatus(d, ctx);
    throw toError(error);
  }
  const finished = !reachedMax && enactFinished(d, ctx);
  if (finished || flush) {
    await writeStatus(d, ctx);
    if (finished) recordFinished(d, ctx);
  }
}
