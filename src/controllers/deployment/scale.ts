/**
 * Scaling a Deployment outside a rollout step (upstream sync.go scale / isScalingEvent): with one
 * active ReplicaSet it simply takes spec.replicas; with a saturated new ReplicaSet the old ones go
 * to zero; mid-rollout the change is shared out proportionally to each active ReplicaSet's size
 * (larger first; newer first when growing, older first when shrinking), leftovers to the largest.
 */
import { isRollingUpdate, maxSurge, proportionFor } from './fenceposts.js';
import { DESIRED_REPLICAS, bySizeNewer, bySizeOlder, desiredOf, filterActive, findActiveOrLatest, isSaturated, replicasOf, specReplicaCount } from './replicasets.js';
import type { DeploymentSync, ReplicaSets } from './sync.js';

/** Some active ReplicaSet was last sized for another spec.replicas: the Deployment was scaled. */
export async function isScalingEvent(s: DeploymentSync): Promise<boolean> {
  const { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(false);
  for (const rs of filterActive([...oldRSs, newRS])) {
    const desired = Number(rs.metadata?.annotations?.[DESIRED_REPLICAS] ?? 'x');
    if (Number.isInteger(desired) && desired !== desiredOf(s.d)) return true;
  }
  return false;
}

/** Brings the ReplicaSets to the Deployment's size (see the module header). */
export async function scale(s: DeploymentSync, { newRS, oldRSs }: ReplicaSets): Promise<void> {
  const d = s.d;
  const one = findActiveOrLatest(newRS, oldRSs);
  if (one) {
    if (replicasOf(one) !== desiredOf(d)) await s.scaleAndRecord(one, desiredOf(d));
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of filterActive(oldRSs)) await s.scaleAndRecord(old, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const all = filterActive([...oldRSs, newRS]);
  const allowed = desiredOf(d) > 0 ? desiredOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - specReplicaCount(all);
  let op = '';
  if (toAdd > 0) {
    all.sort(bySizeNewer);
    op = 'up';
  } else if (toAdd < 0) {
    all.sort(bySizeOlder);
    op = 'down';
  }
  let added = 0;
  const sizes = new Map<string, number>();
  for (const rs of all) {
    const share = toAdd !== 0 ? proportionFor(rs, d, toAdd, added) : 0;
    sizes.set(rs.metadata?.name ?? '', replicasOf(rs) + share);
    added += share;
  }
  for (const [i, rs] of all.entries()) {
    const name = rs.metadata?.name ?? '';
    let size = sizes.get(name) ?? replicasOf(rs);
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    await s.scaleReplicaSet(rs, size, op);
  }
}
