// API validation index: one map from a kind's key to its create/update rules. A key is the kind
// for the core group (`Pod`) and `Kind.group` for the others (`Deployment.apps`), see
// validatorKey. Groups add their map to `validators` below; nothing else needs to change.
import type { FieldError } from './errors.js';
import { coreValidators, type KindValidator } from './validation/core.js';
import { groupValidators } from './validation/groups.js';

export type { KindValidator } from './validation/core.js';
export { validateObjectMeta, validateObjectMetaUpdate, type ObjectMetaOptions } from './validation/meta.js';
export * as names from './validation/names.js';

/** Every kind with validation, by {@link validatorKey}. */
export const validators: Readonly<Record<string, KindValidator<never>>> = {
  ...coreValidators,
  ...groupValidators,
};

/** The map key for an apiVersion and kind: `Pod` for `v1`, `Deployment.apps` for `apps/v1`. */
export function validatorKey(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? kind : `${kind}.${apiVersion.slice(0, slash)}`;
}

/**
 * Validates an object being created (after defaulting). `key` is {@link validatorKey}'s; kinds
 * without rules validate clean. Returns the field errors the API server turns into a 422.
 */
export function validateCreate(key: string, obj: object): FieldError[] {
  const v = validators[key];
  return v ? v.create(obj as never) : [];
}

/** Validates an update of `old` to `obj` (both defaulted), by {@link validatorKey}'s key. */
export function validateUpdate(key: string, obj: object, old: object): FieldError[] {
  const v = validators[key];
  return v ? v.update(obj as never, old as never) : [];
}
