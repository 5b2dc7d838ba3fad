/** `kubectl cordon NODE | -l selector` and `kubectl uncordon …`: mark nodes (un)schedulable. */
import type { Command, CommandContext, FlagSpec } from '../types.js';
import { dryRunFlagSpec, dryRunStrategy } from './create/options.js';
import { checkNodeArgs, cordonNodes, selectNodes } from './drain/nodes.js';

/** `-l/--selector`, as cmdutil.AddLabelSelectorFlagVar declares it. */
export const selectorFlagSpec: FlagSpec = {
  name: 'selector',
  short: 'l',
  type: 'string',
  default: '',
  help: "Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.",
};

async function run(ctx: CommandContext, desired: boolean): Promise<void> {
  checkNodeArgs(ctx);
  const dryRun = dryRunStrategy(ctx.flags, ctx.streams.stderr);
  const nodes = await selectNodes(ctx.factory, ctx.args, ctx.flags.string('selector'));
  await cordonNodes(ctx.factory, nodes, desired, dryRun);
}

export const command: Command = {
  name: 'cordon',
  short: 'Mark node as unschedulable',
  long: 'Mark node as unschedulable.',
  usage: 'kubectl cordon NODE',
  examples: `  # Mark node "foo" as unschedulable
  kubectl cordon foo`,
  flags: [dryRunFlagSpec, selectorFlagSpec],
  run: (ctx) => run(ctx, true),
};

export const uncordon: Command = {
  name: 'uncordon',
  short: 'Mark node as schedulable',
  long: 'Mark node as schedulable.',
  usage: 'kubectl uncordon NODE',
  examples: `  # Mark node "foo" as schedulable
  kubectl uncordon foo`,
  flags: [dryRunFlagSpec, selectorFlagSpec],
  run: (ctx) => run(ctx, false),
};
