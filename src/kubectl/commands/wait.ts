/**
 * `kubectl wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]]`:
 * follows each object (LIST + WATCH by name) until the condition holds, it is deleted, or the
 * timeout, shared by all of them, runs out.
 */
import { isNotFound } from '../../api/errors.js';
import { resourcePath } from '../../client/paths.js';
import type { KubeObject } from '../../client/types.js';
import { selectResources } from '../builder.js';
import { CliError } from '../errors.js';
import type { Command, CommandContext, ResourceInfo } from '../types.js';
import { filenameFlags, outputFlags, printObject, selectorFlag } from '../workloads/common.js';
import { untilWithSync, WaitTimeoutError } from '../workloads/until.js';
import { parseWaitFor, type WaitFor } from '../workloads/wait-conditions.js';

const WEEK_MS = 168 * 3_600_000;

/** `pods/web`: the name kubectl's wait errors use. */
const objectName = (info: ResourceInfo) => `${info.mapping.resource}/${info.name}`;

async function find(ctx: CommandContext, ignoreNotFound: boolean): Promise<ResourceInfo[]> {
  const { flags } = ctx;
  const args = ctx.args;
  const selector = flags.string('selector');
  const all = flags.bool('all');
  const filenames = flags.strings('filename');
  if (filenames.length === 0 && args.length === 1 && !(args[0] ?? '').includes('/') && selector === '' && flags.string('field-selector') === '' && !all) {
    throw new CliError('resource(s) were provided, but no name was specified');
  }
  const { infos, errors } = await selectResources(ctx.factory, args, {
    filenames,
    recursive: flags.bool('recursive'),
    selector: selector || undefined,
    fieldSelector: flags.string('field-selector') || undefined,
    all,
    allNamespaces: flags.bool('all-namespaces'),
    fetch: true,
  });
  const fatal = ignoreNotFound ? errors.filter((e) => !isNotFound(e)) : errors;
  if (fatal.length > 0) throw fatal[0];
  return infos;
}

/** The message of the Status an ERROR watch event carries. */
function statusMessage(obj: KubeObject): string {
  const m = (obj as { message?: unknown }).message;
  return typeof m === 'string' ? m : '';
}

function timedOut(info: ResourceInfo): CliError {
  return new CliError(`timed out waiting for the condition on ${objectName(info)}`);
}

async function get(ctx: CommandContext, info: ResourceInfo): Promise<KubeObject> {
  return ctx.factory.client().request<KubeObject>({ method: 'GET', path: resourcePath(info.mapping, { namespace: info.namespace || undefined, name: info.name }) });
}

/** Waits for one object; resolves with the object to print. */
async function waitOne(ctx: CommandContext, info: ResourceInfo, forWhat: WaitFor, timeoutMs: number, remaining: () => number): Promise<KubeObject> {
  if (info.name === '') throw new CliError('resource name must be provided');
  if (forWhat.kind === 'create') return info.object ?? {};
  if (forWhat.kind === 'delete') {
    try {
      await get(ctx, info);
    } catch (e) {
      if (isNotFound(e)) return info.object ?? {};
      throw e;
    }
    if (timeoutMs === 0) throw new CliError(`condition not met for ${objectName(info)}`);
    if (remaining() <= 0) throw timedOut(info);
    try {
      await untilWithSync(ctx.factory, info.mapping, { namespace: info.namespace, name: info.name, timeoutMs: remaining(), precondition: (current) => current === undefined }, (ev) => {
        if (ev.type === 'ERROR') {
          ctx.streams.stderr.write(`error: An error occurred while waiting for the object to be deleted: ${statusMessage(ev.object)}`);
          return false;
        }
        return ev.type === 'DELETED';
      });
    } catch (e) {
      if (e instanceof WaitTimeoutError) throw timedOut(info);
      throw e;
    }
    return info.object ?? {};
  }
  if (timeoutMs === 0) {
    const obj = await get(ctx, info);
    if (!forWhat.check(obj)) throw new CliError(`condition not met for ${objectName(info)}`);
    return obj;
  }
  if (remaining() <= 0) throw timedOut(info);
  try {
    const obj = await untilWithSync(
      ctx.factory,
      info.mapping,
      {
        namespace: info.namespace,
        name: info.name,
        timeoutMs: remaining(),
        precondition: (current) => {
          if (current === undefined) {
            const gr = info.mapping.group ? `${info.mapping.resource}.${info.mapping.group}` : info.mapping.resource;
            throw new CliError(`Error from server (NotFound): ${gr} "${info.name}" not found`, { raw: true });
          }
          return false;
        },
      },
      (ev) => {
        if (ev.type === 'ERROR') {
          ctx.streams.stderr.write(`error: An error occurred while waiting for the condition to be satisfied: ${statusMessage(ev.object)}`);
          return false;
        }
        if (ev.type === 'DELETED') return false;
        return forWhat.check(ev.object);
      },
    );
    return obj ?? {};
  } catch (e) {
    if (e instanceof WaitTimeoutError) throw timedOut(info);
    throw e;
  }
}

