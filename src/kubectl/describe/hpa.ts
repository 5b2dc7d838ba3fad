/**
 * `kubectl describe hpa`: read as autoscaling/v2 (falling back to v1), each metric as
 * `current / target`, replica bounds, scaling behaviour, conditions and events.
 */
import { Quantity } from '../../api/quantity.js';
import type { HorizontalPodAutoscaler, HPAScalingRules, MetricSpec, MetricStatus } from '../../api/generated/autoscaling/v2.js';
import type { HorizontalPodAutoscaler as HPAv1 } from '../../api/generated/autoscaling/v1.js';
import { resources } from '../../client/resources.js';
import { getObject, type DescribeContext } from './context.js';
import { describeEvents, searchEvents, targetOf } from './events.js';
import { printAnnotationsMultiline, printLabelsMultiline, rfc1123z } from './format.js';
import { LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, tabbed, type PrefixWriter } from './writer.js';

/** Go's Quantity.String of a pointer: the canonical form, `<nil>` when absent. */
const qs = (s: string | undefined): string => (s === undefined ? '<nil>' : Quantity.parse(s).toString());

function describeMetric(m: MetricSpec, cur: MetricStatus | undefined, w: PrefixWriter): void {
  switch (m.type) {
    case 'External': {
      const name = JSON.stringify(m.external?.metric.name ?? '');
      const target = m.external?.target;
      if (target?.averageValue !== undefined) {
        const current = cur?.external?.current.averageValue !== undefined ? qs(cur.external.current.averageValue) : '<unknown>';
        return w.write(LEVEL_1, `${name} (target average value):\t${current} / ${qs(target.averageValue)}\n`);
      }
      const current = cur?.external ? qs(cur.external.current.value) : '<unknown>';
      return w.write(LEVEL_1, `${name} (target value):\t${current} / ${qs(target?.value)}\n`);
    }
    case 'Pods': {
      const current = cur?.pods ? qs(cur.pods.current.averageValue) : '<unknown>';
      return w.write(LEVEL_1, `${JSON.stringify(m.pods?.metric.name ?? '')} on pods:\t${current} / ${qs(m.pods?.target.averageValue)}\n`);
    }
    case 'Object': {
      const o = m.object;
      w.write(LEVEL_1, `"${o?.metric.name ?? ''}" on ${o?.describedObject.kind ?? ''}/${o?.describedObject.name ?? ''} `);
      if (o?.target.type === 'AverageValue') {
        const current = cur?.object ? qs(cur.object.current.averageValue) : '<unknown>';
        return w.write(LEVEL_0, `(target average value):\t${current} / ${qs(o.target.averageValue)}\n`);
      }
      const current = cur?.object ? qs(cur.object.current.value) : '<unknown>';
      return w.write(LEVEL_0, `(target value):\t${current} / ${qs(o?.target.value)}\n`);
    }
    case 'Resource':
    case 'ContainerResource': {
      const src = m.type === 'Resource' ? m.resource : m.containerResource;
      const status = m.type === 'Resource' ? cur?.resource : cur?.containerResource;
      const container = m.type === 'ContainerResource' ? ` of container "${m.containerResource?.container ?? ''}"` : '';
      w.write(LEVEL_1, `resource ${src?.name ?? ''}${container} on pods`);
      if (src?.target.averageValue !== undefined) {
        const current = status ? qs(status.current.averageValue) : '<unknown>';
        return w.write(LEVEL_0, `:\t${current} / ${qs(src.target.averageValue)}\n`);
      }
      const util = status?.current.averageUtilization;
      const current = util !== undefined ? `${util}% (${qs(status?.current.averageValue)})` : '<unknown>';
      const target = src?.target.averageUtilization !== undefined ? `${src.target.averageUtilization}%` : '<auto>';
      return w.write(LEVEL_1, `(as a percentage of request):\t${current} / ${target}\n`);
    }
    default:
      w.write(LEVEL_1, `<unknown metric type ${JSON.stringify(m.type)}>\n`);
  }
}

