/**
 * How server-side apply sees a value's type, resolved from the schema index the way kube-openapi's
 * schemaconv does: structs (granular unless `x-kubernetes-map-type: atomic`), maps, lists that are
 * atomic, sets or keyed by `x-kubernetes-list-map-keys` (or the patch merge key), and scalars.
 * Without a schema (custom resources, free-form fields) maps are granular and lists atomic.
 */
import { getSchema, type SchemaEntry, type TypeInfo } from '../schema.js';
import { fieldKey, indexKey, keyKey, valueKey } from './path.js';

/** A resolved type. `type` is undefined for values the schema does not describe. */
export type TypeNode =
  | { kind: 'struct'; schema: SchemaEntry; atomic: boolean }
  | { kind: 'map'; elem: TypeInfo | undefined; atomic: boolean }
  | { kind: 'list'; rel: 'atomic' | 'set' | 'map'; keys: string[]; elem: TypeInfo | undefined }
  | { kind: 'scalar' }
  | { kind: 'untyped' };

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The type of a kind's root object; undefined (untyped) without a schema. */
export const rootType = (schemaName: string | undefined): TypeInfo | undefined => (schemaName ? { ref: schemaName } : undefined);

/** Resolves a declared type. */
export function resolveType(t: TypeInfo | undefined): TypeNode {
  if (t === undefined || t['x-kubernetes-preserve-unknown-fields']) return { kind: 'untyped' };
  if (t.ref !== undefined) {
    const s = getSchema(t.ref);
    if (s === undefined) return { kind: 'untyped' };
    if (s.properties !== undefined) {
      return { kind: 'struct', schema: s, atomic: t['x-kubernetes-map-type'] === 'atomic' || s['x-kubernetes-map-type'] === 'atomic' };
    }
    return resolveType({ ...s, ref: undefined, ...(t['x-kubernetes-map-type'] ? { 'x-kubernetes-map-type': t['x-kubernetes-map-type'] } : {}) });
  }
  switch (t.type) {
    case 'array': {
      const listType = t['x-kubernetes-list-type'];
      const strategy = (t['x-kubernetes-patch-strategy'] ?? '').split(',').map((s) => s.trim());
      const mergeKey = t['x-kubernetes-patch-merge-key'];
      let rel: 'atomic' | 'set' | 'map' = strategy.includes('merge') ? (mergeKey ? 'map' : 'set') : 'atomic';
      if (listType !== undefined) rel = listType;
      const keys = t['x-kubernetes-list-map-keys'] ?? (mergeKey ? [mergeKey] : []);
      if (rel === 'map' && keys.length === 0) rel = 'atomic';
      return { kind: 'list', rel, keys, elem: t.items };
    }
    case 'object':
      if (t.additionalProperties !== undefined) return { kind: 'map', elem: t.additionalProperties, atomic: t['x-kubernetes-map-type'] === 'atomic' };
      return { kind: 'untyped' };
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
      return { kind: 'scalar' };
    default:
      return { kind: 'untyped' };
  }
}

/**
 * The effective type of a value: an untyped value is a granular map, an atomic list or a scalar
 * by its shape; a value whose shape contradicts its type (null, a scalar where a map is declared)
 * is handled as a scalar, that is, as a whole.
 */
export function nodeFor(t: TypeInfo | undefined, v: unknown): TypeNode {
  const n = resolveType(t);
  if (n.kind === 'untyped') {
    if (isObj(v)) return { kind: 'map', elem: undefined, atomic: false };
    if (Array.isArray(v)) return { kind: 'list', rel: 'atomic', keys: [], elem: undefined };
    return { kind: 'scalar' };
  }
  if (v === undefined) return n;
  if ((n.kind === 'struct' || n.kind === 'map') && !isObj(v)) return { kind: 'scalar' };
  if (n.kind === 'list' && !Array.isArray(v)) return { kind: 'scalar' };
  return n;
}

/** True when the node is owned and replaced as a whole. */
export const isLeaf = (n: TypeNode): boolean => n.kind === 'scalar' || n.kind === 'untyped' || ((n.kind === 'struct' || n.kind === 'map') && n.atomic) || (n.kind === 'list' && n.rel === 'atomic');

/** The declared type of a struct field or map value; undefined when not declared. */
export function childType(n: TypeNode, name: string): TypeInfo | undefined {
  if (n.kind === 'struct') return n.schema.properties && Object.hasOwn(n.schema.properties, name) ? n.schema.properties[name] : undefined;
  if (n.kind === 'map') return n.elem;
  return undefined;
}

/** True when `name` is a declared field of a struct (its map entries are not). */
export const isNamedField = (n: TypeNode, name: string): boolean => n.kind === 'struct' && childType(n, name) !== undefined;

/**
 * True when Go always serialises the field, so an object decoded from JSON without it still has
 * it (empty): the spec gives it a default or lists it as required.
 */
export function implicitField(n: TypeNode, name: string): boolean {
  if (n.kind !== 'struct') return false;
  return childType(n, name)?.default !== undefined || (n.schema.required ?? []).includes(name);
}

/** Thrown for a value that cannot be typed (a keyed list item without its key). */
export class ApplyTypeError extends Error {}

/** The path element of one list item. */
export function itemKey(n: Extract<TypeNode, { kind: 'list' }>, item: unknown, index: number): string {
  if (n.rel === 'set') return valueKey(item);
  if (n.rel !== 'map' || !isObj(item)) return indexKey(index);
  const elem = resolveType(n.elem);
  const fields: Array<[string, unknown]> = [];
  for (const k of n.keys) {
    let v = item[k];
    if (v === undefined) v = childType(elem, k)?.default;
    if (v === undefined) throw new ApplyTypeError(`element ${index}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
    fields.push([k, v]);
  }
  return keyKey(fields);
}

/** Keyed view of a list's items (first item wins on duplicate keys). */
export function keyedItems(n: Extract<TypeNode, { kind: 'list' }>, list: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!Array.isArray(list)) return out;
  list.forEach((item: unknown, i) => {
    const k = itemKey(n, item, i);
    if (!out.has(k)) out.set(k, item);
  });
  return out;
}

export { fieldKey };
