/**
 * Joining the two halves of kubectl's three-way patch: the deletions (last-applied → new manifest)
 * and the changes (live → new manifest) are two strategic patches, and the patch sent is the second
 * merged into the first. Unlike the server's merge, directives are kept as data here: parallel
 * lists and `$retainKeys` are carried over (and must agree when both halves have them), and the
 * `$patch: delete` entries of the deletions stay in their lists after the changed elements.
 * Behaviour follows apimachinery's strategicpatch mergeMap without MergeParallelList.
 */
import { cloneJson, isList, isObject, jsonEqual, jsonType, type JsonObject } from '../../api/patch/json.js';
import {
  DELETE_FROM_PRIMITIVE_LIST,
  DIRECTIVE,
  elementKind,
  indexOfKey,
  keyValue,
  noMergeKey,
  PatchDiffError,
  RETAIN_KEYS,
  SET_ELEMENT_ORDER,
  sortByOrder,
} from './diff.js';
import { deduplicateScalars, goText } from './go-compat.js';
import type { PatchMeta } from './patch-meta.js';

/** `delta` merged into `deletions`; neither argument is changed. */
export function combinePatches(deletions: JsonObject, delta: JsonObject, meta: PatchMeta): JsonObject {
  return mergeMap(cloneJson(deletions) as JsonObject, cloneJson(delta) as JsonObject, meta);
}

const badSetElementOrder = () => new PatchDiffError('invalid patch format of setElementOrder list');

/** Merges `patch` into `original`; both are copies this module owns and changes. */
function mergeMap(original: JsonObject, patch: JsonObject, meta: PatchMeta): JsonObject {
  if (Object.hasOwn(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    if (directive === 'replace') {
      delete patch[DIRECTIVE];
      return patch;
    }
    if (directive === 'delete') return {};
    throw new PatchDiffError(`unknown patch type: ${goText(directive)} in map: ${goText(patch)}`);
  }
  if (Object.hasOwn(patch, RETAIN_KEYS)) {
    const keys = patch[RETAIN_KEYS];
    delete patch[RETAIN_KEYS];
    if (!Object.hasOwn(original, RETAIN_KEYS)) original[RETAIN_KEYS] = keys;
    else if (!jsonEqual(original[RETAIN_KEYS], keys)) {
      throw new PatchDiffError(`${goText(original[RETAIN_KEYS])} and ${goText(keys)} are not deep equal: this may happen when calculating the 3-way diff patch`);
    }
  }
  for (const key of Object.keys(patch)) {
    if (key.startsWith(SET_ELEMENT_ORDER)) mergeOrderedList(original, patch, key, meta);
  }
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || value === null || !Object.hasOwn(original, key)) {
      setOrDrop(original, key, value);
      continue;
    }
    const current = original[key];
    if (jsonType(current) !== jsonType(value)) {
      setOrDrop(original, key, value);
    } else if (isObject(current) && isObject(value)) {
      const { meta: field, sub } = meta.struct(key);
      original[key] = field.strategy === 'replace' ? value : mergeMap(current, value, sub);
    } else if (isList(current) && isList(value)) {
      const { meta: field, sub } = meta.slice(key);
      original[key] = field.strategy === 'merge' ? mergeSlice(current, value, sub, field.mergeKey) : value;
    } else {
      setOrDrop(original, key, value);
    }
  }
  return original;
}

/** Sets `original[key]` to `value` without its `$patch` maps, or drops it when `value` is one. */
function setOrDrop(original: JsonObject, key: string, value: unknown): void {
  const [kept, keep] = removeDirectives(value);
  if (keep) original[key] = kept;
  else delete original[key];
}

/** A value without the maps that carry `$patch` (kubectl's removeDirectives). */
function removeDirectives(value: unknown): [unknown, boolean] {
  if (isObject(value)) {
    if (Object.hasOwn(value, DIRECTIVE)) return [undefined, false];
    const out: JsonObject = {};
    for (const k of Object.keys(value)) {
      const [v, keep] = removeDirectives(value[k]);
      if (keep) out[k] = v;
    }
    return [out, true];
  }
  if (isList(value)) {
    return [value.flatMap((item) => {
      const [v, keep] = removeDirectives(item);
      return keep ? [v] : [];
    }), true];
  }
  return [value, true];
}

