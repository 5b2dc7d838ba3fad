// Strategic merge patch, `application/strategic-merge-patch+json`: a JSON merge patch whose lists
// follow the schema's patch metadata (merge by key, union of primitives, or replace) and which
// understands the directives `$patch`, `$retainKeys`, `$deleteFromPrimitiveList/<field>` and
// `$setElementOrder/<field>` that kubectl sends. Behaviour follows apimachinery's strategicpatch
// as kube-apiserver applies it (unmatched nulls ignored, parallel deletion lists applied).
import { loadSchemaIndex, getSchema, type SchemaIndex } from '../schema.js';
import { badPatch, cannotApply } from './errors.js';
import { cloneJson, getOwn, isList, isObject, jsonEqual, jsonType, setOwn, show, type JsonObject } from './json.js';
import { applyMergePatch } from './merge-patch.js';
import { fieldInfo, type FieldInfo, type Shape } from './strategic-schema.js';
import { isSubsequence, KeyIndex, orderList, type KeyOf } from './strategic-order.js';

/** The directive key in a map or list item: `replace`, `delete` (and `merge`, refused in lists). */
export const PATCH_DIRECTIVE = '$patch';
/** Keys of a map to keep; all others are cleared before the patch is merged. */
export const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
/** Prefix of a parallel list naming primitives to remove from the list `<field>`. */
export const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList/';
/** Prefix of a parallel list giving the order of the merged list `<field>`. */
export const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder/';

/** Options of {@link applyStrategicMergePatch}. */
export interface StrategicMergePatchOptions {
  /**
   * Full schema name of the patched object, e.g. `io.k8s.api.apps.v1.Deployment` (see
   * `schemaForGVK`). Without one, or when the index does not know it (custom resources), the patch
   * is applied with JSON merge patch semantics.
   */
  schemaName?: string;
  /** The schema index; defaults to the one on disk ({@link loadSchemaIndex}). */
  index?: SchemaIndex;
}

/**
 * Applies a strategic merge patch to an object and returns the new object; neither argument is
 * changed. A patch value for a field the object lacks is applied as if to an empty value (so its
 * directives are processed and its nulls dropped), and unknown fields merge like a JSON merge patch.
 * Throws {@link PatchError} for a malformed patch (`BadRequest`) or one that cannot apply (`Invalid`).
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, options: StrategicMergePatchOptions = {}): unknown {
  if (!isObject(patch)) {
    throw badPatch(`invalid JSON document: a strategic merge patch must be a JSON object, got ${jsonType(patch)}`);
  }
  const { schemaName } = options;
  if (schemaName === undefined) return applyMergePatch(original, patch);
  const index = options.index ?? loadSchemaIndex();
  if (getSchema(schemaName, index) === undefined) return applyMergePatch(original, patch);
  const root: JsonObject = isObject(original) ? (cloneJson(original) as JsonObject) : {};
  return new Merger(index).mergeMap(root, patch, { schema: schemaName });
}

const isDirectiveKey = (key: string): boolean =>
  key === PATCH_DIRECTIVE ||
  key === RETAIN_KEYS_DIRECTIVE ||
  key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) ||
  key.startsWith(SET_ELEMENT_ORDER_PREFIX);

const noMergeKey = (item: unknown, mergeKey: string) =>
  cannotApply(`map: ${show(item)} does not contain declared merge key: ${mergeKey}`);

const unknownDirective = (directive: unknown, item: JsonObject) =>
  badPatch(`unknown patch type: ${show(directive)} in map: ${show(item)}`);

/** The identity of list items for ordering: merge-key value for maps, the value for primitives. */
const keyOfItems = (mergeKey: string | undefined): KeyOf =>
  mergeKey === undefined ? (item) => item : (item) => (isObject(item) ? getOwn(item, mergeKey) : undefined);

/** A `$setElementOrder` list waiting to be applied once the fields of its map are merged. */
interface PendingOrder {
  field: string;
  order: unknown[];
  server: unknown[];
  keyOf: KeyOf;
}

