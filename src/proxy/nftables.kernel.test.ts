/**
 * The nftables backend against the real kernel, in a network lab (testing/netlab.ts): clients on
 * the node, in pods and outside connect through ClusterIP, NodePort and LoadBalancer addresses
 * to real pod servers. Each test builds its own lab and removes it, even on failure.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../util/log.js';
import type { ServiceEndpoint, SyncRequest } from './model.js';
import { NftablesBackend } from './nftables.js';
import { endpoint, servicePort, snapshotOf } from './testing/fixtures.js';
import { createNetLab, LAB, type From, type LabPod, type NetLab } from './testing/netlab.js';

const skip = process.getuid?.() !== 0 && 'needs root (network namespaces)';
const NODE_IP = '192.168.77.1';
const logger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

const eps = (pods: readonly LabPod[], o: Partial<ServiceEndpoint> = {}) => pods.map((p) => endpoint(p, o));

/** A lab with `pods` pods and a backend on its node; both are removed after the test. */
async function setUp(t: TestContext, pods: number): Promise<{ lab: NetLab; backend: NftablesBackend; p: LabPod[] }> {
  const lab = await createNetLab({ pods });
  const backend = new NftablesBackend({ net: lab.net, logger });
  // One hook, so the table goes before the lab (node:test runs after-hooks first-in, first-out).
  t.after(async () => {
    try {
      await backend.cleanup();
    } finally {
      await lab.close();
    }
  });
  return { lab, backend, p: [...lab.pods] };
}

/** Which pods answer `n` fresh connections, by name. */
async function spread(lab: NetLab, from: From, ip: string, port: number, n = 20): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const who = (await lab.httpGet(from, ip, port)) ?? 'no answer';
    seen.set(who, (seen.get(who) ?? 0) + 1);
  }
  return seen;
}

/** curl's verdict on one connection: `refused` (exit 7) proves a reject, `timeout` (28) a drop. */
async function connect(lab: NetLab, from: From, ip: string, port: number): Promise<string> {
  const r = await lab.exec(from, 'curl', ['-s', '--noproxy', '*', '--max-time', '2', `http://${ip}:${port}/`]);
  return r.code === 0 ? 'ok' : r.code === 7 ? 'refused' : r.code === 28 ? 'timeout' : `curl exit ${r.code}`;
}

/** The endpoint-side addresses of conntrack's TCP/UDP flows matching `args`: `[replySrc, replyDst]`. */
async function flows(lab: NetLab, args: string[]): Promise<[string, string][]> {
  const r = await lab.exec('node', 'conntrack', ['-L', ...args]);
  return r.stdout
    .split('\n')
    .filter((l) => l.includes('src='))
    .map((l) => {
      const src = [...l.matchAll(/src=(\S+)/g)].map((m) => m[1] ?? '');
      const dst = [...l.matchAll(/dst=(\S+)/g)].map((m) => m[1] ?? '');
      return [src[1] ?? '', dst[1] ?? ''];
    });
}

test('nftables: ClusterIP, NodePort and LoadBalancer reach every pod from everywhere', { skip }, async (t) => {
  const { lab, backend, p } = await setUp(t, 2);
  const sp = servicePort({ name: 'web', nodePort: 30080, loadBalancerIPs: ['10.97.0.1'] });
  await backend.sync({ snapshot: snapshotOf([[sp, eps(p)]]), changed: 'all' });
  const both = (seen: Map<string, number>, what: string) => assert.deepEqual([...seen.keys()].sort(), ['pod1', 'pod2'], `${what}: ${JSON.stringify([...seen])}`);

  both(await spread(lab, 'node', '10.96.0.10', 80), 'ClusterIP from the node');
  both(await spread(lab, p[0] as LabPod, '10.96.0.10', 80), 'ClusterIP from a pod');
  both(await spread(lab, 'outside', NODE_IP, 30080), 'NodePort from outside');
  both(await spread(lab, 'node', '127.0.0.1', 30080), 'NodePort on 127.0.0.1');
  both(await spread(lab, 'outside', '10.97.0.1', 80), 'LoadBalancer IP from outside');
  const addrs = await lab.exec('node', 'ip', ['-4', '-o', 'addr', 'show', 'dev', lab.net.link]);
  assert.match(addrs.stdout, /inet 10\.97\.0\.1\/32/, 'the LB address is on the link');
  // External traffic with policy Cluster is masqueraded: the pod answers the node.
  await lab.httpGet('outside', NODE_IP, 30080);
  const masqueraded = await flows(lab, ['-p', 'tcp', '--orig-port-dst', '30080', '--orig-src', LAB.outsideIP]);
  assert.ok(masqueraded.length > 0 && masqueraded.every(([, dst]) => dst === LAB.gateway), JSON.stringify(masqueraded));
});

