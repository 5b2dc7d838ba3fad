/**
 * kubectl's CalculatePatch for the verbs that edit an object in memory and send the difference
 * (set image/env/resources, rollout pause/resume/restart): the two-way strategic merge patch from
 * the object as read to the object as changed, and the PATCH that sends it.
 */
import { schemaForGVK, type SchemaIndex } from '../../api/schema.js';
import type { JsonObject } from '../../api/patch/json.js';
import { resourcePath } from '../../client/paths.js';
import type { KubeObject } from '../../client/types.js';
import { diffMaps } from '../apply/diff.js';
import { PatchMeta } from '../apply/patch-meta.js';
import type { Factory, ResourceMapping } from '../types.js';

/** A deep copy of a JSON object. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/**
 * The strategic merge patch turning `before` into `after` (CreateTwoWayMergePatch, with
 * `$setElementOrder` lists); for kinds the schema does not know, a JSON merge diff.
 */
export function twoWayPatch(mapping: Pick<ResourceMapping, 'group' | 'version' | 'kind'>, before: KubeObject, after: KubeObject): JsonObject {
  const schema = schemaForGVK(mapping.group, mapping.version, mapping.kind);
  // An unknown shape never consults the index: maps merge and lists replace, as a JSON merge patch.
  const meta = schema ? PatchMeta.forSchema(schema.name) : new PatchMeta(undefined, emptyIndex);
  return diffMaps(before as JsonObject, after as JsonObject, meta, { setElementOrder: true });
}

const emptyIndex: SchemaIndex = { specVersion: '', gvks: {}, schemas: {} };

/** True for the empty patch kubectl skips (`{}`). */
export function isEmptyPatch(patch: JsonObject): boolean {
  return Object.keys(patch).length === 0;
}

/** PATCH an object with a strategic merge patch (or another type), as resource.Helper.Patch does. */
export function sendPatch(
  f: Factory,
  target: { mapping: ResourceMapping; namespace: string; name: string },
  patch: unknown,
  o: { type?: 'strategic' | 'merge' | 'json'; fieldManager?: string; dryRun?: boolean; subresource?: string } = {},
): Promise<KubeObject> {
  const contentType = {
    strategic: 'application/strategic-merge-patch+json',
    merge: 'application/merge-patch+json',
    json: 'application/json-patch+json',
  }[o.type ?? 'strategic'];
  return f.client().request<KubeObject>({
    method: 'PATCH',
    path: resourcePath(target.mapping, { namespace: target.namespace || undefined, name: target.name, subresource: o.subresource }),
    query: { dryRun: o.dryRun ? 'All' : undefined, fieldManager: o.fieldManager || undefined },
    body: patch,
    contentType,
  });
}
