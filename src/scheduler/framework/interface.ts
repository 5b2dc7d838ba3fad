/**
 * The scheduling framework's extension points (kube-scheduler's framework.Plugin family): a plugin
 * is an object with a name and any of preFilter / filter / preScore / score / postFilter. Plugins
 * are small, keep per-cycle data in the CycleState, and answer with a Status.
 */
import type { PodDisruptionBudget } from '../../api/generated/policy/v1.js';
import type { Pod } from '../../api/generated/core/v1.js';
import type { Clock } from '../../client/clock.js';
import type { KubeObject, Transport } from '../../client/types.js';
import type { Logger } from '../../util/log.js';
import type { NamespaceLabels } from './affinity-term.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { Status } from './status.js';

/** Per-cycle data a plugin keeps; cloned for preemption's what-if runs. */
export interface StateData {
  clone(): StateData;
}

/** Data shared between the extension points of one scheduling cycle. */
export class CycleState {
  readonly #data = new Map<string, StateData>();
  /** Plugins whose PreFilter returned Skip: their Filter is not run. */
  readonly skipFilter = new Set<string>();
  /** Plugins whose PreScore returned Skip: their Score is not run. */
  readonly skipScore = new Set<string>();
  /** The Filter plugins not skipped, worked out once per cycle by the framework. */
  filters: readonly FilterPlugin[] | undefined;

  read<T extends StateData>(key: string): T | undefined {
    return this.#data.get(key) as T | undefined;
  }

  write(key: string, value: StateData): void {
    this.#data.set(key, value);
  }

  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.#data) c.#data.set(k, v.clone());
    for (const s of this.skipFilter) c.skipFilter.add(s);
    for (const s of this.skipScore) c.skipScore.add(s);
    c.filters = this.filters;
    return c;
  }
}

/**
 * A change in the cluster that may make an unschedulable pod schedulable. Plugins list the ones
 * that can undo their rejections; the queue retries a pod only on those.
 */
export type ClusterEvent =
  | 'Node/Add'
  | 'Node/Delete'
  | 'Node/UpdateAllocatable'
  | 'Node/UpdateLabel'
  | 'Node/UpdateTaint'
  | 'Node/UpdateCondition'
  | 'AssignedPod/Add'
  | 'AssignedPod/Update'
  | 'AssignedPod/Delete'
  | 'Namespace/Update'
  | 'PodDisruptionBudget/Change';

/** A plugin: a name and any of the extension-point methods below. */
export interface Plugin {
  readonly name: string;
}

/** Runs once per cycle before filtering; may precompute state and restrict the nodes to try. */
export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status;
  /** Nodes the pod can only go to (undefined: any); e.g. a DaemonSet pod's `metadata.name` pin. */
  preFilterNodes?(pod: PodInfo): ReadonlySet<string> | undefined;
  /** Keeps the PreFilter state right when `added` is put on `node` (nominated pods, preemption). */
  addPod?(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void;
  /** Keeps the PreFilter state right when `removed` is taken off `node` (preemption). */
  removePod?(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void;
}

/** Says whether the pod may go to one node. */
export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status;
}

/** Runs once before scoring, over the feasible nodes. */
export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status;
}

/** Scores one node (any scale); `normalize` brings the scores of all nodes to 0–100. */
export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  normalize?(state: CycleState, pod: PodInfo, scores: number[], nodes: readonly NodeInfo[]): void;
}

/** Why a pod did not fit: the status of every node tried. */
export interface Diagnosis {
  nodeToStatus: Map<string, Status>;
  /** The status of nodes not tried because PreFilter restricted the candidates. */
  absentStatus?: Status;
  unschedulablePlugins: Set<string>;
  preFilterMsg?: string;
  postFilterMsg?: string;
}

/** What a PostFilter plugin (preemption) decided. */
export interface PostFilterResult {
  status: Status;
  /** A node to nominate the pod to; '' clears the nomination; undefined leaves it. */
  nominatedNodeName?: string;
}

/** Runs when no node fits. */
export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: PodInfo, diagnosis: Diagnosis): Promise<PostFilterResult>;
}

/** Which cluster events can undo this plugin's rejections. */
export interface EnqueueExtensions {
  events(): readonly ClusterEvent[];
}

/** Where the scheduler records Events (objects must carry kind and apiVersion). */
export interface EventSink {
  record(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** The cluster as of this cycle. */
export interface Snapshot {
  /** Every node with a Node object, in a stable order. */
  nodes(): readonly NodeInfo[];
  get(name: string): NodeInfo | undefined;
  /** Nodes that hold at least one pod with (anti-)affinity terms. */
  nodesWithAffinityPods(): Iterable<NodeInfo>;
  /** Nodes that hold at least one pod with required anti-affinity. */
  nodesWithRequiredAntiAffinityPods(): Iterable<NodeInfo>;
  /** Nodes holding at least one pod of this owner (UID). */
  nodesWithOwner(uid: string): Iterable<NodeInfo>;
  /** Pods of this owner on nodes labelled topology.kubernetes.io/zone=`zone`. */
  ownerZoneCount(uid: string, zone: string): number;
  /** How many nodes hold the (normalized) image. */
  imageNodeCount(image: string): number;
}

/** Pods nominated to nodes by preemption (they get first claim on the room it made). */
export interface Nominator {
  nominatedPodsForNode(node: string): readonly PodInfo[];
}

/** What plugins may reach besides the pod and the node. */
export interface Handle {
  snapshot: Snapshot;
  namespaceLabels: NamespaceLabels;
  pdbs(): readonly PodDisruptionBudget[];
  /** The current version of a pod from the informer (undefined when gone). */
  currentPod(namespace: string, name: string): Pod | undefined;
  nominator: Nominator;
  client: Transport;
  events: EventSink;
  clock: Clock;
  logger: Logger;
  schedulerName: string;
  /** [0, 1); injectable so tests are deterministic. */
  random(): number;
  /** Runs the filters of this profile on one node, counting nominated pods (for preemption). */
  runFilterWithNominatedPods(state: CycleState, pod: PodInfo, node: NodeInfo): Status;
  /** Runs the PreFilter add/remove extensions of this profile (for preemption). */
  runPreFilterAddPod(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void;
  runPreFilterRemovePod(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void;
}
