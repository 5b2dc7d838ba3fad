/**
 * The scheduler's cache (upstream internal/cache): NodeInfos built from the node and pod
 * informers, plus assumed pods — placed by a decision whose binding has not been observed yet — so
 * the next cycle already sees their requests. Everything is kept incrementally; a scheduling cycle
 * runs synchronously against it, so the cache itself is the cycle's consistent snapshot.
 */
import type { Node } from '../../api/generated/core/v1.js';
import type { Snapshot } from '../framework/interface.js';
import { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';

/** The zone label default spreading aggregates by. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

interface PodState {
  pod: PodInfo;
  node: string;
  assumed: boolean;
}

/** Nodes and the pods placed on them. */
export class SchedulerCache implements Snapshot {
  readonly #infos = new Map<string, NodeInfo>();
  /** Nodes with a Node object, in the order they arrived (the round-robin order). */
  #list: NodeInfo[] = [];
  readonly #pods = new Map<string, PodState>();
  readonly #imageCounts = new Map<string, number>();
  readonly #withAffinity = new Set<NodeInfo>();
  readonly #withAntiAffinity = new Set<NodeInfo>();
  /** owner UID → nodes holding pods of that owner (default spreading counts only those). */
  readonly #byOwner = new Map<string, Set<NodeInfo>>();
  /** owner UID → zone → pods of that owner on nodes (with a Node object) in that zone. */
  readonly #ownerZones = new Map<string, Map<string, number>>();

  nodes(): readonly NodeInfo[] {
    return this.#list;
  }

  get(name: string): NodeInfo | undefined {
    const n = this.#infos.get(name);
    return n?.node ? n : undefined;
  }

  nodesWithAffinityPods(): Iterable<NodeInfo> {
    return this.#withAffinity;
  }

  nodesWithRequiredAntiAffinityPods(): Iterable<NodeInfo> {
    return this.#withAntiAffinity;
  }

  nodesWithOwner(uid: string): Iterable<NodeInfo> {
    return this.#byOwner.get(uid) ?? [];
  }

  ownerZoneCount(uid: string, zone: string): number {
    return this.#ownerZones.get(uid)?.get(zone) ?? 0;
  }

  #countOwnerZone(uid: string, zone: string | undefined, delta: number): void {
    if (zone === undefined || delta === 0) return;
    let m = this.#ownerZones.get(uid);
    if (!m) this.#ownerZones.set(uid, (m = new Map<string, number>()));
    const n = (m.get(zone) ?? 0) + delta;
    if (n > 0) m.set(zone, n);
    else m.delete(zone);
    if (m.size === 0) this.#ownerZones.delete(uid);
  }

  /** Moves a node's owner counts out of (sign -1) or into (1) its zone. */
  #countNodeZones(info: NodeInfo, sign: 1 | -1): void {
    const zone = info.labels[ZONE_LABEL];
    if (zone === undefined) return;
    for (const [uid, n] of info.ownerCounts) this.#countOwnerZone(uid, zone, sign * n);
  }

  imageNodeCount(image: string): number {
    return this.#imageCounts.get(image) ?? 0;
  }

  /** How many pods (bound and assumed) the cache holds. */
  get podCount(): number {
    return this.#pods.size;
  }

  #countImages(info: NodeInfo, sign: 1 | -1): void {
    for (const name of info.images.keys()) {
      const n = (this.#imageCounts.get(name) ?? 0) + sign;
      if (n > 0) this.#imageCounts.set(name, n);
      else this.#imageCounts.delete(name);
    }
  }

  /** Adds or updates a Node. */
  setNode(node: Node): NodeInfo {
    const name = node.metadata?.name ?? '';
    let info = this.#infos.get(name);
    if (!info) this.#infos.set(name, (info = new NodeInfo(name)));
    const isNew = !info.node;
    if (!isNew) {
      this.#countImages(info, -1);
      this.#countNodeZones(info, -1);
    }
    info.setNode(node);
    this.#countImages(info, 1);
    this.#countNodeZones(info, 1);
    if (isNew) {
      this.#list.push(info);
      this.#track(info);
    }
    return info;
  }

  /** Removes a Node; pods still bound to it stay until they are deleted. */
  removeNode(name: string): void {
    const info = this.#infos.get(name);
    if (!info?.node) return;
    this.#countImages(info, -1);
    this.#countNodeZones(info, -1);
    info.node = undefined;
    this.#list = this.#list.filter((n) => n !== info);
    this.#withAffinity.delete(info);
    this.#withAntiAffinity.delete(info);
    if (info.pods.size === 0) this.#infos.delete(name);
  }

  #track(info: NodeInfo): void {
    if (!info.node) return;
    if (info.podsWithAffinity > 0) this.#withAffinity.add(info);
    else this.#withAffinity.delete(info);
    if (info.podsWithRequiredAntiAffinity > 0) this.#withAntiAffinity.add(info);
    else this.#withAntiAffinity.delete(info);
  }

  #place(pod: PodInfo, node: string): void {
    let info = this.#infos.get(node);
    if (!info) this.#infos.set(node, (info = new NodeInfo(node)));
    info.addPod(pod);
    this.#track(info);
    if (pod.ownerUid) {
      if (info.node) this.#countOwnerZone(pod.ownerUid, info.labels[ZONE_LABEL], 1);
      let set = this.#byOwner.get(pod.ownerUid);
      if (!set) this.#byOwner.set(pod.ownerUid, (set = new Set<NodeInfo>()));
      set.add(info);
    }
  }

  #unplace(key: string, node: string): void {
    const info = this.#infos.get(node);
    if (!info) return;
    const pod = info.removePod(key);
    this.#track(info);
    if (pod?.ownerUid && info.node) this.#countOwnerZone(pod.ownerUid, info.labels[ZONE_LABEL], -1);
    if (pod?.ownerUid && !info.ownerCounts.has(pod.ownerUid)) {
      const set = this.#byOwner.get(pod.ownerUid);
      set?.delete(info);
      if (set?.size === 0) this.#byOwner.delete(pod.ownerUid);
    }
    if (!info.node && info.pods.size === 0) this.#infos.delete(node);
  }

  /** Adds or updates a pod bound to `pod.pod.spec.nodeName` (confirming it if it was assumed). */
  setPod(pod: PodInfo): void {
    const node = pod.pod.spec?.nodeName ?? '';
    const cur = this.#pods.get(pod.key);
    if (cur) this.#unplace(pod.key, cur.node);
    this.#pods.set(pod.key, { pod, node, assumed: false });
    this.#place(pod, node);
  }

  /** Removes a pod (bound or assumed). */
  removePod(key: string): PodInfo | undefined {
    const cur = this.#pods.get(key);
    if (!cur) return undefined;
    this.#pods.delete(key);
    this.#unplace(key, cur.node);
    return cur.pod;
  }

  /** Places a pod the scheduler decided on, before the binding is seen. */
  assumePod(pod: PodInfo, node: string): void {
    if (this.#pods.has(pod.key)) throw new Error(`pod ${pod.key} is already in the cache`);
    const assumed = pod.assumedOn(node);
    this.#pods.set(pod.key, { pod: assumed, node, assumed: true });
    this.#place(assumed, node);
  }

  /** Drops an assumed pod whose binding failed (a confirmed pod is left alone). */
  forgetPod(key: string): void {
    if (this.#pods.get(key)?.assumed) this.removePod(key);
  }

  /** Whether the pod is placed (bound or assumed). */
  has(key: string): boolean {
    return this.#pods.has(key);
  }

  isAssumed(key: string): boolean {
    return this.#pods.get(key)?.assumed ?? false;
  }
}
