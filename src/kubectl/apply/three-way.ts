/**
 * The patch client-side `kubectl apply` sends for an object that exists: from the last-applied
 * configuration (original), the new manifest carrying its new annotation (modified) and the live
 * object (current). The patch holds the changes from live to manifest plus the deletions from
 * last-applied to manifest, so fields the server or other clients added survive while fields the
 * user removed from the manifest go. Built-in kinds get a strategic merge patch steered by the
 * schema's patch metadata; kinds without it (custom resources) a three-way JSON merge patch.
 */
import { cloneJson, isList, isObject, jsonEqual, jsonType, type JsonObject } from '../../api/patch/json.js';
import { loadSchemaIndex, schemaForGVK, type SchemaIndex } from '../../api/schema.js';
import { combinePatches } from './combine.js';
import { jsonPatchesConflict, strategicPatchesConflict } from './conflicts.js';
import { diffMaps, PatchDiffError } from './diff.js';
import { goJson } from './go-compat.js';
import { PatchMeta } from './patch-meta.js';
import { toYaml } from '../printers/yaml.js';

export { PatchDiffError } from './diff.js';

/** The three documents of a three-way patch. */
export interface ThreeWayInput {
  /** The last-applied configuration, or undefined when the object has none. */
  original: JsonObject | undefined;
  modified: JsonObject;
  current: JsonObject;
}

/** A computed apply patch. */
export interface ApplyPatch {
  type: 'strategic' | 'merge';
  patch: JsonObject;
  /** The patch as kubectl serialises it (keys sorted); `{}` means nothing to change. */
  body: string;
}

/** Conflict between the manifest and changes made on the server (`--overwrite=false`). */
export class ApplyConflictError extends PatchDiffError {}

/**
 * The strategic merge patch kubectl computes (apimachinery's CreateThreeWayMergePatch):
 * the live→manifest diff without deletions merged into the last-applied→manifest deletions.
 */
export function threeWayStrategicPatch(input: ThreeWayInput, meta: PatchMeta, o: { overwrite?: boolean } = {}): JsonObject {
  const original = input.original ?? {};
  const delta = diffMaps(input.current, input.modified, meta, { ignoreDeletions: true, setElementOrder: true });
  const deletions = diffMaps(original, input.modified, meta, { ignoreChangesAndAdditions: true, setElementOrder: true });
  const patch = combinePatches(deletions, delta, meta);
  if (o.overwrite === false) {
    const changed = diffMaps(original, input.current, meta, {});
    if (strategicPatchesConflict(patch, changed, meta)) throw conflict(patch, changed);
  }
  return patch;
}

/**
 * The JSON merge patch kubectl computes for kinds without patch metadata (jsonmergepatch's
 * CreateThreeWayJSONMergePatch): additions and changes from live, deletions from last-applied.
 * apiVersion, kind and metadata.name may not change.
 */
export function threeWayJsonMergePatch(input: ThreeWayInput): JsonObject {
  const additions = keepNulls(mergeDiff(input.current, input.modified), false);
  const deletions = keepNulls(mergeDiff(input.original ?? {}, input.modified), true);
  if (jsonPatchesConflict(additions, deletions)) throw conflict(additions, deletions);
  const patch = mergeDocs(deletions, additions);
  const meta = patch['metadata'];
  if (Object.hasOwn(patch, 'apiVersion') || Object.hasOwn(patch, 'kind') || (isObject(meta) && Object.hasOwn(meta, 'name'))) {
    throw new PatchDiffError('At least one of apiVersion, kind and name was changed');
  }
  return patch;
}

/**
 * The apply patch for an object of the given group/version/kind: strategic when the schema index
 * knows the kind, a JSON merge patch otherwise.
 */
