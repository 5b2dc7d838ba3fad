/**
 * The garbage collector's API calls on objects of any resource, addressed by their graph identity:
 * read the live object, delete it with a uid precondition (so a recreated object of the same name
 * is never hit), and the read-modify-write patches that drop owner references, unblock them, or
 * remove a finalizer (JSON merge patches carrying the read resourceVersion, retried on conflict).
 */
import { isConflict, isNotFound } from '../../api/errors.js';
import type { OwnerReference } from '../../api/generated/meta/v1.js';
import { ResourceClient } from '../../client/resource.js';
import type { KubeObject, Transport } from '../../client/types.js';
import type { DiscoveredResource, ResourceMapper } from '../discovery.js';
import type { Identity } from './graph.js';

/** No served resource has this apiVersion and kind (yet: a CRD may not be discovered). */
export class RestMappingError extends Error {
  constructor(apiVersion: string, kind: string) {
    super(`unable to map ${apiVersion}, Kind=${kind} to a resource`);
  }
}

const MAX_ATTEMPTS = 5;

/** API calls for the collector. `mapper` is read at each call (rediscovery replaces it). */
export class GcOperations {
  constructor(
    private readonly transport: Transport,
    private readonly mapper: () => ResourceMapper,
  ) {}

  /** The resource serving `apiVersion`/`kind`; throws {@link RestMappingError} when none does. */
  resourceFor(apiVersion: string, kind: string): DiscoveredResource {
    const r = this.mapper().map(apiVersion, kind);
    if (!r) throw new RestMappingError(apiVersion, kind);
    return r;
  }

  #client(id: Identity): { client: ResourceClient<KubeObject>; namespace: string | undefined } {
    const r = this.resourceFor(id.apiVersion, id.kind);
    return { client: new ResourceClient<KubeObject>(this.transport, r), namespace: r.namespaced ? id.namespace : undefined };
  }

  /** The live object named by `id` (whatever its uid), or undefined when there is none. */
  async get(id: Pick<Identity, 'apiVersion' | 'kind' | 'name' | 'namespace'> & { uid?: string }): Promise<KubeObject | undefined> {
    const { client, namespace } = this.#client({ uid: '', ...id });
    try {
      return await client.get(id.name, { namespace });
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** Deletes the object if it still has `id.uid`; already gone or replaced is fine. */
  async delete(id: Identity, propagationPolicy: 'Orphan' | 'Background' | 'Foreground'): Promise<void> {
    const { client, namespace } = this.#client(id);
    try {
      await client.delete(id.name, { namespace, propagationPolicy, preconditions: { uid: id.uid } });
    } catch (e) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  /**
   * Rewrites the object's ownerReferences with `mutate` (undefined: nothing to change). Gone or
   * replaced objects are left alone.
   */
  async patchOwnerRefs(id: Identity, mutate: (refs: OwnerReference[]) => OwnerReference[] | undefined): Promise<void> {
    await this.#readModifyWrite(id, (obj) => {
      const refs = mutate([...((obj.metadata?.ownerReferences ?? []))]);
      return refs === undefined ? undefined : { ownerReferences: refs.length ? refs : null };
    });
  }

  /** Removes finalizer `f` from the object, if it has it. */
  async removeFinalizer(id: Identity, f: string): Promise<void> {
    await this.#readModifyWrite(id, (obj) => {
      const finalizers = obj.metadata?.finalizers ?? [];
      if (!finalizers.includes(f)) return undefined;
      const rest = finalizers.filter((x) => x !== f);
      return { finalizers: rest.length ? rest : null };
    });
  }

  async #readModifyWrite(id: Identity, change: (obj: KubeObject) => Record<string, unknown> | undefined): Promise<void> {
    const { client, namespace } = this.#client(id);
    for (let attempt = 1; ; attempt++) {
      let obj: KubeObject;
      try {
        obj = await client.get(id.name, { namespace });
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
      if (obj.metadata?.uid !== id.uid) return;
      const meta = change(obj);
      if (!meta) return;
      try {
        await client.patch(id.name, { metadata: { ...meta, resourceVersion: obj.metadata.resourceVersion } }, { type: 'merge', namespace });
        return;
      } catch (e) {
        if (isNotFound(e)) return;
        if (!isConflict(e) || attempt >= MAX_ATTEMPTS) throw e;
      }
    }
  }
}
