/** A binary heap with keyed lookup, update and removal (upstream internal/heap). */

/** Items ordered by `less`, addressable by `key`. */
export class Heap<T> {
  readonly #items: T[] = [];
  readonly #index = new Map<string, number>();

  constructor(
    private readonly keyOf: (t: T) => string,
    private readonly less: (a: T, b: T) => boolean,
  ) {}

  get size(): number {
    return this.#items.length;
  }

  has(key: string): boolean {
    return this.#index.has(key);
  }

  get(key: string): T | undefined {
    const i = this.#index.get(key);
    return i === undefined ? undefined : this.#items[i];
  }

  /** Adds `t`, or replaces the item with its key and restores the order. */
  push(t: T): void {
    const k = this.keyOf(t);
    const i = this.#index.get(k);
    if (i !== undefined) {
      this.#items[i] = t;
      this.#fix(i);
      return;
    }
    this.#items.push(t);
    this.#index.set(k, this.#items.length - 1);
    this.#up(this.#items.length - 1);
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  pop(): T | undefined {
    const top = this.#items[0];
    if (top === undefined) return undefined;
    this.#removeAt(0);
    return top;
  }

  remove(key: string): T | undefined {
    const i = this.#index.get(key);
    if (i === undefined) return undefined;
    const t = this.#items[i];
    this.#removeAt(i);
    return t;
  }

  values(): readonly T[] {
    return this.#items;
  }

  #removeAt(i: number): void {
    const last = this.#items.length - 1;
    const removed = this.#items[i] as T;
    this.#index.delete(this.keyOf(removed));
    if (i !== last) {
      const moved = this.#items[last] as T;
      this.#items[i] = moved;
      this.#index.set(this.keyOf(moved), i);
      this.#items.pop();
      this.#fix(i);
    } else {
      this.#items.pop();
    }
  }

  #fix(i: number): void {
    if (!this.#up(i)) this.#down(i);
  }

  #swap(i: number, j: number): void {
    const a = this.#items[i] as T;
    const b = this.#items[j] as T;
    this.#items[i] = b;
    this.#items[j] = a;
    this.#index.set(this.keyOf(b), i);
    this.#index.set(this.keyOf(a), j);
  }

  #up(i: number): boolean {
    let moved = false;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(this.#items[i] as T, this.#items[parent] as T)) break;
      this.#swap(i, parent);
      i = parent;
      moved = true;
    }
    return moved;
  }

  #down(i: number): void {
    const n = this.#items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      const r = l + 1;
      let m = l;
      if (r < n && this.less(this.#items[r] as T, this.#items[l] as T)) m = r;
      if (!this.less(this.#items[m] as T, this.#items[i] as T)) return;
      this.#swap(i, m);
      i = m;
    }
  }
}
