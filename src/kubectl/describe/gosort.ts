/**
 * Go's `sort.Sort` / `sort.Slice` ordering (pattern-defeating quicksort, Go 1.19+). It is not
 * stable: elements that compare equal (events seen in the same second) can end up in an order that
 * only this exact algorithm reproduces, and describe output must match kubectl's byte for byte.
 * Slices of at most 12 elements are insertion-sorted, which is stable.
 */

type Less = (i: number, j: number) => boolean;

interface Data {
  less: Less;
  swap: (i: number, j: number) => void;
}

const INCREASING = 1;
const DECREASING = 2;
const UNKNOWN = 0;

/** Number of bits needed to write n (Go's bits.Len). */
const bitLength = (n: number): number => (n === 0 ? 0 : Math.floor(Math.log2(n)) + 1);

function insertionSort(d: Data, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) for (let j = i; j > a && d.less(j, j - 1); j--) d.swap(j, j - 1);
}

function siftDown(d: Data, lo: number, hi: number, first: number): void {
  let root = lo;
  for (;;) {
    let child = 2 * root + 1;
    if (child >= hi) return;
    if (child + 1 < hi && d.less(first + child, first + child + 1)) child++;
    if (!d.less(first + root, first + child)) return;
    d.swap(first + root, first + child);
    root = child;
  }
}

function heapSort(d: Data, a: number, b: number): void {
  const hi = b - a;
  for (let i = Math.floor((hi - 1) / 2); i >= 0; i--) siftDown(d, i, hi, a);
  for (let i = hi - 1; i >= 0; i--) {
    d.swap(a, a + i);
    siftDown(d, 0, i, a);
  }
}

/** The xorshift Go's sort uses to break patterns: shifts 13, 17, 5 on a uint64, seeded with the length. */
function xorshift(seed: number): () => bigint {
  let r = BigInt(seed);
  const mask = (1n << 64n) - 1n;
  return () => {
    r ^= (r << 13n) & mask;
    r ^= r >> 17n;
    r ^= (r << 5n) & mask;
    return r;
  };
}

function breakPatterns(d: Data, a: number, b: number): void {
  const length = b - a;
  if (length < 8) return;
  const next = xorshift(length);
  const modulus = BigInt(2 ** bitLength(length));
  const middle = a + Math.floor(length / 4) * 2;
  for (let idx = middle - 1; idx <= middle + 1; idx++) {
    let other = Number(next() & (modulus - 1n));
    if (other >= length) other -= length;
    d.swap(idx, a + other);
  }
}

function choosePivot(d: Data, a: number, b: number): { pivot: number; hint: number } {
  const l = b - a;
  let swaps = 0;
  const order2 = (x: number, y: number): [number, number] => {
    if (d.less(y, x)) {
      swaps++;
      return [y, x];
    }
    return [x, y];
  };
  const median = (x: number, y: number, z: number): number => {
    [x, y] = order2(x, y);
    [y, z] = order2(y, z);
    [x, y] = order2(x, y);
    return y;
  };
  let i = a + Math.floor(l / 4);
  let j = a + Math.floor(l / 4) * 2;
  let k = a + Math.floor(l / 4) * 3;
  if (l >= 8) {
    if (l >= 50) {
      // Tukey's ninther on long slices.
      i = median(i - 1, i, i + 1);
      j = median(j - 1, j, j + 1);
      k = median(k - 1, k, k + 1);
    }
    j = median(i, j, k);
  }
  if (swaps === 0) return { pivot: j, hint: INCREASING };
  if (swaps === 12) return { pivot: j, hint: DECREASING };
  return { pivot: j, hint: UNKNOWN };
}

function reverseRange(d: Data, a: number, b: number): void {
  for (let i = a, j = b - 1; i < j; i++, j--) d.swap(i, j);
}

/** Sorts an almost sorted slice with a few shifts; false when it gave up. */
function partialInsertionSort(d: Data, a: number, b: number): boolean {
  let i = a + 1;
  for (let step = 0; step < 5; step++) {
    while (i < b && !d.less(i, i - 1)) i++;
    if (i === b) return true;
    if (b - a < 50) return false;
    d.swap(i, i - 1);
    if (i - a >= 2) {
      for (let j = i - 1; j >= 1; j--) {
        if (!d.less(j, j - 1)) break;
        d.swap(j, j - 1);
      }
    }
    if (b - i >= 2) {
      for (let j = i + 1; j < b; j++) {
        if (!d.less(j, j - 1)) break;
        d.swap(j, j - 1);
      }
    }
  }
  return false;
}

function partition(d: Data, a: number, b: number, pivot: number): { mid: number; already: boolean } {
  d.swap(a, pivot);
  let i = a + 1;
  let j = b - 1;
  while (i <= j && d.less(i, a)) i++;
  while (i <= j && !d.less(j, a)) j--;
  if (i > j) {
    d.swap(j, a);
    return { mid: j, already: true };
  }
  d.swap(i, j);
  i++;
  j--;
  for (;;) {
    while (i <= j && d.less(i, a)) i++;
    while (i <= j && !d.less(j, a)) j--;
    if (i > j) break;
    d.swap(i, j);
    i++;
    j--;
  }
  d.swap(j, a);
  return { mid: j, already: false };
}

function partitionEqual(d: Data, a: number, b: number, pivot: number): number {
  d.swap(a, pivot);
  let i = a + 1;
  let j = b - 1;
  for (;;) {
    while (i <= j && !d.less(a, i)) i++;
    while (i <= j && d.less(a, j)) j--;
    if (i > j) break;
    d.swap(i, j);
    i++;
    j--;
  }
  return i;
}

function pdqsort(d: Data, a: number, b: number, limit: number): void {
  let balanced = true;
  let partitioned = true;
  for (;;) {
    const length = b - a;
    if (length <= 12) return insertionSort(d, a, b);
    if (limit === 0) return heapSort(d, a, b);
    if (!balanced) {
      breakPatterns(d, a, b);
      limit--;
    }
    let { pivot, hint } = choosePivot(d, a, b);
    if (hint === DECREASING) {
      reverseRange(d, a, b);
      pivot = b - 1 - (pivot - a);
      hint = INCREASING;
    }
    if (balanced && partitioned && hint === INCREASING && partialInsertionSort(d, a, b)) return;
    // Many equal elements: put those equal to the pivot together and go on with the rest.
    if (a > 0 && !d.less(a - 1, pivot)) {
      a = partitionEqual(d, a, b, pivot);
      continue;
    }
    const { mid, already } = partition(d, a, b, pivot);
    partitioned = already;
    const left = mid - a;
    const right = b - mid;
    const threshold = Math.floor(length / 8);
    if (left < right) {
      balanced = left >= threshold;
      pdqsort(d, a, mid, limit);
      a = mid + 1;
    } else {
      balanced = right >= threshold;
      pdqsort(d, mid + 1, b, limit);
      b = mid;
    }
  }
}

/** Sorts `items` in place exactly as Go's `sort.Slice(items, less)` would order them. */
export function goSort<T>(items: T[], less: (a: T, b: T) => boolean): T[] {
  const d: Data = {
    less: (i, j) => less(items[i] as T, items[j] as T),
    swap: (i, j) => {
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    },
  };
  if (items.length > 1) pdqsort(d, 0, items.length, bitLength(items.length));
  return items;
}
