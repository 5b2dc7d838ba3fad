import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from '../../api/generated/core/v1.js';
import { makeNode, makePod, newSchedulerBench } from '../testing.js';
import { defaultNormalize } from './normalize.js';
import { imagePriority } from './image-locality.js';

interface Case {
  name: string;
  nodes: Node[];
  pod: Pod;
  existing?: Pod[];
  want: Record<string, number>;
}

function run(plugin: string, cases: Case[]) {
  return async (t: import('node:test').TestContext) => {
    for (const c of cases) {
      await t.test(c.name, () => {
        const b = newSchedulerBench();
        b.addNode(...c.nodes);
        b.addPod(...(c.existing ?? []));
        assert.deepEqual(b.scores(plugin, c.pod), c.want);
      });
    }
  };
}

test('defaultNormalize scales to 100 and reverses', () => {
  const cases = [
    { in: [0, 5, 10], reverse: false, want: [0, 50, 100] },
    { in: [0, 5, 10], reverse: true, want: [100, 50, 0] },
    { in: [0, 0], reverse: false, want: [0, 0] },
    { in: [0, 0], reverse: true, want: [100, 100] },
    { in: [1, 3], reverse: false, want: [33, 100] },
  ];
  for (const c of cases) {
    const s = [...c.in];
    defaultNormalize(s, c.reverse);
    assert.deepEqual(s, c.want);
  }
});

test(
  'NodeResourcesFit LeastAllocated',
  run('NodeResourcesFit', [
    { name: 'with requests', nodes: [makeNode('n1', { cpu: '4', memory: '8Gi' }), makeNode('n2', { cpu: '2', memory: '8Gi' })], pod: makePod('p', { cpu: '1', memory: '1Gi' }), want: { n1: 81, n2: 68 } },
    { name: 'best effort counts 100m/200Mi', nodes: [makeNode('n1', { cpu: '4', memory: '8Gi' })], pod: makePod('p'), want: { n1: 97 } },
    {
      name: 'existing pods count',
      nodes: [makeNode('n1', { cpu: '4', memory: '8Gi' }), makeNode('n2', { cpu: '4', memory: '8Gi' })],
      existing: [makePod('e', { cpu: '2', memory: '4Gi', node: 'n1' })],
      pod: makePod('p', { cpu: '1', memory: '1Gi' }),
      want: { n1: 31, n2: 81 },
    },
  ]),
);

test(
  'NodeResourcesBalancedAllocation',
  run('NodeResourcesBalancedAllocation', [
    { name: 'balanced is better', nodes: [makeNode('n1', { cpu: '4', memory: '8Gi' }), makeNode('n2', { cpu: '2', memory: '8Gi' })], pod: makePod('p', { cpu: '1', memory: '1Gi' }), want: { n1: 93, n2: 81 } },
    { name: 'best effort pods are skipped', nodes: [makeNode('n1')], pod: makePod('p'), want: { n1: 0 } },
  ]),
);

const MB = 1024 * 1024;
test('ImageLocality thresholds', () => {
  assert.equal(imagePriority(0, 1), 0);
  assert.equal(imagePriority(23 * MB, 1), 0);
  assert.equal(imagePriority(2000 * MB, 1), 100);
  assert.equal(imagePriority(250 * MB, 1), 23);
});

test(
  'ImageLocality',
  run('ImageLocality', [
    {
      name: 'image on one of two nodes is scaled by its spread',
      nodes: [makeNode('n1', { images: [{ names: ['docker.io/library/nginx:1.25', 'nginx:1.25'], sizeBytes: 500 * MB }] }), makeNode('n2')],
      pod: makePod('p', { image: 'nginx:1.25' }),
      want: { n1: 23, n2: 0 },
    },
    {
      name: 'image on every node, untagged name means :latest',
      nodes: [makeNode('n1', { images: [{ names: ['nginx:latest'], sizeBytes: 500 * MB }] }), makeNode('n2', { images: [{ names: ['nginx'], sizeBytes: 500 * MB }] })],
      pod: makePod('p', { image: 'nginx' }),
      want: { n1: 48, n2: 48 },
    },
  ]),
);

const preferred = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
  { weight: 10, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
  { weight: 5, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
] } };
test(
  'NodeAffinity preferred',
  run('NodeAffinity', [
    {
      name: 'weights summed and normalized',
      nodes: [makeNode('n1', { labels: { zone: 'a' } }), makeNode('n2', { labels: { disk: 'ssd' } }), makeNode('n3')],
      pod: makePod('p', { spec: { affinity: preferred } }),
      want: { n1: 100, n2: 50, n3: 0 },
    },
    { name: 'no preferences: skipped', nodes: [makeNode('n1')], pod: makePod('p'), want: { n1: 0 } },
  ]),
);

const soft = (key: string) => ({ key, effect: 'PreferNoSchedule' });
test(
  'TaintToleration PreferNoSchedule',
  run('TaintToleration', [
    {
      name: 'fewer untolerated soft taints score higher',
      nodes: [makeNode('n1'), makeNode('n2', { taints: [soft('a')] }), makeNode('n3', { taints: [soft('a'), soft('b')] })],
      pod: makePod('p'),
      want: { n1: 100, n2: 50, n3: 0 },
    },
    {
      name: 'tolerated soft taints do not count',
      nodes: [makeNode('n1'), makeNode('n2', { taints: [soft('a')] })],
      pod: makePod('p', { spec: { tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }] } }),
      want: { n1: 100, n2: 100 },
    },
  ]),
);
