/**
 * The scheduler (upstream pkg/scheduler Scheduler + schedule_one.go): pops a pod, finds it a node,
 * assumes it there at once and binds through pods/binding in the background (at most
 * `maxBindingsInFlight` at a time: past that the loop waits for a slot before it pops the next pod,
 * so it never assumes pods faster than the API server takes their bindings); when no node fits it
 * runs preemption, records FailedScheduling, sets PodScheduled=False through pods/status and puts
 * the pod back in the queue. Informer events keep the cache and the queue current (./event-handlers.ts).
 */
import type { Namespace, Node, Pod } from '../api/generated/core/v1.js';
import type { PodDisruptionBudget } from '../api/generated/policy/v1.js';
import type { PriorityClass } from '../api/generated/scheduling/v1.js';
import type { Clock } from '../client/clock.js';
import type { Informer } from '../client/informer.js';
import { resourcePath } from '../client/paths.js';
import { ResourceClient } from '../client/resource.js';
import { resources } from '../client/resources.js';
import type { SharedInformers } from '../client/shared-informers.js';
import type { Transport } from '../client/types.js';
import { rfc3339 } from '../api/time.js';
import type { Logger } from '../util/log.js';
import { Algorithm } from './algorithm.js';
import { SchedulerCache } from './cache/cache.js';
import { createEventHandlers, type EventHandlers } from './event-handlers.js';
import { fitErrorMessage } from './framework/fit-error.js';
import { Framework } from './framework/framework.js';
import { CycleState, type EventSink, type Handle } from './framework/interface.js';
import { PodInfo } from './framework/pod-info.js';
import { messageOf } from './framework/status.js';
import { PodNominator } from './queue/nominator.js';
import { SchedulingQueue, type QueuedPodInfo } from './queue/scheduling-queue.js';
import { buildPlugins, type PluginConfig } from './registry.js';
import { errorText } from '../util/errors.js';

/** What a {@link Scheduler} is built from. */
export interface SchedulerDeps {
  transport: Transport;
  informers: SharedInformers;
  clock: Clock;
  logger: Logger;
  events: EventSink;
  schedulerName: string;
  /** [0, 1) (default Math.random); tie-breaks and preemption's start offset. */
  random?: () => number;
  plugins?: readonly PluginConfig[];
  /** 0 (default): upstream's adaptive share of nodes to find feasible before scoring. */
  percentageOfNodesToScore?: number;
  /** Bindings in flight at most (default {@link DEFAULT_MAX_BINDINGS_IN_FLIGHT}); at least 1. */
  maxBindingsInFlight?: number;
}

/**
 * Upstream binds in a goroutine per pod with no cap and lets the client's rate limit hold it back.
 * Unlimited here, a backlog at thousands of nodes kept up to ~1,900 bindings in flight, each an
 * open request (often a new TLS connection) and an assumed pod, and the API server slowed to a
 * crawl. 64 beat 32 in the control-plane bench (32 bindings of ~150 ms each cap a backlog at
 * ~210 pods/s).
 */
export const DEFAULT_MAX_BINDINGS_IN_FLIGHT = 64;

/** Why an attempt failed, for the Event, the pod's condition and the queue. */
interface Failure {
  reason: 'Unschedulable' | 'SchedulerError';
  message: string;
  plugins: Iterable<string>;
  /** A node to nominate the pod to, '' to clear its nomination, undefined to leave it. */
  nominated?: string;
}

/** Event messages are capped as client-go caps them (1 KiB). */
const MAX_EVENT_MESSAGE = 1024;
const truncate = (s: string) => (s.length <= MAX_EVENT_MESSAGE ? s : `${s.slice(0, MAX_EVENT_MESSAGE - 3)}...`);
const withKind = (pod: Pod): Pod => (pod.kind && pod.apiVersion ? pod : { ...pod, apiVersion: 'v1', kind: 'Pod' });
const yieldToIo = () => new Promise<void>((r) => setImmediate(r));

