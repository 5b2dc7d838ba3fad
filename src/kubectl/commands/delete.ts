/**
 * `kubectl delete ([-f FILE] | TYPE [(NAME | -l label | --all)] | TYPE/NAME)`: DELETE each object
 * with the grace period and propagation policy asked for, print `pod "x" deleted`, carry on past
 * failures (reported at the end), then wait until the objects are really gone, as kubectl 1.32 does.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ApiError } from '../../api/errors.js';
import { resourcePath } from '../../client/paths.js';
import type { KubeObject } from '../../client/types.js';
import { selectResources } from '../builder.js';
import { CliError, isStatus } from '../errors.js';
import type { Command, CommandContext, ResourceInfo, ResourceMapping } from '../types.js';
import { dryRunFlagSpec, dryRunStrategy, throwCollected, type DryRun } from './create/options.js';
import { checkSelection } from './delete/selection.js';
import { waitDeleted } from './delete/wait-deleted.js';

type Propagation = 'Background' | 'Foreground' | 'Orphan';

/** `--cascade`, with the deprecated boolean forms (which warn on stderr). */
export function parseCascade(value: string, warn: (text: string) => void): Propagation {
  const t = /^(1|t|T|TRUE|true|True)$/.test(value);
  const f = /^(0|f|F|FALSE|false|False)$/.test(value);
  if (t || f) {
    warn(`warning: --cascade=${value} is deprecated (boolean value) and can be replaced with --cascade=${t ? 'background' : 'orphan'}.\n`);
    return t ? 'Background' : 'Orphan';
  }
  switch (value) {
    case 'orphan':
      return 'Orphan';
    case 'foreground':
      return 'Foreground';
    case 'background':
      return 'Background';
    default:
      throw new CliError(`invalid cascade value (${value}). Must be "background", "foreground", or "orphan"`);
  }
}

/** `pod`, `deployment.apps`: how delete names a kind in its messages. */
export function kindString(m: Pick<ResourceMapping, 'kind' | 'group'>): string {
  return m.group ? `${m.kind.toLowerCase()}.${m.group}` : m.kind.toLowerCase();
}

/** The grace period after kubectl's adjustments for `--now`, `--force` and `0`. */
export function effectiveGracePeriod(o: { grace: number; now: boolean; force: boolean }): number {
  let grace = o.grace;
  if (o.now) {
    if (grace !== -1) throw new CliError('--now and --grace-period cannot be specified together');
    grace = 1;
  }
  if (grace === 0 && !o.force) grace = 1;
  if (o.force && grace < 0) grace = 0;
  return grace;
}

/** Adds the manifest's path to an error, keeping a Status's reason (cmdutil.AddSourceToErr). */
function withSource(source: string | undefined, e: unknown): unknown {
  if (!source || !(e instanceof ApiError)) return e;
  return new ApiError({ ...e.status, message: `error when deleting ${JSON.stringify(source)}: ${e.status.message ?? e.message}` });
}

async function confirm(ctx: CommandContext, infos: ResourceInfo[]): Promise<boolean> {
  const out = ctx.streams.stdout;
  out.write(`You are about to delete the following ${infos.length} resource(s):\n`);
  for (const i of infos) out.write(`${kindString(i.mapping)}/${i.name}\n`);
  out.write('Do you want to continue? (y/n): ');
  const rl = createInterface({ input: ctx.streams.stdin });
  try {
    for await (const line of rl) {
      const word = line.trim().split(/\s+/)[0] ?? '';
      if (word !== '') return word.toLowerCase() === 'y';
    }
    return false;
  } finally {
    rl.close();
  }
}

