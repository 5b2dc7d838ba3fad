/**
 * Proxy benchmark, everything inside network namespaces of its own (src/proxy/testing/netlab.ts):
 *
 * 1. Throughput: HTTP GETs to one pod through its ClusterIP, per backend (iptables, nftables,
 *    userspace), against the same pod addressed directly (the floor, measured in the same run).
 *    Two series: K keep-alive connections (the per-packet path), and one new connection per
 *    request (connection set-up, conntrack and NAT are paid every time). The load generator
 *    (bench/proxy-loadgen.ts) runs as a child in the lab's node netns (or a pod, or outside).
 * 2. Rule sync time for N ClusterIP Services (2 endpoints each), iptables and nftables: the
 *    first full sync, a full resync with the rules in place, an incremental sync after one
 *    Service's endpoints changed, and a no-op sync; then the rule count the kernel holds.
 *
 *   node dist/bench/proxy.js [--part all|throughput|sync] [--backends iptables,nftables,userspace]
 *     [--seconds 5] [--conns 16] [--from node|pod|outside] [--background 0] [--services 1000,10000]
 *
 * --background N programs N more Services (2 endpoints each) during the throughput runs, to show
 * the cost of a long rule list per new connection. Needs root. Takes about 7 minutes with the
 * defaults (10,000 Services through iptables-restore alone take minutes). Prints figures; never
 * passes or fails on time. Every namespace (and so every rule and link) is removed before it exits.
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBackend } from '../src/proxy/backends.js';
import type { NodeNetwork, ProxyBackend, ProxyMode, ProxySnapshot, ServiceEndpoint, ServicePort } from '../src/proxy/model.js';
import { endpoint, servicePort } from '../src/proxy/testing/fixtures.js';
import { createNetLab, LAB, type From, type NetLab } from '../src/proxy/testing/netlab.js';
import { NetnsUserspace } from '../src/proxy/userspace/netns-process.js';
import { run } from '../src/util/exec.js';
import { now, table } from './stats.js';

const { values } = parseArgs({
  options: {
    part: { type: 'string', default: 'all' },
    backends: { type: 'string', default: 'iptables,nftables,userspace' },
    seconds: { type: 'string', default: '5' },
    conns: { type: 'string', default: '16' },
    from: { type: 'string', default: 'node' },
    background: { type: 'string', default: '0' },
    services: { type: 'string', default: '1000,10000' },
  },
});
const SECONDS = Math.min(60, Math.max(1, Number(values.seconds)));
const CONNS = Math.max(1, Number(values.conns));
const BACKGROUND = Math.max(0, Number(values.background));
const BACKENDS = (values.backends ?? '').split(',').filter(Boolean) as ProxyMode[];
const SIZES = (values.services ?? '').split(',').filter(Boolean).map(Number);
const FROM = values.from as 'node' | 'pod' | 'outside';
const LOADGEN = fileURLToPath(new URL('./proxy-loadgen.js', import.meta.url));
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

const VIP = '10.96.0.10';
const VPORT = 80;

/** `n` (up to 16,000) Services `bench/svc-i:http`, ClusterIPs from 10.96.1.0 on, each with 2 made-up endpoints. */
function manyServices(n: number): { services: Map<string, ServicePort>; endpoints: Map<string, ServiceEndpoint[]> } {
  const services = new Map<string, ServicePort>();
  const endpoints = new Map<string, ServiceEndpoint[]>();
  for (let i = 0; i < n; i++) {
    const a = 256 + i;
    const sp = servicePort({ id: `bench/svc-${i}:http`, clusterIP: `10.96.${a >> 8}.${a & 255}`, port: VPORT });
    services.set(sp.id, sp);
    const base = `10.244.${2 + (i >> 6)}`;
    endpoints.set(sp.id, [endpoint(`${base}.${2 * (i & 63) + 1}`), endpoint(`${base}.${2 * (i & 63) + 2}`)]);
  }
  return { services, endpoints };
}

interface Backend {
  readonly backend: ProxyBackend;
  stop(): Promise<void>;
}

