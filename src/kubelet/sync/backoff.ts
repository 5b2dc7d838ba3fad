/**
 * Per-key exponential back-off, as the kubelet's flowcontrol.Backoff: the first failure waits the
 * initial delay, each further one doubles it up to the cap; a key left alone for twice the cap
 * starts over. Used for container restarts (10 s → 5 min) and image pulls.
 */
export class Backoff {
  readonly #entries = new Map<string, { delayMs: number; at: number }>();

  constructor(
    readonly initialMs = 10_000,
    readonly maxMs = 300_000,
    readonly now: () => number = Date.now,
  ) {}

  /** Records a failure at `at` (default now), growing the delay. */
  next(key: string, at = this.now()): number {
    const e = this.#entries.get(key);
    const stale = e && at - e.at > 2 * this.maxMs;
    const delayMs = !e || stale ? this.initialMs : Math.min(e.delayMs * 2, this.maxMs);
    this.#entries.set(key, { delayMs, at });
    return delayMs;
  }

  /** True while `key` is still inside the delay that began at `since` (the failure time). */
  inBackoff(key: string, since: number): boolean {
    const e = this.#entries.get(key);
    return e !== undefined && this.now() - since < e.delayMs;
  }

  /** The delay now in force for `key` (0 when none). */
  delay(key: string): number {
    return this.#entries.get(key)?.delayMs ?? 0;
  }

  reset(key: string): void {
    this.#entries.delete(key);
  }

  /** Drops keys with this prefix (a pod that is gone). */
  forget(prefix: string): void {
    for (const k of this.#entries.keys()) if (k.startsWith(prefix)) this.#entries.delete(k);
  }
}
