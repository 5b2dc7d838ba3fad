/** NodeName: a pod that names its node fits only there (upstream plugins/nodename). */
import type { ClusterEvent, CycleState, EnqueueExtensions, FilterPlugin } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { success, unresolvable, type Status } from '../framework/status.js';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

export class NodeName implements FilterPlugin, EnqueueExtensions {
  static readonly pluginName = 'NodeName';
  readonly name = NodeName.pluginName;

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    const want = pod.pod.spec?.nodeName;
    return !want || want === node.name ? success() : unresolvable(ERR_REASON_NODE_NAME);
  }

  events(): ClusterEvent[] {
    return ['Node/Add'];
  }
}
