/**
 * `kubectl rolling-update OLD_CONTROLLER_NAME ([NEW_CONTROLLER_NAME] --image=NEW_CONTAINER_IMAGE | -f NEW_CONTROLLER_SPEC)`:
 * kubectl 1.5's client-side rolling update of a ReplicationController (removed from later kubectl,
 * kept here for the tutorials that still use it).
 */
import type { ReplicationController } from '../../api/generated/core/v1.js';
import { isNotFound } from '../../api/errors.js';
import type { KubeObject } from '../../client/types.js';
import { AggregateCliError, CliError, UsageError } from '../errors.js';
import { readManifests } from '../manifests.js';
import type { Command, CommandContext } from '../types.js';
import { outputFlags, outputFormat, printObject } from '../workloads/common.js';
import { formatObjects } from '../printers/output.js';
import { RcClient } from '../workloads/rc-client.js';
import { hashObject, newControllerFromCurrent, prepareOldController } from '../workloads/rc-prepare.js';
import { abortRollingUpdate, findSourceController, NEXT_CONTROLLER_ANNOTATION, rename, rollingUpdate, type RollingUpdateConfig } from '../workloads/rolling-updater.js';

const rcMapping = { group: '', kind: 'ReplicationController' };

function validate(ctx: CommandContext): void {
  const { flags } = ctx;
  const errors: string[] = [];
  const filenames = flags.strings('filename');
  const image = flags.string('image');
  if (flags.string('deployment-label-key') === '') errors.push('--deployment-label-key can not be empty');
  if (filenames.length > 1) errors.push('May only specify a single filename for new controller');
  if (!flags.bool('rollback')) {
    if (filenames.length === 0 && image === '') errors.push('Must specify --filename or --image for new controller');
    else if (filenames.length !== 0 && image !== '') errors.push('--filename and --image can not both be specified');
  } else if (filenames.length !== 0 || image !== '') {
    errors.push("Don't specify --filename or --image on rollback");
  }
  if (ctx.args.length < 1) errors.push('Must specify the controller to update');
  if (errors.length === 1) throw new UsageError(errors[0] ?? '');
  if (errors.length > 1) throw new AggregateCliError(errors.map((e) => new UsageError(e)));
}

/** The new controller from `-f`: exactly one ReplicationController. */
async function fromFile(ctx: CommandContext, filename: string): Promise<{ rc: ReplicationController; replicasDefaulted: boolean }> {
  const objects = await readManifests([filename], { stdin: ctx.streams.stdin });
  if (objects.length > 1) throw new CliError(`${filename} specifies multiple items`);
  const first = objects[0];
  if (!first) throw new CliError(`please make sure ${filename} exists and is not empty`);
  const obj = first.object as KubeObject & { spec?: { replicas?: number } };
  if (obj.kind !== 'ReplicationController' || (obj.apiVersion ?? 'v1') !== 'v1') {
    const gv = obj.apiVersion ?? '';
    throw new CliError(`${filename} contains a ${gv.includes('/') ? gv : `/${gv}`}, Kind=${obj.kind ?? ''} not a ReplicationController`);
  }
  return { rc: obj, replicasDefaulted: obj.spec?.replicas === undefined };
}

async function run(ctx: CommandContext): Promise<void> {
  validate(ctx);
  const { flags } = ctx;
  const oldName = ctx.args[0] ?? '';
  const keepOldName = ctx.args.length === 1;
  const image = flags.string('image');
  const key = flags.string('deployment-label-key');
  const dryRun = flags.string('dry-run') !== 'none' && flags.string('dry-run') !== 'false';
  const interval = flags.duration('poll-interval');
  const c = new RcClient(ctx.factory, ctx.factory.namespace().namespace);
  const findNewName = (old?: ReplicationController) => ctx.args[1] ?? old?.metadata?.annotations?.[NEXT_CONTROLLER_ANNOTATION] ?? '';

  let oldRc: ReplicationController;
  try {
    oldRc = await c.get(oldName);
  } catch (e) {
    if (!isNotFound(e) || image === '' || !keepOldName) throw e;
    // Interrupted between deleting the old controller and renaming the new one: finish the rename.
    return rename(c, await findSourceController(c, oldName), oldName, interval);
  }

  const filename = flags.strings('filename')[0] ?? '';
  let newRc: ReplicationController | undefined;
  let replicasDefaulted = false;
  if (filename !== '') ({ rc: newRc, replicasDefaulted } = await fromFile(ctx, filename));
  if (image !== '') {
    const newName = findNewName(oldRc);
    newRc = newName ? await c.find(newName) : undefined;
    if (newRc) {
      const inProgress = newRc.spec?.template?.spec?.containers?.[0]?.image ?? '';
      if (inProgress !== image) {
        throw new CliError(`Found existing in-progress update to image (${inProgress}).\nEither continue in-progress update with --image=${inProgress} or rollback with --rollback`);
      }
      ctx.streams.stdout.write(`Found existing update in progress (${newRc.metadata?.name ?? ''}), resuming.\n`);
    } else {
      const pullPolicy = flags.string('image-pull-policy');
      if (oldRc.spec?.template?.spec?.containers?.[0]?.image === image && pullPolicy === '') {
        throw new CliError('--image-pull-policy (Always|Never|IfNotPresent) must be provided when --image is the same as existing container image');
      }
      newRc = newControllerFromCurrent(oldRc, { newName, image, container: flags.string('container'), deploymentKey: key, pullPolicy: oldRc.spec?.template?.spec?.containers?.[0]?.image === image ? pullPolicy : undefined });
    }
    if (!dryRun) {
      oldRc = await prepareOldController(c, oldRc, { next: newRc.metadata?.name ?? '', deploymentKey: key, value: `${hashObject(oldRc)}-orig` });
    }
  }
  if (flags.bool('rollback')) {
    const newName = findNewName(oldRc);
    newRc = newName ? await c.find(newName) : undefined;
    if (!newRc) throw new CliError(`Could not find ${newName} to rollback.\n`);
  }
  if (!newRc) throw new CliError('Must specify --filename or --image for new controller');
  if (oldName === newRc.metadata?.name) throw new CliError(`${filename} cannot have the same name as the existing ReplicationController ${oldName}`);
  const differs = Object.entries(oldRc.spec?.selector ?? {}).some(([k, v]) => {
    const nv = newRc?.spec?.selector?.[k];
    return nv !== undefined && nv !== v;
  });
  if (!differs) throw new CliError(`${filename} must specify a matching key with non-equal value in Selector for ${oldName}`);
  if (replicasDefaulted) newRc.spec = { ...newRc.spec, replicas: oldRc.spec?.replicas ?? 1 };

  if (dryRun) {
    const output = outputFormat(flags);
    const show = (rc: ReplicationController) =>
      output === '' ? (rc.metadata?.name ?? '') : formatObjects([{ apiVersion: 'v1', kind: 'ReplicationController', ...rc }], output, { single: true });
    ctx.streams.stdout.write(`Rolling from:\n${show(oldRc)}\nTo:\n${show(newRc)}\n`);
    return;
  }
  const config: RollingUpdateConfig = {
    out: ctx.streams.stdout,
    oldRc,
    newRc,
    updatePeriodMs: flags.duration('update-period'),
    intervalMs: interval,
    timeoutMs: flags.duration('timeout'),
    cleanup: keepOldName ? 'Rename' : 'Delete',
    maxUnavailable: 0,
    maxSurge: 1,
  };
  if (flags.bool('rollback')) {
    abortRollingUpdate(config);
    // kubectl ignores this write's outcome: the updater re-reads the controller anyway.
    await c.update(config.newRc, () => undefined).catch(() => undefined);
  }
  await rollingUpdate(c, config);
  const finalName = keepOldName ? oldName : (newRc.metadata?.name ?? '');
  const result = await c.get(finalName);
  printObject(ctx, rcMapping, result, keepOldName ? 'rolling updated' : `rolling updated to "${finalName}"`);
}

