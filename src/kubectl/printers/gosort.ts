/**
 * Go's sort.Sort (pattern-defeating quicksort, Go 1.19+), step for step. kubectl sorts with it and
 * it is not stable: how equal keys end up ordered, and where kubectl's inconsistent "missing value
 * is less than anything" comparison puts objects, depends on these exact comparisons and swaps.
 */

/** What sort.Sort needs; `less` may throw to abort. */
export interface SortData {
  less(i: number, j: number): boolean;
  swap(i: number, j: number): void;
}

function insertionSort(d: SortData, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) for (let j = i; j > a && d.less(j, j - 1); j--) d.swap(j, j - 1);
}

function siftDown(d: SortData, lo: number, hi: number, first: number): void {
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

function heapSort(d: SortData, a: number, b: number): void {
  const hi = b - a;
  for (let i = Math.floor((hi - 1) / 2); i >= 0; i--) siftDown(d, i, hi, a);
  for (let i = hi - 1; i >= 0; i--) {
    d.swap(a, a + i);
    siftDown(d, 0, i, a);
  }
}

const bitsLen = (n: number): number => (n === 0 ? 0 : Math.floor(Math.log2(n)) + 1);

function breakPatterns(d: SortData, a: number, b: number): void {
  const length = b - a;
  if (length < 8) return;
  let r = BigInt(length);
  const mask = (1n << 64n) - 1n;
  const next = (): bigint => {
    r ^= (r << 13n) & mask;
    r ^= r >> 17n;
    r ^= (r << 5n) & mask;
    return r;
  };
  const modulus = 2 ** bitsLen(length);
  const mid = a + Math.floor(length / 4) * 2;
  for (let idx = mid - 1; idx <= mid + 1; idx++) {
    let other = Number(next() & BigInt(modulus - 1));
    if (other >= length) other -= length;
    d.swap(idx, a + other);
  }
}

type Hint = 'unknown' | 'increasing' | 'decreasing';

function choosePivot(d: SortData, a: number, b: number): [number, Hint] {
  const l = b - a;
  const swaps = { n: 0 };
  const order2 = (x: number, y: number): [number, number] => {
    if (d.less(y, x)) {
      swaps.n++;
      return [y, x];
    }
    return [x, y];
  };
  const median = (x: number, y: number, z: number): number => {
    [x, y] = order2(x, y);
    [y, z] = order2(y, z);
    [x, y] = order2(x, y);
    void z;
    return y;
  };
  let i = a + Math.floor(l / 4);
  let j = a + Math.floor(l / 4) * 2;
  let k = a + Math.floor(l / 4) * 3;
  if (l >= 8) {
    if (l >= 50) {
      i = median(i - 1, i, i + 1);
      j = median(j - 1, j, j + 1);
      k = median(k - 1, k, k + 1);
    }
    j = median(i, j, k);
  }
  if (swaps.n === 0) return [j, 'increasing'];
  if (swaps.n === 12) return [j, 'decreasing'];
  return [j, 'unknown'];
}

function reverseRange(d: SortData, a: number, b: number): void {
  for (let i = a, j = b - 1; i < j; i++, j--) d.swap(i, j);
}

function partialInsertionSort(d: SortData, a: number, b: number): boolean {
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

function partitionEqual(d: SortData, a: number, b: number, pivot: number): number {
  d.swap(a, pivot);
  let i = a + 1;
  let j = b - 1;
  for (;;) {
    while (i <= j && !d.less(a, i)) i++;
    while (i <= j && d.less(a, j)) j--;
    if (i > j) return i;
    d.swap(i, j);
    i++;
    j--;
  }
}

function partition(d: SortData, a: number, b: number, pivot: number): [number, boolean] {
  d.swap(a, pivot);
  let i = a + 1;
  let j = b - 1;
  while (i <= j && d.less(i, a)) i++;
  while (i <= j && !d.less(j, a)) j--;
  if (i > j) {
    d.swap(j, a);
    return [j, true];
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
  return [j, false];
}

function pdqsort(d: SortData, a: number, b: number, limit: number): void {
  let wasBalanced = true;
  let wasPartitioned = true;
  for (;;) {
    const length = b - a;
    if (length <= 12) {
      insertionSort(d, a, b);
      return;
    }
    if (limit === 0) {
      heapSort(d, a, b);
      return;
    }
    if (!wasBalanced) {
      breakPatterns(d, a, b);
      limit--;
    }
    let [pivot, hint] = choosePivot(d, a, b);
    if (hint === 'decreasing') {
      reverseRange(d, a, b);
      pivot = b - 1 - (pivot - a);
      hint = 'increasing';
    }
    if (wasBalanced && wasPartitioned && hint === 'increasing' && partialInsertionSort(d, a, b)) return;
    if (a > 0 && !d.less(a - 1, pivot)) {
      a = partitionEqual(d, a, b, pivot);
      continue;
    }
    const [mid, already] = partition(d, a, b, pivot);
    wasPartitioned = already;
    const left = mid - a;
    const right = b - mid;
    const threshold = Math.floor(length / 8);
    if (left < right) {
      wasBalanced = left >= threshold;
      pdqsort(d, a, mid, limit);
      a = mid + 1;
    } else {
      wasBalanced = right >= threshold;
      pdqsort(d, mid + 1, b, limit);
      b = mid;
    }
  }
}

/** sort.Sort over `n` elements. */
export function goSort(n: number, d: SortData): void {
  if (n <= 1) return;
  pdqsort(d, 0, n, bitsLen(n));
}
