import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as autoscalingV1 from '../generated/autoscaling/v1.js';
import type * as autoscalingV2 from '../generated/autoscaling/v2.js';
import { defaultHorizontalPodAutoscalerV1, defaultHorizontalPodAutoscalerV2 } from '../defaults/autoscaling.js';
import { validateHorizontalPodAutoscalerV1, validateHorizontalPodAutoscalerV2, validateHorizontalPodAutoscalerV2Update } from './autoscaling.js';
import { edited, messages } from './test-util.js';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
const v2: autoscalingV2.HorizontalPodAutoscaler = defaultHorizontalPodAutoscalerV2({ metadata: { name: 'web', namespace: 'default' }, spec: { maxReplicas: 5, scaleTargetRef: ref } });
const v1: autoscalingV1.HorizontalPodAutoscaler = defaultHorizontalPodAutoscalerV1({ metadata: { name: 'web', namespace: 'default' }, spec: { maxReplicas: 5, scaleTargetRef: ref, targetCPUUtilizationPercentage: 50 } });

test('HPA defaults', () => {
  assert.equal(v1.spec?.minReplicas, 1);
  assert.equal(v2.spec?.minReplicas, 1);
  assert.deepEqual(v2.spec?.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.equal(v2.spec?.behavior, undefined);
  const withBehavior = defaultHorizontalPodAutoscalerV2({ spec: { maxReplicas: 3, scaleTargetRef: ref, behavior: { scaleDown: { stabilizationWindowSeconds: 60, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } } });
  assert.deepEqual(withBehavior.spec?.behavior, {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
  });
});

test('valid HPAs pass', () => {
  assert.deepEqual(messages(validateHorizontalPodAutoscalerV2(v2)), []);
  assert.deepEqual(messages(validateHorizontalPodAutoscalerV1(v1)), []);
});

type Row<T> = [string, (o: T) => void, string[]];
const rows: Row<autoscalingV2.HorizontalPodAutoscaler>[] = [
  ['minReplicas 0', (h) => { h.spec!.minReplicas = 0; }, ['spec.minReplicas: Invalid value: 0: must be greater than or equal to 1', 'spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas']],
  ['max below min', (h) => { h.spec!.minReplicas = 7; }, ['spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`']],
  ['max 0', (h) => { h.spec!.maxReplicas = 0; }, ['spec.maxReplicas: Invalid value: 0: must be greater than 0', 'spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`']],
  ['missing ref', (h) => { h.spec!.scaleTargetRef = { kind: '', name: 'a/b' }; }, ['spec.scaleTargetRef.kind: Required value', "spec.scaleTargetRef.name: Invalid value: \"a/b\": may not contain '/'"]],
  ['bad metric type', (h) => { h.spec!.metrics = [{ type: 'Foo' }]; }, [
    'spec.metrics[0].type: Unsupported value: "Foo": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
    'spec.metrics[0].type: Unsupported value: "Foo": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
  ]],
  ['missing source', (h) => { h.spec!.metrics = [{ type: 'Pods' }]; }, ['spec.metrics[0].pods: Required value: must populate information for the given metric source']],
  ['utilization 0', (h) => { h.spec!.metrics![0]!.resource!.target.averageUtilization = 0; }, ['spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0']],
  ['both targets', (h) => { h.spec!.metrics![0]!.resource!.target.averageValue = '100m'; }, ['spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization']],
  ['negative value', (h) => { h.spec!.metrics = [{ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '-1' } } }]; }, ['spec.metrics[0].pods.target.averageValue: Invalid value: "-1": must be positive']],
  ['behavior', (h) => { h.spec!.behavior = { scaleUp: { stabilizationWindowSeconds: 4000, selectPolicy: 'Any', policies: [{ type: 'Pods', value: 0, periodSeconds: 2000 }] }, scaleDown: { policies: [] } }; }, [
    'spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600',
    'spec.behavior.scaleUp.selectPolicy: Unsupported value: "Any": supported values: "Disabled", "Max", "Min"',
    'spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero',
    'spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 2000: must be less than or equal to 1800',
    'spec.behavior.scaleDown.policies: Required value: must specify at least one Policy',
  ]],
];
for (const [name, edit, want] of rows) {
  test(`HPA v2: ${name}`, () => assert.deepEqual(messages(validateHorizontalPodAutoscalerV2(edited(v2, edit))), want));
}

test('HPA v1 reports the internal metric path', () => {
  const bad = edited(v1, (h) => { h.spec!.targetCPUUtilizationPercentage = 0; });
  assert.deepEqual(messages(validateHorizontalPodAutoscalerV1(bad)), ['spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0']);
});

test('HPA update keeps minReplicas 0 legal when it already was', () => {
  const old = edited(v2, (h) => { h.metadata!.resourceVersion = '1'; h.spec!.minReplicas = 0; h.spec!.metrics = [{ type: 'External', external: { metric: { name: 'q' }, target: { type: 'Value', value: '1' } } }]; });
  assert.deepEqual(messages(validateHorizontalPodAutoscalerV2Update(old, old)), []);
});
