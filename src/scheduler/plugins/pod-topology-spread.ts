/**
 * PodTopologySpread (upstream plugins/podtopologyspread): DoNotSchedule constraints filter,
 * ScheduleAnyway constraints (or the system defaults) score. See ./topology-spread/.
 */
import type { ClusterEvent, CycleState, EnqueueExtensions, FilterPlugin, Handle, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { errorStatus, type Status } from '../framework/status.js';
import { spreadFilter, spreadPreFilter, spreadUpdate } from './topology-spread/filter.js';
import { spreadNormalize, spreadPreScore, spreadScore } from './topology-spread/score.js';
import { errorText } from '../../util/errors.js';

const failed = (e: unknown): Status => errorStatus(`PodTopologySpread: ${errorText(e)}`);

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  static readonly pluginName = 'PodTopologySpread';
  readonly name = PodTopologySpread.pluginName;

  constructor(private readonly handle: Handle) {}

  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
    try {
      return spreadPreFilter(state, pod, nodes);
    } catch (e) {
      return failed(e);
    }
  }

  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    return spreadFilter(state, pod, node);
  }

  addPod(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void {
    spreadUpdate(state, pod, added, node, 1);
  }

  removePod(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void {
    spreadUpdate(state, pod, removed, node, -1);
  }

  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
    try {
      return spreadPreScore(this.handle, state, pod, nodes);
    } catch (e) {
      return failed(e);
    }
  }

  score(state: CycleState, pod: PodInfo, node: NodeInfo): number {
    return spreadScore(state, pod, node);
  }

  normalize(state: CycleState, _pod: PodInfo, scores: number[], nodes: readonly NodeInfo[]): void {
    spreadNormalize(state, scores, nodes);
  }

  events(): ClusterEvent[] {
    return ['AssignedPod/Add', 'AssignedPod/Update', 'AssignedPod/Delete', 'Node/Add', 'Node/Delete', 'Node/UpdateLabel', 'Node/UpdateTaint'];
  }
}
