// API defaulting index: one map from a kind's key (`Pod` for core, `Kind.group` otherwise, the same
// keys as validation.ts) to a function that fills in defaults in place. Groups add their map to
// `defaulters` below; nothing else needs to change.
import { coreDefaulters, type Defaulter } from './defaults/core.js';
import { groupDefaulters } from './defaults/groups.js';
import { validatorKey } from './validation.js';

export type { Defaulter } from './defaults/core.js';
export { applyPodAdmissionDefaults, defaultPodSpec, defaultPodTemplateSpec } from './defaults/core.js';

/** Every kind with defaults, by validatorKey. */
export const defaulters: Readonly<Record<string, Defaulter<never>>> = {
  ...coreDefaulters,
  ...groupDefaulters,
};

/**
 * Applies kube-apiserver's defaults to an object in place, choosing the kind from its own
 * `apiVersion` and `kind`; returns the same object. Kinds without defaults are left as they are.
 */
export function defaultObject<T extends { apiVersion?: string; kind?: string }>(obj: T): T {
  const fn = defaulters[validatorKey(obj.apiVersion ?? '', obj.kind ?? '')];
  if (fn) fn(obj as never);
  return obj;
}
