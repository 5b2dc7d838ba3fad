/**
 * The `kubectl.kubernetes.io/last-applied-configuration` annotation: what client-side apply
 * remembers of the manifest it last applied, to tell the fields the user removed from those others
 * added. Written as kubectl writes it (Go's JSON with sorted keys and a trailing newline, from the
 * manifest without the annotation, `annotations: {}` kept), since the next apply diffs against it.
 */
import { cloneJson, isObject, type JsonObject } from '../../api/patch/json.js';
import { goJson } from './go-compat.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function annotationsOf(obj: JsonObject): Record<string, unknown> | undefined {
  const meta = obj['metadata'];
  if (!isObject(meta)) return undefined;
  const annotations = meta['annotations'];
  return isObject(annotations) ? annotations : undefined;
}

/** The last-applied configuration recorded on an object, or undefined when there is none. */
export function originalConfiguration(obj: JsonObject): string | undefined {
  const value = annotationsOf(obj)?.[LAST_APPLIED];
  return typeof value === 'string' ? value : undefined;
}

/** Sets one annotation on a copy's metadata, creating `metadata.annotations` as needed. */
function withAnnotations(obj: JsonObject, set: (annotations: JsonObject) => void): JsonObject {
  const copy = cloneJson(obj) as JsonObject;
  const meta = isObject(copy['metadata']) ? copy['metadata'] : (copy['metadata'] = {});
  const annotations = isObject(meta['annotations']) ? meta['annotations'] : (meta['annotations'] = {});
  set(annotations);
  return copy;
}

/**
 * The manifest as kubectl records it: without any last-applied annotation (an empty
 * `annotations` map stays, as Go's unstructured setter leaves it), serialised as Go does.
 */
export function appliedConfiguration(manifest: JsonObject): string {
  const bare = withAnnotations(manifest, (a) => delete a[LAST_APPLIED]);
  return `${goJson(bare)}\n`;
}

/**
 * The manifest carrying its own last-applied annotation, as apply creates or patches it
 * (kubectl's GetModifiedConfiguration with annotate, and CreateApplyAnnotation).
 */
export function withLastApplied(manifest: JsonObject): JsonObject {
  const config = appliedConfiguration(manifest);
  return withAnnotations(manifest, (a) => (a[LAST_APPLIED] = config));
}

/** Drops `null` members of maps at any depth (kubectl does this before creating from apply). */
export function pruneNulls<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x: unknown) => pruneNulls(x)) as T;
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) if (v[k] !== null) out[k] = pruneNulls(v[k]);
    return out as T;
  }
  return v;
}
