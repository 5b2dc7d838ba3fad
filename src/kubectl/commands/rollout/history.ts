/** `kubectl rollout history (TYPE NAME | TYPE/NAME) [flags]`: the revisions, or one revision's template. */
import type { KubeObject } from '../../../client/types.js';
import { qualifiedName } from '../../builder.js';
import { CliError } from '../../errors.js';
import { formatObjects } from '../../printers/output.js';
import type { Command, CommandContext } from '../../types.js';
import { filenameFlags, outputFlags, outputFormat, selectorFlag } from '../../workloads/common.js';
import { historyKind, historyObjects, viewHistory } from '../../workloads/history.js';
import { selectInfos, throwErrors } from '../../workloads/select.js';

function printEach(ctx: CommandContext, objects: KubeObject[]): void {
  const output = outputFormat(ctx.flags);
  for (const obj of objects) {
    // Each object goes through the printer on its own, as kubectl calls PrintObj per revision.
    ctx.streams.stdout.write(formatObjects([obj], output, { single: true, template: ctx.flags.has('template') ? ctx.flags.string('template') : undefined, showManagedFields: ctx.flags.bool('show-managed-fields') }));
  }
}

async function run(ctx: CommandContext): Promise<void> {
  const { flags } = ctx;
  if (ctx.args.length === 0 && flags.strings('filename').length === 0) throw new CliError('required resource not specified');
  const revision = flags.int('revision');
  if (revision < 0) throw new CliError(`revision must be a positive integer: ${revision}`);
  const { infos, errors } = await selectInfos(ctx, ctx.args, { allowEmptySelector: true });
  for (const info of infos) {
    const kind = historyKind(info.mapping, 'history');
    if (outputFormat(flags) !== '') {
      const objects = await historyObjects(ctx.factory, kind, info.namespace, info.name);
      if (revision > 0) {
        const one = objects.get(revision);
        printEach(ctx, one ? [one] : []);
      } else {
        printEach(ctx, [...objects.values()]);
      }
      continue;
    }
    const text = await viewHistory(ctx.factory, kind, info.namespace, info.name, revision);
    const withRevision = revision > 0 ? `with revision #${revision}` : '';
    ctx.streams.stdout.write(`${qualifiedName(info.mapping, info.name)} ${withRevision}\n${text}\n`);
  }
  throwErrors(errors);
}

export const history: Command = {
  name: 'history',
  short: 'View rollout history',
  long: 'View previous rollout revisions and configurations.',
  usage: 'kubectl rollout history (TYPE NAME | TYPE/NAME) [flags]',
  examples: `  # View the rollout history of a deployment
  kubectl rollout history deployment/abc

  # View the details of daemonset revision 3
  kubectl rollout history daemonset/abc --revision=3`,
  flags: [
    ...outputFlags,
    ...filenameFlags('identifying the resource to get from a server.'),
    { name: 'revision', type: 'int', default: 0, help: 'See the details, including podTemplate of the revision specified' },
    selectorFlag,
  ],
  run,
};
