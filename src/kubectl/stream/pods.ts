/**
 * Finding the pod and container a streaming verb acts on, as kubectl's polymorphichelpers and
 * podcmd do: `POD`, `TYPE/NAME` (a workload or service stands for one of its pods, the "best" one by
 * kubectl's orderings), the container named by `-c`, by the `kubectl.kubernetes.io/default-container`
 * annotation, or the first one with a "Defaulted container" notice.
 */
import type { Writable } from 'node:stream';
import type { Container, Pod } from '../../api/generated/core/v1.js';
import { LabelSelector, labelSelectorFromSpec, type LabelSelectorSpec } from '../../api/selectors.js';
import { resourcePath } from '../../client/paths.js';
import type { ResourceClient } from '../../client/resource.js';
import type { KubeObject } from '../../client/types.js';
import { CliError, UsageError } from '../errors.js';
import type { Factory, ResourceMapping } from '../types.js';

export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** The typed client for pods. */
export function podClient(f: Factory): ResourceClient<Pod> {
  return f.client().resource<Pod>({ group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' });
}

/** `TYPE/NAME` → [TYPE, NAME]; a bare `NAME` is of `defaultType`. */
export function splitTypeName(arg: string, defaultType = 'pods'): { type: string; name: string } {
  const slash = arg.indexOf('/');
  if (slash < 0) return { type: defaultType, name: arg };
  const type = arg.slice(0, slash);
  const name = arg.slice(slash + 1);
  if (type === '' || name === '' || name.includes('/')) throw new UsageError('arguments in resource/name form must have a single resource and name');
  return { type, name };
}

/** Reads one object by type (as users type it) and name, in the namespace for namespaced types. */
export async function getObject(f: Factory, type: string, name: string, namespace: string): Promise<{ mapping: ResourceMapping; object: KubeObject }> {
  const mapping = await (await f.mapper()).resolve(type);
  const path = resourcePath(mapping, { namespace: mapping.namespaced ? namespace : undefined, name });
  const object = await f.client().request<KubeObject>({ method: 'GET', path });
  object.apiVersion ??= mapping.group ? `${mapping.group}/${mapping.version}` : mapping.version;
  object.kind ??= mapping.kind;
  return { mapping, object };
}

/** Go's `%T` of a typed object, as kubectl's messages show it: `*v1.Deployment`. */
export function goTypeName(obj: KubeObject): string {
  const version = (obj.apiVersion ?? 'v1').split('/').pop() ?? 'v1';
  return `*${version}.${obj.kind ?? 'Unknown'}`;
}

interface WithSelector {
  spec?: { selector?: LabelSelectorSpec | Record<string, string> | null };
}

const STRUCTURED = new Set(['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Deployment', 'Job']);

/** The pods an object stands for (kubectl's `SelectorsForObject`); throws the reason it has none. */
export function selectorForObject(obj: KubeObject): { namespace: string; selector: string } {
  const namespace = obj.metadata?.namespace ?? '';
  const kind = obj.kind ?? '';
  const sel = (obj as WithSelector).spec?.selector;
  if (STRUCTURED.has(kind)) {
    const r = labelSelectorFromSpec(sel);
    if (!r.ok) throw new Error(`invalid label selector: ${r.error}`);
    return { namespace, selector: r.value.toString() };
  }
  if (kind === 'ReplicationController' || kind === 'Service') {
    const set = (sel ?? {}) as Record<string, string>;
    if (kind === 'Service' && Object.keys(set).length === 0) throw new Error(`invalid service '${obj.metadata?.name ?? ''}': Service is defined without a selector`);
    return { namespace, selector: LabelSelector.fromSet(set).toString() };
  }
  throw new Error(`selector for ${goTypeName(obj)} not implemented`);
}

// ---- kubectl's pod orderings (podutils.ActivePods and ByLogging) ----

const readyCondition = (p: Pod) => (p.status?.conditions ?? []).find((c) => c.type === 'Ready');
const isReady = (p: Pod) => readyCondition(p)?.status === 'True';
const readyTime = (p: Pod): number => {
  const c = readyCondition(p);
  return c?.status === 'True' && c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : 0;
};
const created = (p: Pod): number => (p.metadata?.creationTimestamp ? Date.parse(p.metadata.creationTimestamp) : 0);
const deleting = (p: Pod) => p.metadata?.deletionTimestamp !== undefined && p.metadata.deletionTimestamp !== null;

/** `t1` after `t2`, where a zero time counts as after everything. */
const afterOrZero = (t1: number, t2: number): boolean => (t1 === 0 || t2 === 0 ? t1 === 0 : t1 > t2);

function maxRestarts(p: Pod): [number, number] {
  const regular = Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
  const sidecars = new Set((p.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const side = Math.max(0, ...(p.status?.initContainerStatuses ?? []).filter((c) => sidecars.has(c.name)).map((c) => c.restartCount ?? 0));
  return [regular, side];
}

/** true: `a` restarted more; false: `b` did; undefined: equal. */
function moreRestarts(a: Pod, b: Pod): boolean | undefined {
  const [ra, sa] = maxRestarts(a);
  const [rb, sb] = maxRestarts(b);
  if (ra !== rb) return ra > rb;
  if (sa !== sb) return sa > sb;
  return undefined;
}

const toOrder = (less: (a: Pod, b: Pod) => boolean) => (a: Pod, b: Pod) => (less(a, b) ? -1 : less(b, a) ? 1 : 0);

/** ActivePods' Less: the pod a controller would delete first sorts first. */
export function activePodsLess(a: Pod, b: Pod): boolean {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '';
  const rank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
  const pa = rank[a.status?.phase ?? ''] ?? 0;
  const pb = rank[b.status?.phase ?? ''] ?? 0;
  if (pa !== pb) return pa < pb;
  if (isReady(a) !== isReady(b)) return !isReady(a);
  if (deleting(a) !== deleting(b)) return deleting(a);
  if (deleting(a) && deleting(b)) {
    const da = Date.parse(a.metadata?.deletionTimestamp ?? '');
    const db = Date.parse(b.metadata?.deletionTimestamp ?? '');
    if (da !== db) return da < db;
  }
  if (isReady(a) && isReady(b) && readyTime(a) !== readyTime(b)) return afterOrZero(readyTime(a), readyTime(b));
  const r = moreRestarts(a, b);
  if (r !== undefined) return r;
  if (created(a) !== created(b)) return afterOrZero(created(a), created(b));
  return false;
}

/** ByLogging's Less: the pod whose logs are most worth showing sorts first. */
export function byLoggingLess(a: Pod, b: Pod): boolean {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na !== '';
  const rank: Record<string, number> = { Running: 0, Unknown: 1, Pending: 2 };
  const pa = rank[a.status?.phase ?? ''] ?? 0;
  const pb = rank[b.status?.phase ?? ''] ?? 0;
  if (pa !== pb) return pa < pb;
  if (isReady(a) !== isReady(b)) return isReady(a);
  if (isReady(a) && isReady(b) && readyTime(a) !== readyTime(b)) return afterOrZero(readyTime(b), readyTime(a));
  const r = moreRestarts(a, b);
  if (r !== undefined) return r;
  if (created(a) !== created(b)) return afterOrZero(created(b), created(a));
  return false;
}

/** Orders for {@link podsForSelector}: attach and port-forward pick the most active pod; logs the most loggable. */
export const podOrders = {
  /** sort.Reverse(ActivePods) */
  attach: toOrder((a, b) => activePodsLess(b, a)),
  logs: toOrder(byLoggingLess),
};

/**
 * The pods of a selector, best first (kubectl's GetPodList): when there are none yet, waits up to
 * `timeoutMs` for the first one to appear.
 */
export async function podsForSelector(f: Factory, namespace: string, selector: string, timeoutMs: number, order: (a: Pod, b: Pod) => number): Promise<Pod[]> {
  const pods = podClient(f);
  const list = await pods.list({ namespace, labelSelector: selector });
  if (list.items.length > 0) return [...list.items].sort(order);
  const signal = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
  for await (const ev of pods.watch({ namespace, labelSelector: selector, resourceVersion: list.metadata?.resourceVersion, signal, timeoutMs: 0 })) {
    if (ev.type === 'ADDED' || ev.type === 'MODIFIED') return [ev.object];
  }
  throw new CliError('timed out waiting for the condition');
}

/** The pod to attach to (exec, attach, port-forward) for a pod or an object that selects pods. */
export async function attachablePod(f: Factory, obj: KubeObject, timeoutMs: number): Promise<Pod> {
  if (obj.kind === 'Pod') return obj;
  let sel: { namespace: string; selector: string };
  try {
    sel = selectorForObject(obj);
  } catch (e) {
    throw new CliError(`cannot attach to ${goTypeName(obj)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const [first] = await podsForSelector(f, sel.namespace, sel.selector, timeoutMs, podOrders.attach);
  return first!;
}

// ---- containers (podcmd) ----

/** A container by name among containers, init and ephemeral containers, with its field path. */
export function findContainer(pod: Pod, name: string): { container: Container; fieldPath: string } | undefined {
  const spec = pod.spec;
  const c = spec?.containers.find((x) => x.name === name);
  if (c) return { container: c, fieldPath: `spec.containers{${name}}` };
  const i = spec?.initContainers?.find((x) => x.name === name);
  if (i) return { container: i, fieldPath: `spec.initContainers{${name}}` };
  const e = spec?.ephemeralContainers?.find((x) => x.name === name);
  if (e) return { container: e, fieldPath: `spec.ephemeralContainers{${name}}` };
  return undefined;
}

/** `a, b, dbg (ephem), setup (init)`, as kubectl lists them. */
export function allContainerNames(pod: Pod): string {
  const spec = pod.spec;
  return [
    ...(spec?.containers ?? []).map((c) => c.name),
    ...(spec?.ephemeralContainers ?? []).map((c) => `${c.name} (ephem)`),
    ...(spec?.initContainers ?? []).map((c) => `${c.name} (init)`),
  ].join(', ');
}

/**
 * The container `-c` names, else the default-container annotation's, else the first one, telling
 * `warn` "Defaulted container …" when the pod has others (unless quiet).
 */
export function findOrDefaultContainer(pod: Pod, name: string, o: { quiet?: boolean; warn?: Writable } = {}): Container {
  const podName = pod.metadata?.name ?? '';
  if (name) {
    const found = findContainer(pod, name);
    if (!found) throw new CliError(`container ${name} not found in pod ${podName}`);
    return found.container;
  }
  const spec = pod.spec;
  const first = spec?.containers[0];
  if (!spec || !first) throw new CliError(`pod ${pod.metadata?.namespace ?? ''}/${podName} does not have any containers`);
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated) {
    const found = findContainer(pod, annotated);
    if (found) return found.container;
  }
  const others = spec.containers.length > 1 || (spec.initContainers?.length ?? 0) > 0 || (spec.ephemeralContainers?.length ?? 0) > 0;
  if (!o.quiet && others) o.warn?.write(`Defaulted container ${JSON.stringify(first.name)} out of: ${allContainerNames(pod)}\n`);
  return first;
}
