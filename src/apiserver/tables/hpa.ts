// The HorizontalPodAutoscaler table for autoscaling/v1 and v2 objects. Upstream prints the internal
// (v2-shaped) object, so a v1 object is first read as v1 → internal conversion would: its CPU
// target becomes a Resource metric, and no target at all means the implicit 80% CPU default.
import { asObject, get, int, objs, optInt, str } from '../../api/printing/access.js';
import { AGE, NAME, s } from './columns.js';
import { DESCRIPTIONS as D } from './descriptions.js';
import { ageOf, nameOf, quantity } from '../../api/printing/format.js';
import type { TableConvertor } from './types.js';

type Json = Record<string, unknown>;

/** autoscaling/v1's implicit CPU target (`autoscaling.DefaultCPUUtilization`). */
const DEFAULT_CPU_UTILIZATION = 80;

const cpuUtilization = (key: 'target' | 'current', value: number): Json => ({
  type: 'Resource',
  resource: { name: 'cpu', [key]: key === 'target' ? { type: 'Utilization', averageUtilization: value } : { averageUtilization: value } },
});

/** The v2-shaped spec metrics and status metrics of an HPA of either version. */
function metricsOf(hpa: Json): { specs: Json[]; statuses: Json[] } {
  const v1 = str(hpa, 'apiVersion') === 'autoscaling/v1' || (get(hpa, 'spec', 'metrics') === undefined && get(hpa, 'spec', 'targetCPUUtilizationPercentage') !== undefined);
  if (!v1) return { specs: objs(hpa, 'spec', 'metrics'), statuses: objs(hpa, 'status', 'currentMetrics') };
  const target = optInt(hpa, 'spec', 'targetCPUUtilizationPercentage') ?? DEFAULT_CPU_UTILIZATION;
  const current = optInt(hpa, 'status', 'currentCPUUtilizationPercentage');
  return { specs: [cpuUtilization('target', target)], statuses: current === undefined ? [] : [cpuUtilization('current', current)] };
}

/** `(*Quantity).String()`, which prints `<nil>` for an absent pointer. */
const quantityPtr = (v: unknown): string => (v === undefined || v === null ? '<nil>' : quantity(v));

const has = (o: unknown, ...path: string[]): boolean => {
  const v = get(o, ...path);
  return v !== undefined && v !== null;
};

/** A `value` or `averageValue` (avg) target of an Object or External metric. */
function valueTarget(spec: Json, status: Json | undefined, source: 'object' | 'external'): string {
  if (has(spec, source, 'target', 'averageValue')) {
    const current = has(status, source, 'current', 'averageValue') ? quantityPtr(get(status, source, 'current', 'averageValue')) : '<unknown>';
    return `${current}/${quantityPtr(get(spec, source, 'target', 'averageValue'))} (avg)`;
  }
  const current = asObject(get(status, source)) !== undefined ? quantityPtr(get(status, source, 'current', 'value')) : '<unknown>';
  return `${current}/${quantityPtr(get(spec, source, 'target', 'value'))}`;
}

/** A Resource or ContainerResource metric: "cpu: 20%/50%" or "memory: 100Mi/200Mi". */
function resourceTarget(spec: Json, status: Json | undefined, source: 'resource' | 'containerResource'): string {
  const name = str(spec, source, 'name');
  const hasStatus = asObject(get(status, source)) !== undefined;
  if (has(spec, source, 'target', 'averageValue')) {
    const current = hasStatus ? quantityPtr(get(status, source, 'current', 'averageValue')) : '<unknown>';
    return `${name}: ${current}/${quantityPtr(get(spec, source, 'target', 'averageValue'))}`;
  }
  const currentPct = optInt(status, source, 'current', 'averageUtilization');
  const targetPct = optInt(spec, source, 'target', 'averageUtilization');
  const current = hasStatus && currentPct !== undefined ? `${currentPct}%` : '<unknown>';
  return `${name}: ${current}/${targetPct === undefined ? '<auto>' : `${targetPct}%`}`;
}

/** Upstream `formatHPAMetrics`: two metrics, then " + N more..."; `<none>` without metrics. */
export function formatHPAMetrics(specs: Json[], statuses: Json[]): string {
  if (specs.length === 0) return '<none>';
  const list = specs.map((spec, idx) => {
    const status = statuses[idx];
    switch (str(spec, 'type')) {
      case 'External':
        return valueTarget(spec, status, 'external');
      case 'Object':
        return valueTarget(spec, status, 'object');
      case 'Pods': {
        const current = asObject(get(status, 'pods')) !== undefined ? quantityPtr(get(status, 'pods', 'current', 'averageValue')) : '<unknown>';
        return `${current}/${quantityPtr(get(spec, 'pods', 'target', 'averageValue'))}`;
      }
      case 'Resource':
        return resourceTarget(spec, status, 'resource');
      case 'ContainerResource':
        return resourceTarget(spec, status, 'containerResource');
      default:
        return '<unknown type>';
    }
  });
  const max = 2;
  return list.length > max ? `${list.slice(0, max).join(', ')} + ${list.length - max} more...` : list.join(', ');
}

/** HorizontalPodAutoscaler: Reference "Deployment/web", Targets "cpu: 20%/50%", MinPods, MaxPods, Replicas. */
export const horizontalPodAutoscalerTable: TableConvertor = {
  columns: [
    NAME,
    s('Reference', D.hpaScaleTargetRef),
    s('Targets', D.hpaMetrics),
    s('MinPods', D.hpaMinReplicas),
    s('MaxPods', D.hpaMaxReplicas),
    s('Replicas', D.hpaCurrentReplicas),
    AGE,
  ],
  cells: (o, now) => {
    const { specs, statuses } = metricsOf(o);
    // Both versions default minReplicas to 1.
    const min = optInt(o, 'spec', 'minReplicas') ?? 1;
    return [
      nameOf(o),
      `${str(o, 'spec', 'scaleTargetRef', 'kind')}/${str(o, 'spec', 'scaleTargetRef', 'name')}`,
      formatHPAMetrics(specs, statuses),
      String(min),
      int(o, 'spec', 'maxReplicas'),
      int(o, 'status', 'currentReplicas'),
      ageOf(o, now),
    ];
  },
};
