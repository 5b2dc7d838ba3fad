// Element order of merged lists in strategic merge patch. Without `$setElementOrder` the server
// keeps the order of the items it already has and places patch items by their order in the patch;
// with it, the listed items take the listed order. Items the server has that the patch does not
// name are slotted in before the first patch item they preceded in the live list. A new item
// therefore lands before the existing ones, as kube-apiserver does.
import { jsonEqual } from './json.js';

/** The identity of a list item: its merge-key value for lists of maps, the item for primitives. */
export type KeyOf = (item: unknown) => unknown;

/** First-position lookup of identities; primitives by a Map, anything else by deep equality. */
export class KeyIndex {
  private readonly primitives = new Map<unknown, number>();
  private readonly others: { key: unknown; at: number }[] = [];

  constructor(keys: readonly unknown[]) {
    keys.forEach((key, at) => {
      if (key === undefined) return;
      if (typeof key === 'object' && key !== null) this.others.push({ key, at });
      else if (!this.primitives.has(key)) this.primitives.set(key, at);
    });
  }

  /** Position of the first equal identity, or -1 (always -1 for `undefined`, an item without a key). */
  indexOf(key: unknown): number {
    if (key === undefined) return -1;
    if (typeof key !== 'object' || key === null) return this.primitives.get(key) ?? -1;
    return this.others.find((o) => jsonEqual(o.key, key))?.at ?? -1;
  }
}

/**
 * Puts `merged` in order: items whose identity appears in `order` are sorted by it; the others
 * keep their relative order and are interleaved by their position in `server` (the live list).
 */
export function orderList(merged: readonly unknown[], order: readonly unknown[], server: readonly unknown[], keyOf: KeyOf): unknown[] {
  const orderIndex = new KeyIndex(order.map(keyOf));
  const named: { item: unknown; at: number }[] = [];
  const serverOnly: unknown[] = [];
  for (const item of merged) {
    const at = orderIndex.indexOf(keyOf(item));
    if (at >= 0) named.push({ item, at });
    else serverOnly.push(item);
  }
  named.sort((a, b) => a.at - b.at); // stable: duplicates keep their relative order
  return interleave(serverOnly, named.map((n) => n.item), new KeyIndex(server.map(keyOf)), keyOf);
}

/**
 * Merges two ordered lists without reordering either: a server-only item goes first only when
 * both it and the next patch item are in the live list and it came first there.
 */
function interleave(serverOnly: readonly unknown[], fromPatch: readonly unknown[], server: KeyIndex, keyOf: KeyOf): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length && j < fromPatch.length) {
    const si = server.indexOf(keyOf(serverOnly[i]));
    const pj = server.indexOf(keyOf(fromPatch[j]));
    if (si >= 0 && pj >= 0 && si < pj) out.push(serverOnly[i++]);
    else out.push(fromPatch[j++]);
  }
  while (i < serverOnly.length) out.push(serverOnly[i++]);
  while (j < fromPatch.length) out.push(fromPatch[j++]);
  return out;
}

/** True when the identities in `items` appear in `order` in the same relative order (a subsequence). */
export function isSubsequence(items: readonly unknown[], order: readonly unknown[]): boolean {
  let at = 0;
  for (const item of items) {
    while (at < order.length && !jsonEqual(order[at], item)) at++;
    if (at >= order.length) return false;
    at++;
  }
  return true;
}
