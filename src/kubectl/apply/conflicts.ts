/**
 * `kubectl apply --overwrite=false`: whether the patch about to be sent touches a field that was
 * changed on the server since the last apply (last-applied → live) in a different way. Behaviour
 * follows apimachinery's MergingMapsHaveConflicts (strategic) and mergepatch.HasConflicts (JSON).
 */
import { isList, isObject, jsonEqual, type JsonObject } from '../../api/patch/json.js';
import { DIRECTIVE, elementKind, RETAIN_KEYS } from './diff.js';
import { deduplicateScalars, goText, sortScalars } from './go-compat.js';
import type { PatchMeta } from './patch-meta.js';

/** True when the two strategic patches change a common field differently. */
export function strategicPatchesConflict(left: JsonObject, right: JsonObject, meta: PatchMeta): boolean {
  return fieldsConflict(left, right, meta, undefined, undefined);
}

function fieldsConflict(left: unknown, right: unknown, meta: PatchMeta | undefined, strategy: string | undefined, mergeKey: string | undefined): boolean {
  if (isObject(left)) {
    if (!isObject(right)) return true;
    const l = Object.hasOwn(left, DIRECTIVE);
    const r = Object.hasOwn(right, DIRECTIVE);
    // A directive acts on the whole map: differing directives, or one against field edits, conflict.
    if ((l || r) && (l !== r || left[DIRECTIVE] !== right[DIRECTIVE])) return true;
    if (strategy === 'replace') return false;
    return mapsConflict(left, right, meta);
  }
  if (isList(left)) {
    if (!isList(right)) return true;
    return listsConflict(left, right, meta, strategy, mergeKey);
  }
  return !jsonEqual(left, right);
}

function mapsConflict(left: JsonObject, right: JsonObject, meta: PatchMeta | undefined): boolean {
  for (const key of Object.keys(left)) {
    if (key === DIRECTIVE || key === RETAIN_KEYS || !Object.hasOwn(right, key)) continue;
    const value = left[key];
    const looked = meta === undefined ? undefined : isList(value) ? meta.slice(key) : isObject(value) ? meta.struct(key) : undefined;
    if (fieldsConflict(value, right[key], looked?.sub, looked?.meta.strategy, looked?.meta.mergeKey)) return true;
  }
  return false;
}

function listsConflict(left: unknown[], right: unknown[], meta: PatchMeta | undefined, strategy: string | undefined, mergeKey: string | undefined): boolean {
  const kind = elementKind(left, right);
  if (strategy === 'merge') {
    // Merging lists of scalars never conflict; lists of maps are compared element by merge key.
    if (kind !== 'object') return false;
    const l = byMergeKey(left, mergeKey ?? '');
    const r = byMergeKey(right, mergeKey ?? '');
    for (const [key, value] of l) {
      if (r.has(key) && fieldsConflict(value, r.get(key), meta, undefined, undefined)) return true;
    }
    return false;
  }
  if (left.length !== right.length) return true;
  const a = kind === 'object' ? left : sortScalars(deduplicateScalars(left));
  const b = kind === 'object' ? right : sortScalars(deduplicateScalars(right));
  return a.some((item, i) => fieldsConflict(item, b[i], meta, undefined, undefined));
}

function byMergeKey(list: unknown[], mergeKey: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const item of list) {
    if (!isObject(item)) throw new Error(`invalid element type in merging list:${goText(list)}`);
    if (!Object.hasOwn(item, mergeKey)) throw new Error(`cannot find merge key \`${mergeKey}\` in merging list element:${goText(item)}`);
    out.set(goText(item[mergeKey]), item);
  }
  return out;
}

/** mergepatch.HasConflicts: common keys whose values differ (lists element by element). */
export function jsonPatchesConflict(left: unknown, right: unknown): boolean {
  if (isObject(left)) {
    if (!isObject(right)) return true;
    return Object.keys(left).some((k) => Object.hasOwn(right, k) && jsonPatchesConflict(left[k], right[k]));
  }
  if (isList(left)) {
    if (!isList(right) || left.length !== right.length) return true;
    return left.some((item, i) => jsonPatchesConflict(item, right[i]));
  }
  return !jsonEqual(left, right);
}
