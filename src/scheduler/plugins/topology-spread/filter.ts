/**
 * PodTopologySpread filtering (upstream podtopologyspread/filtering.go): PreFilter counts the
 * matching pods per topology domain once, keeping the two smallest domains per constraint (the
 * "critical paths"); Filter then checks `matching in the node's domain + self − global minimum ≤
 * maxSkew` in O(constraints). Preemption adjusts the counts through addPod/removePod.
 */
import type { CycleState, StateData } from '../../framework/interface.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { skip, success, unresolvable, unschedulable, type Status } from '../../framework/status.js';
import { constraintsOf, countOnNode, ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH, hasAllKeys, nodeIncluded, podCounts, type Constraint } from './constraints.js';

const STATE_KEY = 'PreFilterPodTopologySpread';

interface Path {
  value: string;
  num: number;
}

/** The two domains with the fewest matching pods (upstream criticalPaths). */
class CriticalPaths {
  constructor(
    public a: Path = { value: '', num: Number.MAX_SAFE_INTEGER },
    public b: Path = { value: '', num: Number.MAX_SAFE_INTEGER },
  ) {}

  update(value: string, num: number): void {
    if (value === this.a.value || value === this.b.value) {
      const p = value === this.a.value ? this.a : this.b;
      p.num = num;
      if (this.a.num > this.b.num) [this.a, this.b] = [this.b, this.a];
    } else if (num < this.a.num) {
      this.b = this.a;
      this.a = { value, num };
    } else if (num < this.b.num) {
      this.b = { value, num };
    }
  }

  clone(): CriticalPaths {
    return new CriticalPaths({ ...this.a }, { ...this.b });
  }
}

class FilterState implements StateData {
  constructor(
    readonly constraints: readonly Constraint[],
    readonly counts: Map<string, number>[],
    readonly paths: CriticalPaths[],
  ) {}

  clone(): FilterState {
    return new FilterState(
      this.constraints,
      this.counts.map((m) => new Map(m)),
      this.paths.map((p) => p.clone()),
    );
  }

  minMatch(i: number): number {
    const c = this.constraints[i];
    // Fewer eligible domains than minDomains: the global minimum is taken as 0.
    if (c && (this.counts[i]?.size ?? 0) < c.minDomains) return 0;
    return this.paths[i]?.a.num ?? 0;
  }
}

export function spreadPreFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
  const constraints = constraintsOf(pod, 'DoNotSchedule');
  if (constraints.length === 0) return skip();
  const counts = constraints.map(() => new Map<string, number>());
  for (const node of nodes) {
    if (!hasAllKeys(node, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!nodeIncluded(c, pod, node)) return;
      const value = node.labels[c.topologyKey] ?? '';
      const m = counts[i] as Map<string, number>;
      m.set(value, (m.get(value) ?? 0) + countOnNode(c, node, pod.namespace));
    });
  }
  const paths = counts.map((m) => {
    const p = new CriticalPaths();
    for (const [v, n] of m) p.update(v, n);
    return p;
  });
  state.write(STATE_KEY, new FilterState(constraints, counts, paths));
  return success();
}

export function spreadFilter(state: CycleState, pod: PodInfo, node: NodeInfo): Status {
  const s = state.read<FilterState>(STATE_KEY);
  if (!s) return success();
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i] as Constraint;
    const value = node.labels[c.topologyKey];
    if (value === undefined) return unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
    const self = c.selector.matches(pod.labels) ? 1 : 0;
    const skew = (s.counts[i]?.get(value) ?? 0) + self - s.minMatch(i);
    if (skew > c.maxSkew) return unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
  }
  return success();
}

/** Adjusts the counts as if `other` were added to (delta 1) or removed from (-1) `node`. */
export function spreadUpdate(state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: 1 | -1): void {
  const s = state.read<FilterState>(STATE_KEY);
  if (!s || other.namespace !== pod.namespace || !hasAllKeys(node, s.constraints)) return;
  s.constraints.forEach((c, i) => {
    if (!podCounts(c, other, pod.namespace) || !nodeIncluded(c, pod, node)) return;
    const value = node.labels[c.topologyKey] ?? '';
    const m = s.counts[i] as Map<string, number>;
    const n = (m.get(value) ?? 0) + delta;
    m.set(value, n);
    s.paths[i]?.update(value, n);
  });
}