/**
 * The merge itself. Every `orig` argument is a copy this module owns and changes in place; every
 * `patch` argument belongs to the caller and is only read, so values taken from it are rebuilt.
 */
class Merger {
  constructor(private readonly index: SchemaIndex) {}

  mergeMap(orig: JsonObject, patch: JsonObject, shape: Shape): JsonObject {
    if (Object.hasOwn(patch, PATCH_DIRECTIVE)) {
      const directive = patch[PATCH_DIRECTIVE];
      if (directive === 'delete') return {};
      if (directive !== 'replace') throw unknownDirective(directive, patch);
      const rest: JsonObject = {};
      for (const key of Object.keys(patch)) if (key !== PATCH_DIRECTIVE) setOwn(rest, key, patch[key]);
      return this.mergeMap({}, rest, shape);
    }
    if (Object.hasOwn(patch, RETAIN_KEYS_DIRECTIVE)) retainKeys(orig, patch);
    for (const key of Object.keys(patch)) {
      if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) deleteFromPrimitiveList(orig, key, patch[key]);
    }
    // Orders are read before the merge: they interleave with the live order of the list.
    const pending: PendingOrder[] = [];
    for (const key of Object.keys(patch)) {
      if (key.startsWith(SET_ELEMENT_ORDER_PREFIX)) pending.push(this.pendingOrder(orig, patch, key, shape));
    }
    for (const key of Object.keys(patch)) {
      if (!isDirectiveKey(key)) this.mergeField(orig, key, patch[key], shape);
    }
    for (const { field, order, server, keyOf } of pending) {
      const merged = getOwn(orig, field);
      if (isList(merged)) setOwn(orig, field, orderList(merged, order, server, keyOf));
    }
    return orig;
  }

  private mergeField(orig: JsonObject, key: string, value: unknown, shape: Shape): void {
    if (value === null) {
      delete orig[key];
      return;
    }
    const info = fieldInfo(shape, key, this.index);
    if (!Object.hasOwn(orig, key)) {
      // Deleting what is not there leaves nothing behind, rather than an empty map.
      if (isObject(value) && getOwn(value, PATCH_DIRECTIVE) === 'delete') return;
      setOwn(orig, key, this.materialise(value, info, key));
      return;
    }
    const current = orig[key];
    if (isObject(current) && isObject(value) && info.strategy !== 'replace') {
      setOwn(orig, key, this.mergeMap(current, value, info.shape));
    } else if (isList(current) && isList(value) && info.strategy === 'merge') {
      setOwn(orig, key, this.mergeList(current, value, info, key));
    } else {
      setOwn(orig, key, this.materialise(value, info, key));
    }
  }

  /** A patch value applied to nothing: directives processed, nulls dropped, a new copy. */
  private materialise(value: unknown, info: FieldInfo, field: string): unknown {
    if (isObject(value)) return this.mergeMap({}, value, info.shape);
    if (isList(value)) {
      if (info.strategy === 'merge') return this.mergeList([], value, info, field);
      return value.map((item) => (isObject(item) ? this.mergeMap({}, item, info.elementShape) : cloneJson(item)));
    }
    return value;
  }

  /** Merges a list whose field has the `merge` strategy: by merge key for maps, as a set for primitives. */
  private mergeList(current: unknown[], patch: readonly unknown[], info: FieldInfo, field: string): unknown[] {
    if (current.length === 0 && patch.length === 0) return [];
    if (elementKind(current, patch) !== 'object') {
      const merged = [...new Set([...current, ...patch])];
      return orderList(merged, patch, current, keyOfItems(undefined));
    }
    const mergeKey = info.mergeKey;
    if (mergeKey === undefined) throw cannotApply(`cannot merge lists without merge key for ${field}`);
    const sameKey = (item: JsonObject) => (other: unknown) =>
      isObject(other) && Object.hasOwn(other, mergeKey) && jsonEqual(other[mergeKey], item[mergeKey]);

    let working = current;
    let replace = false;
    const regular: JsonObject[] = [];
    for (const item of patch as JsonObject[]) {
      if (!Object.hasOwn(item, PATCH_DIRECTIVE)) {
        regular.push(item);
        continue;
      }
      const directive = item[PATCH_DIRECTIVE];
      if (directive === 'delete') {
        if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
        const matches = sameKey(item);
        working = working.filter((other) => !matches(other));
      } else if (directive === 'replace') {
        replace = true; // the other items are the new list; keep scanning to reject bad directives
      } else if (directive === 'merge') {
        throw badPatch('merging lists cannot yet be specified in the patch');
      } else {
        throw unknownDirective(directive, item);
      }
    }
    if (replace) return regular.map((item) => this.mergeMap({}, item, info.elementShape));

    const server = [...working];
    for (const item of regular) {
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      const at = working.findIndex(sameKey(item));
      const found = working[at];
      if (at >= 0 && isObject(found)) working[at] = this.mergeMap(found, item, info.elementShape);
      else working.push(this.mergeMap({}, item, info.elementShape));
    }
    return orderList(working, regular, server, keyOfItems(mergeKey));
  }

  private pendingOrder(orig: JsonObject, patch: JsonObject, key: string, shape: Shape): PendingOrder {
    const field = key.slice(SET_ELEMENT_ORDER_PREFIX.length);
    const order = patch[key];
    if (field === '' || !isList(order)) throw badPatch('invalid patch format of setElementOrder list');
    const { mergeKey } = fieldInfo(shape, field, this.index);
    const keyOf = keyOfItems(mergeKey);
    if (mergeKey !== undefined) {
      for (const entry of order) if (!isObject(entry) || !Object.hasOwn(entry, mergeKey)) throw noMergeKey(entry, mergeKey);
    }
    const list = getOwn(patch, field);
    if (isList(list)) {
      const named = list.filter((item) => !(isObject(item) && Object.hasOwn(item, PATCH_DIRECTIVE))).map(keyOf);
      if (!isSubsequence(named, order.map(keyOf))) {
        throw badPatch(`the order in patch list:\n${show(list)}\n doesn't match $setElementOrder list:\n${show(order)}`);
      }
    }
    const live = getOwn(orig, field);
    return { field, order, server: isList(live) ? [...live] : [], keyOf };
  }
}

