/**
 * The metrics pipeline's memory (metrics-server's storage): the last two samples of every node and
 * container, per node scraped. CPU usage is the change in cumulative CPU time between the two
 * samples over the time between them, as metrics-server computes it; while only one sample is
 * known (a new pod, a restarted container, the first scrape) the kubelet's own rate
 * (usageNanoCores) stands in over one resolution, so a pod has metrics from its first scrape.
 */

/** One sample of a node or container. */
export interface MetricsPoint {
  /** When the node booted or the container started (ms); a change means the counters restarted. */
  startMs: number;
  /** When the sample was taken (ms). */
  timestampMs: number;
  /** Cumulative CPU time (core-nanoseconds) since start, when the kubelet reports it. */
  cumulativeCpuNs?: number;
  /** The kubelet's current CPU rate (nanocores), when it reports one. */
  usageNanoCores?: number;
  /** Working set (bytes). */
  memoryBytes: number;
}

/** What one kubelet reported: its node's sample and its pods' containers' samples. */
export interface NodeBatch {
  node?: MetricsPoint;
  /** By `namespace/name`, then container name. */
  pods: Map<string, Map<string, MetricsPoint>>;
}

/** Usage over a window ending at `timestampMs`. */
export interface Usage {
  cpuNanoCores: number;
  memoryBytes: number;
  timestampMs: number;
  windowMs: number;
}

/** A pod's usage: every container's, with the earliest container's time and window. */
export interface PodUsage {
  timestampMs: number;
  windowMs: number;
  containers: { name: string; usage: Usage }[];
}

interface Slot {
  last: MetricsPoint;
  prev?: MetricsPoint;
}

interface NodeEntry {
  node?: Slot;
  pods: Map<string, Map<string, Slot>>;
}

/** The newer point, with the older one kept as `prev` when it belongs to the same run of counters. */
function advance(old: Slot | undefined, point: MetricsPoint): Slot {
  if (!old) return { last: point };
  const sameRun = old.last.startMs === point.startMs && (old.last.cumulativeCpuNs ?? 0) <= (point.cumulativeCpuNs ?? Number.MAX_SAFE_INTEGER);
  if (!sameRun) return { last: point };
  if (point.timestampMs > old.last.timestampMs) return { last: point, prev: old.last };
  // Not newer (the kubelet answered from the same sample): keep what we had.
  return old;
}

/** Usage of one slot; undefined when no CPU figure can be had. */
export function usageOf(slot: Slot, resolutionMs: number): Usage | undefined {
  const { last, prev } = slot;
  if (prev && prev.cumulativeCpuNs !== undefined && last.cumulativeCpuNs !== undefined) {
    const windowMs = last.timestampMs - prev.timestampMs;
    if (windowMs > 0) {
      const cpu = ((last.cumulativeCpuNs - prev.cumulativeCpuNs) / windowMs) * 1000;
      return { cpuNanoCores: Math.max(0, Math.floor(cpu)), memoryBytes: last.memoryBytes, timestampMs: last.timestampMs, windowMs };
    }
  }
  if (last.usageNanoCores === undefined) return undefined;
  return { cpuNanoCores: last.usageNanoCores, memoryBytes: last.memoryBytes, timestampMs: last.timestampMs, windowMs: resolutionMs };
}

export class MetricsStorage {
  readonly #byNode = new Map<string, NodeEntry>();
  /** `namespace/name` → the node whose kubelet reported the pod last. */
  readonly #podNode = new Map<string, string>();

  /** @param resolutionMs the scrape interval: the window of a single-sample figure. */
  constructor(private readonly resolutionMs: number) {}

  /** Records what a node's kubelet reported; replaces that node's pods (gone pods are dropped). */
  store(nodeName: string, batch: NodeBatch): void {
    const old = this.#byNode.get(nodeName);
    const entry: NodeEntry = { node: batch.node ? advance(old?.node, batch.node) : undefined, pods: new Map() };
    for (const [podKey, containers] of batch.pods) {
      const oldPod = old?.pods.get(podKey);
      const slots = new Map<string, Slot>();
      for (const [name, point] of containers) slots.set(name, advance(oldPod?.get(name), point));
      entry.pods.set(podKey, slots);
    }
    this.forget(nodeName);
    this.#byNode.set(nodeName, entry);
    for (const podKey of entry.pods.keys()) this.#podNode.set(podKey, nodeName);
  }

  /** Drops a node's samples (it could not be scraped, or it is gone). */
  forget(nodeName: string): void {
    const old = this.#byNode.get(nodeName);
    if (!old) return;
    for (const podKey of old.pods.keys()) if (this.#podNode.get(podKey) === nodeName) this.#podNode.delete(podKey);
    this.#byNode.delete(nodeName);
  }

  /** Names of the nodes with samples. */
  nodes(): string[] {
    return [...this.#byNode.keys()];
  }

  node(name: string): Usage | undefined {
    const slot = this.#byNode.get(name)?.node;
    return slot ? usageOf(slot, this.resolutionMs) : undefined;
  }

  /** A pod's usage; undefined unless every container it reported has a figure. */
  pod(namespace: string, name: string): PodUsage | undefined {
    const key = `${namespace}/${name}`;
    const nodeName = this.#podNode.get(key);
    const slots = nodeName === undefined ? undefined : this.#byNode.get(nodeName)?.pods.get(key);
    if (!slots || slots.size === 0) return undefined;
    const containers: PodUsage['containers'] = [];
    let earliest: Usage | undefined;
    for (const [cname, slot] of [...slots].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const usage = usageOf(slot, this.resolutionMs);
      if (!usage) return undefined;
      containers.push({ name: cname, usage });
      if (!earliest || usage.timestampMs < earliest.timestampMs) earliest = usage;
    }
    return earliest && { timestampMs: earliest.timestampMs, windowMs: earliest.windowMs, containers };
  }
}
