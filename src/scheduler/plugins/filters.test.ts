import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from '../../api/generated/core/v1.js';
import { makeNode, makePod, newSchedulerBench } from '../testing.js';

interface Case {
  name: string;
  node: Node;
  pod: Pod;
  /** Pods already bound to the node. */
  existing?: Pod[];
  want: { code: string; reasons?: string[] };
}

function run(plugin: string, cases: Case[]) {
  return async (t: import('node:test').TestContext) => {
    for (const c of cases) {
      await t.test(c.name, () => {
        const b = newSchedulerBench();
        b.addNode(c.node);
        b.addPod(...(c.existing ?? []));
        const s = b.filter(plugin, c.pod, c.node.metadata?.name ?? '');
        assert.equal(s.code, c.want.code);
        if (c.want.reasons) assert.deepEqual(s.reasons, c.want.reasons);
      });
    }
  };
}

const ok = { code: 'Success' };
const podWith = (spec: Partial<NonNullable<Pod['spec']>>, extra: Parameters<typeof makePod>[1] = {}) => makePod('p', { ...extra, spec });

test(
  'NodeName',
  run('NodeName', [
    { name: 'no nodeName', node: makeNode('n1'), pod: makePod('p'), want: ok },
    { name: 'same node', node: makeNode('n1'), pod: podWith({ nodeName: 'n1' }), want: ok },
    { name: 'other node', node: makeNode('n1'), pod: podWith({ nodeName: 'n2' }), want: { code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match the requested node name"] } },
  ]),
);

test(
  'NodeUnschedulable',
  run('NodeUnschedulable', [
    { name: 'schedulable', node: makeNode('n1'), pod: makePod('p'), want: ok },
    { name: 'cordoned', node: makeNode('n1', { unschedulable: true }), pod: makePod('p'), want: { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) were unschedulable'] } },
    {
      name: 'cordoned, tolerated',
      node: makeNode('n1', { unschedulable: true }),
      pod: podWith({ tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }),
      want: ok,
    },
  ]),
);

const cpTaint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
test(
  'TaintToleration filter',
  run('TaintToleration', [
    { name: 'untainted', node: makeNode('n1'), pod: makePod('p'), want: ok },
    { name: 'untolerated NoSchedule', node: makeNode('n1', { taints: [cpTaint] }), pod: makePod('p'), want: { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'] } },
    { name: 'untolerated NoExecute with value', node: makeNode('n1', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] }), pod: makePod('p'), want: { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {dedicated: gpu}'] } },
    { name: 'PreferNoSchedule does not filter', node: makeNode('n1', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }), pod: makePod('p'), want: ok },
    { name: 'tolerated by Exists', node: makeNode('n1', { taints: [cpTaint] }), pod: podWith({ tolerations: [{ key: cpTaint.key, operator: 'Exists' }] }), want: ok },
    { name: 'tolerated by empty-key Exists', node: makeNode('n1', { taints: [cpTaint] }), pod: podWith({ tolerations: [{ operator: 'Exists' }] }), want: ok },
    { name: 'Equal needs the value', node: makeNode('n1', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), pod: podWith({ tolerations: [{ key: 'dedicated', value: 'cpu' }] }), want: { code: 'UnschedulableAndUnresolvable' } },
    { name: 'wrong effect', node: makeNode('n1', { taints: [cpTaint] }), pod: podWith({ tolerations: [{ key: cpTaint.key, operator: 'Exists', effect: 'NoExecute' }] }), want: { code: 'UnschedulableAndUnresolvable' } },
  ]),
);

test(
  'NodeResourcesFit filter',
  run('NodeResourcesFit', [
    { name: 'fits', node: makeNode('n1', { cpu: '2', memory: '1Gi' }), pod: makePod('p', { cpu: '1', memory: '512Mi' }), want: ok },
    { name: 'cpu used up', node: makeNode('n1', { cpu: '2' }), existing: [makePod('e', { cpu: '1500m', node: 'n1' })], pod: makePod('p', { cpu: '1' }), want: { code: 'Unschedulable', reasons: ['Insufficient cpu'] } },
    { name: 'cpu and memory', node: makeNode('n1', { cpu: '1', memory: '1Gi' }), pod: makePod('p', { cpu: '2', memory: '2Gi' }), want: { code: 'Unschedulable', reasons: ['Insufficient cpu', 'Insufficient memory'] } },
    { name: 'too many pods', node: makeNode('n1', { pods: '1' }), existing: [makePod('e', { node: 'n1' })], pod: makePod('p'), want: { code: 'Unschedulable', reasons: ['Too many pods'] } },
    { name: 'best effort fits a full node', node: makeNode('n1', { cpu: '1' }), existing: [makePod('e', { cpu: '1', node: 'n1' })], pod: makePod('p'), want: ok },
    {
      name: 'extended resource missing',
      node: makeNode('n1'),
      pod: podWith({ containers: [{ name: 'c', image: 'i', resources: { requests: { 'example.com/gpu': '1' }, limits: { 'example.com/gpu': '1' } } }] }),
      want: { code: 'Unschedulable', reasons: ['Insufficient example.com/gpu'] },
    },
    {
      name: 'extended resource present',
      node: makeNode('n1', { extra: { 'example.com/gpu': '2' } }),
      pod: podWith({ containers: [{ name: 'c', image: 'i', resources: { limits: { 'example.com/gpu': '2' } } }] }),
      want: ok,
    },
    {
      name: 'ephemeral storage',
      node: makeNode('n1', { extra: { 'ephemeral-storage': '1Gi' } }),
      pod: podWith({ containers: [{ name: 'c', image: 'i', resources: { requests: { 'ephemeral-storage': '2Gi' } } }] }),
      want: { code: 'Unschedulable', reasons: ['Insufficient ephemeral-storage'] },
    },
    {
      name: 'init container larger than the app containers counts',
      node: makeNode('n1', { cpu: '2' }),
      pod: podWith({ initContainers: [{ name: 'i', image: 'i', resources: { requests: { cpu: '3' } } }], containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '1' } } }] }),
      want: { code: 'Unschedulable', reasons: ['Insufficient cpu'] },
    },
    {
      name: 'pod overhead counts',
      node: makeNode('n1', { cpu: '1' }),
      pod: podWith({ overhead: { cpu: '500m' }, containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '800m' } } }] }),
      want: { code: 'Unschedulable', reasons: ['Insufficient cpu'] },
    },
  ]),
);

