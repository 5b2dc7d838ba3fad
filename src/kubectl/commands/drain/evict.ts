/**
 * The pod half of drain (kubectl's pkg/drain Helper): list a node's pods, filter them, then evict
 * them all at once (POST pods/x/eviction; a PodDisruptionBudget's 429 is retried every 5 s) or
 * delete them (`--disable-eviction`), and wait, polling each second, until every pod is gone or
 * replaced by a namesake. Lines and error texts are kubectl's.
 */
import { ApiError, hasStatusCause, isNotFound } from '../../../api/errors.js';
import { sleep, type Clock } from '../../../client/clock.js';
import type { KubeList, Transport } from '../../../client/types.js';
import { parseLabelSelector, escapeFieldValue } from '../../../api/selectors.js';
import { printAction } from '../../printers/output.js';
import type { Streams } from '../../types.js';
import type { DryRun } from '../create/options.js';
import { filterPods, pastSkipTimeout, type DrainPod, type PodDeleteList } from './filters.js';
import { FOREVER_TEXT, aggregateOf, goDuration, goErrorText } from './go-text.js';

/** drain's flags, as pkg/drain.Helper holds them. */
export interface DrainOptions {
  force: boolean;
  ignoreDaemonSets: boolean;
  deleteEmptyDirData: boolean;
  /** Negative: each pod's own terminationGracePeriodSeconds. */
  gracePeriodSeconds: number;
  /** 0: no limit. */
  timeoutMs: number;
  podSelector: string;
  /** 0: one request. */
  chunkSize: number;
  disableEviction: boolean;
  skipWaitForDeleteTimeoutSeconds: number;
  dryRun: DryRun;
}

/** Where drain talks and writes. */
export interface DrainIO {
  client: Transport;
  stdout: Streams['stdout'];
  stderr: Streams['stderr'];
  clock: Clock;
}

const POLL_MS = 1000;
const RETRY_MS = 5000;

/** The error Go's context gives when its deadline passes. */
const deadlineExceeded = (): Error => new Error('context deadline exceeded');

const isTooManyRequests = (e: unknown): boolean => e instanceof ApiError && (e.code === 429 || e.status.reason === 'TooManyRequests');
const isForbidden = (e: unknown): boolean => e instanceof ApiError && (e.code === 403 || e.status.reason === 'Forbidden');
const podName = (p: DrainPod) => p.metadata?.name ?? '';
const podNamespace = (p: DrainPod) => p.metadata?.namespace ?? '';
const podPath = (p: DrainPod, sub = '') => `/api/v1/namespaces/${encodeURIComponent(podNamespace(p))}/pods/${encodeURIComponent(podName(p))}${sub}`;

/** The canonical form of `--pod-selector` (kubectl sends labels.Parse(...).String()). */
export function canonicalSelector(selector: string): string {
  const parsed = parseLabelSelector(selector);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value.toString();
}

/** Lists the node's pods (in chunks), then filters them. A failed list gives no list, only the error. */
export async function podsForDeletion(io: DrainIO, node: string, o: DrainOptions): Promise<{ list?: PodDeleteList; error?: unknown }> {
  const pods: DrainPod[] = [];
  const labelSelector = canonicalSelector(o.podSelector) || undefined;
  try {
    let cont: string | undefined;
    do {
      const page = await io.client.request<KubeList<DrainPod>>({
        method: 'GET',
        path: '/api/v1/pods',
        query: { labelSelector, fieldSelector: `spec.nodeName=${escapeFieldValue(node)}`, limit: o.chunkSize > 0 ? o.chunkSize : undefined, continue: cont },
      });
      pods.push(...(page.items ?? []));
      cont = page.metadata?.continue || undefined;
    } while (cont);
  } catch (e) {
    return { error: e };
  }
  const { list, error } = await filterPods(pods, {
    force: o.force,
    ignoreDaemonSets: o.ignoreDaemonSets,
    deleteEmptyDirData: o.deleteEmptyDirData,
    skipWaitForDeleteTimeoutSeconds: o.skipWaitForDeleteTimeoutSeconds,
    now: () => io.clock.now(),
    getDaemonSet: (ns, name) => io.client.request({ method: 'GET', path: `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/daemonsets/${encodeURIComponent(name)}` }),
    isNotFound,
  });
  return { list, error };
}

/** The group/version of the Eviction subresource the server announces for pods, if any. */
async function evictionVersion(io: DrainIO): Promise<string | undefined> {
  const list = await io.client.request<{ resources?: Array<{ name?: string; kind?: string; group?: string; version?: string }> }>({ method: 'GET', path: '/api/v1' });
  const r = (list.resources ?? []).find((x) => x.name === 'pods/eviction' && x.kind === 'Eviction' && x.group && x.version);
  return r ? `${r.group}/${r.version}` : undefined;
}

function deleteOptions(o: DrainOptions): Record<string, unknown> {
  return { ...(o.gracePeriodSeconds >= 0 ? { gracePeriodSeconds: o.gracePeriodSeconds } : {}), ...(o.dryRun === 'server' ? { dryRun: ['All'] } : {}) };
}

