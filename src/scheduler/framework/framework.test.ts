import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from '../../api/generated/core/v1.js';
import { numFeasibleNodesToFind } from '../algorithm.js';
import { pickOneNode, type Candidate } from '../preemption/pick.js';
import { splitByPdbViolation } from '../preemption/victims.js';
import { makePod } from '../testing.js';
import { fitErrorMessage } from './fit-error.js';
import { PodInfo } from './pod-info.js';
import { podRequests } from './resources.js';
import { unresolvable, unschedulable } from './status.js';

const c = (cpu: string, extra: Partial<Container> = {}): Container => ({ name: 'c', image: 'i', resources: { requests: { cpu } }, ...extra });
const spec = (containers: Container[], initContainers: Container[] = [], overhead?: Record<string, string>): Pod => ({ spec: { containers, initContainers, ...(overhead ? { overhead } : {}) } });

test('pod requests: app containers summed, init containers as upstream, plus overhead', () => {
  const cases = [
    { name: 'sum of containers', pod: spec([c('100m'), c('200m')]), want: 300 },
    { name: 'largest init container wins', pod: spec([c('100m')], [c('1'), c('500m')]), want: 1000 },
    { name: 'sidecars run with the app and later init containers', pod: spec([c('100m')], [c('200m', { restartPolicy: 'Always' }), c('1')]), want: 1200 },
    { name: 'sidecars add to the app sum', pod: spec([c('1')], [c('200m', { restartPolicy: 'Always' })]), want: 1200 },
    { name: 'overhead', pod: spec([c('100m')], [], { cpu: '50m' }), want: 150 },
    { name: 'limits stand in for absent requests', pod: spec([{ name: 'c', image: 'i', resources: { limits: { cpu: '2' } } }]), want: 2000 },
  ];
  for (const x of cases) assert.equal(podRequests(x.pod).milliCPU, x.want, x.name);
  const nz = podRequests(spec([{ name: 'c', image: 'i' }, c('300m')]), true);
  assert.deepEqual([nz.milliCPU, nz.memory], [400, 2 * 200 * 1024 * 1024]);
});

test('fit error message: counted, sorted as strings, preemption appended', () => {
  const nodeToStatus = new Map([
    ['a', unschedulable('Insufficient cpu', 'Insufficient memory')],
    ['b', unschedulable('Insufficient cpu')],
    ['c', unresolvable('node(s) had untolerated taint {x: }')],
  ]);
  assert.equal(
    fitErrorMessage(3, { nodeToStatus, unschedulablePlugins: new Set(), postFilterMsg: 'preemption: not eligible due to preemptionPolicy=Never.' }),
    '0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {x: }, 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
  );
  // Go's sort.Strings: "10 …" sorts before "2 …".
  const many = new Map(Array.from({ length: 12 }, (_, i) => [`n${i}`, i < 10 ? unschedulable('Too many pods') : unschedulable('Insufficient cpu')] as const));
  assert.equal(fitErrorMessage(12, { nodeToStatus: many, unschedulablePlugins: new Set() }), '0/12 nodes are available: 10 Too many pods, 2 Insufficient cpu.');
  assert.equal(fitErrorMessage(5, { nodeToStatus: new Map(), unschedulablePlugins: new Set(), preFilterMsg: 'pod affinity terms conflict' }), '0/5 nodes are available: pod affinity terms conflict.');
});

test('adaptive number of feasible nodes to find', () => {
  const cases = [
    [50, 50],
    [100, 100],
    [1000, 420],
    [5000, 500],
    [6000, 300],
    [20000, 1000],
  ] as const;
  for (const [nodes, want] of cases) assert.equal(numFeasibleNodesToFind(nodes), want, `${nodes} nodes`);
  assert.equal(numFeasibleNodesToFind(1000, 100), 1000);
});

const victim = (name: string, priority: number, start = '2025-01-01T00:00:00Z') => new PodInfo({ ...makePod(name, { priority }), status: { startTime: start } }, priority);

test('picking the preemption node follows upstream order', () => {
  const cand = (node: string, victims: PodInfo[], pdbViolations = 0): Candidate => ({ node, victims, pdbViolations });
  const cases = [
    { name: 'fewest PDB violations', cands: [cand('a', [victim('x', 1)], 1), cand('b', [victim('y', 5)], 0)], want: 'b' },
    { name: 'lowest top priority', cands: [cand('a', [victim('x', 5)]), cand('b', [victim('y', 3), victim('z', 3)])], want: 'b' },
    { name: 'smallest priority sum', cands: [cand('a', [victim('x', 3), victim('y', 2)]), cand('b', [victim('z', 3), victim('w', 1)])], want: 'b' },
    { name: 'fewest victims', cands: [cand('a', [victim('x', 3), victim('y', -2)]), cand('b', [victim('z', 3)])], want: 'b' },
    { name: 'latest start of top victims', cands: [cand('a', [victim('x', 3, '2025-01-01T00:00:00Z')]), cand('b', [victim('y', 3, '2025-01-02T00:00:00Z')])], want: 'b' },
    { name: 'first on a full tie', cands: [cand('a', [victim('x', 3)]), cand('b', [victim('y', 3)])], want: 'a' },
  ];
  for (const x of cases) assert.equal(pickOneNode(x.cands)?.node, x.want, x.name);
});

test('PDB violations are counted in order against disruptionsAllowed', () => {
  const pods = ['a', 'b', 'c'].map((n) => new PodInfo(makePod(n, { labels: { app: 'web' } })));
  const pdb = { metadata: { name: 'pdb', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } } }, status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 } };
  const { violating, nonViolating } = splitByPdbViolation(pods, [pdb]);
  assert.deepEqual([violating.map((p) => p.name), nonViolating.map((p) => p.name)], [['b', 'c'], ['a']]);
  const empty = splitByPdbViolation(pods, [{ ...pdb, spec: { selector: {} } }]);
  assert.equal(empty.violating.length, 0);
});
