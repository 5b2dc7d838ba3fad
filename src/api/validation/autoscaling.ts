// autoscaling HorizontalPodAutoscaler validation (v1 and v2) with kube-apiserver's rules and texts
// (upstream pkg/apis/autoscaling/validation). v1 objects are checked as their internal form: a
// targetCPUUtilizationPercentage becomes metrics[0], so errors name `spec.metrics[0]...` as upstream.
import type * as autoscalingV1 from '../generated/autoscaling/v1.js';
import type * as autoscalingV2 from '../generated/autoscaling/v2.js';
import { field } from '../errors.js';
import { Quantity } from '../quantity.js';
import { isDNS1123Label, nameIsDNSSubdomain } from './names.js';
import { isValidPathSegmentName, metaErrors, metaUpdateErrors, root, type FieldError, type FieldPath } from './group-helpers.js';

const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];

type Ref = Partial<autoscalingV2.CrossVersionObjectReference>;

/** Upstream `ValidateCrossVersionObjectReference`. */
function refErrors(ref: Ref | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ['kind', 'name'] as const) {
    const v = ref?.[key] ?? '';
    if (v === '') errs.push(field.required(path.child(key)));
    else errs.push(...isValidPathSegmentName(v).map((m) => field.invalid(path.child(key), v, m)));
  }
  return errs;
}

function positive(q: string | undefined): boolean {
  try {
    return q === undefined || Quantity.parse(q).sign() === 1;
  } catch {
    return false;
  }
}

function targetErrors(t: Partial<autoscalingV2.MetricTarget> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const type = t?.type ?? '';
  if (type === '') errs.push(field.required(path.child('type'), 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(type)) errs.push(field.invalid(path.child('type'), type, 'must be either Utilization, Value, or AverageValue'));
  if (t?.value !== undefined && !positive(t.value)) errs.push(field.invalid(path.child('value'), t.value, 'must be positive'));
  if (t?.averageValue !== undefined && !positive(t.averageValue)) errs.push(field.invalid(path.child('averageValue'), t.averageValue, 'must be positive'));
  if (t?.averageUtilization !== undefined && t.averageUtilization < 1) errs.push(field.invalid(path.child('averageUtilization'), t.averageUtilization, 'must be greater than 0'));
  return errs;
}

function identifierErrors(id: Partial<autoscalingV2.MetricIdentifier> | undefined, path: FieldPath): FieldError[] {
  const name = id?.name ?? '';
  if (name === '') return [field.required(path.child('name'), 'must specify a metric name')];
  return isValidPathSegmentName(name).map((m) => field.invalid(path.child('name'), name, m));
}

function utilizationOrValue(t: Partial<autoscalingV2.MetricTarget> | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (t?.averageUtilization === undefined && t?.averageValue === undefined) {
    errs.push(field.required(path.child('averageUtilization'), 'must set either a target raw value or a target utilization'));
  }
  if (t?.averageUtilization !== undefined && t.averageValue !== undefined) {
    errs.push(field.forbidden(path.child('averageValue'), 'may not set both a target raw value and a target utilization'));
  }
  return errs;
}

const SOURCE_CHECKS: Record<string, (src: never, p: FieldPath) => FieldError[]> = {
  object: (src: autoscalingV2.ObjectMetricSource, p) => {
    const errs = [...refErrors(src.describedObject, p.child('describedObject')), ...identifierErrors(src.metric, p.child('metric')), ...targetErrors(src.target, p.child('target'))];
    if (src.target?.value === undefined && src.target?.averageValue === undefined) errs.push(field.required(p.child('target').child('averageValue'), 'must set either a target value or averageValue'));
    return errs;
  },
  external: (src: autoscalingV2.ExternalMetricSource, p) => {
    const errs = [...identifierErrors(src.metric, p.child('metric')), ...targetErrors(src.target, p.child('target'))];
    if (src.target?.value === undefined && src.target?.averageValue === undefined) {
      errs.push(field.required(p.child('target').child('averageValue'), 'must set either a target value for metric or a per-pod target'));
    }
    if (src.target?.value !== undefined && src.target.averageValue !== undefined) {
      errs.push(field.forbidden(p.child('target').child('value'), 'may not set both a target value for metric and a per-pod target'));
    }
    return errs;
  },
  pods: (src: autoscalingV2.PodsMetricSource, p) => {
    const errs = [...identifierErrors(src.metric, p.child('metric')), ...targetErrors(src.target, p.child('target'))];
    if (src.target?.averageValue === undefined) errs.push(field.required(p.child('target').child('averageValue'), 'must specify a positive target averageValue'));
    return errs;
  },
  resource: (src: autoscalingV2.ResourceMetricSource, p) => {
    const errs: FieldError[] = [];
    if (!src.name) errs.push(field.required(p.child('name'), 'must specify a resource name'));
    return [...errs, ...targetErrors(src.target, p.child('target')), ...utilizationOrValue(src.target, p.child('target'))];
  },
  containerResource: (src: autoscalingV2.ContainerResourceMetricSource, p) => {
    const errs: FieldError[] = [];
    if (!src.name) errs.push(field.required(p.child('name'), 'must specify a resource name'));
    if (!src.container) errs.push(field.required(p.child('container'), 'must specify a container'));
    else errs.push(...isDNS1123Label(src.container).map((m) => field.invalid(p.child('container'), src.container, m)));
    return [...errs, ...targetErrors(src.target, p.child('target')), ...utilizationOrValue(src.target, p.child('target'))];
  },
};

const SOURCE_KEYS = ['object', 'external', 'pods', 'resource', 'containerResource'] as const;
const TYPE_TO_KEY: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };

