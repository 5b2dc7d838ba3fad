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

/** Keys that have the same name in both Event shapes. */
const EVENT_COMMON = ['metadata', 'eventTime', 'series', 'reason', 'action', 'type', 'related', 'reportingInstance'] as const;

/** core/v1 Event (stored) → events.k8s.io/v1 Event. */
function eventToEventsV1(obj: KubeObject): KubeObject {
  const o = rec(clone(obj));
  const out: Rec = { apiVersion: 'events.k8s.io/v1', kind: 'Event' };
  for (const k of EVENT_COMMON) if (o[k] !== undefined) out[k] = o[k];
  const source = rec(o['source']);
  if (o['involvedObject'] !== undefined) out['regarding'] = o['involvedObject'];
  if (o['message'] !== undefined) out['note'] = o['message'];
  out['reportingController'] = o['reportingComponent'] ?? source['component'];
  out['reportingInstance'] = o['reportingInstance'] ?? source['host'];
  if (Object.keys(source).length) out['deprecatedSource'] = source;
  if (o['firstTimestamp'] !== undefined) out['deprecatedFirstTimestamp'] = o['firstTimestamp'];
  if (o['lastTimestamp'] !== undefined) out['deprecatedLastTimestamp'] = o['lastTimestamp'];
  if (o['count'] !== undefined) out['deprecatedCount'] = o['count'];
  if (out['eventTime'] === undefined) out['eventTime'] = null;
  return out;
}

/** events.k8s.io/v1 Event → core/v1 Event (stored). */
function eventsV1ToEvent(obj: KubeObject): KubeObject {
  const o = rec(clone(obj));
  const out: Rec = { apiVersion: 'v1', kind: 'Event' };
  for (const k of EVENT_COMMON) if (o[k] !== undefined) out[k] = o[k];
  out['involvedObject'] = o['regarding'] ?? {};
  if (o['note'] !== undefined) out['message'] = o['note'];
  if (o['reportingController'] !== undefined) out['reportingComponent'] = o['reportingController'];
  const source = rec(o['deprecatedSource']);
  out['source'] = Object.keys(source).length ? source : { component: o['reportingController'], host: o['reportingInstance'] };
  if (o['deprecatedFirstTimestamp'] !== undefined) out['firstTimestamp'] = o['deprecatedFirstTimestamp'];
  if (o['deprecatedLastTimestamp'] !== undefined) out['lastTimestamp'] = o['deprecatedLastTimestamp'];
  if (o['deprecatedCount'] !== undefined) out['count'] = o['deprecatedCount'];
  return out;
}

export function registerConverters(reg: Registry): void {
  reg.setConverter('events.k8s.io', 'events', {
    fromStorage: (obj) => eventToEventsV1(obj),
    toStorage: (obj) => eventsV1ToEvent(obj),
  });
  reg.setConverter('autoscaling', 'horizontalpodautoscalers', {
    fromStorage: (obj, v) => (v === 'v1' ? hpaToV1(obj) : obj),
    toStorage: (obj, v) => (v === 'v1' ? hpaToV2(obj) : obj),
  });
}
