/**
 * `kubectl cp <file-spec-src> <file-spec-dest>`: one side is `[[namespace/]pod:]path` in a
 * container, the other a local path; the files travel as a tar stream through `tar` in the
 * container (see stream/copy.ts).
 */
import { CliError } from '../errors.js';
import { parseFileSpec } from '../stream/cp-paths.js';
import { copyFromPod, copyToPod } from '../stream/copy.js';
import type { Command, CommandContext } from '../types.js';
import { containerFlag } from './exec.js';

const examples = `  # !!!Important Note!!!
  # Requires that the 'tar' binary is present in your container
  # image.  If 'tar' is not present, 'kubectl cp' will fail.
  #
  # For advanced use cases, such as symlinks, wildcard expansion or
  # file mode preservation, consider using 'kubectl exec'.
  
  # Copy /tmp/foo local file to /tmp/bar in a remote pod in namespace <some-namespace>
  tar cf - /tmp/foo | kubectl exec -i -n <some-namespace> <some-pod> -- tar xf - -C /tmp/bar
  
  # Copy /tmp/foo from a remote pod to /tmp/bar locally
  kubectl exec -n <some-namespace> <some-pod> -- tar cf - /tmp/foo | tar xf - -C /tmp/bar
  
  # Copy /tmp/foo_dir local directory to /tmp/bar_dir in a remote pod in the default namespace
  kubectl cp /tmp/foo_dir <some-pod>:/tmp/bar_dir
  
  # Copy /tmp/foo local file to /tmp/bar in a remote pod in a specific container
  kubectl cp /tmp/foo <some-pod>:/tmp/bar -c <specific-container>
  
  # Copy /tmp/foo local file to /tmp/bar in a remote pod in namespace <some-namespace>
  kubectl cp /tmp/foo <some-namespace>/<some-pod>:/tmp/bar
  
  # Copy /tmp/foo from a remote pod to /tmp/bar locally
  kubectl cp <some-namespace>/<some-pod>:/tmp/foo /tmp/bar`;

async function run(ctx: CommandContext): Promise<void> {
  const { flags, args, streams } = ctx;
  const f = ctx.factory;
  if (args.length !== 2) throw new CliError('source and destination are required');
  const src = parseFileSpec(args[0]!);
  const dest = parseFileSpec(args[1]!);
  if (src.podName && dest.podName) throw new CliError('one of src or dest must be a local file specification');
  if (src.file === '' || dest.file === '') throw new CliError('filepath can not be empty');
  const base = { container: flags.string('container'), stdout: streams.stdout, stderr: streams.stderr };
  if (src.podName) {
    const namespace = src.podNamespace || f.namespace().namespace;
    await copyFromPod(f, src.file, dest.file, { ...base, namespace, specNamespace: src.podNamespace, pod: src.podName, maxTries: flags.int('retries') });
    return;
  }
  if (dest.podName) {
    const namespace = dest.podNamespace || f.namespace().namespace;
    await copyToPod(f, src.file, dest.file, { ...base, namespace, pod: dest.podName, noPreserve: flags.bool('no-preserve') });
    return;
  }
  throw new CliError('one of src or dest must be a remote file specification');
}

export const command: Command = {
  name: 'cp',
  short: 'Copy files and directories to and from containers',
  long: 'Copy files and directories to and from containers.',
  usage: 'kubectl cp <file-spec-src> <file-spec-dest>',
  examples,
  flags: [
    containerFlag,
    { name: 'no-preserve', type: 'bool', default: false, help: "The copied file/directory's ownership and permissions will not be preserved in the container" },
    { name: 'retries', type: 'int', default: 0, help: 'Set number of retries to complete a copy operation from a container. Specify 0 to disable or any negative value for infinite retrying. The default is 0 (no retry).' },
  ],
  run,
};
