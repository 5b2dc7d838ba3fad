/**
 * `sort.Slice(items, less)` as Go orders it, for the describers (events seen in the same second
 * must come out in kubectl's order): Go's unstable pdqsort from printers/gosort.ts over an array.
 */
import { goSort as goSortData } from '../printers/gosort.js';

/** Sorts `items` in place exactly as Go's `sort.Slice(items, less)` would order them. */
export function goSort<T>(items: T[], less: (a: T, b: T) => boolean): T[] {
  goSortData(items.length, {
    less: (i, j) => less(items[i] as T, items[j] as T),
    swap: (i, j) => {
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    },
  });
  return items;
}