export function computeApplyPatch(
  input: ThreeWayInput,
  gvk: { group: string; version: string; kind: string },
  o: { overwrite?: boolean; index?: SchemaIndex } = {},
): ApplyPatch {
  const index = o.index ?? loadSchemaIndex();
  const schema = schemaForGVK(gvk.group, gvk.version, gvk.kind, index);
  const patch = schema
    ? threeWayStrategicPatch(input, PatchMeta.forSchema(schema.name, index), o)
    : threeWayJsonMergePatch(input);
  return { type: schema ? 'strategic' : 'merge', patch, body: goJson(patch) };
}

/**
 * The two-way patch `kubectl edit` sends (CreateTwoWayMergePatch, or a JSON merge patch for kinds
 * without patch metadata). apiVersion, kind, metadata.name and managedFields may not change.
 */
export function computeTwoWayPatch(
  original: JsonObject,
  modified: JsonObject,
  gvk: { group: string; version: string; kind: string },
  o: { index?: SchemaIndex } = {},
): ApplyPatch {
  const index = o.index ?? loadSchemaIndex();
  const schema = schemaForGVK(gvk.group, gvk.version, gvk.kind, index);
  const patch = schema ? diffMaps(original, modified, PatchMeta.forSchema(schema.name, index), { setElementOrder: true }) : mergeDiff(original, modified);
  const meta = patch['metadata'];
  if (['apiVersion', 'kind', 'managedFields'].some((k) => Object.hasOwn(patch, k)) || (isObject(meta) && Object.hasOwn(meta, 'name'))) {
    throw new PatchDiffError('At least one of apiVersion, kind and name was changed');
  }
  return { type: schema ? 'strategic' : 'merge', patch, body: goJson(patch) };
}

function conflict(patch: unknown, changed: unknown): ApplyConflictError {
  // Worded as apimachinery's ErrConflict, with both sides in kubectl's YAML.
  return new ApplyConflictError(`patch:\n${toYaml(patch)}\nconflicts with changes made from original to current:\n${toYaml(changed)}\n`);
}

/** RFC 7386 diff (evanphx CreateMergePatch): changed keys take the new value, removed keys null. */
function mergeDiff(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(b)) {
    const bv = b[key];
    if (!Object.hasOwn(a, key) || jsonType(a[key]) !== jsonType(bv)) {
      out[key] = bv;
      continue;
    }
    const av = a[key];
    if (isObject(av) && isObject(bv)) {
      const sub = mergeDiff(av, bv);
      if (Object.keys(sub).length > 0) out[key] = sub;
    } else if (!jsonEqual(av, bv)) {
      out[key] = bv;
    }
  }
  for (const key of Object.keys(a)) if (!Object.hasOwn(b, key)) out[key] = null;
  return out;
}

/** Only the nulls (deletions), or everything but them; empty sub-maps vanish, `{}` values stay as values. */
function keepNulls(m: JsonObject, nulls: boolean): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(m)) {
    const v = m[key];
    if (v === null) {
      if (nulls) out[key] = null;
    } else if (isObject(v)) {
      if (Object.keys(v).length === 0) {
        if (!nulls) out[key] = v;
        continue;
      }
      const sub = keepNulls(v, nulls);
      if (Object.keys(sub).length > 0) out[key] = sub;
    } else if (!nulls) {
      out[key] = v;
    }
  }
  return out;
}

/** evanphx MergePatch of `patch` into the document `doc`; inserted values lose their nulls. */
function mergeDocs(doc: JsonObject, patch: JsonObject): JsonObject {
  const out = cloneJson(doc) as JsonObject;
  for (const key of Object.keys(patch)) {
    const v = patch[key];
    const cur = out[key];
    if (v === null) delete out[key];
    else if (cur === undefined || cur === null) out[key] = pruneNulls(v);
    else if (isObject(cur)) out[key] = isObject(v) ? mergeDocs(cur, v) : cloneJson(v);
    else out[key] = pruneNulls(v);
  }
  return out;
}

function pruneNulls(v: unknown): unknown {
  if (isList(v)) return v.map((x) => (x === null ? null : pruneNulls(x)));
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) if (v[k] !== null) out[k] = pruneNulls(v[k]);
    return out;
  }
  return v;
}
