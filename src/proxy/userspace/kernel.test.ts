/**
 * The userspace backend against the real kernel, inside a lab of network namespaces. Node cannot
 * bind sockets in another namespace, so the backend runs in a child process in the lab's node
 * netns (netns-runner.ts) and is fed snapshots over stdin; clients run in the node, pod and
 * outside namespaces.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { test, type TestContext } from 'node:test';
import { endpoint, servicePort, snapshotOf } from '../testing/fixtures.js';
import { createNetLab, LAB, type From, type LabPod, type NetLab } from '../testing/netlab.js';
import { NetnsUserspace } from './netns-process.js';

const root = process.getuid?.() === 0;
const skip = !root && 'needs root (network namespaces)';

/** The pod names answering `n` fresh connections. */
async function answers(lab: NetLab, from: From, ip: string, p: number, n = 20): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) seen.add((await lab.httpGet(from, ip, p)) ?? 'none');
  return seen;
}

/**
 * One TCP connection that sends a request and reports how it ended: `data` (an answer came),
 * the error code (ECONNRESET: the proxy reset it; ECONNREFUSED: nothing listens), or `timeout`.
 */
const TCP_PROBE = `
const s = require('node:net').connect(Number(process.argv[2]), process.argv[1]);
s.setTimeout(3000, () => { process.stdout.write('timeout'); process.exit(0); });
s.on('connect', () => s.write('GET / HTTP/1.0\\r\\n\\r\\n'));
s.on('data', () => { process.stdout.write('data'); process.exit(0); });
s.on('error', (e) => { process.stdout.write(e.code); process.exit(0); });
s.on('close', () => { process.stdout.write('closed'); process.exit(0); });
`;
/** One datagram on a connected socket: the reply, `refused` (ICMP port unreachable) or `timeout`. */
const UDP_PROBE = `
const s = require('node:dgram').createSocket('udp4');
setTimeout(() => { process.stdout.write('timeout'); process.exit(0); }, 2000);
s.on('error', (e) => { process.stdout.write(e.code === 'ECONNREFUSED' ? 'refused' : e.code); process.exit(0); });
s.on('message', (m) => { process.stdout.write(m); process.exit(0); });
s.connect(Number(process.argv[2]), process.argv[1], () => s.send('ping'));
`;
const probe = async (lab: NetLab, from: From, script: string, ip: string, p: number) =>
  (await lab.exec(from, process.execPath, ['-e', script, ip, String(p)])).stdout;

async function withLab(t: TestContext, pods: number, o: { connectTimeoutMs?: number } = {}) {
  const lab = await createNetLab({ pods });
  const logs: string[] = [];
  const backend = new NetnsUserspace({ netns: lab.netns('node'), net: lab.net, onLog: (l) => logs.push(l), ...o });
  t.after(async () => {
    await backend.cleanup().catch(() => undefined);
    await backend.stop();
    await lab.close();
  });
  return { lab, backend, pods: lab.pods as [LabPod, LabPod], logs };
}

