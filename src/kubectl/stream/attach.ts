/**
 * Attaching to a running container (kubectl's AttachOptions.Run once the pod is known), shared by
 * `kubectl attach` and `kubectl run -i/-t/--attach`: the container choice, the TTY negotiation
 * with what the container allocated, the "If you don't see a command prompt" hint, the session,
 * and the "Session ended, resume using …" line.
 */
import type { Pod } from '../../api/generated/core/v1.js';
import { CliError } from '../errors.js';
import type { Factory } from '../types.js';
import { podSubresourcePath } from './exec.js';
import { findContainer, findOrDefaultContainer, podClient } from './pods.js';
import { execQuery, streamRemoteCommand } from './remotecommand.js';
import { setupTty } from './tty.js';

/** What to attach to and how. */
export interface AttachOptions {
  /** The pod (as read from the API), or its name in `namespace`. */
  pod: Pod | string;
  /** Used when `pod` is a name. */
  namespace?: string;
  /** `-c`; empty: the default-container annotation, else the first container. */
  container?: string;
  /** `-i`: pass our stdin to the container. */
  stdin: boolean;
  /** `-t`: ask for a TTY (used only with stdin on a terminal, and if the container has one). */
  tty: boolean;
  /** `-q`: print only what the session prints. */
  quiet?: boolean;
  /** For the reattach hint; default `kubectl attach`. */
  commandName?: string;
}

/**
 * Attaches to the container until the session ends. Resolves on success; throws as exec does
 * (`command terminated with exit code N` when the process exits non-zero, as run -i reports it).
 */
export async function attachToPod(f: Factory, o: AttachOptions): Promise<void> {
  const streams = f.streams;
  const pod = typeof o.pod === 'string' ? await podClient(f).get(o.pod, { namespace: o.namespace ?? f.namespace().namespace }) : o.pod;
  const namespace = pod.metadata?.namespace ?? o.namespace ?? f.namespace().namespace;
  const podName = pod.metadata?.name ?? '';
  let container;
  try {
    container = findOrDefaultContainer(pod, o.container ?? '', { quiet: o.quiet, warn: streams.stderr });
  } catch (e) {
    throw new CliError(`cannot attach to the container: ${e instanceof Error ? e.message : String(e)}`);
  }
  let tty = o.tty;
  if (tty && !container.tty) {
    tty = false;
    if (!o.quiet) streams.stderr.write(`error: Unable to use a TTY - container ${container.name} did not allocate one\n`);
  } else if (!tty && container.tty) {
    // A container started with a TTY only speaks TTY; without one the runtime rejects the stream.
    tty = true;
  }
  const session = setupTty(streams, {
    stdin: o.stdin,
    tty,
    quiet: o.quiet,
    err: streams.stderr,
    // One size larger first, then the real one: a re-attached program sees a change and redraws.
    initial: (s) => [{ width: s.width + 1, height: s.height + 1 }, s],
  });
  if (!o.quiet) streams.stderr.write("If you don't see a command prompt, try pressing enter.\n");
  try {
    await streamRemoteCommand(f.clientConfig(), {
      path: podSubresourcePath(namespace, podName, 'attach'),
      query: execQuery({ container: container.name, stdin: o.stdin, stdout: true, stderr: !session.tty, tty: session.tty }),
      stdin: o.stdin ? streams.stdin : undefined,
      stdout: streams.stdout,
      stderr: session.tty ? undefined : streams.stderr,
      resizes: session.sizes,
    });
  } finally {
    session.restore();
  }
  if (o.quiet || !o.stdin || !session.tty || pod.spec?.restartPolicy !== 'Always') return;
  const cmd = o.commandName ?? 'kubectl attach';
  if (findContainer(pod, container.name)?.fieldPath.startsWith('spec.ephemeralContainers')) {
    streams.stdout.write(`Session ended, the ephemeral container will not be restarted but may be reattached using '${cmd} ${podName} -c ${container.name} -i -t' if it is still running\n`);
  } else {
    streams.stdout.write(`Session ended, resume using '${cmd} ${podName} -c ${container.name} -i -t' command when the pod is running\n`);
  }
}
