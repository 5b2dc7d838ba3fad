/**
 * Keeping the right number of a Job's pods running (upstream manageJob): as many as parallelism
 * allows and completions still need, none while suspended; creation waits out the failure backoff
 * and goes in slow-start batches; surplus pods lose their finalizer (they are not failures) and
 * are deleted, least advanced first.
 */
import { isNotFound } from '../../api/errors.js';
import type { Job } from '../../api/generated/batch/v1.js';
import type { Pod } from '../../api/generated/core/v1.js';
import { resources } from '../../client/resources.js';
import { newControllerRef } from '../util/owner.js';
import { createPodFromTemplate, isPodReady, podKey } from '../util/pods.js';
import { slowStartBatch } from '../util/batch.js';
import type { JobDeps, SyncContext } from './context.js';
import { firstPendingIndexes, templateForIndex } from './indexed.js';
import { activePodsForRemoval, creationBackoffRemaining, removeFinalizerPatch, TRACKING_FINALIZER } from './pods.js';
import { errorText } from '../../util/errors.js';

/** At most this many pods are created or deleted per sync (upstream MaxPodCreateDeletePerSync). */
export const MAX_POD_CHANGES_PER_SYNC = 500;
/** The minimum requeue delay for a Job waiting on backoff (upstream syncJobBatchPeriod). */
export const SYNC_BATCH_MS = 1000;

const message = (e: unknown) => errorText(e);

/** Deletes pods of a running Job (surplus or suspended): finalizer first, so they are not counted as failures. */
async function deleteJobPods(d: JobDeps, ctx: SyncContext, pods: readonly Pod[]): Promise<{ removed: number; removedReady: number; error?: unknown }> {
  let removed = 0;
  let removedReady = 0;
  let error: unknown;
  await Promise.all(
    pods.map(async (p) => {
      const name = p.metadata?.name ?? '';
      const namespace = p.metadata?.namespace;
      try {
        const patch = removeFinalizerPatch(p);
        if (patch) await d.pods.patch(name, patch, { type: 'json', namespace });
        await d.pods.delete(name, { namespace });
        d.events.record(ctx.job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
      } catch (e) {
        // The informer will never see this deletion.
        d.expectations.deletionObserved(ctx.key, podKey(p));
        if (!isNotFound(e)) {
          d.events.record(ctx.job, 'Warning', 'FailedDelete', `Error deleting: ${message(e)}`);
          error ??= e;
          return;
        }
      }
      removed++;
      if (isPodReady(p)) removedReady++;
    }),
  );
  return { removed, removedReady, error };
}

/** Deletes the active pods of a failing or finished Job, keeping finalizers: they are counted once they terminate. */
export async function deleteActivePods(d: JobDeps, ctx: SyncContext): Promise<{ deleted: number; deletedReady: number; error?: unknown }> {
  let deleted = 0;
  let deletedReady = 0;
  let error: unknown;
  await Promise.all(
    ctx.active.map(async (p) => {
      const name = p.metadata?.name ?? '';
      try {
        await d.pods.delete(name, { namespace: p.metadata?.namespace });
        d.events.record(ctx.job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
      } catch (e) {
        if (!isNotFound(e)) {
          d.events.record(ctx.job, 'Warning', 'FailedDelete', `Error deleting: ${message(e)}`);
          error ??= e;
          return;
        }
      }
      deleted++;
      if (isPodReady(p)) deletedReady++;
    }),
  );
  return { deleted, deletedReady, error };
}

/** Creates `count` pods (one per index for Indexed Jobs) in batches of 1, 2, 4, …, stopping after a batch with a failure. */
async function createPods(d: JobDeps, ctx: SyncContext, count: number, indexes: number[] | undefined): Promise<{ created: number; error?: unknown }> {
  const job = ctx.job;
  const name = job.metadata?.name ?? '';
  const namespace = job.metadata?.namespace ?? '';
  const base = structuredClone(job.spec?.template ?? {});
  const meta = (base.metadata ??= {});
  if (!(meta.finalizers ?? []).includes(TRACKING_FINALIZER)) meta.finalizers = [...(meta.finalizers ?? []), TRACKING_FINALIZER];
  const owner = newControllerRef(job, resources.jobs);
  const slots = Array.from({ length: count }, (_, i) => indexes?.[i]);
  const { successes, error } = await slowStartBatch(slots, async (ix) => {
    const template = ix === undefined ? base : templateForIndex(base, name, ix);
    try {
      const pod = await createPodFromTemplate({ pods: d.pods, namespace, template, owner, generateName: ix === undefined ? `${name}-` : `${name}-${ix}-` });
      d.events.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name ?? ''}`);
    } catch (e) {
      d.events.record(job, 'Warning', 'FailedCreate', `Error creating: ${message(e)}`);
      throw e;
    }
  });
  // Pods that failed or were never tried (the rest would likely fail the same way; a later sync retries) will not show up.
  for (let i = successes; i < count; i++) d.expectations.creationObserved(ctx.key);
  return { created: successes, error };
}

/** Brings the active pods to what the Job wants; returns the new active count and the first API error (after acting on the rest). */
export async function manageJob(d: JobDeps, ctx: SyncContext): Promise<{ active: number; error?: unknown }> {
  const job: Job = ctx.job;
  const active = ctx.active.length;
  const parallelism = job.spec?.parallelism ?? 1;
  const completions = job.spec?.completions;
  const indexed = job.spec?.completionMode === 'Indexed';

  const remove = async (pods: Pod[]) => {
    d.expectations.expectDeletions(ctx.key, pods.map(podKey));
    const r = await deleteJobPods(d, ctx, pods);
    ctx.terminating += r.removed;
    ctx.ready -= r.removedReady;
    return { active: active - r.removed, error: r.error };
  };

  if (job.spec?.suspend === true) return remove(activePodsForRemoval(job, ctx.active, active));

  let want: number;
  if (completions === undefined || completions === null) want = ctx.succeeded > 0 ? active : parallelism;
  else want = Math.max(0, Math.min(completions - ctx.succeeded, parallelism));

  const surplus = activePodsForRemoval(job, ctx.active, Math.max(0, active - want)).slice(0, MAX_POD_CHANGES_PER_SYNC);
  // Deleting and creating in one sync could fight over indexes; deletion goes first.
  if (surplus.length > 0) return remove(surplus);

  const waitingFor = job.spec?.podReplacementPolicy === 'Failed' ? ctx.terminating : 0;
  let diff = want - waitingFor - active;
  if (diff <= 0) return { active };
  const backoff = creationBackoffRemaining(job, ctx.pods, d.now());
  if (backoff > 0) {
    d.requeue(ctx.key, Math.max(backoff, SYNC_BATCH_MS));
    return { active };
  }
  diff = Math.min(diff, MAX_POD_CHANGES_PER_SYNC);
  let indexes: number[] | undefined;
  if (indexed) {
    indexes = firstPendingIndexes(ctx.succeededIndexes ?? new Set(), ctx.active, diff, completions ?? 0);
    diff = indexes.length;
    if (diff === 0) return { active };
  }
  d.expectations.expectCreations(ctx.key, diff);
  const r = await createPods(d, ctx, diff, indexes);
  return { active: active + r.created, error: r.error };
}
