/** `kubectl set selector (-f FILENAME | TYPE NAME) EXPRESSIONS [--resource-version=version]`: a Service's selector. */
import type { KubeObject } from '../../../client/types.js';
import { CliError } from '../../errors.js';
import { globalFlags } from '../../flags.js';
import type { Command, CommandContext, FlagSpec } from '../../types.js';
import { dryRunFlag, dryRunStrategy, fieldManagerFlag, outputFlags } from '../../workloads/common.js';
import { clone, sendPatch, twoWayPatch } from '../../workloads/patch.js';
import { throwErrors } from '../../workloads/select.js';
import { parseSelectorExpression, setSelector } from './selector-expr.js';
import { asTyped } from './typed.js';
import { checkOutput, LOCAL_RESOURCE_ERROR, localTargets, objectPrinter, serverTargets, type Visited } from './targets.js';

const CHANGE_CAUSE = 'kubernetes.io/change-cause';

const flags: FlagSpec[] = [
  { name: 'filename', short: 'f', type: 'strings', default: [], help: 'identifying the resource.' },
  { name: 'recursive', short: 'R', type: 'bool', default: true, help: 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.' },
  { name: 'all', type: 'bool', help: 'Select all resources in the namespace of the specified resource types' },
  { name: 'local', type: 'bool', help: 'If true, annotation will NOT contact api-server but run locally.' },
  ...outputFlags,
  { name: 'record', type: 'bool', hidden: true, help: 'Record current kubectl command in the resource annotation.' },
  fieldManagerFlag('kubectl-set'),
  { name: 'resource-version', type: 'string', help: 'If non-empty, the selectors update will only succeed if this is the current resource-version for the object. Only valid when specifying a single resource.' },
  dryRunFlag,
];

/**
 * The change-cause `--record` writes: the command line as kubectl re-reads it, `kubectl` and the
 * positional arguments, then each flag given as ` --name=value`. kubectl lists the flags in the
 * order they were typed; we have them only by name, so they follow the command's own order.
 */
export function changeCause(ctx: CommandContext): string {
  let cause = [ctx.path, ...ctx.args].join(' ');
  for (const spec of [...flags, ...globalFlags]) {
    if (!ctx.flags.has(spec.name)) continue;
    const value = spec.type === 'bool' ? String(ctx.flags.bool(spec.name)) : spec.type === 'strings' || spec.type === 'stringArray' ? `[${ctx.flags.strings(spec.name).join(',')}]` : ctx.flags.string(spec.name);
    cause += ` --${spec.name}=${value}`;
  }
  return cause;
}

async function run(ctx: CommandContext): Promise<void> {
  const f = ctx.flags;
  // pflag warns about a deprecated flag while parsing, before anything else happens.
  if (f.has('record')) ctx.streams.stderr.write('Flag --record has been deprecated, --record will be removed in the future\n');
  const dryRun = dryRunStrategy(f);
  const resources = ctx.args.slice(0, -1);
  const last = ctx.args[ctx.args.length - 1];
  const selector = last === undefined ? undefined : parseSelectorExpression(last);
  checkOutput(f);
  if (!selector) throw new CliError('one selector is required');
  const local = f.bool('local');
  const filenames = f.strings('filename');
  const recursive = f.bool('recursive');
  let visited: Visited[];
  if (local) {
    if (resources.length > 0) throw LOCAL_RESOURCE_ERROR;
    visited = await localTargets(ctx, filenames, recursive);
  } else {
    visited = await serverTargets(ctx, resources, { filenames, recursive, all: f.bool('all') });
  }
  const resourceVersion = f.string('resource-version');
  const cause = f.bool('record') ? changeCause(ctx) : undefined;
  const errors: unknown[] = [];
  const print = objectPrinter(ctx, 'selector updated', dryRun);
  // kubectl's builder keeps going after a failure and reports them all at the end, in order.
  for (const { target, error } of visited) {
    if (!target) {
      errors.push(error);
      continue;
    }
    const before = clone(target.object);
    // With --resource-version the version is cleared before the diff, so the patch always carries it.
    if (resourceVersion !== '' && before.metadata) delete before.metadata.resourceVersion;
    let after: KubeObject = clone(before);
    try {
      if (resourceVersion !== '') after.metadata = { ...after.metadata, resourceVersion };
      setSelector(after, selector);
      if (cause !== undefined) after.metadata = { ...after.metadata, annotations: { ...after.metadata?.annotations, [CHANGE_CAUSE]: cause } };
    } catch (e) {
      errors.push(e);
      continue;
    }
    after = asTyped(after);
    if (local || dryRun === 'client' || !target.mapping) {
      print(target, after);
      continue;
    }
    // Unlike the pod-template editors, an empty patch is sent (and reported) too.
    const patch = twoWayPatch(target.mapping, before, after);
    try {
      const actual = await sendPatch(ctx.factory, { mapping: target.mapping, namespace: target.namespace, name: target.name }, patch, {
        fieldManager: f.string('field-manager'),
        dryRun: dryRun === 'server',
      });
      print(target, actual);
    } catch (e) {
      errors.push(e);
    }
  }
  throwErrors(errors);
}

export const selector: Command = {
  name: 'selector',
  short: 'Set the selector on a resource',
  long: `Set the selector on a resource. Note that the new selector will overwrite the old selector if the resource had one prior to the invocation of 'set selector'.

 A selector must begin with a letter or number, and may contain letters, numbers, hyphens, dots, and underscores, up to 63 characters. If --resource-version is specified, then updates will use this resource version, otherwise the existing resource-version will be used. Note: currently selectors can only be set on Service objects.`,
  usage: 'kubectl set selector (-f FILENAME | TYPE NAME) EXPRESSIONS [--resource-version=version]',
  examples: `  # Set the labels and selector before creating a deployment/service pair
  kubectl create service clusterip my-svc --clusterip="None" -o yaml --dry-run=client | kubectl set selector --local -f - 'environment=qa' -o yaml | kubectl create -f -
  kubectl create deployment my-dep -o yaml --dry-run=client | kubectl label --local -f - environment=qa -o yaml | kubectl create -f -`,
  flags,
  run,
};
