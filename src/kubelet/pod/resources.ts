// Requests and limits as the kernel sees them: QoS class, cgroup CPU shares and CFS quota, memory
// limit and oom_score_adj, computed the way the kubelet does for a container's LinuxContainerResources.
import { podQOSClass } from '../../api/defaults/core-pod.js';
import type { Container, Pod } from '../../api/generated/core/v1.js';
import { Quantity } from '../../api/quantity.js';
import type { LinuxContainerResources } from '../cri/types.js';

/** The pod QoS classes (core/v1 PodQOSClass). */
export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** Kernel bounds on cpu.shares and the kubelet's CFS constants. */
export const MIN_SHARES = 2;
export const MAX_SHARES = 262144;
export const SHARES_PER_CPU = 1024;
export const QUOTA_PERIOD_US = 100000;
export const MIN_QUOTA_US = 1000;
/** oom_score_adj for Guaranteed and node-critical containers, and for BestEffort ones. */
export const GUARANTEED_OOM_SCORE_ADJ = -997;
export const BEST_EFFORT_OOM_SCORE_ADJ = 1000;

const parse = (q: string | undefined): Quantity | undefined => (q === undefined ? undefined : Quantity.parse(q));

/**
 * The pod's QoS class (GetPodQOS): `status.qosClass` when the API server has set it, else computed
 * from every container's and init container's cpu/memory requests and limits (ComputePodQOS).
 */
export function qosClass(pod: Pod): QOSClass {
  const recorded = pod.status?.qosClass;
  if (recorded === 'Guaranteed' || recorded === 'Burstable' || recorded === 'BestEffort') return recorded;
  return podQOSClass(pod.spec ?? { containers: [] });
}

/** MilliCPUToShares: 1 CPU is 1024 shares, clamped to the kernel's [2, 262144]; no request gives 2. */
export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU <= 0) return MIN_SHARES;
  const shares = Math.trunc((milliCPU * SHARES_PER_CPU) / 1000);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

/** milliCPUToQuota: the CFS quota for a limit over `period` µs; 0 (no limit) stays 0, else at least 1 ms. */
export function milliCPUToQuota(milliCPU: number, period = QUOTA_PERIOD_US): number {
  if (milliCPU <= 0) return 0;
  return Math.max(MIN_QUOTA_US, Math.trunc((milliCPU * period) / 1000));
}

const SYSTEM_CRITICAL_PRIORITY = 2000000000;

/** IsNodeCriticalPod: a critical pod (static, mirror, or system priority) of class system-node-critical. */
function isNodeCriticalPod(pod: Pod): boolean {
  const ann = pod.metadata?.annotations ?? {};
  const staticOrMirror = ann['kubernetes.io/config.mirror'] !== undefined || (ann['kubernetes.io/config.source'] ?? 'api') !== 'api';
  const critical = staticOrMirror || (pod.spec?.priority ?? 0) >= SYSTEM_CRITICAL_PRIORITY;
  return critical && pod.spec?.priorityClassName === 'system-node-critical';
}

const memoryRequest = (c: Container): number => Number(parse(c.resources?.requests?.['memory'])?.value() ?? 0n);

/** A restartable init container (restartPolicy Always): a sidecar. */
export function isSidecar(pod: Pod, c: Container): boolean {
  return c.restartPolicy === 'Always' && (pod.spec?.initContainers ?? []).some((i) => i.name === c.name);
}

/**
 * GetContainerOOMScoreAdjust: -997 for Guaranteed (and node-critical) pods, 1000 for BestEffort,
 * and for Burstable `1000 - 1000·request/capacity` kept within [3, 999] so Burstable always ranks
 * between the two. A sidecar never scores above the pod's smallest regular container.
 */
export function oomScoreAdj(pod: Pod, c: Container, memoryCapacity: number): number {
  if (isNodeCriticalPod(pod)) return GUARANTEED_OOM_SCORE_ADJ;
  const qos = qosClass(pod);
  if (qos === 'Guaranteed') return GUARANTEED_OOM_SCORE_ADJ;
  if (qos === 'BestEffort') return BEST_EFFORT_OOM_SCORE_ADJ;
  const capacity = Math.max(1, memoryCapacity);
  let adj = 1000 - Math.trunc((1000 * memoryRequest(c)) / capacity);
  if (isSidecar(pod, c)) {
    const regular = pod.spec?.containers ?? [];
    const minRequest = regular.length === 0 ? 0 : Math.min(...regular.map(memoryRequest));
    adj = Math.min(adj, 1000 - Math.trunc((1000 * minRequest) / capacity));
  }
  if (adj < 1000 + GUARANTEED_OOM_SCORE_ADJ) return 1000 + GUARANTEED_OOM_SCORE_ADJ;
  if (adj === BEST_EFFORT_OOM_SCORE_ADJ) return adj - 1;
  return adj;
}

/**
 * The container's cgroup settings (generateLinuxContainerResources): cpu.shares from the CPU request
 * (the limit when only a limit is given), CFS quota over a 100 ms period from the CPU limit, the
 * memory limit in bytes, and oom_score_adj by QoS class. Hugepages and swap are left to the runtime.
 */
export function linuxResources(pod: Pod, c: Container, memoryCapacity: number): LinuxContainerResources {
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  const cpuLimit = Number(parse(lim['cpu'])?.milliValue() ?? 0n);
  const cpuRequest = req['cpu'] !== undefined ? Number(parse(req['cpu'])?.milliValue() ?? 0n) : undefined;
  const shares = milliCPUToShares(cpuRequest === undefined && cpuLimit > 0 ? cpuLimit : (cpuRequest ?? 0));
  const memoryLimit = Number(parse(lim['memory'])?.value() ?? 0n);
  const out: LinuxContainerResources = {
    cpu_period: QUOTA_PERIOD_US,
    cpu_quota: milliCPUToQuota(cpuLimit),
    cpu_shares: shares,
    oom_score_adj: oomScoreAdj(pod, c, memoryCapacity),
  };
  if (memoryLimit > 0) out.memory_limit_in_bytes = memoryLimit;
  return out;
}
