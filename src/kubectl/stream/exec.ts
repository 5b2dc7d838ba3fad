/**
 * Running a command in a pod's container (kubectl's ExecOptions.Run): the pod must not have
 * completed, the container defaults as kubectl's podcmd does, and the session runs over
 * {@link streamRemoteCommand}. Shared by `exec` and `cp`.
 */
import type { Readable, Writable } from 'node:stream';
import type { Pod } from '../../api/generated/core/v1.js';
import { resourcePath } from '../../client/paths.js';
import { CliError } from '../errors.js';
import type { Factory } from '../types.js';
import { findOrDefaultContainer, podClient } from './pods.js';
import { execQuery, streamRemoteCommand, type TerminalSize } from './remotecommand.js';

const PODS = { group: '', version: 'v1', resource: 'pods', namespaced: true } as const;

/** The API path of a pod's streaming subresource. */
export function podSubresourcePath(namespace: string, pod: string, subresource: 'exec' | 'attach' | 'portforward' | 'log'): string {
  return resourcePath(PODS, { namespace, name: pod, subresource });
}

/** One command in a container whose pod and container are settled. */
export interface PodExec {
  namespace: string;
  pod: string;
  container: string;
  command: readonly string[];
  /** Piped to the command's stdin when given. */
  stdin?: Readable;
  /** Asked for (and copied here) when given. */
  stdout?: Writable;
  stderr?: Writable;
  tty?: boolean;
  resizes?: AsyncIterable<TerminalSize>;
  /** Drops the session (see {@link streamRemoteCommand}). */
  signal?: AbortSignal;
}

/** Runs the command; throws `command terminated with exit code N` (exit status N) and other failures. */
export function podExec(f: Factory, o: PodExec): Promise<void> {
  return streamRemoteCommand(f.clientConfig(), {
    path: podSubresourcePath(o.namespace, o.pod, 'exec'),
    query: execQuery({ command: o.command, container: o.container, stdin: o.stdin !== undefined, stdout: o.stdout !== undefined, stderr: o.stderr !== undefined, tty: o.tty ?? false }),
    stdin: o.stdin,
    stdout: o.stdout,
    stderr: o.stderr,
    resizes: o.resizes,
    signal: o.signal,
  });
}

/** kubectl's refusal to exec into a pod that has finished. */
export function checkNotCompleted(pod: Pod, verb: 'exec into' | 'attach'): void {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw new CliError(`cannot ${verb === 'attach' ? 'attach a container' : 'exec into a container'} in a completed pod; current phase is ${phase}`);
}

/**
 * `exec` by pod name, as `cp` runs its tar commands: GET the pod, refuse a completed one, default
 * the container (the "Defaulted container" notice goes to `warn`), run.
 */
export async function execByPodName(f: Factory, o: Omit<PodExec, 'container'> & { container?: string; warn?: Writable }): Promise<void> {
  const pod = await podClient(f).get(o.pod, { namespace: o.namespace });
  checkNotCompleted(pod, 'exec into');
  const container = o.container || findOrDefaultContainer(pod, '', { warn: o.warn }).name;
  await podExec(f, { ...o, namespace: pod.metadata?.namespace ?? o.namespace, container });
}
