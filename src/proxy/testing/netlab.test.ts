/** The lab itself, with no proxy: pods, node and outside reach what they should, and nothing more. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../util/exec.js';
import { ensureLink } from '../link.js';
import { createNetLab, LAB, type NetLab } from './netlab.js';

const isRoot = process.getuid?.() === 0;

/** Exit-code of a TCP connect as a word: `refused` proves the peer's kernel answered. */
const TCP_PROBE = `
const s = require('node:net').connect(Number(process.argv[2]), process.argv[1]);
s.setTimeout(2000, () => { process.stdout.write('timeout'); process.exit(0); });
s.on('connect', () => { process.stdout.write('connected'); process.exit(0); });
s.on('error', (e) => { process.stdout.write(e.code === 'ECONNREFUSED' ? 'refused' : e.code); process.exit(0); });
`;

async function labNamespaces(id: string): Promise<string[]> {
  const r = await run('ip', ['netns', 'list']);
  return r.stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((ns) => ns.startsWith(`${id}-`));
}

test('netlab: pods, node and outside', { skip: !isRoot && 'needs root (network namespaces)' }, async (t) => {
  const lab: NetLab = await createNetLab({ pods: 2 });
  t.after(() => lab.close());
  const [a, b] = lab.pods;
  assert.ok(a && b);
  assert.deepEqual(
    lab.pods.map((p) => [p.name, p.ip]),
    [
      ['pod1', '10.244.1.2'],
      ['pod2', '10.244.1.3'],
    ],
  );

  await t.test('pod to pod, TCP and UDP', async () => {
    assert.equal(await lab.httpGet(a, b.ip, LAB.podTcpPort), 'pod2');
    assert.equal(await lab.httpGet(b, a.ip, LAB.podTcpPort), 'pod1');
    assert.equal(await lab.udpAsk(a, b.ip, LAB.podUdpPort), 'pod2');
  });

  await t.test('node to pod, TCP and UDP', async () => {
    assert.equal(await lab.httpGet('node', a.ip, LAB.podTcpPort), 'pod1');
    assert.equal(await lab.udpAsk('node', b.ip, LAB.podUdpPort), 'pod2');
  });

  await t.test('a closed port fails fast instead of answering', async () => {
    assert.equal(await lab.httpGet('node', a.ip, 81), undefined);
    assert.equal(await lab.udpAsk('node', a.ip, 81), undefined);
  });

  await t.test('outside reaches the node over the uplink, and the node is the only way in', async () => {
    const probe = (ip: string, port: number) => lab.exec('outside', process.execPath, ['-e', TCP_PROBE, ip, String(port)]);
    assert.equal((await probe('192.168.77.1', 9)).stdout, 'refused');
    // No route to pods from outside: only Services (through the node's proxy) are reachable.
    assert.equal((await probe(a.ip, LAB.podTcpPort)).stdout, 'ENETUNREACH');
  });

  await t.test('node netns settings a proxy relies on', async () => {
    const r = await lab.net.exec('sysctl', ['-n', 'net.ipv4.ip_forward', 'net.bridge.bridge-nf-call-iptables', 'net.ipv4.conf.all.route_localnet']);
    assert.equal(r.stdout, '1\n1\n1\n');
    const addr = await lab.net.exec('ip', ['-4', '-o', 'addr', 'show', 'dev', 'labbr0']);
    assert.match(addr.stdout, /inet 10\.244\.1\.1\/24/);
  });

  await t.test('a ClusterIP with no rules does not answer, from node, pod or outside', async () => {
    const vip = '10.96.0.10';
    for (const from of ['node', a, 'outside'] as const) {
      assert.equal(await lab.httpGet(from, vip, 80, 500), undefined, `http from ${typeof from === 'string' ? from : from.name}`);
      assert.equal(await lab.udpAsk(from, vip, 53, 500), undefined);
    }
    // Also with the proxy's link routing the Service CIDR (what every backend sets up).
    await ensureLink(lab.net);
    assert.equal(await lab.httpGet('node', vip, 80, 500), undefined);
    assert.equal(await lab.httpGet(a, vip, 80, 500), undefined);
  });

  await t.test('addPod takes the next free address; duplicate names are refused', async () => {
    const c = await lab.addPod('pod3');
    assert.equal(c.ip, '10.244.1.4');
    assert.equal(await lab.httpGet(a, c.ip, LAB.podTcpPort), 'pod3');
    await assert.rejects(lab.addPod('pod3'), /exists/);
  });
});

test('netlab: close removes every namespace and can be called twice', { skip: !isRoot && 'needs root (network namespaces)' }, async () => {
  const lab = await createNetLab({ pods: 1 });
  assert.equal((await labNamespaces(lab.id)).length, 3);
  await lab.close();
  await lab.close();
  assert.deepEqual(await labNamespaces(lab.id), []);
  await assert.rejects(lab.addPod('late'), /closed/);
});

test('netlab: two labs side by side do not see each other', { skip: !isRoot && 'needs root (network namespaces)' }, async (t) => {
  const [x, y] = await Promise.all([createNetLab(), createNetLab()]);
  t.after(async () => {
    await x.close();
    await y.close();
  });
  assert.notEqual(x.id, y.id);
  assert.equal(x.netns('node'), `${x.id}-node`);
  await Promise.all([x.addPod('x1'), y.addPod('y1')]);
  // The same address in both labs; each lab reaches its own pod.
  assert.equal(await x.httpGet('node', '10.244.1.2', LAB.podTcpPort), 'x1');
  assert.equal(await y.httpGet('node', '10.244.1.2', LAB.podTcpPort), 'y1');
});
