/**
 * The registry: every served resource (built-in and, later, custom), looked up by URL path or by
 * kind, with its storage prefix. Several versions of one resource share one storage prefix and one
 * watch cache; a converter maps between the stored version and each served version.
 */
import { BUILTIN_RESOURCES, groupVersion, isVirtual, type ResourceDef } from './resources.js';
import type { KubeObject } from './object.js';

export interface Converter {
  /** From the stored version to `toVersion` (returns a new object). */
  fromStorage(obj: KubeObject, toVersion: string): KubeObject;
  /** From a served version to the stored version. */
  toStorage(obj: KubeObject, fromVersion: string): KubeObject;
}

export interface Resource extends ResourceDef {
  /** `/registry/<resource>/` (namespaced keys add `<ns>/`). */
  prefix: string;
  /** The storage group and version: what objects are kept as. */
  storedGroup: string;
  storedVersion: string;
  /** Set when the resource comes from a CustomResourceDefinition. */
  crd?: { name: string; schema?: unknown; columns?: import('./tables.js').PrinterColumn[] };
}

export interface GroupInfo {
  name: string;
  /** Served versions, preferred first. */
  versions: string[];
}

export class Registry {
  private readonly byPath = new Map<string, Resource>();
  private readonly byKind = new Map<string, Resource>();
  private readonly converters = new Map<string, Converter>();
  private readonly groupOrder: string[] = [];
  private readonly groupVersions = new Map<string, string[]>();
  /** Bumped on every change, so discovery and OpenAPI can cache. */
  generation = 0;

  constructor(defs: ResourceDef[] = BUILTIN_RESOURCES) {
    for (const d of defs) this.add(d);
  }

  static prefixFor(d: ResourceDef, crd = false): string {
    if (crd) return `/registry/${d.group}/${d.plural}/`;
    return `/registry/${d.storageResource ?? d.plural}/`;
  }

  add(d: ResourceDef, crd?: Resource['crd']): Resource {
    const res: Resource = { ...d, prefix: Registry.prefixFor(d, crd !== undefined), storedGroup: d.storageGroup ?? d.group, storedVersion: d.storageVersion ?? d.version, crd };
    this.byPath.set(`${d.group}/${d.version}/${d.plural}`, res);
    this.byKind.set(`${d.group}/${d.version}/${d.kind}`, res);
    if (!this.groupVersions.has(d.group)) {
      this.groupOrder.push(d.group);
      this.groupVersions.set(d.group, []);
    }
    const vs = this.groupVersions.get(d.group) ?? [];
    if (!vs.includes(d.version)) vs.push(d.version);
    this.generation++;
    return res;
  }

  /** Removes every version of a custom resource (CRD deleted). */
  removeCustom(group: string, plural: string): void {
    for (const [k, r] of [...this.byPath]) {
      if (r.crd && r.group === group && r.plural === plural) {
        this.byPath.delete(k);
        this.byKind.delete(`${r.group}/${r.version}/${r.kind}`);
      }
    }
    // Drop versions that no longer serve anything, and empty groups.
    const remaining = [...this.byPath.values()].filter((r) => r.group === group).map((r) => r.version);
    this.groupVersions.set(group, (this.groupVersions.get(group) ?? []).filter((v) => remaining.includes(v)));
    if (remaining.length === 0) {
      this.groupVersions.delete(group);
      const i = this.groupOrder.indexOf(group);
      if (i >= 0) this.groupOrder.splice(i, 1);
    }
    this.generation++;
  }

  lookup(group: string, version: string, plural: string): Resource | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  forKind(group: string, version: string, kind: string): Resource | undefined {
    return this.byKind.get(`${group}/${version}/${kind}`);
  }

  /** All resources, in registration order. */
  all(): Resource[] {
    return [...this.byPath.values()];
  }

  /** Resources that keep objects (one per storage prefix: the stored version). */
  stored(): Resource[] {
    return this.all().filter((r) => !isVirtual(r) && !r.external && r.version === r.storedVersion && r.group === r.storedGroup);
  }

  groups(): GroupInfo[] {
    return this.groupOrder.map((name) => ({ name, versions: this.groupVersions.get(name) ?? [] }));
  }

  resourcesIn(group: string, version: string): Resource[] {
    return this.all().filter((r) => r.group === group && r.version === version);
  }

  setConverter(group: string, plural: string, c: Converter): void {
    this.converters.set(`${group}/${plural}`, c);
  }

  /** Converts a stored object to the version `res` serves (identity when they match). */
  toServed(res: Resource, obj: KubeObject): KubeObject {
    if (res.version === res.storedVersion && res.group === res.storedGroup) return obj;
    const c = this.converters.get(`${res.group}/${res.plural}`);
    return c ? c.fromStorage(obj, res.version) : { ...obj, apiVersion: groupVersion(res) };
  }

  /** Converts an object of the version `res` serves to the stored version. */
  toStored(res: Resource, obj: KubeObject): KubeObject {
    if (res.version === res.storedVersion && res.group === res.storedGroup) return obj;
    const c = this.converters.get(`${res.group}/${res.plural}`);
    return c ? c.toStorage(obj, res.version) : { ...obj, apiVersion: groupVersion({ group: res.storedGroup, version: res.storedVersion }) };
  }
}
