// scheduling.k8s.io/v1 defaults (upstream pkg/apis/scheduling/v1/defaults.go).
import type * as schedulingV1 from '../generated/scheduling/v1.js';

/** PriorityClass: preemptionPolicy PreemptLowerPriority. */
export function defaultPriorityClass(pc: schedulingV1.PriorityClass): schedulingV1.PriorityClass {
  pc.preemptionPolicy ??= 'PreemptLowerPriority';
  return pc;
}
