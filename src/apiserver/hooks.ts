/** Connects each resource's strategy to the per-kind defaulting and validation in src/api. */
import { defaulters } from '../api/defaults.js';
import { generateJobSelector } from '../api/defaults/batch.js';
import type { Job } from '../api/generated/batch/v1.js';
import { validateCreate, validateUpdate, validatorKey } from '../api/validation.js';
import type { StoredObject } from './object.js';
import type { Resource } from './registry.js';
import { groupVersion } from './resources.js';
import type { KindHooks } from './rest/strategy.js';

export function hooksFor(res: Resource): KindHooks {
  if (res.crd) return {};
  const key = validatorKey(groupVersion(res), res.kind);
  const defaulter = defaulters[key] as ((o: StoredObject) => void) | undefined;
  return {
    default: defaulter ? (obj: StoredObject) => defaulter(obj) : undefined,
    // Jobs select their pods by a label carrying the Job's uid, generated at create as upstream does.
    onCreate: key === 'Job.batch' ? (obj: StoredObject) => void generateJobSelector(obj as Job) : undefined,
    validate: (obj: StoredObject) => validateCreate(key, obj),
    validateUpdate: (obj: StoredObject, old: StoredObject) => validateUpdate(key, obj, old),
  };
}