/** `$retainKeys`: keys of the live map not listed are cleared; the patch may only set listed keys. */
function retainKeys(orig: JsonObject, patch: JsonObject): void {
  const list = patch[RETAIN_KEYS_DIRECTIVE];
  if (!isList(list) || !list.every((k) => typeof k === 'string')) throw badPatch('invalid patch format of retainKeys');
  const keep = new Set<unknown>(list);
  for (const key of Object.keys(patch)) {
    if (isDirectiveKey(key) || patch[key] === null) continue;
    if (!keep.has(key)) throw badPatch('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(orig)) if (!keep.has(key)) delete orig[key];
}

/** `$deleteFromPrimitiveList/<field>`: removes every listed value from the live primitive list. */
function deleteFromPrimitiveList(orig: JsonObject, key: string, values: unknown): void {
  const field = key.slice(DELETE_FROM_PRIMITIVE_LIST_PREFIX.length);
  if (field === '' || !isList(values) || values.some((v) => typeof v === 'object' && v !== null)) {
    throw badPatch('invalid patch format of primitive list');
  }
  const live = getOwn(orig, field);
  if (!isList(live)) return;
  const doomed = new KeyIndex(values);
  setOwn(
    orig,
    field,
    live.filter((item) => doomed.indexOf(item) < 0),
  );
}

/** Whether the items of a merging list are maps or primitives; lists of lists and mixed lists are refused. */
function elementKind(...lists: (readonly unknown[])[]): 'object' | 'primitive' {
  let kind: string | undefined;
  for (const list of lists) {
    for (const item of list) {
      const t = jsonType(item);
      if (t === 'array') throw cannotApply('lists of lists are not supported');
      if (kind === undefined) kind = t;
      else if (kind !== t) throw cannotApply(`list element types are not identical: ${show(lists)}`);
    }
  }
  return kind === 'object' ? 'object' : 'primitive';
}
