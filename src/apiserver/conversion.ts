/**
 * Conversions between served versions that share one storage: HorizontalPodAutoscaler is stored
 * as autoscaling/v2 and served as v1 too (v1's targetCPUUtilizationPercentage is v2's CPU
 * Utilization metric), as kube-apiserver converts them.
 */
import { clone, isObject, type KubeObject } from './object.js';
import type { Registry } from './registry.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (isObject(v) ? v : {});

function hpaToV1(obj: KubeObject): KubeObject {
  const o = clone(obj);
  const spec = rec(o['spec']);
  const metrics = (spec['metrics'] as Rec[] | undefined) ?? [];
  const cpu = metrics.find((m) => m['type'] === 'Resource' && rec(m['resource'])['name'] === 'cpu');
  const target = cpu ? rec(rec(cpu['resource'])['target']) : undefined;
  const v1spec: Rec = { scaleTargetRef: spec['scaleTargetRef'], maxReplicas: spec['maxReplicas'] };
  if (spec['minReplicas'] !== undefined) v1spec['minReplicas'] = spec['minReplicas'];
  if (target && typeof target['averageUtilization'] === 'number') v1spec['targetCPUUtilizationPercentage'] = target['averageUtilization'];
  const status = rec(o['status']);
  const current = ((status['currentMetrics'] as Rec[] | undefined) ?? []).find((m) => m['type'] === 'Resource' && rec(m['resource'])['name'] === 'cpu');
  const v1status: Rec = { currentReplicas: status['currentReplicas'] ?? 0, desiredReplicas: status['desiredReplicas'] ?? 0 };
  for (const k of ['observedGeneration', 'lastScaleTime']) if (status[k] !== undefined) v1status[k] = status[k];
  const util = current ? rec(rec(current['resource'])['current'])['averageUtilization'] : undefined;
  if (typeof util === 'number') v1status['currentCPUUtilizationPercentage'] = util;
  return { ...o, apiVersion: 'autoscaling/v1', spec: v1spec, ...(o['status'] !== undefined ? { status: v1status } : {}) };
}

function hpaToV2(obj: KubeObject): KubeObject {
  const o = clone(obj);
  const spec = rec(o['spec']);
  const { targetCPUUtilizationPercentage: pct, ...rest } = spec;
  const v2spec: Rec = { ...rest };
  // v1 without a target means "80% CPU", which v2 spells out.
  v2spec['metrics'] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: typeof pct === 'number' ? pct : 80 } } }];
  const status = rec(o['status']);
  const { currentCPUUtilizationPercentage: cur, ...srest } = status;
  const v2status: Rec = { ...srest };
  if (typeof cur === 'number') v2status['currentMetrics'] = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cur } } }];
  return { ...o, apiVersion: 'autoscaling/v2', spec: v2spec, ...(o['status'] !== undefined ? { status: v2status } : {}) };
}

export function registerConverters(reg: Registry): void {
  reg.setConverter('autoscaling', 'horizontalpodautoscalers', {
    fromStorage: (obj, v) => (v === 'v1' ? hpaToV1(obj) : obj),
    toStorage: (obj, v) => (v === 'v1' ? hpaToV2(obj) : obj),
  });
}
