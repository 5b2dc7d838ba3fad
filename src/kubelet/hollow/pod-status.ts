/**
 * The status a hollow node posts for a pod bound to it: Running at once, every container running
 * and ready (init containers Completed, sidecars running), fake image and container IDs, a pod IP
 * from the node's CIDR. Nothing runs, so nothing ever exits: a pod with restartPolicy Never or
 * OnFailure whose command would finish in a second stays Running too (Jobs never complete here).
 */
import { createHash } from 'node:crypto';
import type { Container, ContainerStatus, Pod, PodCondition, PodStatus } from '../../api/generated/core/v1.js';
import { rfc3339 } from '../../api/time.js';

/** Where the pod "runs". */
export interface Placement {
  hostIP: string;
  podIP: string;
  now: number;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A digest-style image ID derived from the image name (stable across restarts). */
const imageID = (image: string) => `${image.split('@')[0] ?? image}@sha256:${sha(`image/${image}`)}`;

function containerStatus(pod: Pod, c: Container, startedAt: string, init: boolean): ContainerStatus {
  const containerID = `hollow://${sha(`${pod.metadata?.uid ?? ''}/${c.name}`)}`;
  const base = { name: c.name, image: c.image ?? '', imageID: imageID(c.image ?? ''), containerID, restartCount: 0 };
  // A regular init container ran to completion; a sidecar (restartPolicy Always) keeps running.
  if (init && c.restartPolicy !== 'Always') {
    return { ...base, ready: false, started: false, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: startedAt, containerID } } };
  }
  return { ...base, ready: true, started: true, state: { running: { startedAt } } };
}

function condition(prev: readonly PodCondition[] | undefined, type: string, status: string, now: string): PodCondition {
  const old = prev?.find((c) => c.type === type);
  return { type, status, lastTransitionTime: old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : now };
}

/**
 * The Running status of `pod` at `p`. Ready also waits for the pod's readiness gates, which
 * someone else sets, as the kubelet's Ready does.
 */
export function runningPodStatus(pod: Pod, p: Placement): PodStatus {
  const prev = pod.status?.conditions;
  const now = rfc3339(p.now);
  const startTime = pod.status?.startTime ?? now;
  const gatesOpen = (pod.spec?.readinessGates ?? []).every((g) => prev?.some((c) => c.type === g.conditionType && c.status === 'True'));
  const conditions: PodCondition[] = [
    condition(prev, 'PodReadyToStartContainers', 'True', now),
    condition(prev, 'Initialized', 'True', now),
    condition(prev, 'Ready', gatesOpen ? 'True' : 'False', now),
    condition(prev, 'ContainersReady', 'True', now),
    condition(prev, 'PodScheduled', 'True', now),
    // Readiness-gate conditions belong to their owners: carried over untouched.
    ...(prev ?? []).filter((c) => !['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].includes(c.type)),
  ];
  return {
    phase: 'Running',
    conditions,
    hostIP: p.hostIP,
    hostIPs: [{ ip: p.hostIP }],
    podIP: p.podIP,
    podIPs: [{ ip: p.podIP }],
    startTime,
    ...(pod.status?.qosClass ? { qosClass: pod.status.qosClass } : {}),
    ...(pod.spec?.initContainers?.length ? { initContainerStatuses: pod.spec.initContainers.map((c) => containerStatus(pod, c, startTime, true)) } : {}),
    containerStatuses: (pod.spec?.containers ?? []).map((c) => containerStatus(pod, c, startTime, false)),
  };
}

/** True when `pod` already shows what a hollow node posts (Running, an IP, a running status per container). */
export function looksRunning(pod: Pod): boolean {
  const s = pod.status;
  if (s?.phase !== 'Running' || !s.podIP) return false;
  const running = new Set((s.containerStatuses ?? []).filter((c) => c.state?.running).map((c) => c.name));
  return (pod.spec?.containers ?? []).every((c) => running.has(c.name));
}
