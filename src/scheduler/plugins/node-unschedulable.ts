/**
 * NodeUnschedulable: cordoned nodes (spec.unschedulable) take only pods that tolerate the
 * node.kubernetes.io/unschedulable:NoSchedule taint (upstream plugins/nodeunschedulable).
 */
import type { Taint } from '../../api/generated/core/v1.js';
import type { ClusterEvent, CycleState, EnqueueExtensions, FilterPlugin } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { success, unresolvable, type Status } from '../framework/status.js';
import { anyTolerates } from '../framework/taints.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {
  static readonly pluginName = 'NodeUnschedulable';
  readonly name = NodeUnschedulable.pluginName;

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    if (!node.unschedulable || anyTolerates(pod.pod.spec?.tolerations, UNSCHEDULABLE_TAINT)) return success();
    return unresolvable(ERR_REASON_UNSCHEDULABLE);
  }

  events(): ClusterEvent[] {
    return ['Node/Add', 'Node/UpdateTaint'];
  }
}
