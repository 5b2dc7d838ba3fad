/**
 * ownerReferences: who controls an object, building a controller reference, and the adopt /
 * release patches of client-go's ControllerRefManager (claiming orphans that match a selector,
 * letting go of owned objects that no longer match).
 */
import type { OwnerReference } from '../../api/generated/meta/v1.js';
import type { LabelSelector } from '../../api/selectors.js';
import { apiVersionOf, type ResourceDescriptor } from '../../client/paths.js';
import type { ResourceClient } from '../../client/resource.js';
import type { KubeObject } from '../../client/types.js';

/** The object's controller reference (the ownerReference with controller: true), if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata?.ownerReferences)?.find((r) => r.controller === true);
}

/** True when `obj` is controlled by the object with `uid`. */
export const isControlledBy = (obj: KubeObject, uid: string | undefined): boolean => uid !== undefined && controllerOf(obj)?.uid === uid;

/** `obj` with kind and apiVersion filled in from `d` (cached list items may lack them; Events and owner refs need them). */
export function withKind<T extends KubeObject>(obj: T, d: ResourceDescriptor): T {
  if (obj.kind && obj.apiVersion) return obj;
  return { ...obj, kind: obj.kind ?? d.kind, apiVersion: obj.apiVersion ?? apiVersionOf(d) };
}

/** A controller reference to `owner` (a `d` object) with blockOwnerDeletion, as controllers set. */
export function newControllerRef(owner: KubeObject, d: ResourceDescriptor): OwnerReference {
  return { apiVersion: apiVersionOf(d), kind: d.kind ?? owner.kind ?? '', name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** Options of {@link claimObjects}. */
export interface ClaimOptions<T extends KubeObject> {
  /** The controller and its resource. */
  owner: KubeObject;
  ownerResource: ResourceDescriptor;
  selector: LabelSelector;
  /** Candidates (the namespace's objects of the claimed kind). */
  candidates: readonly T[];
  /** Where to patch adopted / released objects. */
  client: ResourceClient<T>;
  /**
   * The owner's resource client: before the first adoption the owner is read afresh, and one
   * deleted, being deleted or replaced (another uid) adopts nothing (a stale cache must not adopt).
   */
  ownerClient?: ResourceClient<KubeObject>;
  /** Objects that should not be adopted even when they match (e.g. terminating pods). */
  adoptable?: (obj: T) => boolean;
}

/**
 * The objects `owner` controls after adopting matching orphans and releasing owned objects that no
 * longer match. Adoption and release are patches guarded by the object's uid, so a deleted-and-
 * recreated object is never claimed by mistake; one that vanished meanwhile is skipped.
 */
export async function claimObjects<T extends KubeObject>(o: ClaimOptions<T>): Promise<T[]> {
  const uid = o.owner.metadata?.uid;
  const claimed: T[] = [];
  let adoptAllowed: boolean | undefined;
  for (const obj of o.candidates) {
    const ref = controllerOf(obj);
    const matches = o.selector.matches(obj.metadata?.labels ?? {});
    const name = obj.metadata?.name ?? '';
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) {
        claimed.push(obj);
        continue;
      }
      if (o.owner.metadata?.deletionTimestamp) continue;
      const refs = (obj.metadata?.ownerReferences ?? []).filter((r) => (r).uid !== uid);
      await patchIgnoringGone(o.client, name, { metadata: { uid: obj.metadata?.uid, ownerReferences: refs } }, obj.metadata?.namespace);
      continue;
    }
    if (!matches || o.owner.metadata?.deletionTimestamp || obj.metadata?.deletionTimestamp) continue;
    if (o.adoptable && !o.adoptable(obj)) continue;
    adoptAllowed ??= o.ownerClient ? await isCurrent(o.ownerClient, o.owner) : true;
    if (!adoptAllowed) continue;
    const refs = [...((obj.metadata?.ownerReferences ?? [])), newControllerRef(o.owner, o.ownerResource)];
    const adopted = await patchIgnoringGone(o.client, name, { metadata: { uid: obj.metadata?.uid, ownerReferences: refs } }, obj.metadata?.namespace);
    if (adopted) claimed.push(adopted);
  }
  return claimed;
}

async function isCurrent(client: ResourceClient<KubeObject>, owner: KubeObject): Promise<boolean> {
  const fresh = await client.get(owner.metadata?.name ?? '', { namespace: owner.metadata?.namespace });
  return fresh.metadata?.uid === owner.metadata?.uid && !fresh.metadata?.deletionTimestamp;
}

async function patchIgnoringGone<T extends KubeObject>(client: ResourceClient<T>, name: string, patch: unknown, namespace: string | undefined): Promise<T | undefined> {
  try {
    return await client.patch(name, patch, { type: 'merge', namespace });
  } catch (e) {
    const reason = (e as { status?: { reason?: string } }).status?.reason;
    // Gone, or recreated with another uid (the uid in the patch then fails the update as Invalid/Conflict).
    if (reason === 'NotFound' || reason === 'Conflict' || reason === 'Invalid') return undefined;
    throw e;
  }
}
