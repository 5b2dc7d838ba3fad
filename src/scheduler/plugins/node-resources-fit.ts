/**
 * NodeResourcesFit (upstream plugins/noderesources/fit.go): Filter checks the pod count and every
 * requested resource against allocatable minus what the node's pods (bound and assumed) request;
 * Score is LeastAllocated over cpu and memory, counting 100m/200Mi for containers without requests.
 */
import type { ClusterEvent, CycleState, EnqueueExtensions, FilterPlugin, ScorePlugin } from '../framework/interface.js';
import { MAX_NODE_SCORE } from '../framework/framework.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { isZero } from '../framework/resources.js';
import { success, unschedulable, type Status } from '../framework/status.js';

/** The reasons a node lacks room for `pod`, in upstream's order (empty: it fits). */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] {
  const out: string[] = [];
  if (node.pods.size + 1 > node.allowedPods) out.push('Too many pods');
  const req = pod.requests;
  if (isZero(req)) return out;
  const alloc = node.allocatable;
  const used = node.requested;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) out.push('Insufficient cpu');
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) out.push('Insufficient memory');
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) out.push('Insufficient ephemeral-storage');
  for (const [name, q] of req.scalar ?? []) {
    if (q === 0) continue;
    if (q > (alloc.scalar?.get(name) ?? 0) - (used.scalar?.get(name) ?? 0)) out.push(`Insufficient ${name}`);
  }
  return out;
}

/** Upstream's leastRequestedScore: the free share of a resource after placing the pod, 0–100. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export class NodeResourcesFit implements FilterPlugin, ScorePlugin, EnqueueExtensions {
  static readonly pluginName = 'NodeResourcesFit';
  readonly name = NodeResourcesFit.pluginName;

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    const reasons = insufficientResources(pod, node);
    return reasons.length === 0 ? success() : unschedulable(...reasons);
  }

  score(_state: CycleState, pod: PodInfo, node: NodeInfo): number {
    // cpu and memory, weight 1 each; a resource the node does not report is left out.
    let sum = 0;
    let weights = 0;
    const a = node.allocatable;
    if (a.milliCPU > 0) {
      sum += leastRequestedScore(node.nonZeroRequested.milliCPU + pod.nonZero.milliCPU, a.milliCPU);
      weights++;
    }
    if (a.memory > 0) {
      sum += leastRequestedScore(node.nonZeroRequested.memory + pod.nonZero.memory, a.memory);
      weights++;
    }
    return weights === 0 ? 0 : Math.trunc(sum / weights);
  }

  events(): ClusterEvent[] {
    return ['AssignedPod/Delete', 'AssignedPod/Update', 'Node/Add', 'Node/UpdateAllocatable'];
  }
}
