/**
 * How far and how fast an HPA may move (upstream horizontal.go's normalizeDesiredReplicas and
 * normalizeDesiredReplicasWithBehaviors): recommendations are stabilized over a window (scale-down
 * 300 s by default, scale-up none), then limited by the scaling policies (Pods / Percent per
 * period, Max / Min / Disabled) or, without a behavior, by the legacy "at most double, at least 4"
 * rule, and clamped to min/max replicas. The recommendation and scale-event history lives here, in
 * memory, per HPA key; time is passed in.
 */
import type { HorizontalPodAutoscalerBehavior, HPAScalingRules } from '../../api/generated/autoscaling/v2.js';

/** A condition to set on the HPA (type, status, reason, message). */
export interface ConditionUpdate {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
}

interface Recommendation {
  replicas: number;
  at: number;
}

interface ScaleEvent {
  change: number;
  at: number;
  outdated: boolean;
}

interface Rules {
  stabilizationWindowSeconds: number;
  selectPolicy: string;
  policies: { type: string; value: number; periodSeconds: number }[];
}

/** The rules the API server would default a present behavior to; scale-down's window is the controller's flag. */
export function rulesOf(behavior: HorizontalPodAutoscalerBehavior, downscaleWindowMs: number): { up: Rules; down: Rules } {
  const fill = (r: HPAScalingRules | undefined, d: Rules): Rules => ({
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? d.stabilizationWindowSeconds,
    selectPolicy: r?.selectPolicy ?? d.selectPolicy,
    policies: r?.policies ?? d.policies,
  });
  return {
    up: fill(behavior.scaleUp, { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] }),
    down: fill(behavior.scaleDown, { stabilizationWindowSeconds: Math.trunc(downscaleWindowMs / 1000), selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] }),
  };
}

/** What {@link ScalingHistory.normalize} needs. */
export interface NormalizeInput {
  key: string;
  currentReplicas: number;
  /** The metrics' recommendation, before stabilization and limits. */
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  behavior?: HorizontalPodAutoscalerBehavior;
}

/** The replica count to use and the AbleToScale / ScalingLimited conditions that explain it. */
export interface NormalizeResult {
  replicas: number;
  conditions: ConditionUpdate[];
}

const READY = 'recommended size matches current size';
const within = { reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };

/** Changes (in replicas) recorded within the last `periodSeconds`. */
function changeInPeriod(events: readonly ScaleEvent[], periodSeconds: number, now: number): number {
  const cutoff = now - periodSeconds * 1000;
  return events.reduce((sum, e) => (e.at > cutoff ? sum + e.change : sum), 0);
}

export class ScalingHistory {
  readonly #recommendations = new Map<string, Recommendation[]>();
  readonly #ups = new Map<string, ScaleEvent[]>();
  readonly #downs = new Map<string, ScaleEvent[]>();

  /** @param downscaleWindowMs --horizontal-pod-autoscaler-downscale-stabilization (default 5 min). */
  constructor(private readonly downscaleWindowMs: number) {}