function metricErrors(m: autoscalingV2.MetricSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const type = m.type ?? '';
  if (type === '') errs.push(field.required(path.child('type'), 'must specify a metric source type'));
  if (!METRIC_SOURCE_TYPES.includes(type)) errs.push(field.notSupported(path.child('type'), type, METRIC_SOURCE_TYPES));
  const present: string[] = [];
  for (const key of SOURCE_KEYS) {
    const src = m[key];
    if (src === undefined || src === null) continue;
    present.push(key);
    // Only the first source present is checked in depth, as upstream does.
    const check = SOURCE_CHECKS[key];
    if (present.length === 1 && check) errs.push(...check(src as never, path.child(key)));
  }
  const expected = TYPE_TO_KEY[type];
  if (expected === undefined) errs.push(field.notSupported(path.child('type'), type, METRIC_SOURCE_TYPES));
  else if (!present.includes(expected)) errs.push(field.required(path.child(expected), 'must populate information for the given metric source'));
  if (present.length !== 1) {
    for (const key of present.filter((k) => k !== expected).sort()) errs.push(field.forbidden(path.child(key), 'must populate the given metric source only'));
  }
  return errs;
}

function rulesErrors(rules: autoscalingV2.HPAScalingRules | undefined, path: FieldPath): FieldError[] {
  if (!rules) return [];
  const errs: FieldError[] = [];
  const sw = rules.stabilizationWindowSeconds;
  if (sw !== undefined && sw < 0) errs.push(field.invalid(path.child('stabilizationWindowSeconds'), sw, 'must be greater than or equal to zero'));
  if (sw !== undefined && sw > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.push(field.invalid(path.child('stabilizationWindowSeconds'), sw, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  }
  if (rules.selectPolicy !== undefined && !['Disabled', 'Max', 'Min'].includes(rules.selectPolicy)) {
    errs.push(field.notSupported(path.child('selectPolicy'), rules.selectPolicy, ['Disabled', 'Max', 'Min']));
  }
  const pp = path.child('policies');
  const policies = rules.policies ?? [];
  if (policies.length === 0) errs.push(field.required(pp, 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const ip = pp.index(i);
    if (p.type !== 'Pods' && p.type !== 'Percent') errs.push(field.notSupported(ip.child('type'), p.type, ['Percent', 'Pods']));
    if (!(p.value > 0)) errs.push(field.invalid(ip.child('value'), p.value, 'must be greater than zero'));
    if (!(p.periodSeconds > 0)) errs.push(field.invalid(ip.child('periodSeconds'), p.periodSeconds, 'must be greater than zero'));
    if (p.periodSeconds > MAX_PERIOD_SECONDS) errs.push(field.invalid(ip.child('periodSeconds'), p.periodSeconds, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
  return errs;
}

/** The internal (version-independent) spec both versions are validated as. */
interface InternalSpec {
  minReplicas?: number;
  maxReplicas?: number;
  scaleTargetRef?: Ref;
  metrics: autoscalingV2.MetricSpec[];
  behavior?: autoscalingV2.HorizontalPodAutoscalerBehavior;
}

function specErrors(s: InternalSpec, minBound: number): FieldError[] {
  const path = root('spec');
  const errs: FieldError[] = [];
  const min = s.minReplicas;
  const max = s.maxReplicas ?? 0;
  if (min !== undefined && min < minBound) errs.push(field.invalid(path.child('minReplicas'), min, `must be greater than or equal to ${minBound}`));
  if (max < 1) errs.push(field.invalid(path.child('maxReplicas'), max, 'must be greater than 0'));
  if (min !== undefined && max < min) errs.push(field.invalid(path.child('maxReplicas'), max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...refErrors(s.scaleTargetRef, path.child('scaleTargetRef')));
  s.metrics.forEach((m, i) => errs.push(...metricErrors(m, path.child('metrics').index(i))));
  if (min === 0 && !s.metrics.some((m) => m.type === 'Object' || m.type === 'External')) {
    errs.push(field.forbidden(path.child('metrics'), 'must specify at least one Object or External metric to support scaling to zero replicas'));
  }
  if (s.behavior) {
    errs.push(...rulesErrors(s.behavior.scaleUp, path.child('behavior').child('scaleUp')));
    errs.push(...rulesErrors(s.behavior.scaleDown, path.child('behavior').child('scaleDown')));
  }
  return errs;
}

const v2Internal = (hpa: autoscalingV2.HorizontalPodAutoscaler): InternalSpec => ({ ...(hpa.spec ?? {}), metrics: hpa.spec?.metrics ?? [] });

function v1Internal(hpa: autoscalingV1.HorizontalPodAutoscaler): InternalSpec {
  const s = hpa.spec;
  const cpu = s?.targetCPUUtilizationPercentage;
  const metrics: autoscalingV2.MetricSpec[] =
    cpu === undefined || cpu === null ? [] : [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpu } } }];
  return { minReplicas: s?.minReplicas, maxReplicas: s?.maxReplicas, scaleTargetRef: s?.scaleTargetRef, metrics };
}

// HPAScaleToZero is alpha (off) in 1.32: minReplicas ≥ 1, unless the old object already had 0.
const minBoundFor = (old?: InternalSpec): number => (old?.minReplicas === 0 ? 0 : 1);
const META = { namespaced: true, name: nameIsDNSSubdomain };

/** Validates an autoscaling/v2 HorizontalPodAutoscaler on create. */
export function validateHorizontalPodAutoscalerV2(hpa: autoscalingV2.HorizontalPodAutoscaler): FieldError[] {
  return [...metaErrors(hpa.metadata, META), ...specErrors(v2Internal(hpa), 1)];
}

/** Validates an autoscaling/v2 HorizontalPodAutoscaler on update. */
export function validateHorizontalPodAutoscalerV2Update(hpa: autoscalingV2.HorizontalPodAutoscaler, old: autoscalingV2.HorizontalPodAutoscaler): FieldError[] {
  return [...metaUpdateErrors(hpa.metadata, old.metadata), ...specErrors(v2Internal(hpa), minBoundFor(v2Internal(old)))];
}

/** Validates an autoscaling/v1 HorizontalPodAutoscaler on create (as its internal form). */
export function validateHorizontalPodAutoscalerV1(hpa: autoscalingV1.HorizontalPodAutoscaler): FieldError[] {
  return [...metaErrors(hpa.metadata, META), ...specErrors(v1Internal(hpa), 1)];
}

/** Validates an autoscaling/v1 HorizontalPodAutoscaler on update (as its internal form). */
export function validateHorizontalPodAutoscalerV1Update(hpa: autoscalingV1.HorizontalPodAutoscaler, old: autoscalingV1.HorizontalPodAutoscaler): FieldError[] {
  return [...metaUpdateErrors(hpa.metadata, old.metadata), ...specErrors(v1Internal(hpa), minBoundFor(v1Internal(old)))];
}
