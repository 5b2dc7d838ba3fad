/**
 * The generic REST store for one resource (kube-apiserver's registry/generic Store): create, get,
 * update (optimistic, with resourceVersion preconditions), guaranteed update for patches, delete
 * with finalizers and graceful pod deletion. Reads come from the watch cache; writes go to
 * storage and wait until the cache has seen them, so a client reads its own writes.
 */
import { alreadyExists, badRequest, conflict, invalid, notFound, type FieldError } from '../../api/errors.js';
import { isStorageError } from '../../storage/errors.js';
import type { Store } from '../../storage/store.js';
import { decodeStored, type CacheSet } from '../cache/cache-set.js';
import type { WatchCache } from '../cache/watch-cache.js';
import { clone, type KubeObject, type StoredObject } from '../object.js';
import type { Registry, Resource } from '../registry.js';
import { groupVersion } from '../resources.js';
import { typeMismatch } from './field-validation.js';
import { generateSuffix, newUid, rfc3339 } from './meta.js';
import type { Strategy } from './strategy.js';

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /**
   * managedFields bookkeeping, run on the object about to be written once the strategy has prepared
   * (defaulted) it and before admission, where kube-apiserver's field manager runs; `live` is
   * undefined on create. May throw an ApiError.
   */
  manageFields?: (next: StoredObject, live: StoredObject | undefined) => void;
  /** Checks what the writer may store (RBAC's escalation prevention), after admission; may throw an ApiError. */
  authorizeWrite?: (next: StoredObject) => void;
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Admission hooks run on the way in (allocation, defaulting that needs other objects). */
export interface Admission {
  /** Mutate/validate a new object; may throw an ApiError. Returns a cleanup to run if the write fails. */
  create?(res: Resource, obj: StoredObject, dryRun: boolean): Promise<(() => void) | void> | (() => void) | void;
  /**
   * Mutate/validate an update; may throw. `undo` gives back what this call took (the write did not
   * happen: dry run, invalid, conflict); `commit` releases what the old object held once it is stored.
   */
  update?(res: Resource, obj: StoredObject, old: StoredObject, dryRun: boolean): Promise<AdmissionOutcome | void> | AdmissionOutcome | void;
  /** After an object is gone for good (release allocations). */
  deleted?(res: Resource, obj: StoredObject): void;
}

export interface AdmissionOutcome {
  undo?: () => void;
  commit?: () => void;
}

/**
 * Whether an update of an object being deleted removes it (upstream's ShouldDeleteDuringUpdate):
 * its finalizers are all gone and its grace period is over; a namespace also waits for its
 * spec.finalizers (the namespace controller's "kubernetes").
 */
function shouldDeleteDuringUpdate(next: StoredObject, current: StoredObject): boolean {
  if (!next.metadata.deletionTimestamp || (next.metadata.finalizers ?? []).length > 0) return false;
  if (current.metadata.deletionGracePeriodSeconds !== 0) return false;
  const nsFinalizers = (next['spec'] as { finalizers?: string[] } | undefined)?.finalizers;
  return !(next.kind === 'Namespace' && (nsFinalizers ?? []).length > 0);
}

export interface DeleteOutcome {
  /** The object still exists (finalizers or graceful deletion pending). */
  pending: boolean;
  object: StoredObject;
}

const MAX_RETRIES = 10;

