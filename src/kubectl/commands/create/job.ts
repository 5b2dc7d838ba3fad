/** `kubectl create job NAME (--image=image [-- COMMAND args…] | --from=cronjob/NAME)`. */
import { CliError } from '../../errors.js';
import { selectResources } from '../../builder.js';
import type { KubeObject } from '../../../client/types.js';
import type { Command } from '../../types.js';
import { generatorFlags, nameFromArgs, requireFlags } from './options.js';
import { createGenerated } from './run.js';

interface CronJobLike extends KubeObject {
  spec?: { jobTemplate?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown } };
}

const sortedMap = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The Job `--from=cronjob/x` makes: the CronJob's job template, marked manual and owned by it. */
export function jobFromCronJob(name: string, cj: CronJobLike): Record<string, unknown> {
  const tmpl = cj.spec?.jobTemplate ?? {};
  const annotations = sortedMap({ 'cronjob.kubernetes.io/instantiate': 'manual', ...(tmpl.metadata?.annotations ?? {}) });
  const labels = tmpl.metadata?.labels;
  return {
    kind: 'Job',
    apiVersion: 'batch/v1',
    metadata: {
      name,
      creationTimestamp: null,
      labels: labels && Object.keys(labels).length ? sortedMap(labels) : undefined,
      annotations,
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata?.name ?? '', uid: cj.metadata?.uid ?? '', controller: true }],
    },
    spec: tmpl.spec ?? {},
    status: {},
  };
}

/** The Job `--image` makes: one container named after the Job, never restarted. */
export function jobFromImage(name: string, image: string, command: string[] | undefined): Record<string, unknown> {
  return {
    kind: 'Job',
    apiVersion: 'batch/v1',
    metadata: { name, creationTimestamp: null },
    spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [{ name, image, command, resources: {} }], restartPolicy: 'Never' } } },
    status: {},
  };
}

export const job: Command = {
  name: 'job',
  short: 'Create a job with the specified name',
  long: 'Create a job with the specified name.',
  usage: 'kubectl create job NAME --image=image [--from=cronjob/name] -- [COMMAND] [args...]',
  examples: `  # Create a job
  kubectl create job my-job --image=busybox

  # Create a job with a command
  kubectl create job my-job --image=busybox -- date

  # Create a job from a cron job named "a-cronjob"
  kubectl create job test-job --from=cronjob/a-cronjob`,
  flags: generatorFlags([
    { name: 'image', type: 'string', default: '', help: 'Image name to run.' },
    { name: 'from', type: 'string', default: '', help: 'The name of the resource to create a Job from (only cronjob is supported).' },
  ]),
  async run(ctx) {
    const name = nameFromArgs(ctx);
    const image = ctx.flags.string('image');
    const from = ctx.flags.string('from');
    const command = ctx.dashArgs.length > 0 ? ctx.dashArgs : undefined;
    if ((image === '') === (from === '')) throw new CliError('either --image or --from must be specified');
    if (command && from !== '') throw new CliError('cannot specify --from and command');
    let obj: Record<string, unknown>;
    if (image !== '') {
      obj = jobFromImage(name, image, command);
    } else {
      const { infos, errors } = await selectResources(ctx.factory, [from], { fetch: true });
      if (errors.length > 0) throw errors[0];
      const info = infos[0];
      if (infos.length !== 1 || !info) throw new CliError('from must be an existing cronjob');
      if (info.mapping.kind !== 'CronJob' || info.mapping.group !== 'batch') throw new CliError(`unknown object type *${info.mapping.version}.${info.mapping.kind}`);
      obj = jobFromCronJob(name, info.object as CronJobLike);
    }
    await createGenerated(ctx, obj, { group: 'batch', version: 'v1', resource: 'jobs', namespaced: true, errorPrefix: 'failed to create job: ' });
  },
};

export const cronjob: Command = {
  name: 'cronjob',
  aliases: ['cj'],
  short: 'Create a cron job with the specified name',
  long: 'Create a cron job with the specified name.',
  usage: "kubectl create cronjob NAME --image=image --schedule='0/5 * * * ?' -- [COMMAND] [args...]",
  examples: `  # Create a cron job
  kubectl create cronjob my-job --image=busybox --schedule="*/1 * * * *"

  # Create a cron job with a command
  kubectl create cronjob my-job --image=busybox --schedule="*/1 * * * *" -- date`,
  flags: generatorFlags([
    { name: 'image', type: 'string', default: '', help: 'Image name to run.' },
    { name: 'schedule', type: 'string', default: '', help: 'A schedule in the Cron format the job should be run with.' },
    { name: 'restart', type: 'string', default: '', help: "job's restart policy. supported values: OnFailure, Never" },
  ]),
  async run(ctx) {
    requireFlags(ctx.flags, ['image', 'schedule']);
    const name = nameFromArgs(ctx);
    const command = ctx.dashArgs.length > 0 ? ctx.dashArgs : undefined;
    const obj = {
      kind: 'CronJob',
      apiVersion: 'batch/v1',
      metadata: { name, creationTimestamp: null },
      spec: {
        schedule: ctx.flags.string('schedule'),
        jobTemplate: {
          metadata: { name, creationTimestamp: null },
          spec: {
            template: {
              metadata: { creationTimestamp: null },
              spec: { containers: [{ name, image: ctx.flags.string('image'), command, resources: {} }], restartPolicy: ctx.flags.string('restart') || 'OnFailure' },
            },
          },
        },
      },
      status: {},
    };
    await createGenerated(ctx, obj, { group: 'batch', version: 'v1', resource: 'cronjobs', namespaced: true, errorPrefix: 'failed to create cronjob: ' });
  },
};
