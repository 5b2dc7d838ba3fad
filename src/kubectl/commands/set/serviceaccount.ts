/** `kubectl set serviceaccount (-f FILENAME | TYPE NAME) SERVICE_ACCOUNT`: the pod template's service account. */
import { CliError } from '../../errors.js';
import type { Command, CommandContext } from '../../types.js';
import { applySet, setFlags, setInfos } from './shared.js';

async function run(ctx: CommandContext): Promise<void> {
  const name = ctx.args[ctx.args.length - 1];
  if (name === undefined) throw new CliError('serviceaccount is required');
  const infos = await setInfos(ctx, ctx.args.slice(0, -1));
  await applySet(ctx, infos, {
    operation: 'serviceaccount updated',
    failure: 'failed to patch ServiceAccountName ',
    errors: [],
    keepEmpty: true,
    mutate: (spec) => {
      spec.serviceAccountName = name;
    },
  });
}

export const serviceaccount: Command = {
  name: 'serviceaccount',
  aliases: ['sa'],
  short: 'Update the service account of a resource',
  long: `Update the service account of pod template resources.

 Possible resources (case insensitive) can be:

 replicationcontroller (rc), deployment (deploy), daemonset (ds), job, replicaset (rs), statefulset`,
  usage: 'kubectl set serviceaccount (-f FILENAME | TYPE NAME) SERVICE_ACCOUNT',
  examples: `  # Set deployment nginx-deployment's service account to serviceaccount1
  kubectl set serviceaccount deployment nginx-deployment serviceaccount1

  # Print the result (in YAML format) of updated nginx deployment with the service account from local file, without hitting the API server
  kubectl set sa -f nginx-deployment.yaml serviceaccount1 --local --dry-run=client -o yaml`,
  flags: setFlags('identifying the resource to get from a server.', []).filter((f) => f.name !== 'selector'),
  run,
};
