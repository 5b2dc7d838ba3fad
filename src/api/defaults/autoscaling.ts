// autoscaling HorizontalPodAutoscaler defaults (upstream pkg/apis/autoscaling/v1 and v2 defaults.go).
import type * as autoscalingV1 from '../generated/autoscaling/v1.js';
import type * as autoscalingV2 from '../generated/autoscaling/v2.js';

/** autoscaling/v1: minReplicas 1 (targetCPUUtilizationPercentage stays unset here). */
export function defaultHorizontalPodAutoscalerV1(hpa: autoscalingV1.HorizontalPodAutoscaler): autoscalingV1.HorizontalPodAutoscaler {
  if (hpa.spec) hpa.spec.minReplicas ??= 1;
  return hpa;
}

/** The target v1 reads back when no metric was given: v2 defaulting adds 80% CPU on the stored form. */
export const DEFAULT_CPU_UTILIZATION = 80;

const scaleUpDefaults = (): autoscalingV2.HPAScalingRules => ({
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
});

// No stabilization window for scale-down: the controller's flag (default 300s) decides it.
const scaleDownDefaults = (): autoscalingV2.HPAScalingRules => ({ selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });

function fill(given: autoscalingV2.HPAScalingRules | undefined, defaults: autoscalingV2.HPAScalingRules): autoscalingV2.HPAScalingRules {
  if (!given) return defaults;
  const out = { ...defaults };
  if (given.selectPolicy !== undefined) out.selectPolicy = given.selectPolicy;
  if (given.stabilizationWindowSeconds !== undefined) out.stabilizationWindowSeconds = given.stabilizationWindowSeconds;
  if (given.policies !== undefined) out.policies = given.policies;
  return out;
}

/**
 * autoscaling/v2: minReplicas 1; no metrics means 80% average CPU utilization; a behavior that is
 * present gets both scaleUp (0s window, 4 pods or 100% per 15s, Max) and scaleDown (100% per 15s,
 * Max) filled field by field.
 */
export function defaultHorizontalPodAutoscalerV2(hpa: autoscalingV2.HorizontalPodAutoscaler): autoscalingV2.HorizontalPodAutoscaler {
  const s = hpa.spec;
  if (!s) return hpa;
  s.minReplicas ??= 1;
  if (!s.metrics || s.metrics.length === 0) {
    s.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  if (s.behavior) {
    s.behavior.scaleUp = fill(s.behavior.scaleUp, scaleUpDefaults());
    s.behavior.scaleDown = fill(s.behavior.scaleDown, scaleDownDefaults());
  }
  return hpa;
}
