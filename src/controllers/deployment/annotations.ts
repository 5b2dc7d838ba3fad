/**
 * The annotations a Deployment keeps on its ReplicaSets (upstream deployment/util
 * SetNewReplicaSetAnnotations and friends): the Deployment's own annotations copied over (so
 * `kubectl rollout history` finds kubernetes.io/change-cause on each revision), the revision —
 * raised to max+1 when an old template becomes current again, its earlier numbers kept in
 * revision-history — and desired/max replicas, which proportional scaling reads back.
 * All functions change the (mutable, copied) ReplicaSet given and say whether they did.
 */
import type { Deployment, ReplicaSet } from '../../api/generated/apps/v1.js';
import { maxSurge } from './fenceposts.js';
import { DESIRED_REPLICAS, MAX_REPLICAS, REVISION, REVISION_HISTORY, desiredOf } from './replicasets.js';

/** Revision history is capped at about 100 entries (upstream's maxRevHistoryLengthInChars). */
export const MAX_REVISION_HISTORY_CHARS = 2000;

/** Deployment annotations that are not copied to ReplicaSets. */
const SKIP_COPY = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, 'deprecated.deployment.rollback.to']);

const annotationsOf = (rs: ReplicaSet): Record<string, string> => {
  rs.metadata ??= {};
  return (rs.metadata.annotations ??= {});
};

/** Copies the Deployment's annotations (but the skipped ones) onto `rs`, overwriting differing values. */
export function copyDeploymentAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  let changed = false;
  const target = annotationsOf(rs);
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (SKIP_COPY.has(k) || target[k] === v) continue;
    target[k] = v;
    changed = true;
  }
  return changed;
}

/** Sets the desired- and max-replicas annotations. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = annotationsOf(rs);
  let changed = false;
  if (a[DESIRED_REPLICAS] !== String(desired)) {
    a[DESIRED_REPLICAS] = String(desired);
    changed = true;
  }
  if (a[MAX_REPLICAS] !== String(max)) {
    a[MAX_REPLICAS] = String(max);
    changed = true;
  }
  return changed;
}

/** Whether the desired/max annotations differ from these values. */
export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations ?? {};
  return a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
}

/** Desired and max replicas for `d` now: spec.replicas and spec.replicas + maxSurge. */
export const replicasAnnotationsFor = (d: Deployment): { desired: number; max: number } => ({ desired: desiredOf(d), max: desiredOf(d) + maxSurge(d) });

/**
 * Brings the new ReplicaSet's annotations up to date: copied Deployment annotations, revision
 * raised to `newRevision` if lower (remembering the old number), and for a ReplicaSet about to be
 * created (`exists` false) the replicas annotations.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean, historyLimit = MAX_REVISION_HISTORY_CHARS): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = annotationsOf(rs);
  const oldRevision = a[REVISION];
  const oldNumber = oldRevision === undefined ? 0 : Number(oldRevision);
  if (!Number.isInteger(oldNumber)) return changed;
  if (oldNumber < newRevision) {
    a[REVISION] = String(newRevision);
    changed = true;
    // Rolled back to: keep the numbers this template had before.
    if (oldRevision !== undefined) {
      const history = a[REVISION_HISTORY] ?? '';
      let entries = history === '' ? [] : history.split(',');
      let total = history.length + oldRevision.length + 1;
      while (total > historyLimit && entries.length > 0) {
        total -= (entries[0]?.length ?? 0) + 1;
        entries = entries.slice(1);
      }
      if (total <= historyLimit) a[REVISION_HISTORY] = [...entries, oldRevision].join(',');
    }
  }
  if (!exists) {
    const { desired, max } = replicasAnnotationsFor(d);
    setReplicasAnnotations(rs, desired, max);
    changed = true;
  }
  return changed;
}