async function run(ctx: CommandContext): Promise<void> {
  const { flags } = ctx;
  const forWhat = parseWaitFor(flags.string('for'));
  // Go durations may be negative ("wait for a week"); the shared parser reads only positive ones.
  const timeoutText = flags.string('timeout');
  const timeoutMs = timeoutText.trim().startsWith('-') ? WEEK_MS : flags.duration('timeout');
  const deadline = Date.now() + timeoutMs;
  const remaining = () => deadline - Date.now();
  if (forWhat.kind === 'create') {
    // Poll every half second until every named object exists.
    for (;;) {
      try {
        await find(ctx, false);
        break;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      if (remaining() <= 0) throw new CliError('timed out waiting for the condition');
      await new Promise((r) => setTimeout(r, Math.min(500, Math.max(remaining(), 0))));
    }
  }
  const infos = await find(ctx, forWhat.kind === 'delete');
  if (infos.length === 0 && forWhat.kind !== 'delete') throw new CliError('no matching resources found');
  for (const info of infos) {
    const obj = await waitOne(ctx, info, forWhat, timeoutMs, remaining);
    printObject(ctx, info.mapping, { ...obj, metadata: { ...obj.metadata, name: obj.metadata?.name ?? info.name } }, 'condition met');
  }
}

export const command: Command = {
  name: 'wait',
  short: 'Experimental: Wait for a specific condition on one or many resources',
  long: `Experimental: Wait for a specific condition on one or many resources.

 The command takes multiple resources and waits until the specified condition is seen in the Status field of every given resource.

 Alternatively, the command can wait for the given set of resources to be created or deleted by providing the "create" or "delete" keyword as the value to the --for flag.

 A successful message will be printed to stdout indicating when the specified condition has been met. You can use -o option to change to output destination.`,
  usage: "kubectl wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]]",
  examples: `  # Wait for the pod "busybox1" to contain the status condition of type "Ready"
  kubectl wait --for=condition=Ready pod/busybox1

  # The default value of status condition is true; you can wait for other targets after an equal delimiter (compared after Unicode simple case folding, which is a more general form of case-insensitivity)
  kubectl wait --for=condition=Ready=false pod/busybox1

  # Wait for the pod "busybox1" to contain the status phase to be "Running"
  kubectl wait --for=jsonpath='{.status.phase}'=Running pod/busybox1

  # Wait for pod "busybox1" to be Ready
  kubectl wait --for='jsonpath={.status.conditions[?(@.type=="Ready")].status}=True' pod/busybox1

  # Wait for the service "loadbalancer" to have ingress
  kubectl wait --for=jsonpath='{.status.loadBalancer.ingress}' service/loadbalancer

  # Wait for the secret "busybox1" to be created, with a timeout of 30s
  kubectl create secret generic busybox1
  kubectl wait --for=create secret/busybox1 --timeout=30s

  # Wait for the pod "busybox1" to be deleted, with a timeout of 60s, after having issued the "delete" command
  kubectl delete pod/busybox1
  kubectl wait --for=delete pod/busybox1 --timeout=60s`,
  flags: [
    { name: 'all', type: 'bool', help: 'Select all resources in the namespace of the specified resource types' },
    { name: 'all-namespaces', short: 'A', type: 'bool', help: 'If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.' },
    ...outputFlags,
    { name: 'field-selector', type: 'string', help: "Selector (field query) to filter on, supports '=', '==', and '!='.(e.g. --field-selector key1=value1,key2=value2). The server only supports a limited number of field queries per type." },
    ...filenameFlags('identifying the resource.'),
    { name: 'for', type: 'string', help: "The condition to wait on: [create|delete|condition=condition-name[=condition-value]|jsonpath='{JSONPath expression}'=[JSONPath value]]. The default condition-value is true. Condition values are compared after Unicode simple case folding, which is a more general form of case-insensitivity." },
    { name: 'local', type: 'bool', help: 'If true, annotation will NOT contact api-server but run locally.' },
    selectorFlag,
    { name: 'timeout', type: 'duration', default: '30s', help: "The length of time to wait before giving up. Zero means check once and don't wait, negative means wait for a week." },
  ],
  run,
};