test('nftables: no endpoints is a refusal, never a timeout; a pod reaches itself (hairpin)', { skip }, async (t) => {
  const { lab, backend, p } = await setUp(t, 1);
  const pod = p[0] as LabPod;
  const empty = servicePort({ name: 'empty', nodePort: 30081, loadBalancerIPs: ['10.97.0.2'] });
  const self = servicePort({ name: 'self', clusterIP: '10.96.0.11' });
  await backend.sync({ snapshot: snapshotOf([[empty, eps(p, { ready: false, serving: false })], [self, eps(p)]]), changed: 'all' });
  assert.equal(await connect(lab, 'node', '10.96.0.10', 80), 'refused', 'ClusterIP from the node');
  assert.equal(await connect(lab, pod, '10.96.0.10', 80), 'refused', 'ClusterIP from a pod');
  assert.equal(await connect(lab, 'outside', NODE_IP, 30081), 'refused', 'NodePort from outside');
  assert.equal(await connect(lab, 'outside', '10.97.0.2', 80), 'refused', 'LB IP from outside');
  assert.equal(await lab.httpGet(pod, '10.96.0.11', 80), 'pod1');
});

test('nftables: loadBalancerSourceRanges drops other clients', { skip }, async (t) => {
  const { lab, backend, p } = await setUp(t, 1);
  const closed = servicePort({ name: 'closed', loadBalancerIPs: ['10.97.0.5'], loadBalancerSourceRanges: ['10.0.0.0/8'] });
  const open = servicePort({ name: 'open', clusterIP: '10.96.0.11', loadBalancerIPs: ['10.97.0.6'], loadBalancerSourceRanges: ['192.168.77.0/24'] });
  await backend.sync({ snapshot: snapshotOf([[closed, eps(p)], [open, eps(p)]]), changed: 'all' });
  assert.equal(await connect(lab, 'outside', '10.97.0.5', 80), 'timeout', 'outside the ranges: dropped');
  assert.equal(await connect(lab, 'outside', '10.97.0.6', 80), 'ok', 'inside the ranges');
  // The node (192.168.77.1, in range) reaching its own LB address comes from that address.
  assert.equal(await connect(lab, 'node', '10.97.0.6', 80), 'ok', 'the node itself');
});

test('nftables: ClientIP affinity keeps a client on one pod', { skip }, async (t) => {
  const { lab, backend, p } = await setUp(t, 3);
  const sp = servicePort({ name: 'sticky', affinitySeconds: 600 });
  await backend.sync({ snapshot: snapshotOf([[sp, eps(p)]]), changed: 'all' });
  for (const from of ['node', p[0] as LabPod] as From[]) {
    const seen = await spread(lab, from, '10.96.0.10', 80, 12);
    assert.equal(seen.size, 1, JSON.stringify([...seen]));
  }
});

test('nftables: externalTrafficPolicy Local keeps the client address and stays on local pods', { skip }, async (t) => {
  const { lab, backend, p } = await setUp(t, 2);
  // pod2 plays an endpoint on another node.
  const sp = servicePort({ name: 'local', nodePort: 30082, externalLocal: true });
  await backend.sync({ snapshot: snapshotOf([[sp, [...eps(p.slice(0, 1)), ...eps(p.slice(1), { local: false })]]]), changed: 'all' });
  assert.deepEqual([...(await spread(lab, 'outside', NODE_IP, 30082, 12)).keys()], ['pod1'], 'outside clients reach local pods only');
  const mine = await flows(lab, ['-p', 'tcp', '--orig-port-dst', '30082', '--orig-src', LAB.outsideIP]);
  assert.ok(mine.length > 0 && mine.every(([src, dst]) => src === (p[0] as LabPod).ip && dst === LAB.outsideIP), `not SNATed: ${JSON.stringify(mine)}`);
  // The node itself still reaches the service cluster-wide, as with kube-proxy.
  assert.deepEqual([...(await spread(lab, 'node', NODE_IP, 30082)).keys()].sort(), ['pod1', 'pod2']);
});

