/**
 * `kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME)`: resolves the objects
 * as kubectl's builder does, then prints each with its kind's describer (describe/), separated by a
 * blank line. `TYPE NAME` that is not found falls back to every object whose name starts with NAME.
 */
import { isNotFound } from '../../api/errors.js';
import { selectResources } from '../builder.js';
import { describerFor, type DescribeContext } from '../describe/index.js';
import { AggregateCliError, CliError, errorMessage } from '../errors.js';
import type { Command, CommandContext, ResourceInfo } from '../types.js';

function describeContext(ctx: CommandContext): DescribeContext {
  return {
    client: ctx.factory.client(),
    settings: { showEvents: ctx.flags.bool('show-events'), chunkSize: ctx.flags.int('chunk-size') },
    now: Date.now,
  };
}

const describeInfo = (dc: DescribeContext, info: ResourceInfo): Promise<string> => describerFor(info.mapping)(dc, info.namespace, info.name);

/**
 * kubectl's DescribeMatchingResources: `TYPE PREFIX` (or `TYPE/NAME PREFIX`) lists the type in the
 * namespace and describes each object whose name starts with PREFIX; none → the original error.
 */
async function describeMatching(ctx: CommandContext, dc: DescribeContext, original: unknown, resource: string, prefix: string): Promise<void> {
  if (resource.split('/')[0]?.includes(',')) throw new CliError('you may only specify a single resource type');
  const { infos, errors } = await selectResources(ctx.factory, [resource], { fetch: true });
  if (errors.length > 0) throw errors[0];
  let found = false;
  for (const info of infos) {
    if (!info.name.startsWith(prefix)) continue;
    found = true;
    ctx.streams.stdout.write(`${await describeInfo(dc, info)}\n`);
  }
  if (!found) throw original;
}

async function run(ctx: CommandContext): Promise<number | void> {
  const { flags, args } = ctx;
  const filenames = flags.strings('filename');
  if (flags.string('kustomize')) throw new CliError('--kustomize is not supported by k8ts kubectl');
  if (args.length === 0 && filenames.length === 0) {
    throw new CliError('You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.');
  }
  const allNamespaces = flags.bool('all-namespaces');
  const named = args.length > 1 || args.some((a) => a.includes('/'));
  if (allNamespaces && named && filenames.length === 0) throw new CliError('a resource cannot be retrieved by name across all namespaces');
  const dc = describeContext(ctx);
  const { infos, errors } = await selectResources(ctx.factory, args, {
    filenames,
    recursive: flags.bool('recursive'),
    selector: flags.string('selector') || undefined,
    allNamespaces,
    // Named objects are read first, so that a missing one is reported (or prefix-matched) up front.
    fetch: filenames.length === 0,
  });
  // One missing object named as `TYPE NAME`: kubectl tries NAME as a prefix.
  if (errors.length === 1 && isNotFound(errors[0]) && args.length === 2) {
    return describeMatching(ctx, dc, errors[0], args[0] ?? '', args[1] ?? '');
  }
  const all: unknown[] = [...errors];
  const seen = new Set<string>();
  let first = true;
  for (const info of infos) {
    let text: string;
    try {
      text = await describeInfo(dc, info);
    } catch (e) {
      const key = errorMessage(e);
      if (!seen.has(key)) all.push(e);
      seen.add(key);
      continue;
    }
    ctx.streams.stdout.write(first ? text : `\n\n${text}`);
    first = false;
  }
  if (infos.length === 0 && all.length === 0) {
    ctx.streams.stderr.write(allNamespaces ? 'No resources found\n' : `No resources found in ${ctx.factory.namespace().namespace} namespace.\n`);
  }
  if (all.length === 1) throw all[0];
  if (all.length > 1) throw new AggregateCliError(all);
}

export const command: Command = {
  name: 'describe',
  short: 'Show details of a specific resource or group of resources',
  usage: 'kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME)',
  long: `Show details of a specific resource or group of resources.

 Print a detailed description of the selected resources, including related resources such as events or controllers. You may select a single object by name, all objects of that type, provide a name prefix, or label selector. For example:

        $ kubectl describe TYPE NAME_PREFIX

 will first check for an exact match on TYPE and NAME_PREFIX. If no such resource exists, it will output details for every resource that has a name prefixed with NAME_PREFIX.

Use "kubectl api-resources" for a complete list of supported resources.`,
  examples: `  # Describe a node
  kubectl describe nodes kubernetes-node-emt8.c.myproject.internal

  # Describe a pod
  kubectl describe pods/nginx

  # Describe a pod identified by type and name in "pod.json"
  kubectl describe -f pod.json

  # Describe all pods
  kubectl describe pods

  # Describe pods by label name=myLabel
  kubectl describe pods -l name=myLabel

  # Describe all pods managed by the 'frontend' replication controller
  # (rc-created pods get the name of the rc as a prefix in the pod name)
  kubectl describe pods frontend`,
  flags: [
    { name: 'all-namespaces', short: 'A', type: 'bool', default: false, help: 'If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.' },
    { name: 'chunk-size', type: 'int', default: 500, help: 'Return large lists in chunks rather than all at once. Pass 0 to disable. This flag is beta and may change in the future.' },
    { name: 'filename', short: 'f', type: 'strings', default: [], help: 'Filename, directory, or URL to files containing the resource to describe' },
    { name: 'kustomize', short: 'k', type: 'string', default: '', help: "Process the kustomization directory. This flag can't be used together with -f or -R." },
    { name: 'recursive', short: 'R', type: 'bool', default: false, help: 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.' },
    { name: 'selector', short: 'l', type: 'string', default: '', help: "Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints." },
    { name: 'show-events', type: 'bool', default: true, help: 'If true, display events related to the described object.' },
  ],
  run,
};
