/**
 * What the scheduler derives from a pod, once per pod object (upstream framework.PodInfo): its
 * priority, resource requests, host ports and compiled affinity terms. Plugins read these instead
 * of re-parsing the pod on every node.
 */
import type { Pod } from '../../api/generated/core/v1.js';
import type { Labels } from '../../api/selectors.js';
import { compileTerms, compileWeightedTerms, type AffinityTerm, type WeightedAffinityTerm } from './affinity-term.js';
import { PreferredNodeAffinity, RequiredNodeAffinity } from './node-selector.js';
import { podRequests, type Resources } from './resources.js';
import { errorText } from '../../util/errors.js';

/** A host port a pod claims: protocol/port on an IP (0.0.0.0 = all of them). */
export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** The namespace/name key of a pod (the informer's key). */
export const podKey = (pod: Pod): string => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

const EMPTY: readonly never[] = Object.freeze([]);

function hostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return out;
}

/** A pod plus everything the plugins need from it, computed once. */
export class PodInfo {
  readonly pod: Pod;
  readonly key: string;
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly priority: number;
  /** Requests as the fit check counts them. */
  readonly requests: Resources;
  /** Requests with 100m/200Mi for containers that request no CPU/memory (what scoring counts). */
  readonly nonZero: Resources;
  readonly ports: readonly HostPort[];
  readonly requiredAffinity: readonly AffinityTerm[] = EMPTY;
  readonly requiredAntiAffinity: readonly AffinityTerm[] = EMPTY;
  readonly preferredAffinity: readonly WeightedAffinityTerm[] = EMPTY;
  readonly preferredAntiAffinity: readonly WeightedAffinityTerm[] = EMPTY;
  /** Set when a term's selector does not parse; scheduling the pod then fails with it. */
  readonly termError: string | undefined;
  /** The UID of the pod's controller (or first owner), for default spreading. */
  readonly ownerUid: string | undefined;
  /** That owner's kind. */
  readonly ownerKind: string | undefined;
  /** Deletion has begun. */
  readonly terminating: boolean;
  /** When it started (or was created), ms; preemption prefers to keep older pods. */
  readonly startTime: number;
  #requiredNode: RequiredNodeAffinity | undefined;
  #preferredNode: PreferredNodeAffinity | undefined;

  constructor(pod: Pod, priority = pod.spec?.priority ?? 0) {
    const m = pod.metadata ?? {};
    this.pod = pod;
    this.namespace = m.namespace ?? '';
    this.name = m.name ?? '';
    this.key = `${this.namespace}/${this.name}`;
    this.uid = m.uid ?? '';
    this.labels = m.labels ?? {};
    this.priority = priority;
    this.requests = podRequests(pod);
    this.nonZero = podRequests(pod, true);
    this.ports = hostPorts(pod);
    const owners = m.ownerReferences ?? [];
    const owner = owners.find((o) => o.controller) ?? owners[0];
    this.ownerUid = owner?.uid;
    this.ownerKind = owner?.kind;
    this.terminating = !!m.deletionTimestamp;
    const started = pod.status?.startTime ?? m.creationTimestamp;
    this.startTime = started ? Date.parse(started) : Number.MAX_SAFE_INTEGER;
    const a = pod.spec?.affinity;
    try {
      if (a?.podAffinity) {
        this.requiredAffinity = compileTerms(this.namespace, a.podAffinity.requiredDuringSchedulingIgnoredDuringExecution);
        this.preferredAffinity = compileWeightedTerms(this.namespace, a.podAffinity.preferredDuringSchedulingIgnoredDuringExecution);
      }
      if (a?.podAntiAffinity) {
        this.requiredAntiAffinity = compileTerms(this.namespace, a.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution);
        this.preferredAntiAffinity = compileWeightedTerms(this.namespace, a.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution);
      }
    } catch (e) {
      this.termError = errorText(e);
    }
  }

  /** Whether the pod has any pod affinity or anti-affinity term (required or preferred). */
  get hasAffinity(): boolean {
    return this.requiredAffinity.length + this.requiredAntiAffinity.length + this.preferredAffinity.length + this.preferredAntiAffinity.length > 0;
  }

  /** Whether the pod has required anti-affinity (existing pods' rules other pods must respect). */
  get hasRequiredAntiAffinity(): boolean {
    return this.requiredAntiAffinity.length > 0;
  }

  /** nodeSelector + required node affinity, compiled on first use. */
  get requiredNodeAffinity(): RequiredNodeAffinity {
    this.#requiredNode ??= new RequiredNodeAffinity(this.pod);
    return this.#requiredNode;
  }

  /** Preferred node affinity, compiled on first use. */
  get preferredNodeAffinity(): PreferredNodeAffinity {
    this.#preferredNode ??= new PreferredNodeAffinity(this.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
    return this.#preferredNode;
  }

  /** The pod as if bound to `nodeName` (an assumed pod). */
  assumedOn(nodeName: string): PodInfo {
    return new PodInfo({ ...this.pod, spec: { ...(this.pod.spec ?? { containers: [] }), nodeName } }, this.priority);
  }
}
