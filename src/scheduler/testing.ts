/**
 * A scheduler test bench: a {@link Scheduler} over a recording FakeTransport, a FakeClock and
 * recorded Events, with the informer caches fed by hand (the fake does not watch). `addNode` /
 * `addPod` put objects in the fake API and the caches and call the scheduler's handlers as a watch
 * would; `syncPods` replays what the scheduler wrote (bindings, deletions) the same way. Also
 * builders for Nodes and Pods and per-plugin helpers. Test-only.
 */
import type { Node, Pod, Taint } from '../api/generated/core/v1.js';
import type { ResourceDescriptor } from '../client/paths.js';
import { resources } from '../client/resources.js';
import { SharedInformers } from '../client/shared-informers.js';
import { FakeClock } from '../client/testing/fake-clock.js';
import { FakeTransport } from '../client/testing/fake-transport.js';
import type { KubeObject } from '../client/types.js';
import type { Logger } from '../util/log.js';
import { CycleState, type Plugin, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin, type FilterPlugin } from './framework/interface.js';
import { isSuccess, success, type Status } from './framework/status.js';
import type { PluginConfig } from './registry.js';
import { Scheduler } from './scheduler.js';

/** A recorded Event. */
export interface RecordedEvent {
  object: string;
  type: string;
  reason: string;
  message: string;
}

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** Options of {@link newSchedulerBench}. */
export interface BenchOptions {
  random?: () => number;
  plugins?: readonly PluginConfig[];
  percentageOfNodesToScore?: number;
  schedulerName?: string;
}

/** What a scheduler test works with. */
export class SchedulerBench {
  readonly clock = new FakeClock();
  readonly transport = new FakeTransport({ clock: this.clock });
  readonly informers = new SharedInformers({ transport: this.transport, clock: this.clock, logger: quiet });
  readonly events: RecordedEvent[] = [];
  readonly scheduler: Scheduler;

  constructor(o: BenchOptions = {}) {
    this.scheduler = new Scheduler({
      transport: this.transport,
      informers: this.informers,
      clock: this.clock,
      logger: quiet,
      events: {
        record: (obj, type, reason, message) => this.events.push({ object: `${obj.kind ?? ''}/${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata?.name ?? ''}`, type, reason, message }),
      },
      schedulerName: o.schedulerName ?? 'default-scheduler',
      random: o.random ?? (() => 0),
      plugins: o.plugins,
      percentageOfNodesToScore: o.percentageOfNodesToScore,
    });
    // The queue's periodic flush runs on the fake clock; nothing real is left running.
    this.scheduler.queue.run(new AbortController().signal);
  }

  /** Seeds objects of any resource into the fake API and its informer cache (no handlers). */
  seed<T extends KubeObject>(d: ResourceDescriptor, ...objs: T[]): T[] {
    const stored = this.transport.seed(d, ...objs);
    for (const o of stored) this.informers.informer(d).store.upsert(o);
    return stored;
  }

  addNode(...nodes: Node[]): void {
    for (const n of this.seed(resources.nodes, ...nodes)) this.scheduler.handlers.node.onAdd?.(n, false);
  }

  addPod(...pods: Pod[]): void {
    for (const p of this.seed(resources.pods, ...pods)) this.scheduler.handlers.pod.onAdd?.(p, false);
  }

