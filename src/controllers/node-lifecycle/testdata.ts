/** Node, Lease and Pod builders for the node lifecycle tests. Test-only. */
import type { Lease } from '../../api/generated/coordination/v1.js';
import type { Node, NodeCondition, Pod, Taint, Toleration } from '../../api/generated/core/v1.js';
import { microTime, rfc3339 } from '../../api/time.js';

/** A node as a kubelet posts it at time `t` (its four conditions, Ready = `ready`). */
export function kubeletNode(name: string, t: number, ready = 'True', o: { taints?: Taint[]; unschedulable?: boolean; conditions?: NodeCondition[] } = {}): Node {
  const ts = rfc3339(t);
  const cond = (type: string, status: string): NodeCondition => ({ type, status, reason: `Kubelet${type}`, message: type, lastHeartbeatTime: ts, lastTransitionTime: ts });
  return {
    metadata: { name },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { conditions: o.conditions ?? [cond('MemoryPressure', 'False'), cond('DiskPressure', 'False'), cond('PIDPressure', 'False'), cond('Ready', ready)] },
  };
}

/** The node's Lease in kube-node-lease, renewed at `t`. */
export const nodeLease = (name: string, t: number): Lease => ({ metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(t) } });

/** A running, Ready pod bound to `node`. */
export function boundPod(name: string, node: string, tolerations?: Toleration[]): Pod {
  return {
    metadata: { name, namespace: 'default' },
    spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox' }], ...(tolerations ? { tolerations } : {}) },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-12-31T00:00:00Z' }] },
  };
}
