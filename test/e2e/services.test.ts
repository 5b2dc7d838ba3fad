/**
 * Services end to end on the host's real kernel, with real containers and the real kubectl 1.32:
 * `k8ts server` runs the proxy (iptables) and the cluster DNS beside its node. The kubernetes-101
 * app finds `redis` by name, a NodePort answers on the node address and 127.0.0.1 and spreads
 * requests over an RC's pods, a LoadBalancer gets an address from the pool that serves the
 * Service, and `k8ts killall` takes every rule and the proxy's link away.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { proxyNames } from '../../src/proxy/backends.js';
import { freePort } from '../../src/storage/etcd/process.js';
import { primaryIPv4 } from '../../src/util/net.js';
import { kubectl, startServer, type Cluster, until as waitUntil } from './harness.js';

const missing = ['/usr/bin/containerd', '/usr/sbin/runc', '/usr/lib/cni/bridge', '/usr/bin/docker-registry', '/usr/sbin/iptables-restore'].filter((p) => !existsSync(p));
const skip = process.getuid?.() !== 0 ? 'needs root' : missing.length ? `missing ${missing.join(', ')}` : false;

const run = Math.floor(Math.random() * 200) + 20;
const podCIDR = `10.247.${run}.0/24`;
const serviceCIDR = `10.248.${run}.0/24`;
const lbPool = `10.249.${run}.0/28`;
const dnsIP = `10.248.${run}.10`;
const nodeName = `k8ts-e2e-svc-${run}`;
const EXAMPLES = new URL('../../../examples/kubernetes-101/', import.meta.url).pathname;
let c: Cluster;
let serverArgs: string[] = [];

const tail = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-30).join('\n') : '');
const until = <T>(what: string, fn: () => T | undefined | false, timeoutMs = 120_000): Promise<T> => waitUntil(what, fn, { timeoutMs, intervalMs: 500, context: () => tail(c.log) });
const k = (args: string[], input?: string) => kubectl(c, args, { timeoutMs: 120_000, ...(input !== undefined ? { input } : {}) });
const ok = (args: string[], input?: string) => {
  const r = k(args, input);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const jsonpath = (args: string[], path: string) => k([...args, '-o', `jsonpath=${path}`]).stdout;
/** One fresh HTTP request from this machine (the node); the body, or '' on failure. */
const curl = (url: string) => spawnSync('curl', ['-s', '--max-time', '5', url], { encoding: 'utf8' }).stdout ?? '';
const hostnames = (url: string, n: number) => new Set(Array.from({ length: n }, () => /hostname is ([^.\s]+)/.exec(curl(url))?.[1]).filter((h): h is string => !!h));

before(async () => {
  if (skip) return;
  const kubeletPort = await freePort();
  serverArgs = ['--port', String(kubeletPort), '--pod-cidr', podCIDR, '--cluster-cidr', podCIDR, '--service-cluster-ip-range', serviceCIDR, '--service-lb-pool', lbPool, '--hostname-override', nodeName];
  c = await startServer({ agent: true, args: serverArgs });
  await until('the node to be Ready', () => jsonpath(['get', 'node', nodeName], '{.status.conditions[?(@.type=="Ready")].status}') === 'True');
});

after(async () => {
  if (!skip) await c.stop();
});

test('kube-dns is published at the tenth Service address and answers from the node', { skip }, async () => {
  assert.equal(jsonpath(['get', 'svc', '-n', 'kube-system', 'kube-dns'], '{.spec.clusterIP}'), dnsIP);
  const dig = (name: string, type = 'A') => spawnSync('dig', ['+short', '+time=2', '+tries=1', `@${dnsIP}`, name, type], { encoding: 'utf8' }).stdout.trim();
  const apiIP = jsonpath(['get', 'svc', 'kubernetes'], '{.spec.clusterIP}');
  await until('kubernetes.default resolves through the kube-dns ClusterIP', () => dig('kubernetes.default.svc.cluster.local') === apiIP);
  assert.match(dig('_https._tcp.kubernetes.default.svc.cluster.local', 'SRV'), /443 kubernetes\.default\.svc\.cluster\.local\.$/);
  assert.equal(spawnSync('dig', ['+short', '+time=2', '+tries=1', `@${dnsIP}`, '-x', apiIP], { encoding: 'utf8' }).stdout.trim(), 'kubernetes.default.svc.cluster.local.');
});

