import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../api/generated/core/v1.js';
import { conflict } from '../api/errors.js';
import { resources } from '../client/resources.js';
import { newTestBench } from './testing.js';
import { NodeIpamController, cidrSetsFor } from './node-ipam.js';
import type { ControllerSettings } from './controller.js';

const node = (name: string, podCIDR?: string): Node => ({ metadata: { name }, spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {} });
const cidrOf = (b: ReturnType<typeof newTestBench>, name: string) => b.transport.object<Node>(resources.nodes, undefined, name)?.spec?.podCIDRs;

function setUp(nodes: Node[], settings: Partial<ControllerSettings> = {}) {
  const b = newTestBench(settings);
  b.seed(resources.nodes, ...nodes);
  const c = new NodeIpamController(b.ctx);
  c.rebuild();
  return { b, c };
}

test('node-ipam gives nodes without one the next free block, never one already held', async () => {
  const cases: { name: string; nodes: Node[]; settings?: Partial<ControllerSettings>; reconcile: string[]; want: Record<string, string[] | undefined> }[] = [
    { name: 'fresh cluster', nodes: [node('a'), node('b')], reconcile: ['a', 'b'], want: { a: ['10.42.0.0/24'], b: ['10.42.1.0/24'] } },
    {
      name: 'restart: blocks of existing nodes are rebuilt first',
      nodes: [node('old1', '10.42.0.0/24'), node('old2', '10.42.1.0/24'), node('new')],
      reconcile: ['new', 'old1', 'old2'],
      want: { old1: ['10.42.0.0/24'], old2: ['10.42.1.0/24'], new: ['10.42.2.0/24'] },
    },
    { name: 'a node with only spec.podCIDR counts as having one', nodes: [{ metadata: { name: 'x' }, spec: { podCIDR: '10.42.0.0/24' } }, node('y')], reconcile: ['y'], want: { y: ['10.42.1.0/24'] } },
    { name: 'custom mask', nodes: [node('a')], settings: { clusterCidr: '10.10.0.0/16', nodeCidrMaskSize: 26 }, reconcile: ['a'], want: { a: ['10.10.0.0/26'] } },
    { name: 'service range inside the cluster range is skipped', nodes: [node('a')], settings: { clusterCidr: '10.0.0.0/16', serviceCidr: '10.0.0.0/24' }, reconcile: ['a'], want: { a: ['10.0.1.0/24'] } },
    { name: 'dual-stack', nodes: [node('a')], settings: { clusterCidr: '10.42.0.0/16,fd42::/56' }, reconcile: ['a'], want: { a: ['10.42.0.0/24', 'fd42::/64'] } },
  ];
  for (const c of cases) {
    const { b, c: ctl } = setUp(c.nodes, c.settings);
    for (const n of c.reconcile) await ctl.reconcile(n);
    for (const [n, want] of Object.entries(c.want)) assert.deepEqual(cidrOf(b, n), want, `${c.name}: ${n}`);
    for (const n of Object.keys(c.want)) {
      const got = b.transport.object<Node>(resources.nodes, undefined, n);
      assert.equal(got?.spec?.podCIDR, got?.spec?.podCIDRs?.[0], `${c.name}: podCIDR is podCIDRs[0]`);
    }
  }
});

test('node-ipam patches only spec.podCIDR(s), guarded by resourceVersion, and does not write twice while the cache lags', async () => {
  const { b, c } = setUp([node('a')]);
  await c.reconcile('a');
  await c.reconcile('a'); // cache still shows no CIDR
  assert.deepEqual(b.transport.writes(), ['patch nodes a']);
  const body = b.transport.actions.find((a) => a.verb === 'patch')?.body as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
  assert.deepEqual(Object.keys(body).sort(), ['metadata', 'spec']);
  assert.deepEqual(Object.keys(body.metadata), ['resourceVersion']);
  assert.deepEqual(body.spec, { podCIDR: '10.42.0.0/24', podCIDRs: ['10.42.0.0/24'] });
  b.sync(resources.nodes);
  await c.reconcile('a');
  assert.deepEqual(c.allocated(), [1]);
});

test('node-ipam: an exhausted range records CIDRNotAvailable and retries; a deleted node frees its block', async () => {
  const { b, c } = setUp([node('a'), node('b'), node('c')], { clusterCidr: '10.0.0.0/30', nodeCidrMaskSize: 31 });
  await c.reconcile('a');
  await c.reconcile('b');
  await assert.rejects(c.reconcile('c'), /no pod CIDR left/);
  assert.deepEqual(b.events.map((e) => `${e.component} ${e.object} ${e.reason} ${e.message}`), ['cidrAllocator Node/c CIDRNotAvailable Node c status is now: CIDRNotAvailable']);
  assert.equal(cidrOf(b, 'c'), undefined);
  b.sync(resources.nodes);
  const a = b.transport.object<Node>(resources.nodes, undefined, 'a')!;
  c.release(a); // the informer's onDelete
  assert.equal(c.queue.len(), 1, 'nodes waiting for a block are queued again');
  await c.reconcile('c');
  assert.deepEqual(cidrOf(b, 'c'), ['10.0.0.0/31']);
});

test('node-ipam: a failed write gives the block back', async () => {
  const { b, c } = setUp([node('a'), node('b')]);
  b.transport.prependReactor((a) => {
    if (a.verb === 'patch' && a.name === 'a') throw conflict({ group: '', resource: 'nodes' }, 'a');
    return undefined;
  });
  await assert.rejects(c.reconcile('a'), /modified/);
  assert.deepEqual(c.allocated(), [0]);
  await c.reconcile('b');
  assert.deepEqual(cidrOf(b, 'b'), ['10.42.1.0/24'], 'round-robin moves on, but the block was freed');
  assert.deepEqual(c.allocated(), [1]);
});

test('node-ipam rejects a configuration it cannot serve', () => {
  assert.throws(() => cidrSetsFor('10.42.0.0/16,10.43.0.0/16', 24, ''), /one IPv4 and one IPv6/);
  assert.throws(() => cidrSetsFor('10.42.0.0/16', 8, ''), /does not fit/);
});
