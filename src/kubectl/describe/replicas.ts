/**
 * `kubectl describe rc` and `describe rs`, and the pod phase counts (`Pods Status:`) that the
 * workload describers share: pods matching the selector that the workload controls, by phase.
 */
import type { Pod, ReplicationController } from '../../api/generated/core/v1.js';
import type { ReplicaSet } from '../../api/generated/apps/v1.js';
import { LabelSelector } from '../../api/selectors.js';
import { resources } from '../../client/resources.js';
import { errorText } from '../../util/errors.js';
import { getObject, listAll, type DescribeContext } from './context.js';
import { describeEvents, searchEvents, targetOf } from './events.js';
import { formatLabels, formatLabelSelector, printAnnotationsMultiline, printLabelsMultiline, selectorString } from './format.js';
import { controllerOf } from './pod.js';
import { describePodTemplate } from './pod-template.js';
import { LEVEL_0, LEVEL_1, tabbed, type PrefixWriter } from './writer.js';

/** Pods a workload controls, counted by phase. */
export interface PodCounts {
  running: number;
  waiting: number;
  succeeded: number;
  failed: number;
}

/** Lists the pods matching `selector` and counts those whose controller is `uid` (getPodStatusForController). */
export async function podCounts(ctx: DescribeContext, namespace: string, selector: string, uid: string | undefined): Promise<PodCounts> {
  const pods = await listAll<Pod>(ctx, resources.pods, { namespace, labelSelector: selector });
  const counts: PodCounts = { running: 0, waiting: 0, succeeded: 0, failed: 0 };
  for (const p of pods) {
    const owner = p.metadata?.ownerReferences?.find((r) => r.controller === true);
    if (!owner || owner.uid !== uid) continue;
    if (p.status?.phase === 'Running') counts.running++;
    else if (p.status?.phase === 'Pending') counts.waiting++;
    else if (p.status?.phase === 'Succeeded') counts.succeeded++;
    else if (p.status?.phase === 'Failed') counts.failed++;
  }
  return counts;
}

/** `1 Running / 0 Waiting / 0 Succeeded / 0 Failed`. */
export const countsText = (c: PodCounts): string => `${c.running} Running / ${c.waiting} Waiting / ${c.succeeded} Succeeded / ${c.failed} Failed`;

/** The `Type Status Reason` conditions table of RCs, RSs and Deployments. */
export function describeReasonConditions(conditions: readonly { type: string; status: string; reason?: string }[] | undefined, w: PrefixWriter): void {
  if (!conditions || conditions.length === 0) return;
  w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tReason\n');
  w.write(LEVEL_1, '----\t------\t------\n');
  for (const c of conditions) w.write(LEVEL_1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
}

/** Describes one ReplicationController. */
export async function describeReplicationController(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const rc = await getObject<ReplicationController>(ctx, resources.replicationcontrollers, namespace, name);
  const counts = await podCounts(ctx, namespace, LabelSelector.fromSet(rc.spec?.selector).toString(), rc.metadata?.uid);
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(rc, 'ReplicationController')) : undefined;
  return tabbed((w) => {
    w.write(LEVEL_0, `Name:\t${rc.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${rc.metadata?.namespace ?? ''}\n`);
    w.write(LEVEL_0, `Selector:\t${formatLabels(rc.spec?.selector)}\n`);
    printLabelsMultiline(w, 'Labels', rc.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', rc.metadata?.annotations);
    w.write(LEVEL_0, `Replicas:\t${rc.status?.replicas ?? 0} current / ${rc.spec?.replicas ?? 0} desired\n`);
    w.write(LEVEL_0, `Pods Status:\t${countsText(counts)}\n`);
    describePodTemplate(rc.spec?.template, w);
    describeReasonConditions(rc.status?.conditions, w);
    if (events) describeEvents(events, w, ctx.now);
  });
}

/** Describes one ReplicaSet (a failure to list its pods is shown in place of the counts). */
export async function describeReplicaSet(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const rs = await getObject<ReplicaSet>(ctx, resources.replicasets, namespace, name);
  const selector = selectorString(rs.spec?.selector);
  if (selector === undefined) throw new Error(`invalid selector on replicaset ${name}`);
  let counts: PodCounts | string;
  try {
    counts = await podCounts(ctx, namespace, selector, rs.metadata?.uid);
  } catch (e) {
    counts = errorText(e);
  }
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(rs, 'ReplicaSet')) : undefined;
  return tabbed((w) => {
    w.write(LEVEL_0, `Name:\t${rs.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${rs.metadata?.namespace ?? ''}\n`);
    w.write(LEVEL_0, `Selector:\t${formatLabelSelector(rs.spec?.selector)}\n`);
    printLabelsMultiline(w, 'Labels', rs.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', rs.metadata?.annotations);
    const controlledBy = controllerOf(rs.metadata);
    if (controlledBy) w.write(LEVEL_0, `Controlled By:\t${controlledBy}\n`);
    w.write(LEVEL_0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 0} desired\n`);
    w.write(LEVEL_0, `Pods Status:\t${typeof counts === 'string' ? `error in fetching pods: ${counts}` : countsText(counts)}\n`);
    describePodTemplate(rs.spec?.template, w);
    describeReasonConditions(rs.status?.conditions, w);
    if (events) describeEvents(events, w, ctx.now);
  });
}
