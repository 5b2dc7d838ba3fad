/**
 * Starts a real `k8ts server` (SQLite, or etcd when given) in a child process on a free port with
 * its own data directory, and runs the real kubectl and Python client against it. Everything it
 * starts is stopped and removed when the test ends, even on failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/storage/etcd/process.js';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(REPO, 'dist', 'src', 'cmd', 'k8ts.js');
/** What `k8ts kubectl` and `k8ts-kubectl` run: the bundle, started with its V8 code cache. */
export const KUBECTL_LAUNCH = join(REPO, 'dist', 'src', 'cmd', 'kubectl-launch.cjs');

export interface Cluster {
  dir: string;
  kubeconfig: string;
  port: number;
  log: string;
  process: ChildProcess;
  stop(): Promise<void>;
  /** SIGKILL, keeping the data directory (a crash). */
  kill(): Promise<void>;
}

/**
 * `agent`: run the node agent too (real containers). `loops`: run the scheduler and controller
 * manager (default: only with the agent, so API server tests see the API server's own behaviour).
 */
export async function startServer(opts: { etcdServers?: string; args?: string[]; dir?: string; port?: number; agent?: boolean; loops?: boolean } = {}): Promise<Cluster> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'k8ts-e2e-'));
  const port = opts.port ?? (await freePort());
  const log = join(dir, 'server.log');
  const args = [CLI, 'server', '--data-dir', dir, ...(opts.agent ? [] : ['--disable-agent']), ...((opts.loops ?? opts.agent) ? [] : ['--disable-scheduler', '--disable-controller-manager']), '--secure-port', String(port), ...(opts.etcdServers ? ['--etcd-servers', opts.etcdServers] : []), ...(opts.args ?? [])];
  const { openSync, closeSync } = await import('node:fs');
  const fd = openSync(log, 'a');
  const child = spawn(process.execPath, ['--enable-source-maps', ...args], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 8000);
      await new Promise((r) => child.once('exit', r));
      clearTimeout(t);
    }
    // The node agent leaves containers running across restarts by design: take them down for good.
    if (opts.agent) spawnSync(process.execPath, [CLI, 'killall', '--data-dir', join(dir, 'agent')], { stdio: 'inherit', timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      const { readFileSync } = await import('node:fs');
      const text = readFileSync(log, 'utf8');
      await stop();
      throw new Error(`k8ts server exited early:\n${text}`);
    }
    if (existsSync(kubeconfig) && child.exitCode === null && kubectl({ kubeconfig, dir }, ['get', '--raw', '/readyz']).code === 0) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error('k8ts server did not become ready in 30 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { dir, kubeconfig, port, log, process: child, stop, kill };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real kubectl: 1.32 unless a minor is given (binaries under /usr/lib/google-cloud-sdk/bin). */
export function kubectlPath(minor = 32): string {
  const p = `/usr/lib/google-cloud-sdk/bin/kubectl.1.${minor}`;
  return existsSync(p) ? p : '/usr/bin/kubectl';
}

export function kubectl(c: Pick<Cluster, 'kubeconfig' | 'dir'>, args: string[], opts: { minor?: number; input?: string; timeoutMs?: number } = {}): Run {
  const r = spawnSync(kubectlPath(opts.minor), args, {
    encoding: 'utf8',
    input: opts.input,
    timeout: opts.timeoutMs ?? 60_000,
    env: { ...process.env, KUBECONFIG: c.kubeconfig, KUBECACHEDIR: join(c.dir, 'kubecache'), HOME: c.dir },
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Our own kubectl as `k8ts kubectl` runs it (the bundle), run exactly as {@link kubectl} runs the real one. */
export function ourKubectl(c: Pick<Cluster, 'kubeconfig' | 'dir'>, args: string[], opts: { input?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Run {
  const r = spawnSync(process.execPath, [KUBECTL_LAUNCH, ...args], {
    encoding: 'utf8',
    input: opts.input,
    timeout: opts.timeoutMs ?? 60_000,
    env: { ...process.env, KUBECONFIG: c.kubeconfig, KUBECACHEDIR: join(c.dir, 'kubecache-k8ts'), HOME: c.dir, ...opts.env },
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export function python(c: Pick<Cluster, 'kubeconfig'>, script: string): Run {
  const r = spawnSync('/usr/bin/python3', ['-c', script, c.kubeconfig], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export const hasPythonClient = (): boolean => spawnSync('/usr/bin/python3', ['-c', 'import kubernetes'], { encoding: 'utf8' }).status === 0;

/** A raw HTTPS request with the admin credentials from the cluster's PKI. */
export async function raw(c: Cluster, method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const https = await import('node:https');
  const { readFileSync } = await import('node:fs');
  const pki = join(c.dir, 'pki');
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: c.port,
        method,
        path,
        ca: readFileSync(join(pki, 'ca.crt')),
        cert: readFileSync(join(pki, 'admin.crt')),
        key: readFileSync(join(pki, 'admin.key')),
        headers: { 'Content-Type': 'application/json', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/**
 * Polls `fn` until it returns something other than undefined/false (errors count as not yet), or
 * throws after `timeoutMs` with the last error and `context()` (e.g. the tail of a log).
 */
export async function until<T>(what: string, fn: () => T | undefined | false, o: { timeoutMs: number; intervalMs?: number; context?: () => string }): Promise<T> {
  const deadline = Date.now() + o.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${last instanceof Error ? last.message : JSON.stringify(last)}` : ''}\n${o.context?.() ?? ''}`);
    }
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 300));
  }
}
