/**
 * Which of a node's pods drain may remove (kubectl's pkg/drain filters), with kubectl's exact
 * wording: DaemonSet pods are refused without --ignore-daemonsets (and never removed), emptyDir
 * pods without --delete-emptydir-data, pods without a controller without --force; mirror pods and
 * pods already past --skip-wait-for-delete-timeout are skipped silently. Filters run in that
 * order and the first that keeps a pod decides; only the last warning of a pod survives.
 */
import type { ObjectMeta } from '../../../api/generated/meta/v1.js';
import { Aggregate, goErrorText } from './go-text.js';

/** The parts of a Pod the filters read. */
export interface DrainPod {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: { volumes?: Array<{ emptyDir?: unknown }> };
  status?: { phase?: string };
}

type Reason = 'Okay' | 'Skip' | 'Warning' | 'Error';

/** One filter's verdict on a pod. */
export interface PodDeleteStatus {
  delete: boolean;
  reason: Reason;
  message?: string;
}

const DAEMONSET_FATAL = 'DaemonSet-managed Pods (use --ignore-daemonsets to ignore)';
const DAEMONSET_WARNING = 'ignoring DaemonSet-managed Pods';
const LOCAL_STORAGE_FATAL = 'Pods with local storage (use --delete-emptydir-data to override)';
const LOCAL_STORAGE_WARNING = 'deleting Pods with local storage';
const UNMANAGED_FATAL = 'cannot delete Pods that declare no controller (use --force to override)';
const UNMANAGED_WARNING = 'deleting Pods that declare no controller';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

const okay: PodDeleteStatus = { delete: true, reason: 'Okay' };
const skip: PodDeleteStatus = { delete: false, reason: 'Skip' };
const warning = (del: boolean, message: string): PodDeleteStatus => ({ delete: del, reason: 'Warning', message });
const failure = (message: string): PodDeleteStatus => ({ delete: false, reason: 'Error', message });

/** What the filters depend on besides the pod. */
export interface FilterOptions {
  force: boolean;
  ignoreDaemonSets: boolean;
  deleteEmptyDirData: boolean;
  /** 0 disables skipping. */
  skipWaitForDeleteTimeoutSeconds: number;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** GETs the DaemonSet; resolves when it exists, rejects with the API error otherwise. */
  getDaemonSet: (namespace: string, name: string) => Promise<unknown>;
  /** True for a NotFound error. */
  isNotFound: (e: unknown) => boolean;
}

const finished = (pod: DrainPod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
const controllerOf = (pod: DrainPod) => (pod.metadata?.ownerReferences ?? []).find((r) => r.controller === true);

/** True when the pod's deletion began more than `seconds` ago (and `seconds` > 0). */
export function pastSkipTimeout(pod: DrainPod, seconds: number, now: number): boolean {
  const ts = pod.metadata?.deletionTimestamp;
  if (seconds <= 0 || !ts) return false;
  return Math.trunc((now - Date.parse(ts)) / 1000) > seconds;
}

type Filter = (pod: DrainPod, o: FilterOptions) => PodDeleteStatus | Promise<PodDeleteStatus>;

const skipDeleted: Filter = (pod, o) => (pastSkipTimeout(pod, o.skipWaitForDeleteTimeoutSeconds, o.now()) ? skip : okay);

const daemonSet: Filter = async (pod, o) => {
  const ref = controllerOf(pod);
  if (!ref || ref.kind !== 'DaemonSet' || finished(pod)) return okay;
  try {
    await o.getDaemonSet(pod.metadata?.namespace ?? '', ref.name);
  } catch (e) {
    // An orphan (its DaemonSet is gone) may go with --force.
    if (o.isNotFound(e) && o.force) return warning(true, goErrorText(e));
    return failure(goErrorText(e));
  }
  return o.ignoreDaemonSets ? warning(false, DAEMONSET_WARNING) : failure(DAEMONSET_FATAL);
};

const mirror: Filter = (pod) => (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined ? skip : okay);

const localStorage: Filter = (pod, o) => {
  if (!(pod.spec?.volumes ?? []).some((v) => v.emptyDir !== undefined && v.emptyDir !== null) || finished(pod)) return okay;
  return o.deleteEmptyDirData ? warning(true, LOCAL_STORAGE_WARNING) : failure(LOCAL_STORAGE_FATAL);
};

const unreplicated: Filter = (pod, o) => {
  if (finished(pod) || controllerOf(pod)) return okay;
  return o.force ? warning(true, UNMANAGED_WARNING) : failure(UNMANAGED_FATAL);
};

const FILTERS: Filter[] = [skipDeleted, daemonSet, mirror, localStorage, unreplicated];

/** The filtered pods of a node: what to remove, what to warn about, what blocks the drain. */
export class PodDeleteList {
  constructor(readonly items: ReadonlyArray<{ pod: DrainPod; status: PodDeleteStatus }>) {}

  /** The pods to evict or delete, in list order. */
  pods(): DrainPod[] {
    return this.items.filter((i) => i.status.delete).map((i) => i.pod);
  }

  /** `msg: ns/a, ns/b; msg2: ns/c`, grouped by message in the order first seen ('' when none). */
  warnings(): string {
    return grouped(this.items.filter((i) => i.status.reason === 'Warning')).map(([msg, pods]) => `${msg}: ${pods.join(', ')}`).join('; ');
  }

  /** One error per distinct message: `cannot delete <msg>: ns/a, ns/b`. */
  errors(): Error[] {
    return grouped(this.items.filter((i) => i.status.reason === 'Error')).map(([msg, pods]) => new Error(`cannot delete ${msg || 'unexpected error'}: ${pods.join(', ')}`));
  }
}

function grouped(items: ReadonlyArray<{ pod: DrainPod; status: PodDeleteStatus }>): Array<[string, string[]]> {
  // Go groups through a map, so its order varies from run to run; first-seen order is one of them.
  const groups = new Map<string, string[]>();
  for (const { pod, status } of items) {
    const key = status.message ?? '';
    const list = groups.get(key) ?? [];
    list.push(`${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`);
    groups.set(key, list);
  }
  return [...groups];
}

/** Runs the filters over the pods; the errors (if any) come back as one Aggregate. */
export async function filterPods(pods: DrainPod[], o: FilterOptions): Promise<{ list: PodDeleteList; error?: Aggregate }> {
  const items: Array<{ pod: DrainPod; status: PodDeleteStatus }> = [];
  for (const raw of pods) {
    let status = okay;
    for (const filter of FILTERS) {
      status = await filter(raw, o);
      if (!status.delete) break;
    }
    items.push({ pod: { ...raw, kind: 'Pod', apiVersion: 'v1' }, status });
  }
  const list = new PodDeleteList(items);
  const errors = list.errors();
  return errors.length > 0 ? { list, error: new Aggregate(errors) } : { list };
}
