/**
 * Which container logs `kubectl logs` reads (kubectl's LogsForObject): a pod's container (by name,
 * the default-container annotation, or the first with a notice), all of its containers, every pod
 * of a label selector, or for a workload or service the pod most worth reading (or all of them
 * with --all-pods); and how one log is streamed, line by line, optionally prefixed `[pod/P/C] `.
 */
import type { Writable } from 'node:stream';
import type { Pod } from '../../api/generated/core/v1.js';
import type { KubeObject } from '../../client/types.js';
import { CliError } from '../errors.js';
import type { Factory } from '../types.js';
import { podSubresourcePath } from './exec.js';
import { allContainerNames, DEFAULT_CONTAINER_ANNOTATION, findContainer, goTypeName, podOrders, podsForSelector, selectorForObject } from './pods.js';

/** One container log to read. */
export interface LogSource {
  namespace: string;
  pod: string;
  container: string;
  /** `spec.containers{name}` and the like, for the prefix. */
  fieldPath: string;
}

/** PodLogOptions as query parameters, in the (sorted) order kubectl sends them. */
export interface LogOptions {
  follow?: boolean;
  insecureSkipTLSVerifyBackend?: boolean;
  limitBytes?: number;
  previous?: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  tailLines?: number;
  timestamps?: boolean;
}

export function logQuery(container: string, o: LogOptions): Record<string, string> {
  const q: Record<string, string> = { container };
  if (o.follow) q['follow'] = 'true';
  if (o.insecureSkipTLSVerifyBackend) q['insecureSkipTLSVerifyBackend'] = 'true';
  if (o.limitBytes !== undefined) q['limitBytes'] = String(o.limitBytes);
  if (o.previous) q['previous'] = 'true';
  if (o.sinceSeconds !== undefined) q['sinceSeconds'] = String(o.sinceSeconds);
  if (o.sinceTime !== undefined) q['sinceTime'] = o.sinceTime;
  if (o.tailLines !== undefined) q['tailLines'] = String(o.tailLines);
  if (o.timestamps) q['timestamps'] = 'true';
  return q;
}

/** How to choose. */
export interface SourceOptions {
  /** `-c` or the second argument; empty: default. */
  container: string;
  allContainers: boolean;
  allPods: boolean;
  timeoutMs: number;
  /** Where kubectl's notices go (it writes them to the process's stderr). */
  stderr: Writable;
}

function podSources(pod: Pod, o: SourceOptions): LogSource[] {
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  const one = (container: string): LogSource => {
    const found = findContainer(pod, container);
    if (!found) throw new CliError(`container ${container} is not valid for pod ${name}`);
    return { namespace, pod: name, container, fieldPath: found.fieldPath };
  };
  if (o.allContainers) {
    const spec = pod.spec;
    return [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])].map((c) => one(c.name));
  }
  let container = o.container;
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (!container && annotated) {
    if (findContainer(pod, annotated)) container = annotated;
    else o.stderr.write(`Default container name ${JSON.stringify(annotated)} not found in pod ${name}\n`);
  }
  if (!container) {
    const spec = pod.spec;
    container = spec?.containers[0]?.name ?? '';
    const others = (spec?.containers.length ?? 0) > 1 || (spec?.initContainers?.length ?? 0) > 0 || (spec?.ephemeralContainers?.length ?? 0) > 0;
    if (others && !o.allPods) o.stderr.write(`Defaulted container ${JSON.stringify(container)} out of: ${allContainerNames(pod)}\n`);
  }
  return [one(container)];
}

/** The logs an object stands for: a Pod, a PodList (from `-l`), or anything that selects pods. */
export async function logSources(f: Factory, obj: KubeObject, o: SourceOptions): Promise<LogSource[]> {
  if (obj.kind === 'PodList') return ((obj as { items?: Pod[] }).items ?? []).flatMap((p) => podSources(p, o));
  if (obj.kind === 'Pod') return podSources(obj, o);
  let sel: { namespace: string; selector: string };
  try {
    sel = selectorForObject(obj);
  } catch (e) {
    throw new CliError(`cannot get the logs from ${goTypeName(obj)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const pods = await podsForSelector(f, sel.namespace, sel.selector, o.timeoutMs, podOrders.logs);
  const first = pods[0]!;
  if (pods.length > 1 && o.allPods) return pods.flatMap((p) => podSources(p, o));
  if (pods.length > 1) o.stderr.write(`Found ${pods.length} pods, using pod/${first.metadata?.name ?? ''}\n`);
  return podSources(first, o);
}

/** The `[pod/P/C] ` prefix of a source (empty when it has no container field path). */
export function prefixOf(s: LogSource): string {
  const m = /spec\.(?:initContainers|containers|ephemeralContainers)\{(.+)\}/.exec(s.fieldPath);
  return s.fieldPath && s.pod ? `[pod/${s.pod}/${m?.[1] ?? ''}] ` : '';
}

/**
 * Streams one log into `write`, a line at a time (a last line without a newline too), each with
 * `prefix`: whole lines keep parallel logs from interleaving mid-line.
 */
export async function streamLog(f: Factory, s: LogSource, o: LogOptions, prefix: string, write: (text: Buffer) => Promise<void> | undefined, signal?: AbortSignal): Promise<void> {
  const res = await f.client().stream({ method: 'GET', path: podSubresourcePath(s.namespace, s.pod, 'log'), query: logQuery(s.container, o), signal, timeoutMs: 0 });
  const head = Buffer.from(prefix);
  let pending = Buffer.alloc(0);
  const emit = async (line: Buffer) => {
    const waiting = write(head.length ? Buffer.concat([head, line]) : line);
    // Waiting only when the output is full keeps fast logs fast and slow readers bounded.
    if (waiting) await waiting;
  };
  try {
    for await (const chunk of res) {
      pending = Buffer.concat([pending, chunk as Buffer]);
      let nl: number;
      while ((nl = pending.indexOf(0x0a)) >= 0) {
        await emit(pending.subarray(0, nl + 1));
        pending = pending.subarray(nl + 1);
      }
    }
  } catch (e) {
    if (!signal?.aborted) throw e;
  }
  if (pending.length) await emit(pending);
}
