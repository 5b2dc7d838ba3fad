/**
 * RollingUpdate (upstream daemon/update.go rollingUpdate). Without maxSurge: delete old pods while
 * fewer than maxUnavailable nodes are unavailable (an unavailable old pod may always go) and let
 * manage create the new ones. With maxSurge: start a new pod beside an old one on up to maxSurge
 * nodes (at once where the old one is unavailable), and delete the old pod once the new one is
 * available.
 */
import type { Node, Pod } from '../../api/generated/core/v1.js';
import { isPodAvailable } from '../util/pods.js';
import { podsByNode, surgeCount, unavailableCount, type DsDeps, type DsSync } from './context.js';
import { REVISION_HASH_LABEL } from './history.js';
import { syncNodes } from './manage.js';
import { nodeShouldRunDaemonPod, targetNodeName } from './node-fit.js';

/** The new and old pod on a node, or undefined when there is more than one of either (manage prunes those first). */
function newAndOld(pods: readonly Pod[], hash: string): { newPod?: Pod; oldPod?: Pod } | undefined {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const p of pods) {
    if (p.metadata?.deletionTimestamp) continue;
    if (p.metadata?.labels?.[REVISION_HASH_LABEL] === hash) {
      if (newPod) return undefined;
      newPod = p;
    } else {
      if (oldPod) return undefined;
      oldPod = p;
    }
  }
  return { newPod, oldPod };
}

/** Deletes old pods or surges new ones within maxUnavailable / maxSurge. */
export async function rollingUpdate(d: DsDeps, s: DsSync): Promise<void> {
  const byNode = podsByNode(s.pods, targetNodeName);
  const spec = s.ds.spec?.template.spec ?? { containers: [] };
  const nodesByName = new Map<string, Node>(s.nodes.map((n) => [n.metadata?.name ?? '', n]));
  let desired = 0;
  for (const n of s.nodes) {
    if (!nodeShouldRunDaemonPod(spec, n).shouldRun) continue;
    desired++;
    if (!byNode.has(n.metadata?.name ?? '')) byNode.set(n.metadata?.name ?? '', []);
  }
  const maxSurge = surgeCount(s.ds, desired);
  let maxUnavailable = unavailableCount(s.ds, desired);
  if (desired > 0 && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  const minReady = s.ds.spec?.minReadySeconds ?? 0;
  const now = d.now();
  const available = (p: Pod) => isPodAvailable(p, minReady, now);
  const shouldRun = (node: string) => {
    const n = nodesByName.get(node);
    return n !== undefined && nodeShouldRunDaemonPod(spec, n).shouldRun;
  };

  if (maxSurge === 0) {
    let unavailable = 0;
    const replace: string[] = [];
    const candidates: string[] = [];
    for (const pods of byNode.values()) {
      const found = newAndOld(pods, s.hash);
      if (!found) {
        unavailable++;
        continue;
      }
      const { newPod, oldPod } = found;
      if ((!oldPod && !newPod) || (oldPod && newPod)) unavailable++;
      else if (newPod) {
        if (!available(newPod)) unavailable++;
      } else if (oldPod) {
        if (!available(oldPod)) {
          replace.push(oldPod.metadata?.name ?? '');
          unavailable++;
        } else if (unavailable < maxUnavailable) candidates.push(oldPod.metadata?.name ?? '');
      }
    }
    const room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
    return syncNodes(d, s, [...replace, ...candidates.slice(0, room)], []);
  }

  const deleteOld: string[] = [];
  const cannotRun: string[] = [];
  const candidates: string[] = [];
  const allowed: string[] = [];
  let surging = 0;
  let availableCount = 0;
  for (const [node, pods] of byNode) {
    const found = newAndOld(pods, s.hash);
    if (!found) {
      surging++;
      continue;
    }
    const { newPod, oldPod } = found;
    const counted = oldPod ?? newPod;
    if (counted && available(counted)) availableCount++;
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun(node)) deleteOld.push(oldPod.metadata?.name ?? '');
        else allowed.push(node);
      } else if (!shouldRun(node)) cannotRun.push(oldPod.metadata?.name ?? '');
      else if (surging < maxSurge) candidates.push(node);
      continue;
    }
    if (!available(newPod)) surging++;
    else deleteOld.push(oldPod.metadata?.name ?? '');
  }
  // Pods on nodes they may no longer run on go only as others become available (no outage under surge).
  const deletable = Math.min(Math.max(0, availableCount - desired), cannotRun.length);
  deleteOld.push(...cannotRun.slice(0, deletable));
  const room = Math.min(Math.max(0, maxSurge - surging), candidates.length);
  return syncNodes(d, s, deleteOld, [...allowed, ...candidates.slice(0, room)]);
}
