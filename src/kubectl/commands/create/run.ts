/**
 * The second half of every generator (`create deployment`, `create configmap`, …): given the
 * object kubectl would build, add `--save-config`'s annotation, then either print it
 * (`--dry-run=client`) or POST it (`fieldManager`, `fieldValidation`, `dryRun=All`) and print what
 * the server returned, as `-o` asks or as `deployment.apps/web created`.
 */
import { ApiError } from '../../../api/errors.js';
import { resourcePath, type ResourceDescriptor } from '../../../client/paths.js';
import type { KubeObject } from '../../../client/types.js';
import { CliError } from '../../errors.js';
import { formatObjects, printAction } from '../../printers/output.js';
import type { CommandContext } from '../../types.js';
import { goJSON, pruneUndefined } from './gojson.js';
import { dryRunStrategy, validationDirective, type DryRun } from './options.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** ObjectMeta's fields in Go's declaration order, so JSON output matches the typed object's. */
const META_ORDER = [
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
];

/** A copy of `meta` with `patch` applied and keys in ObjectMeta's order (unknown keys last). */
export function orderedMeta(meta: Record<string, unknown>, patch: Record<string, unknown> = {}): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...meta, ...patch };
  const out: Record<string, unknown> = {};
  for (const k of META_ORDER) if (merged[k] !== undefined) out[k] = merged[k];
  for (const [k, v] of Object.entries(merged)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}

/**
 * `--save-config` for a typed object (util.CreateApplyAnnotation): the annotation holds the
 * object's own JSON, without that annotation, plus a newline.
 */
export function withApplyAnnotation<T extends KubeObject>(obj: T): T {
  const meta = (obj.metadata ?? {}) as Record<string, unknown>;
  const annotations = { ...((meta['annotations'] as Record<string, string> | undefined) ?? {}) };
  delete annotations[LAST_APPLIED];
  const bare = { ...obj, metadata: orderedMeta(meta, { annotations: Object.keys(annotations).length ? annotations : undefined }) };
  const json = `${goJSON(bare)}\n`;
  return { ...obj, metadata: orderedMeta(meta, { annotations: { ...annotations, [LAST_APPLIED]: json } }) };
}

/** Where a generated object goes. */
export interface Target extends ResourceDescriptor {
  /**
   * How kubectl wraps a server error for this generator, e.g. `failed to create deployment: `
   * (the typed clients' callers add it; some add none, so the Status prints as it is).
   */
  errorPrefix?: string;
}

/**
 * Prints an object the way a mutating verb does: with `-o`, the object; otherwise `kind/name verb`.
 * `typed` marks objects kubectl holds as Go structs (generators and typed-client answers): their
 * `-o json` keeps field order instead of sorting keys as for unstructured objects.
 */
export function printResult(ctx: CommandContext, object: KubeObject, verb: string, dryRun: DryRun, o: { typed?: boolean } = {}): void {
  const output = ctx.flags.string('output');
  const obj = pruneUndefined(object);
  if (output === 'json' && o.typed && !ctx.flags.has('template')) {
    const showManaged = ctx.flags.bool('show-managed-fields');
    const meta = obj.metadata && !showManaged ? { ...obj.metadata, managedFields: undefined } : obj.metadata;
    ctx.streams.stdout.write(`${goJSON({ ...obj, metadata: meta }, { indent: '    ' })}\n`);
    return;
  }
  if (output !== '') {
    ctx.streams.stdout.write(
      formatObjects([obj], output, {
        single: true,
        template: ctx.flags.has('template') ? ctx.flags.string('template') : undefined,
        showManagedFields: ctx.flags.bool('show-managed-fields'),
        allowMissingKeys: ctx.flags.bool('allow-missing-template-keys'),
      }),
    );
    return;
  }
  printAction(ctx.streams.stdout, obj, verb, dryRun === 'none' ? undefined : dryRun);
}

/**
 * Sends (or, with `--dry-run=client`, only prints) a generated object. The namespace is set on the
 * printed object only when `-n` was given, as kubectl's generators do.
 */
export async function createGenerated(ctx: CommandContext, generated: object, target: Target): Promise<void> {
  // Generated objects carry Go's zero values (`creationTimestamp: null`) that KubeObject does not model.
  const object = pruneUndefined(generated) as KubeObject;
  const dryRun = dryRunStrategy(ctx.flags, ctx.streams.stderr);
  const directive = validationDirective(ctx.flags);
  const { namespace, explicit } = ctx.factory.namespace();
  let obj = object;
  if (target.namespaced && explicit) obj = { ...obj, metadata: orderedMeta((obj.metadata ?? {}) as Record<string, unknown>, { namespace }) };
  if (ctx.flags.bool('save-config')) obj = withApplyAnnotation(obj);
  if (dryRun !== 'client') {
    try {
      obj = await ctx.factory.client().request<KubeObject>({
        method: 'POST',
        path: resourcePath(target, { namespace: target.namespaced ? namespace : undefined }),
        query: { ...(dryRun === 'server' ? { dryRun: 'All' } : {}), fieldManager: ctx.flags.string('field-manager') || undefined, fieldValidation: directive },
        body: obj,
      });
    } catch (e) {
      if (target.errorPrefix !== undefined && e instanceof ApiError) throw new CliError(`${target.errorPrefix}${e.message}`);
      throw e;
    }
  }
  printResult(ctx, obj, 'created', dryRun, { typed: true });
}