/** Evicts or deletes the pods and waits for them to go; rejects with kubectl's error. */
export async function deleteOrEvictPods(io: DrainIO, pods: DrainPod[], o: DrainOptions): Promise<void> {
  if (pods.length === 0) return;
  if (!o.disableEviction) {
    const version = await evictionVersion(io);
    if (version) return evictPods(io, pods, o, version);
  }
  return deletePods(io, pods, o);
}

async function evictPods(io: DrainIO, pods: DrainPod[], o: DrainOptions, apiVersion: string): Promise<void> {
  const deadline = o.timeoutMs > 0 ? io.clock.now() + o.timeoutMs : Infinity;
  const timeoutText = o.timeoutMs > 0 ? goDuration(o.timeoutMs) : FOREVER_TEXT;
  const one = async (pod: DrainPod): Promise<void> => {
    const where = `pods/"${podName(pod)}" -n "${podNamespace(pod)}"`;
    for (;;) {
      io.stdout.write(`evicting pod ${podNamespace(pod)}/${podName(pod)}${o.dryRun === 'server' ? ' (server dry run)' : ''}\n`);
      if (io.clock.now() >= deadline) throw new Error(`error when evicting ${where}: global timeout reached: ${timeoutText}`);
      try {
        await io.client.request({
          method: 'POST',
          path: podPath(pod, '/eviction'),
          body: { kind: 'Eviction', apiVersion, metadata: { name: podName(pod), namespace: podNamespace(pod) }, deleteOptions: deleteOptions(o) },
        });
        break;
      } catch (e) {
        if (isNotFound(e)) return;
        const terminating = isForbidden(e) && hasStatusCause(e, 'NamespaceTerminating');
        // Evicting from a deleting namespace is refused, but a pod already on its way out will go.
        if (terminating && pod.metadata?.deletionTimestamp) break;
        if (isTooManyRequests(e)) io.stderr.write(`error when evicting ${where} (will retry after 5s): ${goErrorText(e)}\n`);
        else if (terminating) io.stderr.write(`error when evicting pod "${podName(pod)}" from terminating namespace "${podNamespace(pod)}" (will retry after 5s): ${goErrorText(e)}\n`);
        else throw new Error(`error when evicting ${where}: ${goErrorText(e)}`);
        await sleep(io.clock, RETRY_MS);
      }
    }
    if (o.dryRun === 'server') return;
    try {
      await waitForDelete(io, [pod], { usingEviction: true, deadline, skipSeconds: o.skipWaitForDeleteTimeoutSeconds });
    } catch (e) {
      throw new Error(`error when waiting for pod "${podName(pod)}" in namespace "${podNamespace(pod)}" to terminate: ${goErrorText(e)}`);
    }
  };
  const results = await Promise.allSettled(pods.map(one));
  const failed = aggregateOf(results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])));
  if (failed) throw failed;
}

async function deletePods(io: DrainIO, pods: DrainPod[], o: DrainOptions): Promise<void> {
  for (const pod of pods) {
    try {
      await io.client.request({ method: 'DELETE', path: podPath(pod), body: { kind: 'DeleteOptions', apiVersion: 'v1', ...deleteOptions(o) } });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  // kubectl would wait here for pods a server dry run never deleted, until --timeout; we do not.
  if (o.dryRun === 'server') return;
  const deadline = o.timeoutMs > 0 ? io.clock.now() + o.timeoutMs : Infinity;
  await waitForDelete(io, pods, { usingEviction: false, deadline, skipSeconds: o.skipWaitForDeleteTimeoutSeconds });
}

/**
 * Polls each pod (now, then every second) until it is gone or has a new UID, printing
 * `pod/x evicted|deleted` as each goes; rejects with "context deadline exceeded" at `deadline`.
 */
async function waitForDelete(io: DrainIO, pods: DrainPod[], o: { usingEviction: boolean; deadline: number; skipSeconds: number }): Promise<void> {
  let pending = pods;
  for (;;) {
    const still: DrainPod[] = [];
    for (const pod of pending) {
      let current: DrainPod | undefined;
      try {
        current = await io.client.request<DrainPod>({ method: 'GET', path: podPath(pod) });
      } catch (e) {
        if (!isNotFound(e)) {
          printAction(io.stdout, pod, o.usingEviction ? 'eviction failed' : 'deletion failed');
          throw e;
        }
      }
      if (current === undefined || current.metadata?.uid !== pod.metadata?.uid) {
        printAction(io.stdout, pod, o.usingEviction ? 'evicted' : 'deleted');
      } else if (pastSkipTimeout(current, o.skipSeconds, io.clock.now())) {
        io.stdout.write(`pod "${podName(pod)}" has DeletionTimestamp older than ${o.skipSeconds} seconds, skipping\n`);
      } else {
        still.push(pod);
      }
    }
    pending = still;
    if (pending.length === 0) return;
    const wait = Math.min(POLL_MS, o.deadline - io.clock.now());
    if (wait <= 0) throw deadlineExceeded();
    await sleep(io.clock, wait);
    if (io.clock.now() >= o.deadline) throw deadlineExceeded();
  }
}