async function rawDelete(ctx: CommandContext, uri: string, filenames: string[]): Promise<void> {
  if (ctx.flags.bool('interactive')) throw new CliError('--interactive can not be used with --raw');
  if (filenames.length > 1) throw new CliError('--raw can only use a single local file or stdin');
  if (/^https?:\/\//.test(filenames[0] ?? '')) throw new CliError('--raw cannot read from a url');
  if (ctx.flags.bool('recursive')) throw new CliError('--raw and --recursive are mutually exclusive');
  if (ctx.flags.string('output') !== '') throw new CliError('--raw and --output are mutually exclusive');
  let body: string | undefined;
  if (filenames[0] !== undefined) {
    body = readFileSync(filenames[0] === '-' ? 0 : filenames[0], 'utf8');
  }
  const res = await ctx.factory.client().stream({ method: 'DELETE', path: uri, body });
  for await (const chunk of res) ctx.streams.stdout.write(chunk as Buffer);
}

async function runDelete(ctx: CommandContext): Promise<number | void> {
  const { flags, streams } = ctx;
  const propagation = parseCascade(flags.string('cascade'), (t) => streams.stderr.write(t));
  const filenames = flags.strings('filename');
  const selector = flags.string('selector');
  const fieldSelector = flags.string('field-selector');
  const all = flags.bool('all');
  const allNamespaces = flags.bool('all-namespaces');
  const force = flags.bool('force');
  const { explicit } = ctx.factory.namespace();
  let warnClusterScope = explicit && !allNamespaces;
  const ignoreNotFound = flags.has('ignore-not-found') ? flags.bool('ignore-not-found') : all || selector !== '' || fieldSelector !== '';
  const grace = effectiveGracePeriod({ grace: flags.int('grace-period'), now: flags.bool('now'), force });
  const dryRun: DryRun = dryRunStrategy(flags, streams.stderr);
  const raw = flags.string('raw');
  if (raw === '') checkSelection(ctx.args, { all, selector, fieldSelector, filenames });
  const output = flags.string('output');
  if (output !== '' && output !== 'name') throw new CliError(`unexpected -o output mode: ${output}. We only support '-o name'`);
  if (grace === 0 && force) {
    streams.stderr.write('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n');
  } else if (grace > 0 && force) {
    throw new CliError('--force and --grace-period greater than 0 cannot be specified together');
  }
  if (raw !== '') return rawDelete(ctx, raw, filenames);

  const selected = await selectResources(ctx.factory, ctx.args, { filenames, recursive: flags.bool('recursive'), selector, fieldSelector, all, allNamespaces });
  const errors: unknown[] = selected.errors.filter((e) => !(ignoreNotFound && isStatus(e, 404)));
  let infos = selected.infos;
  if (flags.bool('interactive')) {
    if (infos.length === 0) {
      streams.stdout.write('No resources found\n');
      return;
    }
    if (!(await confirm(ctx, infos))) {
      streams.stdout.write('deletion is cancelled\n');
      return;
    }
  }
  const operation = `${grace === 0 ? 'force deleted' : 'deleted'}${dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : ''}`;
  const print = (info: ResourceInfo) => streams.stdout.write(output === 'name' ? `${kindString(info.mapping)}/${info.name}\n` : `${kindString(info.mapping)} "${info.name}" ${operation}\n`);
  const deleted: ResourceInfo[] = [];
  const uids = new Map<ResourceInfo, string | undefined>();
  for (const info of infos) {
    if (warnClusterScope && !info.mapping.namespaced) {
      streams.stderr.write('Warning: deleting cluster-scoped resources, not scoped to the provided namespace\n');
      warnClusterScope = false;
    }
    if (dryRun === 'client') {
      deleted.push(info);
      print(info);
      continue;
    }
    // Counted before the DELETE, as kubectl does: a not-found ignored still counts as found.
    deleted.push(info);
    let res: KubeObject & { details?: { uid?: string } };
    try {
      res = await ctx.factory.client().request({
        method: 'DELETE',
        path: resourcePath(info.mapping, { namespace: info.namespace || undefined, name: info.name }),
        query: dryRun === 'server' ? { dryRun: 'All' } : undefined,
        body: { kind: 'DeleteOptions', apiVersion: 'v1', ...(grace >= 0 ? { gracePeriodSeconds: grace } : {}), propagationPolicy: propagation },
      });
    } catch (e) {
      if (!(ignoreNotFound && isStatus(e, 404))) errors.push(withSource(info.source, e));
      continue;
    }
    print(info);
    uids.set(info, res.kind === 'Status' ? res.details?.uid : res.metadata?.uid);
  }
  infos = deleted;
  throwCollected(errors);
  if (infos.length === 0) {
    streams.stdout.write('No resources found\n');
    return;
  }
  if (!flags.bool('wait') || dryRun !== 'none') return;
  await waitDeleted(ctx.factory, infos, { timeoutMs: flags.duration('timeout'), uids });
}

export const command: Command = {
  name: 'delete',
  short: 'Delete resources by file names, stdin, resources and names, or by resources and label selector',
  long: `Delete resources by file names, stdin, resources and names, or by resources and label selector.

 JSON and YAML formats are accepted. Only one type of argument may be specified: file names, resources and names, or resources and label selector.

 Some resources, such as pods, support graceful deletion. These resources define a default period before they are forcibly terminated (the grace period) but you may override that value with the --grace-period flag, or pass --now to set a grace-period of 1. Because these resources often represent entities in the cluster, deletion may not be acknowledged immediately. If the node hosting a pod is down or cannot reach the API server, termination may take significantly longer than the grace period. To force delete a resource, you must specify the --force flag. Note: only a subset of resources support graceful deletion. In absence of the support, the --grace-period flag is ignored.

 IMPORTANT: Force deleting pods does not wait for confirmation that the pod's processes have been terminated, which can leave those processes running until the node detects the deletion and completes graceful deletion. If your processes use shared storage or talk to a remote API and depend on the name of the pod to identify themselves, force deleting those pods may result in multiple processes running on different machines using the same identification which may lead to data corruption or inconsistency. Only force delete pods when you are sure the pod is terminated, or if your application can tolerate multiple copies of the same pod running at once. Also, if you force delete pods, the scheduler may place new pods on those nodes before the node has released those resources and causing those pods to be evicted immediately.

 Note that the delete command does NOT do resource version checks, so if someone submits an update to a resource right when you submit a delete, their update will be lost along with the rest of the resource.

 After a CustomResourceDefinition is deleted, invalidation of discovery cache may take up to 6 hours. If you don't want to wait, you might want to run "kubectl api-resources" to refresh the discovery cache.`,
  usage: 'kubectl delete ([-f FILENAME] | [-k DIRECTORY] | TYPE [(NAME | -l label | --all)])',
  examples: `  # Delete a pod using the type and name specified in pod.json
  kubectl delete -f ./pod.json

  # Delete a pod based on the type and name in the JSON passed into stdin
  cat pod.json | kubectl delete -f -

  # Delete pods and services with same names "baz" and "foo"
  kubectl delete pod,service baz foo

  # Delete pods and services with label name=myLabel
  kubectl delete pods,services -l name=myLabel

  # Delete a pod with minimal delay
  kubectl delete pod foo --now

  # Force delete a pod on a dead node
  kubectl delete pod foo --force

  # Delete all pods
  kubectl delete pods --all

  # Delete all pods only if the user confirms the deletion
  kubectl delete pods --all --interactive`,
  flags: [
    { name: 'filename', short: 'f', type: 'strings', default: [], help: 'containing the resource to delete.' },
    { name: 'kustomize', short: 'k', type: 'string', default: '', help: 'Process a kustomization directory. This flag can\'t be used together with -f or -R.' },
    { name: 'recursive', short: 'R', type: 'bool', default: false, help: 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.' },
    { name: 'selector', short: 'l', type: 'string', default: '', help: "Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints." },
    { name: 'field-selector', type: 'string', default: '', help: "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type." },
    { name: 'all', type: 'bool', default: false, help: 'Delete all resources, in the namespace of the specified resource types.' },
    { name: 'all-namespaces', short: 'A', type: 'bool', default: false, help: 'If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.' },
    { name: 'force', type: 'bool', default: false, help: 'If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation.' },
    { name: 'cascade', type: 'string', default: 'background', noOptDefault: 'background', help: 'Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy for the dependents (e.g. Pods created by a ReplicationController). Defaults to background.' },
    { name: 'now', type: 'bool', default: false, help: 'If true, resources are signaled for immediate shutdown (same as --grace-period=1).' },
    { name: 'grace-period', type: 'int', default: -1, help: 'Period of time in seconds given to the resource to terminate gracefully. Ignored if negative. Set to 1 for immediate shutdown. Can only be set to 0 when --force is true (force deletion).' },
    { name: 'timeout', type: 'duration', default: '0s', help: 'The length of time to wait before giving up on a delete, zero means determine a timeout from the size of the object' },
    { name: 'ignore-not-found', type: 'bool', default: false, help: 'Treat "resource not found" as a successful delete. Defaults to "true" when --all is specified.' },
    { name: 'wait', type: 'bool', default: true, help: 'If true, wait for resources to be gone before returning. This waits for finalizers.' },
    { name: 'output', short: 'o', type: 'string', default: '', help: 'Output mode. Use "-o name" for shorter output (resource/name).' },
    { name: 'raw', type: 'string', default: '', help: 'Raw URI to DELETE to the server.  Uses the transport specified by the kubeconfig file.' },
    { name: 'interactive', short: 'i', type: 'bool', default: false, help: 'If true, delete resource only when user confirms.' },
    dryRunFlagSpec,
  ],
  run: runDelete,
};
