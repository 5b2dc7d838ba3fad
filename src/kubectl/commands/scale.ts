/** `kubectl scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME)`. */
import { errorText } from '../../util/errors.js';
import { CliError } from '../errors.js';
import type { Command, CommandContext } from '../types.js';
import { dryRunFlag, dryRunStrategy, requireFlag, filenameFlags, outputFlags, printObject, selectorFlag } from '../workloads/common.js';
import { scale } from '../workloads/scaler.js';
import { selectInfos, throwErrors } from '../workloads/select.js';

async function run(ctx: CommandContext): Promise<void> {
  const { flags } = ctx;
  // cobra checks required flags before the command runs.
  requireFlag(flags, 'replicas');
  const dryRun = dryRunStrategy(flags);
  const replicas = flags.int('replicas');
  const current = flags.int('current-replicas');
  if (replicas < 0) throw new CliError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  if (current < -1) throw new CliError('The --current-replicas must specify an integer of -1 or greater');
  const { infos, errors } = await selectInfos(ctx, ctx.args, { all: true });
  const resourceVersion = flags.string('resource-version');
  if (resourceVersion !== '' && infos.length > 1) throw new CliError('cannot use --resource-version with multiple resources');
  if (infos.length === 0) {
    const texts = errors.map(errorText);
    const why = texts.length === 0 ? '' : texts.length === 1 ? ` ${texts[0] ?? ''}` : ` [${texts.join(', ')}]`;
    throw new CliError(`no objects passed to scale${why}`);
  }
  // A precondition makes the scaler read the Scale first; without one it sends a blind patch.
  const precondition = current !== -1 || resourceVersion !== '' ? { size: current, resourceVersion } : undefined;
  const timeout = flags.duration('timeout');
  for (const info of infos) {
    const object = info.object ?? { metadata: { name: info.name } };
    if (dryRun === 'client') {
      printObject(ctx, info.mapping, object, 'scaled', dryRun);
      continue;
    }
    await scale(ctx.factory, {
      mapping: info.mapping,
      namespace: info.namespace,
      name: info.name,
      replicas,
      precondition,
      dryRun: dryRun === 'server',
      retryTimeoutMs: 5 * 60_000,
      waitTimeoutMs: dryRun === 'none' ? timeout : 0,
    });
    // kubectl prints the object as it read it before scaling.
    printObject(ctx, info.mapping, object, 'scaled', dryRun);
  }
  throwErrors(errors);
}

export const command: Command = {
  name: 'scale',
  short: 'Set a new size for a deployment, replica set, or replication controller',
  long: `Set a new size for a deployment, replica set, replication controller, or stateful set.

 Scale also allows users to specify one or more preconditions for the scale action.

 If --current-replicas or --resource-version is specified, it is validated before the scale is attempted, and it is guaranteed that the precondition holds true when the scale is sent to the server.`,
  usage: 'kubectl scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME)',
  examples: `  # Scale a replica set named 'foo' to 3
  kubectl scale --replicas=3 rs/foo

  # Scale a resource identified by type and name specified in "foo.yaml" to 3
  kubectl scale --replicas=3 -f foo.yaml

  # If the deployment named mysql's current size is 2, scale mysql to 3
  kubectl scale --current-replicas=2 --replicas=3 deployment/mysql

  # Scale multiple replication controllers
  kubectl scale --replicas=5 rc/example1 rc/example2 rc/example3

  # Scale stateful set named 'web' to 3
  kubectl scale --replicas=3 statefulset/web`,
  flags: [
    { name: 'all', type: 'bool', help: 'Select all resources in the namespace of the specified resource types' },
    ...outputFlags,
    { name: 'current-replicas', type: 'int', default: -1, help: 'Precondition for current size. Requires that the current size of the resource match this value in order to scale. -1 (default) for no condition.' },
    dryRunFlag,
    ...filenameFlags('identifying the resource to set a new size'),
    { name: 'record', type: 'bool', hidden: true, help: 'Record current kubectl command in the resource annotation.' },
    { name: 'replicas', type: 'int', default: 0, help: 'The new desired number of replicas. Required.' },
    { name: 'resource-version', type: 'string', help: 'Precondition for resource version. Requires that the current resource version match this value in order to scale.' },
    selectorFlag,
    { name: 'timeout', type: 'duration', default: '0s', help: "The length of time to wait before giving up on a scale operation, zero means don't wait. Any other values should contain a corresponding time unit (e.g. 1s, 2m, 3h)." },
  ],
  run,
};
