/**
 * Control-plane benchmark on hollow nodes: `k8ts apiserver` as a child process, N hollow nodes
 * (fake Nodes whose kubelet marks bound pods Running; src/kubelet/hollow), and in this process the
 * scheduler and, for the Deployment figure, the replicaset and deployment controllers.
 *
 * For each node count: a batch of pods placed by the scheduler, in two modes: "burst" (pods
 * created 32 in flight while the scheduler runs; per-pod latency from the bench's create call to
 * the bench's watch seeing spec.nodeName) and "backlog" (all pods pending first, then the
 * scheduler starts; pods/s between the first and the last binding seen). Baseline, same run, same
 * modes: a trivial binder (round-robin POST pods/binding, no filtering or scoring) — the floor the
 * API server sets. Then the time for a Deployment of R replicas to be all Running, placed by the
 * trivial binder (floor) and by the scheduler; the API server's CPU with only the heartbeats of N
 * nodes going on; RSS of the API server and of this process.
 *
 *   node dist/bench/controlplane.js [--nodes 1000,5000] [--pods 2000] [--replicas 1000]
 *                                   [--binder-concurrency N] (default: the scheduler's mean bindings in flight; 0 no cap)
 *                                   [--skip-scheduler] (the floor only) [--timeout-s 1200]
 *                                   [--control-qps Q] (scheduler and controller clients' rate limit; default none)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Deployment } from '../src/api/generated/apps/v1.js';
import type { Pod } from '../src/api/generated/core/v1.js';
import { ResourceClient, resources, type RestClient } from '../src/client/index.js';
import { runControllerManager } from '../src/controllers/manager.js';
import { allControllers } from '../src/controllers/registry.js';
import { runHollowNodes } from '../src/kubelet/hollow/hollow.js';
import { runScheduler } from '../src/scheduler/run.js';
import { BINDER_NAME, cpuSeconds, InFlight, Observer, quiet, rss, runTrivialBinder, startApiServer, waitUntil, type ApiServer } from './controlplane-cluster.js';
import { drive, now, summarize, table } from './stats.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1000,5000' },
    pods: { type: 'string', default: '2000' },
    replicas: { type: 'string', default: '1000' },
    'binder-concurrency': { type: 'string' },
    'timeout-s': { type: 'string', default: '1200' },
    'skip-scheduler': { type: 'boolean', default: false },
    'control-qps': { type: 'string', default: '0' },
  },
});
const NODE_COUNTS = values.nodes.split(',').map(Number);
const PODS = Number(values.pods);
const REPLICAS = Number(values.replicas);
/** Undefined: as many as the scheduler had in flight on average (16 without a scheduler); 0: no cap. */
const BINDER_CONCURRENCY = values['binder-concurrency'] === undefined ? undefined : Number(values['binder-concurrency']);
const CREATE_CONCURRENCY = 32;
/** The scheduler's and controllers' client rate limit (0: none; `k8ts scheduler` and `controller-manager` default to 1000 and 500 qps, burst twice that). */
const CONTROL_QPS = Number(values['control-qps']);
const controlLimits = CONTROL_QPS > 0 ? { qps: CONTROL_QPS, burst: CONTROL_QPS * 2 } : undefined;
const LEASE_RENEW_MS = 10_000;
const STATUS_UPDATE_MS = 60_000;
const WAIT_MS = 180_000;
const IDLE_MS = 5_000;

type RunScheduler = typeof runScheduler;

const podSpec = (name: string, schedulerName: string | undefined): Pod => ({
  metadata: { name, labels: { app: 'bench' } },
  spec: {
    ...(schedulerName ? { schedulerName } : {}),
    terminationGracePeriodSeconds: 0,
    containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
  },
});