/** A `$setElementOrder/<f>` of the patch: carried over, and the list `<f>` merged and put in that order. */
function mergeOrderedList(original: JsonObject, patch: JsonObject, orderKey: string, meta: PatchMeta): void {
  const order = patch[orderKey];
  if (Object.hasOwn(original, orderKey)) {
    if (!jsonEqual(original[orderKey], order)) throw badSetElementOrder();
  } else {
    original[orderKey] = order;
  }
  delete patch[orderKey];
  if (!isList(order)) throw new PatchDiffError(`expected a []interface {}, but received a ${jsonType(order)}`);
  const field = orderKey.slice(SET_ELEMENT_ORDER.length);
  if (field === '') throw badSetElementOrder();
  const inOriginal = Object.hasOwn(original, field);
  const inPatch = Object.hasOwn(patch, field);
  if (!inOriginal && !inPatch) return;
  const originalList = original[field];
  const patchList = patch[field];
  if (inOriginal && !isList(originalList)) throw new PatchDiffError(`expected a []interface {}, but received a ${jsonType(originalList)}`);
  if (inPatch && !isList(patchList)) throw new PatchDiffError(`expected a []interface {}, but received a ${jsonType(patchList)}`);
  const { meta: fieldMeta, sub } = meta.slice(field);
  const mergeKey = fieldMeta.mergeKey;
  const origItems = isList(originalList) ? originalList : [];
  const patchItems = isList(patchList) ? patchList : [];
  let merged: unknown[];
  if (!inPatch) merged = origItems;
  else if (!inOriginal) merged = removeDirectives(patchItems)[0] as unknown[];
  else merged = fieldMeta.strategy === 'merge' ? mergeSlice(origItems, patchItems, sub, mergeKey) : patchItems;
  const kind = elementKind(origItems, patchItems);
  if (kind === undefined) throw new PatchDiffError('no elements in any of the given slices');
  const key = kind === 'object' ? mergeKey : undefined;
  const [named, serverOnly] = partition(merged, order, key);
  original[field] = normaliseOrder(named, serverOnly, order, origItems, key, kind);
  delete patch[field];
}

/** Items whose identity appears in `by`, and the others. */
function partition(items: readonly unknown[], by: readonly unknown[], mergeKey: string | undefined): [unknown[], unknown[]] {
  const named: unknown[] = [];
  const others: unknown[] = [];
  for (const item of items) {
    if (mergeKey !== undefined && !(isObject(item) && Object.hasOwn(item, mergeKey))) throw noMergeKey(item, mergeKey);
    (indexOfKey(by, keyValue(item, mergeKey), mergeKey) >= 0 ? named : others).push(item);
  }
  return [named, others];
}

/** Patch items in patch order, server-only items in live order, interleaved by the live order. */
function normaliseOrder(
  fromPatch: unknown[],
  serverOnly: unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string | undefined,
  kind: 'object' | 'scalar',
): unknown[] {
  const right = sortByOrder(fromPatch, patchOrder, mergeKey, kind);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  const at = (item: unknown) => indexOfKey(serverOrder, keyValue(item, mergeKey), mergeKey);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) out.push(left[i++]);
    else if (i >= left.length) out.push(right[j++]);
    else {
      const li = at(left[i]);
      const rj = at(right[j]);
      if (li >= 0 && rj >= 0 && li < rj) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Merges two lists with the `merge` strategy: by merge key for maps, as a set for scalars. */
function mergeSlice(original: unknown[], patch: unknown[], meta: PatchMeta, mergeKey: string | undefined): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch) ?? 'scalar';
  if (kind === 'scalar') {
    const merged = deduplicateScalars([...original, ...patch]);
    const [named, serverOnly] = partition(merged, patch, undefined);
    return normaliseOrder(named, serverOnly, patch, original, undefined, kind);
  }
  if (mergeKey === undefined) throw new PatchDiffError(`cannot merge lists without merge key for ${meta.name()}`);
  let base = original;
  let items: unknown[] = [];
  let replace = false;
  for (const item of patch as JsonObject[]) {
    if (!Object.hasOwn(item, DIRECTIVE)) {
      items.push(item);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === 'delete') {
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      base = base.filter((o) => keyValue(o, mergeKey) !== item[mergeKey]);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw new PatchDiffError('merging lists cannot yet be specified in the patch');
    } else {
      throw new PatchDiffError(`unknown patch type: ${goText(directive)} in map: ${goText(item)}`);
    }
  }
  if (replace) {
    base = items;
    items = [];
  }
  const merged = [...base];
  for (const item of items as JsonObject[]) {
    if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const at = merged.findIndex((o) => {
      if (!isObject(o)) throw new PatchDiffError('value for key is not a map');
      return o[mergeKey] === item[mergeKey];
    });
    const found = merged[at];
    if (at >= 0 && isObject(found)) merged[at] = mergeMap(found, item, meta);
    else merged.push(item);
  }
  const [named, serverOnly] = partition(merged, items, mergeKey);
  return normaliseOrder(named, serverOnly, items, base, mergeKey, kind);
}
