/**
 * The node's record in the API: registers the Node, posts its status (conditions, addresses,
 * capacity, nodeInfo, images) when it changes and at least every minute, and renews its Lease in
 * kube-node-lease every 10 s — the heartbeat the node lifecycle controller watches.
 */
import { hostname } from 'node:os';
import { isAlreadyExists, isConflict, isNotFound } from '../../api/errors.js';
import type { Lease } from '../../api/generated/coordination/v1.js';
import type { Node, NodeCondition, NodeStatus } from '../../api/generated/core/v1.js';
import { microTime, rfc3339 } from '../../api/time.js';
import { ResourceClient } from '../../client/resource.js';
import type { Transport } from '../../client/types.js';
import type { Logger } from '../../util/log.js';
import { sleep } from '../../util/sleep.js';
import { goArch, machineAllocatable, machineCapacity, machineInfo } from './machine.js';

const nodes = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' } as const;
const leases = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true, kind: 'Lease' } as const;

export interface NodeStatusOptions {
  client: Transport;
  nodeName: string;
  nodeIP: string;
  dataDir: string;
  kubeletPort: number;
  runtimeVersion: string;
  leaseDurationSeconds: number;
  /** Images the runtime holds, for status.images (largest first, at most 50 as the kubelet). */
  images: () => Promise<{ names: string[]; sizeBytes: number }[]>;
  log: Logger;
}

/** The kubelet's four conditions with the kubelet's reasons and messages. */
function conditions(prev: NodeCondition[] | undefined, now: string, ready: boolean): NodeCondition[] {
  const want: [string, string, string, string][] = [
    ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
    ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
    ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
    ready ? ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'] : ['Ready', 'False', 'KubeletNotReady', 'container runtime is not ready'],
  ];
  return want.map(([type, status, reason, message]) => {
    const old = prev?.find((c) => c.type === type);
    const since = old && old.status === status ? (old.lastTransitionTime ?? now) : now;
    return { type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: since };
  });
}

export class NodeStatusReporter {
  readonly #o: NodeStatusOptions;
  readonly #nodes: ResourceClient<Node>;
  readonly #leases: ResourceClient<Lease>;
  #lastPosted = 0;
  #lastKey = '';
  #uid: string | undefined;
  podCIDR: string | undefined;

  constructor(o: NodeStatusOptions) {
    this.#o = o;
    this.#nodes = new ResourceClient<Node>(o.client, nodes);
    this.#leases = new ResourceClient<Lease>(o.client, leases);
  }

  #labels(): Record<string, string> {
    const arch = goArch();
    return { 'kubernetes.io/hostname': this.#o.nodeName, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': arch, 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': arch };
  }

  async #status(prev: NodeStatus | undefined, ready: boolean): Promise<NodeStatus> {
    const now = rfc3339(Date.now());
    const capacity = machineCapacity(this.#o.dataDir);
    const images = (await this.#o.images().catch(() => []))
      .sort((a, b) => b.sizeBytes - a.sizeBytes)
      .slice(0, 50)
      .map((i) => ({ names: i.names, sizeBytes: i.sizeBytes }));
    return {
      capacity,
      allocatable: machineAllocatable(capacity),
      conditions: conditions(prev?.conditions, now, ready),
      addresses: [
        { type: 'InternalIP', address: this.#o.nodeIP },
        { type: 'Hostname', address: hostname().toLowerCase() },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: this.#o.kubeletPort } },
      nodeInfo: machineInfo(this.#o.runtimeVersion),
      images,
    };
  }

  /** Creates the Node if it does not exist (keeping one that does: its spec belongs to others). */
  async register(signal?: AbortSignal): Promise<Node> {
    const existing = await this.#nodes.get(this.#o.nodeName, { signal }).catch((e: unknown) => {
      if (isNotFound(e)) return undefined;
      throw e;
    });
    if (existing) {
      this.#uid = existing.metadata?.uid;
      this.podCIDR = existing.spec?.podCIDR;
      // Labels the kubelet owns are refreshed; others (user or controller labels) stay.
      const labels = { ...(existing.metadata?.labels ?? {}), ...this.#labels() };
      if (JSON.stringify(labels) !== JSON.stringify(existing.metadata?.labels ?? {})) {
        await this.#nodes.patch(this.#o.nodeName, { metadata: { labels } }, { signal });
      }
      return existing;
    }
    const node: Node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: this.#o.nodeName, labels: this.#labels(), annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
      spec: {},
      status: await this.#status(undefined, false),
    };
    try {
      const created = await this.#nodes.create(node, { signal });
      this.#uid = created.metadata?.uid;
      this.#o.log.info('node registered', { node: this.#o.nodeName });
      return created;
    } catch (e) {
      if (isAlreadyExists(e)) return this.register(signal);
      throw e;
    }
  }

  /**
   * Reads spec.podCIDR until it is set or `waitMs` passes: a new Node gets its podCIDR from the
   * NodeIPAM controller a moment after it registers, and the first pod network should use it.
   */
  async awaitPodCIDR(waitMs: number, signal?: AbortSignal): Promise<string | undefined> {
    const deadline = Date.now() + waitMs;
    while (!this.podCIDR && !signal?.aborted && Date.now() < deadline) {
      await sleep(200, signal);
      const node = await this.#nodes.get(this.#o.nodeName, { signal }).catch(() => undefined);
      this.podCIDR = node?.spec?.podCIDR;
    }
    return this.podCIDR;
  }

  /** The Node's uid (for owner references of the Lease and mirror pods). */
  get uid(): string | undefined {
    return this.#uid;
  }

  /** Posts status if anything but heartbeats changed, or when a minute has passed. */
  async sync(ready: boolean, signal?: AbortSignal): Promise<void> {
    let current: Node;
    try {
      current = await this.#nodes.get(this.#o.nodeName, { signal });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      // Someone deleted our Node: register again, as the kubelet does.
      current = await this.register(signal);
    }
    this.#uid = current.metadata?.uid;
    this.podCIDR = current.spec?.podCIDR;
    const status = await this.#status(current.status, ready);
    const key = JSON.stringify({ ...status, conditions: status.conditions?.map((c) => [c.type, c.status]) });
    if (key === this.#lastKey && Date.now() - this.#lastPosted < 60_000) return;
    try {
      await this.#nodes.patch(this.#o.nodeName, { status }, { subresource: 'status', type: 'merge', signal });
      this.#lastKey = key;
      this.#lastPosted = Date.now();
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
  }

  /** Renews (or creates) the node's Lease. */
  async renewLease(signal?: AbortSignal): Promise<void> {
    const ns = 'kube-node-lease';
    const renewTime = microTime(Date.now());
    try {
      await this.#leases.patch(this.#o.nodeName, { spec: { holderIdentity: this.#o.nodeName, renewTime, leaseDurationSeconds: this.#o.leaseDurationSeconds } }, { namespace: ns, signal });
    } catch (e) {
      if (!isNotFound(e)) throw e;
      const lease: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name: this.#o.nodeName,
          namespace: ns,
          ...(this.#uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.#o.nodeName, uid: this.#uid }] } : {}),
        },
        spec: { holderIdentity: this.#o.nodeName, leaseDurationSeconds: this.#o.leaseDurationSeconds, renewTime },
      };
      await this.#leases.create(lease, { namespace: ns, signal }).catch((err: unknown) => {
        if (!isAlreadyExists(err)) throw err;
      });
    }
  }
}
