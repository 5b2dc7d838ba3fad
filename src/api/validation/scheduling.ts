// scheduling.k8s.io/v1 PriorityClass validation (upstream pkg/apis/scheduling/validation).
import type * as schedulingV1 from '../generated/scheduling/v1.js';
import { field } from '../errors.js';
import { nameIsDNSSubdomain } from './names.js';
import { immutable, metaErrors, metaUpdateErrors, root, type FieldError } from './group-helpers.js';

/** The highest value a user-defined PriorityClass may have (one billion). */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;
const SYSTEM_CLASSES: Readonly<Record<string, number>> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };
const PREEMPTION_POLICIES = ['Never', 'PreemptLowerPriority'];

function systemClassError(pc: schedulingV1.PriorityClass, name: string): string | undefined {
  const want = Object.hasOwn(SYSTEM_CLASSES, name) ? SYSTEM_CLASSES[name] : undefined;
  if (want === undefined) return `${name} is not a known system priority class`;
  if (pc.value !== want) return `value of ${name} PriorityClass must be ${want}`;
  if ((pc.globalDefault ?? false) !== false) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

/** Validates a PriorityClass on create (upstream `ValidatePriorityClass`). */
export function validatePriorityClass(pc: schedulingV1.PriorityClass): FieldError[] {
  const errs = metaErrors(pc.metadata, { namespaced: false, name: nameIsDNSSubdomain });
  const name = pc.metadata?.name ?? '';
  if (name.startsWith('system-')) {
    const err = systemClassError(pc, name);
    if (err !== undefined) {
      errs.push(field.forbidden(root('metadata').child('name'), `priority class names with 'system-' prefix are reserved for system use only. error: ${err}`));
    }
  } else if (pc.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(field.forbidden(root('value'), `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  const policy = pc.preemptionPolicy;
  if (policy === undefined) errs.push(field.required(root('preemptionPolicy')));
  else if (!PREEMPTION_POLICIES.includes(policy)) errs.push(field.notSupported(root('preemptionPolicy'), policy, PREEMPTION_POLICIES));
  return errs;
}

/** Validates a PriorityClass on update: value and preemptionPolicy are fixed. */
export function validatePriorityClassUpdate(pc: schedulingV1.PriorityClass, old: schedulingV1.PriorityClass): FieldError[] {
  const errs = metaUpdateErrors(pc.metadata, old.metadata);
  if (pc.value !== old.value) errs.push(field.forbidden(root('value'), 'may not be changed in an update.'));
  errs.push(...immutable(pc.preemptionPolicy, old.preemptionPolicy, root('preemptionPolicy')));
  return errs;
}
