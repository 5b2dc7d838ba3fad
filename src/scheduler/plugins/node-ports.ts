/** NodePorts: a pod's host ports must be free on the node (upstream plugins/nodeports). */
import type { ClusterEvent, CycleState, EnqueueExtensions, FilterPlugin, PreFilterPlugin } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { skip, success, unschedulable, type Status } from '../framework/status.js';

export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";

export class NodePorts implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  static readonly pluginName = 'NodePorts';
  readonly name = NodePorts.pluginName;

  preFilter(_state: CycleState, pod: PodInfo): Status {
    return pod.ports.length === 0 ? skip() : success();
  }

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    return node.portsConflict(pod.ports) ? unschedulable(ERR_REASON_PORTS) : success();
  }

  events(): ClusterEvent[] {
    return ['AssignedPod/Delete', 'Node/Add'];
  }
}
