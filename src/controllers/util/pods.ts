/**
 * Pod facts controllers share: active / ready / available, the deletion ranking ReplicaSets use
 * to pick victims, and creating a pod from a controller's template.
 */
import type { Pod, PodTemplateSpec } from '../../api/generated/core/v1.js';
import type { OwnerReference } from '../../api/generated/meta/v1.js';
import type { ResourceClient } from '../../client/resource.js';

/** Not finished and not being deleted: counts toward a controller's replicas. */
export const isPodActive = (p: Pod): boolean => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata?.deletionTimestamp;

/** Finished (Succeeded or Failed). */
export const isPodTerminal = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** The Ready condition is True. */
export const isPodReady = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** When the pod last became Ready (ms), if it is Ready. */
export function readySince(p: Pod): number | undefined {
  const c = p.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : undefined;
}

/** Ready for at least `minReadySeconds` at `now`. */
export function isPodAvailable(p: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(p)) return false;
  if (minReadySeconds <= 0) return true;
  const since = readySince(p);
  return since !== undefined && since + minReadySeconds * 1000 <= now;
}

/** `namespace/name`. */
export const podKey = (p: Pod): string => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;

/** Pending < Unknown < Running: the order in which controllers give up pods. */
export const phaseRank = (p: Pod): number => ({ Pending: 0, Unknown: 1, Running: 2 } as Record<string, number>)[p.status?.phase ?? 'Pending'] ?? 0;
const restarts = (p: Pod) => Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount));
const created = (p: Pod) => Date.parse(p.metadata?.creationTimestamp ?? '') || 0;

/**
 * Orders pods so the ones to delete first come first (ActivePods' Less): unscheduled before
 * scheduled, Pending before Unknown before Running, not ready before ready, ready for a shorter
 * time first, more restarts first, newer first.
 */
export function byDeletionCost(a: Pod, b: Pod): number {
  const sa = a.spec?.nodeName ? 1 : 0;
  const sb = b.spec?.nodeName ? 1 : 0;
  if (sa !== sb) return sa - sb;
  if (phaseRank(a) !== phaseRank(b)) return phaseRank(a) - phaseRank(b);
  const ra = isPodReady(a) ? 1 : 0;
  const rb = isPodReady(b) ? 1 : 0;
  if (ra !== rb) return ra - rb;
  if (ra && rb) {
    const ta = readySince(a) ?? 0;
    const tb = readySince(b) ?? 0;
    if (ta !== tb) return tb - ta;
  }
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return created(b) - created(a);
}

/** Options of {@link createPodFromTemplate}. */
export interface PodFromTemplate {
  pods: ResourceClient<Pod>;
  namespace: string;
  template: PodTemplateSpec;
  owner: OwnerReference;
  /** Prefix of the generated name, e.g. `web-5d8f7c9b4-`. */
  generateName: string;
  /** Extra labels (e.g. pod-template-hash, controller-revision-hash). */
  labels?: Record<string, string>;
  /** Fields to set on the pod spec (e.g. a DaemonSet's node affinity). */
  spec?: Partial<NonNullable<Pod['spec']>>;
}

/** Creates a pod from a controller's template (the template's labels and annotations, the owner's controller reference). */
export function createPodFromTemplate(o: PodFromTemplate): Promise<Pod> {
  const meta = o.template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: o.generateName,
      namespace: o.namespace,
      labels: { ...(meta.labels ?? {}), ...(o.labels ?? {}) },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [o.owner],
    },
    spec: { ...structuredClone(o.template.spec ?? { containers: [] }), ...(o.spec ?? {}) },
  };
  return o.pods.create(pod, { namespace: o.namespace });
}
