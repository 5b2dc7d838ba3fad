/**
 * `kubectl describe deployment`: replicas, strategy, pod template, conditions, and the old and new
 * ReplicaSets (those it controls, the new one being the oldest whose template equals the
 * deployment's, ignoring `pod-template-hash`).
 */
import type { Deployment, ReplicaSet } from '../../api/generated/apps/v1.js';
import type { PodTemplateSpec } from '../../api/generated/core/v1.js';
import { resources } from '../../client/resources.js';
import { getObject, listAll, type DescribeContext } from './context.js';
import { describeEvents, searchEvents, targetOf } from './events.js';
import { printAnnotationsMultiline, printLabelsMultiline, rfc1123z, selectorString } from './format.js';
import { describePodTemplate } from './pod-template.js';
import { describeReasonConditions } from './replicas.js';
import { LEVEL_0, tabbed } from './writer.js';

/**
 * JSON equality where an absent field, `null`, `[]` and `{}` are the same (Go's semantic
 * DeepEqual treats nil and empty slices and maps alike, and omitted fields decode to zero values).
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  const empty = (v: unknown): boolean =>
    v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
  if (empty(a) && empty(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
    for (const k of keys) if (!semanticEqual(ra[k], rb[k])) return false;
    return true;
  }
  return a === b;
}

const HASH_LABEL = 'pod-template-hash';

function withoutHash(t: PodTemplateSpec | undefined): PodTemplateSpec | undefined {
  const labels = { ...(t?.metadata?.labels ?? {}) };
  delete labels[HASH_LABEL];
  return t ? { ...t, metadata: { ...t.metadata, labels } } : t;
}

const created = (rs: ReplicaSet): number => Date.parse(rs.metadata?.creationTimestamp ?? '') || 0;

/** Splits the ReplicaSets a deployment controls into the new one and the old ones that still have replicas. */
export function splitReplicaSets(d: Deployment, all: readonly ReplicaSet[]): { newRS?: ReplicaSet; oldRSs: ReplicaSet[] } {
  const owned = all
    .filter((rs) => rs.metadata?.ownerReferences?.some((r) => r.controller === true && r.uid === d.metadata?.uid))
    .sort((a, b) => created(a) - created(b) || ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
  const template = withoutHash(d.spec?.template);
  const newRS = owned.find((rs) => semanticEqual(withoutHash(rs.spec?.template), template));
  const oldRSs = owned.filter((rs) => rs !== newRS && (rs.spec?.replicas ?? 1) !== 0);
  return { newRS, oldRSs };
}

const rsList = (list: readonly ReplicaSet[]): string =>
  list.map((rs) => `${rs.metadata?.name ?? ''} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`).join(', ') || '<none>';

/** Describes one Deployment. */
export async function describeDeployment(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const d = await getObject<Deployment>(ctx, resources.deployments, namespace, name);
  const selector = selectorString(d.spec?.selector);
  if (selector === undefined) throw new Error(`invalid selector on deployment ${name}`);
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(d, 'Deployment')) : undefined;
  let split: { newRS?: ReplicaSet; oldRSs: ReplicaSet[] } = { oldRSs: [] };
  try {
    split = splitReplicaSets(d, await listAll<ReplicaSet>(ctx, resources.replicasets, { namespace: d.metadata?.namespace ?? namespace, labelSelector: selector }));
  } catch {
    // kubectl leaves the ReplicaSet lines out when it cannot list them.
  }
  return tabbed((w) => {
    const spec = d.spec;
    const status = d.status;
    w.write(LEVEL_0, `Name:\t${d.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${d.metadata?.namespace ?? ''}\n`);
    w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(d.metadata?.creationTimestamp)}\n`);
    printLabelsMultiline(w, 'Labels', d.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', d.metadata?.annotations);
    w.write(LEVEL_0, `Selector:\t${selector}\n`);
    w.write(
      LEVEL_0,
      `Replicas:\t${spec?.replicas ?? 0} desired | ${status?.updatedReplicas ?? 0} updated | ${status?.replicas ?? 0} total | ${status?.availableReplicas ?? 0} available | ${status?.unavailableReplicas ?? 0} unavailable\n`,
    );
    w.write(LEVEL_0, `StrategyType:\t${spec?.strategy?.type ?? ''}\n`);
    w.write(LEVEL_0, `MinReadySeconds:\t${spec?.minReadySeconds ?? 0}\n`);
    const ru = spec?.strategy?.rollingUpdate;
    if (ru) w.write(LEVEL_0, `RollingUpdateStrategy:\t${String(ru.maxUnavailable ?? "<nil>")} max unavailable, ${String(ru.maxSurge ?? "<nil>")} max surge\n`);
    describePodTemplate(spec?.template, w);
    describeReasonConditions(status?.conditions, w);
    if (split.oldRSs.length > 0 || split.newRS) {
      w.write(LEVEL_0, `OldReplicaSets:\t${rsList(split.oldRSs)}\n`);
      w.write(LEVEL_0, `NewReplicaSet:\t${rsList(split.newRS ? [split.newRS] : [])}\n`);
    }
    if (events) describeEvents(events, w, ctx.now);
  });
}
