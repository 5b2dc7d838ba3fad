/**
 * `kubectl run NAME --image=image [--env="key=value"] [--port=port] [--dry-run=server|client] [--overrides=inline-json] [--command] -- [COMMAND] [args...]`:
 * creates the Pod kubectl's run generator makes (and a Service with `--expose`), and with
 * `-i`/`-t`/`--attach` waits for it to run, attaches, and reports how it ended.
 */
import type { Pod } from '../../api/generated/core/v1.js';
import { isNotFound } from '../../api/errors.js';
import type { JsonObject } from '../../api/patch/json.js';
import type { KubeObject } from '../../client/types.js';
import { withLastApplied } from '../apply/annotation.js';
import { CliError, UsageError } from '../errors.js';
import { attachToPod } from '../stream/attach.js';
import type { Command, CommandContext, ResourceMapping } from '../types.js';
import { dryRunFlag, dryRunStrategy, requireFlag, fieldManagerFlag, outputFlags, outputFormat, printObject, type DryRun } from '../workloads/common.js';
import { applyOverrides, buildPod, buildService, forCreate } from '../workloads/generate.js';
import { isImageReference } from '../workloads/image-ref.js';
import { untilWithSync, WaitTimeoutError } from '../workloads/until.js';

const podMapping: ResourceMapping = { group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], verbs: [], categories: [], subresources: [] };

/** The pod ran to completion before we could attach. */
class PodCompleted extends Error {}

/** POSTs the generated object (a client dry run returns it as generated, namespace and all). */
async function create(ctx: CommandContext, obj: KubeObject, resource: 'pods' | 'services', dryRun: DryRun): Promise<KubeObject> {
  if (dryRun === 'client') return obj;
  const body = forCreate(obj);
  return ctx.factory.client().request<KubeObject>({
    method: 'POST',
    path: `/api/v1/namespaces/${encodeURIComponent(ctx.factory.namespace().namespace)}/${resource}`,
    query: { fieldManager: ctx.flags.string('field-manager') || undefined, dryRun: dryRun === 'server' ? 'All' : undefined },
    body: ctx.flags.bool('save-config') ? (withLastApplied(body as JsonObject)) : body,
  });
}

async function waitForPod(ctx: CommandContext, namespace: string, name: string, timeoutMs: number, done: (p: Pod) => boolean): Promise<Pod> {
  try {
    const pod = await untilWithSync(ctx.factory, podMapping, { namespace, name, timeoutMs }, (ev) => {
      if (ev.type === 'DELETED') throw new CliError(`pods "${name}" not found`);
      return done(ev.object);
    });
    return pod as Pod;
  } catch (e) {
    if (e instanceof WaitTimeoutError) throw new CliError('timed out waiting for the condition');
    throw e;
  }
}

