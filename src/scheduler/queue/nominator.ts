/**
 * Pods nominated to nodes (upstream nominator): a pod that preempted others is nominated to the
 * node it made room on, and filters count it there so lower-priority pods do not take the room.
 * Nominations come from preemption and from pods' status.nominatedNodeName.
 */
import type { Nominator } from '../framework/interface.js';
import type { PodInfo } from '../framework/pod-info.js';

const NONE: readonly PodInfo[] = Object.freeze([]);

export class PodNominator implements Nominator {
  readonly #byNode = new Map<string, Map<string, PodInfo>>();
  readonly #nodeOf = new Map<string, string>();

  /** Nominates `pod` to `node` (default: its status.nominatedNodeName; none removes it). */
  add(pod: PodInfo, node = pod.pod.status?.nominatedNodeName ?? ''): void {
    this.delete(pod.key);
    if (!node) return;
    let m = this.#byNode.get(node);
    if (!m) this.#byNode.set(node, (m = new Map<string, PodInfo>()));
    m.set(pod.key, pod);
    this.#nodeOf.set(pod.key, node);
  }

  /**
   * A newer version of a pending pod. An update without a nomination keeps the one made in memory:
   * the informer may deliver the pod before the scheduler's own status write arrives.
   */
  update(pod: PodInfo): void {
    const node = pod.pod.status?.nominatedNodeName || this.#nodeOf.get(pod.key);
    if (node) this.add(pod, node);
  }

  delete(key: string): void {
    const node = this.#nodeOf.get(key);
    if (node === undefined) return;
    this.#nodeOf.delete(key);
    const m = this.#byNode.get(node);
    m?.delete(key);
    if (m?.size === 0) this.#byNode.delete(node);
  }

  nodeOf(key: string): string | undefined {
    return this.#nodeOf.get(key);
  }

  nominatedPodsForNode(node: string): readonly PodInfo[] {
    const m = this.#byNode.get(node);
    return m ? [...m.values()] : NONE;
  }
}
