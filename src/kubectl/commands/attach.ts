/**
 * `kubectl attach (POD | TYPE/NAME | TYPE NAME) [-c CONTAINER] [-i] [-t]`: joins the streams of a
 * container's running process (its main process, not a new one as exec starts).
 */
import { CliError } from '../errors.js';
import { attachToPod } from '../stream/attach.js';
import { checkNotCompleted } from '../stream/exec.js';
import { attachablePod } from '../stream/pods.js';
import { objectForArg, objectForTypeAndName } from '../stream/target.js';
import type { Command, CommandContext } from '../types.js';
import { containerFlag, podRunningTimeout, podRunningTimeoutFlag } from './exec.js';

const examples = `  # Get output from running pod mypod; use the 'kubectl.kubernetes.io/default-container' annotation
  # for selecting the container to be attached or the first container in the pod will be chosen
  kubectl attach mypod
  
  # Get output from ruby-container from pod mypod
  kubectl attach mypod -c ruby-container
  
  # Switch to raw terminal mode; sends stdin to 'bash' in ruby-container from pod mypod
  # and sends stdout/stderr from 'bash' back to the client
  kubectl attach mypod -c ruby-container -i -t
  
  # Get output from the first pod of a replica set named nginx
  kubectl attach rs/nginx`;

async function run(ctx: CommandContext): Promise<void> {
  const { flags, args } = ctx;
  const f = ctx.factory;
  if (args.length === 0) throw new CliError('at least 1 argument is required for attach');
  if (args.length > 2) throw new CliError(`expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw ${args.length}: [${args.join(' ')}]`);
  const timeoutMs = podRunningTimeout(flags);
  const obj = args.length === 2 ? await objectForTypeAndName(f, args[0]!, args[1]!) : await objectForArg(f, args[0]!);
  const pod = await attachablePod(f, obj, timeoutMs);
  checkNotCompleted(pod, 'attach');
  await attachToPod(f, {
    pod,
    container: flags.string('container'),
    stdin: flags.bool('stdin'),
    tty: flags.bool('tty'),
    quiet: flags.bool('quiet'),
    commandName: ctx.path,
  });
}

export const command: Command = {
  name: 'attach',
  short: 'Attach to a running container',
  long: 'Attach to a process that is already running inside an existing container.',
  usage: 'kubectl attach (POD | TYPE/NAME) -c CONTAINER',
  examples,
  flags: [
    containerFlag,
    podRunningTimeoutFlag,
    { name: 'quiet', short: 'q', type: 'bool', default: false, help: 'Only print output from the remote session' },
    { name: 'stdin', short: 'i', type: 'bool', default: false, help: 'Pass stdin to the container' },
    { name: 'tty', short: 't', type: 'bool', default: false, help: 'Stdin is a TTY' },
  ],
  run,
};
