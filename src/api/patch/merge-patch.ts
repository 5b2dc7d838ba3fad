// JSON Merge Patch (RFC 7386), `application/merge-patch+json`: objects merge recursively, `null`
// deletes a key, anything else (arrays included) replaces. Inputs are never changed.
import { cloneJson, getOwn, isObject, setOwn, type JsonObject } from './json.js';

/**
 * Applies a merge patch to a JSON document, exactly as RFC 7386 section 2 defines it: a patch that
 * is not an object replaces the whole target. Callers that require an object patch (the API
 * server does) check that before calling. Neither argument is changed.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  return mergeInto(cloneJson(target), patch);
}

/** Merges `patch` into `owned`, a value this module copied and may therefore change. */
function mergeInto(owned: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return cloneJson(patch);
  const out: JsonObject = isObject(owned) ? owned : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) delete out[key];
    else setOwn(out, key, mergeInto(getOwn(out, key), value));
  }
  return out;
}
