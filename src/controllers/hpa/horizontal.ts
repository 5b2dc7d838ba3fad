/**
 * The HorizontalPodAutoscaler controller (kube-controller-manager's `horizontalpodautoscaling`,
 * upstream pkg/controller/podautoscaler/horizontal.go): every sync period each HPA reads its
 * target's scale subresource, computes a replica count per metric from metrics.k8s.io and the
 * pods, takes the largest, stabilizes and limits it, writes it back through the scale subresource
 * and reports status, conditions and Events.
 */
import type { HorizontalPodAutoscaler, MetricStatus } from '../../api/generated/autoscaling/v2.js';
import type { Pod } from '../../api/generated/core/v1.js';
import { parseLabelSelector } from '../../api/selectors.js';
import { rfc3339 } from '../../api/time.js';
import type { Informer } from '../../client/informer.js';
import type { ResourceClient } from '../../client/resource.js';
import { resources } from '../../client/resources.js';
import { objectKey } from '../../client/store.js';
import { WorkQueue } from '../../client/workqueue.js';
import { clientFor, runWorkers, type Controller, type ControllerContext, type ControllerDescriptor, type EventSink } from '../controller.js';
import { withKind } from '../util/owner.js';
import { ScalingHistory, type ConditionUpdate } from './behavior.js';
import { computeReplicasForMetric, type MetricContext } from './compute.js';
import { defaultCalculatorSettings, type CalculatorSettings } from './replica-calculator.js';
import { sameStatus, setCondition } from './status.js';
import { getScale, scaleTargetResource, updateScale, type Scale } from './target.js';
import { errorText } from '../../util/errors.js';

type HPA = HorizontalPodAutoscaler;

/** The Event source upstream's controller records with. */
export const HPA_COMPONENT = 'horizontal-pod-autoscaler';

const errText = (e: unknown): string => errorText(e);

export class HorizontalController implements Controller {
  readonly queue: WorkQueue<string>;
  readonly #ctx: ControllerContext;
  readonly #hpas: Informer<HPA>;
  readonly #pods: Informer<Pod>;
  readonly #client: ResourceClient<HPA>;
  readonly #events: EventSink;
  readonly #history: ScalingHistory;
  readonly #calc: CalculatorSettings;

  constructor(ctx: ControllerContext, calc: CalculatorSettings = defaultCalculatorSettings) {
    this.#ctx = ctx;
    this.queue = new WorkQueue<string>({ clock: ctx.clock });
    this.#hpas = ctx.informers.informer<HPA>(resources.horizontalpodautoscalers);
    this.#pods = ctx.informers.informer<Pod>(resources.pods);
    this.#client = clientFor<HPA>(ctx, resources.horizontalpodautoscalers);
    this.#events = ctx.events(HPA_COMPONENT);
    this.#history = new ScalingHistory(ctx.settings.hpaDownscaleStabilizationMs);
    this.#calc = calc;
  }

