/**
 * Kubelet benchmark: a burst of N pods (default 30, nginx, image already cached) created at once on
 * one node; per-pod latency from create to the Ready condition the API shows. Floor, measured in
 * the same run on the same machine: the same containers started through CRI directly (sandbox with
 * CNI, create, start; all N at once) against a containerd of our own. Also the kubelet's RSS (it
 * runs as its own process, `k8ts kubelet`, beside `k8ts apiserver`) idle and with the pods.
 *
 *   node dist/bench/kubelet.js [--pods N]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadKubeconfig, RestClient, ResourceClient, type KubeObject } from '../src/client/index.js';
import type { Pod } from '../src/api/generated/core/v1.js';
import { ensureRegistry } from '../src/kubelet/images/registry.js';
import { podSandboxConfig } from '../src/kubelet/pod/sandbox-config.js';
import { writeCniConfig } from '../src/kubelet/runtime/cni.js';
import { cleanupNode, startContainerd } from '../src/kubelet/runtime/containerd.js';
import { freePort } from '../src/storage/etcd/process.js';
import { createLogger } from '../src/util/log.js';
import { drive, now, summarize, table, type Summary } from './stats.js';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '30' } } });
const N = Number(values.pods);
const CLI = fileURLToPath(new URL('../src/cmd/k8ts.js', import.meta.url));
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

const rssMiB = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startChild(args: string[], log: string): ChildProcess {
  const fd = openSync(log, 'a');
  return spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', fd, fd] });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await new Promise((r) => child.once('exit', r));
  clearTimeout(t);
}

const podSpec = (name: string, nodeName: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'bench' } },
  spec: { nodeName, terminationGracePeriodSeconds: 1, containers: [{ name: 'web', image: 'nginx', imagePullPolicy: 'IfNotPresent' }] },
});

const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

async function throughKubelet(dir: string): Promise<{ lat: Summary; rssIdle: number; rssPods: number }> {
  const apiPort = await freePort();
  const kubeletPort = await freePort();
  const api = startChild(['apiserver', '--data-dir', join(dir, 'cp'), '--secure-port', String(apiPort)], join(dir, 'apiserver.log'));
  const kubeconfig = join(dir, 'cp', 'kubeconfig.yaml');
  const nodeName = `k8ts-bench-${process.pid}`;
  let kubelet: ChildProcess | undefined;
  try {
    while (!existsSync(kubeconfig)) await sleep(50);
    const client = new RestClient(loadKubeconfig(kubeconfig), { qps: 1e9, burst: 1e9 });
    kubelet = startChild(
      ['kubelet', '--data-dir', join(dir, 'node'), '--kubeconfig', kubeconfig, '--port', String(kubeletPort), '--pod-cidr', '10.246.7.0/24', '--hostname-override', nodeName],
      join(dir, 'kubelet.log'),
    );
    const nodes = new ResourceClient<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(client, { group: '', version: 'v1', resource: 'nodes', namespaced: false });
    for (;;) {
      const n = await nodes.get(nodeName).catch(() => undefined);
      if (n?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) break;
      if (kubelet.exitCode !== null) throw new Error(`kubelet exited: ${readFileSync(join(dir, 'kubelet.log'), 'utf8').slice(-2000)}`);
      await sleep(200);
    }
    const pods = new ResourceClient<Pod>(client, { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' });
    // Warm-up: the image is pulled once, so the burst measures pod start, not the pull.
    await pods.create(podSpec('warm', nodeName), { namespace: 'default' });
    while (!isReady(await pods.get('warm', { namespace: 'default' }))) await sleep(100);
    await pods.delete('warm', { namespace: 'default', gracePeriodSeconds: 0 });
    await sleep(2000);
    const rssIdle = rssMiB(kubelet.pid ?? 0);

    const created = new Map<string, number>();
    const ready = new Map<string, number>();
    const ac = new AbortController();
    const watching = (async () => {
      for await (const ev of pods.watch({ namespace: 'default', labelSelector: 'app=bench', signal: ac.signal })) {
        if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
        const p = ev.object;
        const name = p.metadata?.name ?? '';
        if (isReady(p) && created.has(name) && !ready.has(name)) ready.set(name, now());
        if (ready.size === N) break;
      }
    })().catch(() => undefined);
    await sleep(200);
    await drive(N, N, async (i) => {
      created.set(`burst-${i}`, now());
      await pods.create(podSpec(`burst-${i}`, nodeName), { namespace: 'default' });
    });
    const deadline = Date.now() + 180_000;
    while (ready.size < N && Date.now() < deadline) await sleep(100);
    ac.abort();
    await watching;
    if (ready.size < N) throw new Error(`only ${ready.size}/${N} pods became Ready`);
    const rssPods = rssMiB(kubelet.pid ?? 0);
    const lat = [...ready].map(([name, t]) => t - created.get(name)!);
    const wall = Math.max(...ready.values()) - Math.min(...created.values());
    await pods.deleteCollection({ namespace: 'default', labelSelector: 'app=bench' }).catch(() => undefined);
    client.close();
    return { lat: summarize(lat, wall), rssIdle, rssPods };
  } finally {
    if (kubelet) await stopChild(kubelet);
    await stopChild(api);
    const { cleanupKubeletNode } = await import('../src/kubelet/cleanup.js');
    await cleanupKubeletNode({ dataDir: join(dir, 'node') });
  }
}

async function throughCri(dir: string, registryUrl: string): Promise<Summary> {
  const stateDir = join(dir, 'floor', 'containerd');
  const runDir = `/run/k8ts-bench-floor-${process.pid}`;
  const cniConfDir = join(dir, 'floor', 'net.d');
  const bridge = `k8tsbf${process.pid % 10000}`;
  const ipamDataDir = join(dir, 'floor', 'ipam');
  writeCniConfig({ confDir: cniConfDir, networkName: bridge, bridge, podCIDR: '10.246.8.0/24', routes: [], ipamDataDir });
  const cd = await startContainerd({ stateDir, runDir, cniConfDir, registryMirror: registryUrl, sandboxImage: 'registry.k8s.io/pause:3.9', log: quiet });
  try {
    const cri = cd.cri;
    const { image_ref } = await cri.pullImage({ image: { image: 'nginx' } });
    const pod = (i: number): Pod => ({ ...podSpec(`floor-${i}`, 'floor'), metadata: { name: `floor-${i}`, namespace: 'default', uid: `floor-uid-${i}` } });
    const run = async (i: number) => {
      const p = pod(i);
      const sandboxConfig = podSandboxConfig(p, { logDirectory: join(dir, 'floor', 'logs', String(i)), attempt: 0, cgroupParent: `/k8ts-bench-floor/pod${i}` });
      const { pod_sandbox_id } = await cri.runPodSandbox({ config: sandboxConfig });
      const { container_id } = await cri.createContainer({
        pod_sandbox_id,
        config: { metadata: { name: 'web', attempt: 0 }, image: { image: image_ref }, log_path: 'web/0.log', labels: {}, annotations: {} },
        sandbox_config: sandboxConfig,
      });
      await cri.startContainer({ container_id });
    };
    await run(999); // warm-up, as the kubelet run had
    const r = await drive(N, N, run);
    return summarize(r.latencies, r.wallMs);
  } finally {
    await cd.stop();
    await cleanupNode({ stateDir, runDir, cniConfDir, bridge, ipamDataDir, cgroupParent: '/k8ts-bench-floor' });
  }
}

const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-kubelet-'));
const reg = await ensureRegistry({ log: createLogger('bench') });
try {
  const floor = await throughCri(dir, reg.url);
  const k = await throughKubelet(dir);
  console.log(`\nkubelet: ${N} pods created at once (nginx, image cached), create → Ready; floor = the same containers through CRI directly\n`);
  console.log(
    table(
      ['path', 'pods', 'p50 ms', 'p99 ms', 'all Ready in ms', 'kubelet RSS idle / with pods MiB'],
      [
        ['CRI directly (floor)', floor.count, floor.p50, floor.p99, (floor.count / floor.perSecond) * 1000, '-'],
        ['k8ts kubelet', k.lat.count, k.lat.p50, k.lat.p99, (k.lat.count / k.lat.perSecond) * 1000, `${k.rssIdle.toFixed(0)} / ${k.rssPods.toFixed(0)}`],
      ],
    ),
  );
} finally {
  await reg.stop();
  rmSync(dir, { recursive: true, force: true });
}