/** A component running in this process until its stop() is awaited. */
interface Running {
  stop(): Promise<void>;
}
function start(run: (signal: AbortSignal) => Promise<void>, what: string): Running {
  const ac = new AbortController();
  const done = run(ac.signal).catch((e: unknown) => console.error(`${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
  return {
    stop: async () => {
      ac.abort();
      // Bounded: a component that does not stop must not hang the bench.
      await Promise.race([done, new Promise((r) => setTimeout(r, 15_000).unref())]);
    },
  };
}

interface Row {
  nodes: number;
  path: string;
  mode: string;
  bound: string;
  p50: number;
  p99: number;
  perSecond: number;
  wallMs: number;
  apiCpu: number;
  elu: number;
}

/** The world one node count runs in. */
interface Cluster {
  n: number;
  api: ApiServer;
  client: RestClient;
  pods: ResourceClient<Pod>;
  observer: Observer;
  nodeNames: string[];
  signal: AbortSignal;
}

async function namespace(c: Cluster, name: string): Promise<void> {
  await c.client.resource(resources.namespaces).create({ metadata: { name } });
}

/** Creates PODS pods in `ns` (32 in flight); returns their keys and when each create was sent. */
async function createPods(c: Cluster, ns: string, schedulerName: string | undefined): Promise<{ keys: string[]; sent: Map<string, number> }> {
  c.signal.throwIfAborted();
  await namespace(c, ns);
  const keys = Array.from({ length: PODS }, (_, i) => `${ns}/p-${i}`);
  const sent = new Map<string, number>();
  await drive(PODS, CREATE_CONCURRENCY, async (i) => {
    sent.set(keys[i] ?? '', now());
    await c.pods.create(podSpec(`p-${i}`, schedulerName), { namespace: ns });
  });
  return { keys, sent };
}

/** Deletes the batch (grace 0) and waits until the bench's cache has seen it go. */
async function clear(c: Cluster, ns: string): Promise<void> {
  await c.pods.deleteCollection({ namespace: ns, gracePeriodSeconds: 0 });
  await waitUntil(() => c.observer.count(ns) === 0, 60_000, c.signal);
}

function measureFrom() {
  return { elu: performance.eventLoopUtilization(), t: now() };
}

/** Burst: `place` is already running; pods are created and each is timed from create to bound. */
async function burst(c: Cluster, path: string, ns: string, schedulerName: string | undefined): Promise<Row> {
  const cpu0 = cpuSeconds(c.api.pid);
  const m = measureFrom();
  const { keys, sent } = await createPods(c, ns, schedulerName);
  await waitUntil(() => Observer.countIn(c.observer.bound, keys) === keys.length, WAIT_MS, c.signal);
  const lat = keys.filter((k) => c.observer.bound.has(k)).map((k) => (c.observer.bound.get(k) ?? 0) - (sent.get(k) ?? 0));
  const last = Math.max(...keys.map((k) => c.observer.bound.get(k) ?? 0));
  const wall = last - m.t;
  const s = summarize(lat, wall);
  const row: Row = { nodes: c.n, path, mode: 'burst', bound: `${lat.length}/${keys.length}`, p50: s.p50, p99: s.p99, perSecond: s.perSecond, wallMs: wall, apiCpu: (cpuSeconds(c.api.pid) - cpu0) / (wall / 1000), elu: performance.eventLoopUtilization(m.elu).utilization };
  await clear(c, ns);
  return row;
}

/** Backlog: pods are all pending first, then `place` starts; pods/s from the first to the last binding. */
async function backlog(c: Cluster, path: string, ns: string, schedulerName: string | undefined, place: () => Running): Promise<{ row: Row; placer: Running }> {
  const { keys } = await createPods(c, ns, schedulerName);
  await waitUntil(() => c.observer.count(ns) === keys.length, WAIT_MS, c.signal);
  const cpu0 = cpuSeconds(c.api.pid);
  const m = measureFrom();
  const placer = place();
  await waitUntil(() => Observer.countIn(c.observer.bound, keys) === keys.length, WAIT_MS, c.signal);
  const times = keys.map((k) => c.observer.bound.get(k)).filter((t): t is number => t !== undefined);
  const first = Math.min(...times);
  const last = Math.max(...times);
  const row: Row = {
    nodes: c.n,
    path,
    mode: 'backlog',
    bound: `${times.length}/${keys.length}`,
    p50: NaN,
    p99: NaN,
    perSecond: ((times.length - 1) / (last - first)) * 1000,
    wallMs: last - m.t,
    apiCpu: (cpuSeconds(c.api.pid) - cpu0) / ((last - m.t) / 1000),
    elu: performance.eventLoopUtilization(m.elu).utilization,
  };
  await clear(c, ns);
  return { row, placer };
}

interface DeploymentFigures {
  nodes: number;
  placer: string;
  note: string;
  runningMs?: number;
  readyMs?: number;
}

const deploymentOf = (name: string, replicas: number, schedulerName: string | undefined): Deployment => ({
  metadata: { name },
  spec: { replicas, selector: { matchLabels: { dep: name } }, template: { metadata: { labels: { app: 'bench', dep: name } }, spec: podSpec('x', schedulerName).spec } },
});

/** Polls `readyReplicas` of one Deployment every 50 ms; returns ms from `t0` to create → all Running and → readyReplicas, or why not. */
async function timeDeployment(c: Cluster, deployments: ResourceClient<Deployment>, ns: string, replicas: number, schedulerName: string | undefined): Promise<Omit<DeploymentFigures, 'nodes' | 'placer'>> {
  await namespace(c, ns);
  const ready = async () => ((await deployments.get(ns, { namespace: ns }).catch(() => undefined))?.status?.readyReplicas ?? 0) >= replicas;
  const running = () => [...c.observer.running.keys()].filter((k) => k.startsWith(`${ns}/`)).length;
  const t0 = now();
  await deployments.create(deploymentOf(ns, replicas, schedulerName), { namespace: ns });
  let runningMs: number | undefined;
  let readyMs: number | undefined;
  for (const deadline = now() + WAIT_MS; readyMs === undefined && now() < deadline && !c.signal.aborted; await new Promise((r) => setTimeout(r, 50))) {
    if (runningMs === undefined && running() >= replicas) runningMs = now() - t0;
    if (await ready()) readyMs = now() - t0;
  }
  runningMs ??= running() >= replicas ? now() - t0 : undefined;
  return { note: readyMs === undefined ? `timed out: ${running()}/${replicas} Running` : 'ok', runningMs, readyMs };
}

/** Removes a measured Deployment with its ReplicaSet and pods (no garbage collector runs here). */
async function clearDeployment(c: Cluster, deployments: ResourceClient<Deployment>, ns: string): Promise<void> {
  await deployments.delete(ns, { namespace: ns, propagationPolicy: 'Orphan' }).catch(() => undefined);
  await c.client.resource(resources.replicasets).deleteCollection({ namespace: ns, propagationPolicy: 'Orphan' });
  await clear(c, ns);
}

/**
 * A Deployment of REPLICAS on the hollow nodes (create → all pods Running, → status.readyReplicas),
 * placed by the trivial binder (the floor: controllers and API server alone) and by the scheduler
 * (already running, when there is one).
 */
async function deployments(c: Cluster, binder: () => Running, scheduler: boolean): Promise<DeploymentFigures[]> {
  const names = allControllers.map((d) => d.name);
  const skipped = (note: string) => [{ nodes: c.n, placer: '-', note }];
  if (!names.includes('replicaset') || !names.includes('deployment')) return skipped(`skipped: the controller registry has [${names.join(', ')}], not replicaset and deployment`);
  const manager = start((s) => runControllerManager({ transport: c.api.client('bench-controller-manager', controlLimits), descriptors: allControllers, enabled: ['replicaset', 'deployment'], leaderElect: false, logger: quiet }, s), 'controller manager');
  const client = new ResourceClient<Deployment>(c.client, resources.deployments);
  const b = binder();
  try {
    // Warm-up: one replica end to end, so the figures do not include the controllers' first sync.
    const warm = await timeDeployment(c, client, 'dep-warm', 1, BINDER_NAME);
    if (warm.readyMs === undefined) return skipped(`skipped: a 1-replica warm-up Deployment did not become ready (${warm.note})`);
    const out: DeploymentFigures[] = [{ nodes: c.n, placer: 'trivial binder (floor)', ...(await timeDeployment(c, client, 'dep-binder', REPLICAS, BINDER_NAME)) }];
    await clearDeployment(c, client, 'dep-binder');
    await b.stop();
    if (scheduler) out.push({ nodes: c.n, placer: 'k8ts scheduler', ...(await timeDeployment(c, client, 'dep-sched', REPLICAS, undefined)) });
    return out;
  } finally {
    await b.stop();
    await manager.stop();
  }
}

interface PerNodeCount {
  n: number;
  registerMs: number;
  /** API server CPU (cores) and bench event-loop busy share with nothing but heartbeats going on. */
  heartbeat: { apiCpu: number; elu: number };
  rows: Row[];
  deps: DeploymentFigures[];
  /** Bindings the scheduler had in flight (mean while any was, and peak) over its two batches. */
  schedInFlight?: { peak: number; mean: number };
  binderConcurrency: number;
  apiRss: { now: number; peak: number };
  benchRss: { now: number; peak: number };
}

async function forNodeCount(n: number, schedule: RunScheduler | undefined, signal: AbortSignal): Promise<PerNodeCount> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-cp-'));
  const running: Running[] = [];
  let api: ApiServer | undefined;
  try {
    api = await startApiServer(dir, signal);
    const client = api.client('bench');
    const observer = new Observer(api.client('bench-observer'));
    running.push(start((s) => observer.informer.run(s), 'observer'));
    await observer.informer.waitForSync(signal);
    const nodeNames = Array.from({ length: n }, (_, i) => `hollow-${i}`);
    const t0 = now();
    let hollowReady = false;
    const hollowClient = api.client('bench-hollow-nodes');
    running.push(start((s) => runHollowNodes({ transport: hollowClient, count: n, leaseRenewMs: LEASE_RENEW_MS, statusUpdateMs: STATUS_UPDATE_MS, logger: quiet, onReady: () => (hollowReady = true) }, s), 'hollow nodes'));
    if (!(await waitUntil(() => hollowReady, 300_000, signal))) throw new Error('hollow nodes did not register in 300 s');
    const registerMs = now() - t0;
    console.log(`  registered in ${(registerMs / 1000).toFixed(1)} s`);
    // What the heartbeats alone cost the API server (Lease renewals and condition updates, spread evenly).
    const idleCpu0 = cpuSeconds(api.pid);
    const idle = measureFrom();
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const heartbeat = { apiCpu: (cpuSeconds(api.pid) - idleCpu0) / ((now() - idle.t) / 1000), elu: performance.eventLoopUtilization(idle.elu).utilization };
    const c: Cluster = { n, api, client, pods: new ResourceClient<Pod>(client, resources.pods), observer, nodeNames, signal };
    const server = api;
    const rows: Row[] = [];
    // The scheduler first: how many bindings it keeps in flight sets the trivial binder's cap.
    let schedInFlight: { peak: number; mean: number } | undefined;
    if (schedule) {
      const counted = new InFlight(server.client('bench-scheduler', controlLimits), (r) => r.method === 'POST' && r.path.endsWith('/binding'));
      const sched = () => start((s) => schedule({ transport: counted, leaderElect: false, logger: quiet }, s), 'scheduler');
      const sb = await backlog(c, 'k8ts scheduler', 'sched-backlog', undefined, sched);
      running.push(sb.placer); // keeps running: the Deployment figure needs it
      rows.push(await burst(c, 'k8ts scheduler', 'sched-burst', undefined), sb.row);
      schedInFlight = counted.stats();
    }
    const binderConcurrency = BINDER_CONCURRENCY ?? (schedInFlight ? Math.max(1, Math.ceil(schedInFlight.mean)) : 16);
    const binder = () => start((s) => runTrivialBinder({ transport: server.client('bench-binder'), nodes: nodeNames, concurrency: binderConcurrency }, s), 'trivial binder');
    const b = binder();
    rows.unshift(await burst(c, 'trivial binder (floor)', 'binder-burst', BINDER_NAME));
    await b.stop();
    const bb = await backlog(c, 'trivial binder (floor)', 'binder-backlog', BINDER_NAME, binder);
    await bb.placer.stop();
    rows.splice(rows.length - (schedule ? 1 : 0), 0, bb.row);
    const deps = await deployments(c, binder, schedule !== undefined);
    return { n, registerMs, heartbeat, rows, deps, schedInFlight, binderConcurrency, apiRss: rss(api.pid), benchRss: rss('self') };
  } catch (e) {
    if (api && !signal.aborted) console.error(`apiserver log, last lines:\n${readFileSync(api.log, 'utf8').slice(-3000)}`);
    throw e;
  } finally {
    for (const r of running.reverse()) await r.stop();
    await api?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const began = now();
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), Number(values['timeout-s']) * 1000).unref();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => ac.abort());
  const scheduler = values['skip-scheduler'] ? undefined : runScheduler;
  const c0 = cpus()[0];
  console.log(`k8ts control-plane benchmark on hollow nodes — ${new Date().toISOString()}`);
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`machine: ${cpus().length} x ${c0?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${release()}, node ${process.version}; load average at start ${load()} (other work on the machine shows here)`);
  console.log(`conditions: k8ts apiserver as a child process (embedded SQLite, fresh data dir per node count); in this process: hollow nodes (Lease renewed every ${LEASE_RENEW_MS / 1000} s and conditions every ${STATUS_UPDATE_MS / 1000} s per node, spread evenly; 32 writes in flight), the scheduler, the bench's pod watch; every component on its own client, ${controlLimits ? `the scheduler's and controllers' limited to ${CONTROL_QPS} qps (burst ${CONTROL_QPS * 2}), the rest without a rate limit` : 'none rate-limited (k8ts scheduler / controller-manager processes default to 1000 and 500 qps: see --control-qps)'}`);
  console.log(`batches of ${PODS} pods (requests cpu 10m, memory 16Mi) created ${CREATE_CONCURRENCY} in flight; trivial binder: ${BINDER_CONCURRENCY === undefined ? 'as many bindings in flight as the scheduler had on average (measured; 16 without it)' : BINDER_CONCURRENCY > 0 ? `${BINDER_CONCURRENCY} bindings in flight` : 'no cap on bindings in flight'}; latency = bench create call → bench watch sees spec.nodeName (ms, hrtime)`);
  if (!scheduler) console.log('scheduler: skipped (--skip-scheduler) — only the baseline is measured');
  const results: PerNodeCount[] = [];
  try {
    for (const n of NODE_COUNTS) {
      if (ac.signal.aborted) break;
      console.log(`\n… ${n} hollow nodes`);
      try {
        results.push(await forNodeCount(n, scheduler, ac.signal));
      } catch (e) {
        console.error(`  ${n} nodes: failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  } finally {
    clearTimeout(timer);
  }
  console.log('\nscheduling (burst: pods/s = pods / (first create → last bound); backlog: pods/s between first and last binding, wall = placer start → last bound)\n');
  console.log(
    table(
      ['nodes', 'placer', 'mode', 'bound', 'p50 ms', 'p99 ms', 'pods/s', 'wall ms', 'apiserver CPU cores', 'bench event-loop busy'],
      results.flatMap((r) => r.rows.map((x) => [x.nodes, x.path, x.mode, x.bound, x.p50, x.p99, x.perSecond, x.wallMs, x.apiCpu, `${(x.elu * 100).toFixed(0)}%`])),
    ),
  );
  console.log(`\nDeployment of ${REPLICAS} replicas, create → all pods Running (bench watch) and → status.readyReplicas (polled every 50 ms); controllers replicaset and deployment in this process, after a 1-replica warm-up\n`);
  console.log(
    table(
      ['nodes', 'placer', 'all Running ms', 'readyReplicas ms', 'note'],
      results.flatMap((r) => r.deps.map((d) => [d.nodes, d.placer, d.runningMs ?? NaN, d.readyMs ?? NaN, d.note])),
    ),
  );
  console.log(`\nper node count: registration, the heartbeat load alone (${IDLE_MS / 1000} s idle after registering), memory at the end\n`);
  console.log(
    table(
      ['nodes', 'register ms', 'idle: apiserver CPU', 'idle: bench busy', 'scheduler binds in flight mean/peak', 'binder cap', 'apiserver RSS / peak MiB', 'bench RSS / peak MiB'],
      results.map((r) => [
        r.n,
        r.registerMs,
        `${r.heartbeat.apiCpu.toFixed(2)} cores`,
        `${(r.heartbeat.elu * 100).toFixed(0)}%`,
        r.schedInFlight ? `${r.schedInFlight.mean.toFixed(1)} / ${r.schedInFlight.peak}` : '-',
        r.binderConcurrency > 0 ? r.binderConcurrency : 'none',
        `${r.apiRss.now.toFixed(0)} / ${r.apiRss.peak.toFixed(0)}`,
        `${r.benchRss.now.toFixed(0)} / ${r.benchRss.peak.toFixed(0)}`,
      ]),
    ),
  );
  console.log(`\nbench ran ${((now() - began) / 1000).toFixed(0)} s${ac.signal.aborted ? ' (stopped early: timeout or signal)' : ''}; load average at the end ${load()}`);
}

await main();
