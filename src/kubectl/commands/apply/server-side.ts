/**
 * `kubectl apply --server-side` of one object: an apply patch (`application/apply-patch+yaml`)
 * of the whole manifest. With the default field manager, an object once managed by client-side
 * apply is then migrated as kubectl 1.32 does: the last-applied annotation is given its own apply
 * manager, the client-side manager's fields are merged into the server-side one, and the manifest
 * is applied once more so fields removed from it go. Migration failures are only warnings.
 */
import { ApiError } from '../../../api/errors.js';
import { resourcePath } from '../../../client/paths.js';
import type { KubeObject } from '../../../client/types.js';
import { LAST_APPLIED, originalConfiguration } from '../../apply/annotation.js';
import { LAST_APPLIED_PATH, ownersOf, upgradeManagedFieldsPatch } from '../../apply/csa-upgrade.js';
import { goJson } from '../../apply/go-compat.js';
import { CliError, isStatus } from '../../errors.js';
import type { CommandContext } from '../../types.js';
import type { DryRun } from '../create/options.js';
import { apiVersionOf, asJson, type ManifestInfo } from './objects.js';

/** kubectl's default server-side apply manager (kept for compatibility with older kubectl). */
export const SSA_MANAGER = 'kubectl';
const LAST_APPLIED_MANAGER = 'kubectl-last-applied';
const MAX_RETRIES = 5;

/** Settings of one server-side apply run. */
export interface ServerSideOptions {
  dryRun: DryRun;
  fieldManager: string;
  validation: string;
  forceConflicts: boolean;
  subresource: string;
}

const CONFLICT_ADVICE = `
Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts`;

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Applies one object on the server; returns the object the server answered with. */
export async function applyServerSide(ctx: CommandContext, info: ManifestInfo, o: ServerSideOptions): Promise<KubeObject> {
  const client = ctx.factory.client();
  const dry: Record<string, string> = o.dryRun === 'server' ? { dryRun: 'All' } : {};
  const path = resourcePath(info.mapping, { namespace: info.namespace || undefined, name: info.name });
  const body = goJson(info.object);
  const apply = (manager: string, text: string, force?: boolean) =>
    client.request<KubeObject>({
      method: 'PATCH',
      path: o.subresource ? `${path}/${o.subresource}` : path,
      query: { ...dry, fieldManager: manager, fieldValidation: o.validation, ...(force === undefined ? {} : { force: String(force) }) },
      body: text,
      contentType: 'application/apply-patch+yaml',
    });
  let obj: KubeObject;
  try {
    obj = await apply(o.fieldManager, body, o.forceConflicts);
  } catch (e) {
    if (isStatus(e, 415)) throw new CliError(`Server-side apply not available on the server: (${messageOf(e)})`);
    if (isStatus(e, 409)) throw new CliError(`${messageOf(e)}${CONFLICT_ADVICE}`);
    throw e;
  }
  if (o.fieldManager === SSA_MANAGER) {
    let migrated = false;
    try {
      obj = await keepLastApplied(obj, info, (text) => apply(LAST_APPLIED_MANAGER, text));
      try {
        const r = await migrate(ctx, obj, path, { ...dry, fieldManager: o.fieldManager, fieldValidation: o.validation });
        obj = r.object;
        migrated = r.migrated;
      } catch (e) {
        ctx.streams.stderr.write(`Warning: server rejected managed fields migration to Server-Side Apply. This is non-fatal and will be retried next time you apply. Error: ${messageOf(e)}\n`);
      }
    } catch (e) {
      ctx.streams.stderr.write(`Warning: failed to migrate ${LAST_APPLIED} for Server-Side Apply. This is non-fatal and will be retried next time you apply. Error: ${messageOf(e)}\n`);
    }
    if (migrated) {
      try {
        obj = await apply(o.fieldManager, body, o.forceConflicts);
      } catch (e) {
        ctx.streams.stderr.write(`Warning: failed to re-apply configuration after performing Server-Side Apply migration. This is non-fatal and will be retried next time you apply. Error: ${messageOf(e)}\n`);
      }
    }
  }
  return obj;
}

/**
 * Gives the last-applied annotation an apply manager of its own, so server-side applies that do
 * not mention it do not remove it (needed to go back to client-side apply).
 */
async function keepLastApplied(obj: KubeObject, info: ManifestInfo, apply: (text: string) => Promise<KubeObject>): Promise<KubeObject> {
  const annotation = originalConfiguration(asJson(obj));
  if (annotation === undefined) return obj;
  if (ownersOf(asJson(obj), 'Apply', LAST_APPLIED_PATH).length > 0) return obj;
  const metadata: Record<string, unknown> = { annotations: { [LAST_APPLIED]: annotation }, name: obj.metadata?.name ?? info.name };
  if (info.namespace) metadata['namespace'] = info.namespace;
  return apply(goJson({ apiVersion: apiVersionOf(info.mapping), kind: info.mapping.kind, metadata }));
}

/** Merges client-side apply managers into the server-side one (retrying on resourceVersion conflicts). */
async function migrate(ctx: CommandContext, obj: KubeObject, path: string, query: Record<string, string>): Promise<{ object: KubeObject; migrated: boolean }> {
  const manager = query['fieldManager'] ?? SSA_MANAGER;
  const client = ctx.factory.client();
  const csaManagers = ownersOf(asJson(obj), 'Update', LAST_APPLIED_PATH);
  let current = obj;
  let last: unknown;
  for (let i = 0; i < MAX_RETRIES; i++) {
    const patch = upgradeManagedFieldsPatch(asJson(current), csaManagers, manager);
    if (patch === undefined) return { object: current, migrated: false };
    try {
      const object = await client.request<KubeObject>({ method: 'PATCH', path, query, body: patch, contentType: 'application/json-patch+json' });
      return { object, migrated: true };
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 409) throw e;
      last = e;
    }
    current = await client.request<KubeObject>({ method: 'GET', path });
  }
  throw last;
}
