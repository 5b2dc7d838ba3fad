/**
 * Choosing victims on one node (upstream DefaultPreemption.SelectVictimsOnNode): take every
 * lower-priority pod off a copy of the node; if the preemptor then fits, put them back one by one,
 * most important first (PDB-protected ones before the rest), keeping each that still leaves room.
 * What cannot be put back are the victims.
 */
import type { PodDisruptionBudget } from '../../api/generated/policy/v1.js';
import { labelSelectorFromSpec } from '../../api/selectors.js';
import type { CycleState, Handle } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { errorStatus, isSuccess, success, unresolvable, type Status } from '../framework/status.js';

export const NO_VICTIMS = 'No preemption victims found for incoming pod';

/** Upstream util.MoreImportantPod: higher priority, then the one that started earlier. */
export function moreImportant(a: PodInfo, b: PodInfo): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return a.startTime < b.startTime;
}

const byImportance = (a: PodInfo, b: PodInfo): number => (moreImportant(a, b) ? -1 : moreImportant(b, a) ? 1 : 0);

/**
 * Splits pods (keeping their order) into those whose eviction would exceed a PodDisruptionBudget's
 * disruptionsAllowed (counting the earlier pods of the list) and the rest.
 */
export function splitByPdbViolation(pods: readonly PodInfo[], pdbs: readonly PodDisruptionBudget[]): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const selectors = pdbs.map((p) => {
    const s = labelSelectorFromSpec(p.spec?.selector);
    // An invalid, absent or empty selector matches nothing here, as upstream.
    return s.ok && !s.value.isEmpty() ? s.value : undefined;
  });
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const p of pods) {
    let violated = false;
    if (p.labels && Object.keys(p.labels).length > 0) {
      pdbs.forEach((pdb, i) => {
        if (pdb.metadata?.namespace !== p.namespace) return;
        const sel = selectors[i];
        if (!sel || !sel.matches(p.labels)) return;
        // Already counted by the API server's eviction handling.
        if (pdb.status?.disruptedPods && Object.hasOwn(pdb.status.disruptedPods, p.name)) return;
        allowed[i] = (allowed[i] ?? 0) - 1;
        if ((allowed[i] ?? 0) < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(p);
  }
  return { violating, nonViolating };
}

/** The outcome of trying one node. */
export interface Victims {
  status: Status;
  /** Most important first. */
  pods: PodInfo[];
  pdbViolations: number;
}

/** Selects victims on `node` (a copy, changed in place) with `state` (a copy, changed in place). */
export function selectVictimsOnNode(h: Handle, state: CycleState, pod: PodInfo, node: NodeInfo, pdbs: readonly PodDisruptionBudget[]): Victims {
  const potential = [...node.pods.values()].filter((p) => p.priority < pod.priority);
  if (potential.length === 0) return { status: unresolvable(NO_VICTIMS), pods: [], pdbViolations: 0 };
  for (const p of potential) {
    node.removePod(p.key);
    h.runPreFilterRemovePod(state, pod, p, node);
  }
  const fits = h.runFilterWithNominatedPods(state, pod, node);
  if (!isSuccess(fits)) return { status: fits, pods: [], pdbViolations: 0 };
  potential.sort(byImportance);
  const { violating, nonViolating } = splitByPdbViolation(potential, pdbs);
  const victims: PodInfo[] = [];
  const reprieve = (p: PodInfo): boolean => {
    node.addPod(p);
    h.runPreFilterAddPod(state, pod, p, node);
    if (isSuccess(h.runFilterWithNominatedPods(state, pod, node))) return true;
    node.removePod(p.key);
    h.runPreFilterRemovePod(state, pod, p, node);
    victims.push(p);
    return false;
  };
  let pdbViolations = 0;
  for (const p of violating) if (!reprieve(p)) pdbViolations++;
  for (const p of nonViolating) reprieve(p);
  if (violating.length > 0 && nonViolating.length > 0) victims.sort(byImportance);
  if (victims.length === 0) return { status: errorStatus(`expected at least one victim pod on node "${node.name}"`), pods: [], pdbViolations: 0 };
  return { status: success(), pods: victims, pdbViolations };
}
