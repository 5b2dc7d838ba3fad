/**
 * PodTopologySpread scoring (upstream podtopologyspread/scoring.go): for ScheduleAnyway
 * constraints (or the system defaults), a node's raw score is the matching pods in its domains,
 * weighted by log(domains + 2) plus maxSkew − 1; fewer is better after normalizing.
 */
import { LabelSelector } from '../../../api/selectors.js';
import { MAX_NODE_SCORE } from '../../framework/framework.js';
import type { CycleState, Handle, StateData } from '../../framework/interface.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { skip, success, type Status } from '../../framework/status.js';
import { constraintsOf, countOnNode, defaultConstraints, hasAllKeys, HOSTNAME, nodeIncluded, ZONE, type Constraint } from './constraints.js';

const STATE_KEY = 'PreScorePodTopologySpread';

class ScoreState implements StateData {
  constructor(
    readonly constraints: readonly Constraint[],
    readonly ignored: ReadonlySet<string>,
    readonly counts: Map<string, number>[],
    readonly weights: number[],
  ) {}

  clone(): StateData {
    return this;
  }
}

export function spreadPreScore(handle: Handle, state: CycleState, pod: PodInfo, filtered: readonly NodeInfo[]): Status {
  const own = (pod.pod.spec?.topologySpreadConstraints ?? []).length > 0;
  const constraints = own ? constraintsOf(pod, 'ScheduleAnyway') : defaultConstraints(pod, LabelSelector.everything());
  if (constraints.length === 0) return skip();
  // System defaults do not require every key: a node without a zone label still spreads by hostname.
  const requireAll = own;
  const ignored = new Set<string>();
  const counts = constraints.map(() => new Map<string, number>());
  for (const node of filtered) {
    if (requireAll && !hasAllKeys(node, constraints)) {
      ignored.add(node.name);
      continue;
    }
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i] as Constraint;
      if (c.topologyKey === HOSTNAME) continue; // per-node counts are taken in Score
      const value = node.labels[c.topologyKey];
      if (value !== undefined) (counts[i] as Map<string, number>).set(value, 0);
    }
  }
  const weights = constraints.map((c, i) => Math.log((c.topologyKey === HOSTNAME ? filtered.length - ignored.size : (counts[i]?.size ?? 0)) + 2));
  // Domain counts over every node (not just the feasible ones), for keys other than hostname.
  for (let i = 0; i < constraints.length; i++) {
    const c = constraints[i] as Constraint;
    const m = counts[i] as Map<string, number>;
    if (m.size === 0) continue;
    if (c.ownerUid && c.topologyKey === ZONE && pod.requiredNodeAffinity.isEmpty && !c.honorTaints) {
      // Default spreading by zone: the cache keeps these sums per owner.
      for (const value of m.keys()) m.set(value, handle.snapshot.ownerZoneCount(c.ownerUid, value));
      continue;
    }
    for (const node of handle.snapshot.nodes()) {
      if (requireAll && !hasAllKeys(node, constraints)) continue;
      const value = node.labels[c.topologyKey];
      const cur = value === undefined ? undefined : m.get(value);
      if (cur === undefined || value === undefined || !nodeIncluded(c, pod, node)) continue;
      m.set(value, cur + countOnNode(c, node, pod.namespace));
    }
  }
  state.write(STATE_KEY, new ScoreState(constraints, ignored, counts, weights));
  return success();
}

export function spreadScore(state: CycleState, pod: PodInfo, node: NodeInfo): number {
  const s = state.read<ScoreState>(STATE_KEY);
  if (!s || s.ignored.has(node.name)) return 0;
  let score = 0;
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i] as Constraint;
    const value = node.labels[c.topologyKey];
    if (value === undefined) continue;
    const cnt = c.topologyKey === HOSTNAME ? countOnNode(c, node, pod.namespace) : (s.counts[i]?.get(value) ?? 0);
    score += cnt * (s.weights[i] ?? 0) + (c.maxSkew - 1);
  }
  return Math.round(score);
}

export function spreadNormalize(state: CycleState, scores: number[], nodes: readonly NodeInfo[]): void {
  const s = state.read<ScoreState>(STATE_KEY);
  if (!s) return;
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  nodes.forEach((n, i) => {
    if (s.ignored.has(n.name)) return;
    const v = scores[i] ?? 0;
    if (v < min) min = v;
    if (v > max) max = v;
  });
  nodes.forEach((n, i) => {
    if (s.ignored.has(n.name)) scores[i] = 0;
    else if (max === 0) scores[i] = MAX_NODE_SCORE;
    else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - (scores[i] ?? 0))) / max);
  });
}
