/**
 * `kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [-i] [-t] -- COMMAND [args...]`: finds the pod (a
 * workload or service stands for its most active pod), defaults the container, and runs the command
 * over the v5 WebSocket protocol. The command's exit status becomes ours, with kubectl's
 * `command terminated with exit code N`.
 */
import { CliError, UsageError } from '../errors.js';
import { checkNotCompleted, podExec } from '../stream/exec.js';
import { attachablePod, findOrDefaultContainer } from '../stream/pods.js';
import { objectForArg, objectForFiles } from '../stream/target.js';
import { setupTty } from '../stream/tty.js';
import type { Command, CommandContext, FlagSpec, Flags } from '../types.js';

export const containerFlag: FlagSpec = {
  name: 'container',
  short: 'c',
  type: 'string',
  default: '',
  help: 'Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation for selecting the container to be attached or the first container in the pod will be chosen',
};

export const podRunningTimeoutFlag: FlagSpec = {
  name: 'pod-running-timeout',
  type: 'duration',
  default: '1m0s',
  help: 'The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running',
};

/** `--pod-running-timeout` in ms; kubectl refuses zero or less. */
export function podRunningTimeout(flags: Flags): number {
  const ms = flags.duration('pod-running-timeout');
  if (ms <= 0) throw new UsageError('--pod-running-timeout must be higher than zero');
  return ms;
}

const examples = `  # Get output from running the 'date' command from pod mypod, using the first container by default
  kubectl exec mypod -- date
  
  # Get output from running the 'date' command in ruby-container from pod mypod
  kubectl exec mypod -c ruby-container -- date
  
  # Switch to raw terminal mode; sends stdin to 'bash' in ruby-container from pod mypod
  # and sends stdout/stderr from 'bash' back to the client
  kubectl exec mypod -c ruby-container -i -t -- bash -il
  
  # List contents of /usr from the first container of pod mypod and sort by modification time
  # If the command you want to execute in the pod has any flags in common (e.g. -i),
  # you must use two dashes (--) to separate your command's flags/arguments
  # Also note, do not surround your command and its flags/arguments with quotes
  # unless that is how you would execute it normally (i.e., do ls -t /usr, not "ls -t /usr")
  kubectl exec mypod -i -t -- ls -t /usr
  
  # Get output from running 'date' command from the first pod of the deployment mydeployment, using the first container by default
  kubectl exec deploy/mydeployment -- date
  
  # Get output from running 'date' command from the first pod of the service myservice, using the first container by default
  kubectl exec svc/myservice -- date`;

async function run(ctx: CommandContext): Promise<void> {
  const { flags, args, dashArgs, streams } = ctx;
  const f = ctx.factory;
  const filenames = flags.strings('filename');
  // Without `--`, a second argument would be the command: kubectl stopped accepting that form.
  if (dashArgs.length === 0 && (args.length > 1 || (args.length > 0 && filenames.length > 0))) {
    throw new UsageError('exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead');
  }
  const timeoutMs = podRunningTimeout(flags);
  const resource = args[0] ?? '';
  if (!resource && filenames.length === 0) throw new CliError('pod, type/name or --filename must be specified');
  if (dashArgs.length === 0) throw new CliError('you must specify at least one command for the container');

  const obj = resource ? await objectForArg(f, resource) : await objectForFiles(f, filenames);
  const pod = await attachablePod(f, obj, timeoutMs);
  checkNotCompleted(pod, 'exec into');
  const quiet = flags.bool('quiet');
  // Like kubectl, `-c` is passed on unchecked: the server says whether the container exists.
  const container = flags.string('container') || findOrDefaultContainer(pod, '', { quiet, warn: streams.stderr }).name;

  const stdin = flags.bool('stdin');
  const session = setupTty(streams, { stdin, tty: flags.bool('tty'), quiet, err: streams.stderr });
  try {
    await podExec(f, {
      namespace: pod.metadata?.namespace ?? f.namespace().namespace,
      pod: pod.metadata?.name ?? '',
      container,
      command: dashArgs,
      stdin: stdin ? streams.stdin : undefined,
      stdout: streams.stdout,
      // With a TTY the container's stderr arrives merged into stdout.
      stderr: session.tty ? undefined : streams.stderr,
      tty: session.tty,
      resizes: session.sizes,
    });
  } finally {
    session.restore();
  }
}

export const command: Command = {
  name: 'exec',
  short: 'Execute a command in a container',
  long: 'Execute a command in a container.',
  usage: 'kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]',
  examples,
  flags: [
    containerFlag,
    { name: 'filename', short: 'f', type: 'strings', default: [], help: 'to use to exec into the resource' },
    podRunningTimeoutFlag,
    { name: 'quiet', short: 'q', type: 'bool', default: false, help: 'Only print output from the remote session' },
    { name: 'stdin', short: 'i', type: 'bool', default: false, help: 'Pass stdin to the container' },
    { name: 'tty', short: 't', type: 'bool', default: false, help: 'Stdin is a TTY' },
  ],
  run,
};
