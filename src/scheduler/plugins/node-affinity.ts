/**
 * NodeAffinity (upstream plugins/nodeaffinity): Filter enforces nodeSelector and required node
 * affinity; PreFilter narrows the candidates to the nodes named by `metadata.name` field
 * selectors (DaemonSet pods), so such a pod costs one node, not thousands; Score sums the weights
 * of the preferred terms a node matches.
 */
import type { ClusterEvent, CycleState, EnqueueExtensions, FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { skip, success, unresolvable, type Status } from '../framework/status.js';
import { defaultNormalize } from './normalize.js';

export const ERR_REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  static readonly pluginName = 'NodeAffinity';
  readonly name = NodeAffinity.pluginName;

  preFilter(_state: CycleState, pod: PodInfo): Status {
    return pod.requiredNodeAffinity.isEmpty ? skip() : success();
  }

  preFilterNodes(pod: PodInfo): ReadonlySet<string> | undefined {
    return pod.requiredNodeAffinity.nodeNames;
  }

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    return pod.requiredNodeAffinity.matches(node) ? success() : unresolvable(ERR_REASON_NODE_AFFINITY);
  }

  preScore(_state: CycleState, pod: PodInfo): Status {
    return pod.preferredNodeAffinity.isEmpty ? skip() : success();
  }

  score(_state: CycleState, pod: PodInfo, node: NodeInfo): number {
    return pod.preferredNodeAffinity.score(node);
  }

  normalize(_state: CycleState, _pod: PodInfo, scores: number[]): void {
    defaultNormalize(scores, false);
  }

  events(): ClusterEvent[] {
    return ['Node/Add', 'Node/UpdateLabel'];
  }
}
