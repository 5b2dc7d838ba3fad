/** `kubectl rollout undo (TYPE NAME | TYPE/NAME) [flags]`: rolls back to the previous or a given revision. */
import { CliError } from '../../errors.js';
import type { Command, CommandContext } from '../../types.js';
import { dryRunFlag, dryRunStrategy, filenameFlags, outputFlags, printObject, selectorFlag } from '../../workloads/common.js';
import { rollback } from '../../workloads/history.js';
import { selectInfos, throwErrors } from '../../workloads/select.js';

async function run(ctx: CommandContext): Promise<void> {
  const { flags } = ctx;
  const dryRun = dryRunStrategy(flags);
  if (ctx.args.length === 0 && flags.strings('filename').length === 0) throw new CliError('required resource not specified');
  const { infos, errors } = await selectInfos(ctx, ctx.args, { allowEmptySelector: true });
  for (const info of infos) {
    const object = info.object ?? { metadata: { name: info.name, namespace: info.namespace } };
    const result = await rollback(ctx.factory, info.mapping, object, flags.int('to-revision'), dryRun);
    printObject(ctx, info.mapping, object, result, dryRun);
  }
  throwErrors(errors);
}

export const undo: Command = {
  name: 'undo',
  short: 'Undo a previous rollout',
  long: 'Roll back to a previous rollout.',
  usage: 'kubectl rollout undo (TYPE NAME | TYPE/NAME) [flags]',
  examples: `  # Roll back to the previous deployment
  kubectl rollout undo deployment/abc

  # Roll back to daemonset revision 3
  kubectl rollout undo daemonset/abc --to-revision=3

  # Roll back to the previous deployment with dry-run
  kubectl rollout undo --dry-run=server deployment/abc`,
  flags: [
    ...outputFlags,
    dryRunFlag,
    ...filenameFlags('identifying the resource to get from a server.'),
    selectorFlag,
    { name: 'to-revision', type: 'int', default: 0, help: 'The revision to rollback to. Default to 0 (last revision).' },
  ],
  run,
};