test('nftables: incremental syncs rewrite only what changed and leave a table equal to a full write', { skip }, async (t) => {
  const { lab, backend, p } = await setUp(t, 3);
  const web = servicePort({ name: 'web', nodePort: 30080 });
  const api = servicePort({ name: 'api', clusterIP: '10.96.0.11', loadBalancerIPs: ['10.97.0.3'], loadBalancerSourceRanges: ['192.168.77.0/24'] });
  const lbOnLink = async () => (await lab.exec('node', 'ip', ['-4', '-o', 'addr', 'show', 'dev', lab.net.link])).stdout.match(/10\.97\.0\.\d+/g) ?? [];
  const steps: { req: SyncRequest; check: () => Promise<void> }[] = [
    {
      req: { snapshot: snapshotOf([[web, eps(p)], [api, eps(p)]]), changed: 'all' },
      check: async () => assert.deepEqual(await lbOnLink(), ['10.97.0.3']),
    },
    {
      req: { snapshot: snapshotOf([[web, eps(p.slice(0, 1))], [api, eps(p)]]), changed: new Set([web.id]) },
      check: async () => {
        assert.deepEqual([...(await spread(lab, 'outside', NODE_IP, 30080, 10)).keys()], ['pod1'], 'removed endpoints get nothing');
        assert.equal((await spread(lab, 'outside', '10.97.0.3', 80)).size, 3, 'the other service is untouched');
      },
    },
    {
      req: { snapshot: snapshotOf([[{ ...web, affinitySeconds: 60 }, eps(p.slice(0, 1))], [{ ...api, loadBalancerIPs: ['10.97.0.4'] }, []]]), changed: new Set([web.id, api.id]) },
      check: async () => {
        assert.equal(await connect(lab, 'outside', '10.97.0.4', 80), 'refused');
        assert.deepEqual(await lbOnLink(), ['10.97.0.4']);
      },
    },
    {
      // A new affinity timeout re-creates the sets.
      req: { snapshot: snapshotOf([[{ ...web, affinitySeconds: 30 }, eps(p)]]), changed: new Set([web.id, api.id]) },
      check: async () => assert.equal((await spread(lab, 'outside', NODE_IP, 30080, 8)).size, 1, 'sticky'),
    },
    {
      req: { snapshot: snapshotOf([[{ ...web, externalLocal: true }, eps(p.slice(1))]]), changed: new Set([web.id]) },
      check: async () => {
        assert.deepEqual([...(await spread(lab, 'node', '10.96.0.10', 80)).keys()].sort(), ['pod2', 'pod3']);
        assert.deepEqual(await lbOnLink(), []);
      },
    },
  ];
  for (const step of steps) {
    await backend.sync(step.req);
    await step.check();
  }
  assert.equal(backend.lastSync.full, false);
  const incremental = await tableJson(lab, backend.table);
  assert.ok(Object.keys(incremental).some((k) => /^chain local-.*web.* rules$/.test(k)), 'the comparison sees the service chains');
  const fresh = new NftablesBackend({ net: lab.net, logger });
  await fresh.sync({ ...(steps.at(-1)?.req as SyncRequest), changed: 'all' });
  assert.deepEqual(await tableJson(lab, backend.table), incremental);
});

/**
 * One keep-alive HTTP connection: a GET, then (once the file `<flag>` exists) a second GET on the
 * same socket. Prints both answers; writes `<flag>.first` after the first.
 */
const KEEPALIVE_CLIENT = `
const net = require('node:net'), fs = require('node:fs');
const [ip, port, flag] = process.argv.slice(1);
const s = net.connect(Number(port), ip);
const get = () => s.write('GET / HTTP/1.1\\r\\nHost: lab\\r\\n\\r\\n');
const out = [];
let buf = '';
s.on('connect', get);
s.on('data', (d) => {
  buf += d;
  const m = /content-length: (\\d+)\\r\\n[^]*?\\r\\n\\r\\n/i.exec(buf);
  if (!m || buf.length < m.index + m[0].length + Number(m[1])) return;
  out.push(buf.slice(m.index + m[0].length, m.index + m[0].length + Number(m[1])));
  buf = '';
  if (out.length === 2) { process.stdout.write(out.join(' ')); process.exit(0); }
  fs.writeFileSync(flag + '.first', '');
  const t = setInterval(() => { if (fs.existsSync(flag)) { clearInterval(t); get(); } }, 20);
});
s.on('error', (e) => { process.stdout.write('error ' + e.code); process.exit(1); });
setTimeout(() => { process.stdout.write('gave up after ' + out.join(' ')); process.exit(1); }, 20000);
`;

