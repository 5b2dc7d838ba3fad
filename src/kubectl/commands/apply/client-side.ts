/**
 * Client-side apply of one object, as kubectl 1.32 does it: GET the live object; when missing,
 * POST the manifest carrying its last-applied annotation; otherwise PATCH the three-way patch
 * (strategic for built-in kinds, JSON merge for custom resources), retrying on 409 with a fresh
 * GET, and with `--force` deleting and re-creating an object the patch cannot fix.
 */
import { ApiError } from '../../../api/errors.js';
import { applyMergePatch } from '../../../api/patch/merge-patch.js';
import { applyStrategicMergePatch } from '../../../api/patch/strategic-merge.js';
import { schemaForGVK } from '../../../api/schema.js';
import { resourcePath } from '../../../client/paths.js';
import type { KubeObject } from '../../../client/types.js';
import { LAST_APPLIED, originalConfiguration, pruneNulls, withLastApplied } from '../../apply/annotation.js';
import { goJson } from '../../apply/go-compat.js';
import { ApplyConflictError, computeApplyPatch, type ApplyPatch } from '../../apply/three-way.js';
import { CliError, isStatus } from '../../errors.js';
import type { CommandContext } from '../../types.js';
import { addSourceToError } from '../create.js';
import type { DryRun } from '../create/options.js';
import { asJson, infoString, type ManifestInfo } from './objects.js';

/** Settings shared by every object of one apply. */
export interface ClientSideOptions {
  dryRun: DryRun;
  fieldManager: string;
  validation: string;
  overwrite: boolean;
  force: boolean;
  gracePeriod: number;
  cascade: string;
  /** Milliseconds to wait for a forced delete; 0 waits as long as it takes. */
  timeoutMs: number;
  /** Waits between conflict retries (injected so tests need not sleep). */
  sleep?: (ms: number) => Promise<void>;
}

/** What happened to the object, and the object to print. */
export interface ApplyOutcome {
  object: KubeObject;
  operation: 'created' | 'configured' | 'unchanged';
}

const MAX_PATCH_RETRIES = 5;

function query(o: ClientSideOptions): Record<string, string | undefined> {
  return { ...(o.dryRun === 'server' ? { dryRun: 'All' } : {}), fieldManager: o.fieldManager, fieldValidation: o.validation };
}

/** Applies one manifest object on the client side. */
export async function applyClientSide(ctx: CommandContext, info: ManifestInfo, o: ClientSideOptions): Promise<ApplyOutcome> {
  const client = ctx.factory.client();
  const { mapping, source } = info;
  const target = { namespace: info.namespace || undefined, name: info.name };
  if (info.name === '') {
    const generate = info.object.metadata?.generateName;
    if (generate) throw new CliError(`from ${generate}: cannot use generate name with apply`);
    throw new CliError(`error when retrieving current configuration of:\n${infoString(info)}\nfrom server for: "${source}": resource name may not be empty`);
  }
  const modified = withLastApplied(asJson(info.object));
  let live: KubeObject;
  try {
    live = await client.request<KubeObject>({ method: 'GET', path: resourcePath(mapping, target) });
  } catch (e) {
    if (!isStatus(e, 404)) throw addSourceToError(`retrieving current configuration of:\n${infoString(info)}\nfrom server for:`, source, e);
    return create(ctx, info, o);
  }
  if (originalConfiguration(asJson(live)) === undefined) {
    ctx.streams.stderr.write(
      `Warning: resource ${mapping.resource}/${info.name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n`,
    );
  }
  const gvk = { group: mapping.group, version: mapping.version, kind: mapping.kind };
  let patch: ApplyPatch | undefined;
  try {
    if (o.dryRun === 'client') {
      patch = computePatch(live, modified, gvk, o);
      const object = patch.body === '{}' ? live : applyLocally(live, patch, gvk);
      return { object, operation: patch.body === '{}' ? 'unchanged' : 'configured' };
    }
    for (let attempt = 0; ; attempt++) {
      patch = computePatch(live, modified, gvk, o);
      if (patch.body === '{}') return { object: live, operation: 'unchanged' };
      try {
        const object = await client.request<KubeObject>({
          method: 'PATCH',
          path: resourcePath(mapping, target),
          query: query(o),
          body: patch.body,
          contentType: patch.type === 'strategic' ? 'application/strategic-merge-patch+json' : 'application/merge-patch+json',
        });
        return { object, operation: 'configured' };
      } catch (e) {
        if (!isStatus(e, 409) || attempt >= MAX_PATCH_RETRIES) throw e;
      }
      if (attempt >= 1) await (o.sleep ?? delay)(1000);
      live = await client.request<KubeObject>({ method: 'GET', path: resourcePath(mapping, target) });
    }
  } catch (e) {
    if (e instanceof PatchCreationError) throw e.report(ctx.streams.stderr, info);
    if (o.force && (isStatus(e, 409) || isStatus(e, 422))) {
      return { object: await deleteAndCreate(ctx, info, live, modified, o), operation: 'configured' };
    }
    const inner = e instanceof ApiError ? addSourceToError('patching', source, e) : e;
    throw addSourceToError(`applying patch:\n${patch?.body ?? ''}\nto:\n${infoString(info)}\nfor:`, source, inner);
  }
}

