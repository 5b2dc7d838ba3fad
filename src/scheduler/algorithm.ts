/**
 * Finding a node for one pod (upstream schedule_one.go schedulePod): PreFilter, the nominated node
 * first, then filters over the nodes from a round-robin start until enough feasible ones are found
 * (upstream's adaptive percentageOfNodesToScore), then scores; the best node wins, ties broken at
 * random. Synchronous: it reads the cache as one consistent snapshot.
 */
import type { SchedulerCache } from './cache/cache.js';
import { Framework } from './framework/framework.js';
import type { CycleState, Diagnosis, Nominator } from './framework/interface.js';
import type { NodeInfo } from './framework/node-info.js';
import type { PodInfo } from './framework/pod-info.js';
import { isSuccess, messageOf, type Status } from './framework/status.js';

/** Upstream: always look for at least this many feasible nodes… */
const MIN_FEASIBLE_NODES = 100;
/** …and at least this share of the nodes. */
const MIN_FEASIBLE_PERCENTAGE = 5;

/** How many feasible nodes are enough (upstream numFeasibleNodesToFind; `percentage` 0 = adaptive). */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES) return numAllNodes;
  let pct = percentage;
  if (pct <= 0) pct = Math.max(MIN_FEASIBLE_PERCENTAGE, 50 - Math.trunc(numAllNodes / 125));
  const n = Math.trunc((numAllNodes * pct) / 100);
  return Math.max(n, MIN_FEASIBLE_NODES);
}

/** The outcome of one attempt. */
export type ScheduleResult =
  | { kind: 'node'; node: string; evaluated: number; feasible: number }
  | { kind: 'unfit'; numAllNodes: number; diagnosis: Diagnosis }
  | { kind: 'error'; message: string; unschedulable?: boolean };

/** Options of {@link Algorithm}. */
export interface AlgorithmOptions {
  cache: SchedulerCache;
  framework: Framework;
  nominator: Nominator;
  random: () => number;
  percentageOfNodesToScore?: number;
}

/** The node-picking part of the scheduler; keeps the round-robin start between pods. */
export class Algorithm {
  #nextStart = 0;

  constructor(private readonly o: AlgorithmOptions) {}

  schedule(state: CycleState, pod: PodInfo, nominatedNode: string | undefined): ScheduleResult {
    const { cache, framework: fw } = this.o;
    const all = cache.nodes();
    if (all.length === 0) return { kind: 'error', message: 'no nodes available to schedule pods', unschedulable: true };
    const pre = fw.runPreFilter(state, pod, all);
    if (!isSuccess(pre.status)) {
      if (pre.status.code === 'Error') return { kind: 'error', message: messageOf(pre.status) };
      const plugins = new Set(pre.status.plugin ? [pre.status.plugin] : []);
      return { kind: 'unfit', numAllNodes: all.length, diagnosis: { nodeToStatus: new Map(), absentStatus: pre.status, unschedulablePlugins: plugins, preFilterMsg: messageOf(pre.status) } };
    }
    // A pod that preempted goes back to its nominated node if it fits there now.
    if (nominatedNode && (!pre.nodeNames || pre.nodeNames.has(nominatedNode))) {
      const n = cache.get(nominatedNode);
      if (n && isSuccess(fw.runFilterWithNominatedPods(state, pod, n, this.o.nominator))) return { kind: 'node', node: n.name, evaluated: 1, feasible: 1 };
    }
    const candidates = pre.nodeNames ? [...pre.nodeNames].flatMap((name) => cache.get(name) ?? []) : all;
    const diagnosis: Diagnosis = { nodeToStatus: new Map(), unschedulablePlugins: new Set() };
    if (pre.nodeNames) diagnosis.absentStatus = Framework.absentStatus(pre.restrictedBy);
    const found = this.#findFeasible(state, pod, candidates, diagnosis);
    if ('error' in found) return { kind: 'error', message: found.error };
    const feasible = found.nodes;
    if (feasible.length === 0) return { kind: 'unfit', numAllNodes: all.length, diagnosis };
    const evaluated = feasible.length + diagnosis.nodeToStatus.size;
    const only = feasible[0];
    if (feasible.length === 1 && only) return { kind: 'node', node: only.name, evaluated, feasible: 1 };
    const ps = fw.runPreScore(state, pod, feasible);
    if (!isSuccess(ps)) return { kind: 'error', message: messageOf(ps) };
    const totals = fw.runScore(state, pod, feasible);
    return { kind: 'node', node: this.#select(feasible, totals), evaluated, feasible: feasible.length };
  }

  #findFeasible(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], d: Diagnosis): { nodes: NodeInfo[] } | { error: string } {
    const n = nodes.length;
    const want = numFeasibleNodesToFind(n, this.o.percentageOfNodesToScore);
    const out: NodeInfo[] = [];
    if (n === 0) return { nodes: out };
    const start = this.#nextStart % n;
    let processed = 0;
    for (let i = 0; i < n && out.length < want; i++) {
      const node = nodes[(start + i) % n] as NodeInfo;
      processed++;
      const s: Status = this.o.framework.runFilterWithNominatedPods(state, pod, node, this.o.nominator);
      if (isSuccess(s)) {
        out.push(node);
      } else if (s.code === 'Error') {
        return { error: messageOf(s) };
      } else {
        d.nodeToStatus.set(node.name, s);
        if (s.plugin) d.unschedulablePlugins.add(s.plugin);
      }
    }
    this.#nextStart = (start + processed) % n;
    return { nodes: out };
  }

  /** The highest total; among equals, each is equally likely (reservoir sampling, as upstream). */
  #select(nodes: readonly NodeInfo[], totals: readonly number[]): string {
    let best = 0;
    let max = totals[0] ?? 0;
    let ties = 1;
    for (let i = 1; i < nodes.length; i++) {
      const t = totals[i] ?? 0;
      if (t > max) {
        max = t;
        best = i;
        ties = 1;
      } else if (t === max) {
        ties++;
        if (Math.floor(this.o.random() * ties) === 0) best = i;
      }
    }
    return (nodes[best] as NodeInfo).name;
  }
}
