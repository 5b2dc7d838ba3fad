/**
 * The iptables backend against the real kernel, inside a lab of network namespaces: connections
 * through ClusterIPs, NodePorts and LoadBalancer addresses reach real server processes in pod
 * namespaces.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../util/log.js';
import { IptablesBackend } from './iptables.js';
import type { ServicePort } from './model.js';
import { endpoint, servicePort, snapshotOf } from './testing/fixtures.js';
import { createNetLab, LAB, type From, type LabPod, type NetLab } from './testing/netlab.js';

const root = process.getuid?.() === 0;
const logger = createLogger('proxy-test');

/** The pod names answering `n` fresh connections. */
async function answers(lab: NetLab, from: From, ip: string, p: number, n = 20): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) seen.add((await lab.httpGet(from, ip, p)) ?? 'none');
  return seen;
}

async function withLab(t: { after: (fn: () => Promise<void>) => void }, pods: number): Promise<{ lab: NetLab; backend: IptablesBackend }> {
  const lab = await createNetLab({ pods });
  const backend = new IptablesBackend({ net: lab.net, logger });
  t.after(async () => {
    await backend.cleanup().catch(() => undefined);
    await lab.close();
  });
  return { lab, backend };
}

test('ClusterIP, NodePort and LoadBalancer reach both pods from the node, a pod and outside', { skip: !root && 'needs root' }, async (t) => {
  const { lab, backend } = await withLab(t, 2);
  const [p1, p2] = lab.pods as [LabPod, LabPod];
  const web = servicePort({ id: 'default/web:', clusterIP: '10.96.0.10', nodePort: 30080, loadBalancerIPs: ['10.97.0.1'] });
  const dns = servicePort({ id: 'default/dns:', clusterIP: '10.96.0.53', port: 53, protocol: 'UDP' });
  await backend.sync({
    snapshot: snapshotOf([
      [web, [endpoint(p1), endpoint(p2)]],
      [dns, [endpoint(p1, { port: LAB.podUdpPort })]],
    ]),
    changed: 'all',
  });
  const both = new Set([p1.name, p2.name]);
  assert.deepEqual(await answers(lab, 'node', '10.96.0.10', 80), both, 'ClusterIP from the node');
  assert.deepEqual(await answers(lab, p2, '10.96.0.10', 80), both, 'ClusterIP from a pod (hairpin included)');
  assert.deepEqual(await answers(lab, 'outside', '192.168.77.1', 30080), both, 'NodePort on the node address from outside');
  assert.deepEqual(await answers(lab, 'node', '127.0.0.1', 30080, 10), both, 'NodePort on 127.0.0.1');
  assert.deepEqual(await answers(lab, 'outside', '10.97.0.1', 80), both, 'LoadBalancer IP from outside');
  assert.equal(await lab.udpAsk(p2, '10.96.0.53', 53), p1.name, 'UDP through the ClusterIP');
  const addrs = await lab.exec('node', 'ip', ['-4', '-o', 'addr', 'show', 'dev', lab.net.link]);
  assert.match(addrs.stdout, /10\.97\.0\.1\/32/, 'the LB address is on the proxy link');
});

test('no endpoints: refused at once; endpoint changes apply incrementally; affinity sticks', { skip: !root && 'needs root' }, async (t) => {
  const { lab, backend } = await withLab(t, 2);
  const [p1, p2] = lab.pods as [LabPod, LabPod];
  const web = servicePort({ id: 'default/web:', clusterIP: '10.96.0.10' });
  const empty = servicePort({ id: 'default/empty:', clusterIP: '10.96.0.11', nodePort: 30090 });
  await backend.sync({ snapshot: snapshotOf([[web, [endpoint(p1), endpoint(p2)]], [empty, []]]), changed: 'all' });
  const refused = await lab.exec('node', 'curl', ['-s', '--max-time', '5', 'http://10.96.0.11/']);
  assert.equal(refused.code, 7, `curl exit ${refused.code}: connection refused, not a timeout`);
  const refusedNodePort = await lab.exec('outside', 'curl', ['-s', '--max-time', '5', 'http://192.168.77.1:30090/']);
  assert.equal(refusedNodePort.code, 7, `NodePort without endpoints: curl exit ${refusedNodePort.code}`);

  await backend.sync({ snapshot: snapshotOf([[web, [endpoint(p1)]], [empty, []]]), changed: new Set([web.id]) });
  assert.deepEqual(await answers(lab, 'node', '10.96.0.10', 80, 10), new Set([p1.name]), 'the removed endpoint gets nothing');

  const sticky: ServicePort = { ...web, affinitySeconds: 300 };
  await backend.sync({ snapshot: snapshotOf([[sticky, [endpoint(p1), endpoint(p2)]], [empty, []]]), changed: new Set([web.id]) });
  assert.equal((await answers(lab, 'outside', '10.96.0.10', 80, 12)).size, 1, 'a client sticks to one endpoint');

  // A second proxy instance (a restart) rewrites the same chains in place and removes stale ones.
  const restarted = new IptablesBackend({ net: lab.net, logger });
  await restarted.sync({ snapshot: snapshotOf([[web, [endpoint(p2)]]]), changed: 'all' });
  assert.deepEqual(await answers(lab, 'node', '10.96.0.10', 80, 5), new Set([p2.name]));
  const save = await lab.exec('node', 'iptables-save', []);
  assert.equal(save.stdout.match(/-j KLAB-SERVICES/g)?.length, 5, 'each jump from a built-in chain exists once');
  assert.doesNotMatch(save.stdout, /default\/empty/, 'the removed service left no rule');

  // Switching modes removes this mode's rules but keeps the link (and its addresses) for the next mode.
  await restarted.cleanup({ keepLink: true });
  assert.doesNotMatch((await lab.exec('node', 'iptables-save', [])).stdout, /KLAB-/, 'cleanup removes every chain and jump');
  assert.equal((await lab.exec('node', 'ip', ['link', 'show', 'dev', lab.net.link])).code, 0, 'the link stays');
  await restarted.cleanup();
  assert.notEqual((await lab.exec('node', 'ip', ['link', 'show', 'dev', lab.net.link])).code, 0, 'a full cleanup removes the link');
});

test('externalTrafficPolicy Local keeps the client address and serves only local endpoints', { skip: !root && 'needs root' }, async (t) => {
  const { lab, backend } = await withLab(t, 2);
  const [p1, p2] = lab.pods as [LabPod, LabPod];
  const local = servicePort({ id: 'default/local:', clusterIP: '10.96.0.12', nodePort: 30085, externalLocal: true });
  await backend.sync({ snapshot: snapshotOf([[local, [endpoint(p1), endpoint(p2, { local: false })]]]), changed: 'all' });
  assert.deepEqual(await answers(lab, 'outside', '192.168.77.1', 30085, 10), new Set([p1.name]), 'only the local endpoint');
  const ct = await lab.exec('node', 'conntrack', ['-L', '-p', 'tcp', '--orig-port-dst', '30085']);
  assert.match(ct.stdout, new RegExp(`src=${p1.ip} dst=${LAB.outsideIP}`), `the reply goes to the client itself (no SNAT): ${ct.stdout}`);
});