function computePatch(live: KubeObject, modified: Record<string, unknown>, gvk: { group: string; version: string; kind: string }, o: ClientSideOptions): ApplyPatch {
  const text = originalConfiguration(asJson(live));
  let original: Record<string, unknown> | undefined;
  if (text !== undefined && text !== '') {
    try {
      original = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new CliError(`retrieving original configuration from:\n${goJson(live)}\nfor: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  try {
    return computeApplyPatch({ original, modified, current: asJson(live) }, gvk, { overwrite: o.overwrite });
  } catch (e) {
    if (!(e instanceof ApplyConflictError)) throw e;
    throw new PatchCreationError(e.message, { original: text ?? '', modified: `${goJson(modified)}\n`, current: `${goJson(live)}\n` });
  }
}

/**
 * `--overwrite=false` found a conflict. kubectl tries its three sources of patch metadata in turn
 * (OpenAPI v3, v2, compiled-in types): two warnings, then an error quoting all three documents.
 */
class PatchCreationError extends Error {
  constructor(
    readonly conflict: string,
    readonly docs: { original: string; modified: string; current: string },
  ) {
    super(conflict);
  }

  report(stderr: CommandContext['streams']['stderr'], info: ManifestInfo): CliError {
    stderr.write(`warning: error calculating patch from openapi v3 spec: ${this.conflict}\n`);
    stderr.write(`warning: error calculating patch from openapi spec: ${this.conflict}\n`);
    const { original, modified, current } = this.docs;
    const where = JSON.stringify(info.source);
    // kubectl prints a message that ends in a newline as it is; main adds one, so one goes here.
    return new CliError(
      `error when applying patch:\n\nto:\n${infoString(info)}\nfor: ${where}: error when patching ${where}: creating patch with:\noriginal:\n${original}\nmodified:\n${modified}\ncurrent:\n${current}\nfor:: ${this.conflict.replace(/\n$/, '')}`,
    );
  }
}

/** `--dry-run=client`: the patch applied here instead of on the server. */
function applyLocally(live: KubeObject, patch: ApplyPatch, gvk: { group: string; version: string; kind: string }): KubeObject {
  if (patch.type === 'merge') return applyMergePatch(live, patch.patch) as KubeObject;
  const schemaName = schemaForGVK(gvk.group, gvk.version, gvk.kind)?.name;
  return applyStrategicMergePatch(live, patch.patch, { schemaName }) as KubeObject;
}

/** POSTs a missing object with its last-applied annotation (nulls pruned, as a later patch would). */
async function create(ctx: CommandContext, info: ManifestInfo, o: ClientSideOptions): Promise<ApplyOutcome> {
  const body = pruneNulls(withLastApplied(asJson(info.object))) as unknown as KubeObject;
  if (o.dryRun === 'client') return { object: body, operation: 'created' };
  try {
    const object = await ctx.factory.client().request<KubeObject>({
      method: 'POST',
      path: resourcePath(info.mapping, { namespace: info.namespace || undefined }),
      query: query(o),
      body: goJson(body),
    });
    return { object, operation: 'created' };
  } catch (e) {
    throw addSourceToError('creating', info.source, e);
  }
}

/** `--force`: delete, wait until gone, create the manifest; on failure put the old object back. */
async function deleteAndCreate(ctx: CommandContext, info: ManifestInfo, live: KubeObject, modified: Record<string, unknown>, o: ClientSideOptions): Promise<KubeObject> {
  const client = ctx.factory.client();
  const path = resourcePath(info.mapping, { namespace: info.namespace || undefined, name: info.name });
  const options: Record<string, unknown> = { propagationPolicy: cascadePolicy(o.cascade) };
  if (o.gracePeriod >= 0) options['gracePeriodSeconds'] = o.gracePeriod;
  await client.request({ method: 'DELETE', path, body: options });
  const deadline = o.timeoutMs > 0 ? Date.now() + o.timeoutMs : Infinity;
  for (;;) {
    try {
      await client.request({ method: 'GET', path });
    } catch (e) {
      if (isStatus(e, 404)) break;
      throw e;
    }
    if (Date.now() >= deadline) throw new CliError('timed out waiting for the condition');
    await (o.sleep ?? delay)(1000);
  }
  const collection = resourcePath(info.mapping, { namespace: info.namespace || undefined });
  try {
    return await client.request<KubeObject>({ method: 'POST', path: collection, query: query(o), body: goJson(modified) });
  } catch (e) {
    try {
      // kubectl sends the old object back as it was read, resourceVersion included.
      await client.request<KubeObject>({ method: 'POST', path: collection, query: query(o), body: live });
    } catch (again) {
      throw new CliError(
        `An error occurred force-replacing the existing object with the newly provided one:\n\n${describe(e)}.\n\nAdditionally, an error occurred attempting to restore the original object:\n\n${describe(again)}`,
      );
    }
    throw e;
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** `--cascade` as a DeleteOptions propagation policy. */
export function cascadePolicy(cascade: string): string {
  switch (cascade) {
    case 'orphan':
    case 'false':
      return 'Orphan';
    case 'foreground':
      return 'Foreground';
    default:
      return 'Background';
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
