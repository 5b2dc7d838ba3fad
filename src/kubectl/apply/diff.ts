/**
 * The two-way strategic diff under kubectl's three-way apply patch: from an old and a new document,
 * the strategic merge patch that turns one into the other, optionally keeping only the additions
 * and changes, or only the deletions (`null` for a removed field, `{$patch: delete}` for a removed
 * merge-keyed element, `$deleteFromPrimitiveList/<f>` for removed primitives of a merging list),
 * with `$setElementOrder/<f>` lists and `$retainKeys` where the schema asks for them.
 * Behaviour follows apimachinery's strategicpatch diffMaps (not its code).
 */
import { isList, isObject, jsonEqual, jsonType, type JsonObject } from '../../api/patch/json.js';
import { compareGoStrings, deduplicateScalars, goText, sortScalars } from './go-compat.js';
import type { PatchMeta } from './patch-meta.js';

export const DIRECTIVE = '$patch';
export const RETAIN_KEYS = '$retainKeys';
export const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';
export const SET_ELEMENT_ORDER = '$setElementOrder/';

/** Which parts of the difference to keep. */
export interface DiffOptions {
  /** Emit `$setElementOrder/<list>` for merging lists whose content or order changed. */
  setElementOrder?: boolean;
  /** Keep only deletions. */
  ignoreChangesAndAdditions?: boolean;
  /** Keep only additions and changes. */
  ignoreDeletions?: boolean;
  /** Emit `$retainKeys` in this map (its field declares the retainKeys strategy). */
  buildRetainKeys?: boolean;
}

/** A patch that cannot be computed (mixed list types, an element without its merge key, ...). */
export class PatchDiffError extends Error {
  override readonly name = 'PatchDiffError';
}

export const noMergeKey = (item: unknown, key: string): PatchDiffError =>
  new PatchDiffError(`map: ${goText(item)} does not contain declared merge key: ${key}`);

/** The strategic patch from `original` to `modified` (both maps), as `opts` filters it. */
export function diffMaps(original: JsonObject, modified: JsonObject, meta: PatchMeta, opts: DiffOptions): JsonObject {
  const patch: JsonObject = {};
  const retain: string[] = [];
  for (const key of Object.keys(modified)) {
    const mod = modified[key];
    if (opts.buildRetainKeys && mod !== null) retain.push(key);
    if (!Object.hasOwn(original, key)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = mod;
      continue;
    }
    const orig = original[key];
    if (key === DIRECTIVE) {
      if (typeof orig !== 'string' || typeof mod !== 'string') throw new PatchDiffError(`invalid value for special key: ${DIRECTIVE}`);
      if (orig !== mod) patch[key] = mod;
      continue;
    }
    if (jsonType(orig) !== jsonType(mod)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = mod;
      continue;
    }
    if (isObject(orig) && isObject(mod)) diffMapField(key, orig, mod, patch, meta, opts);
    else if (isList(orig) && isList(mod)) diffListField(key, orig, mod, patch, meta, opts);
    else replaceIfChanged(key, orig, mod, patch, opts);
  }
  if (!opts.ignoreDeletions) {
    for (const key of Object.keys(original)) if (!Object.hasOwn(modified, key)) patch[key] = null;
  }
  // retainKeys goes out when something changes or when the old map has fields to clear.
  if (retain.length > 0 && (Object.keys(patch).length > 0 || hasExtraField(original, modified))) {
    patch[RETAIN_KEYS] = sortScalars(retain);
  }
  return patch;
}

function replaceIfChanged(key: string, orig: unknown, mod: unknown, patch: JsonObject, opts: DiffOptions): void {
  if (opts.ignoreChangesAndAdditions || jsonEqual(orig, mod)) return;
  patch[key] = mod;
}

function hasExtraField(original: JsonObject, modified: JsonObject): boolean {
  return Object.keys(original).some((k) => original[k] !== null && !Object.hasOwn(modified, k));
}