/** Builds a backend for the lab's node; userspace runs in a child inside the node netns. */
async function makeBackend(mode: ProxyMode, lab: NetLab): Promise<Backend> {
  if (mode === 'userspace') {
    const b = new NetnsUserspace({ netns: lab.netns('node'), net: lab.net });
    return { backend: b, stop: () => b.stop() };
  }
  // The lab's exec gives a program 30 s; a restore of 10,000 Services may take minutes, and
  // how long is what this bench is here to show.
  const net: NodeNetwork = {
    ...lab.net,
    exec: (file, args, input) => run('ip', ['netns', 'exec', lab.netns('node'), file, ...args], { ...(input !== undefined && { input }), timeoutMs: 30 * 60_000 }),
  };
  const backend = await createBackend(mode, { net, logger: quiet });
  return { backend, stop: () => Promise.resolve() };
}

interface Load {
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(lab: NetLab, from: From, target: string, mode: 'keepalive' | 'fresh', seconds = SECONDS): Promise<Load> {
  const args = ['netns', 'exec', lab.netns(from), process.execPath, LOADGEN, '--target', target, '--mode', mode, '--conns', String(CONNS), '--seconds', String(seconds)];
  const r = await run('ip', args, { timeoutMs: seconds * 1000 + 30_000 });
  if (r.code !== 0) throw new Error(`loadgen ${target} ${mode}: exit ${r.code}: ${r.stderr.trim()}`);
  // With no request through, the percentiles are NaN, which JSON carries as null.
  const l = JSON.parse(r.stdout) as { [K in keyof Load]: number | null };
  return { perSecond: l.perSecond ?? NaN, p50: l.p50 ?? NaN, p99: l.p99 ?? NaN, errors: l.errors ?? NaN };
}

type Row = Array<string | number>;

/** Both series against `target`, as table rows. */
async function series(lab: NetLab, from: From, path: string, backend: string, target: string): Promise<Row[]> {
  const rows: Row[] = [];
  // Warm-up, not counted: the pod's server (and a userspace proxy) get their code compiled and
  // their first connections made before the clock runs.
  for (const mode of ['keepalive', 'fresh'] as const) await load(lab, from, target, mode, 1);
  for (const mode of ['keepalive', 'fresh'] as const) {
    const l = await load(lab, from, target, mode);
    rows.push([path, backend, mode === 'keepalive' ? `${CONNS} keep-alive` : `${CONNS} x new conn`, l.perSecond, l.p50, l.p99, String(l.errors)]);
  }
  return rows;
}

async function withLab<T>(f: (lab: NetLab, from: From) => Promise<T>, pods = 1): Promise<T> {
  const lab = await createNetLab({ pods });
  try {
    const from: From = FROM === 'pod' ? await lab.addPod('client') : FROM;
    return await f(lab, from);
  } finally {
    await lab.close();
  }
}

async function throughput(): Promise<void> {
  const rows: Row[] = await withLab(async (lab, from) => {
    const pod = lab.pods[0];
    if (!pod) throw new Error('no pod');
    // Outside has no route to pods (only Services are reachable from there): its floor is the node's.
    const direct: From = from === 'outside' ? 'node' : from;
    return series(lab, direct, `pod IP ${pod.ip}`, direct === from ? '(direct)' : '(direct, from node)', `${pod.ip}:${LAB.podTcpPort}`);
  });
  for (const mode of BACKENDS) {
    try {
      rows.push(
        ...(await withLab(async (lab, from) => {
          const pod = lab.pods[0];
          if (!pod) throw new Error('no pod');
          const b = await makeBackend(mode, lab);
          try {
            const bg = manyServices(BACKGROUND);
            const web = servicePort({ id: 'bench/web:http', clusterIP: VIP, port: VPORT });
            const snapshot: ProxySnapshot = {
              services: new Map([...bg.services, [web.id, web]]),
              endpoints: new Map([...bg.endpoints, [web.id, [endpoint(pod.ip)]]]),
            };
            await b.backend.sync({ snapshot, changed: 'all' });
            const answer = await lab.httpGet(from, VIP, VPORT);
            if (answer !== pod.name) return [[`ClusterIP ${VIP}`, mode, `not serving (answer ${answer ?? 'none'})`]];
            return await series(lab, from, `ClusterIP ${VIP}`, mode, `${VIP}:${VPORT}`);
          } finally {
            await b.backend.cleanup().catch(() => {});
            await b.stop();
          }
        })),
      );
    } catch (e) {
      rows.push([`ClusterIP ${VIP}`, mode, `failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`]);
    }
  }
  console.log(`Throughput: HTTP GET answered with the pod's name, ${SECONDS} s per row, load from ${FROM}` + (BACKGROUND ? `, ${BACKGROUND} other Services programmed` : ''));
  console.log(table(['path', 'backend', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'errors'], rows) + '\n');
}

/** Rules, chains and set/map elements the kernel holds in the lab's node netns. */
async function ruleCount(lab: NetLab): Promise<{ rules: number; chains: number; elements: number }> {
  const r = await run('ip', ['netns', 'exec', lab.netns('node'), 'nft', '-j', 'list', 'ruleset'], { timeoutMs: 120_000 });
  if (r.code !== 0) return { rules: NaN, chains: NaN, elements: NaN };
  const items = (JSON.parse(r.stdout) as { nftables: Array<Record<string, { elem?: unknown[] }>> }).nftables;
  let rules = 0;
  let chains = 0;
  let elements = 0;
  for (const it of items) {
    if (it.rule) rules++;
    if (it.chain) chains++;
    elements += (it.set?.elem?.length ?? 0) + (it.map?.elem?.length ?? 0);
  }
  return { rules, chains, elements };
}

async function timed(f: () => Promise<void>): Promise<number> {
  const t = now();
  await f();
  return now() - t;
}

async function syncTimes(): Promise<void> {
  const rows: Row[] = [];
  for (const n of SIZES) {
    for (const mode of BACKENDS.filter((m) => m !== 'userspace')) {
      try {
        rows.push(
          await withLab(async (lab) => {
            const b = await makeBackend(mode, lab);
            try {
              const { services, endpoints } = manyServices(n);
              const snapshot: ProxySnapshot = { services, endpoints };
              const first = await timed(() => b.backend.sync({ snapshot, changed: 'all' }));
              const resync = await timed(() => b.backend.sync({ snapshot, changed: 'all' }));
              // One Service's second endpoint moves to another pod.
              const id = 'bench/svc-0:http';
              const moved = new Map(endpoints);
              moved.set(id, [...(endpoints.get(id) ?? []).slice(0, 1), endpoint('10.244.250.9')]);
              const next: ProxySnapshot = { services, endpoints: moved };
              const incremental = await timed(() => b.backend.sync({ snapshot: next, changed: new Set([id]) }));
              const noop = await timed(() => b.backend.sync({ snapshot: next, changed: new Set() }));
              const c = await ruleCount(lab);
              return [n, mode, first, resync, incremental, noop, String(c.rules), String(c.chains), String(c.elements)];
            } finally {
              await b.backend.cleanup().catch(() => {});
              await b.stop();
            }
          }, 0),
        );
      } catch (e) {
        rows.push([n, mode, `failed: ${e instanceof Error ? e.message.split('\n')[0]?.slice(0, 160) : String(e)}`]);
      }
    }
  }
  console.log('Rule sync: ClusterIP Services, 2 endpoints each; ms per sync (rules counted with nft -j list ruleset)');
  console.log(table(['services', 'backend', 'first full', 'full resync', '1 changed', 'no-op', 'rules', 'chains', 'set/map elems'], rows) + '\n');
}

function version(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).split('\n')[0]?.trim() ?? '?';
  } catch {
    return 'not found';
  }
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('bench/proxy needs root (network namespaces)');
  if (!['node', 'pod', 'outside'].includes(FROM)) throw new Error(`--from ${FROM}: node, pod or outside`);
  console.log(`k8ts proxy benchmark — ${new Date().toISOString()}`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; kernel ${version('uname', ['-r'])}`);
  console.log(`${version('iptables', ['--version'])}; ${version('nft', ['--version'])}`);
  console.log(
    'lab: one node netns (bridge, br_netfilter on), pods in their own netns; each pod server is one node process, ' +
      'as is the load generator and the userspace proxy, so all compete for the same CPUs.\n',
  );
  if (values.part === 'all' || values.part === 'throughput') await throughput();
  if (values.part === 'all' || values.part === 'sync') await syncTimes();
}

await main();
