// The three Kubernetes patch types (JSON patch, JSON merge patch, strategic merge patch), pure
// functions over parsed JSON. The API server picks one by the request's Content-Type.
import { badPatch } from './patch/errors.js';
import { isObject, jsonType } from './patch/json.js';
import { applyJsonPatch } from './patch/json-patch.js';
import { applyMergePatch } from './patch/merge-patch.js';
import { applyStrategicMergePatch, type StrategicMergePatchOptions } from './patch/strategic-merge.js';

export { PatchError, isPatchError, type PatchErrorCode } from './patch/errors.js';
export { applyJsonPatch, decodeJsonPatch, type JsonPatchOperation } from './patch/json-patch.js';
export { applyMergePatch } from './patch/merge-patch.js';
export {
  applyStrategicMergePatch,
  DELETE_FROM_PRIMITIVE_LIST_PREFIX,
  PATCH_DIRECTIVE,
  RETAIN_KEYS_DIRECTIVE,
  SET_ELEMENT_ORDER_PREFIX,
  type StrategicMergePatchOptions,
} from './patch/strategic-merge.js';
export { parsePointer } from './patch/pointer.js';

/** The media types of the patch bodies kube-apiserver accepts (server-side apply aside). */
export const PatchType = {
  JSON: 'application/json-patch+json',
  Merge: 'application/merge-patch+json',
  StrategicMerge: 'application/strategic-merge-patch+json',
} as const;

/** One of the {@link PatchType} media types. */
export type PatchContentType = (typeof PatchType)[keyof typeof PatchType];

/** True when a Content-Type (parameters such as `; charset=utf-8` stripped) names a patch type. */
export function isPatchContentType(contentType: string): contentType is PatchContentType {
  return (Object.values(PatchType) as string[]).includes(contentType);
}

/**
 * Applies a parsed patch body of the given type to an object and returns the patched object;
 * neither argument is changed. Merge and strategic merge patches must be JSON objects (as
 * kube-apiserver requires); `options.schemaName` steers strategic merge and is ignored otherwise.
 * Throws {@link PatchError}: `BadRequest` (400) for a malformed patch, `Invalid` (422) for one that
 * does not apply.
 */
export function applyPatch(type: PatchContentType, original: unknown, patch: unknown, options: StrategicMergePatchOptions = {}): unknown {
  switch (type) {
    case PatchType.JSON:
      return applyJsonPatch(original, patch);
    case PatchType.Merge:
      if (!isObject(patch)) throw badPatch(`Invalid JSON Patch: a merge patch must be a JSON object, got ${jsonType(patch)}`);
      return applyMergePatch(original, patch);
    case PatchType.StrategicMerge:
      return applyStrategicMergePatch(original, patch, options);
  }
}
