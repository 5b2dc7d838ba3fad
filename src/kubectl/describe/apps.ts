/** `kubectl describe daemonset` and `describe statefulset`. */
import type { DaemonSet, StatefulSet } from '../../api/generated/apps/v1.js';
import type { PersistentVolumeClaim } from '../../api/generated/core/v1.js';
import { resources } from '../../client/resources.js';
import { getObject, type DescribeContext } from './context.js';
import { describeEvents, searchEvents, targetOf } from './events.js';
import { formatLabels, printAnnotationsMultiline, printLabelsMultiline, rfc1123z, selectorString } from './format.js';
import { describePodTemplate } from './pod-template.js';
import { claimClass } from './pvc.js';
import { countsText, podCounts } from './replicas.js';
import { LEVEL_0, LEVEL_1, tabbed, type PrefixWriter } from './writer.js';

function mustSelector(spec: Parameters<typeof selectorString>[0], what: string): string {
  const s = selectorString(spec);
  if (s === undefined) throw new Error(`invalid selector on ${what}`);
  return s;
}

/** Describes one DaemonSet. */
export async function describeDaemonSet(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const ds = await getObject<DaemonSet>(ctx, resources.daemonsets, namespace, name);
  const selector = mustSelector(ds.spec?.selector, `daemonset ${name}`);
  const counts = await podCounts(ctx, namespace, selector, ds.metadata?.uid);
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(ds, 'DaemonSet')) : undefined;
  return tabbed((w) => {
    const status = ds.status;
    w.write(LEVEL_0, `Name:\t${ds.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Selector:\t${selector}\n`);
    w.write(LEVEL_0, `Node-Selector:\t${formatLabels(ds.spec?.template.spec?.nodeSelector)}\n`);
    printLabelsMultiline(w, 'Labels', ds.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', ds.metadata?.annotations);
    w.write(LEVEL_0, `Desired Number of Nodes Scheduled: ${status?.desiredNumberScheduled ?? 0}\n`);
    w.write(LEVEL_0, `Current Number of Nodes Scheduled: ${status?.currentNumberScheduled ?? 0}\n`);
    w.write(LEVEL_0, `Number of Nodes Scheduled with Up-to-date Pods: ${status?.updatedNumberScheduled ?? 0}\n`);
    w.write(LEVEL_0, `Number of Nodes Scheduled with Available Pods: ${status?.numberAvailable ?? 0}\n`);
    w.write(LEVEL_0, `Number of Nodes Misscheduled: ${status?.numberMisscheduled ?? 0}\n`);
    w.write(LEVEL_0, `Pods Status:\t${countsText(counts)}\n`);
    describePodTemplate(ds.spec?.template, w);
    if (events) describeEvents(events, w, ctx.now);
  });
}

function describeVolumeClaimTemplates(templates: readonly PersistentVolumeClaim[] | undefined, w: PrefixWriter): void {
  if (!templates || templates.length === 0) return w.write(LEVEL_0, 'Volume Claims:\t<none>\n');
  w.write(LEVEL_0, 'Volume Claims:\n');
  for (const pvc of templates) {
    w.write(LEVEL_1, `Name:\t${pvc.metadata?.name ?? ''}\n`);
    w.write(LEVEL_1, `StorageClass:\t${claimClass(pvc)}\n`);
    printLabelsMultiline(w, 'Labels', pvc.metadata?.labels, { initialIndent: '  ' });
    printLabelsMultiline(w, 'Annotations', pvc.metadata?.annotations, { initialIndent: '  ' });
    const capacity = pvc.spec?.resources?.requests?.['storage'];
    w.write(LEVEL_1, `Capacity:\t${capacity ?? '<default>'}\n`);
    w.write(LEVEL_1, `Access Modes:\t[${(pvc.spec?.accessModes ?? []).join(' ')}]\n`);
  }
}

/** Describes one StatefulSet. */
export async function describeStatefulSet(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const ss = await getObject<StatefulSet>(ctx, resources.statefulsets, namespace, name);
  const selector = mustSelector(ss.spec?.selector, `statefulset ${name}`);
  const counts = await podCounts(ctx, namespace, selector, ss.metadata?.uid);
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(ss, 'StatefulSet')) : undefined;
  return tabbed((w) => {
    const spec = ss.spec;
    w.write(LEVEL_0, `Name:\t${ss.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${ss.metadata?.namespace ?? ''}\n`);
    w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(ss.metadata?.creationTimestamp)}\n`);
    w.write(LEVEL_0, `Selector:\t${selector}\n`);
    printLabelsMultiline(w, 'Labels', ss.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', ss.metadata?.annotations);
    w.write(LEVEL_0, `Replicas:\t${spec?.replicas ?? 0} desired | ${ss.status?.replicas ?? 0} total\n`);
    w.write(LEVEL_0, `Update Strategy:\t${spec?.updateStrategy?.type ?? ''}\n`);
    const ru = spec?.updateStrategy?.rollingUpdate;
    if (ru?.partition !== undefined) {
      w.write(LEVEL_1, `Partition:\t${ru.partition}\n`);
      if (ru.maxUnavailable !== undefined) w.write(LEVEL_1, `MaxUnavailable:\t${String(ru.maxUnavailable)}\n`);
    }
    w.write(LEVEL_0, `Pods Status:\t${countsText(counts)}\n`);
    describePodTemplate(spec?.template, w);
    describeVolumeClaimTemplates(spec?.volumeClaimTemplates, w);
    if (events) describeEvents(events, w, ctx.now);
  });
}