test('userspace: ClusterIP, NodePort, LoadBalancer and UDP reach both pods from node, pod and outside', { skip }, async (t) => {
  const { lab, backend, pods } = await withLab(t, 2);
  const [p1, p2] = pods;
  const web = servicePort({ id: 'default/web:', clusterIP: '10.96.0.10', nodePort: 30080, loadBalancerIPs: ['10.97.0.1'] });
  const dns = servicePort({ id: 'default/dns:', clusterIP: '10.96.0.53', port: 53, protocol: 'UDP', nodePort: 30053 });
  const udpEps = [endpoint(p1, { port: LAB.podUdpPort }), endpoint(p2, { port: LAB.podUdpPort })];
  await backend.sync({
    snapshot: snapshotOf([
      [web, [endpoint(p1), endpoint(p2)]],
      [dns, udpEps],
    ]),
    changed: 'all',
  });
  const both = new Set([p1.name, p2.name]);
  assert.deepEqual(await answers(lab, 'node', '10.96.0.10', 80), both, 'ClusterIP from the node');
  assert.deepEqual(await answers(lab, p2, '10.96.0.10', 80), both, 'ClusterIP from a pod (hairpin included)');
  assert.deepEqual(await answers(lab, 'outside', '192.168.77.1', 30080), both, 'NodePort on the node address from outside');
  assert.deepEqual(await answers(lab, 'node', '127.0.0.1', 30080, 10), both, 'NodePort on 127.0.0.1 from the node');
  assert.deepEqual(await answers(lab, 'outside', '10.97.0.1', 80, 10), both, 'LoadBalancer IP from outside');
  const udp = new Set<string | undefined>();
  // Each udpAsk is a new client port, so a new session: round robin shows over a few.
  for (let i = 0; i < 4; i++) udp.add(await lab.udpAsk(p2, '10.96.0.53', 53));
  assert.deepEqual(udp, both, 'UDP through the ClusterIP from a pod');
  assert.ok(both.has((await lab.udpAsk('node', '10.96.0.53', 53)) ?? ''), 'UDP through the ClusterIP from the node');
  assert.ok(both.has((await lab.udpAsk('outside', '192.168.77.1', 30053)) ?? ''), 'UDP NodePort from outside');
  assert.ok(both.has((await lab.udpAsk('node', '127.0.0.1', 30053)) ?? ''), 'UDP NodePort on 127.0.0.1');
  const addrs = (await lab.exec('node', 'ip', ['-4', '-o', 'addr', 'show', 'dev', lab.net.link])).stdout;
  for (const a of ['10.96.0.10', '10.96.0.53', '10.97.0.1']) assert.match(addrs, new RegExp(`${a.replace(/\./g, '\\.')}/32`), `${a} is on the proxy link`);
  // No netfilter in this mode: the backend wrote no rules.
  const rules = await lab.exec('node', 'nft', ['list', 'ruleset']);
  assert.equal(rules.stdout.trim(), '', 'no nft/iptables state in the node');
});

test('userspace: no endpoints refuse at once; affinity; Local policy; source ranges; a dead endpoint is skipped', { skip }, async (t) => {
  const { lab, backend, pods } = await withLab(t, 2, { connectTimeoutMs: 300 });
  const [p1, p2] = pods;
  const empty = servicePort({ id: 'default/empty:', clusterIP: '10.96.0.11', nodePort: 30090 });
  const emptyUdp = servicePort({ id: 'default/emptyudp:', clusterIP: '10.96.0.12', port: 53, protocol: 'UDP' });
  const sticky = servicePort({ id: 'default/sticky:', clusterIP: '10.96.0.13', affinitySeconds: 600 });
  const local = servicePort({ id: 'default/local:', clusterIP: '10.96.0.14', nodePort: 30091, externalLocal: true });
  const ranged = servicePort({ id: 'default/ranged:', clusterIP: '10.96.0.15', loadBalancerIPs: ['10.97.0.2'], loadBalancerSourceRanges: ['192.168.77.0/24'] });
  const fenced = servicePort({ id: 'default/fenced:', clusterIP: '10.96.0.16', loadBalancerIPs: ['10.97.0.3'], loadBalancerSourceRanges: ['10.0.0.0/8'] });
  // 10.244.1.200 has no pod: its connect hangs on ARP, the 300 ms timeout moves on to a real pod.
  const flaky = servicePort({ id: 'default/flaky:', clusterIP: '10.96.0.17' });
  const both = [endpoint(p1), endpoint(p2)];
  await backend.sync({
    snapshot: snapshotOf([
      [empty, []],
      [emptyUdp, []],
      [sticky, both],
      [local, [endpoint(p1), endpoint(p2, { local: false })]],
      [ranged, both],
      [fenced, both],
      [flaky, [endpoint('10.244.1.200'), endpoint(p1)]],
    ]),
    changed: 'all',
  });
  assert.equal(await probe(lab, 'node', TCP_PROBE, '10.96.0.11', 80), 'ECONNRESET', 'ClusterIP without endpoints resets');
  assert.equal(await probe(lab, 'outside', TCP_PROBE, '192.168.77.1', 30090), 'ECONNRESET', 'NodePort without endpoints resets');
  assert.equal(await probe(lab, p1, UDP_PROBE, '10.96.0.12', 53), 'refused', 'UDP without endpoints: port unreachable');

  assert.equal((await answers(lab, 'node', '10.96.0.13', 80, 10)).size, 1, 'ClientIP affinity: one pod');
  assert.deepEqual(await answers(lab, 'outside', '192.168.77.1', 30091, 10), new Set([p1.name]), 'Local: only the local endpoint from outside');
  assert.deepEqual(await answers(lab, 'node', '10.96.0.14', 80, 10), new Set([p1.name, p2.name]), 'Local external policy leaves ClusterIP traffic alone');

  assert.ok((await lab.httpGet('outside', '10.97.0.2', 80)) !== undefined, 'source inside the ranges');
  assert.equal(await probe(lab, 'outside', TCP_PROBE, '10.97.0.3', 80), 'ECONNRESET', 'source outside the ranges: refused');
  assert.ok((await lab.httpGet('node', '10.96.0.16', 80)) !== undefined, 'ranges apply to the LB address only');

  assert.deepEqual(await answers(lab, 'node', '10.96.0.17', 80, 4), new Set([p1.name]), 'the dead endpoint is skipped');
});