export const command: Command = {
  name: 'rolling-update',
  short: 'Perform a rolling update. This command is deprecated, use rollout instead.',
  long: `Perform a rolling update of the given ReplicationController.

 Replaces the specified replication controller with a new replication controller by updating one pod at a time to use the new PodTemplate. The new-controller.json must specify the same namespace as the existing replication controller and overwrite at least one (common) label in its replicaSelector.`,
  usage: 'kubectl rolling-update OLD_CONTROLLER_NAME ([NEW_CONTROLLER_NAME] --image=NEW_CONTAINER_IMAGE | -f NEW_CONTROLLER_SPEC)',
  examples: `  # Update pods of frontend-v1 using new replication controller data in frontend-v2.json.
  kubectl rolling-update frontend-v1 -f frontend-v2.json

  # Update pods of frontend-v1 using JSON data passed into stdin.
  cat frontend-v2.json | kubectl rolling-update frontend-v1 -f -

  # Update the pods of frontend-v1 to frontend-v2 by just changing the image, and switching the
  # name of the replication controller.
  kubectl rolling-update frontend-v1 frontend-v2 --image=image:v2

  # Update the pods of frontend by just changing the image, and keeping the old name.
  kubectl rolling-update frontend --image=image:v2

  # Abort and reverse an existing rollout in progress (from frontend-v1 to frontend-v2).
  kubectl rolling-update frontend-v1 frontend-v2 --rollback`,
  flags: [
    ...outputFlags,
    { name: 'container', type: 'string', help: 'Container name which will have its image upgraded. Only relevant when --image is specified, ignored otherwise. Required when using --image on a multi-container pod' },
    { name: 'deployment-label-key', type: 'string', default: 'deployment', help: "The key to use to differentiate between two different controllers, default 'deployment'.  Only relevant when --image is specified, ignored otherwise" },
    { name: 'dry-run', type: 'string', default: 'none', noOptDefault: 'true', help: 'If true, print out the changes that would be made, but don\'t actually make them.' },
    { name: 'filename', short: 'f', type: 'strings', default: [], help: 'Filename or URL to file to use to create the new replication controller.' },
    { name: 'image', type: 'string', help: 'Image to use for upgrading the replication controller. Must be distinct from the existing image (either new image or new image tag).  Can not be used with --filename/-f' },
    { name: 'image-pull-policy', type: 'string', help: 'Explicit policy for when to pull container images. Required when --image is same as existing image, ignored otherwise.' },
    { name: 'poll-interval', type: 'duration', default: '3s', help: 'Time delay between polling for replication controller status after the update. Valid time units are "ns", "us" (or "µs"), "ms", "s", "m", "h".' },
    { name: 'rollback', type: 'bool', help: 'If true, this is a request to abort an existing rollout that is partially rolled out. It effectively reverses current and next and runs a rollout' },
    { name: 'timeout', type: 'duration', default: '5m0s', help: 'Max time to wait for a replication controller to update before giving up. Valid time units are "ns", "us" (or "µs"), "ms", "s", "m", "h".' },
    { name: 'update-period', type: 'duration', default: '1m0s', help: 'Time to wait between updating pods. Valid time units are "ns", "us" (or "µs"), "ms", "s", "m", "h".' },
    { name: 'validate', type: 'bool', default: true, help: 'If true, use a schema to validate the input before sending it' },
  ],
  run,
};