  /** The first reconcile of an HPA seeds its history with the current size. */
  recordInitial(key: string, currentReplicas: number, now: number): void {
    if (!this.#recommendations.has(key)) this.#recommendations.set(key, [{ replicas: currentReplicas, at: now }]);
  }

  /** Drops everything known about a deleted HPA. */
  forget(key: string): void {
    this.#recommendations.delete(key);
    this.#ups.delete(key);
    this.#downs.delete(key);
  }

  /** Stabilizes and limits a recommendation (and records it). */
  normalize(i: NormalizeInput, now: number): NormalizeResult {
    return i.behavior ? this.#withBehavior(i, i.behavior, now) : this.#legacy(i, now);
  }

  /** Remembers a rescale, for the policies' per-period limits (only HPAs with a behavior use them). */
  recordScale(i: { key: string; behavior?: HorizontalPodAutoscalerBehavior; from: number; to: number }, now: number): void {
    if (!i.behavior || i.from === i.to) return;
    const { up, down } = rulesOf(i.behavior, this.downscaleWindowMs);
    const scaleUp = i.to > i.from;
    const map = scaleUp ? this.#ups : this.#downs;
    const longest = Math.max(0, ...(scaleUp ? up : down).policies.map((p) => p.periodSeconds));
    const events = map.get(i.key) ?? [];
    for (const e of events) if (e.at < now - longest * 1000) e.outdated = true;
    const event: ScaleEvent = { change: Math.abs(i.to - i.from), at: now, outdated: false };
    // Reuse the slot of an outdated event (the last one found), as upstream does.
    const reuse = events.map((e, idx) => (e.outdated ? idx : -1)).filter((idx) => idx >= 0).at(-1);
    if (reuse !== undefined) events[reuse] = event;
    else events.push(event);
    map.set(i.key, events);
  }

  /** No behavior: the highest recommendation of the downscale window, then max(2×, 4) and min/max. */
  #legacy(i: NormalizeInput, now: number): NormalizeResult {
    const recs = this.#recommendations.get(i.key) ?? [];
    const cutoff = now - this.downscaleWindowMs;
    let stabilized = i.desiredReplicas;
    let old = -1;
    recs.forEach((r, idx) => {
      if (r.at < cutoff) old = idx;
      else if (r.replicas > stabilized) stabilized = r.replicas;
    });
    const rec = { replicas: i.desiredReplicas, at: now };
    if (old >= 0) recs[old] = rec;
    else recs.push(rec);
    this.#recommendations.set(i.key, recs);
    const able: ConditionUpdate =
      stabilized !== i.desiredReplicas
        ? { type: 'AbleToScale', status: 'True', reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' }
        : { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: READY };
    const scaleUpLimit = Math.max(2 * i.currentReplicas, 4);
    let limit = i.maxReplicas > scaleUpLimit
      ? { max: scaleUpLimit, reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' }
      : { max: i.maxReplicas, reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
    let replicas = stabilized;
    if (stabilized < i.minReplicas) {
      replicas = i.minReplicas;
      limit = { max: limit.max, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
    } else if (stabilized > limit.max) replicas = limit.max;
    const why = replicas === stabilized ? within : limit;
    return { replicas, conditions: [able, { type: 'ScalingLimited', status: replicas === stabilized ? 'False' : 'True', reason: why.reason, message: why.message }] };
  }

  #withBehavior(i: NormalizeInput, behavior: HorizontalPodAutoscalerBehavior, now: number): NormalizeResult {
    const { up, down } = rulesOf(behavior, this.downscaleWindowMs);
    const stabilized = this.#stabilize(i, up, down, now);
    const able: ConditionUpdate =
      stabilized.replicas !== i.desiredReplicas
        ? { type: 'AbleToScale', status: 'True', reason: stabilized.reason, message: stabilized.message }
        : { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: READY };
    const limited = this.#rateLimit({ ...i, desiredReplicas: stabilized.replicas }, up, down, now);
    return { replicas: limited.replicas, conditions: [able, { type: 'ScalingLimited', status: limited.replicas === stabilized.replicas ? 'False' : 'True', reason: limited.reason, message: limited.message }] };
  }

  /** Keeps the recommendation between the lowest of the scale-up window and the highest of the scale-down window. */
  #stabilize(i: NormalizeInput, up: Rules, down: Rules, now: number): { replicas: number; reason: string; message: string } {
    const upCutoff = now - up.stabilizationWindowSeconds * 1000;
    const downCutoff = now - down.stabilizationWindowSeconds * 1000;
    let upRec = i.desiredReplicas;
    let downRec = i.desiredReplicas;
    let old = -1;
    const recs = this.#recommendations.get(i.key) ?? [];
    recs.forEach((r, idx) => {
      if (r.at > upCutoff) upRec = Math.min(r.replicas, upRec);
      if (r.at > downCutoff) downRec = Math.max(r.replicas, downRec);
      if (r.at < upCutoff && r.at < downCutoff) old = idx;
    });
    let replicas = i.currentReplicas;
    if (replicas < upRec) replicas = upRec;
    if (replicas > downRec) replicas = downRec;
    const rec = { replicas: i.desiredReplicas, at: now };
    if (old >= 0) recs[old] = rec;
    else recs.push(rec);
    this.#recommendations.set(i.key, recs);
    return i.desiredReplicas >= i.currentReplicas
      ? { replicas, reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
      : { replicas, reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
  }

  /** The scaling policies' limit on this step, then min/max replicas. */
  #rateLimit(i: NormalizeInput, up: Rules, down: Rules, now: number): { replicas: number; reason: string; message: string } {
    const ups = this.#ups.get(i.key) ?? [];
    const downs = this.#downs.get(i.key) ?? [];
    const startOf = (periodSeconds: number) => i.currentReplicas - changeInPeriod(ups, periodSeconds, now) + changeInPeriod(downs, periodSeconds, now);
    if (i.desiredReplicas > i.currentReplicas) {
      let limit = i.currentReplicas;
      if (up.selectPolicy !== 'Disabled') {
        const proposals = up.policies.map((p) => (p.type === 'Pods' ? startOf(p.periodSeconds) + p.value : Math.ceil(startOf(p.periodSeconds) * (1 + p.value / 100))));
        limit = up.selectPolicy === 'Min' ? Math.min(...proposals) : Math.max(...proposals);
      }
      // Never below the current size: wait until earlier scale-ups leave the period.
      limit = Math.max(limit, i.currentReplicas);
      const cap = i.maxReplicas > limit
        ? { replicas: limit, reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' }
        : { replicas: i.maxReplicas, reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
      if (i.desiredReplicas > cap.replicas) return cap;
    } else if (i.desiredReplicas < i.currentReplicas) {
      let limit = i.currentReplicas;
      if (down.selectPolicy !== 'Disabled') {
        const proposals = down.policies.map((p) => (p.type === 'Pods' ? startOf(p.periodSeconds) - p.value : Math.trunc(startOf(p.periodSeconds) * (1 - p.value / 100))));
        limit = down.selectPolicy === 'Min' ? Math.max(...proposals) : Math.min(...proposals);
      }
      limit = Math.min(limit, i.currentReplicas);
      const floor = i.minReplicas < limit
        ? { replicas: limit, reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' }
        : { replicas: i.minReplicas, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
      if (i.desiredReplicas < floor.replicas) return floor;
    }
    return { replicas: i.desiredReplicas, ...within };
  }
}
