/** A table of entries that expire after a period without use: UDP sessions in userspace mode. */

/**
 * Entries idle for longer than `idleMs` are returned by {@link IdleTable.expire}, which the owner
 * calls from its own timer and then closes what it got back. The clock is injected for tests.
 */
export class IdleTable<K, V> {
  private readonly entries = new Map<K, { value: V; last: number }>();

  constructor(
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The entry, marked as used now. */
  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (e) e.last = this.now();
    return e?.value;
  }

  set(key: K, value: V): void {
    this.entries.set(key, { value, last: this.now() });
  }

  /** Marks the entry as used now (a reply went through it). */
  touch(key: K): void {
    const e = this.entries.get(key);
    if (e) e.last = this.now();
  }

  delete(key: K): V | undefined {
    const e = this.entries.get(key);
    this.entries.delete(key);
    return e?.value;
  }

  /** Removes and returns the entries idle longer than the period. */
  expire(): V[] {
    const now = this.now();
    const out: V[] = [];
    for (const [k, e] of this.entries) {
      if (now - e.last > this.idleMs) {
        this.entries.delete(k);
        out.push(e.value);
      }
    }
    return out;
  }

  /** Removes and returns the entries `keep` rejects. */
  evict(keep: (value: V) => boolean): V[] {
    const out: V[] = [];
    for (const [k, e] of this.entries) {
      if (!keep(e.value)) {
        this.entries.delete(k);
        out.push(e.value);
      }
    }
    return out;
  }

  /** Removes and returns everything. */
  clear(): V[] {
    const out = [...this.entries.values()].map((e) => e.value);
    this.entries.clear();
    return out;
  }

  get size(): number {
    return this.entries.size;
  }
}
