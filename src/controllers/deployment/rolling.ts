/**
 * The RollingUpdate strategy (upstream deployment/rolling.go): grow the new ReplicaSet as far as
 * maxSurge allows, then shrink old ones as far as maxUnavailable allows — first old replicas that
 * are not available anyway, then available ones down to the minimum — one step per sync; once
 * the rollout is complete, trim the history.
 */
import type { ReplicaSet } from '../../api/generated/apps/v1.js';
import { maxUnavailable, newRSNewReplicas } from './fenceposts.js';
import { cleanupDeployment } from './history.js';
import { deploymentComplete } from './progress.js';
import { availableReplicaCount, byCreation, desiredOf, filterActive, replicasOf, specReplicaCount } from './replicasets.js';
import type { DeploymentSync } from './sync.js';

/** One rolling-update step, then the status. */
export async function rolloutRolling(s: DeploymentSync): Promise<void> {
  const { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(true);
  if (!newRS) throw new Error('deployment: no new replica set after creating one');
  const all = () => [...oldRSs, newRS].map((rs) => s.latest(rs));
  if (await reconcileNewReplicaSet(s, all(), s.latest(newRS))) return s.syncRolloutStatus(all(), newRS);
  if (await reconcileOldReplicaSets(s, all(), filterActive(oldRSs.map((rs) => s.latest(rs))), s.latest(newRS))) return s.syncRolloutStatus(all(), newRS);
  if (deploymentComplete(s.d, s.d.status ?? {})) await cleanupDeployment(s, oldRSs.map((rs) => s.latest(rs)));
  return s.syncRolloutStatus(all(), newRS);
}

/** Grows (or, above spec.replicas, shrinks) the new ReplicaSet; true when it scaled. */
async function reconcileNewReplicaSet(s: DeploymentSync, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  const want = desiredOf(s.d);
  if (replicasOf(newRS) === want) return false;
  if (replicasOf(newRS) > want) return (await s.scaleAndRecord(newRS, want)).scaled;
  return (await s.scaleAndRecord(newRS, newRSNewReplicas(s.d, allRSs, newRS))).scaled;
}

/** Shrinks old ReplicaSets within maxUnavailable; true when any shrank. */
async function reconcileOldReplicaSets(s: DeploymentSync, allRSs: readonly ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  if (specReplicaCount(oldRSs) === 0) return false;
  const minAvailable = desiredOf(s.d) - maxUnavailable(s.d);
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  // Pods that could go without dropping below minAvailable, counting the new RS's unavailable ones as lost.
  const maxScaledDown = specReplicaCount(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = await cleanupUnhealthyReplicas(s, oldRSs, maxScaledDown);
  const scaledDown = await scaleDownOldReplicaSets(s, [...cleaned.oldRSs, newRS], cleaned.oldRSs);
  return cleaned.count + scaledDown > 0;
}

/** Removes old replicas that are not available (they cost no availability), oldest ReplicaSets first, up to `max`. */
async function cleanupUnhealthyReplicas(s: DeploymentSync, oldRSs: readonly ReplicaSet[], max: number): Promise<{ oldRSs: ReplicaSet[]; count: number }> {
  const sorted = [...oldRSs].sort(byCreation);
  let total = 0;
  for (const [i, rs] of sorted.entries()) {
    if (total >= max) break;
    const available = rs.status?.availableReplicas ?? 0;
    if (replicasOf(rs) === 0 || replicasOf(rs) === available) continue;
    const n = Math.min(max - total, replicasOf(rs) - available);
    sorted[i] = (await s.scaleAndRecord(rs, replicasOf(rs) - n)).rs;
    total += n;
  }
  return { oldRSs: sorted, count: total };
}

/** Scales old ReplicaSets down, oldest first, while more than minAvailable pods are available. */
async function scaleDownOldReplicaSets(s: DeploymentSync, allRSs: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[]): Promise<number> {
  const minAvailable = desiredOf(s.d) - maxUnavailable(s.d);
  const available = availableReplicaCount(allRSs);
  if (available <= minAvailable) return 0;
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= budget) break;
    if (replicasOf(rs) === 0) continue;
    const n = Math.min(replicasOf(rs), budget - total);
    await s.scaleAndRecord(rs, replicasOf(rs) - n);
    total += n;
  }
  return total;
}
