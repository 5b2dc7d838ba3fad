/**
 * A replica owner's status (upstream replica_set_utils.go): counts of its pods that exist, carry
 * all the template's labels, are Ready, and are available (Ready for minReadySeconds); the
 * generation they reflect; and a ReplicaFailure condition while pod creates or deletes fail.
 * Written only when something changed, retried once on a fresh read.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Pod } from '../../api/generated/core/v1.js';
import { LabelSelector } from '../../api/selectors.js';
import { rfc3339 } from '../../api/time.js';
import type { ResourceClient } from '../../client/resource.js';
import { isPodAvailable, isPodReady, readySince } from '../util/pods.js';
import { minReadySeconds, type ReplicaCondition, type ReplicaOwner, type ReplicaStatus } from './kinds.js';

/** The condition type reporting failed pod creates/deletes. */
export const REPLICA_FAILURE = 'ReplicaFailure';

/** Options of {@link calculateStatus}. */
export interface StatusInput {
  owner: ReplicaOwner;
  /** The active pods the owner controls. */
  pods: readonly Pod[];
  /** What manageReplicas returned, when it ran. */
  manage?: { diff: number; error?: Error };
  now: number;
}

/** The status the owner should have (observedGeneration is the owner's generation). */
export function calculateStatus(i: StatusInput): ReplicaStatus {
  const templateLabels = LabelSelector.fromSet(i.owner.spec?.template?.metadata?.labels);
  const minReady = minReadySeconds(i.owner);
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const p of i.pods) {
    if (templateLabels.matches(p.metadata?.labels ?? {})) fullyLabeled++;
    if (isPodReady(p)) ready++;
    if (isPodAvailable(p, minReady, i.now)) available++;
  }
  let conditions: ReplicaCondition[] = [...(i.owner.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  const error = i.manage?.error;
  if (error !== undefined && !failure) {
    conditions.push({
      type: REPLICA_FAILURE,
      status: 'True',
      lastTransitionTime: rfc3339(i.now),
      reason: (i.manage?.diff ?? 0) < 0 ? 'FailedCreate' : 'FailedDelete',
      message: error.message,
    });
  } else if (error === undefined && failure) {
    conditions = conditions.filter((c) => c !== failure);
  }
  // Zero counts are left out, as the API serializes them (omitempty).
  return {
    replicas: i.pods.length,
    ...(fullyLabeled ? { fullyLabeledReplicas: fullyLabeled } : {}),
    ...(ready ? { readyReplicas: ready } : {}),
    ...(available ? { availableReplicas: available } : {}),
    observedGeneration: i.owner.metadata?.generation ?? 0,
    ...(conditions.length ? { conditions } : {}),
  };
}

/** True when writing `status` would change nothing. */
export function statusUnchanged(owner: ReplicaOwner, status: ReplicaStatus): boolean {
  const s = owner.status;
  return (
    (s?.replicas ?? 0) === status.replicas &&
    (s?.fullyLabeledReplicas ?? 0) === (status.fullyLabeledReplicas ?? 0) &&
    (s?.readyReplicas ?? 0) === (status.readyReplicas ?? 0) &&
    (s?.availableReplicas ?? 0) === (status.availableReplicas ?? 0) &&
    (s?.observedGeneration ?? 0) === (owner.metadata?.generation ?? 0) &&
    isDeepStrictEqual(s?.conditions ?? [], status.conditions ?? [])
  );
}

/** Writes the status unless unchanged; after a failed write, re-reads the owner and tries once more. */
export async function updateStatus<T extends ReplicaOwner>(client: ResourceClient<T>, owner: T, status: ReplicaStatus): Promise<T> {
  if (statusUnchanged(owner, status)) return owner;
  let current = owner;
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.updateStatus({ ...current, status });
    } catch (e) {
      if (attempt >= 1) throw e;
      current = await client.get(owner.metadata?.name ?? '', { namespace: owner.metadata?.namespace });
    }
  }
}

/**
 * Milliseconds until the first Ready pod that is not yet available becomes available, or
 * undefined when no pod is waiting out minReadySeconds.
 */
export function nextAvailableIn(pods: readonly Pod[], minReady: number, now: number): number | undefined {
  if (minReady <= 0) return undefined;
  let next: number | undefined;
  for (const p of pods) {
    const since = readySince(p);
    if (since === undefined || isPodAvailable(p, minReady, now)) continue;
    const wait = Math.max(0, since + minReady * 1000 - now);
    next = next === undefined ? wait : Math.min(next, wait);
  }
  return next;
}
