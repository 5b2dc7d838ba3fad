/**
 * The informer cache: objects keyed `namespace/name` (or `name` when cluster-scoped), with
 * secondary indexes. Objects are deep-frozen on the way in, so a controller that tries to mutate a
 * cached object fails loudly instead of corrupting what every other reader sees.
 */
import type { KubeObject } from './types.js';

/** Maps an object to the index values it is filed under. */
export type IndexFunc<T> = (obj: T) => readonly string[];

/** The namespace index every store has. */
export const NAMESPACE_INDEX = 'namespace';

/** The cache key of an object: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: KubeObject): string {
  const name = obj.metadata?.name;
  if (!name) throw new Error('object has no metadata.name');
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${name}` : name;
}

/** Splits a key into namespace ('' when cluster-scoped) and name. */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A keyed, indexed, read-mostly cache of objects. */
export class Store<T extends KubeObject> {
  readonly #items = new Map<string, T>();
  readonly #indexers = new Map<string, IndexFunc<T>>();
  /** index name → index value → keys */
  readonly #indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.addIndexers({ [NAMESPACE_INDEX]: (o) => [o.metadata?.namespace ?? ''], ...indexers });
  }

  /** Adds index functions (existing objects are indexed at once); a duplicate name throws. */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.#indexers.has(name)) throw new Error(`indexer "${name}" already exists`);
      this.#indexers.set(name, fn);
      this.#indices.set(name, new Map());
      for (const [key, obj] of this.#items) this.#fileUnder(name, fn, key, obj);
    }
  }

  #fileUnder(name: string, fn: IndexFunc<T>, key: string, obj: T): void {
    const index = this.#indices.get(name);
    if (!index) return;
    for (const value of fn(obj)) {
      let keys = index.get(value);
      if (!keys) index.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  #unfile(key: string, obj: T): void {
    for (const [name, fn] of this.#indexers) {
      const index = this.#indices.get(name);
      for (const value of fn(obj)) {
        const keys = index?.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index?.delete(value);
      }
    }
  }

  /** Inserts or replaces an object; returns the previous one. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const old = this.#items.get(key);
    if (old) this.#unfile(key, old);
    deepFreeze(obj);
    this.#items.set(key, obj);
    for (const [name, fn] of this.#indexers) this.#fileUnder(name, fn, key, obj);
    return old;
  }

  /** Removes by key; returns what was there. */
  remove(key: string): T | undefined {
    const old = this.#items.get(key);
    if (!old) return undefined;
    this.#unfile(key, old);
    this.#items.delete(key);
    return old;
  }

  /** The object under `key` (`ns/name` or `name`). */
  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  /** The object with this namespace and name. */
  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.#items.get(namespace ? `${namespace}/${name}` : name);
  }

  /** Whether `key` is cached. */
  has(key: string): boolean {
    return this.#items.has(key);
  }

  /** How many objects are cached. */
  get size(): number {
    return this.#items.size;
  }

  /** All objects (a snapshot array). */
  list(): T[] {
    return [...this.#items.values()];
  }

  /** All keys. */
  keys(): string[] {
    return [...this.#items.keys()];
  }

  /** Objects filed under `value` in index `name`; an unknown index throws. */
  byIndex(name: string, value: string): T[] {
    const index = this.#indices.get(name);
    if (!index) throw new Error(`index "${name}" does not exist`);
    return [...(index.get(value) ?? [])].flatMap((k) => {
      const o = this.#items.get(k);
      return o ? [o] : [];
    });
  }

  /** Objects in one namespace. */
  listByNamespace(namespace: string): T[] {
    return this.byIndex(NAMESPACE_INDEX, namespace);
  }

  /** The index values present in index `name`. */
  indexValues(name: string): string[] {
    return [...(this.#indices.get(name)?.keys() ?? [])];
  }
}
