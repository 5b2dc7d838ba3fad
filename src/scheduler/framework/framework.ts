/**
 * One scheduling profile's plugins, run point by point (upstream frameworkImpl): PreFilter (state
 * and candidate restriction), Filter (first rejection wins, in profile order), PreScore, Score
 * (normalized, weighted, summed) and PostFilter (preemption).
 */
import type {
  ClusterEvent,
  CycleState,
  Diagnosis,
  EnqueueExtensions,
  FilterPlugin,
  Nominator,
  Plugin,
  PostFilterPlugin,
  PostFilterResult,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
} from './interface.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import { isSuccess, success, unresolvable, withPlugin, type Status } from './status.js';

/** The largest score a plugin gives after normalizing. */
export const MAX_NODE_SCORE = 100;

/** A plugin enabled in a profile, with its score weight. */
export interface EnabledPlugin {
  plugin: Plugin;
  weight?: number;
}

/** What PreFilter decided. */
export interface PreFilterOutcome {
  status: Status;
  /** When set, only these nodes may be tried. */
  nodeNames?: ReadonlySet<string>;
  /** Plugins that restricted the nodes (for the "didn't satisfy plugin(s)" message). */
  restrictedBy: string[];
}

const has = <K extends string>(p: Plugin, k: K): p is Plugin & Record<K, (...a: never[]) => unknown> => typeof (p as unknown as Record<string, unknown>)[k] === 'function';

/** Go prints a []string as `[a b]`. */
const goList = (xs: readonly string[]) => `[${xs.join(' ')}]`;

/** A profile's plugins by extension point. */
export class Framework {
  readonly preFilter: PreFilterPlugin[] = [];
  readonly filter: FilterPlugin[] = [];
  readonly preScore: PreScorePlugin[] = [];
  readonly score: { plugin: ScorePlugin; weight: number }[] = [];
  readonly postFilter: PostFilterPlugin[] = [];
  /** Plugin name → the events that can make a pod it rejected schedulable. */
  readonly events = new Map<string, ReadonlySet<ClusterEvent>>();

  constructor(plugins: readonly EnabledPlugin[]) {
    for (const { plugin, weight } of plugins) {
      if (has(plugin, 'preFilter')) this.preFilter.push(plugin as unknown as PreFilterPlugin);
      if (has(plugin, 'filter')) this.filter.push(plugin as unknown as FilterPlugin);
      if (has(plugin, 'preScore')) this.preScore.push(plugin as unknown as PreScorePlugin);
      if (has(plugin, 'score')) this.score.push({ plugin: plugin as unknown as ScorePlugin, weight: weight ?? 1 });
      if (has(plugin, 'postFilter')) this.postFilter.push(plugin as unknown as PostFilterPlugin);
      if (has(plugin, 'events')) this.events.set(plugin.name, new Set((plugin as unknown as EnqueueExtensions).events()));
    }
  }

  runPreFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PreFilterOutcome {
    let names: Set<string> | undefined;
    const restrictedBy: string[] = [];
    for (const pl of this.preFilter) {
      const s = pl.preFilter(state, pod, nodes);
      if (s.code === 'Skip') {
        state.skipFilter.add(pl.name);
        continue;
      }
      if (!isSuccess(s)) return { status: withPlugin(s, pl.name), restrictedBy };
      const only = pl.preFilterNodes?.(pod);
      if (only) {
        restrictedBy.push(pl.name);
        names = names ? new Set([...names].filter((n) => only.has(n))) : new Set(only);
        if (names.size === 0) {
          const msg = restrictedBy.length === 1 ? `node(s) didn't satisfy plugin ${pl.name}` : `node(s) didn't satisfy plugin(s) ${goList(restrictedBy)} simultaneously`;
          return { status: withPlugin(unresolvable(msg), pl.name), restrictedBy };
        }
      }
    }
    return { status: success(), nodeNames: names, restrictedBy };
  }

  /** The status of the nodes PreFilter ruled out without trying them. */
  static absentStatus(restrictedBy: readonly string[]): Status {
    return unresolvable(`node(s) didn't satisfy plugin(s) ${goList([...restrictedBy].sort())}`);
  }

  /** Runs the filters on one node; the first rejection (tagged with its plugin) wins. */
  runFilter(state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    state.filters ??= this.filter.filter((pl) => !state.skipFilter.has(pl.name));
    for (const pl of state.filters) {
      const s = pl.filter(state, pod, node);
      if (!isSuccess(s)) return withPlugin(s, pl.name);
    }
    return success();
  }

  /**
   * Runs the filters as if the pods nominated to the node with at least the pod's priority were
   * already there (they have first claim on it), then once more without them (a nominated pod may
   * never arrive, and pod affinity must not depend on it), as upstream does.
   */
  runFilterWithNominatedPods(state: CycleState, pod: PodInfo, node: NodeInfo, nominator: Nominator): Status {
    const all = nominator.nominatedPodsForNode(node.name);
    if (all.length === 0) return this.runFilter(state, pod, node);
    const nominated = all.filter((p) => p.key !== pod.key && p.priority >= pod.priority);
    if (nominated.length === 0) return this.runFilter(state, pod, node);
    const s2 = state.clone();
    const n2 = node.clone();
    for (const p of nominated) {
      n2.addPod(p);
      this.runAddPod(s2, pod, p, n2);
    }
    const withNominated = this.runFilter(s2, pod, n2);
    if (!isSuccess(withNominated)) return withNominated;
    return this.runFilter(state, pod, node);
  }

  runAddPod(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void {
    for (const pl of this.preFilter) if (!state.skipFilter.has(pl.name)) pl.addPod?.(state, pod, added, node);
  }

  runRemovePod(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void {
    for (const pl of this.preFilter) if (!state.skipFilter.has(pl.name)) pl.removePod?.(state, pod, removed, node);
  }

  runPreScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
    for (const pl of this.preScore) {
      const s = pl.preScore(state, pod, nodes);
      if (s.code === 'Skip') state.skipScore.add(pl.name);
      else if (!isSuccess(s)) return withPlugin(s, pl.name);
    }
    return success();
  }

  /** The weighted total score of each node (same order as `nodes`). */
  runScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
    const totals = new Array<number>(nodes.length).fill(0);
    const scores = new Array<number>(nodes.length);
    for (const { plugin, weight } of this.score) {
      if (state.skipScore.has(plugin.name)) continue;
      for (let i = 0; i < nodes.length; i++) scores[i] = plugin.score(state, pod, nodes[i] as NodeInfo);
      plugin.normalize?.(state, pod, scores, nodes);
      for (let i = 0; i < nodes.length; i++) totals[i] = (totals[i] ?? 0) + (scores[i] ?? 0) * weight;
    }
    return totals;
  }

  /** Runs PostFilter plugins until one succeeds; the messages of the others are kept. */
  async runPostFilter(state: CycleState, pod: PodInfo, diagnosis: Diagnosis): Promise<PostFilterResult | undefined> {
    let last: PostFilterResult | undefined;
    for (const pl of this.postFilter) {
      const r = await pl.postFilter(state, pod, diagnosis);
      r.status = withPlugin(r.status, pl.name);
      if (isSuccess(r.status)) return r;
      last = r;
    }
    return last;
  }
}
