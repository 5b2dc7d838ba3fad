/**
 * Setting one pod condition the way upstream's UpdatePodCondition does (lastTransitionTime moves
 * only when the status changes), for the pod-status writes of the node lifecycle, taint eviction
 * and pod GC controllers.
 */
import type { PodCondition, PodStatus } from '../../api/generated/core/v1.js';

/**
 * `status` with `cond` set (added, or replacing the condition of its type), and whether that
 * changed anything. `now` stamps lastTransitionTime when the condition is new or its status moved.
 */
export function withPodCondition(status: PodStatus | undefined, cond: PodCondition, now: string): { status: PodStatus; changed: boolean } {
  const conditions = [...(status?.conditions ?? [])];
  const idx = conditions.findIndex((c) => c.type === cond.type);
  const old = conditions[idx];
  if (!old) return { status: { ...status, conditions: [...conditions, { ...cond, lastTransitionTime: now }] }, changed: true };
  const next: PodCondition = { ...cond, lastTransitionTime: cond.status === old.status ? old.lastTransitionTime : now };
  if (old.lastProbeTime !== undefined && next.lastProbeTime === undefined) next.lastProbeTime = old.lastProbeTime;
  const changed = next.status !== old.status || (next.reason ?? '') !== (old.reason ?? '') || (next.message ?? '') !== (old.message ?? '') || next.lastTransitionTime !== old.lastTransitionTime;
  conditions[idx] = next;
  return { status: { ...status, conditions }, changed };
}
