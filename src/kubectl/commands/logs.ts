/**
 * `kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]` and `kubectl logs -l SELECTOR`: reads
 * `pods/log` with kubectl's query parameters; several logs are read one after the other, or side by
 * side while following (at most --max-log-requests), whole lines at a time.
 */
import { once } from 'node:events';
import type { Pod } from '../../api/generated/core/v1.js';
import type { KubeList, KubeObject } from '../../client/types.js';
import { CliError, isStatus, UsageError } from '../errors.js';
import { parseDuration } from '../flags.js';
import { logSources, prefixOf, streamLog, type LogOptions } from '../stream/logs.js';
import { podClient } from '../stream/pods.js';
import { objectForArg } from '../stream/target.js';
import type { Command, CommandContext } from '../types.js';

const USAGE = 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]';
const USAGE_ERROR = `expected '${USAGE}'.\nPOD or TYPE/NAME is a required argument for the logs command`;

/** Go's time.Parse(RFC3339) (kubectl also accepts what it parses); returns the time as given, normalised. */
function parseRfc3339(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(text);
  const t = m ? Date.parse(text) : NaN;
  if (!m || Number.isNaN(t)) throw new CliError(`parsing time ${JSON.stringify(text)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(text)} as "2006"`);
  return new Date(t).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The selected objects: one (by name) or a PodList (by selector), with kubectl's NotFound wording. */
async function target(ctx: CommandContext, resource: string, selector: string): Promise<KubeObject> {
  const f = ctx.factory;
  const namespace = f.namespace().namespace;
  if (selector) {
    const list: KubeList<Pod> = await podClient(f).list({ namespace, labelSelector: selector });
    if (list.items.length === 0) ctx.streams.stderr.write(`No resources found in ${namespace} namespace.\n`);
    return { kind: 'PodList', apiVersion: 'v1', items: list.items } as KubeObject;
  }
  try {
    return await objectForArg(f, resource);
  } catch (e) {
    if (isStatus(e, 404)) throw new CliError(`error from server (NotFound): ${e.message} in namespace ${JSON.stringify(namespace)}`);
    throw e;
  }
}

async function run(ctx: CommandContext): Promise<void> {
  const { flags, args, streams } = ctx;
  const f = ctx.factory;
  const selector = flags.string('selector');
  let container = flags.string('container');
  let resource = '';
  if (args.length === 0 && !selector) throw new UsageError(USAGE_ERROR);
  if (args.length === 1) {
    resource = args[0]!;
    if (selector) throw new UsageError('only a selector (-l) or a POD name is allowed');
  } else if (args.length === 2) {
    resource = args[0]!;
    container = args[1]!;
  } else if (args.length > 2) throw new UsageError(USAGE_ERROR);
  const allPods = flags.bool('all-pods');
  const prefix = flags.bool('prefix') || allPods;
  const timeoutMs = flags.duration('pod-running-timeout');
  if (timeoutMs <= 0) throw new CliError('--pod-running-timeout must be higher than zero');

  const opts: LogOptions = { follow: flags.bool('follow'), previous: flags.bool('previous'), timestamps: flags.bool('timestamps'), insecureSkipTLSVerifyBackend: flags.bool('insecure-skip-tls-verify-backend') };
  const sinceTime = flags.string('since-time');
  if (sinceTime) opts.sinceTime = parseRfc3339(sinceTime);
  const limitBytes = flags.int('limit-bytes');
  if (limitBytes !== 0) opts.limitBytes = limitBytes;
  const sinceMs = flags.has('since') ? parseDuration(flags.string('since')) : 0;
  if (sinceMs !== 0) opts.sinceSeconds = Math.round(sinceMs / 1000);
  const tail = flags.int('tail');
  if (selector && tail === -1 && !flags.has('tail')) opts.tailLines = 10;
  else if (tail !== -1) opts.tailLines = tail;

  const obj = await target(ctx, resource, selector);

  if (sinceTime && sinceMs !== 0) throw new CliError('at most one of `sinceTime` or `sinceSeconds` may be specified');
  const allContainers = flags.bool('all-containers');
  if (allContainers && container) throw new CliError(`--all-containers=true should not be specified with container name ${container}`);
  if (flags.has('container') && args.length === 2) throw new CliError('only one of -c or an inline [CONTAINER] arg is allowed');
  if (limitBytes < 0) throw new CliError('--limit-bytes must be greater than 0');
  if (opts.sinceSeconds !== undefined && opts.sinceSeconds < 0) throw new CliError('--since must be greater than 0');
  if (opts.tailLines !== undefined && opts.tailLines < -1) throw new CliError('--tail must be greater than or equal to -1');

  const sources = await logSources(f, obj, { container, allContainers, allPods, timeoutMs, stderr: streams.stderr });
  const maxRequests = flags.int('max-log-requests');
  if (opts.follow && sources.length > 1 && sources.length > maxRequests) {
    throw new CliError(`you are attempting to follow ${sources.length} log streams, but maximum allowed concurrency is ${maxRequests}, use --max-log-requests to increase the limit`);
  }
  const ignoreErrors = flags.bool('ignore-errors');
  const write = (b: Buffer): Promise<void> | undefined => (streams.stdout.write(b) ? undefined : once(streams.stdout, 'drain').then(() => undefined));
  const stop = new AbortController();
  const one = async (s: (typeof sources)[number]) => {
    try {
      await streamLog(f, s, opts, prefix ? prefixOf(s) : '', write, stop.signal);
    } catch (e) {
      if (!ignoreErrors) throw e;
      streams.stdout.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  };
  if (opts.follow && sources.length > 1) {
    // The first failure ends them all, as kubectl's shared pipe does.
    const failures = sources.map((s) =>
      one(s).catch((e: unknown) => {
        stop.abort();
        throw e;
      }),
    );
    await Promise.all(failures);
  } else {
    for (const s of sources) await one(s);
  }
}

const examples = [
  ['Return snapshot logs from pod nginx with only one container', 'kubectl logs nginx'],
  ['Return snapshot logs from pod nginx, prefixing each line with the source pod and container name', 'kubectl logs nginx --prefix'],
  ['Return snapshot logs from pod nginx, limiting output to 500 bytes', 'kubectl logs nginx --limit-bytes=500'],
  ['Return snapshot logs from pod nginx, waiting up to 20 seconds for it to start running.', 'kubectl logs nginx --pod-running-timeout=20s'],
  ['Return snapshot logs from pod nginx with multi containers', 'kubectl logs nginx --all-containers=true'],
  ['Return snapshot logs from all pods in the deployment nginx', 'kubectl logs deployment/nginx --all-pods=true'],
  ['Return snapshot logs from all containers in pods defined by label app=nginx', 'kubectl logs -l app=nginx --all-containers=true'],
  ['Return snapshot logs from all pods defined by label app=nginx, limiting concurrent log requests to 10 pods', 'kubectl logs -l app=nginx --max-log-requests=10'],
  ['Return snapshot of previous terminated ruby container logs from pod web-1', 'kubectl logs -p -c ruby web-1'],
  ['Begin streaming the logs from pod nginx, continuing even if errors occur', 'kubectl logs nginx -f --ignore-errors=true'],
  ['Begin streaming the logs of the ruby container in pod web-1', 'kubectl logs -f -c ruby web-1'],
  ['Begin streaming the logs from all containers in pods defined by label app=nginx', 'kubectl logs -f -l app=nginx --all-containers=true'],
  ['Display only the most recent 20 lines of output in pod nginx', 'kubectl logs --tail=20 nginx'],
  ['Show all logs from pod nginx written in the last hour', 'kubectl logs --since=1h nginx'],
  ['Show all logs with timestamps from pod nginx starting from August 30, 2024, at 06:00:00 UTC', 'kubectl logs nginx --since-time=2024-08-30T06:00:00Z --timestamps=true'],
  ['Show logs from a kubelet with an expired serving certificate', 'kubectl logs --insecure-skip-tls-verify-backend nginx'],
  ['Return snapshot logs from first container of a job named hello', 'kubectl logs job/hello'],
  ['Return snapshot logs from container nginx-1 of a deployment named nginx', 'kubectl logs deployment/nginx -c nginx-1'],
].map(([c, e]) => `  # ${c}\n  ${e}`).join('\n  \n');

export const command: Command = {
  name: 'logs',
  short: 'Print the logs for a container in a pod',
  long: 'Print the logs for a container in a pod or specified resource. If the pod has only one container, the container name is optional.',
  usage: `kubectl ${USAGE}`,
  examples,
  flags: [
    { name: 'all-containers', type: 'bool', default: false, help: "Get all containers' logs in the pod(s)." },
    { name: 'all-pods', type: 'bool', default: false, help: 'Get logs from all pod(s). Sets prefix to true.' },
    { name: 'container', short: 'c', type: 'string', default: '', help: 'Print the logs of this container' },
    { name: 'follow', short: 'f', type: 'bool', default: false, help: 'Specify if the logs should be streamed.' },
    { name: 'ignore-errors', type: 'bool', default: false, help: 'If watching / following pod logs, allow for any errors that occur to be non-fatal' },
    { name: 'insecure-skip-tls-verify-backend', type: 'bool', default: false, help: 'Skip verifying the identity of the kubelet that logs are requested from.  In theory, an attacker could provide invalid log content back. You might want to use this if your kubelet serving certificates have expired.' },
    { name: 'limit-bytes', type: 'int', default: 0, help: 'Maximum bytes of logs to return. Defaults to no limit.' },
    { name: 'max-log-requests', type: 'int', default: 5, help: 'Specify maximum number of concurrent logs to follow when using by a selector. Defaults to 5.' },
    { name: 'pod-running-timeout', type: 'duration', default: '20s', help: 'The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running' },
    { name: 'prefix', type: 'bool', default: false, help: 'Prefix each log line with the log source (pod name and container name)' },
    { name: 'previous', short: 'p', type: 'bool', default: false, help: 'If true, print the logs for the previous instance of the container in a pod if it exists.' },
    { name: 'selector', short: 'l', type: 'string', default: '', help: "Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints." },
    { name: 'since', type: 'duration', default: '0s', help: 'Only return logs newer than a relative duration like 5s, 2m, or 3h. Defaults to all logs. Only one of since-time / since may be used.' },
    { name: 'since-time', type: 'string', default: '', help: 'Only return logs after a specific date (RFC3339). Defaults to all logs. Only one of since-time / since may be used.' },
    { name: 'tail', type: 'int', default: -1, help: 'Lines of recent log file to display. Defaults to -1 with no selector, showing all log lines otherwise 10, if a selector is provided.' },
    { name: 'timestamps', type: 'bool', default: false, help: 'Include timestamps on each line in the log output' },
  ],
  run,
};
