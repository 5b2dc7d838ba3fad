/**
 * Which nodes a DaemonSet's pod belongs on (upstream daemon_controller nodeShouldRunDaemonPod and
 * daemon/util): the template's nodeName, nodeSelector and required node affinity must match, and
 * the node's NoSchedule/NoExecute taints must be tolerated — by the template's tolerations plus the
 * ones every daemon pod gets (not-ready, unreachable, pressure, unschedulable). A pod already there
 * may stay while only NoSchedule taints are untolerated. Daemon pods are pinned to their node by a
 * required node affinity `matchFields metadata.name In [node]` and placed by the scheduler.
 */
import type { Affinity, Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, PodSpec, Taint, Toleration } from '../../api/generated/core/v1.js';

/** Tolerations every daemon pod gets (upstream AddOrUpdateDaemonPodTolerations). */
export function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const t = (key: string, effect: string): Toleration => ({ key: `node.kubernetes.io/${key}`, operator: 'Exists', effect });
  return [
    t('not-ready', 'NoExecute'),
    t('unreachable', 'NoExecute'),
    t('disk-pressure', 'NoSchedule'),
    t('memory-pressure', 'NoSchedule'),
    t('pid-pressure', 'NoSchedule'),
    t('unschedulable', 'NoSchedule'),
    ...(hostNetwork ? [t('network-unavailable', 'NoSchedule')] : []),
  ];
}

/** Same key, operator, value and effect (upstream Toleration.MatchToleration). */
const sameToleration = (a: Toleration, b: Toleration) => (a.key ?? '') === (b.key ?? '') && (a.operator || 'Equal') === (b.operator || 'Equal') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');

/** `existing` with each of `add` replacing its match (e.g. a 300 s not-ready toleration) or appended. */
export function addOrUpdateTolerations(existing: readonly Toleration[], add: readonly Toleration[]): Toleration[] {
  const out = [...existing];
  for (const t of add) {
    const i = out.findIndex((x) => sameToleration(x, t));
    if (i >= 0) out[i] = t;
    else out.push(t);
  }
  return out;
}

/** Upstream Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator || 'Equal';
  if (op === 'Exists') return true;
  return op === 'Equal' && (t.value ?? '') === (taint.value ?? '');
}

/** The first taint with an effect in `effects` that no toleration tolerates. */
export function untoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], effects: readonly string[]): Taint | undefined {
  return taints.find((taint) => effects.includes(taint.effect) && !tolerations.some((t) => tolerates(t, taint)));
}

function requirementMatches(r: NodeSelectorRequirement, values: Readonly<Record<string, string>>): boolean {
  const present = Object.hasOwn(values, r.key);
  const v = values[r.key];
  const want = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return present && v !== undefined && want.includes(v);
    case 'NotIn':
      return !present || v === undefined || !want.includes(v);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    case 'Gt':
    case 'Lt': {
      if (!present || want.length !== 1 || !/^-?\d+$/.test(v ?? '') || !/^-?\d+$/.test(want[0] ?? '')) return false;
      const [a, b] = [Number(v), Number(want[0])];
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A term matches when all its expressions (labels) and fields (metadata.name) do; an empty term matches nothing. */
function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  const nodeFields = { 'metadata.name': node.metadata?.name ?? '' };
  return exprs.every((r) => requirementMatches(r, labels)) && fields.every((r) => requirementMatches(r, nodeFields));
}

/** nodeSelector and required node affinity (upstream GetRequiredNodeAffinity(pod).Match(node)). */
export function matchesNodeAffinity(spec: Pick<PodSpec, 'nodeSelector' | 'affinity'>, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return required.nodeSelectorTerms.some((t) => termMatches(t, node));
}

/** Whether a daemon pod should be created on `node`, and whether one already there may keep running. */
export interface NodeDecision {
  shouldRun: boolean;
  shouldContinueRunning: boolean;
}

/** Upstream nodeShouldRunDaemonPod for a DaemonSet with pod template spec `spec`. */
export function nodeShouldRunDaemonPod(spec: PodSpec, node: Node): NodeDecision {
  if (spec.nodeName && spec.nodeName !== node.metadata?.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!matchesNodeAffinity(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = addOrUpdateTolerations(spec.tolerations ?? [], daemonTolerations(spec.hostNetwork === true));
  const taints = node.spec?.taints ?? [];
  if (untoleratedTaint(taints, tolerations, ['NoSchedule', 'NoExecute'])) {
    return { shouldRun: false, shouldContinueRunning: untoleratedTaint(taints, tolerations, ['NoExecute']) === undefined };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/** The template's affinity with its required node terms replaced by `metadata.name In [node]` (upstream ReplaceDaemonSetPodNodeNameNodeAffinity). */
export function pinToNode(affinity: Affinity | undefined, node: string): Affinity {
  const out = structuredClone(affinity ?? {});
  const nodeAffinity = (out.nodeAffinity ??= {});
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] };
  return out;
}

/** The spec fields a daemon pod for `node` gets on top of the template: tolerations and the pinning affinity. */
export function daemonPodSpec(spec: PodSpec, node: string): Pick<PodSpec, 'tolerations' | 'affinity'> {
  return { tolerations: addOrUpdateTolerations(spec.tolerations ?? [], daemonTolerations(spec.hostNetwork === true)), affinity: pinToNode(spec.affinity, node) };
}

/** The node a daemon pod is for: spec.nodeName, else its `metadata.name In [x]` affinity (upstream GetTargetNodeName). */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In') return f.values?.length === 1 ? f.values[0] : undefined;
    }
  }
  return undefined;
}
