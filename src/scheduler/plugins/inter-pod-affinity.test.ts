import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Affinity, Node, Pod, PodAffinityTerm } from '../../api/generated/core/v1.js';
import { resources } from '../../client/resources.js';
import { makeNode, makePod, newSchedulerBench } from '../testing.js';

const term = (app: string, topologyKey = 'kubernetes.io/hostname', extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({ labelSelector: { matchLabels: { app } }, topologyKey, ...extra });
const withAffinity = (affinity: Affinity, labels: Record<string, string> = {}, name = 'p') => makePod(name, { labels, spec: { affinity } });
const on = (node: string, name: string, labels: Record<string, string>, extra: Parameters<typeof makePod>[1] = {}) => makePod(name, { node, labels, ...extra });

const AFFINITY = "UnschedulableAndUnresolvable node(s) didn't match pod affinity rules";
const ANTI = "Unschedulable node(s) didn't match pod anti-affinity rules";
const EXISTING = "Unschedulable node(s) didn't satisfy existing pods anti-affinity rules";

interface Case {
  name: string;
  nodes: Node[];
  existing: Pod[];
  pod: Pod;
  want: Record<string, string>;
}

const zoned = [makeNode('n1', { labels: { zone: 'a' } }), makeNode('n2', { labels: { zone: 'a' } }), makeNode('n3', { labels: { zone: 'b' } })];

test('InterPodAffinity filter', async (t) => {
  const cases: Case[] = [
    {
      name: 'required affinity: only next to a matching pod',
      nodes: zoned,
      existing: [on('n1', 'db', { app: 'db' })],
      pod: withAffinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } }),
      want: { n1: 'Success', n2: AFFINITY, n3: AFFINITY },
    },
    {
      name: 'required affinity by zone',
      nodes: zoned,
      existing: [on('n1', 'db', { app: 'db' })],
      pod: withAffinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', 'zone')] } }),
      want: { n1: 'Success', n2: 'Success', n3: AFFINITY },
    },
    {
      name: 'the first pod of a self-affine group may go anywhere',
      nodes: zoned,
      existing: [],
      pod: withAffinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } }, { app: 'web' }),
      want: { n1: 'Success', n3: 'Success' },
    },
    {
      name: 'pods in another namespace do not satisfy a term without namespaces',
      nodes: zoned,
      existing: [on('n1', 'db', { app: 'db' }, { namespace: 'other' })],
      pod: withAffinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } }),
      want: { n1: AFFINITY },
    },
    {
      name: 'a term listing the namespace does',
      nodes: zoned,
      existing: [on('n1', 'db', { app: 'db' }, { namespace: 'other' })],
      pod: withAffinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', 'kubernetes.io/hostname', { namespaces: ['other'] })] } }),
      want: { n1: 'Success' },
    },
    {
      name: 'namespaceSelector matches by namespace labels',
      nodes: zoned,
      existing: [on('n1', 'db', { app: 'db' }, { namespace: 'other' })],
      pod: withAffinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', 'kubernetes.io/hostname', { namespaceSelector: { matchLabels: { team: 'x' } } })] } }),
      want: { n1: 'Success', n2: AFFINITY },
    },
    {
      name: 'required anti-affinity keeps away from matching pods',
      nodes: zoned,
      existing: [on('n1', 'w1', { app: 'web' })],
      pod: withAffinity({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } }, { app: 'web' }),
      want: { n1: ANTI, n2: 'Success', n3: 'Success' },
    },
    {
      name: "existing pods' anti-affinity rejects the incoming pod in their zone",
      nodes: zoned,
      existing: [on('n1', 'loner', { app: 'loner' }, { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'zone')] } } } })],
      pod: makePod('p', { labels: { app: 'web' } }),
      want: { n1: EXISTING, n2: EXISTING, n3: 'Success' },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const b = newSchedulerBench();
      b.seed(resources.namespaces, { metadata: { name: 'other', labels: { team: 'x' } } }, { metadata: { name: 'default' } });
      b.addNode(...c.nodes);
      b.addPod(...c.existing);
      for (const [node, want] of Object.entries(c.want)) {
        const s = b.filter('InterPodAffinity', c.pod, node);
        assert.equal([s.code, ...s.reasons].join(' '), want, node);
      }
    });
  }
});

test('InterPodAffinity score', async (t) => {
  const cases = [
    {
      name: 'preferred affinity',
      existing: [on('n1', 'db', { app: 'db' })],
      pod: withAffinity({ podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: term('db') }] } }),
      want: { n1: 100, n2: 0, n3: 0 },
    },
    {
      name: 'preferred anti-affinity by zone',
      existing: [on('n1', 'w', { app: 'web' })],
      pod: withAffinity({ podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 20, podAffinityTerm: term('web', 'zone') }] } }),
      want: { n1: 0, n2: 0, n3: 100 },
    },
    {
      name: "existing pods' preferred terms count for the incoming pod",
      existing: [on('n3', 'fan', { app: 'fan' }, { spec: { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('web') }] } } } })],
      pod: makePod('p', { labels: { app: 'web' } }),
      want: { n1: 0, n2: 0, n3: 100 },
    },
    { name: 'nothing to weigh', existing: [on('n1', 'x', { app: 'x' })], pod: makePod('p'), want: { n1: 0, n2: 0, n3: 0 } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const b = newSchedulerBench();
      b.addNode(...zoned);
      b.addPod(...c.existing);
      assert.deepEqual(b.scores('InterPodAffinity', c.pod), c.want);
    });
  }
});
