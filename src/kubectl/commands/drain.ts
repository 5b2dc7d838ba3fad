/**
 * `kubectl drain NODE | -l selector`: cordon the nodes, then evict (or delete) their pods and wait
 * for them to go, as kubectl's RunDrain does. A node that cannot be drained is reported and the
 * others continue; the errors are printed once more at the end, and the exit code is 1.
 */
import { realClock } from '../../client/clock.js';
import { CliError } from '../errors.js';
import { printAction } from '../printers/output.js';
import type { Command, CommandContext } from '../types.js';
import { selectorFlagSpec } from './cordon.js';
import { dryRunFlagSpec, dryRunStrategy } from './create/options.js';
import { canonicalSelector, deleteOrEvictPods, podsForDeletion, type DrainIO, type DrainOptions } from './drain/evict.js';
import { aggregateOf, checkErrError, goErrorText, printWarning } from './drain/go-text.js';
import { checkNodeArgs, cordonNodes, printedDryRun, selectNodes } from './drain/nodes.js';

const LONG = `Drain node in preparation for maintenance.

 The given node will be marked unschedulable to prevent new pods from arriving. 'drain' evicts the pods if the API server supports https://kubernetes.io/docs/concepts/workloads/pods/disruptions/ eviction https://kubernetes.io/docs/concepts/workloads/pods/disruptions/ . Otherwise, it will use normal DELETE to delete the pods. The 'drain' evicts or deletes all pods except mirror pods (which cannot be deleted through the API server).  If there are daemon set-managed pods, drain will not proceed without --ignore-daemonsets, and regardless it will not delete any daemon set-managed pods, because those pods would be immediately replaced by the daemon set controller, which ignores unschedulable markings.  If there are any pods that are neither mirror pods nor managed by a replication controller, replica set, daemon set, stateful set, or job, then drain will not delete any pods unless you use --force.  --force will also allow deletion to proceed if the managing resource of one or more pods is missing.

 'drain' waits for graceful termination. You should not operate on the machine until the command completes.

 When you are ready to put the node back into service, use kubectl uncordon, which will make the node schedulable again.

https://kubernetes.io/images/docs/kubectl_drain.svg Workflowhttps://kubernetes.io/images/docs/kubectl_drain.svg`;

/** The drain of one node's pods (deleteOrEvictPodsSimple). */
async function drainPods(ctx: CommandContext, io: DrainIO, node: string, o: DrainOptions): Promise<void> {
  const { list, error } = await podsForDeletion(io, node, o);
  if (error !== undefined || !list) throw error;
  const warnings = list.warnings();
  if (warnings !== '') printWarning(ctx.streams.stderr, warnings);
  if (o.dryRun === 'client') {
    for (const pod of list.pods()) ctx.streams.stdout.write(`evicting pod ${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''} (dry run)\n`);
    return;
  }
  try {
    await deleteOrEvictPods(io, list.pods(), o);
  } catch (e) {
    const again = await podsForDeletion(io, node, o);
    const pending = again.list?.pods() ?? [];
    if (pending.length > 0) {
      ctx.streams.stderr.write(`There are pending pods in node "${node}" when an error occurred: ${goErrorText(e)}\n`);
      for (const pod of pending) ctx.streams.stderr.write(`pod/${pod.metadata?.name ?? ''}\n`);
    }
    if (again.error !== undefined) ctx.streams.stderr.write(`Following errors occurred while getting the list of pods to delete:\n${goErrorText(again.error)}`);
    throw e;
  }
}

async function run(ctx: CommandContext): Promise<void> {
  const f = ctx.flags;
  checkNodeArgs(ctx);
  const dryRun = dryRunStrategy(f, ctx.streams.stderr);
  const podSelector = f.string('pod-selector');
  if (podSelector !== '') {
    try {
      canonicalSelector(podSelector);
    } catch {
      throw new CliError('--pod-selector=<pod_selector> must be a valid label selector');
    }
  }
  const o: DrainOptions = {
    force: f.bool('force'),
    ignoreDaemonSets: f.bool('ignore-daemonsets'),
    deleteEmptyDirData: f.bool('delete-emptydir-data'),
    gracePeriodSeconds: f.int('grace-period'),
    timeoutMs: f.duration('timeout'),
    podSelector,
    chunkSize: f.int('chunk-size'),
    disableEviction: f.bool('disable-eviction'),
    skipWaitForDeleteTimeoutSeconds: f.int('skip-wait-for-delete-timeout'),
    dryRun,
  };
  const nodes = await selectNodes(ctx.factory, ctx.args, f.string('selector'));
  await cordonNodes(ctx.factory, nodes, true, dryRun);
  const io: DrainIO = { client: ctx.factory.client(), stdout: ctx.streams.stdout, stderr: ctx.streams.stderr, clock: realClock };
  const fatal: unknown[] = [];
  const remaining: string[] = [];
  for (const node of nodes) {
    try {
      await drainPods(ctx, io, node.info.name, o);
      printAction(ctx.streams.stdout, node.object, 'drained', printedDryRun(dryRun));
    } catch (e) {
      ctx.streams.stderr.write(`error: unable to drain node "${node.info.name}" due to error: ${goErrorText(e)}, continuing command...\n`);
      fatal.push(e);
      remaining.push(node.info.name);
    }
  }
  if (remaining.length > 0) ctx.streams.stderr.write(`There are pending nodes to be drained:\n${remaining.map((n) => ` ${n}\n`).join('')}`);
  const failed = aggregateOf(fatal);
  if (failed) throw checkErrError(failed);
}

export const command: Command = {
  name: 'drain',
  short: 'Drain node in preparation for maintenance',
  long: LONG,
  usage: 'kubectl drain NODE',
  examples: `  # Drain node "foo", even if there are pods not managed by a replication controller, replica set, job, daemon set, or stateful set on it
  kubectl drain foo --force

  # As above, but abort if there are pods not managed by a replication controller, replica set, job, daemon set, or stateful set, and use a grace period of 15 minutes
  kubectl drain foo --grace-period=900`,
  flags: [
    { name: 'chunk-size', type: 'int', default: 500, help: 'Return large lists in chunks rather than all at once. Pass 0 to disable. This flag is beta and may change in the future.' },
    { name: 'delete-emptydir-data', type: 'bool', default: false, help: 'Continue even if there are pods using emptyDir (local data that will be deleted when the node is drained).' },
    { name: 'disable-eviction', type: 'bool', default: false, help: 'Force drain to use delete, even if eviction is supported. This will bypass checking PodDisruptionBudgets, use with caution.' },
    dryRunFlagSpec,
    { name: 'force', type: 'bool', default: false, help: 'Continue even if there are pods that do not declare a controller.' },
    { name: 'grace-period', type: 'int', default: -1, help: 'Period of time in seconds given to each pod to terminate gracefully. If negative, the default value specified in the pod will be used.' },
    { name: 'ignore-daemonsets', type: 'bool', default: false, help: 'Ignore DaemonSet-managed pods.' },
    { name: 'pod-selector', type: 'string', default: '', help: 'Label selector to filter pods on the node' },
    selectorFlagSpec,
    { name: 'skip-wait-for-delete-timeout', type: 'int', default: 0, help: 'If pod DeletionTimestamp older than N seconds, skip waiting for the pod.  Seconds must be greater than 0 to skip.' },
    { name: 'timeout', type: 'duration', default: '0s', help: 'The length of time to wait before giving up, zero means infinite' },
  ],
  run,
};