function diffMapField(key: string, orig: JsonObject, mod: JsonObject, patch: JsonObject, meta: PatchMeta, opts: DiffOptions): void {
  const { meta: field, sub } = meta.struct(key);
  if (field.strategy === 'replace') {
    // kubectl sends a replaced map whole, even when it did not change.
    if (!opts.ignoreChangesAndAdditions) patch[key] = mod;
    return;
  }
  const value = diffMaps(orig, mod, sub, { ...opts, buildRetainKeys: field.retainKeys });
  if (Object.keys(value).length > 0) patch[key] = value;
}

function diffListField(key: string, orig: unknown[], mod: unknown[], patch: JsonObject, meta: PatchMeta, opts: DiffOptions): void {
  const { meta: field, sub } = meta.slice(key);
  if (field.strategy !== 'merge') {
    replaceIfChanged(key, orig, mod, patch, opts);
    return;
  }
  const { add, del, order } = diffLists(orig, mod, sub, field.mergeKey, { ...opts, buildRetainKeys: field.retainKeys });
  if (add.length > 0) patch[key] = add;
  if (del.length > 0) patch[`${DELETE_FROM_PRIMITIVE_LIST}${key}`] = del;
  if (order.length > 0) patch[`${SET_ELEMENT_ORDER}${key}`] = order;
}

/** Whether a list's elements are maps or scalars; mixed lists and lists of lists are refused. */
export function elementKind(...lists: (readonly unknown[])[]): 'object' | 'scalar' | undefined {
  let kind: string | undefined;
  for (const list of lists) {
    for (const item of list) {
      const t = jsonType(item);
      if (kind === undefined) {
        if (t === 'array') throw new PatchDiffError('lists of lists are not supported');
        kind = t;
      } else if (kind !== t) {
        throw new PatchDiffError(`list element types are not identical: ${goText(lists)}`);
      }
    }
  }
  if (kind === undefined) return undefined;
  return kind === 'object' ? 'object' : 'scalar';
}

/** The merge-key value of a list element (the element itself for scalars). */
export function keyValue(item: unknown, mergeKey: string | undefined): unknown {
  if (mergeKey === undefined) return item;
  return isObject(item) && Object.hasOwn(item, mergeKey) ? item[mergeKey] : undefined;
}

/** Items sorted by their position in `order` (by merge key); kubectl's normalizeSliceOrder. */
export function sortByOrder(items: readonly unknown[], order: readonly unknown[], mergeKey: string | undefined, kind: 'object' | 'scalar'): unknown[] {
  let rest = [...items];
  let deletes: unknown[] = [];
  if (kind === 'object') {
    const key = mergeKey ?? '';
    for (const item of [...items, ...order]) {
      if (!isObject(item) || !Object.hasOwn(item, key)) throw noMergeKey(item, key);
    }
    deletes = rest.filter((i) => isObject(i) && i[DIRECTIVE] === 'delete');
    rest = rest.filter((i) => !(isObject(i) && i[DIRECTIVE] === 'delete'));
  }
  const at = (item: unknown) => indexOfKey(order, keyValue(item, kind === 'object' ? mergeKey : undefined), kind === 'object' ? mergeKey : undefined);
  // Items missing from `order` keep their place relative to each other (a stable sort).
  const positioned = rest.map((item, i) => ({ item, i, at: at(item) }));
  positioned.sort((a, b) => (a.at >= 0 && b.at >= 0 ? a.at - b.at : a.i - b.i));
  return [...positioned.map((p) => p.item), ...deletes];
}

/** Position of the first element of `list` whose key equals `key` (Go `==`: same type and value). */
export function indexOfKey(list: readonly unknown[], key: unknown, mergeKey: string | undefined): number {
  return list.findIndex((item) => {
    const k = keyValue(item, mergeKey);
    return k === key && k !== undefined;
  });
}

interface ListDiff {
  add: unknown[];
  del: unknown[];
  order: unknown[];
}

