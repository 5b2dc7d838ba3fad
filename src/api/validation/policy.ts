// policy/v1 PodDisruptionBudget validation (upstream pkg/apis/policy/validation).
import type * as policyV1 from '../generated/policy/v1.js';
import { field } from '../errors.js';
import { nameIsDNSSubdomain } from './names.js';
import { metaErrors, metaUpdateErrors, notMoreThan100Percent, root, validateLabelSelector, validatePositiveIntOrPercent, type FieldError } from './group-helpers.js';

const EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

function specErrors(spec: policyV1.PodDisruptionBudgetSpec | undefined): FieldError[] {
  const path = root('spec');
  const s = spec ?? {};
  const errs: FieldError[] = [];
  const set = (v: number | string | undefined | null): v is number | string => v !== undefined && v !== null;
  if (set(s.minAvailable) && set(s.maxUnavailable)) errs.push(field.invalid(path, s, 'minAvailable and maxUnavailable cannot be both set'));
  for (const key of ['minAvailable', 'maxUnavailable'] as const) {
    const v = s[key];
    if (set(v)) errs.push(...validatePositiveIntOrPercent(v, path.child(key)), ...notMoreThan100Percent(v, path.child(key)));
  }
  errs.push(...validateLabelSelector(s.selector, path.child('selector')));
  const uep = s.unhealthyPodEvictionPolicy;
  if (uep !== undefined && uep !== null && !EVICTION_POLICIES.includes(uep)) errs.push(field.notSupported(path.child('unhealthyPodEvictionPolicy'), uep, EVICTION_POLICIES));
  return errs;
}

/** Validates a PodDisruptionBudget on create: minAvailable xor maxUnavailable, each int ≥ 0 or ≤ 100%. */
export function validatePodDisruptionBudget(pdb: policyV1.PodDisruptionBudget): FieldError[] {
  return [...metaErrors(pdb.metadata, { namespaced: true, name: nameIsDNSSubdomain }), ...specErrors(pdb.spec)];
}

/** Validates a PodDisruptionBudget on update (policy/v1 specs are mutable). */
export function validatePodDisruptionBudgetUpdate(pdb: policyV1.PodDisruptionBudget, old: policyV1.PodDisruptionBudget): FieldError[] {
  return [...metaUpdateErrors(pdb.metadata, old.metadata), ...specErrors(pdb.spec)];
}
