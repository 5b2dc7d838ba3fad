/**
 * Expectations (kube-controller-manager's ControllerExpectations): after a controller asks for N
 * creations or deletions it waits until its informer has seen them before it counts pods again,
 * so informer lag never makes it create (or delete) twice. Expectations expire after 5 minutes in
 * case a watch event is lost, and a failed write lowers them at once.
 */
import type { Clock } from '../../client/clock.js';

const TTL_MS = 5 * 60_000;

interface Entry {
  add: number;
  del: number;
  /** Keys of objects whose deletion is awaited (deletes of other objects do not count). */
  deleting: Set<string>;
  at: number;
}

/** Pending creations/deletions per controller key. */
export class Expectations {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  /** True when the controller may act on `key` again: nothing pending, or the wait expired. */
  satisfied(key: string): boolean {
    const e = this.#entries.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.at > TTL_MS;
  }

  /** Sets the creations to wait for (replacing what was pending). */
  expectCreations(key: string, n: number): void {
    this.#entries.set(key, { add: n, del: 0, deleting: new Set(), at: this.clock.now() });
  }

  /** Sets the deletions to wait for, by the deleted objects' `namespace/name` keys. */
  expectDeletions(key: string, objectKeys: readonly string[]): void {
    this.#entries.set(key, { add: 0, del: objectKeys.length, deleting: new Set(objectKeys), at: this.clock.now() });
  }

  /** An informer saw a creation (or a create failed, so it will never be seen). */
  creationObserved(key: string): void {
    const e = this.#entries.get(key);
    if (e && e.add > 0) e.add--;
  }

  /** An informer saw the deletion of `objectKey` (or its delete failed). */
  deletionObserved(key: string, objectKey: string): void {
    const e = this.#entries.get(key);
    if (e?.deleting.delete(objectKey)) e.del--;
  }

  /** Forgets `key` (its controller was deleted). */
  delete(key: string): void {
    this.#entries.delete(key);
  }
}