test('nftables: a restarted proxy rewrites the table without breaking connections; cleanup removes it all', { skip }, async (t) => {
  const { lab, backend, p } = await setUp(t, 2);
  const sp = servicePort({ name: 'web', loadBalancerIPs: ['10.97.0.1'] });
  const req: SyncRequest = { snapshot: snapshotOf([[sp, eps(p)]]), changed: 'all' };
  await backend.sync(req);
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-nft-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const flag = join(dir, 'go');
  const client = lab.exec('outside', process.execPath, ['-e', KEEPALIVE_CLIENT, '10.97.0.1', '80', flag]);
  for (let i = 0; i < 500 && !existsSync(`${flag}.first`); i++) await sleep(20);
  // A new proxy process writes the whole table again while the connection is open.
  const again = new NftablesBackend({ net: lab.net, logger });
  await again.sync(req);
  await writeFile(flag, '');
  const answers = (await client).stdout.split(' ');
  assert.equal(answers.length, 2, answers.join(' '));
  assert.equal(answers[0], answers[1], 'the same pod answers on the same connection');
  assert.deepEqual([...(await spread(lab, 'outside', '10.97.0.1', 80)).keys()].sort(), ['pod1', 'pod2']);
  await again.cleanup();
  assert.notEqual((await lab.exec('node', 'nft', ['list', 'table', 'ip', again.table])).code, 0, 'table gone');
  assert.notEqual((await lab.exec('node', 'ip', ['link', 'show', lab.net.link])).code, 0, 'link gone');
});

test('nftables: stale UDP flows to a removed endpoint are deleted', { skip }, async (t) => {
  const { lab, backend, p } = await setUp(t, 2);
  const [pod1, pod2] = p as [LabPod, LabPod];
  const sp = servicePort({ name: 'dns', protocol: 'UDP', port: 53 });
  await backend.sync({ snapshot: snapshotOf([[sp, eps([pod1], { port: LAB.podUdpPort })]]), changed: 'all' });
  assert.equal(await lab.udpAsk(pod2, '10.96.0.10', 53), 'pod1');
  const toPod1 = ['-p', 'udp', '--orig-dst', '10.96.0.10', '--reply-src', pod1.ip];
  assert.equal((await flows(lab, toPod1)).length, 1, 'the flow exists');
  await backend.sync({ snapshot: snapshotOf([[sp, eps([pod2], { port: LAB.podUdpPort })]]), changed: new Set([sp.id]) });
  assert.deepEqual(await flows(lab, toPod1), [], 'and is gone after the endpoint left');
  assert.equal(await lab.udpAsk(pod1, '10.96.0.10', 53), 'pod2');
});

/** The table as comparable data: chains with their rules in order, sets and maps with sorted elements, no handles. */
async function tableJson(lab: NetLab, table: string): Promise<Record<string, unknown>> {
  const r = await lab.exec('node', 'nft', ['-j', 'list', 'table', 'ip', table]);
  assert.equal(r.code, 0, r.stderr);
  const items = (JSON.parse(r.stdout) as { nftables: Record<string, Record<string, unknown>>[] }).nftables;
  const out: Record<string, unknown> = {};
  for (const item of items) {
    const [kind, body] = Object.entries(item)[0] ?? [];
    if (!kind || !body || kind === 'metainfo' || kind === 'table') continue;
    const { handle: _h, ...rest } = body;
    if (kind === 'rule') ((out[`chain ${String(rest.chain)} rules`] ??= []) as unknown[]).push(rest.expr);
    else {
      if (Array.isArray(rest.elem)) rest.elem = rest.elem.map((e) => JSON.stringify(e)).sort();
      out[`${kind} ${String(rest.name)}`] = rest;
    }
  }
  return out;
}
