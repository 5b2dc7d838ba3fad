/**
 * DefaultPreemption (upstream plugins/defaultpreemption + framework/preemption): when no node
 * fits, find nodes where evicting lower-priority pods would make room (only nodes that failed for
 * resolvable reasons), pick one the upstream way, delete its victims (DisruptionTarget condition,
 * then delete, a `Preempted` Event each) and nominate the pod to it. The pod is retried when the
 * victims are gone.
 */
import { isNotFound } from '../../api/errors.js';
import type { Pod } from '../../api/generated/core/v1.js';
import { rfc3339 } from '../../api/time.js';
import { ResourceClient } from '../../client/resource.js';
import { resources } from '../../client/resources.js';
import { fitErrorMessage } from '../framework/fit-error.js';
import type { CycleState, Diagnosis, Handle, PostFilterPlugin, PostFilterResult } from '../framework/interface.js';
import type { PodInfo } from '../framework/pod-info.js';
import { errorStatus, success, unresolvable, unschedulable, type Status } from '../framework/status.js';
import { pickOneNode, type Candidate } from '../preemption/pick.js';
import { selectVictimsOnNode } from '../preemption/victims.js';
import { errorText } from '../../util/errors.js';

const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
/** Upstream DefaultPreemptionArgs defaults. */
const MIN_CANDIDATE_NODES_PERCENTAGE = 10;
const MIN_CANDIDATE_NODES_ABSOLUTE = 100;

const withKind = (pod: Pod): Pod => ({ ...pod, apiVersion: pod.apiVersion ?? 'v1', kind: pod.kind ?? 'Pod' });

/** A victim being deleted because the scheduler preempted it. */
function terminatingByPreemption(p: PodInfo): boolean {
  if (!p.terminating) return false;
  const c = p.pod.status?.conditions?.find((x) => x.type === 'DisruptionTarget');
  return c?.status === 'True' && c.reason === 'PreemptionByScheduler';
}

export class DefaultPreemption implements PostFilterPlugin {
  static readonly pluginName = 'DefaultPreemption';
  readonly name = DefaultPreemption.pluginName;
  readonly #pods: ResourceClient<Pod>;

  constructor(private readonly h: Handle) {
    this.#pods = new ResourceClient<Pod>(h.client, resources.pods);
  }

  async postFilter(state: CycleState, pod: PodInfo, d: Diagnosis): Promise<PostFilterResult> {
    const r = await this.#preempt(state, pod, d);
    const msg = r.status.reasons.join(', ');
    // Upstream prefixes every preemption message so it reads apart from the filter reasons.
    if (msg) r.status = { code: r.status.code, reasons: [`preemption: ${msg}`] };
    return r;
  }

  #statusOf(d: Diagnosis, node: string): Status | undefined {
    return d.nodeToStatus.get(node) ?? d.absentStatus;
  }

  /** Upstream PodEligibleToPreemptOthers; returns the reason when not eligible. */
  #ineligible(pod: PodInfo, d: Diagnosis): string | undefined {
    if (pod.pod.spec?.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
    const nominated = this.h.currentPod(pod.namespace, pod.name)?.status?.nominatedNodeName ?? pod.pod.status?.nominatedNodeName;
    if (!nominated) return undefined;
    // The nominated node cannot take the pod anyway: preempting elsewhere is fine.
    if (this.#statusOf(d, nominated)?.code === 'UnschedulableAndUnresolvable') return undefined;
    const node = this.h.snapshot.get(nominated);
    for (const p of node?.pods.values() ?? []) {
      if (p.priority < pod.priority && terminatingByPreemption(p)) return 'not eligible due to a terminating pod on the nominated node.';
    }
    return undefined;
  }

  async #preempt(state: CycleState, pod: PodInfo, d: Diagnosis): Promise<PostFilterResult> {
    const why = this.#ineligible(pod, d);
    if (why) return { status: unschedulable(why) };
    const all = this.h.snapshot.nodes();
    if (all.length === 0) return { status: errorStatus('no nodes available') };
    const potential = all.filter((n) => this.#statusOf(d, n.name)?.code === 'Unschedulable');
    const statuses = new Map<string, Status>();
    const candidates: Candidate[] = [];
    if (potential.length > 0) {
      const pdbs = this.h.pdbs();
      const want = Math.min(potential.length, Math.max(Math.trunc((potential.length * MIN_CANDIDATE_NODES_PERCENTAGE) / 100), MIN_CANDIDATE_NODES_ABSOLUTE));
      const offset = Math.floor(this.h.random() * potential.length);
      const clean: Candidate[] = [];
      const violating: Candidate[] = [];
      for (let i = 0; i < potential.length; i++) {
        const node = potential[(offset + i) % potential.length];
        if (!node) continue;
        const v = selectVictimsOnNode(this.h, state.clone(), pod, node.clone(), pdbs);
        if (v.status.code !== 'Success') {
          statuses.set(node.name, v.status);
          continue;
        }
        (v.pdbViolations === 0 ? clean : violating).push({ node: node.name, victims: v.pods, pdbViolations: v.pdbViolations });
        if (clean.length > 0 && clean.length + violating.length >= want) break;
      }
      candidates.push(...clean, ...violating);
    }
    if (candidates.length === 0) {
      const msg = fitErrorMessage(all.length, { nodeToStatus: statuses, absentStatus: unresolvable(NOT_HELPFUL), unschedulablePlugins: new Set() });
      return { status: unschedulable(msg), nominatedNodeName: '' };
    }
    const best = pickOneNode(candidates);
    if (!best) return { status: unschedulable('no candidate node for preemption') };
    try {
      await this.#prepare(best, pod);
    } catch (e) {
      return { status: errorStatus(errorText(e)) };
    }
    return { status: success(), nominatedNodeName: best.node };
  }

  /** Evicts the victims and withdraws lower-priority nominations to the node. */
  async #prepare(c: Candidate, pod: PodInfo): Promise<void> {
    await Promise.all(c.victims.filter((v) => !v.terminating).map((v) => this.#preemptOne(c.node, pod, v)));
    const lower = this.h.nominator.nominatedPodsForNode(c.node).filter((p) => p.priority < pod.priority);
    await Promise.all(
      lower.map(async (p) => {
        try {
          await this.#pods.patch(p.name, { status: { nominatedNodeName: null } }, { namespace: p.namespace, subresource: 'status', type: 'merge' });
        } catch (e) {
          // Not critical: the pod is retried anyway.
          this.h.logger.warn('could not clear nominatedNodeName', { pod: p.key, error: errorText(e) });
        }
      }),
    );
  }

  async #preemptOne(node: string, preemptor: PodInfo, victim: PodInfo): Promise<void> {
    const condition = {
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'PreemptionByScheduler',
      message: `${this.h.schedulerName}: preempting to accommodate a higher priority pod`,
      lastTransitionTime: rfc3339(this.h.clock.now()),
    };
    try {
      await this.#pods.patch(victim.name, { status: { conditions: [condition] } }, { namespace: victim.namespace, subresource: 'status', type: 'strategic' });
      await this.#pods.delete(victim.name, { namespace: victim.namespace });
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    this.h.events.record(withKind(victim.pod), 'Normal', 'Preempted', `Preempted by pod ${preemptor.uid} on node ${node}`);
  }
}
