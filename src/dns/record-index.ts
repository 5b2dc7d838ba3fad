/**
 * The record index: every Service's records by owner name, and which names exist in the cluster
 * zone. A name exists when it holds records or has a descendant that does (RFC 8020: NXDOMAIN
 * means nothing at or below the name), so `default.svc.cluster.local` answers NOERROR while a
 * Service lives in `default`, and a Service with no records yet still exists under its own name.
 */
import type { DnsRecord } from './records.js';
import { ancestors, inZone } from './names.js';

/** Records keyed by owner Service (`ns/name`), replaced whole on each change. */
export class RecordIndex {
  readonly zone: string;
  readonly #owned = new Map<string, { names: string[]; records: DnsRecord[] }>();
  readonly #at = new Map<string, DnsRecord[]>();
  /** How many owned names (a record's name, a Service's own name) sit at or below each name of the zone. */
  readonly #refs = new Map<string, number>();

  /** `zone` canonical (lower case, no trailing dot). */
  constructor(zone: string) {
    this.zone = zone;
  }

  /**
   * Sets what `owner` contributes: `records`, plus `names` that exist even without records (a
   * Service's own domain). An empty call removes the owner.
   */
  replace(owner: string, records: DnsRecord[], names: string[] = []): void {
    const old = this.#owned.get(owner);
    if (old) {
      this.#unref(old.names, old.records);
      const gone = new Set(old.records);
      for (const name of new Set(old.records.map((r) => r.name))) {
        const left = (this.#at.get(name) ?? []).filter((r) => !gone.has(r));
        if (left.length) this.#at.set(name, left);
        else this.#at.delete(name);
      }
      this.#owned.delete(owner);
    }
    if (records.length === 0 && names.length === 0) return;
    this.#owned.set(owner, { names, records });
    for (const r of records) {
      const list = this.#at.get(r.name);
      if (list) list.push(r);
      else this.#at.set(r.name, [r]);
    }
    this.#ref(names, records, 1);
  }

  /** The records owned at `name` (canonical), any type. */
  get(name: string): readonly DnsRecord[] {
    return this.#at.get(name) ?? [];
  }

  /** True when `name` (canonical, in the zone) holds records or is an ancestor of a name that does. */
  exists(name: string): boolean {
    return (this.#refs.get(name) ?? 0) > 0 || this.#at.has(name);
  }

  #ref(names: string[], records: DnsRecord[], delta: number): void {
    const all = new Set([...names, ...records.map((r) => r.name)]);
    for (const n of all) {
      if (!inZone(n, this.zone)) continue;
      for (const a of [n, ...ancestors(n, this.zone)]) {
        const v = (this.#refs.get(a) ?? 0) + delta;
        if (v > 0) this.#refs.set(a, v);
        else this.#refs.delete(a);
      }
    }
  }

  #unref(names: string[], records: DnsRecord[]): void {
    this.#ref(names, records, -1);
  }
}
