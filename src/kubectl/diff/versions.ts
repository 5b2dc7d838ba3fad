/**
 * The two versions `kubectl diff` compares for one manifest object: LIVE, as read from the server
 * (undefined when it does not exist), and MERGED, what the server answers to the dry run of what
 * `apply` would send. Client-side, that is a dry-run POST of the manifest for a missing object, or
 * a dry-run PATCH of apply's three-way patch (with the live resourceVersion, so a concurrent change
 * makes it conflict and the pair is read again); server-side, a dry-run apply patch.
 */
import { resourcePath } from '../../client/paths.js';
import type { KubeObject } from '../../client/types.js';
import { appliedConfiguration, originalConfiguration } from '../apply/annotation.js';
import { goJson } from '../apply/go-compat.js';
import { computeApplyPatch, PatchDiffError } from '../apply/three-way.js';
import { CliError, isStatus } from '../errors.js';
import type { ResourceInfo } from '../types.js';
import type { RestClient } from '../../client/rest.js';
import type { JsonObject } from '../../api/patch/json.js';

/** How MERGED is computed. */
export interface MergeSettings {
  serverSide: boolean;
  fieldManager: string;
  forceConflicts: boolean;
}

/** A manifest object with where it goes. */
export type DiffInfo = ResourceInfo & { object: KubeObject };

/** LIVE and MERGED of one object. */
export interface Versions {
  live: KubeObject | undefined;
  merged: KubeObject;
}

/** kubectl tries this many times while the object keeps changing; the last try goes without the resourceVersion lock. */
export const MAX_ATTEMPTS = 4;

const asJson = (o: KubeObject): JsonObject => o as unknown as JsonObject;

/**
 * Reads LIVE and computes MERGED, again (with a fresh read) when the dry run conflicts. `onUnlocked`
 * is told when the last attempt drops the lock (kubectl logs a warning then).
 */
export async function liveAndMerged(client: RestClient, info: DiffInfo, o: MergeSettings & { onUnlocked?: () => void }): Promise<Versions> {
  const path = resourcePath(info.mapping, { namespace: info.namespace || undefined, name: info.name });
  for (let attempt = 1; ; attempt++) {
    if (info.name === '') throw new CliError('resource name may not be empty');
    let live: KubeObject | undefined;
    try {
      live = await client.request<KubeObject>({ method: 'GET', path });
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
    }
    const unlocked = attempt === MAX_ATTEMPTS;
    if (unlocked) o.onUnlocked?.();
    try {
      return { live, merged: await merged(client, info, live, { ...o, unlocked }) };
    } catch (e) {
      if (!isStatus(e, 409) || attempt >= MAX_ATTEMPTS) throw e;
    }
  }
}

async function merged(client: RestClient, info: DiffInfo, live: KubeObject | undefined, o: MergeSettings & { unlocked: boolean }): Promise<KubeObject> {
  const path = resourcePath(info.mapping, { namespace: info.namespace || undefined, name: info.name });
  const dryRun = { dryRun: 'All', fieldManager: o.fieldManager };
  if (o.serverSide) {
    return client.request<KubeObject>({
      method: 'PATCH',
      path,
      query: { ...dryRun, force: String(o.forceConflicts) },
      body: goJson(info.object),
      contentType: 'application/apply-patch+yaml',
    });
  }
  if (live === undefined) {
    const body = { ...info.object, metadata: { ...info.object.metadata } };
    // The create helper clears a resourceVersion the manifest may carry.
    if (body.metadata.resourceVersion) delete body.metadata.resourceVersion;
    return client.request<KubeObject>({ method: 'POST', path: resourcePath(info.mapping, { namespace: info.namespace || undefined }), query: dryRun, body: goJson(body) });
  }
  const patch = applyPatch(info, live);
  if (patch.body === '{}') return live;
  const rv = live.metadata?.resourceVersion;
  const body = o.unlocked ? patch.patch : withResourceVersion(patch.patch, rv ?? '');
  return client.request<KubeObject>({
    method: 'PATCH',
    path,
    query: dryRun,
    body: goJson(body),
    contentType: patch.type === 'strategic' ? 'application/strategic-merge-patch+json' : 'application/merge-patch+json',
  });
}

/**
 * Apply's three-way patch, except that the manifest does not carry a new last-applied annotation
 * (diff shows the change to the object, and leaves the annotation as it is).
 */
function applyPatch(info: DiffInfo, live: KubeObject): ReturnType<typeof computeApplyPatch> {
  const modified = JSON.parse(appliedConfiguration(asJson(info.object))) as JsonObject;
  const text = originalConfiguration(asJson(live));
  let original: JsonObject | undefined;
  if (text !== undefined && text !== '') {
    try {
      original = JSON.parse(text) as JsonObject;
    } catch (e) {
      throw new CliError(`retrieving original configuration from:\n${goJson(live)}\nfor: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const gvk = { group: info.mapping.group, version: info.mapping.version, kind: info.mapping.kind };
  try {
    return computeApplyPatch({ original, modified, current: asJson(live) }, gvk, { overwrite: true });
  } catch (e) {
    if (!(e instanceof PatchDiffError)) throw e;
    throw new CliError(`creating patch with:\noriginal:\n${text ?? ''}\nmodified:\n${goJson(modified)}\ncurrent:\n${goJson(live)}\nfor:: ${e.message}`);
  }
}

/** The patch with `metadata.resourceVersion` set (kubectl's addResourceVersion), so it fails if the object moved on. */
export function withResourceVersion(patch: JsonObject, resourceVersion: string): JsonObject {
  const meta = patch['metadata'];
  const metadata = meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? { ...meta } : {};
  return { ...patch, metadata: { ...metadata, resourceVersion } };
}
