import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HorizontalPodAutoscalerBehavior } from '../../api/generated/autoscaling/v2.js';
import { ScalingHistory } from './behavior.js';

const T0 = 1_000_000_000;
const S = 1000;

interface Step {
  /** Seconds after T0. */
  at: number;
  current: number;
  desired: number;
  want: number;
  /** [AbleToScale reason, ScalingLimited status and reason]. */
  why?: [string, 'True' | 'False', string];
  /** Record the rescale as the controller would. */
  scaled?: boolean;
}

function run(name: string, o: { min?: number; max?: number; behavior?: HorizontalPodAutoscalerBehavior; initial: number }, steps: Step[]): void {
  const h = new ScalingHistory(300 * S);
  h.recordInitial('ns/hpa', o.initial, T0);
  for (const s of steps) {
    const r = h.normalize({ key: 'ns/hpa', currentReplicas: s.current, desiredReplicas: s.desired, minReplicas: o.min ?? 1, maxReplicas: o.max ?? 100, behavior: o.behavior }, T0 + s.at * S);
    assert.equal(r.replicas, s.want, `${name} @${s.at}s`);
    if (s.why) {
      const [able, status, limited] = s.why;
      assert.deepEqual([r.conditions[0]?.reason, r.conditions[1]?.status, r.conditions[1]?.reason], [able, status, limited], `${name} @${s.at}s conditions`);
    }
    if (s.scaled && r.replicas !== s.current) h.recordScale({ key: 'ns/hpa', behavior: o.behavior, from: s.current, to: r.replicas }, T0 + s.at * S);
  }
}

test('without a behavior: the highest recommendation of the last 5 minutes, at most max(2x, 4), within min/max', () => {
  run('downscale stabilization', { initial: 5 }, [
    { at: 0, current: 5, desired: 2, want: 5, why: ['ScaleDownStabilized', 'False', 'DesiredWithinRange'] },
    { at: 120, current: 5, desired: 2, want: 5 },
    { at: 301, current: 5, desired: 2, want: 2, why: ['ReadyForNewScale', 'False', 'DesiredWithinRange'] },
  ]);
  run('scale-up rate', { initial: 1, max: 20 }, [
    { at: 0, current: 1, desired: 10, want: 4, why: ['ReadyForNewScale', 'True', 'ScaleUpLimit'] },
    { at: 15, current: 4, desired: 10, want: 8 },
    { at: 30, current: 8, desired: 10, want: 10, why: ['ReadyForNewScale', 'False', 'DesiredWithinRange'] },
  ]);
  run('max replicas', { initial: 1, max: 3 }, [{ at: 0, current: 1, desired: 5, want: 3, why: ['ReadyForNewScale', 'True', 'TooManyReplicas'] }]);
  run('min replicas', { initial: 2, min: 2 }, [{ at: 400, current: 2, desired: 1, want: 2, why: ['ReadyForNewScale', 'True', 'TooFewReplicas'] }]);
});

test('with a behavior: stabilization windows and per-period policies', () => {
  const defaults: HorizontalPodAutoscalerBehavior = { scaleUp: {}, scaleDown: {} };
  run('default scale-up: 4 pods or 100% per 15 s', { initial: 2, behavior: defaults }, [
    { at: 0, current: 2, desired: 20, want: 6, why: ['ReadyForNewScale', 'True', 'ScaleUpLimit'], scaled: true },
    { at: 5, current: 6, desired: 20, want: 6, why: ['ReadyForNewScale', 'True', 'ScaleUpLimit'], scaled: true },
    { at: 16, current: 6, desired: 20, want: 12, scaled: true },
  ]);
  run('Min select policy picks the smaller step', { initial: 10, behavior: { scaleUp: { selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }, { type: 'Percent', value: 50, periodSeconds: 60 }] } } }, [
    { at: 0, current: 10, desired: 30, want: 11 },
  ]);
  run('scale-down window defaults to the controller flag', { initial: 8, behavior: defaults }, [
    { at: 0, current: 8, desired: 2, want: 8, why: ['ScaleDownStabilized', 'False', 'DesiredWithinRange'] },
    { at: 301, current: 8, desired: 2, want: 2 },
  ]);
  run('scale-down by at most 1 pod per minute', { initial: 8, behavior: { scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } }, [
    { at: 0, current: 8, desired: 2, want: 7, why: ['ReadyForNewScale', 'True', 'ScaleDownLimit'], scaled: true },
    { at: 30, current: 7, desired: 2, want: 7, scaled: true },
    { at: 61, current: 7, desired: 2, want: 6, scaled: true },
  ]);
  run('disabled scale-down', { initial: 5, behavior: { scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Disabled' } } }, [
    { at: 0, current: 5, desired: 1, want: 5, why: ['ReadyForNewScale', 'True', 'ScaleDownLimit'] },
  ]);
  run('scale-up window keeps the lowest recent recommendation', { initial: 2, behavior: { scaleUp: { stabilizationWindowSeconds: 60 } } }, [
    { at: 10, current: 2, desired: 5, want: 2, why: ['ScaleUpStabilized', 'False', 'DesiredWithinRange'] },
    { at: 65, current: 2, desired: 5, want: 5 },
  ]);
  run('max replicas under a behavior', { initial: 1, max: 3, behavior: defaults }, [{ at: 0, current: 1, desired: 10, want: 3, why: ['ReadyForNewScale', 'True', 'TooManyReplicas'] }]);
});
