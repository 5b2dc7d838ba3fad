/**
 * InterPodAffinity (upstream plugins/interpodaffinity): required pod affinity / anti-affinity
 * (including existing pods' anti-affinity against the incoming pod) filter; preferred terms score.
 * See ./inter-pod-affinity/.
 */
import type { ClusterEvent, CycleState, EnqueueExtensions, FilterPlugin, Handle, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import type { Status } from '../framework/status.js';
import { affinityFilter, affinityPreFilter, affinityUpdate } from './inter-pod-affinity/filter.js';
import { affinityNormalize, affinityPreScore, affinityScore } from './inter-pod-affinity/score.js';

export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  static readonly pluginName = 'InterPodAffinity';
  readonly name = InterPodAffinity.pluginName;

  constructor(private readonly handle: Handle) {}

  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
    return affinityPreFilter(this.handle, state, pod, nodes);
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    return affinityFilter(this.handle, state, pod, node);
  }

  addPod(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void {
    affinityUpdate(this.handle, state, pod, added, node, 1);
  }

  removePod(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void {
    affinityUpdate(this.handle, state, pod, removed, node, -1);
  }

  preScore(state: CycleState, pod: PodInfo): Status {
    return affinityPreScore(this.handle, state, pod);
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    return affinityScore(state, node);
  }

  normalize(state: CycleState, _pod: PodInfo, scores: number[]): void {
    affinityNormalize(state, scores);
  }

  events(): ClusterEvent[] {
    return ['AssignedPod/Add', 'AssignedPod/Update', 'AssignedPod/Delete', 'Node/Add', 'Node/UpdateLabel', 'Namespace/Update'];
  }
}
