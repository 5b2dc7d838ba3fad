/**
 * What a hollow node says about itself: the Node object it registers (labels, capacity, a Ready
 * condition, fake addresses and nodeInfo, kubelet port 0) and the heartbeat conditions it posts.
 * Pure functions of the node's name, index and options, so registration is repeatable.
 */
import { createHash } from 'node:crypto';
import type { Lease } from '../../api/generated/coordination/v1.js';
import type { Node, NodeCondition, NodeStatus } from '../../api/generated/core/v1.js';
import { microTime, rfc3339 } from '../../api/time.js';
import { goArch } from '../node/machine.js';
import { hollowNodeIP } from './addresses.js';

/** The kubelet version hollow nodes report (the API level, marked as hollow). */
export const HOLLOW_KUBELET_VERSION = 'v1.32.0-hollow';
/** The label every hollow node carries (kwok's `type=kwok`). */
export const HOLLOW_LABEL = { key: 'type', value: 'hollow' } as const;
/** Lease duration the node lifecycle controller reads (the kubelet's default). */
export const LEASE_DURATION_SECONDS = 40;

/** Capacity of a hollow node, as quantities. */
export interface HollowCapacity {
  cpu?: string;
  memory?: string;
  pods?: string;
}

/** Per-node facts the object builders need. */
export interface HollowNodeFacts {
  name: string;
  index: number;
  capacity?: HollowCapacity;
  labels?: Record<string, string>;
}

const hex = (s: string, len: number) => createHash('sha256').update(s).digest('hex').slice(0, len);
const uuid = (s: string) => {
  const h = hex(s, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** The labels a hollow node owns; user labels come first so these win. */
export function hollowNodeLabels(f: HollowNodeFacts): Record<string, string> {
  const arch = goArch();
  return {
    ...(f.labels ?? {}),
    [HOLLOW_LABEL.key]: HOLLOW_LABEL.value,
    'kubernetes.io/hostname': f.name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': arch,
  };
}

const CONDITIONS: [type: string, status: string, reason: string, message: string][] = [
  ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
];

/**
 * The four kubelet conditions (Ready True, pressures False) with a fresh heartbeat; a condition
 * whose status differs from `prev` (say the node lifecycle controller set Ready Unknown) moves
 * its lastTransitionTime to now.
 */
export function hollowConditions(now: number, prev?: readonly NodeCondition[]): NodeCondition[] {
  const t = rfc3339(now);
  return CONDITIONS.map(([type, status, reason, message]) => {
    const old = prev?.find((c) => c.type === type);
    const since = old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : t;
    return { type, status, reason, message, lastHeartbeatTime: t, lastTransitionTime: since };
  });
}

/** The status a hollow node reports: capacity = allocatable (nothing reserved), fake addresses and nodeInfo. */
export function hollowNodeStatus(f: HollowNodeFacts, now: number, prev?: readonly NodeCondition[]): NodeStatus {
  const capacity: Record<string, string> = {
    cpu: f.capacity?.cpu ?? '4',
    memory: f.capacity?.memory ?? '16Gi',
    pods: f.capacity?.pods ?? '110',
    'ephemeral-storage': '100Gi',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
  };
  const id = uuid(`hollow/${f.name}`);
  return {
    capacity,
    allocatable: { ...capacity },
    conditions: hollowConditions(now, prev),
    addresses: [
      { type: 'InternalIP', address: hollowNodeIP(f.index) },
      { type: 'Hostname', address: f.name },
    ],
    // Port 0: there is no kubelet API to reach (logs, exec and metrics fail, as they should).
    daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
    nodeInfo: {
      machineID: id.replace(/-/g, ''),
      systemUUID: id,
      bootID: uuid(`hollow-boot/${f.name}`),
      kernelVersion: '0.0.0-hollow',
      osImage: 'Hollow Node (no containers)',
      containerRuntimeVersion: 'hollow://1.0.0',
      kubeletVersion: HOLLOW_KUBELET_VERSION,
      kubeProxyVersion: HOLLOW_KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: goArch(),
    },
  };
}

/** The Node a hollow node registers. */
export function hollowNode(f: HollowNodeFacts, now: number): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: f.name, labels: hollowNodeLabels(f), annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
    spec: {},
    status: hollowNodeStatus(f, now),
  };
}

/** The node's Lease in kube-node-lease, owned by the Node (so deleting the Node collects it). */
export function hollowLease(name: string, nodeUid: string | undefined, now: number): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: 'kube-node-lease',
      ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: nodeUid }] } : {}),
    },
    spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(now) },
  };
}
