/**
 * A Deployment's status and conditions (upstream deployment/progress.go, sync.go calculateStatus
 * and deployment/util's condition helpers). Available follows minimum availability; Progressing
 * records what the rollout last did (NewReplicaSetCreated, FoundNewReplicaSet, ReplicaSetUpdated,
 * NewReplicaSetAvailable) or that it stalled past progressDeadlineSeconds
 * (ProgressDeadlineExceeded), which is what `kubectl rollout status` reads. Pure functions.
 */
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from '../../api/generated/apps/v1.js';
import { rfc3339 } from '../../api/time.js';
import { maxUnavailable } from './fenceposts.js';
import { actualReplicaCount, availableReplicaCount, desiredOf, readyReplicaCount, specReplicaCount } from './replicasets.js';

export const PROGRESSING = 'Progressing';
export const AVAILABLE = 'Available';
export const REPLICA_FAILURE = 'ReplicaFailure';

/** Progressing / Available reasons, as upstream spells them. */
export const Reason = {
  newReplicaSet: 'NewReplicaSetCreated',
  foundNewReplicaSet: 'FoundNewReplicaSet',
  replicaSetUpdated: 'ReplicaSetUpdated',
  newReplicaSetAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  failedRSCreate: 'ReplicaSetCreateError',
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** progressDeadlineSeconds is set and not "forever" (MaxInt32). */
export const hasProgressDeadline = (d: Deployment): boolean => d.spec?.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== 2147483647;

/** A condition stamped `now` (both times). */
export function newCondition(type: string, status: string, reason: string, message: string, now: number): DeploymentCondition {
  const t = rfc3339(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export const getCondition = (s: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined => s?.conditions?.find((c) => c.type === type);

/** Removes the condition of `type` from `s`. */
export function removeCondition(s: DeploymentStatus, type: string): void {
  const rest = (s.conditions ?? []).filter((c) => c.type !== type);
  if (rest.length) s.conditions = rest;
  else delete s.conditions;
}

/**
 * Puts `c` in `s` (SetDeploymentCondition): no change when status and reason are the same; the
 * transition time is kept when only the reason changes. The condition moves to the end.
 */
export function setCondition(s: DeploymentStatus, c: DeploymentCondition): void {
  const cur = getCondition(s, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return;
  const next = cur && cur.status === c.status ? { ...c, lastTransitionTime: cur.lastTransitionTime } : c;
  s.conditions = [...(s.conditions ?? []).filter((x) => x.type !== c.type), next];
}

/** The counts of the Deployment's ReplicaSets, its observed generation, and the Available condition. */
export function calculateStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specReplicaCount(allRSs) - available),
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    ...(d.status?.conditions?.length ? { conditions: d.status.conditions.map((c) => ({ ...c })) } : {}),
  };
  // Zero counts are left out, as the API serializes them (omitempty).
  for (const k of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) if (status[k] === 0) delete status[k];
  if (available >= desiredOf(d) - maxUnavailable(d)) {
    setCondition(status, newCondition(AVAILABLE, 'True', Reason.minimumAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition(AVAILABLE, 'False', Reason.minimumUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

/** Every replica is updated and available, and the status reflects the current generation. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const want = desiredOf(d);
  return (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) === want && (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

/** The rollout moved since the last status: more updated, fewer old, more ready or available. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** No progress for progressDeadlineSeconds since the Progressing condition last moved. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, PROGRESSING);
  if (!c) return false;
  if (c.reason === Reason.newReplicaSetAvailable) return false;
  if (c.reason === Reason.timedOut) return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  return Number.isFinite(from) && from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < now;
}

/** The first ReplicaFailure among the ReplicaSets (the new one first), as a Deployment condition. */
export function replicaFailure(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): DeploymentCondition | undefined {
  for (const rs of [newRS, ...allRSs.filter((r) => r !== newRS)]) {
    const c = rs?.status?.conditions?.find((x) => x.type === REPLICA_FAILURE);
    if (c) return { type: c.type, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message };
  }
  return undefined;
}

/**
 * The status after a rollout step (syncRolloutStatus): counts, Available, Progressing moved to
 * complete / progressing / timed out, and ReplicaSet failures surfaced.
 */
export function rolloutStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const s = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(s, PROGRESSING);
  const current = getCondition(d.status, PROGRESSING);
  const complete = s.replicas === s.updatedReplicas && current?.reason === Reason.newReplicaSetAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const name = newRS?.metadata?.name;
    if (deploymentComplete(d, s)) {
      const msg = name ? `ReplicaSet "${name}" has successfully progressed.` : `Deployment "${d.metadata?.name ?? ''}" has successfully progressed.`;
      setCondition(s, newCondition(PROGRESSING, 'True', Reason.newReplicaSetAvailable, msg, now));
    } else if (deploymentProgressing(d, s)) {
      const msg = name ? `ReplicaSet "${name}" is progressing.` : `Deployment "${d.metadata?.name ?? ''}" is progressing.`;
      // Progress refreshes lastUpdateTime even with the same reason (that is what the deadline
      // counts from); the transition time stays while the status stays True.
      const c = newCondition(PROGRESSING, 'True', Reason.replicaSetUpdated, msg, now);
      if (current?.status === 'True') c.lastTransitionTime = current.lastTransitionTime;
      removeCondition(s, PROGRESSING);
      setCondition(s, c);
    } else if (deploymentTimedOut(d, s, now)) {
      const msg = name ? `ReplicaSet "${name}" has timed out progressing.` : `Deployment "${d.metadata?.name ?? ''}" has timed out progressing.`;
      setCondition(s, newCondition(PROGRESSING, 'False', Reason.timedOut, msg, now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(s, failure);
  else removeCondition(s, REPLICA_FAILURE);
  return s;
}

/**
 * When to look again at a rollout that shows no progress, so it times out on time
 * (requeueStuckDeployment): ms until the deadline passes, or undefined when nothing is pending.
 */
export function stuckRequeueMs(d: Deployment, s: DeploymentStatus, now: number): number | undefined {
  const c = getCondition(d.status, PROGRESSING);
  if (!hasProgressDeadline(d) || !c) return undefined;
  if (deploymentComplete(d, s) || c.reason === Reason.timedOut) return undefined;
  const after = Date.parse(c.lastUpdateTime ?? '') + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - now;
  if (!Number.isFinite(after)) return undefined;
  return after < 1000 ? 0 : after + 1000;
}
