/**
 * InterPodAffinity filtering (upstream interpodaffinity/filtering.go). PreFilter counts, per
 * topology pair (key=value): pods whose required anti-affinity rejects the incoming pod (only
 * nodes holding such pods are visited), and, when the incoming pod has required terms, the
 * existing pods its affinity / anti-affinity terms select. Filter is then a few map lookups.
 */
import type { AffinityTerm, NamespaceLabels } from '../../framework/affinity-term.js';
import { termMatches } from '../../framework/affinity-term.js';
import type { CycleState, Handle, StateData } from '../../framework/interface.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { errorStatus, skip, success, unresolvable, unschedulable, type Status } from '../../framework/status.js';

export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

const STATE_KEY = 'PreFilterInterPodAffinity';

/** A topology pair as one map key. */
export const pairKey = (key: string, value: string): string => `${key}\u0000${value}`;

type Counts = Map<string, number>;

function bump(m: Counts, node: NodeInfo, topologyKey: string, delta: number): void {
  const v = node.labels[topologyKey];
  if (v === undefined) return;
  const k = pairKey(topologyKey, v);
  const n = (m.get(k) ?? 0) + delta;
  if (n === 0) m.delete(k);
  else m.set(k, n);
}

const matchesAll = (terms: readonly AffinityTerm[], p: PodInfo, ns: NamespaceLabels): boolean => terms.length > 0 && terms.every((t) => termMatches(t, p.namespace, p.labels, ns));

class FilterState implements StateData {
  constructor(
    readonly existingAnti: Counts,
    readonly affinity: Counts,
    readonly anti: Counts,
  ) {}

  clone(): FilterState {
    return new FilterState(new Map(this.existingAnti), new Map(this.affinity), new Map(this.anti));
  }
}

/** Adds (delta 1) or removes (-1) `other` on `node` in the incoming pod's counts. */
function update(s: FilterState, pod: PodInfo, other: PodInfo, node: NodeInfo, ns: NamespaceLabels, delta: 1 | -1): void {
  for (const t of other.requiredAntiAffinity) if (termMatches(t, pod.namespace, pod.labels, ns)) bump(s.existingAnti, node, t.topologyKey, delta);
  if (matchesAll(pod.requiredAffinity, other, ns)) for (const t of pod.requiredAffinity) bump(s.affinity, node, t.topologyKey, delta);
  for (const t of pod.requiredAntiAffinity) if (termMatches(t, other.namespace, other.labels, ns)) bump(s.anti, node, t.topologyKey, delta);
}

export function affinityPreFilter(h: Handle, state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
  if (pod.termError) return errorStatus(`parsing pod: ${pod.termError}`);
  const ns = h.namespaceLabels;
  const s = new FilterState(new Map(), new Map(), new Map());
  for (const node of h.snapshot.nodesWithRequiredAntiAffinityPods()) {
    for (const p of node.pods.values()) {
      for (const t of p.requiredAntiAffinity) if (termMatches(t, pod.namespace, pod.labels, ns)) bump(s.existingAnti, node, t.topologyKey, 1);
    }
  }
  const hasTerms = pod.requiredAffinity.length > 0 || pod.requiredAntiAffinity.length > 0;
  if (s.existingAnti.size === 0 && !hasTerms) return skip();
  if (hasTerms) {
    for (const node of nodes) {
      for (const p of node.pods.values()) {
        if (matchesAll(pod.requiredAffinity, p, ns)) for (const t of pod.requiredAffinity) bump(s.affinity, node, t.topologyKey, 1);
        for (const t of pod.requiredAntiAffinity) if (termMatches(t, p.namespace, p.labels, ns)) bump(s.anti, node, t.topologyKey, 1);
      }
    }
  }
  state.write(STATE_KEY, s);
  return success();
}

function satisfiesAffinity(s: FilterState, pod: PodInfo, node: NodeInfo, ns: NamespaceLabels): boolean {
  let podsExist = true;
  for (const t of pod.requiredAffinity) {
    const v = node.labels[t.topologyKey];
    if (v === undefined) return false;
    if ((s.affinity.get(pairKey(t.topologyKey, v)) ?? 0) <= 0) podsExist = false;
  }
  // The first pod of a group with affinity to itself would otherwise wait forever.
  if (!podsExist) return s.affinity.size === 0 && matchesAll(pod.requiredAffinity, pod, ns);
  return true;
}

function satisfiesAnti(s: FilterState, pod: PodInfo, node: NodeInfo): boolean {
  if (s.anti.size === 0) return true;
  for (const t of pod.requiredAntiAffinity) {
    const v = node.labels[t.topologyKey];
    if (v !== undefined && (s.anti.get(pairKey(t.topologyKey, v)) ?? 0) > 0) return false;
  }
  return true;
}

function satisfiesExistingAnti(s: FilterState, node: NodeInfo): boolean {
  if (s.existingAnti.size === 0) return true;
  for (const [k, v] of Object.entries(node.labels)) if ((s.existingAnti.get(pairKey(k, v)) ?? 0) > 0) return false;
  return true;
}

export function affinityFilter(h: Handle, state: CycleState, pod: PodInfo, node: NodeInfo): Status {
  const s = state.read<FilterState>(STATE_KEY);
  if (!s) return success();
  if (!satisfiesAffinity(s, pod, node, h.namespaceLabels)) return unresolvable(ERR_REASON_AFFINITY);
  if (!satisfiesAnti(s, pod, node)) return unschedulable(ERR_REASON_ANTI_AFFINITY);
  if (!satisfiesExistingAnti(s, node)) return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
  return success();
}

export function affinityUpdate(h: Handle, state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: 1 | -1): void {
  const s = state.read<FilterState>(STATE_KEY);
  if (s) update(s, pod, other, node, h.namespaceLabels, delta);
}