const runningAndReady = (p: Pod): boolean => {
  const phase = p.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw new PodCompleted();
  return phase === 'Running' && (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
};

async function attach(ctx: CommandContext, pod: KubeObject, o: { stdin: boolean; tty: boolean; quiet: boolean; timeoutMs: number }): Promise<void> {
  const namespace = pod.metadata?.namespace ?? ctx.factory.namespace().namespace;
  const name = pod.metadata?.name ?? '';
  let running: Pod;
  try {
    running = await waitForPod(ctx, namespace, name, o.timeoutMs, runningAndReady);
  } catch (e) {
    if (!(e instanceof PodCompleted)) throw e;
    return printLogs(ctx, namespace, name);
  }
  try {
    await attachToPod(ctx.factory, { pod: running, stdin: o.stdin, tty: o.tty, quiet: o.quiet, commandName: 'kubectl attach' });
  } catch (e) {
    if (e instanceof CliError && /command terminated with exit code/.test(e.message)) throw e;
    ctx.streams.stderr.write(`warning: couldn't attach to pod/${name}, falling back to streaming logs: ${e instanceof Error ? e.message : String(e)}\n`);
    await printLogs(ctx, namespace, name);
  }
}

async function printLogs(ctx: CommandContext, namespace: string, name: string): Promise<void> {
  const text = await ctx.factory.client().request<string>({ method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log` });
  ctx.streams.stdout.write(typeof text === 'string' ? text : JSON.stringify(text));
}

async function remove(ctx: CommandContext, objs: { resource: 'pods' | 'services'; obj: KubeObject }[], quiet: boolean): Promise<void> {
  for (const { resource, obj } of objs) {
    const ns = obj.metadata?.namespace ?? ctx.factory.namespace().namespace;
    const name = obj.metadata?.name ?? '';
    try {
      await ctx.factory.client().request({ method: 'DELETE', path: `/api/v1/namespaces/${encodeURIComponent(ns)}/${resource}/${encodeURIComponent(name)}`, body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
      if (!quiet) ctx.streams.stdout.write(`${resource === 'pods' ? 'pod' : 'service'} "${name}" deleted\n`);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

/** How the pod ended, as kubectl reports it (its exit code becomes ours). */
function exitOf(pod: Pod): void {
  const where = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
  if (pod.status?.phase === 'Succeeded') return;
  if (pod.status?.phase !== 'Failed') throw new CliError(`pod ${where} left in phase ${pod.status?.phase ?? ''}`);
  const terminated = pod.status.containerStatuses?.[0]?.state?.terminated;
  if (!terminated || terminated.exitCode === 0) throw new CliError(`pod ${where} failed with unknown exit code`);
  throw new CliError(`pod ${where} terminated (${terminated.reason ?? ''})\n${terminated.message ?? ''}`, { raw: true, exitCode: terminated.exitCode });
}

async function run(ctx: CommandContext): Promise<number | void> {
  const { flags } = ctx;
  requireFlag(flags, 'image');
  const dryRun = dryRunStrategy(flags);
  const stdin = flags.bool('stdin');
  const tty = flags.bool('tty');
  const attachWanted = flags.has('attach') ? flags.bool('attach') : stdin;
  const name = ctx.args[0];
  if (name === undefined) throw new UsageError('NAME is required for run');
  const timeoutMs = flags.duration('pod-running-timeout');
  const image = flags.string('image');
  if (image === '') throw new CliError('--image is required');
  if (!isImageReference(image)) throw new CliError(`Invalid image name "${image}": invalid reference format`);
  if (tty && !stdin) throw new UsageError('-i/--stdin is required for containers with -t/--tty=true');
  const port = flags.string('port');
  if (flags.bool('expose') && port === '') throw new UsageError('--port must be set when exposing a service');
  let restart = flags.string('restart');
  if (restart === '') restart = stdin ? 'OnFailure' : 'Always';
  if (!['Always', 'OnFailure', 'Never'].includes(restart)) throw new UsageError(`invalid restart policy: ${restart}`);
  const rm = flags.bool('rm');
  if (!attachWanted && rm) throw new UsageError('--rm should only be used for attached containers');
  if (attachWanted && dryRun !== 'none') throw new UsageError("--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)");
  const pullPolicy = flags.string('image-pull-policy');
  if (!['', 'Always', 'IfNotPresent', 'Never'].includes(pullPolicy)) throw new UsageError(`invalid image pull policy: ${pullPolicy}`);
  const { namespace, explicit } = ctx.factory.namespace();
  const podNamespace = dryRun === 'client' && explicit ? namespace : undefined;

  const args = [...ctx.args.slice(1), ...ctx.dashArgs];
  const generated = buildPod({
    name,
    namespace: podNamespace,
    image,
    labels: flags.string('labels'),
    annotations: flags.strings('annotations'),
    env: flags.strings('env'),
    port,
    restart,
    imagePullPolicy: pullPolicy,
    command: flags.bool('command'),
    args,
    stdin,
    tty,
    leaveStdinOpen: flags.bool('leave-stdin-open'),
    privileged: flags.bool('privileged'),
  });
  const pod = await create(ctx, applyOverrides(generated, flags.string('overrides'), flags.string('override-type'), 'io.k8s.api.core.v1.Pod'), 'pods', dryRun);
  const created: { resource: 'pods' | 'services'; obj: KubeObject }[] = [{ resource: 'pods', obj: pod }];
  if (flags.bool('expose')) {
    const labels = flags.string('labels');
    const service = buildService({ name, namespace: podNamespace, selector: labels || `run=${name}`, labels, ports: port, protocol: '' });
    const svc = await create(ctx, service, 'services', dryRun);
    created.push({ resource: 'services', obj: svc });
    printObject(ctx, { group: '', kind: 'Service' }, svc, 'created', dryRun, { typed: dryRun === 'client' });
    if (outputFormat(flags) === 'yaml') ctx.streams.stdout.write('---\n---\n');
  }
  if (!attachWanted) {
    printObject(ctx, { group: '', kind: 'Pod' }, pod, 'created', dryRun, { typed: dryRun === 'client' });
    return;
  }
  const quiet = flags.bool('quiet');
  try {
    await attach(ctx, pod, { stdin, tty, quiet, timeoutMs });
    const waitForExit = !flags.bool('leave-stdin-open') && (restart === 'Never' || restart === 'OnFailure');
    if (!waitForExit) return;
    const ended = await waitForPod(ctx, pod.metadata?.namespace ?? namespace, name, timeoutMs, (p) =>
      restart === 'OnFailure' ? p.status?.phase === 'Succeeded' : p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed',
    );
    exitOf(ended);
  } finally {
    if (rm) await remove(ctx, created, quiet);
  }
}

export const command: Command = {
  name: 'run',
  short: 'Run a particular image on the cluster',
  long: 'Create and run a particular image in a pod.',
  usage: 'kubectl run NAME --image=image [--env="key=value"] [--port=port] [--dry-run=server|client] [--overrides=inline-json] [--command] -- [COMMAND] [args...]',
  examples: `  # Start a nginx pod
  kubectl run nginx --image=nginx

  # Start a hazelcast pod and let the container expose port 5701
  kubectl run hazelcast --image=hazelcast/hazelcast --port=5701

  # Start a hazelcast pod and set environment variables "DNS_DOMAIN=cluster" and "POD_NAMESPACE=default" in the container
  kubectl run hazelcast --image=hazelcast/hazelcast --env="DNS_DOMAIN=cluster" --env="POD_NAMESPACE=default"

  # Start a hazelcast pod and set labels "app=hazelcast" and "env=prod" in the container
  kubectl run hazelcast --image=hazelcast/hazelcast --labels="app=hazelcast,env=prod"

  # Dry run; print the corresponding API objects without creating them
  kubectl run nginx --image=nginx --dry-run=client

  # Start a nginx pod, but overload the spec with a partial set of values parsed from JSON
  kubectl run nginx --image=nginx --overrides='{ "apiVersion": "v1", "spec": { ... } }'

  # Start a busybox pod and keep it in the foreground, don't restart it if it exits
  kubectl run -i -t busybox --image=busybox --restart=Never

  # Start the nginx pod using the default command, but use custom arguments (arg1 .. argN) for that command
  kubectl run nginx --image=nginx -- <arg1> <arg2> ... <argN>

  # Start the nginx pod using a different command and custom arguments
  kubectl run nginx --image=nginx --command -- <cmd> <arg1> ... <argN>`,
  flags: [
    { name: 'annotations', type: 'stringArray', default: [], help: 'Annotations to apply to the pod.' },
    { name: 'attach', type: 'bool', help: "If true, wait for the Pod to start running, and then attach to the Pod as if 'kubectl attach ...' were called.  Default false, unless '-i/--stdin' is set, in which case the default is true. With '--restart=Never' the exit code of the container process is returned." },
    { name: 'cascade', type: 'string', default: 'background', noOptDefault: 'background', help: 'Must be "background", "orphan", or "foreground". Selects the deletion cascading strategy for the dependents (e.g. Pods created by a ReplicationController). Defaults to background.' },
    { name: 'command', type: 'bool', help: "If true and extra arguments are present, use them as the 'command' field in the container, rather than the 'args' field which is the default." },
    dryRunFlag,
    { name: 'env', type: 'stringArray', default: [], help: 'Environment variables to set in the container.' },
    { name: 'expose', type: 'bool', help: 'If true, create a ClusterIP service associated with the pod.  Requires `--port`.' },
    fieldManagerFlag('kubectl-run'),
    { name: 'filename', short: 'f', type: 'strings', default: [], hidden: true, help: 'to use to replace the resource.' },
    { name: 'force', type: 'bool', help: 'If true, immediately remove resources from API and bypass graceful deletion. Note that immediate deletion of some resources may result in inconsistency or data loss and requires confirmation.' },
    { name: 'grace-period', type: 'int', default: -1, help: 'Period of time in seconds given to the resource to terminate gracefully. Ignored if negative. Set to 1 for immediate shutdown. Can only be set to 0 when --force is true (force deletion).' },
    { name: 'image', type: 'string', help: 'The image for the container to run.' },
    { name: 'image-pull-policy', type: 'string', help: 'The image pull policy for the container.  If left empty, this value will not be specified by the client and defaulted by the server.' },
    { name: 'labels', short: 'l', type: 'string', help: 'Comma separated labels to apply to the pod. Will override previous values.' },
    { name: 'leave-stdin-open', type: 'bool', help: 'If the pod is started in interactive mode or with stdin, leave stdin open after the first attach completes. By default, stdin will be closed after the first attach completes.' },
    ...outputFlags,
    { name: 'override-type', type: 'string', default: 'merge', help: 'The method used to override the generated object: json, merge, or strategic.' },
    { name: 'overrides', type: 'string', help: 'An inline JSON override for the generated object. If this is non-empty, it is used to override the generated object. Requires that the object supply a valid apiVersion field.' },
    { name: 'pod-running-timeout', type: 'duration', default: '1m0s', help: 'The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running' },
    { name: 'port', type: 'string', help: 'The port that this container exposes.' },
    { name: 'privileged', type: 'bool', help: 'If true, run the container in privileged mode.' },
    { name: 'quiet', short: 'q', type: 'bool', help: 'If true, suppress prompt messages.' },
    { name: 'record', type: 'bool', hidden: true, help: 'Record current kubectl command in the resource annotation.' },
    { name: 'restart', type: 'string', default: 'Always', help: 'The restart policy for this Pod.  Legal values [Always, OnFailure, Never].' },
    { name: 'rm', type: 'bool', help: "If true, delete the pod after it exits.  Only valid when attaching to the container, e.g. with '--attach' or with '-i/--stdin'." },
    { name: 'save-config', type: 'bool', help: 'If true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.' },
    { name: 'stdin', short: 'i', type: 'bool', help: 'Keep stdin open on the container in the pod, even if nothing is attached.' },
    { name: 'timeout', type: 'duration', default: '0s', help: 'The length of time to wait before giving up on a delete, zero means determine a timeout from the size of the object' },
    { name: 'tty', short: 't', type: 'bool', help: 'Allocate a TTY for the container in the pod.' },
    { name: 'wait', type: 'bool', help: 'If true, wait for resources to be gone before returning. This waits for finalizers.' },
  ],
  run,
};