/** The diff of two lists with the `merge` strategy. */
function diffLists(original: unknown[], modified: unknown[], meta: PatchMeta, mergeKey: string | undefined, opts: DiffOptions): ListDiff {
  if (original.length === 0) {
    if (modified.length === 0 || opts.ignoreChangesAndAdditions) return { add: [], del: [], order: [] };
    return { add: modified, del: [], order: [] };
  }
  const kind = elementKind(original, modified) ?? 'scalar';
  if (kind === 'object') {
    const key = mergeKey ?? '';
    const { changes, deletions } = diffListsOfMaps(original, modified, meta, key, opts);
    const add = [...sortByOrder(changes, modified, key, 'object'), ...deletions];
    const sameOrder = original.length === modified.length && modified.every((m, i) => keyValue(m, key) === keyValue(original[i], key));
    const wantOrder =
      opts.setElementOrder && ((!opts.ignoreChangesAndAdditions && (add.length > 0 || !sameOrder)) || (!opts.ignoreDeletions && add.length > 0));
    const order = wantOrder ? modified.map((m) => ({ [key]: keyValue(m, key) })) : [];
    return { add, del: [], order };
  }
  const { add, del } = diffListsOfScalars(original, modified, opts);
  const sorted = sortByOrder(add, modified, undefined, 'scalar');
  const wantOrder =
    opts.setElementOrder && ((!opts.ignoreDeletions && del.length > 0) || (!opts.ignoreChangesAndAdditions && !jsonEqual(original, modified)));
  return { add: sorted, del, order: wantOrder ? modified : [] };
}

/** Additions and deletions between two scalar lists, compared as sorted `%v` texts. */
function diffListsOfScalars(original: unknown[], modified: unknown[], opts: DiffOptions): { add: unknown[]; del: unknown[] } {
  const o = sortScalars(original);
  const m = sortScalars(modified);
  const add: unknown[] = [];
  const del: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < o.length || j < m.length) {
    const cmp = i >= o.length ? 1 : j >= m.length ? -1 : compareGoStrings(goText(o[i]), goText(m[j]));
    if (cmp === 0) {
      i++;
      j++;
    } else if (cmp < 0) {
      if (!opts.ignoreDeletions) del.push(o[i]);
      i++;
    } else {
      if (!opts.ignoreChangesAndAdditions) add.push(m[j]);
      j++;
    }
  }
  return { add, del: deduplicateScalars(del) };
}

/** Changed or added elements, and `$patch: delete` entries, of two lists of maps with a merge key. */
function diffListsOfMaps(original: unknown[], modified: unknown[], meta: PatchMeta, key: string, opts: DiffOptions): { changes: unknown[]; deletions: unknown[] } {
  const o = sortByMergeKey(original, key);
  const m = sortByMergeKey(modified, key);
  const changes: unknown[] = [];
  const deletions: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < o.length || j < m.length) {
    const oi = o[i];
    const mj = m[j];
    const cmp = i >= o.length ? 1 : j >= m.length ? -1 : compareGoStrings(goText(oi?.[key]), goText(mj?.[key]));
    if (cmp === 0 && oi !== undefined && mj !== undefined) {
      const value = diffMaps(oi, mj, meta, opts);
      if (Object.keys(value).length > 0) changes.push({ ...value, [key]: mj[key] });
      i++;
      j++;
    } else if (cmp > 0) {
      if (!opts.ignoreChangesAndAdditions) changes.push(mj);
      j++;
    } else {
      if (!opts.ignoreDeletions) deletions.push({ [key]: oi?.[key], [DIRECTIVE]: 'delete' });
      i++;
    }
  }
  return { changes, deletions };
}

function sortByMergeKey(list: unknown[], key: string): JsonObject[] {
  const maps = list.map((item) => {
    if (!isObject(item)) throw new PatchDiffError(`expected a map[string]interface {}, but received a ${jsonType(item)}`);
    if (!Object.hasOwn(item, key)) throw noMergeKey(item, key);
    return item;
  });
  return maps.sort((a, b) => compareGoStrings(goText(a[key]), goText(b[key])));
}
