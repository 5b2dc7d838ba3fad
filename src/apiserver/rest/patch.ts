/**
 * PATCH bodies: JSON patch, merge patch, strategic merge patch (built-in kinds only, as upstream:
 * custom resources answer 415) and server-side apply with field ownership (src/api/apply). Also
 * the managedFields bookkeeping of every other write, done where kube-apiserver does it: once the
 * object is decoded, defaulted and mutated, before admission and storage.
 */
import { apply, ApplyTypeError, conflictError, FieldSet, ManagedFieldsError, trackUpdate, type Scope } from '../../api/apply.js';
import { badRequest, internalError, statusError } from '../../api/errors.js';
import { applyPatch, isPatchError, PatchType } from '../../api/patch.js';
import { getSchema, schemaForGVK } from '../../api/schema.js';
import { isObject, type KubeObject, type StoredObject } from '../object.js';
import type { Resource } from '../registry.js';
import { groupVersion } from '../resources.js';
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
      // Only the scale subresource gets here: a Scale has no field management of its own.
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

/**
 * The manager of a write without a fieldManager: the User-Agent up to its first "/", printable
 * characters only, at most 128 bytes (upstream's managerOrUserAgent).
 */
export function managerOrUserAgent(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  let out = '';
  for (const ch of (userAgent ?? '').split('/')[0] ?? '') {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) continue;
    if (Buffer.byteLength(out + ch) > 128) break;
    out += ch;
  }
  return out;
}

/** Fields the strategy resets for a request, which nobody owns (upstream's reset fields). */
function ignoredFields(res: Resource, subresource: string | undefined): FieldSet | undefined {
  const hasStatus = res.subresources.some((s) => s.name === 'status');
  if (subresource === 'status') {
    const name = schemaNameFor(res);
    const top = name ? Object.keys(getSchema(name)?.properties ?? {}) : ['spec', 'metadata'];
    return FieldSet.of(...top.filter((f) => f !== 'status' && f !== 'apiVersion' && f !== 'kind').map((f) => [`f:${f}`]));
  }
  return hasStatus && !subresource ? FieldSet.of(['f:status']) : undefined;
}

function scopeFor(res: Resource, subresource: string | undefined, now: string): Scope {
  return { schemaName: schemaNameFor(res), apiVersion: groupVersion(res), subresource, ignored: ignoredFields(res, subresource), now };
}

const gvkString = (res: Resource): string => `${groupVersion(res)}, Kind=${res.kind}`;

function fieldManagementError(res: Resource, e: unknown): unknown {
  if (e instanceof ApplyTypeError) return internalError(`failed to create typed patch object (${gvkString(res)}): ${e.message}`);
  if (e instanceof ManagedFieldsError) return badRequest(`failed to decode managed fields: ${e.message}`);
  return e;
}

/** Options of a server-side apply. */
export interface ApplyOptions {
  manager: string;
  force: boolean;
  subresource?: string;
  now: string;
}

/**
 * Server-side apply of `config` to `live` (`undefined` creates): the merged object with its
 * managedFields, or a 409 conflict Status error; malformed configurations are 400s.
 */
export function applyConfiguration(res: Resource, live: KubeObject | undefined, config: unknown, o: ApplyOptions): KubeObject {
  if (!isObject(config)) throw badRequest('the apply body must be an object');
  const meta = isObject(config['metadata']) ? config['metadata'] : {};
  if (meta['managedFields'] !== undefined && meta['managedFields'] !== null) throw badRequest('metadata.managedFields must be nil');
  if (config['apiVersion'] !== groupVersion(res) || config['kind'] !== res.kind) {
    const str = (v: unknown): string => (typeof v === 'string' ? v : '');
    throw badRequest(`invalid object type: ${str(config['apiVersion'])}, Kind=${str(config['kind'])}`);
  }
  try {
    const out = apply(live ?? {}, config, o.manager, o.force, scopeFor(res, o.subresource, o.now));
    if (!out.ok) throw conflictError(out.conflicts);
    return out.object;
  } catch (e) {
    throw fieldManagementError(res, e);
  }
}

/**
 * Records a non-apply write by `manager` in `next`'s managedFields (`live` undefined on create):
 * the manager takes the fields it changed, others lose them.
 */
export function trackWrite(res: Resource, live: StoredObject | undefined, next: StoredObject, o: { manager: string; subresource?: string; now: string }): void {
  try {
    const out = trackUpdate(live, next, o.manager, scopeFor(res, o.subresource, o.now)) as StoredObject;
    next.metadata = out.metadata;
  } catch (e) {
    throw fieldManagementError(res, e);
  }
}
