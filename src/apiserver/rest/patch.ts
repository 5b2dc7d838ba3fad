/**
 * PATCH bodies: JSON patch, merge patch, strategic merge patch (built-in kinds only, as upstream:
 * custom resources answer 415) and server-side apply. Apply here merges the applied configuration
 * into the live object with strategic-merge semantics and records the manager in managedFields;
 * field-ownership conflict detection is not implemented yet.
 */
import { badRequest, statusError } from '../../api/errors.js';
import { applyPatch, isPatchError, PatchType } from '../../api/patch.js';
import { schemaForGVK } from '../../api/schema.js';
import { isObject, type KubeObject, type StoredObject } from '../object.js';
import type { Resource } from '../registry.js';
import { parseJson, parseYamlBody } from '../http/body.js';

export const APPLY_PATCH_TYPE = 'application/apply-patch+yaml';

export function schemaNameFor(res: Resource): string | undefined {
  if (res.crd) return undefined;
  return schemaForGVK(res.group, res.version, res.kind)?.name;
}

export function decodePatchBody(mt: string, body: Buffer): unknown {
  return mt === APPLY_PATCH_TYPE ? parseYamlBody(body) : parseJson(body);
}

/** Applies a patch of media type `mt` to `current`; errors become 400/422 Status errors. */
export function patchObject(res: Resource, mt: string, current: KubeObject, patch: unknown): KubeObject {
  try {
    if (mt === PatchType.StrategicMerge && res.crd) {
      throw statusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
    }
    if (mt === APPLY_PATCH_TYPE) {
      if (!isObject(patch)) throw badRequest('the apply body must be an object');
      const schemaName = schemaNameFor(res);
      return applyPatch(schemaName ? PatchType.StrategicMerge : PatchType.Merge, current, patch, { schemaName }) as KubeObject;
    }
    if (mt !== PatchType.JSON && mt !== PatchType.Merge && mt !== PatchType.StrategicMerge) {
      throw statusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
    }
    const out = applyPatch(mt, current, patch, { schemaName: schemaNameFor(res) });
    if (!isObject(out)) throw statusError(422, 'Invalid', 'the patch produced something that is not an object');
    return out;
  } catch (e) {
    if (isPatchError(e)) throw statusError(e.httpStatus, e.httpStatus === 422 ? 'Invalid' : 'BadRequest', e.message);
    throw e;
  }
}

/** managedFields' FieldsV1 for an applied configuration: `f:` per field, lists atomic. */
function fieldsV1(v: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isObject(v)) return out;
  for (const [k, child] of Object.entries(v)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    out[`f:${k}`] = isObject(child) ? fieldsV1(child) : {};
  }
  return out;
}

/** Records (or refreshes) the manager's entry in metadata.managedFields. */
export function recordManager(obj: StoredObject, manager: string, operation: 'Apply' | 'Update', applied: unknown, apiVersion: string, now: string, subresource?: string): void {
  const entries = ((obj.metadata.managedFields ?? []) as Array<Record<string, unknown>>).filter(
    (e) => !(e['manager'] === manager && e['operation'] === operation && (e['subresource'] ?? '') === (subresource ?? '')),
  );
  const { metadata, ...rest } = isObject(applied) ? (applied as KubeObject) : ({} as KubeObject);
  const meta = isObject(metadata) ? Object.fromEntries(Object.entries(metadata).filter(([k]) => k === 'labels' || k === 'annotations' || k === 'finalizers')) : {};
  entries.push({
    manager,
    operation,
    apiVersion,
    time: now,
    fieldsType: 'FieldsV1',
    fieldsV1: fieldsV1({ ...(Object.keys(meta).length ? { metadata: meta } : {}), ...rest }),
    ...(subresource ? { subresource } : {}),
  });
  obj.metadata.managedFields = entries;
}
