/**
 * One node as the scheduler sees it (upstream framework.NodeInfo): the Node, the pods on it
 * (bound and assumed) and aggregates kept up to date incrementally as pods come and go, so a
 * filter or score reads them in O(1): requested resources, used host ports, counts per owner,
 * how many pods carry (anti-)affinity, the images it holds.
 */
import type { Node, Taint } from '../../api/generated/core/v1.js';
import type { HostPort, PodInfo } from './pod-info.js';
import { addResources, allocatableOf, emptyResources, type Resources } from './resources.js';

/** Upstream's normalizedImageName: a name without a tag or digest means `:latest`. */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

const ANY_IP = '0.0.0.0';
const EMPTY_LABELS: Readonly<Record<string, string>> = Object.freeze({});

let generation = 0;

/** A node and its pods. */
export class NodeInfo {
  readonly name: string;
  node: Node | undefined;
  labels: Readonly<Record<string, string>> = EMPTY_LABELS;
  taints: readonly Taint[] = [];
  unschedulable = false;
  allocatable: Resources = emptyResources();
  allowedPods = 0;
  /** Normalized image name → size in bytes. */
  images = new Map<string, number>();
  readonly pods = new Map<string, PodInfo>();
  readonly requested: Resources = emptyResources();
  readonly nonZeroRequested: Resources = emptyResources();
  podsWithAffinity = 0;
  podsWithRequiredAntiAffinity = 0;
  /** ip → `protocol/port` → how many pods use it. */
  readonly usedPorts = new Map<string, Map<string, number>>();
  /** owner UID → pods on this node owned by it. */
  readonly ownerCounts = new Map<string, number>();
  /** Bumped on every change (lets callers notice a stale view). */
  generation = ++generation;

  constructor(name: string, node?: Node) {
    this.name = name;
    if (node) this.setNode(node);
  }

  /** Replaces the Node object, re-reading labels, taints and allocatable. */
  setNode(node: Node): void {
    this.node = node;
    this.labels = node.metadata?.labels ?? EMPTY_LABELS;
    this.taints = node.spec?.taints ?? [];
    this.unschedulable = !!node.spec?.unschedulable;
    const a = allocatableOf(node.status?.allocatable);
    this.allocatable = a.resources;
    this.allowedPods = a.pods;
    const images = new Map<string, number>();
    for (const img of node.status?.images ?? []) for (const n of img.names ?? []) images.set(normalizedImageName(n), img.sizeBytes ?? 0);
    this.images = images;
    this.generation = ++generation;
  }

  /** Adds (or replaces) a pod. */
  addPod(p: PodInfo): void {
    const old = this.pods.get(p.key);
    if (old) this.removePod(p.key);
    this.pods.set(p.key, p);
    this.#account(p, 1);
  }

  /** Removes a pod by key; returns it if it was here. */
  removePod(key: string): PodInfo | undefined {
    const p = this.pods.get(key);
    if (!p) return undefined;
    this.pods.delete(key);
    this.#account(p, -1);
    return p;
  }

  #account(p: PodInfo, sign: 1 | -1): void {
    addResources(this.requested, p.requests, sign);
    this.nonZeroRequested.milliCPU += sign * p.nonZero.milliCPU;
    this.nonZeroRequested.memory += sign * p.nonZero.memory;
    if (p.hasAffinity) this.podsWithAffinity += sign;
    if (p.hasRequiredAntiAffinity) this.podsWithRequiredAntiAffinity += sign;
    for (const hp of p.ports) {
      let byIp = this.usedPorts.get(hp.ip);
      if (!byIp) this.usedPorts.set(hp.ip, (byIp = new Map<string, number>()));
      const k = `${hp.protocol}/${hp.port}`;
      const n = (byIp.get(k) ?? 0) + sign;
      if (n > 0) byIp.set(k, n);
      else byIp.delete(k);
      if (byIp.size === 0) this.usedPorts.delete(hp.ip);
    }
    if (p.ownerUid) {
      const n = (this.ownerCounts.get(p.ownerUid) ?? 0) + sign;
      if (n > 0) this.ownerCounts.set(p.ownerUid, n);
      else this.ownerCounts.delete(p.ownerUid);
    }
    this.generation = ++generation;
  }

  /** Whether any of `ports` clashes with a port in use (0.0.0.0 clashes with every IP). */
  portsConflict(ports: readonly HostPort[]): boolean {
    if (this.usedPorts.size === 0) return false;
    for (const hp of ports) {
      const k = `${hp.protocol}/${hp.port}`;
      if (hp.ip === ANY_IP) {
        for (const byIp of this.usedPorts.values()) if (byIp.has(k)) return true;
      } else if (this.usedPorts.get(hp.ip)?.has(k) || this.usedPorts.get(ANY_IP)?.has(k)) {
        return true;
      }
    }
    return false;
  }

  /** An independent copy (for preemption's what-if runs). */
  clone(): NodeInfo {
    const c = new NodeInfo(this.name);
    c.node = this.node;
    c.labels = this.labels;
    c.taints = this.taints;
    c.unschedulable = this.unschedulable;
    c.allocatable = this.allocatable;
    c.allowedPods = this.allowedPods;
    c.images = this.images;
    for (const p of this.pods.values()) c.addPod(p);
    return c;
  }
}
