/**
 * `kubectl rollout pause|resume|restart RESOURCE`: change the object in memory (spec.paused, or the
 * template's `kubectl.kubernetes.io/restartedAt` annotation) and send the two-way strategic patch,
 * collecting per-object failures to report after the successes, as kubectl does.
 */
import type { Deployment } from '../../../api/generated/apps/v1.js';
import type { PodSpec } from '../../../api/generated/core/v1.js';
import type { KubeObject } from '../../../client/types.js';
import { errorText } from '../../../util/errors.js';
import { groupResource } from '../../builder.js';
import { AggregateCliError, CliError } from '../../errors.js';
import type { Command, CommandContext, FlagSpec } from '../../types.js';
import { fieldManagerFlag, filenameFlags, outputFlags, printObject, selectorFlag } from '../../workloads/common.js';
import { clone, isEmptyPatch, sendPatch, twoWayPatch } from '../../workloads/patch.js';
import { noResources, selectInfos } from '../../workloads/select.js';

type Mutation = 'pause' | 'resume' | 'restart';

/** Go's time.Now().Format(time.RFC3339) in the local zone. */
export function rfc3339Local(d: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone}`;
}

const isApps = (group: string) => group === 'apps' || group === 'extensions';

/** Changes `obj` in place as kubectl's pauser/resumer/restarter would, or throws their error. */
function mutate(what: Mutation, group: string, kind: string, obj: KubeObject): void {
  const spec = ((obj as { spec?: Record<string, unknown> }).spec ??= {});
  if (what !== 'restart') {
    if (!(isApps(group) && kind === 'Deployment')) throw new Error(what === 'pause' ? 'pausing is not supported' : 'resuming is not supported');
    const paused = (obj as Deployment).spec?.paused === true;
    if (what === 'pause') {
      if (paused) throw new Error('is already paused');
      spec['paused'] = true;
    } else {
      if (!paused) throw new Error('is not paused');
      // The typed object drops `paused: false` (omitempty), so the patch removes the field.
      delete spec['paused'];
    }
    return;
  }
  const restartable = (isApps(group) && (kind === 'Deployment' || kind === 'DaemonSet')) || ((group === 'apps' || group === 'extensions') && kind === 'StatefulSet');
  if (!restartable) throw new Error('restarting is not supported');
  if (kind === 'Deployment' && (obj as Deployment).spec?.paused) throw new Error("can't restart paused deployment (run rollout resume first)");
  const template = (spec['template'] ??= {}) as { metadata?: { annotations?: Record<string, string> }; spec?: PodSpec };
  template.metadata ??= {};
  template.metadata.annotations = { ...template.metadata.annotations, 'kubectl.kubernetes.io/restartedAt': rfc3339Local() };
}

const done: Record<Mutation, string> = { pause: 'paused', resume: 'resumed', restart: 'restarted' };

async function run(ctx: CommandContext, what: Mutation): Promise<void> {
  if (ctx.args.length === 0 && ctx.flags.strings('filename').length === 0) throw new CliError('required resource not specified');
  const { infos, errors } = await selectInfos(ctx, ctx.args, { allowEmptySelector: true });
  const allErrs: unknown[] = [...errors];
  if (infos.length === 0 && errors.length === 0) return noResources(ctx);
  for (const info of infos) {
    const before = info.object ?? {};
    const after = clone(before);
    try {
      mutate(what, info.mapping.group, info.mapping.kind, after);
    } catch (e) {
      allErrs.push(new CliError(`${groupResource(info.mapping)} "${info.name}" ${errorText(e)}`));
      continue;
    }
    const patch = twoWayPatch(info.mapping, before, after);
    if (isEmptyPatch(patch)) {
      if (what === 'restart') {
        allErrs.push(new CliError(`failed to create patch for ${info.name}: if restart has already been triggered within the past second, please wait before attempting to trigger another`));
      } else {
        printObject(ctx, info.mapping, before, what === 'pause' ? 'already paused' : 'already resumed');
      }
      continue;
    }
    let result: KubeObject;
    try {
      result = await sendPatch(ctx.factory, info, patch, { fieldManager: ctx.flags.string('field-manager') });
    } catch (e) {
      allErrs.push(new CliError(`failed to patch: ${errorText(e)}`));
      continue;
    }
    printObject(ctx, info.mapping, result, done[what]);
  }
  if (allErrs.length === 1) throw allErrs[0];
  if (allErrs.length > 1) throw new AggregateCliError(allErrs);
}

const flags = (): FlagSpec[] => [
  ...outputFlags,
  fieldManagerFlag('kubectl-rollout'),
  ...filenameFlags('identifying the resource to get from a server.'),
  selectorFlag,
];

export const pause: Command = {
  name: 'pause',
  short: 'Mark the provided resource as paused',
  long: `Mark the provided resource as paused.

 Paused resources will not be reconciled by a controller. Use "kubectl rollout resume" to resume a paused resource. Currently only deployments support being paused.`,
  usage: 'kubectl rollout pause RESOURCE',
  examples: `  # Mark the nginx deployment as paused
  # Any current state of the deployment will continue its function; new updates
  # to the deployment will not have an effect as long as the deployment is paused
  kubectl rollout pause deployment/nginx`,
  flags: flags(),
  run: (ctx) => run(ctx, 'pause'),
};

export const resume: Command = {
  name: 'resume',
  short: 'Resume a paused resource',
  long: `Resume a paused resource.

 Paused resources will not be reconciled by a controller. By resuming a resource, we allow it to be reconciled again. Currently only deployments support being resumed.`,
  usage: 'kubectl rollout resume RESOURCE',
  examples: `  # Resume an already paused deployment
  kubectl rollout resume deployment/nginx`,
  flags: flags(),
  run: (ctx) => run(ctx, 'resume'),
};

export const restart: Command = {
  name: 'restart',
  short: 'Restart a resource',
  long: `Restart a resource.

 Resource rollout will be restarted.`,
  usage: 'kubectl rollout restart RESOURCE',
  examples: `  # Restart all deployments in the test-namespace namespace
  kubectl rollout restart deployment -n test-namespace

  # Restart a deployment
  kubectl rollout restart deployment/nginx

  # Restart a daemon set
  kubectl rollout restart daemonset/abc

  # Restart deployments with the app=nginx label
  kubectl rollout restart deployment --selector=app=nginx`,
  flags: flags(),
  run: (ctx) => run(ctx, 'restart'),
};
