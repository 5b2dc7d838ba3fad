import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Lease } from '../../api/generated/coordination/v1.js';
import type { Node, Pod } from '../../api/generated/core/v1.js';
import { resources } from '../../client/resources.js';
import { FakeClock, until } from '../../client/testing/fake-clock.js';
import { FakeTransport } from '../../client/testing/fake-transport.js';
import { runHollowNodes, type HollowNodesOptions } from './hollow.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

const pod = (name: string, nodeName: string | undefined, extra: Partial<Pod['spec']> = {}, meta: Partial<NonNullable<Pod['metadata']>> = {}): Pod => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}`, ...meta },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'a', image: 'nginx:1.27' }], ...extra },
  status: { phase: 'Pending', qosClass: 'BestEffort' },
});

/** Starts hollow nodes over a fake API holding `seed`; resolves once they are ready. */
async function start(transport: FakeTransport, clock: FakeClock, extra: Partial<HollowNodesOptions> = {}) {
  const ac = new AbortController();
  let ready = false;
  const done = runHollowNodes({ transport, count: 3, clock, logger: quiet, onReady: () => (ready = true), ...extra }, ac.signal);
  await until(() => ready, 5000, 'hollow nodes ready');
  const stop = async () => {
    ac.abort();
    await done;
  };
  return { stop };
}

const node = (t: FakeTransport, name: string) => t.object<Node>(resources.nodes, undefined, name);
const stored = (t: FakeTransport, name: string) => t.object<Pod>(resources.pods, 'default', name);
const writes = (t: FakeTransport, prefix: string) => t.writes().filter((w) => w.startsWith(prefix));
/** Names of the Nodes created (a create is a POST to the collection, so its name is in the body). */
const createdNodes = (t: FakeTransport) =>
  t.actions
    .filter((a) => a.verb === 'create' && a.resource === 'nodes')
    .map((a) => (a.body as Node).metadata?.name)
    .sort();

test('registers the nodes with a Ready status, hollow labels, fake addresses, and a Lease each; adopts an existing node', async () => {
  const clock = new FakeClock();
  const transport = new FakeTransport({ clock });
  transport.seed(resources.nodes, { metadata: { name: 'hollow-2', labels: { team: 'perf' } }, spec: { podCIDR: '10.42.7.0/24' } });
  const h = await start(transport, clock, { labels: { zone: 'z1' }, capacity: { cpu: '8' } });
  try {
    const n0 = node(transport, 'hollow-0');
    assert.ok(n0);
    assert.deepEqual(
      Object.fromEntries(Object.entries(n0.metadata?.labels ?? {}).filter(([k]) => !k.endsWith('/arch'))),
      { zone: 'z1', type: 'hollow', 'kubernetes.io/hostname': 'hollow-0', 'kubernetes.io/os': 'linux', 'beta.kubernetes.io/os': 'linux' },
    );
    assert.ok(n0.metadata?.labels?.['kubernetes.io/arch']);
    const s = n0.status;
    assert.deepEqual(
      s?.conditions?.map((c) => `${c.type}=${c.status}`),
      ['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True'],
    );
    assert.deepEqual(s?.capacity, { cpu: '8', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' });
    assert.deepEqual(s?.allocatable, s?.capacity);
    assert.deepEqual(s?.addresses, [
      { type: 'InternalIP', address: '10.255.0.1' },
      { type: 'Hostname', address: 'hollow-0' },
    ]);
    assert.equal(s?.nodeInfo?.kubeletVersion, 'v1.32.0-hollow');
    assert.equal(s?.daemonEndpoints?.kubeletEndpoint?.Port, 0);
    assert.equal(node(transport, 'hollow-1')?.status?.addresses?.[0]?.address, '10.255.0.2');
    // Adopted: its own labels and spec kept, ours added, status posted.
    const n2 = node(transport, 'hollow-2');
    assert.equal(n2?.metadata?.labels?.['team'], 'perf');
    assert.equal(n2?.metadata?.labels?.['type'], 'hollow');
    assert.equal(n2?.spec?.podCIDR, '10.42.7.0/24');
    assert.equal(n2?.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.deepEqual(createdNodes(transport), ['hollow-0', 'hollow-1']);
    for (const name of ['hollow-0', 'hollow-1', 'hollow-2']) {
      const lease = transport.object<Lease>(resources.leases, 'kube-node-lease', name);
      assert.equal(lease?.spec?.holderIdentity, name);
      assert.equal(lease?.spec?.leaseDurationSeconds, 40);
      assert.equal(lease?.metadata?.ownerReferences?.[0]?.uid, node(transport, name)?.metadata?.uid);
    }
  } finally {
    await h.stop();
  }
  assert.ok(node(transport, 'hollow-0'), 'nodes stay registered after exit by default');
});

test('renews Leases once per period each, heartbeats conditions, and re-registers a deleted node', async () => {
  const clock = new FakeClock();
  const transport = new FakeTransport({ clock });
  const h = await start(transport, clock, { leaseRenewMs: 10_000, statusUpdateMs: 60_000 });
  try {
    transport.clearActions();
    clock.advance(10_000);
    await until(() => writes(transport, 'patch leases').length >= 3, 5000, 'lease renewals');
    assert.deepEqual(writes(transport, 'patch leases').sort(), ['patch leases kube-node-lease/hollow-0', 'patch leases kube-node-lease/hollow-1', 'patch leases kube-node-lease/hollow-2']);
    const renewed = transport.object<Lease>(resources.leases, 'kube-node-lease', 'hollow-1')?.spec?.renewTime;
    assert.equal(renewed?.slice(0, 16), new Date(clock.now()).toISOString().slice(0, 16));

    await transport.request({ method: 'DELETE', path: '/api/v1/nodes/hollow-1' });
    transport.clearActions();
    clock.advance(60_000);
    await until(() => writes(transport, 'patch nodes/status').length >= 2 && !!node(transport, 'hollow-1'), 5000, 'heartbeats');
    assert.deepEqual(writes(transport, 'patch nodes/status').sort(), ['patch nodes/status hollow-0', 'patch nodes/status hollow-1', 'patch nodes/status hollow-2']);
    assert.equal(node(transport, 'hollow-1')?.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.deepEqual(createdNodes(transport), ['hollow-1']);
  } finally {
    await h.stop();
  }
});

test('a pod bound to a hollow node becomes Running; a deleted one is removed; others are left alone', async () => {
  const clock = new FakeClock();
  const transport = new FakeTransport({ clock });
  transport.seed(resources.nodes, { metadata: { name: 'hollow-2' }, spec: { podCIDR: '10.42.7.0/24' } });
  transport.seed(
    resources.pods,
    pod('web', 'hollow-0', { containers: [{ name: 'a', image: 'nginx:1.27' }, { name: 'b', image: 'busybox' }], initContainers: [{ name: 'init', image: 'busybox' }] }),
    pod('going', 'hollow-1', {}, { deletionTimestamp: '2025-01-01T00:00:00Z' }),
    pod('host', 'hollow-1', { hostNetwork: true }),
    pod('ipam', 'hollow-2'),
    pod('elsewhere', 'real-node'),
    pod('pending', undefined),
  );
  const h = await start(transport, clock);
  try {
    await until(() => stored(transport, 'web')?.status?.phase === 'Running' && !stored(transport, 'going') && stored(transport, 'ipam')?.status?.phase === 'Running', 5000, 'pods handled');
    const s = stored(transport, 'web')?.status;
    assert.equal(s?.hostIP, '10.255.0.1');
    assert.equal(s?.podIP, '10.64.0.2', 'first pod IP of node 0’s fake /24');
    assert.deepEqual(s?.podIPs, [{ ip: '10.64.0.2' }]);
    assert.ok(s?.startTime);
    assert.equal(s?.qosClass, 'BestEffort');
    assert.deepEqual(
      s?.conditions?.map((c) => `${c.type}=${c.status}`),
      ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True'],
    );
    assert.deepEqual(
      s?.containerStatuses?.map((c) => [c.name, c.ready, !!c.state?.running, c.containerID?.startsWith('hollow://'), c.imageID.includes('@sha256:')]),
      [
        ['a', true, true, true, true],
        ['b', true, true, true, true],
      ],
    );
    assert.equal(s?.initContainerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    assert.equal(stored(transport, 'host')?.status?.podIP, '10.255.0.2', 'hostNetwork pods take the node IP');
    assert.equal(stored(transport, 'ipam')?.status?.podIP, '10.42.7.2', 'spec.podCIDR from NodeIPAM wins');
    const del = transport.actions.find((a) => a.verb === 'delete' && a.name === 'going');
    assert.deepEqual(del?.body, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: 'uid-going' } });
    assert.equal(stored(transport, 'elsewhere')?.status?.phase, 'Pending');
    assert.equal(stored(transport, 'pending')?.status?.phase, 'Pending');
    assert.deepEqual(writes(transport, 'patch pods').sort(), ['patch pods/status default/host', 'patch pods/status default/ipam', 'patch pods/status default/web']);
  } finally {
    await h.stop();
  }
});

test('deleteOnExit removes the nodes and their Leases', async () => {
  const clock = new FakeClock();
  const transport = new FakeTransport({ clock });
  const h = await start(transport, clock, { deleteOnExit: true });
  assert.equal(transport.objects(resources.nodes).length, 3);
  await h.stop();
  assert.equal(transport.objects(resources.nodes).length, 0);
  assert.equal(transport.objects(resources.leases).length, 0);
});
