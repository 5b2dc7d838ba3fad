/**
 * What changed between two values of one type (structured-merge-diff's Compare): leaves added,
 * modified or removed, and granular nodes (maps, list items) added or removed as a whole. A struct
 * field Go always serialises counts as present when its parent is, so creating an object does not
 * claim `.spec` itself, as upstream (whose empty object already has it) does not.
 */
import { isDeepStrictEqual } from 'node:util';
import type { TypeInfo } from '../schema.js';
import { fieldKey, type Path } from './path.js';
import { FieldSet } from './set.js';
import { childType, implicitField, isLeaf, isObj, keyedItems, nodeFor } from './types.js';

/** The three sets of a comparison. */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Compares `before` with `after` (either may be undefined: absent). */
export function compare(before: unknown, after: unknown, t: TypeInfo | undefined): Comparison {
  // Absent and null are one thing here: a Go object decoded from either is the same.
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  visit(before, after, t, [], out, { l: true, r: true });
  return out;
}

/** `l`/`r`: the node counts as present on that side even when absent (implicit struct field). */
interface Implicit {
  l: boolean;
  r: boolean;
}

function visit(lv: unknown, rv: unknown, t: TypeInfo | undefined, path: Path, out: Comparison, implicit: Implicit): void {
  const l = lv === null ? undefined : lv;
  const r = rv === null ? undefined : rv;
  if (l === undefined && r === undefined) return;
  const nl = nodeFor(t, l);
  const nr = nodeFor(t, r);
  const n = r !== undefined ? nr : nl;
  const leaf = isLeaf(n) || (l !== undefined && r !== undefined && nl.kind !== nr.kind);
  if (leaf) {
    if (l === undefined) {
      if (r !== undefined) out.added.insert(path);
    } else if (r === undefined) out.removed.insert(path);
    else if (!isDeepStrictEqual(l, r)) out.modified.insert(path);
    return;
  }
  const lPresent = l !== undefined || implicit.l;
  const rPresent = r !== undefined || implicit.r;
  if (n.kind === 'list') {
    const li = keyedItems(n, l);
    const ri = keyedItems(n, r);
    for (const k of new Set([...li.keys(), ...ri.keys()])) visit(li.get(k), ri.get(k), n.elem, [...path, k], out, { l: false, r: false });
  } else {
    const lo = isObj(l) ? l : {};
    const ro = isObj(r) ? r : {};
    for (const k of new Set([...Object.keys(lo), ...Object.keys(ro)])) {
      const imp = implicitField(n, k);
      visit(lo[k], ro[k], childType(n, k), [...path, fieldKey(k)], out, { l: imp && lPresent, r: imp && rPresent });
    }
  }
  if (path.length === 0) return;
  if (!lPresent) out.added.insert(path);
  else if (!rPresent) out.removed.insert(path);
}
