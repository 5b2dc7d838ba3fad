/**
 * NodeResourcesBalancedAllocation (upstream plugins/noderesources/balanced_allocation.go): prefers
 * nodes whose cpu and memory would be used in equal shares after placing the pod (1 − the standard
 * deviation of the shares). Skipped for pods that request neither, as upstream does, so best-effort
 * pods do not all pile onto one node.
 */
import type { CycleState, PreScorePlugin, ScorePlugin } from '../framework/interface.js';
import { MAX_NODE_SCORE } from '../framework/framework.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { skip, success, type Status } from '../framework/status.js';

/** The score for a list of requested/allocatable pairs. */
export function balancedScore(pairs: readonly (readonly [number, number])[]): number {
  const fractions: number[] = [];
  for (const [requested, allocatable] of pairs) {
    if (allocatable === 0) continue;
    fractions.push(Math.min(1, requested / allocatable));
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs(((fractions[0] ?? 0) - (fractions[1] ?? 0)) / 2);
  } else if (fractions.length > 2) {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) * (f - mean), 0) / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export class BalancedAllocation implements PreScorePlugin, ScorePlugin {
  static readonly pluginName = 'NodeResourcesBalancedAllocation';
  readonly name = BalancedAllocation.pluginName;

  preScore(_state: CycleState, pod: PodInfo): Status {
    return pod.requests.milliCPU === 0 && pod.requests.memory === 0 ? skip() : success();
  }

  score(_state: CycleState, pod: PodInfo, node: NodeInfo): number {
    // The two-resource case inline (this runs for every feasible node of every pod).
    const a = node.allocatable;
    if (a.milliCPU === 0 || a.memory === 0) {
      return balancedScore([
        [node.requested.milliCPU + pod.requests.milliCPU, a.milliCPU],
        [node.requested.memory + pod.requests.memory, a.memory],
      ]);
    }
    const cpu = Math.min(1, (node.requested.milliCPU + pod.requests.milliCPU) / a.milliCPU);
    const mem = Math.min(1, (node.requested.memory + pod.requests.memory) / a.memory);
    return Math.trunc((1 - Math.abs((cpu - mem) / 2)) * MAX_NODE_SCORE);
  }
}
