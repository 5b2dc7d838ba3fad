/**
 * TaintToleration (upstream plugins/tainttoleration): Filter rejects nodes with a NoSchedule or
 * NoExecute taint the pod does not tolerate; Score prefers nodes with fewer untolerated
 * PreferNoSchedule taints.
 */
import type { Toleration } from '../../api/generated/core/v1.js';
import type { ClusterEvent, CycleState, EnqueueExtensions, FilterPlugin, PreScorePlugin, ScorePlugin, StateData } from '../framework/interface.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { success, unresolvable, type Status } from '../framework/status.js';
import { anyTolerates, firstUntolerated, HARD_EFFECTS } from '../framework/taints.js';
import { defaultNormalize } from './normalize.js';

const STATE_KEY = 'PreScoreTaintToleration';

class PreferTolerations implements StateData {
  constructor(readonly tolerations: readonly Toleration[]) {}
  clone(): StateData {
    return this;
  }
}

export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  static readonly pluginName = 'TaintToleration';
  readonly name = TaintToleration.pluginName;

  filter(_state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    const taint = firstUntolerated(node.taints, pod.pod.spec?.tolerations, HARD_EFFECTS);
    if (!taint) return success();
    return unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
  }

  preScore(state: CycleState, pod: PodInfo): Status {
    // Only tolerations that can apply to PreferNoSchedule taints matter for the score.
    const tolerations = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    state.write(STATE_KEY, new PreferTolerations(tolerations));
    return success();
  }

  score(state: CycleState, _pod: PodInfo, node: NodeInfo): number {
    const tolerations = state.read<PreferTolerations>(STATE_KEY)?.tolerations ?? [];
    let n = 0;
    for (const taint of node.taints) if (taint.effect === 'PreferNoSchedule' && !anyTolerates(tolerations, taint)) n++;
    return n;
  }

  normalize(_state: CycleState, _pod: PodInfo, scores: number[]): void {
    defaultNormalize(scores, true);
  }

  events(): ClusterEvent[] {
    return ['Node/Add', 'Node/UpdateTaint'];
  }
}
