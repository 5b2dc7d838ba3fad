/**
 * API server benchmark: `k8ts server` on SQLite and on etcd side by side, in one run.
 * For each: start-to-ready time, create latency p50/p99 and throughput (one at a time and 32 in
 * flight), GETs served from the watch cache, a LIST of 1,000 objects, and RSS idle and with
 * 10,000 pods stored. Baseline: the storage layer alone (SQLite store, direct) for the same
 * writes, the floor the API server adds its work to.
 *
 *   node dist/bench/apiserver.js [--pods N] [--writes N]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadKubeconfig, RestClient } from '../src/client/index.js';
import { freePort, startEtcd } from '../src/storage/etcd/process.js';
import { openSqliteStore } from '../src/storage/sqlite.js';
import { drive, now, summarize, table, type Summary } from './stats.js';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '10000' }, writes: { type: 'string', default: '1000' } } });
const PODS = Number(values.pods);
const WRITES = Number(values.writes);
const CLI = fileURLToPath(new URL('../src/cmd/k8ts.js', import.meta.url));

const rssMiB = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'bench', tier: 'web' } },
  spec: { containers: [{ name: 'c', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
});
const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { key: 'v'.repeat(512) } });

interface Row {
  name: string;
  readyMs: number;
  seq: Summary;
  par: Summary;
  get: Summary;
  list: Summary;
  rssIdle: number;
  rssPods: number;
  podsPerSec: number;
}

async function measure(name: string, etcdServers?: string): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-api-'));
  const port = await freePort();
  const fd = openSync(join(dir, 'server.log'), 'a');
  const t0 = now();
  const child = spawn(process.execPath, [CLI, 'server', '--data-dir', dir, '--disable-agent', '--secure-port', String(port), ...(etcdServers ? ['--etcd-servers', etcdServers] : [])], { stdio: ['ignore', fd, fd] });
  try {
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    let client: RestClient | undefined;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited: ${readFileSync(join(dir, 'server.log'), 'utf8')}`);
      if (existsSync(kubeconfig)) {
        client ??= new RestClient(loadKubeconfig(kubeconfig), { qps: 1e9, burst: 1e9 });
        const ok = await client.request<string>({ method: 'GET', path: '/readyz' }).then(
          () => true,
          () => false,
        );
        if (ok) break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const readyMs = now() - t0;
    await new Promise((r) => setTimeout(r, 500));
    const rssIdle = rssMiB(child.pid ?? 0);
    const cms = client.resource({ group: '', version: 'v1', resource: 'configmaps', namespaced: true });
    const seq = await drive(WRITES, 1, (i) => cms.create(cm(`seq-${i}`), { namespace: 'default' }));
    const par = await drive(WRITES * 2, 32, (i) => cms.create(cm(`par-${i}`), { namespace: 'default' }));
    const get = await drive(WRITES * 5, 32, (i) => cms.get(`par-${(i * 7919) % (WRITES * 2)}`, { namespace: 'default' }));
    const list = await drive(20, 1, () => cms.list({ namespace: 'default', limit: 1000 }));
    const pods = client.resource({ group: '', version: 'v1', resource: 'pods', namespaced: true });
    const pp = await drive(PODS, 64, (i) => pods.create(pod(`p-${i}`), { namespace: 'default' }));
    await new Promise((r) => setTimeout(r, 500));
    const rssPods = rssMiB(child.pid ?? 0);
    client.close();
    return {
      name,
      readyMs,
      seq: summarize(seq.latencies, seq.wallMs),
      par: summarize(par.latencies, par.wallMs),
      get: summarize(get.latencies, get.wallMs),
      list: summarize(list.latencies, list.wallMs),
      rssIdle,
      rssPods,
      podsPerSec: (PODS / pp.wallMs) * 1000,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function storageFloor(): Promise<{ seq: Summary; par: Summary }> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-floor-'));
  const store = openSqliteStore({ path: join(dir, 'db') });
  try {
    const v = Buffer.from(JSON.stringify(cm('x')));
    const seq = await drive(WRITES, 1, (i) => store.create(`/registry/configmaps/default/seq-${i}`, v));
    const par = await drive(WRITES * 2, 32, (i) => store.create(`/registry/configmaps/default/par-${i}`, v));
    return { seq: summarize(seq.latencies, seq.wallMs), par: summarize(par.latencies, par.wallMs) };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`k8ts API server benchmark — ${new Date().toISOString()}`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}; node ${process.version}; client: k8ts RestClient over HTTPS (client cert), keep-alive`);
  console.log(`${WRITES} sequential creates, ${WRITES * 2} creates with 32 in flight, ${WRITES * 5} GETs with 32 in flight, 20 LISTs of 1000, ${PODS} pods with 64 in flight\n`);
  const etcdDir = mkdtempSync(join(tmpdir(), 'k8ts-bench-etcd-'));
  const etcd = await startEtcd({ dataDir: etcdDir, name: `k8ts-bench-${process.pid}` });
  const rows: Row[] = [];
  try {
    rows.push(await measure('sqlite (embedded default)'));
    rows.push(await measure('etcd 3.4', etcd.endpoint));
  } finally {
    await etcd.stop();
    rmSync(etcdDir, { recursive: true, force: true });
  }
  const floor = await storageFloor();
  console.log(
    table(
      ['backend', 'ready ms', 'create p50/p99 ms', 'creates/s (1)', 'creates/s (32)', 'p50/p99 ms (32)', 'GETs/s (cache)', 'GET p50/p99 ms', 'LIST 1k p50 ms', 'RSS idle MiB', `RSS ${PODS} pods MiB`, 'pods/s (64)'],
      rows.map((r) => [
        r.name,
        r.readyMs,
        `${r.seq.p50.toFixed(2)}/${r.seq.p99.toFixed(2)}`,
        r.seq.perSecond,
        r.par.perSecond,
        `${r.par.p50.toFixed(2)}/${r.par.p99.toFixed(2)}`,
        r.get.perSecond,
        `${r.get.p50.toFixed(2)}/${r.get.p99.toFixed(2)}`,
        r.list.p50,
        r.rssIdle,
        r.rssPods,
        r.podsPerSec,
      ]),
    ),
  );
  console.log(`\nbaseline (storage alone, SQLite store in-process, same values): ${floor.seq.perSecond.toFixed(0)} creates/s one at a time (p50 ${floor.seq.p50.toFixed(2)} ms), ${floor.par.perSecond.toFixed(0)} creates/s with 32 in flight`);
}

await main();