  /** Replays the fake API's pods into the cache and the handlers, as a watch would. */
  syncPods(): void {
    const store = this.informers.informer<Pod>(resources.pods).store;
    const h = this.scheduler.handlers.pod;
    const seen = new Set<string>();
    for (const p of this.transport.objects<Pod>(resources.pods)) {
      const key = `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
      seen.add(key);
      const old = store.get(key);
      if (old?.metadata?.resourceVersion === p.metadata?.resourceVersion) continue;
      const copy = structuredClone(p);
      store.upsert(copy);
      if (old) h.onUpdate?.(old, copy);
      else h.onAdd?.(copy, false);
    }
    for (const key of store.keys()) {
      if (seen.has(key)) continue;
      const old = store.remove(key);
      if (old) h.onDelete?.(old, false);
    }
  }

  /** Pops the next active pod (if any) and runs one attempt; returns its key. */
  async scheduleNext(): Promise<string | undefined> {
    if (this.scheduler.queue.dump().active.length === 0) return undefined;
    const q = await this.scheduler.queue.pop();
    if (!q) return undefined;
    await this.scheduler.scheduleOne(q);
    await this.scheduler.flush();
    return q.podInfo.key;
  }

  /** The node a pod is bound to in the fake API. */
  nodeOf(name: string, namespace = 'default'): string | undefined {
    return this.transport.object<Pod>(resources.pods, namespace, name)?.spec?.nodeName;
  }

  #plugin(name: string): Plugin {
    const all = [...this.scheduler.framework.preFilter, ...this.scheduler.framework.filter, ...this.scheduler.framework.score.map((s) => s.plugin), ...this.scheduler.framework.postFilter];
    const p = all.find((x) => x.name === name);
    if (!p) throw new Error(`no plugin ${name}`);
    return p;
  }

  /** Runs one plugin's PreFilter (over all nodes) and Filter on `node` for `pod`. */
  filter(plugin: string, pod: Pod, node: string): Status {
    const p = this.#plugin(plugin) as Partial<PreFilterPlugin & FilterPlugin>;
    const pi = this.scheduler.podInfo(pod);
    const state = new CycleState();
    const pre = p.preFilter?.(state, pi, this.scheduler.cache.nodes()) ?? success();
    if (pre.code === 'Skip') return success();
    if (!isSuccess(pre)) return pre;
    const n = this.scheduler.cache.get(node);
    if (!n) throw new Error(`no node ${node}`);
    return p.filter?.(state, pi, n) ?? success();
  }

  /** Runs one plugin's PreScore, Score and normalize over every node; node name → score. */
  scores(plugin: string, pod: Pod): Record<string, number> {
    const p = this.#plugin(plugin) as Partial<PreScorePlugin> & ScorePlugin;
    const pi = this.scheduler.podInfo(pod);
    const state = new CycleState();
    const nodes = this.scheduler.cache.nodes();
    const out: Record<string, number> = {};
    const pre = p.preScore?.(state, pi, nodes) ?? success();
    if (pre.code === 'Skip') {
      for (const n of nodes) out[n.name] = 0;
      return out;
    }
    const scores = nodes.map((n) => p.score(state, pi, n));
    p.normalize?.(state, pi, scores, nodes);
    nodes.forEach((n, i) => (out[n.name] = scores[i] ?? 0));
    return out;
  }
}

/** A fresh bench. */
export const newSchedulerBench = (o: BenchOptions = {}): SchedulerBench => new SchedulerBench(o);

/** What {@link makeNode} takes. */
export interface NodeSpecLite {
  cpu?: string;
  memory?: string;
  pods?: string;
  extra?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  images?: { names: string[]; sizeBytes: number }[];
}

/** A Node with allocatable = capacity (defaults: 4 CPU, 8Gi, 110 pods) and the hostname label. */
export function makeNode(name: string, s: NodeSpecLite = {}): Node {
  const alloc = { cpu: s.cpu ?? '4', memory: s.memory ?? '8Gi', pods: s.pods ?? '110', ...(s.extra ?? {}) };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(s.labels ?? {}) } },
    spec: { ...(s.taints ? { taints: s.taints } : {}), ...(s.unschedulable ? { unschedulable: true } : {}) },
    status: { capacity: alloc, allocatable: alloc, ...(s.images ? { images: s.images } : {}) },
  };
}

/** What {@link makePod} takes. */
export interface PodSpecLite {
  namespace?: string;
  cpu?: string;
  memory?: string;
  node?: string;
  labels?: Record<string, string>;
  priority?: number;
  image?: string;
  spec?: Partial<NonNullable<Pod['spec']>>;
  uid?: string;
  ownerUid?: string;
}

/** A one-container Pod requesting `cpu`/`memory` (none by default), pending unless `node` is set. */
export function makePod(name: string, s: PodSpecLite = {}): Pod {
  const requests: Record<string, string> = {};
  if (s.cpu) requests['cpu'] = s.cpu;
  if (s.memory) requests['memory'] = s.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: s.namespace ?? 'default',
      uid: s.uid ?? `uid-${name}`,
      labels: s.labels ?? {},
      creationTimestamp: '2025-01-01T00:00:00Z',
      ...(s.ownerUid ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: s.ownerUid, controller: true }] } : {}),
    },
    spec: {
      schedulerName: 'default-scheduler',
      priority: s.priority ?? 0,
      ...(s.node ? { nodeName: s.node } : {}),
      containers: [{ name: 'c', image: s.image ?? 'busybox', ...(Object.keys(requests).length > 0 ? { resources: { requests } } : {}) }],
      ...(s.spec ?? {}),
    },
    status: { phase: s.node ? 'Running' : 'Pending' },
  };
}