const required = (terms: object[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } });
const affinityErr = { code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match Pod's node affinity/selector"] };
test(
  'NodeAffinity filter',
  run('NodeAffinity', [
    { name: 'nothing required', node: makeNode('n1'), pod: makePod('p'), want: ok },
    { name: 'nodeSelector matches', node: makeNode('n1', { labels: { disk: 'ssd' } }), pod: podWith({ nodeSelector: { disk: 'ssd' } }), want: ok },
    { name: 'nodeSelector differs', node: makeNode('n1', { labels: { disk: 'hdd' } }), pod: podWith({ nodeSelector: { disk: 'ssd' } }), want: affinityErr },
    { name: 'In', node: makeNode('n1', { labels: { zone: 'a' } }), pod: podWith({ affinity: required([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] }]) }), want: ok },
    { name: 'NotIn', node: makeNode('n1', { labels: { zone: 'a' } }), pod: podWith({ affinity: required([{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }]) }), want: affinityErr },
    { name: 'DoesNotExist', node: makeNode('n1'), pod: podWith({ affinity: required([{ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }]) }), want: ok },
    { name: 'Gt', node: makeNode('n1', { labels: { cores: '16' } }), pod: podWith({ affinity: required([{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }] }]) }), want: ok },
    { name: 'Lt fails', node: makeNode('n1', { labels: { cores: '16' } }), pod: podWith({ affinity: required([{ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['8'] }] }]) }), want: affinityErr },
    { name: 'terms are ORed', node: makeNode('n1', { labels: { b: '1' } }), pod: podWith({ affinity: required([{ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, { matchExpressions: [{ key: 'b', operator: 'Exists' }] }]) }), want: ok },
    { name: 'empty term matches nothing', node: makeNode('n1'), pod: podWith({ affinity: required([{}]) }), want: affinityErr },
    { name: 'matchFields metadata.name', node: makeNode('n1'), pod: podWith({ affinity: required([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }]) }), want: ok },
    { name: 'nodeSelector and affinity both apply', node: makeNode('n1', { labels: { zone: 'a' } }), pod: podWith({ nodeSelector: { disk: 'ssd' }, affinity: required([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }]) }), want: affinityErr },
  ]),
);

const port = (hostPort: number, protocol = 'TCP', hostIP?: string) => podWith({ containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, hostPort, protocol, ...(hostIP ? { hostIP } : {}) }] }] });
const withNode = (p: Pod, name: string): Pod => ({ ...p, metadata: { ...p.metadata, name, uid: name }, spec: { ...(p.spec ?? { containers: [] }), nodeName: 'n1' } });
const portErr = { code: 'Unschedulable', reasons: ["node(s) didn't have free ports for the requested pod ports"] };
test(
  'NodePorts',
  run('NodePorts', [
    { name: 'no host ports', node: makeNode('n1'), existing: [withNode(port(80), 'e')], pod: makePod('p'), want: ok },
    { name: 'free port', node: makeNode('n1'), existing: [withNode(port(80), 'e')], pod: port(81), want: ok },
    { name: 'taken port', node: makeNode('n1'), existing: [withNode(port(80), 'e')], pod: port(80), want: portErr },
    { name: 'other protocol', node: makeNode('n1'), existing: [withNode(port(53, 'UDP'), 'e')], pod: port(53, 'TCP'), want: ok },
    { name: 'different IPs', node: makeNode('n1'), existing: [withNode(port(80, 'TCP', '10.0.0.1'), 'e')], pod: port(80, 'TCP', '10.0.0.2'), want: ok },
    { name: '0.0.0.0 clashes with a specific IP', node: makeNode('n1'), existing: [withNode(port(80, 'TCP', '10.0.0.1'), 'e')], pod: port(80), want: portErr },
  ]),
);
