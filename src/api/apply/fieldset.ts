/**
 * The set of fields a value sets (structured-merge-diff's ToFieldSet): scalars, atomic lists and
 * atomic maps are members; granular maps and lists are walked; list items and map entries are
 * members themselves (so they carry `.` when they have children), struct fields only when empty.
 */
import type { TypeInfo } from '../schema.js';
import { fieldKey, type Path } from './path.js';
import { FieldSet } from './set.js';
import { childType, isLeaf, isNamedField, isObj, itemKey, nodeFor, resolveType } from './types.js';

/** Fields set by `value` of type `t` (the root itself is never a member). */
export function toFieldSet(value: unknown, t: TypeInfo | undefined): FieldSet {
  const out = new FieldSet();
  walk(value, t, [], out);
  return out;
}

function walk(v: unknown, t: TypeInfo | undefined, path: Path, out: FieldSet): void {
  const n = nodeFor(t, v);
  if (isLeaf(n)) {
    out.insert(path);
    return;
  }
  if (n.kind === 'list' && Array.isArray(v)) {
    v.forEach((item: unknown, i) => {
      const p = [...path, itemKey(n, item, i)];
      walk(item, n.elem, p, out);
      out.insert(p);
    });
    return;
  }
  if (!isObj(v)) return;
  for (const [k, child] of Object.entries(v)) {
    const p = [...path, fieldKey(k)];
    walk(child, childType(n, k), p, out);
    if (child === null || (isObj(child) && Object.keys(child).length === 0) || !isNamedField(n, k)) out.insert(p);
  }
}

/**
 * The set with every struct field that has members below it made a member too (upstream's
 * EnsureNamedFieldsAreMembers): what pruning compares, so a struct left empty goes with its fields.
 */
export function ensureNamedFieldsAreMembers(s: FieldSet, t: TypeInfo | undefined): FieldSet {
  const out = new FieldSet();
  const n = resolveType(t);
  for (const m of s.members) out.members.add(m);
  for (const [k, c] of s.children) {
    let ct: TypeInfo | undefined;
    if (k.startsWith('f:')) {
      const name = k.slice(2);
      ct = childType(n, name);
      if (isNamedField(n, name)) out.members.add(k);
    } else if (n.kind === 'list') ct = n.elem;
    out.children.set(k, ensureNamedFieldsAreMembers(c, ct));
  }
  return out;
}