/** A client holding one keep-alive HTTP connection: `ask()` sends a request on it, answering `<pod> <localPort>`. */
function keepAlive(lab: NetLab, ip: string, p: number) {
  const script = `
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const rl = require('node:readline').createInterface({ input: process.stdin });
rl.on('line', () => http.get({ host: '${ip}', port: ${p}, agent }, (r) => {
  const local = r.socket.localPort;
  let b = ''; r.on('data', (d) => (b += d)); r.on('end', () => process.stdout.write(b + ' ' + local + '\\n'));
}).on('error', (e) => process.stdout.write('error ' + e.code + '\\n')));`;
  const child = spawn('ip', ['netns', 'exec', lab.netns('node'), process.execPath, '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  const waiting: ((l: string) => void)[] = [];
  lines.on('line', (l) => waiting.shift()?.(l));
  child.once('exit', () => {
    for (const w of waiting.splice(0)) w(`client exited: ${stderr.trim()}`);
  });
  return {
    ask: () =>
      new Promise<string>((resolve) => {
        const timer = setTimeout(() => resolve('timeout'), 5000);
        waiting.push((l) => (clearTimeout(timer), resolve(l)));
        child.stdin.write('\n');
      }),
    stop: () => new Promise<void>((r) => (child.exitCode !== null ? r() : (child.once('exit', () => r()), child.kill()))),
  };
}

/** The inode of the socket listening on ip:port in the node netns (changes if the listener is reopened). */
async function listenerInode(lab: NetLab, ip: string, p: number): Promise<string | undefined> {
  const r = await lab.exec('node', 'ss', ['-Htlne', 'src', `${ip}:${p}`]);
  return /ino:(\d+)/.exec(r.stdout)?.[1];
}

test('userspace: endpoint changes apply without reopening the listener; open connections keep going', { skip }, async (t) => {
  const { lab, backend, pods } = await withLab(t, 2);
  const [p1, p2] = pods;
  const p3 = await lab.addPod('pod3');
  const web = servicePort({ id: 'default/web:', clusterIP: '10.96.0.10' });
  const other = servicePort({ id: 'default/other:', clusterIP: '10.96.0.20' });
  await backend.sync({ snapshot: snapshotOf([[web, [endpoint(p1)]], [other, [endpoint(p3)]]]), changed: 'all' });
  const inode = await listenerInode(lab, '10.96.0.10', 80);
  const otherInode = await listenerInode(lab, '10.96.0.20', 80);
  assert.ok(inode && otherInode, 'listeners found with ss');

  const client = keepAlive(lab, '10.96.0.10', 80);
  t.after(() => client.stop());
  const [name1, localPort] = (await client.ask()).split(' ');
  assert.equal(name1, p1.name);

  // p1 leaves, p2 comes; `other` is in the snapshot with a new endpoint but not named as changed.
  await backend.sync({ snapshot: snapshotOf([[web, [endpoint(p2)]], [other, [endpoint(p1)]]]), changed: new Set([web.id]) });
  assert.equal(await listenerInode(lab, '10.96.0.10', 80), inode, 'same listening socket');
  assert.equal(await listenerInode(lab, '10.96.0.20', 80), otherInode);
  assert.equal(await client.ask(), `${p1.name} ${localPort}`, 'the open connection still reaches p1');
  assert.deepEqual(await answers(lab, 'node', '10.96.0.10', 80, 6), new Set([p2.name]), 'new connections go to p2');
  assert.deepEqual(await answers(lab, 'node', '10.96.0.20', 80, 3), new Set([p3.name]), 'the unchanged Service kept its endpoints');

  await backend.cleanup();
  const link = await lab.exec('node', 'ip', ['link', 'show', 'dev', lab.net.link]);
  assert.notEqual(link.code, 0, 'cleanup removed the link');
});