test('kubernetes-101: web finds redis by name, the NodePort spreads over the RC, 127.0.0.1 too', { skip }, async () => {
  ok(['create', '-f', join(EXAMPLES, 'db-pod.yml')]);
  ok(['create', '-f', join(EXAMPLES, 'db-svc.yml')]);
  ok(['create', '-f', join(EXAMPLES, 'web-svc.yml')]);
  const rc = readFileSync(join(EXAMPLES, 'web-rc.yml'), 'utf8').replace('docker-flask-demo:1.0', 'docker-flask-demo:2.0');
  ok(['create', '-f', '-'], rc);
  await until('3 ready web pods', () => jsonpath(['get', 'rc', 'web'], '{.status.readyReplicas}') === '3');
  const port = jsonpath(['get', 'svc', 'web'], '{.spec.ports[0].nodePort}');
  const node = primaryIPv4();
  // The web pods reach redis by its short name: the pod's resolv.conf search path, our DNS, the ClusterIP.
  await until('web counts through redis', () => /I have been seen \d+ times and my hostname is/.test(curl(`http://${node}:${port}/`)));
  // Ready pods reach the endpoints, then the rules, a moment after the RC counts them.
  await until('3 web endpoints', () => jsonpath(['get', 'endpoints', 'web'], '{.subsets[0].addresses[*].ip}').split(' ').filter(Boolean).length === 3);
  let seen = new Set<string>();
  await until('30 requests to the NodePort reach several pods', () => (seen = hostnames(`http://${node}:${port}/`, 30)).size >= 2, 30_000);
  assert.ok(seen.size >= 2, `30 requests to the NodePort reached ${seen.size} pod(s): ${[...seen].join(', ')}`);
  const pods = jsonpath(['get', 'pods', '-l', 'name=web'], '{.items[*].metadata.name}').split(' ');
  for (const h of seen) assert.ok(pods.includes(h), `${h} is one of the RC's pods`);
  assert.match(curl(`http://127.0.0.1:${port}/`), /Hello Container World!/, 'NodePort on 127.0.0.1');
  const clusterIP = jsonpath(['get', 'svc', 'web'], '{.spec.clusterIP}');
  assert.match(curl(`http://${clusterIP}/`), /Hello Container World!/, 'ClusterIP from the node');

  // Scaled down to one pod, only that pod answers: the rules follow the endpoints.
  ok(['scale', 'rc', 'web', '--replicas=1']);
  await until('one web endpoint', () => jsonpath(['get', 'endpoints', 'web'], '{.subsets[0].addresses[*].ip}').split(' ').filter(Boolean).length === 1);
  const left = jsonpath(['get', 'endpoints', 'web'], '{.subsets[0].addresses[0].targetRef.name}');
  await until('only the remaining pod answers', () => {
    const h = hostnames(`http://${node}:${port}/`, 6);
    return h.size === 1 && h.has(left);
  });
});