  run(signal: AbortSignal): Promise<void> {
    this.#hpas.addEventHandler({
      onAdd: (h) => this.queue.add(objectKey(h)),
      // Only spec changes are worth an early look; our own status writes would otherwise loop.
      onUpdate: (old, cur) => {
        if (old.metadata?.generation !== cur.metadata?.generation) this.queue.add(objectKey(cur));
      },
      onDelete: (h) => this.queue.add(objectKey(h)),
    });
    return runWorkers({ name: 'horizontalpodautoscaling', queue: this.queue, workers: this.#ctx.settings.workers, reconcile: (k) => this.reconcile(k), logger: this.#ctx.logger, waitFor: [this.#hpas, this.#pods], signal });
  }

  /**
   * One pass over one HPA; then it is looked at again a sync period later. Failures are reported
   * on the HPA (conditions, Events) and wait for that next pass, as upstream's fixed-interval
   * queue does, rather than retrying at once.
   */
  async reconcile(key: string): Promise<void> {
    const hpa = this.#hpas.store.get(key);
    if (!hpa) {
      this.#history.forget(key);
      return;
    }
    try {
      await this.#reconcileAutoscaler(hpa, key);
    } catch (e) {
      this.#ctx.logger.warn('horizontalpodautoscaling: reconcile failed', { key, error: errText(e) });
    } finally {
      this.queue.addAfter(key, this.#ctx.settings.hpaSyncPeriodMs);
    }
  }

  #event(hpa: HPA, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.#events.record(withKind(hpa, resources.horizontalpodautoscalers), type, reason, message);
  }

  async #reconcileAutoscaler(shared: HPA, key: string): Promise<void> {
    const hpa = structuredClone(shared);
    const spec = hpa.spec;
    if (!spec) return;
    const status = (hpa.status ??= { desiredReplicas: 0 });
    const original = structuredClone(status);
    const now = this.#ctx.clock.now();
    const namespace = hpa.metadata?.namespace ?? '';
    const ref = spec.scaleTargetRef;
    const reference = `${ref.kind}/${namespace}/${ref.name}`;
    const set = (c: ConditionUpdate) => setCondition(status, c, now);
    const failedGetScale = async (error: string) => {
      this.#event(hpa, 'Warning', 'FailedGetScale', error);
      set({ type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: `the HPA controller was unable to get the target's current scale: ${error}` });
      await this.#updateStatusIfNeeded(original, hpa);
      this.#ctx.logger.warn('horizontalpodautoscaling: failed to query scale subresource', { reference, error });
    };

    const target = scaleTargetResource(ref);
    if (!target.ok) return failedGetScale(target.error);
    let scale: Scale;
    try {
      scale = await getScale(this.#ctx.client, target.resource, namespace, ref.name);
    } catch (e) {
      return failedGetScale(errText(e));
    }
    set({ type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale', message: "the HPA controller was able to get the target's current scale" });
    const currentReplicas = scale.spec?.replicas ?? 0;
    this.#history.recordInitial(key, currentReplicas, now);

    const minReplicas = spec.minReplicas ?? 1;
    let desiredReplicas = 0;
    let rescaleReason = '';
    let rescale = true;
    let metricStatuses: MetricStatus[] | undefined;
    if (currentReplicas === 0 && minReplicas !== 0) {
      // A target scaled to zero by hand is left alone.
      rescale = false;
      set({ type: 'ScalingActive', status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero' });
    } else if (currentReplicas > spec.maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desiredReplicas = spec.maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desiredReplicas = minReplicas;
    } else {
      const m = await this.#computeReplicasForMetrics(hpa, scale, now);
      metricStatuses = m.statuses;
      if (m.replicas === -1) {
        this.#setStatus(hpa, currentReplicas, status.desiredReplicas, metricStatuses, false, now);
        await this.#updateStatusIfNeeded(original, hpa);
        this.#event(hpa, 'Warning', 'FailedComputeMetricsReplicas', m.error ?? '');
        this.#ctx.logger.warn('horizontalpodautoscaling: failed to compute desired number of replicas', { reference, error: m.error });
        return;
      }
      if (m.replicas > desiredReplicas) desiredReplicas = m.replicas;
      if (desiredReplicas > currentReplicas) rescaleReason = `${m.metric} above target`;
      if (desiredReplicas < currentReplicas) rescaleReason = 'All metrics below target';
      const n = this.#history.normalize({ key, currentReplicas, desiredReplicas, minReplicas, maxReplicas: spec.maxReplicas, behavior: spec.behavior }, now);
      for (const c of n.conditions) set(c);
      desiredReplicas = n.replicas;
      rescale = desiredReplicas !== currentReplicas;
    }

    if (rescale) {
      try {
        await updateScale(this.#ctx.client, target.resource, namespace, scale, desiredReplicas);
      } catch (e) {
        const error = errText(e);
        this.#event(hpa, 'Warning', 'FailedRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}; error: ${error}`);
        set({ type: 'AbleToScale', status: 'False', reason: 'FailedUpdateScale', message: `the HPA controller was unable to update the target scale: ${error}` });
        this.#setStatus(hpa, currentReplicas, status.desiredReplicas, metricStatuses, false, now);
        await this.#updateStatusIfNeeded(original, hpa);
        this.#ctx.logger.warn('horizontalpodautoscaling: failed to rescale', { reference, error });
        return;
      }
      set({ type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: `the HPA controller was able to update the target scale to ${desiredReplicas}` });
      this.#event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}`);
      this.#history.recordScale({ key, behavior: spec.behavior, from: currentReplicas, to: desiredReplicas }, now);
      this.#ctx.logger.info('horizontalpodautoscaling: rescaled', { hpa: key, reference, from: currentReplicas, to: desiredReplicas, reason: rescaleReason });
    } else {
      desiredReplicas = currentReplicas;
    }
    this.#setStatus(hpa, currentReplicas, desiredReplicas, metricStatuses, rescale, now);
    await this.#updateStatusIfNeeded(original, hpa);
  }

  /** The largest proposal over the metrics; -1 when none can be had (or some fail and the rest would scale down). */
  async #computeReplicasForMetrics(hpa: HPA, scale: Scale, now: number): Promise<{ replicas: number; metric: string; statuses?: MetricStatus[]; error?: string }> {
    const namespace = hpa.metadata?.namespace ?? '';
    const set = (c: ConditionUpdate) => setCondition(hpa.status ??= { desiredReplicas: 0 }, c, now);
    const selectorText = scale.status?.selector ?? '';
    if (!selectorText) {
      this.#event(hpa, 'Warning', 'SelectorRequired', 'selector is required');
      set({ type: 'ScalingActive', status: 'False', reason: 'InvalidSelector', message: "the HPA target's scale is missing a selector" });
      return { replicas: -1, metric: '', error: 'selector is required' };
    }
    const parsed = parseLabelSelector(selectorText);
    if (!parsed.ok) {
      const error = `couldn't convert selector into a corresponding internal selector object: ${parsed.error}`;
      this.#event(hpa, 'Warning', 'InvalidSelector', error);
      set({ type: 'ScalingActive', status: 'False', reason: 'InvalidSelector', message: error });
      return { replicas: -1, metric: '', error };
    }
    const pods = this.#pods.store.listByNamespace(namespace).filter((p) => parsed.value.matches(p.metadata?.labels));
    const specs = hpa.spec?.metrics ?? [];
    const specReplicas = scale.spec?.replicas ?? 0;
    const mc: MetricContext = { transport: this.#ctx.client, namespace, selector: selectorText, pods, currentReplicas: specReplicas, now, calc: this.#calc, warn: (reason, message) => this.#event(hpa, 'Warning', reason, message) };
    // Failed metrics leave an empty status in their place, as upstream's do.
    const statuses: MetricStatus[] = specs.map(() => ({ type: '' }));
    let replicas = 0;
    let metric = '';
    let invalid = 0;
    let firstError: { error: string; condition: ConditionUpdate } | undefined;
    for (const [i, spec] of specs.entries()) {
      const r = await computeReplicasForMetric(spec, mc);
      if (!r.ok) {
        if (invalid === 0) firstError = r;
        invalid++;
        continue;
      }
      statuses[i] = r.status;
      if (replicas === 0 || r.replicas > replicas) {
        replicas = r.replicas;
        metric = r.metric;
      }
    }
    const error = firstError ? `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError.error}` : undefined;
    if (invalid >= specs.length || (invalid > 0 && replicas < specReplicas)) {
      if (firstError) set(firstError.condition);
      return { replicas: -1, metric: '', statuses, error: error ?? 'no metrics specified' };
    }
    set({ type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: `the HPA was able to successfully calculate a replica count from ${metric}` });
    return { replicas, metric, statuses, error };
  }

  #setStatus(hpa: HPA, currentReplicas: number, desiredReplicas: number, metrics: MetricStatus[] | undefined, rescale: boolean, now: number): void {
    const old = hpa.status;
    hpa.status = {
      currentReplicas,
      desiredReplicas,
      ...(rescale ? { lastScaleTime: rfc3339(now) } : old?.lastScaleTime ? { lastScaleTime: old.lastScaleTime } : {}),
      ...(metrics?.length ? { currentMetrics: metrics } : {}),
      ...(old?.conditions ? { conditions: old.conditions } : {}),
      ...(hpa.metadata?.generation !== undefined ? { observedGeneration: hpa.metadata.generation } : {}),
    };
  }

  async #updateStatusIfNeeded(original: unknown, hpa: HPA): Promise<void> {
    if (sameStatus(original, hpa.status)) return;
    try {
      await this.#client.updateStatus(hpa);
    } catch (e) {
      this.#event(hpa, 'Warning', 'FailedUpdateStatus', errText(e));
      throw new Error(`failed to update status for ${hpa.metadata?.name ?? ''}: ${errText(e)}`);
    }
  }
}

export const hpaController: ControllerDescriptor = {
  name: 'horizontalpodautoscaling',
  create: (ctx) => new HorizontalController(ctx),
};
