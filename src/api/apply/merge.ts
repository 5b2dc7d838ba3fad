/**
 * Merging an applied configuration into a live object, and removing a set of fields from an
 * object, by type: granular maps and structs merge key by key, keyed lists item by item (new items
 * go last), set lists are unioned, and atomic things are replaced whole. A null in the configuration
 * removes the field (the applier still owns it), as Go's decoding of the merged object does.
 */
import type { TypeInfo } from '../schema.js';
import type { FieldSet } from './set.js';
import { childType, isLeaf, isObj, itemKey, nodeFor } from './types.js';

/** `live` with `config` merged in; neither input is modified. */
export function merge(live: unknown, config: unknown, t: TypeInfo | undefined): unknown {
  if (config === undefined) return structuredClone(live);
  if (live === undefined || live === null || config === null) return stripNulls(config, t);
  const n = nodeFor(t, config);
  const nl = nodeFor(t, live);
  if (isLeaf(n) || nl.kind !== n.kind) return stripNulls(config, t);
  if (n.kind === 'list') {
    const out = structuredClone(live) as unknown[];
    const index = new Map<string, number>();
    out.forEach((item, i) => index.set(itemKey(n, item, i), i));
    (config as unknown[]).forEach((item, i) => {
      const k = itemKey(n, item, i);
      const at = index.get(k);
      if (at === undefined) {
        index.set(k, out.length);
        out.push(stripNulls(item, n.elem));
      } else out[at] = merge(out[at], item, n.elem);
    });
    return out;
  }
  const out = structuredClone(live) as Record<string, unknown>;
  for (const [k, v] of Object.entries(config as Record<string, unknown>)) {
    const m = merge(out[k], v, childType(n, k));
    if (m === null || m === undefined) delete out[k];
    else out[k] = m;
  }
  return out;
}

/** A copy of a configuration value without its null map entries. */
function stripNulls(v: unknown, t: TypeInfo | undefined): unknown {
  if (v === null || v === undefined) return v;
  const n = nodeFor(t, v);
  if (Array.isArray(v)) return v.map((item: unknown) => stripNulls(item, n.kind === 'list' ? n.elem : undefined));
  if (!isObj(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, c] of Object.entries(v)) if (c !== null) out[k] = stripNulls(c, childType(n, k));
  return out;
}

/** `value` without the members of `set` (each taken with everything below it). */
export function removeItems(value: unknown, set: FieldSet, t: TypeInfo | undefined): unknown {
  if (set.isEmpty() || value === undefined || value === null) return value;
  const n = nodeFor(t, value);
  if (n.kind === 'list' && Array.isArray(value)) {
    const out: unknown[] = [];
    for (const [i, item] of (value as unknown[]).entries()) {
      const k = itemKey(n, item, i);
      if (set.members.has(k)) continue;
      const c = set.child(k);
      out.push(c ? removeItems(item, c, n.elem) : item);
    }
    return out;
  }
  if (!isObj(value)) return value;
  const out: Record<string, unknown> = { ...value };
  for (const key of set.members) if (key.startsWith('f:')) delete out[key.slice(2)];
  for (const [key, c] of set.children) {
    if (!key.startsWith('f:') || set.members.has(key)) continue;
    const name = key.slice(2);
    if (out[name] !== undefined) out[name] = removeItems(out[name], c, childType(n, name));
  }
  return out;
}
