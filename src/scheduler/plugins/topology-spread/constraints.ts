/**
 * Topology spread constraints as the PodTopologySpread plugin uses them: the pod's own constraints
 * of one kind (DoNotSchedule for filtering, ScheduleAnyway for scoring) with matchLabelKeys merged
 * into the selector, or, for scoring, the system defaults upstream applies to pods of a
 * ReplicaSet, ReplicationController or StatefulSet (hostname maxSkew 3, zone maxSkew 5).
 */
import { newRequirement, type LabelSelector } from '../../../api/selectors.js';
import { labelSelectorFromSpec } from '../../../api/selectors.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { firstUntolerated, HARD_EFFECTS } from '../../framework/taints.js';

export const HOSTNAME = 'kubernetes.io/hostname';
export const ZONE = 'topology.kubernetes.io/zone';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

/** One constraint, compiled. */
export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelector;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorTaints: boolean;
  /** System default: count the pods of this owner instead of matching a selector. */
  ownerUid?: string;
}

const DEFAULT_OWNER_KINDS = new Set(['ReplicaSet', 'ReplicationController', 'StatefulSet']);

/** The pod's constraints with `whenUnsatisfiable === action`; throws on a selector that does not parse. */
export function constraintsOf(pod: PodInfo, action: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  const out: Constraint[] = [];
  for (const c of pod.pod.spec?.topologySpreadConstraints ?? []) {
    if (c.whenUnsatisfiable !== action) continue;
    const sel = labelSelectorFromSpec(c.labelSelector);
    if (!sel.ok) throw new Error(sel.error);
    let selector = sel.value;
    for (const key of c.matchLabelKeys ?? []) {
      const v = pod.labels?.[key];
      if (v === undefined) continue;
      const r = newRequirement(key, 'in', [v]);
      if (r.ok) selector = selector.add(r.value);
    }
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: action === 'DoNotSchedule' ? (c.minDomains ?? 1) : 1,
      honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
      honorTaints: c.nodeTaintsPolicy === 'Honor',
    });
  }
  return out;
}

/** The system default soft constraints for a pod without constraints of its own (empty if none apply). */
export function defaultConstraints(pod: PodInfo, everything: LabelSelector): Constraint[] {
  if ((pod.pod.spec?.topologySpreadConstraints ?? []).length > 0) return [];
  if (!pod.ownerUid || !pod.ownerKind || !DEFAULT_OWNER_KINDS.has(pod.ownerKind)) return [];
  const base = { selector: everything, minDomains: 1, honorNodeAffinity: true, honorTaints: false, ownerUid: pod.ownerUid };
  return [
    { ...base, maxSkew: 3, topologyKey: HOSTNAME },
    { ...base, maxSkew: 5, topologyKey: ZONE },
  ];
}

/** Whether the node carries every constraint's topology key. */
export function hasAllKeys(node: NodeInfo, constraints: readonly Constraint[]): boolean {
  for (const c of constraints) if (!Object.hasOwn(node.labels, c.topologyKey)) return false;
  return true;
}

/** nodeAffinityPolicy / nodeTaintsPolicy: whether the node's domain counts for this pod. */
export function nodeIncluded(c: Constraint, pod: PodInfo, node: NodeInfo): boolean {
  if (c.honorNodeAffinity && !pod.requiredNodeAffinity.matches(node)) return false;
  if (c.honorTaints && firstUntolerated(node.taints, pod.pod.spec?.tolerations, HARD_EFFECTS)) return false;
  return true;
}

/** Pods on `node` in `namespace` that the constraint counts (terminating pods do not count). */
export function countOnNode(c: Constraint, node: NodeInfo, namespace: string): number {
  if (c.ownerUid) return node.ownerCounts.get(c.ownerUid) ?? 0;
  let n = 0;
  for (const p of node.pods.values()) {
    if (p.terminating || p.namespace !== namespace) continue;
    if (c.selector.matches(p.labels)) n++;
  }
  return n;
}

/** Whether `pod` (the updated one) counts for constraint `c` of a pod in `namespace`. */
export function podCounts(c: Constraint, p: PodInfo, namespace: string): boolean {
  if (p.namespace !== namespace || p.terminating) return false;
  return c.ownerUid ? p.ownerUid === c.ownerUid : c.selector.matches(p.labels);
}
