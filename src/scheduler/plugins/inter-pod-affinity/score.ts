/**
 * InterPodAffinity scoring (upstream interpodaffinity/scoring.go): per topology pair, add the
 * weights of the incoming pod's preferred affinity terms that existing pods match (anti-affinity
 * subtracts), and of existing pods' preferred terms (and required affinity, weight 1) that the
 * incoming pod matches; a node scores the sum over its labels, normalized min–max to 0–100.
 */
import { termMatches, type NamespaceLabels, type WeightedAffinityTerm } from '../../framework/affinity-term.js';
import { MAX_NODE_SCORE } from '../../framework/framework.js';
import type { CycleState, Handle, StateData } from '../../framework/interface.js';
import type { NodeInfo } from '../../framework/node-info.js';
import type { PodInfo } from '../../framework/pod-info.js';
import { skip, success, type Status } from '../../framework/status.js';

const STATE_KEY = 'PreScoreInterPodAffinity';
/** Upstream's default hardPodAffinityWeight. */
const HARD_POD_AFFINITY_WEIGHT = 1;

/** topologyKey → value → score. */
type TopologyScore = Map<string, Map<string, number>>;

class ScoreState implements StateData {
  constructor(readonly scores: TopologyScore) {}
  clone(): StateData {
    return this;
  }
}

function add(m: TopologyScore, key: string, value: string, delta: number): void {
  let byValue = m.get(key);
  if (!byValue) m.set(key, (byValue = new Map<string, number>()));
  byValue.set(value, (byValue.get(value) ?? 0) + delta);
}

function processTerms(m: TopologyScore, terms: readonly WeightedAffinityTerm[], podToCheck: PodInfo, node: NodeInfo, ns: NamespaceLabels, sign: number): void {
  for (const t of terms) {
    const v = node.labels[t.topologyKey];
    if (v === undefined || !termMatches(t, podToCheck.namespace, podToCheck.labels, ns)) continue;
    add(m, t.topologyKey, v, t.weight * sign);
  }
}

function processExisting(m: TopologyScore, pod: PodInfo, existing: PodInfo, node: NodeInfo, ns: NamespaceLabels): void {
  processTerms(m, pod.preferredAffinity, existing, node, ns, 1);
  processTerms(m, pod.preferredAntiAffinity, existing, node, ns, -1);
  if (existing.requiredAffinity.length > 0) {
    processTerms(m, existing.requiredAffinity.map((t) => ({ ...t, weight: HARD_POD_AFFINITY_WEIGHT })), pod, node, ns, 1);
  }
  processTerms(m, existing.preferredAffinity, pod, node, ns, 1);
  processTerms(m, existing.preferredAntiAffinity, pod, node, ns, -1);
}

export function affinityPreScore(h: Handle, state: CycleState, pod: PodInfo): Status {
  const hasPreferred = pod.preferredAffinity.length > 0 || pod.preferredAntiAffinity.length > 0;
  const m: TopologyScore = new Map();
  const nodes = hasPreferred ? h.snapshot.nodes() : h.snapshot.nodesWithAffinityPods();
  for (const node of nodes) {
    for (const existing of node.pods.values()) {
      // Without preferred terms of its own, only existing pods with terms can change the score.
      if (!hasPreferred && !existing.hasAffinity) continue;
      processExisting(m, pod, existing, node, h.namespaceLabels);
    }
  }
  if (m.size === 0) return skip();
  state.write(STATE_KEY, new ScoreState(m));
  return success();
}

export function affinityScore(state: CycleState, node: NodeInfo): number {
  const s = state.read<ScoreState>(STATE_KEY);
  if (!s) return 0;
  let score = 0;
  for (const [key, byValue] of s.scores) {
    const v = node.labels[key];
    if (v !== undefined) score += byValue.get(v) ?? 0;
  }
  return score;
}

export function affinityNormalize(state: CycleState, scores: number[]): void {
  if (!state.read<ScoreState>(STATE_KEY)) return;
  let min = Number.MAX_SAFE_INTEGER;
  let max = Number.MIN_SAFE_INTEGER;
  for (const s of scores) {
    if (s > max) max = s;
    if (s < min) min = s;
  }
  const diff = max - min;
  for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * (((scores[i] ?? 0) - min) / diff)) : 0;
}
