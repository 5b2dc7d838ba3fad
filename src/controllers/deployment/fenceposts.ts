/**
 * The numbers a rollout moves by (upstream deployment/util): maxSurge rounds up and maxUnavailable
 * down from percentages of spec.replicas (both 0 would deadlock, so unavailable becomes 1), how
 * far the new ReplicaSet may grow, and each ReplicaSet's share when a Deployment is scaled
 * mid-rollout (proportional scaling, rounded half away from zero as Go's math.Round).
 */
import type { Deployment, ReplicaSet } from '../../api/generated/apps/v1.js';
import type { IntOrString } from '../../api/generated/apimachinery/intstr.js';
import { MAX_REPLICAS, desiredOf, replicasOf, specReplicaCount } from './replicasets.js';

/** `v` as a count: an int as is, `"N%"` of `total` rounded up or down. Anything else is an error. */
export function scaledValue(v: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage: ${JSON.stringify(v)}`);
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** maxSurge and maxUnavailable as counts for `desired` replicas; never both 0. */
export function resolveFenceposts(surge: IntOrString | undefined, unavailable: IntOrString | undefined, desired: number): { surge: number; unavailable: number } {
  const s = scaledValue(surge, desired, true);
  const u = scaledValue(unavailable, desired, false);
  return s === 0 && u === 0 ? { surge: 0, unavailable: 1 } : { surge: s, unavailable: u };
}

/** The strategy is RollingUpdate (the default). */
export const isRollingUpdate = (d: Deployment): boolean => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

const fenceposts = (d: Deployment) => resolveFenceposts(d.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%', d.spec?.strategy?.rollingUpdate?.maxUnavailable ?? '25%', desiredOf(d));

/** How many pods above spec.replicas a rolling update may run (0 for Recreate). */
export const maxSurge = (d: Deployment): number => (isRollingUpdate(d) ? fenceposts(d).surge : 0);

/** How many of spec.replicas may be unavailable during a rolling update (0 for Recreate), at most spec.replicas. */
export function maxUnavailable(d: Deployment): number {
  if (!isRollingUpdate(d) || desiredOf(d) === 0) return 0;
  return Math.min(fenceposts(d).unavailable, desiredOf(d));
}

/** The size the new ReplicaSet may grow to now: up to spec.replicas, within the surge. */
export function newRSNewReplicas(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return desiredOf(d);
  const current = specReplicaCount(allRSs);
  const maxTotal = desiredOf(d) + maxSurge(d);
  if (current >= maxTotal) return replicasOf(newRS);
  return replicasOf(newRS) + Math.min(maxTotal - current, desiredOf(d) - replicasOf(newRS));
}

/** Go's math.Round: halves away from zero. */
export const roundHalfAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

/** What `rs` should gain (or lose) of a proportional scale, from its max-replicas annotation. */
function fraction(rs: ReplicaSet, d: Deployment): number {
  if (desiredOf(d) === 0) return -replicasOf(rs);
  const deploymentReplicas = desiredOf(d) + maxSurge(d);
  const annotated = Number(rs.metadata?.annotations?.[MAX_REPLICAS] ?? 'x');
  // Without the annotation fall back to the current size: inexact, but the min/max in
  // proportionFor still keeps the total within bounds.
  const base = Number.isInteger(annotated) ? annotated : (d.status?.replicas ?? 0);
  if (base === 0) return 0;
  return roundHalfAway((replicasOf(rs) * deploymentReplicas) / base) - replicasOf(rs);
}

/** `rs`'s share of `toAdd` replicas (negative when removing), given `added` already handed out (GetProportion). */
export function proportionFor(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const f = fraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(f, allowed) : Math.max(f, allowed);
}
