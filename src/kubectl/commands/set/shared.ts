/**
 * The loop every `kubectl set` subcommand runs (CalculatePatches and what follows): change each
 * object's pod spec in memory, send the two-way strategic patch with `fieldManager=kubectl-set`
 * (or only print the changed object with `--local` / `--dry-run=client`), skip objects left
 * unchanged, and report per-object failures after the rest.
 */
import type { PodSpec } from '../../../api/generated/core/v1.js';
import type { KubeObject } from '../../../client/types.js';
import { errorText } from '../../../util/errors.js';
import { AggregateCliError, CliError } from '../../errors.js';
import type { CommandContext, FlagSpec, ResourceInfo, ResourceMapping } from '../../types.js';
import { dryRunFlag, dryRunStrategy, fieldManagerFlag, filenameFlags, outputFlags, selectorFlag, type DryRun } from '../../workloads/common.js';
import { clone, isEmptyPatch, sendPatch, twoWayPatch } from '../../workloads/patch.js';
import { goTypeOf, podSpecOf } from '../../workloads/podspec.js';
import { selectInfos } from '../../workloads/select.js';
import { localTargets, objectName as targetName, objectPrinter } from './targets.js';

/** cli-runtime's LocalResourceError. */
const localResourceError = `you must specify resources by --filename when --local is set.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'`;

/** The flags `set image` and `set resources` share (set env adds its own). */
export function setFlags(usage: string, extra: FlagSpec[]): FlagSpec[] {
  return [
    { name: 'all', type: 'bool', help: 'Select all resources, in the namespace of the specified resource types' },
    ...outputFlags,
    dryRunFlag,
    fieldManagerFlag('kubectl-set'),
    ...filenameFlags(usage),
    { name: 'local', type: 'bool', help: 'If true, set will NOT contact api-server but run locally.' },
    { name: 'record', type: 'bool', hidden: true, help: 'Record current kubectl command in the resource annotation.' },
    selectorFlag,
    ...extra,
  ];
}

/**
 * `info.ObjectName()`: `deployments/web` for an object the server mapped; with `--local` kubectl
 * has no mapping and names it by kind (`service/x`, `horizontalpodautoscaler.autoscaling/h` and a
 * newline), as {@link targetName} does.
 */
export function objectName(info: ResourceInfo, local: boolean): string {
  return local ? targetName({ kind: info.mapping.kind, group: info.mapping.group, name: info.name }) : `${info.mapping.resource}/${info.name}`;
}

/** The objects to change: from `-f` only with `--local`, else fetched; any read error ends the command. */
export async function setInfos(ctx: CommandContext, resources: string[]): Promise<ResourceInfo[]> {
  const local = ctx.flags.bool('local');
  if (local && resources.length > 0) throw new CliError(`error: ${localResourceError}`, { raw: true });
  if (local && dryRunStrategy(ctx.flags) === 'server') throw new CliError('cannot specify --local and --dry-run=server - did you mean --dry-run=client?');
  if (local) return localInfos(ctx);
  const { infos, errors } = await selectInfos(ctx, resources, { all: true, fetch: true, allowEmptySelector: false });
  if (errors.length > 0) throw errors[0];
  return infos;
}

/**
 * `--local`: the objects in the files, without asking the server anything (not even discovery, as
 * kubectl's local builder). Each gets a mapping from its own apiVersion and kind, which is all the
 * patch and the printer look at.
 */
async function localInfos(ctx: CommandContext): Promise<ResourceInfo[]> {
  const visited = await localTargets(ctx, ctx.flags.strings('filename'), ctx.flags.bool('recursive'));
  const infos: ResourceInfo[] = [];
  for (const v of visited) {
    const t = v.target;
    if (!t) throw v.error;
    const apiVersion = t.object.apiVersion ?? '';
    const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
    const singular = t.kind.toLowerCase();
    const mapping: ResourceMapping = { group: t.group, version, kind: t.kind, resource: singular, singular, namespaced: true, shortNames: [], verbs: [], categories: [], subresources: [] };
    infos.push({ mapping, namespace: t.namespace, name: t.name, object: t.object });
  }
  return infos;
}

/** Changes one object's pod spec; returns false when it made no change worth sending (set resources). */
export type SpecMutation = (spec: PodSpec, obj: KubeObject, info: ResourceInfo) => boolean | void;

/** Runs the loop; `errors` may already hold failures found while validating (they come first). */
export async function applySet(
  ctx: CommandContext,
  infos: ResourceInfo[],
  o: { operation: string; failure: string; mutate: SpecMutation; errors: unknown[]; keepEmpty?: boolean },
): Promise<void> {
  const dryRun: DryRun = dryRunStrategy(ctx.flags);
  const local = ctx.flags.bool('local');
  const print = objectPrinter(ctx, o.operation, dryRun);
  const changes: { info: ResourceInfo; after?: KubeObject; patch?: ReturnType<typeof twoWayPatch>; err?: string }[] = [];
  // First every object is changed in memory (errors the mutation reports go to o.errors in order).
  for (const info of infos) {
    const before = info.object ?? {};
    const after = clone(before);
    const spec = podSpecOf(after);
    if (!spec) {
      changes.push({ info, err: `the object is not a pod or does not have a pod template: ${goTypeOf(after)}` });
      continue;
    }
    try {
      if (o.mutate(spec, after, info) === false) continue;
    } catch (e) {
      changes.push({ info, err: errorText(e) });
      continue;
    }
    changes.push({ info, after, patch: twoWayPatch(info.mapping, before, after) });
  }
  const allErrs = o.errors;
  for (const c of changes) {
    if (c.err !== undefined || !c.after || !c.patch) {
      // kubectl words these `error: <name> <why>` and a newline, which shows when there are several.
      allErrs.push(new CliError(`error: ${objectName(c.info, local)} ${c.err ?? ''}\n`, { raw: true }));
      continue;
    }
    // Most subcommands skip unchanged objects; set serviceaccount sends and prints them anyway.
    if (isEmptyPatch(c.patch) && !o.keepEmpty) continue;
    if (local || dryRun === 'client') {
      print(c.info.mapping, c.after);
      continue;
    }
    try {
      const actual = await sendPatch(ctx.factory, c.info, c.patch, { fieldManager: ctx.flags.string('field-manager'), dryRun: dryRun === 'server' });
      print(c.info.mapping, actual);
    } catch (e) {
      allErrs.push(new CliError(`${o.failure}${errorText(e)}`));
    }
  }
  if (allErrs.length === 1) throw single(allErrs[0]);
  if (allErrs.length > 1) throw new AggregateCliError(allErrs);
}

/** One error alone prints without the blank line an aggregate leaves after its own newline. */
function single(e: unknown): unknown {
  return e instanceof CliError && e.options.raw && e.message.endsWith('\n') ? new CliError(e.message.slice(0, -1), { raw: true }) : e;
}