/** One scheduler profile: queue, cache, plugins, and the loop that drives them. */
export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly nominator = new PodNominator();
  readonly queue: SchedulingQueue;
  readonly framework: Framework;
  readonly handle: Handle;
  readonly handlers: EventHandlers;
  readonly #d: SchedulerDeps;
  readonly #algorithm: Algorithm;
  readonly #podInformer: Informer<Pod>;
  readonly #classes: Informer<PriorityClass>;
  readonly #namespaces: Informer<Namespace>;
  readonly #pdbs: Informer<PodDisruptionBudget>;
  readonly #nodes: Informer<Node>;
  readonly #pods: ResourceClient<Pod>;
  /** Bindings and status writes still under way (awaited on shutdown). */
  readonly #pending = new Set<Promise<void>>();
  readonly #maxBindings: number;
  /** Bindings started and not yet answered. */
  #bindings = 0;
  /** Wakes the loop waiting for a binding slot. */
  #slotFreed: (() => void) | undefined;

  constructor(d: SchedulerDeps) {
    this.#d = d;
    this.#maxBindings = Math.max(1, d.maxBindingsInFlight ?? DEFAULT_MAX_BINDINGS_IN_FLIGHT);
    const random = d.random ?? Math.random;
    this.#podInformer = d.informers.informer<Pod>(resources.pods);
    this.#nodes = d.informers.informer<Node>(resources.nodes);
    this.#classes = d.informers.informer<PriorityClass>(resources.priorityclasses);
    this.#namespaces = d.informers.informer<Namespace>(resources.namespaces);
    this.#pdbs = d.informers.informer<PodDisruptionBudget>(resources.poddisruptionbudgets);
    this.#pods = new ResourceClient<Pod>(d.transport, resources.pods);
    // Plugins get the handle at construction, and the handle runs the framework they make up.
    const ref: { fw?: Framework } = {};
    const framework = (): Framework => {
      if (!ref.fw) throw new Error('framework used before it was built');
      return ref.fw;
    };
    this.handle = {
      snapshot: this.cache,
      namespaceLabels: (ns) => this.#namespaces.store.getByName(undefined, ns)?.metadata?.labels,
      pdbs: () => this.#pdbs.store.list(),
      currentPod: (ns, name) => this.#podInformer.store.getByName(ns, name),
      nominator: this.nominator,
      client: d.transport,
      events: d.events,
      clock: d.clock,
      logger: d.logger,
      schedulerName: d.schedulerName,
      random,
      runFilterWithNominatedPods: (s, p, n) => framework().runFilterWithNominatedPods(s, p, n, this.nominator),
      runPreFilterAddPod: (s, p, a, n) => framework().runAddPod(s, p, a, n),
      runPreFilterRemovePod: (s, p, r, n) => framework().runRemovePod(s, p, r, n),
    };
    const fw = (ref.fw = new Framework(buildPlugins(this.handle, d.plugins)));
    this.framework = fw;
    this.queue = new SchedulingQueue({ clock: d.clock, pluginEvents: fw.events });
    this.#algorithm = new Algorithm({ cache: this.cache, framework: fw, nominator: this.nominator, random, percentageOfNodesToScore: d.percentageOfNodesToScore });
    this.handlers = createEventHandlers({
      cache: this.cache,
      queue: this.queue,
      nominator: this.nominator,
      schedulerName: d.schedulerName,
      podInfo: (pod) => this.podInfo(pod),
    });
  }

  /** A pod's priority: spec.priority, else its PriorityClass, else the global default class, else 0. */
  priorityOf(pod: Pod): number {
    if (typeof pod.spec?.priority === 'number') return pod.spec.priority;
    const name = pod.spec?.priorityClassName;
    if (name) return this.#classes.store.getByName(undefined, name)?.value ?? 0;
    let best: number | undefined;
    // Upstream picks the lowest value if a race left several global defaults.
    for (const pc of this.#classes.store.list()) if (pc.globalDefault && (best === undefined || pc.value < best)) best = pc.value;
    return best ?? 0;
  }

  podInfo(pod: Pod): PodInfo {
    return new PodInfo(pod, this.priorityOf(pod));
  }

  /** One scheduling attempt for a popped pod. */
  async scheduleOne(q: QueuedPodInfo): Promise<void> {
    const pi = q.podInfo;
    const current = this.#podInformer.store.getByName(pi.namespace, pi.name) ?? pi.pod;
    // Deleted, being deleted, or already placed (assumed or bound) while it waited.
    if (current.metadata?.deletionTimestamp || current.spec?.nodeName || this.cache.has(pi.key)) {
      this.queue.done(pi.key);
      return;
    }
    const state = new CycleState();
    const r = this.#algorithm.schedule(state, pi, current.status?.nominatedNodeName || this.nominator.nodeOf(pi.key));
    if (r.kind === 'node') {
      this.#assumeAndBind(q, r.node);
      return;
    }
    if (r.kind === 'error') {
      return this.#fail(q, { reason: r.unschedulable ? 'Unschedulable' : 'SchedulerError', message: r.message, plugins: [] });
    }
    const post = this.framework.postFilter.length > 0 ? await this.framework.runPostFilter(state, pi, r.diagnosis) : undefined;
    if (post) r.diagnosis.postFilterMsg = messageOf(post.status);
    const message = fitErrorMessage(r.numAllNodes, r.diagnosis);
    return this.#fail(q, { reason: 'Unschedulable', message, plugins: r.diagnosis.unschedulablePlugins, nominated: post?.nominatedNodeName });
  }

  #assumeAndBind(q: QueuedPodInfo, node: string): void {
    const pi = q.podInfo;
    this.cache.assumePod(pi, node);
    this.nominator.delete(pi.key);
    this.queue.done(pi.key);
    this.#bindings++;
    this.#track(
      this.#bind(q, node).finally(() => {
        this.#bindings--;
        const wake = this.#slotFreed;
        this.#slotFreed = undefined;
        wake?.();
      }),
    );
  }

  /** How many bindings are in flight. */
  get bindingsInFlight(): number {
    return this.#bindings;
  }

  /** Resolves true once fewer than the cap of bindings are in flight, false if `signal` aborts first. */
  async #bindingSlot(signal: AbortSignal): Promise<boolean> {
    while (this.#bindings >= this.#maxBindings && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener('abort', done);
          resolve();
        };
        this.#slotFreed = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
    return !signal.aborted;
  }

  #track(p: Promise<void>): void {
    const tracked = p.catch((e: unknown) => this.#d.logger.error('scheduler task failed', { error: errorText(e) })).finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  async #bind(q: QueuedPodInfo, node: string): Promise<void> {
    const pi = q.podInfo;
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: pi.name, namespace: pi.namespace, uid: pi.uid }, target: { apiVersion: 'v1', kind: 'Node', name: node } };
    try {
      await this.#d.transport.request({ method: 'POST', path: resourcePath(resources.pods, { namespace: pi.namespace, name: pi.name, subresource: 'binding' }), body: binding });
    } catch (e) {
      // The room the assumed pod held is free again; pods waiting for room may fit now.
      this.cache.forgetPod(pi.key);
      this.queue.moveAllToActiveOrBackoff('AssignedPod/Delete');
      const msg = errorText(e);
      this.#d.logger.warn('binding failed', { pod: pi.key, node, error: msg });
      return this.#fail(q, { reason: 'SchedulerError', message: `running Bind plugin "DefaultBinder": ${msg}`, plugins: [] });
    }
    this.#d.events.record(withKind(pi.pod), 'Normal', 'Scheduled', `Successfully assigned ${pi.namespace}/${pi.name} to ${node}`);
  }

  /** Upstream handleSchedulingFailure: requeue, nominate, Event, PodScheduled condition. */
  #fail(q: QueuedPodInfo, f: Failure): Promise<void> {
    const pi = q.podInfo;
    const current = this.#podInformer.store.getByName(pi.namespace, pi.name);
    if (!current || current.spec?.nodeName) {
      // Gone, or bound by someone else meanwhile: nothing to report.
      this.queue.done(pi.key);
      return Promise.resolve();
    }
    if (f.nominated) this.nominator.add(pi, f.nominated);
    else if (f.nominated === '') this.nominator.delete(pi.key);
    this.queue.requeueFailed(q, f.plugins);
    this.#d.logger.info('unable to schedule pod', { pod: pi.key, reason: f.reason, message: f.message });
    this.#d.events.record(withKind(current), 'Warning', 'FailedScheduling', truncate(f.message));
    this.#track(this.#setCondition(current, f));
    return Promise.resolve();
  }

  /** Writes PodScheduled=False (and the nomination) unless the pod already says exactly that. */
  async #setCondition(pod: Pod, f: Failure): Promise<void> {
    const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const nnn = pod.status?.nominatedNodeName ?? '';
    const nominationChanges = f.nominated !== undefined && f.nominated !== nnn;
    if (cond?.status === 'False' && cond.reason === f.reason && cond.message === f.message && !nominationChanges) return;
    const condition = {
      type: 'PodScheduled',
      status: 'False',
      reason: f.reason,
      message: f.message,
      lastProbeTime: null,
      lastTransitionTime: cond?.status === 'False' && cond.lastTransitionTime ? cond.lastTransitionTime : rfc3339(this.#d.clock.now()),
    };
    const status: Record<string, unknown> = { conditions: [condition] };
    if (nominationChanges) status['nominatedNodeName'] = f.nominated ? f.nominated : null;
    const meta = pod.metadata ?? {};
    try {
      await this.#pods.patch(meta.name ?? '', { status }, { namespace: meta.namespace, subresource: 'status', type: 'strategic' });
    } catch (e) {
      this.#d.logger.warn('could not update pod condition', { pod: `${meta.namespace ?? ''}/${meta.name ?? ''}`, error: errorText(e) });
    }
  }

  /** Schedules until `signal` aborts; resolves when the loop, bindings and status writes are done. */
  async run(signal: AbortSignal): Promise<void> {
    const removers = [
      this.#podInformer.addEventHandler(this.handlers.pod),
      this.#nodes.addEventHandler(this.handlers.node),
      this.#namespaces.addEventHandler(this.handlers.namespace),
    ];
    try {
      if (!(await this.#d.informers.waitForSync(signal))) return;
      this.queue.run(signal);
      for (;;) {
        // Wait for a binding slot before popping: the pod stays queued (and current) meanwhile.
        if (!(await this.#bindingSlot(signal))) break;
        const q = await this.queue.pop();
        if (!q) break;
        try {
          await this.scheduleOne(q);
        } catch (e) {
          this.#d.logger.error('scheduling attempt failed', { pod: q.podInfo.key, error: errorText(e) });
          this.queue.requeueFailed(q, []);
        }
        // Let informer events and binding responses in between pods.
        await yieldToIo();
      }
    } finally {
      this.queue.close();
      for (const r of removers) r();
      await this.flush();
    }
  }

  /** Resolves when every binding and status write started so far has finished. */
  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
