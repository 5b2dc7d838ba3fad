/**
 * The Recreate strategy (upstream deployment/recreate.go): scale every old ReplicaSet to zero,
 * wait until none of their pods is left running, and only then create (or grow) the new one.
 */
import type { Pod } from '../../api/generated/core/v1.js';
import type { ReplicaSet } from '../../api/generated/apps/v1.js';
import { cleanupDeployment } from './history.js';
import { deploymentComplete } from './progress.js';
import { actualReplicaCount, desiredOf, filterActive } from './replicasets.js';
import type { DeploymentSync } from './sync.js';

/** Whether pods of old ReplicaSets may still be running (terminal ones do not count; Unknown may run). */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], podsByRS: ReadonlyMap<string, readonly Pod[]>): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podsByRS) {
    if (newRS && newRS.metadata?.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}

/** One Recreate step, then the status. `podsByRS` maps ReplicaSet uids to their pods. */
export async function rolloutRecreate(s: DeploymentSync, podsByRS: ReadonlyMap<string, readonly Pod[]>): Promise<void> {
  // The new ReplicaSet is not created yet, so nothing scales up before the old pods are gone.
  let { newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(false);
  const all = () => [...oldRSs, newRS].map((rs) => s.latest(rs));
  let scaledDown = false;
  for (const rs of filterActive(oldRSs)) if ((await s.scaleAndRecord(rs, 0)).scaled) scaledDown = true;
  if (scaledDown) return s.syncRolloutStatus(all(), newRS);
  if (oldPodsRunning(newRS, oldRSs.map((rs) => s.latest(rs)), podsByRS)) return s.syncRolloutStatus(all(), newRS);
  if (!newRS) ({ newRS, oldRSs } = await s.getAllReplicaSetsAndSyncRevision(true));
  if (newRS) await s.scaleAndRecord(s.latest(newRS), desiredOf(s.d));
  if (deploymentComplete(s.d, s.d.status ?? {})) await cleanupDeployment(s, oldRSs.map((rs) => s.latest(rs)));
  return s.syncRolloutStatus(all(), newRS);
}
