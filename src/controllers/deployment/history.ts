/**
 * Revision history cleanup (upstream sync.go cleanupDeployment): keep at most
 * revisionHistoryLimit old ReplicaSets, deleting the lowest revisions first, and only those that
 * are fully scaled down and whose status has caught up (no pods left, none coming).
 */
import { isNotFound } from '../../api/errors.js';
import type { ReplicaSet } from '../../api/generated/apps/v1.js';
import { byRevision, replicasOf } from './replicasets.js';
import type { DeploymentSync } from './sync.js';

/** Deletes old ReplicaSets beyond the history limit. */
export async function cleanupDeployment(s: DeploymentSync, oldRSs: readonly ReplicaSet[]): Promise<void> {
  const limit = s.d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === 2147483647) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
  const diff = cleanable.length - limit;
  if (diff <= 0) return;
  const oldest = [...cleanable].sort(byRevision).slice(0, diff);
  for (const rs of oldest) {
    if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    try {
      await s.deps.rsClient.delete(rs.metadata?.name ?? '', { namespace: rs.metadata?.namespace });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
