import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod, PodSpec, Taint } from '../../api/generated/core/v1.js';
import { addOrUpdateTolerations, daemonPodSpec, nodeShouldRunDaemonPod, targetNodeName } from './node-fit.js';

const node = (labels: Record<string, string> = {}, taints: Taint[] = [], name = 'n1'): Node => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: { taints } });
const spec = (extra: Partial<PodSpec> = {}): PodSpec => ({ containers: [{ name: 'a', image: 'busybox' }], ...extra });
const required = (terms: NonNullable<NonNullable<NonNullable<PodSpec['affinity']>['nodeAffinity']>['requiredDuringSchedulingIgnoredDuringExecution']>['nodeSelectorTerms']) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });

const cases: { name: string; spec: PodSpec; node: Node; run: boolean; stay: boolean }[] = [
  { name: 'any node', spec: spec(), node: node(), run: true, stay: true },
  { name: 'nodeSelector matches', spec: spec({ nodeSelector: { disk: 'ssd' } }), node: node({ disk: 'ssd' }), run: true, stay: true },
  { name: 'nodeSelector does not match', spec: spec({ nodeSelector: { disk: 'ssd' } }), node: node({ disk: 'hdd' }), run: false, stay: false },
  { name: 'template nodeName elsewhere', spec: spec({ nodeName: 'n2' }), node: node(), run: false, stay: false },
  { name: 'affinity In', spec: spec(required([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }])), node: node({ zone: 'b' }), run: true, stay: true },
  { name: 'affinity NotIn', spec: spec(required([{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['b'] }] }])), node: node({ zone: 'b' }), run: false, stay: false },
  { name: 'affinity DoesNotExist', spec: spec(required([{ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }])), node: node(), run: true, stay: true },
  { name: 'affinity Gt', spec: spec(required([{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['4'] }] }])), node: node({ cores: '8' }), run: true, stay: true },
  { name: 'affinity terms are ORed', spec: spec(required([{ matchExpressions: [{ key: 'x', operator: 'Exists' }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }])), node: node(), run: true, stay: true },
  { name: 'an empty term matches nothing', spec: spec(required([{}])), node: node(), run: false, stay: false },
  { name: 'untolerated NoSchedule: do not start, may stay', spec: spec(), node: node({}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]), run: false, stay: true },
  { name: 'untolerated NoExecute: neither', spec: spec(), node: node({}, [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }]), run: false, stay: false },
  { name: 'PreferNoSchedule is ignored', spec: spec(), node: node({}, [{ key: 'dedicated', effect: 'PreferNoSchedule' }]), run: true, stay: true },
  { name: 'tolerated by the template (Equal)', spec: spec({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }), node: node({}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]), run: true, stay: true },
  { name: 'Equal with another value does not tolerate', spec: spec({ tolerations: [{ key: 'dedicated', value: 'web' }] }), node: node({}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]), run: false, stay: true },
  { name: 'Exists without a key tolerates everything', spec: spec({ tolerations: [{ operator: 'Exists' }] }), node: node({}, [{ key: 'any', effect: 'NoExecute' }]), run: true, stay: true },
  { name: 'not-ready NoExecute is tolerated by every daemon pod', spec: spec(), node: node({}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]), run: true, stay: true },
  { name: 'unreachable NoExecute too', spec: spec(), node: node({}, [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }]), run: true, stay: true },
  { name: 'cordoned (unschedulable) nodes still run daemon pods', spec: spec(), node: node({}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]), run: true, stay: true },
  { name: 'memory pressure is tolerated', spec: spec(), node: node({}, [{ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' }]), run: true, stay: true },
  { name: 'network-unavailable only for hostNetwork pods', spec: spec(), node: node({}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), run: false, stay: true },
  { name: 'network-unavailable with hostNetwork', spec: spec({ hostNetwork: true }), node: node({}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), run: true, stay: true },
];

test('nodeShouldRunDaemonPod', () => {
  for (const c of cases) assert.deepEqual(nodeShouldRunDaemonPod(c.spec, c.node), { shouldRun: c.run, shouldContinueRunning: c.stay }, c.name);
});

test('daemon pods get the upstream tolerations and are pinned to their node', () => {
  const s = daemonPodSpec(spec({ tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'x', operator: 'Exists' }], affinity: { podAntiAffinity: {} } }), 'n7');
  assert.deepEqual(s.tolerations, [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'x', operator: 'Exists' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ]);
  assert.deepEqual(s.affinity, { podAntiAffinity: {}, nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n7'] }] }] } } });
  const pod: Pod = { metadata: { name: 'p' }, spec: { containers: [], affinity: s.affinity } };
  assert.equal(targetNodeName(pod), 'n7');
  assert.equal(targetNodeName({ ...pod, spec: { containers: [], nodeName: 'n3' } }), 'n3');
  assert.equal(addOrUpdateTolerations([], []).length, 0);
});