export class ResourceStore {
  constructor(
    readonly res: Resource,
    private readonly registry: Registry,
    private readonly store: Store,
    private readonly caches: CacheSet,
    readonly strategy: Strategy,
    private readonly admission: Admission,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  get gr() {
    return { group: this.res.group, resource: this.res.plural };
  }

  key(namespace: string, name: string): string {
    return this.res.namespaced ? `${this.res.prefix}${namespace}/${name}` : `${this.res.prefix}${name}`;
  }

  cache(): WatchCache {
    const c = this.caches.get(this.res.prefix);
    if (!c) throw new Error(`no watch cache for ${this.res.prefix}`);
    return c;
  }

  /** Stored form → what this endpoint serves (version conversion, apiVersion/kind set). */
  served(obj: StoredObject): StoredObject {
    const out = this.registry.toServed(this.res, obj) as StoredObject;
    return { ...out, apiVersion: groupVersion(this.res), kind: this.res.kind };
  }

  private toStored(obj: KubeObject): StoredObject {
    const stored = this.registry.toStored(this.res, obj) as StoredObject;
    return { ...stored, apiVersion: groupVersion({ group: this.res.storedGroup, version: this.res.storedVersion }), kind: this.res.kind };
  }

  private async written(revision: number): Promise<void> {
    await this.caches.waitFor(revision);
  }

  get(namespace: string, name: string): StoredObject {
    const o = this.cache().get(this.key(namespace, name));
    if (!o) throw notFound(this.gr, name);
    return o;
  }

  private invalid(name: string, errs: FieldError[]): never {
    throw invalid({ group: this.res.group, kind: this.res.kind }, name, errs);
  }

  private serialize(obj: StoredObject): Buffer {
    const { resourceVersion: _rv, ...meta } = obj.metadata;
    return Buffer.from(JSON.stringify({ ...obj, metadata: meta }));
  }

  /**
   * A body Go could not decode into the kind is a 400, before anything else looks at it. On an
   * update, a mismatch the stored object already has (written before this check existed) is let
   * through, so such an object can still be changed and deleted.
   */
  private decodable(obj: KubeObject, current?: KubeObject): void {
    const err = typeMismatch(this.res, obj);
    if (!err || (current && typeMismatch(this.res, current) === err)) return;
    throw badRequest(`${this.res.kind} in version "${this.res.version}" cannot be handled as a ${this.res.kind}: ${err}`);
  }

  async create(namespace: string, input: KubeObject, opts: WriteOptions = {}): Promise<StoredObject> {
    this.decodable(input);
    const obj = this.toStored(clone(input));
    const meta = (obj.metadata = { ...(obj.metadata ?? {}) });
    if (this.res.namespaced) {
      if (meta.namespace && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace;
    } else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${generateSuffix()}`;
    if (!meta.name) this.invalid('', [{ type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' }]);
    const name = meta.name;
    meta.uid = newUid();
    meta.creationTimestamp = rfc3339(this.clock());
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    this.strategy.prepareForCreate(obj);
    opts.manageFields?.(obj, undefined);
    // Mutating admission (allocation, defaults that need other objects) runs before validation.
    const release = await this.admission.create?.(this.res, obj, opts.dryRun ?? false);
    try {
      opts.authorizeWrite?.(obj);
    } catch (e) {
      release?.();
      throw e;
    }
    const errs = this.strategy.validate(obj);
    if (errs.length) {
      release?.();
      this.invalid(name, errs);
    }
    if (opts.dryRun) {
      release?.();
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: '' } };
    }
    try {
      const kv = await this.store.create(this.key(namespace, name), this.serialize(obj));
      await this.written(kv.modRevision);
      return decodeStored(kv);
    } catch (e) {
      release?.();
      if (isStorageError(e, 'KeyExists')) throw alreadyExists(this.gr, name);
      throw e;
    }
  }

  /**
   * Replaces an object (PUT). `subresource` 'status' changes only the status. The body's
   * resourceVersion, when set, must match (409 otherwise); empty means "whatever is current".
   */
  async update(namespace: string, name: string, input: KubeObject, opts: WriteOptions & { subresource?: string } = {}): Promise<StoredObject> {
    const bodyName = input.metadata?.name;
    if (bodyName && bodyName !== name) throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
    const wantRv = input.metadata?.resourceVersion;
    return this.guaranteedUpdate(namespace, name, opts, (current) => {
      if (wantRv && wantRv !== current.metadata.resourceVersion) throw conflict(this.gr, name);
      return clone(input); // guaranteedUpdate converts to the stored version
    });
  }

  /**
   * Read-modify-write with retries on storage conflicts: `mutate` gets the current object and
   * returns the desired one (kube's GuaranteedUpdate). Used by update, patch and subresources.
   */
  async guaranteedUpdate(
    namespace: string,
    name: string,
    opts: WriteOptions & { subresource?: string },
    mutate: (current: StoredObject) => KubeObject | Promise<KubeObject>,
  ): Promise<StoredObject> {
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.store.get(key);
      if (!kv) throw notFound(this.gr, name);
      const current = decodeStored(kv);
      const served = this.served(current);
      const desired = await mutate(clone(served));
      this.decodable(desired, served);
      let next = this.toStored(desired);
      next.metadata = { ...(next.metadata ?? {}) };
      let admitted: AdmissionOutcome | void = undefined;
      if (opts.subresource === 'status') {
        next = this.strategy.prepareForStatusUpdate(next, current);
        opts.manageFields?.(next, current);
      } else if (opts.subresource === 'finalize') {
        // namespaces/finalize changes spec.finalizers and nothing else (defaults must not re-add them).
        const finalizers = (next['spec'] as { finalizers?: string[] } | undefined)?.finalizers ?? [];
        next = { ...current, metadata: { ...current.metadata }, spec: { ...((current['spec']) ?? {}), finalizers } };
      } else if (opts.subresource === 'binding') {
        // Binding sets spec.nodeName, which a pod update may not: written as the server, unvalidated.
        next.metadata = { ...current.metadata };
      } else {
        // Fields the server owns cannot be changed by an update.
        for (const f of ['uid', 'creationTimestamp', 'namespace', 'name', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
          const m = next.metadata as Record<string, unknown>;
          if (current.metadata[f] === undefined) delete m[f];
          else m[f] = current.metadata[f];
        }
        // Validation sees the stored version's resourceVersion, as upstream's does.
        next.metadata.resourceVersion = current.metadata.resourceVersion;
        this.strategy.prepareForUpdate(next, current);
        opts.manageFields?.(next, current);
        admitted = await this.admission.update?.(this.res, next, current, opts.dryRun ?? false);
        try {
          opts.authorizeWrite?.(next);
        } catch (e) {
          admitted?.undo?.();
          throw e;
        }
        const errs = this.strategy.validateUpdate(next, current);
        if (errs.length) {
          admitted?.undo?.();
          this.invalid(name, errs);
        }
      }
      next.metadata.resourceVersion = current.metadata.resourceVersion;
      if (opts.dryRun) {
        admitted?.undo?.();
        return next;
      }
      // The last finalizer removed from an object being deleted, its grace over: it goes now.
      if (shouldDeleteDuringUpdate(next, current)) {
        admitted?.undo?.();
        try {
          const d = await this.store.delete(key, kv.modRevision);
          await this.written(d.revision);
          this.admission.deleted?.(this.res, current);
          return decodeStored(d.prev, d.revision);
        } catch (e) {
          if (isStorageError(e, 'Conflict') && attempt < MAX_RETRIES) continue;
          throw e;
        }
      }
      const bytes = this.serialize(next);
      if (bytes.equals(this.serialize(current))) {
        admitted?.undo?.();
        return current; // a no-op update keeps its RV
      }
      try {
        const out = await this.store.update(key, bytes, kv.modRevision);
        admitted?.commit?.();
        await this.written(out.modRevision);
        return decodeStored(out);
      } catch (e) {
        admitted?.undo?.();
        if (isStorageError(e, 'Conflict') && attempt < MAX_RETRIES) continue;
        if (isStorageError(e, 'NotFound')) throw notFound(this.gr, name);
        if (isStorageError(e, 'Conflict')) throw conflict(this.gr, name);
        throw e;
      }
    }
  }

  async delete(namespace: string, name: string, opts: DeleteOptions = {}): Promise<DeleteOutcome> {
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.store.get(key);
      if (!kv) throw notFound(this.gr, name);
      const current = decodeStored(kv);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== current.metadata.uid) {
        throw conflict(this.gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
        throw conflict(this.gr, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`);
      }
      const next = this.pendingDeletion(current, opts);
      if (opts.dryRun) return { pending: next !== undefined, object: next ?? current };
      try {
        if (next) {
          if (JSON.stringify(next) === JSON.stringify(current)) return { pending: true, object: current };
          const out = await this.store.update(key, this.serialize(next), kv.modRevision);
          await this.written(out.modRevision);
          return { pending: true, object: decodeStored(out) };
        }
        const d = await this.store.delete(key, kv.modRevision);
        await this.written(d.revision);
        this.admission.deleted?.(this.res, current);
        return { pending: false, object: decodeStored(d.prev, d.revision) };
      } catch (e) {
        if (isStorageError(e, 'Conflict') && attempt < MAX_RETRIES) continue;
        if (isStorageError(e, 'NotFound')) throw notFound(this.gr, name);
        throw e;
      }
    }
  }

  /**
   * When an object cannot go at once, the object marked for deletion; undefined to delete now.
   * Finalizers (including the GC's orphan/foregroundDeletion), namespaces and graceful pod deletion.
   */
  private pendingDeletion(current: StoredObject, opts: DeleteOptions): StoredObject | undefined {
    const next = clone(current);
    const m = next.metadata;
    const finalizers = new Set(m.finalizers ?? []);
    if (opts.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
    if (opts.propagationPolicy === 'Orphan') finalizers.add('orphan');
    const now = rfc3339(this.clock());
    const gk = `${this.res.group}/${this.res.kind}`;
    if (gk === '/Namespace') {
      // Finalized already (no spec or metadata finalizers left): it goes now.
      const specFinalizers = (next['spec'] as { finalizers?: string[] } | undefined)?.finalizers ?? [];
      if (m.deletionTimestamp && specFinalizers.length === 0 && finalizers.size === 0) return undefined;
      m.deletionTimestamp ??= now;
      m.deletionGracePeriodSeconds ??= 0;
      next['status'] = { ...(next['status'] as object), phase: 'Terminating' };
      if (finalizers.size) m.finalizers = [...finalizers];
      return next;
    }
    if (gk === '/Pod') {
      const spec = (next['spec'] ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
      const phase = ((next['status'] ?? {}) as { phase?: string }).phase;
      const grace = opts.gracePeriodSeconds ?? m.deletionGracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
      // An unscheduled or finished pod has no kubelet to stop it: it goes at once, as in Kubernetes.
      const graceful = grace > 0 && !!spec.nodeName && phase !== 'Succeeded' && phase !== 'Failed';
      if (graceful) {
        const prevGrace = m.deletionGracePeriodSeconds;
        if (prevGrace === undefined || grace < prevGrace) {
          m.deletionGracePeriodSeconds = grace;
          m.deletionTimestamp = rfc3339(new Date(this.clock().getTime() + grace * 1000));
        }
        if (finalizers.size) m.finalizers = [...finalizers];
        return next;
      }
    }
    if (finalizers.size === 0) return undefined;
    m.finalizers = [...finalizers];
    m.deletionTimestamp ??= now;
    m.deletionGracePeriodSeconds ??= 0;
    return next;
  }
}
