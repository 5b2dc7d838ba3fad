/**
 * Sets of field paths (structured-merge-diff's fieldpath.Set) as a trie: each node has the element
 * keys that are members at that level and the children below it. Also the FieldsV1 JSON form that
 * managedFields stores, written in Kubernetes' order (`.` first, then elements by their order).
 */
import { compareElements, parseElement, type Path } from './path.js';

/** FieldsV1 JSON: element keys to nested objects; `.` marks a node that is itself a member. */
export type FieldsV1 = { [key: string]: FieldsV1 };

export class FieldSet {
  /** Element keys that are members at this level. */
  readonly members = new Set<string>();
  /** Element keys with members somewhere below them. */
  readonly children = new Map<string, FieldSet>();

  /** Builds a set from paths. */
  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path (the empty path is ignored: the root is never a member). */
  insert(path: Path): void {
    const [head, ...rest] = path;
    if (head === undefined) return;
    if (rest.length === 0) {
      this.members.add(head);
      return;
    }
    let child = this.children.get(head);
    if (!child) this.children.set(head, (child = new FieldSet()));
    child.insert(rest);
  }

  has(path: Path): boolean {
    const [head, ...rest] = path;
    if (head === undefined) return false;
    return rest.length === 0 ? this.members.has(head) : (this.children.get(head)?.has(rest) ?? false);
  }

  child(key: string): FieldSet | undefined {
    return this.children.get(key);
  }

  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  /** Every member path, depth first. */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = [];
    for (const k of sortedKeys([...this.members, ...this.children.keys()])) {
      if (this.members.has(k)) out.push([...prefix, k]);
      const c = this.children.get(k);
      if (c) out.push(...c.paths([...prefix, k]));
    }
    return out;
  }

  private static combine(a: FieldSet, b: FieldSet, keep: (inA: boolean, inB: boolean) => boolean, child: (x: FieldSet, y: FieldSet) => FieldSet): FieldSet {
    const out = new FieldSet();
    for (const k of new Set([...a.members, ...b.members])) if (keep(a.members.has(k), b.members.has(k))) out.members.add(k);
    for (const k of new Set([...a.children.keys(), ...b.children.keys()])) {
      const c = child(a.children.get(k) ?? EMPTY, b.children.get(k) ?? EMPTY);
      if (!c.isEmpty()) out.children.set(k, c);
    }
    return out;
  }

  union(o: FieldSet): FieldSet {
    return FieldSet.combine(this, o, (x, y) => x || y, (x, y) => x.union(y));
  }

  intersection(o: FieldSet): FieldSet {
    return FieldSet.combine(this, o, (x, y) => x && y, (x, y) => x.intersection(y));
  }

  /** Members of this set that are not members of `o` (path by path, not subtrees). */
  difference(o: FieldSet): FieldSet {
    return FieldSet.combine(this, o, (x, y) => x && !y, (x, y) => x.difference(y));
  }

  /** Like difference, and also drops everything below a member of `o`. */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const k of this.members) if (!o.members.has(k)) out.members.add(k);
    for (const [k, c] of this.children) {
      if (o.members.has(k)) continue;
      const oc = o.children.get(k);
      const d = oc ? c.recursiveDifference(oc) : c.union(EMPTY);
      if (!d.isEmpty()) out.children.set(k, d);
    }
    return out;
  }

  /** The FieldsV1 JSON of the set, keys in Kubernetes' order. */
  toFieldsV1(): FieldsV1 {
    return this.emit(false);
  }

  private emit(self: boolean): FieldsV1 {
    const out: FieldsV1 = {};
    if (self) out['.'] = {};
    for (const k of sortedKeys([...this.members, ...this.children.keys()])) {
      const c = this.children.get(k);
      out[k] = c && !c.isEmpty() ? c.emit(this.members.has(k)) : {};
    }
    return out;
  }

  /** Parses FieldsV1 JSON; throws on anything that is not a FieldsV1 object. */
  static fromFieldsV1(v: unknown): FieldSet {
    const out = new FieldSet();
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('FieldsV1 must be a JSON object');
    for (const [k, sub] of Object.entries(v as Record<string, unknown>)) {
      if (k === '.') continue;
      parseElement(k);
      if (typeof sub !== 'object' || sub === null || Array.isArray(sub)) throw new Error(`FieldsV1 entry ${k} must be an object`);
      const entries = Object.keys(sub);
      if (entries.length === 0 || entries.includes('.')) out.members.add(k);
      const child = FieldSet.fromFieldsV1(sub);
      if (!child.isEmpty()) out.children.set(k, child);
    }
    return out;
  }
}

const EMPTY = new FieldSet();

function sortedKeys(keys: string[]): string[] {
  const parsed = [...new Set(keys)].map((k) => ({ k, e: parseElement(k) }));
  parsed.sort((a, b) => compareElements(a.e, b.e));
  return parsed.map((p) => p.k);
}
