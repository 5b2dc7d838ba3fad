/** `kubectl set resources (-f FILENAME | TYPE NAME) ([--limits=LIMITS & --requests=REQUESTS]`. */
import { QuantityParseError, canonicalizeQuantity } from '../../../api/quantity.js';
import { CliError } from '../../errors.js';
import type { Command, CommandContext } from '../../types.js';
import { dryRunStrategy } from '../../workloads/common.js';
import { selectContainers } from '../../workloads/podspec.js';
import { applySet, setFlags, setInfos } from './shared.js';

/** kubectl's populateResourceListV1: `cpu=100m,memory=256Mi` → canonical quantities. */
export function parseResourceList(spec: string): Record<string, string> | undefined {
  if (spec === '') return undefined;
  const out: Record<string, string> = {};
  for (const statement of spec.split(',')) {
    const parts = statement.split('=');
    if (parts.length !== 2) throw new CliError(`Invalid argument syntax ${statement}, expected <resource>=<value>`);
    try {
      out[parts[0] ?? ''] = canonicalizeQuantity(parts[1] ?? '');
    } catch (e) {
      if (e instanceof QuantityParseError) throw new CliError(e.message);
      throw e;
    }
  }
  return out;
}

async function run(ctx: CommandContext): Promise<void> {
  const { flags } = ctx;
  dryRunStrategy(flags);
  const infos = await setInfos(ctx, ctx.args);
  if (flags.bool('all') && flags.string('selector') !== '') throw new CliError('cannot set --all and --selector at the same time');
  const limitsText = flags.string('limits');
  const requestsText = flags.string('requests');
  if (limitsText === '' && requestsText === '') throw new CliError('you must specify an update to requests or limits (in the form of --requests/--limits)');
  const limits = parseResourceList(limitsText);
  const requests = parseResourceList(requestsText);
  const pattern = flags.string('containers');
  const errors: unknown[] = [];
  await applySet(ctx, infos, {
    operation: 'resource requirements updated',
    failure: 'failed to patch resources update to pod template ',
    errors,
    mutate: (spec) => {
      const containers = selectContainers(spec, pattern);
      if (containers.length === 0) {
        errors.push(new CliError(`error: unable to find container named ${pattern}`, { raw: true }));
        return false;
      }
      for (const c of containers) {
        const r = (c.resources ??= {});
        if (limits) r.limits = { ...r.limits, ...limits };
        if (requests) r.requests = { ...r.requests, ...requests };
      }
      return true;
    },
  });
}

export const resources: Command = {
  name: 'resources',
  short: 'Update resource requests/limits on objects with pod templates',
  long: `Specify compute resource requirements (CPU, memory) for any resource that defines a pod template.  If a pod is successfully scheduled, it is guaranteed the amount of resource requested, but may burst up to its specified limits.

 For each compute resource, if a limit is specified and a request is omitted, the request will default to the limit.

 Possible resources include (case insensitive): Use "kubectl api-resources" for a complete list of supported resources..`,
  usage: 'kubectl set resources (-f FILENAME | TYPE NAME)  ([--limits=LIMITS & --requests=REQUESTS]',
  examples: `  # Set a deployments nginx container cpu limits to "200m" and memory to "512Mi"
  kubectl set resources deployment nginx -c=nginx --limits=cpu=200m,memory=512Mi

  # Set the resource request and limits for all containers in nginx
  kubectl set resources deployment nginx --limits=cpu=200m,memory=512Mi --requests=cpu=100m,memory=256Mi

  # Remove the resource requests for resources on containers in nginx
  kubectl set resources deployment nginx --limits=cpu=0,memory=0 --requests=cpu=0,memory=0

  # Print the result (in yaml format) of updating nginx container limits from a local, without hitting the server
  kubectl set resources -f path/to/file.yaml --limits=cpu=200m,memory=512Mi --local -o yaml`,
  flags: setFlags('identifying the resource to get from a server.', [
    { name: 'containers', short: 'c', type: 'string', default: '*', help: 'The names of containers in the selected pod templates to change, all containers are selected by default - may use wildcards' },
    { name: 'limits', type: 'string', help: "The resource requirement requests for this container.  For example, 'cpu=100m,memory=256Mi'.  Note that server side components may assign requests depending on the server configuration, such as limit ranges." },
    { name: 'requests', type: 'string', help: "The resource requirement requests for this container.  For example, 'cpu=100m,memory=256Mi'.  Note that server side components may assign requests depending on the server configuration, such as limit ranges." },
  ]),
  run,
};