function describeBehavior(w: PrefixWriter, direction: string, rules: HPAScalingRules | undefined): void {
  if (!rules) return;
  w.write(LEVEL_1, `${direction}:\n`);
  if (rules.stabilizationWindowSeconds !== undefined) w.write(LEVEL_2, `Stabilization Window: ${rules.stabilizationWindowSeconds} seconds\n`);
  if ((rules.policies ?? []).length > 0) {
    w.write(LEVEL_2, `Select Policy: ${rules.selectPolicy ?? 'Max'}\n`);
    w.write(LEVEL_2, 'Policies:\n');
    for (const p of rules.policies ?? []) w.write(LEVEL_3, `- Type: ${p.type}\tValue: ${p.value}\tPeriod: ${p.periodSeconds} seconds\n`);
  }
}

function header(hpa: HorizontalPodAutoscaler | HPAv1, w: PrefixWriter): void {
  w.write(LEVEL_0, `Name:\t${hpa.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${hpa.metadata?.namespace ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', hpa.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', hpa.metadata?.annotations);
  w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(hpa.metadata?.creationTimestamp)}\n`);
  w.write(LEVEL_0, `Reference:\t${hpa.spec?.scaleTargetRef.kind ?? ''}/${hpa.spec?.scaleTargetRef.name ?? ''}\n`);
}

function footer(hpa: HorizontalPodAutoscaler | HPAv1, w: PrefixWriter, between?: () => void): void {
  w.write(LEVEL_0, `Min replicas:\t${hpa.spec?.minReplicas ?? '<unset>'}\n`);
  w.write(LEVEL_0, `Max replicas:\t${hpa.spec?.maxReplicas ?? 0}\n`);
  between?.();
  w.write(LEVEL_0, `${hpa.spec?.scaleTargetRef.kind ?? ''} pods:\t`);
  w.write(LEVEL_0, `${hpa.status?.currentReplicas ?? 0} current / ${hpa.status?.desiredReplicas ?? 0} desired\n`);
}

/** Describes one HorizontalPodAutoscaler. */
export async function describeHorizontalPodAutoscaler(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  let hpa: HorizontalPodAutoscaler;
  try {
    hpa = await getObject<HorizontalPodAutoscaler>(ctx, resources.horizontalpodautoscalers, namespace, name);
  } catch {
    return describeV1(ctx, namespace, name);
  }
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(hpa, 'HorizontalPodAutoscaler')) : undefined;
  return tabbed((w) => {
    header(hpa, w);
    w.write(LEVEL_0, 'Metrics:\t( current / target )\n');
    (hpa.spec?.metrics ?? []).forEach((m, i) => describeMetric(m, hpa.status?.currentMetrics?.[i], w));
    footer(hpa, w, () => {
      const b = hpa.spec?.behavior;
      if (!b) return;
      w.write(LEVEL_0, 'Behavior:\n');
      describeBehavior(w, 'Scale Up', b.scaleUp);
      describeBehavior(w, 'Scale Down', b.scaleDown);
    });
    const conditions = hpa.status?.conditions ?? [];
    if (conditions.length > 0) {
      w.write(LEVEL_0, 'Conditions:\n');
      w.write(LEVEL_1, 'Type\tStatus\tReason\tMessage\n');
      w.write(LEVEL_1, '----\t------\t------\t-------\n');
      for (const c of conditions) w.write(LEVEL_1, `${c.type}\t${c.status}\t${c.reason ?? ''}\t${c.message ?? ''}\n`);
    }
    if (events) describeEvents(events, w, ctx.now);
  });
}

async function describeV1(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const hpa = await getObject<HPAv1>(ctx, { ...resources.horizontalpodautoscalers, version: 'v1' }, namespace, name);
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(hpa, 'HorizontalPodAutoscaler')) : undefined;
  return tabbed((w) => {
    header(hpa, w);
    const target = hpa.spec?.targetCPUUtilizationPercentage;
    if (target !== undefined) {
      w.write(LEVEL_0, `Target CPU utilization:\t${target}%\n`);
      w.write(LEVEL_0, `Current CPU utilization:\t${hpa.status?.currentCPUUtilizationPercentage ?? '<unknown>'}%\n`);
    }
    footer(hpa, w);
    if (events) describeEvents(events, w, ctx.now);
  });
}
