/**
 * kubectl benchmark: wall time and peak RSS of `kubectl get pods` (and `-o json`, `get pod X`) as a
 * user runs it, a fresh process each time, ours beside the real kubectl 1.32 on the same cluster in
 * the same run. Ours is measured as `k8ts kubectl` runs it (the bundle `dist/kubectl.cjs` started by
 * kubectl-launch with its V8 code cache), the bundle alone (compiled every run), and the unbundled
 * module tree; `node -e 0` is the floor any Node CLI pays. Discovery is cached on
 * disk for every client (one warm-up call each), as it is for a user after the first command.
 *
 *   node dist/bench/kubectl.js [--pods N] [--runs N]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadKubeconfig, RestClient, type KubeObject } from '../src/client/index.js';
import { freePort } from '../src/storage/etcd/process.js';
import { drive, percentile, table } from './stats.js';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '100' }, runs: { type: 'string', default: '30' } } });
const PODS = Number(values.pods);
const RUNS = Number(values.runs);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist', 'src', 'cmd', 'k8ts.js');
const LAUNCH = join(ROOT, 'dist', 'src', 'cmd', 'kubectl-launch.cjs');
const BUNDLE = join(ROOT, 'dist', 'kubectl.cjs');
const UNBUNDLED = join(ROOT, 'dist', 'src', 'cmd', 'kubectl.js');

interface Client {
  name: string;
  argv: (args: string[]) => string[];
}

const clients: Client[] = [
  { name: 'node -e 0 (floor)', argv: () => [process.execPath, '-e', '0'] },
  { name: 'real kubectl 1.32', argv: (a) => ['/usr/lib/google-cloud-sdk/bin/kubectl.1.32', ...a] },
  { name: 'k8ts kubectl (bundle + code cache)', argv: (a) => [process.execPath, LAUNCH, ...a] },
  { name: 'k8ts kubectl (bundle)', argv: (a) => [process.execPath, BUNDLE, ...a] },
  { name: 'k8ts kubectl (modules)', argv: (a) => [process.execPath, UNBUNDLED, ...a] },
];

/** Runs argv once under /usr/bin/time; returns wall ms and max RSS MiB. */
function once(argv: string[], env: NodeJS.ProcessEnv): { ms: number; rss: number; ok: boolean } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...argv], { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const rssKb = Number(/(\d+)\s*$/.exec(r.stderr ?? '')?.[1] ?? NaN);
  return { ms, rss: rssKb / 1024, ok: r.status === 0 };
}

async function main(): Promise<void> {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build`);
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-kubectl-'));
  const port = await freePort();
  const fd = openSync(join(dir, 'server.log'), 'a');
  const child = spawn(process.execPath, [CLI, 'server', '--data-dir', dir, '--disable-agent', '--disable-scheduler', '--disable-controller-manager', '--secure-port', String(port)], { stdio: ['ignore', fd, fd] });
  try {
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    let client: RestClient | undefined;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited: ${readFileSync(join(dir, 'server.log'), 'utf8')}`);
      if (existsSync(kubeconfig)) {
        client ??= new RestClient(loadKubeconfig(kubeconfig), { qps: 1e9, burst: 1e9 });
        if (await client.request<string>({ method: 'GET', path: '/readyz' }).then(() => true, () => false)) break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const pods = client.resource<KubeObject & { spec: unknown }>({ group: '', version: 'v1', resource: 'pods', namespaced: true });
    await drive(PODS, 16, (i) =>
      pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-${i}`, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, { namespace: 'default' }),
    );
    client.close();
    const commands: Array<{ label: string; args: string[] }> = [
      { label: 'get pods', args: ['get', 'pods'] },
      { label: 'get pods -o json', args: ['get', 'pods', '-o', 'json'] },
      { label: 'get pod web-0', args: ['get', 'pod', 'web-0'] },
    ];
    console.log(`kubectl start-to-exit, ${RUNS} runs each, ${PODS} pods in the namespace, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}`);
    const rows: Array<Array<string | number>> = [];
    for (const c of commands) {
      for (const k of clients) {
        if (k.name.startsWith('node') && c !== commands[0]) continue;
        const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir, KUBECACHEDIR: join(dir, `cache-${k.name.replace(/\W+/g, '-')}`) };
        const warm = once(k.argv(c.args), env);
        if (!warm.ok) throw new Error(`${k.name} ${c.label} failed`);
        const ms: number[] = [];
        let rss = 0;
        // Interleaving is not needed: each client runs RUNS times in a row on a quiet cluster.
        for (let i = 0; i < RUNS; i++) {
          const r = once(k.argv(c.args), env);
          ms.push(r.ms);
          rss = Math.max(rss, r.rss);
        }
        ms.sort((a, b) => a - b);
        rows.push([k.name.startsWith('node') ? '—' : c.label, k.name, percentile(ms, 50).toFixed(0), percentile(ms, 90).toFixed(0), rss.toFixed(0)]);
      }
    }
    console.log(table(['command', 'client', 'p50 ms', 'p90 ms', 'max RSS MiB'], rows));
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