test('a LoadBalancer Service gets a pool address on the node that serves it; leaving the type takes it away', { skip }, async () => {
  ok(['create', 'deployment', 'lbweb', '--image=nginx', '--port=80']);
  ok(['expose', 'deployment', 'lbweb', '--port=8081', '--target-port=80', '--type=LoadBalancer']);
  const ip = await until('an external IP', () => jsonpath(['get', 'svc', 'lbweb'], '{.status.loadBalancer.ingress[0].ip}') || undefined);
  assert.match(ip, new RegExp(`^10\\.249\\.${run}\\.`));
  assert.match(ok(['get', 'svc', 'lbweb']), new RegExp(`lbweb +LoadBalancer +[0-9.]+ +${ip.replace(/\./g, '\\.')} +8081:`));
  await until('the LB address serves nginx', () => curl(`http://${ip}:8081/`).includes('Welcome to nginx!'));
  const link = proxyNames(join(c.dir, 'agent')).link;
  assert.match(spawnSync('ip', ['-4', '-o', 'addr', 'show', 'dev', link], { encoding: 'utf8' }).stdout, new RegExp(`${ip}/32`));
  ok(['patch', 'svc', 'lbweb', '-p', '{"spec":{"type":"ClusterIP"}}']);
  await until('the address leaves the node', () => !spawnSync('ip', ['-4', '-o', 'addr', 'show', 'dev', link], { encoding: 'utf8' }).stdout.includes(`${ip}/32`));
  assert.equal(jsonpath(['get', 'svc', 'lbweb'], '{.status.loadBalancer.ingress}'), '');
});

test('a crashed server leaves Services answering (rules stay in the kernel); after the restart the DNS keeps its port', { skip }, async () => {
  const dnsPort = jsonpath(['get', 'endpoints', '-n', 'kube-system', 'kube-dns'], '{.subsets[0].ports[0].port}');
  assert.match(dnsPort, /^\d+$/);
  const ip = jsonpath(['get', 'svc', 'lbweb'], '{.spec.clusterIP}');
  await c.kill();
  assert.match(curl(`http://${ip}:8081/`), /Welcome to nginx!/, 'the ClusterIP answers while no proxy runs');
  c = await startServer({ agent: true, dir: c.dir, port: c.port, args: serverArgs });
  await until('the node to be Ready again', () => jsonpath(['get', 'node', nodeName], '{.status.conditions[?(@.type=="Ready")].status}') === 'True');
  assert.match(curl(`http://${ip}:8081/`), /Welcome to nginx!/);
  await until('kube-dns answers again', () => spawnSync('dig', ['+short', '+time=2', '+tries=1', `@${dnsIP}`, 'lbweb.default.svc.cluster.local'], { encoding: 'utf8' }).stdout.trim() === ip);
  // Answering through the ClusterIP means published and programmed: a new port would show here by now.
  assert.equal(jsonpath(['get', 'endpoints', '-n', 'kube-system', 'kube-dns'], '{.subsets[0].ports[0].port}'), dnsPort, 'the DNS bound the same port again');
});

test('pods resolve Service names through their search path; killall removes every proxy rule', { skip }, async () => {
  ok(['run', 'client', '--image=busybox', '--restart=Never', '--', 'sleep', '3600']);
  await until('client running', () => jsonpath(['get', 'pod', 'client'], '{.status.phase}') === 'Running');
  assert.match(ok(['exec', 'client', '--', 'wget', '-qO-', 'http://lbweb:8081/']), /Welcome to nginx!/);
  assert.match(ok(['exec', 'client', '--', 'wget', '-qO-', 'http://lbweb.default.svc.cluster.local:8081/']), /Welcome to nginx!/);
  const resolv = ok(['exec', 'client', '--', 'cat', '/etc/resolv.conf']);
  assert.match(resolv, new RegExp(`^nameserver ${dnsIP.replace(/\./g, '\\.')}$`, 'm'));
  assert.match(resolv, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/m);

  const { prefix, link } = proxyNames(join(c.dir, 'agent'));
  assert.match(spawnSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' }).stdout, new RegExp(`-j ${prefix}-SERVICES`));
  await c.stop();
  assert.doesNotMatch(spawnSync('iptables-save', [], { encoding: 'utf8' }).stdout, new RegExp(`${prefix}-`), 'no chain or jump of this proxy is left');
  assert.notEqual(spawnSync('ip', ['link', 'show', 'dev', link]).status, 0, 'the proxy link is gone');
});
