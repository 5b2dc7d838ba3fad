/** `kubectl rollout status (TYPE NAME | TYPE/NAME) [flags]`: follows a rollout until it is done. */
import { CliError } from '../../errors.js';
import type { Command, CommandContext } from '../../types.js';
import { filenameFlags, selectorFlag } from '../../workloads/common.js';
import { noResources, selectInfos, throwErrors } from '../../workloads/select.js';
import { statusViewerFor } from '../../workloads/status.js';
import { untilWithSync, WaitTimeoutError } from '../../workloads/until.js';

async function run(ctx: CommandContext): Promise<void> {
  const { flags } = ctx;
  if (ctx.args.length === 0 && flags.strings('filename').length === 0) throw new CliError('required resource not specified');
  const revision = flags.int('revision');
  if (revision < 0) throw new CliError(`revision must be a positive integer: ${revision}`);
  const { infos, errors } = await selectInfos(ctx, ctx.args, { allowEmptySelector: true });
  const watch = flags.bool('watch');
  for (const info of infos) {
    const viewer = statusViewerFor(info.mapping.group, info.mapping.kind);
    try {
      await untilWithSync(ctx.factory, info.mapping, { namespace: info.namespace, name: info.name, timeoutMs: flags.duration('timeout') }, (ev) => {
        if (ev.type === 'DELETED') throw new CliError('object has been deleted');
        if (ev.type === 'ERROR') throw new CliError(`internal error: unexpected event ${JSON.stringify(ev)}`);
        const status = viewer(ev.object, revision);
        ctx.streams.stdout.write(status.message);
        return status.done || !watch;
      });
    } catch (e) {
      if (e instanceof WaitTimeoutError) throw new CliError(e.message);
      throw e;
    }
  }
  throwErrors(errors);
  if (infos.length === 0) noResources(ctx);
}

export const status: Command = {
  name: 'status',
  short: 'Show the status of the rollout',
  long: `Show the status of the rollout.

 By default 'rollout status' will watch the status of the latest rollout until it's done. If you don't want to wait for the rollout to finish then you can use --watch=false. Note that if a new rollout starts in-between, then 'rollout status' will continue watching the latest revision. If you want to pin to a specific revision and abort if it is rolled over by another revision, use --revision=N where N is the revision you need to watch for.`,
  usage: 'kubectl rollout status (TYPE NAME | TYPE/NAME) [flags]',
  examples: `  # Watch the rollout status of a deployment
  kubectl rollout status deployment/nginx`,
  flags: [
    ...filenameFlags('identifying the resource to get from a server.'),
    { name: 'revision', type: 'int', default: 0, help: 'Pin to a specific revision for showing its status. Defaults to 0 (last revision).' },
    selectorFlag,
    { name: 'timeout', type: 'duration', default: '0s', help: 'The length of time to wait before ending watch, zero means never. Any other values should contain a corresponding time unit (e.g. 1s, 2m, 3h).' },
    { name: 'watch', short: 'w', type: 'bool', default: true, help: "Watch the status of the rollout until it's done." },
  ],
  run,
};
