/**
 * The "0/N nodes are available: …" message (upstream framework.FitError.Error): reasons counted
 * over nodes, printed "count reason", sorted as strings, then the PostFilter (preemption) message.
 */
import type { Diagnosis } from './interface.js';

/** Upstream's ErrNoNodesAvailable message. */
export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/** The FailedScheduling message for a pod that fits none of `numAllNodes` nodes. */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const counts = new Map<string, number>();
    for (const s of d.nodeToStatus.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const absent = numAllNodes - d.nodeToStatus.size;
    if (absent > 0 && d.absentStatus) for (const r of d.absentStatus.reasons) counts.set(r, (counts.get(r) ?? 0) + absent);
    // Go's sort.Strings: byte order, so "10 x" sorts before "2 y" exactly as upstream prints it.
    const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (parts.length > 0) msg += ` ${parts.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}
