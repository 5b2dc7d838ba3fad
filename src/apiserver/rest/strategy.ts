/**
 * Resource behaviour in one place per resource (kube-apiserver's strategy.go): what create and
 * update do to an object beyond storing it — defaults, status reset, generation, what a status
 * update may change — and its validation. The generic REST store calls these; per-kind defaulting
 * and validation functions plug in through {@link KindHooks}.
 */
import { isDeepStrictEqual } from 'node:util';
import type { FieldError } from '../../api/errors.js';
import type { StoredObject } from '../object.js';
import type { Resource } from '../registry.js';

/** Per-kind functions supplied by src/api/defaults and src/api/validation. */
export interface KindHooks {
  default?(obj: StoredObject): void;
  /** Create-only preparation after defaults, once name and uid are set (a Job's generated selector). */
  onCreate?(obj: StoredObject): void;
  validate?(obj: StoredObject): FieldError[];
  validateUpdate?(obj: StoredObject, old: StoredObject): FieldError[];
}

/** Kinds whose status a client may set on create (kube lets nodes register with their status). */
const STATUS_ON_CREATE = new Set(['/Node', '/Event', 'events.k8s.io/Event', 'coordination.k8s.io/Lease']);
/** Kinds with a spec but no metadata.generation in Kubernetes. */
const NO_GENERATION = new Set(['/Pod', '/Node', '/Namespace', '/Service', '/PersistentVolume', '/PersistentVolumeClaim']);

export class Strategy {
  constructor(
    readonly resource: Resource,
    private readonly hooks: KindHooks = {},
  ) {}

  private get gk(): string {
    return `${this.resource.group}/${this.resource.kind}`;
  }

  private get hasStatus(): boolean {
    return this.resource.subresources.some((s) => s.name === 'status');
  }

  private get tracksGeneration(): boolean {
    return this.hasStatus && !NO_GENERATION.has(this.gk);
  }

  prepareForCreate(obj: StoredObject): void {
    if (this.hasStatus && !STATUS_ON_CREATE.has(this.gk)) delete obj['status'];
    if (this.tracksGeneration || this.resource.crd) obj.metadata.generation = 1;
    switch (this.gk) {
      case '/Pod':
        obj['status'] = { phase: 'Pending', qosClass: qosClass(obj) };
        break;
      case '/Namespace':
        obj['status'] = { phase: 'Active' };
        break;
      case '/PersistentVolume':
      case '/PersistentVolumeClaim':
        obj['status'] = { phase: 'Pending' };
        break;
      case '/Service':
        obj['status'] = { loadBalancer: {} };
        break;
    }
    this.hooks.default?.(obj);
    if (this.hooks.onCreate) {
      this.hooks.onCreate(obj);
      this.hooks.default?.(obj);
    }
  }

  /** A main-resource update: the status is kept as it was; a spec change bumps the generation. */
  prepareForUpdate(obj: StoredObject, old: StoredObject): void {
    if (this.hasStatus && 'status' in old) obj['status'] = old['status'];
    else if (this.hasStatus) delete obj['status'];
    obj.metadata.generation = old.metadata.generation;
    if ((this.tracksGeneration || this.resource.crd) && !isDeepStrictEqual(specOf(obj), specOf(old))) {
      obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    this.hooks.default?.(obj);
  }

  /** A status update: only the status changes; spec and metadata stay as they were. */
  prepareForStatusUpdate(obj: StoredObject, old: StoredObject): StoredObject {
    const next: StoredObject = { ...old, metadata: { ...old.metadata } };
    if ('status' in obj) next['status'] = obj['status'];
    else delete next['status'];
    return next;
  }

  validate(obj: StoredObject): FieldError[] {
    return this.hooks.validate?.(obj) ?? [];
  }

  validateUpdate(obj: StoredObject, old: StoredObject): FieldError[] {
    return this.hooks.validateUpdate?.(obj, old) ?? this.validate(obj);
  }
}

/** Everything but metadata and status: what "the spec changed" compares. */
function specOf(o: StoredObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null ? (v as Rec) : {});

/** The pod's QoS class from its containers' requests and limits, as the kubelet and API server compute it. */
export function qosClass(pod: StoredObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const spec = rec(pod['spec']);
  const containers = [...((spec['containers'] as unknown[]) ?? []), ...((spec['initContainers'] as unknown[]) ?? [])].map(rec);
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const res = rec(c['resources']);
    const req = rec(res['requests']);
    const lim = rec(res['limits']);
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || JSON.stringify(q) !== JSON.stringify(l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
