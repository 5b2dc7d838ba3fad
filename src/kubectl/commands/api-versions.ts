/** `kubectl api-versions`: every served group version, sorted, from fresh discovery. */
import { UsageError } from '../errors.js';
import type { Command } from '../types.js';
import { freshMapper } from './discovery-fresh.js';

export const command: Command = {
  name: 'api-versions',
  short: 'Print the supported API versions on the server, in the form of "group/version"',
  long: 'Print the supported API versions on the server, in the form of "group/version".',
  usage: 'kubectl api-versions',
  examples: '  # Print the supported API versions\n  kubectl api-versions',
  async run(ctx) {
    if (ctx.args.length > 0) throw new UsageError(`unexpected arguments: [${ctx.args.join(' ')}]`);
    const versions = (await freshMapper(ctx.factory)).groupVersions();
    ctx.streams.stdout.write([...versions].sort().map((v) => `${v}\n`).join(''));
  },
};
