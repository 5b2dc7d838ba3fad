/**
 * Parts of the control-plane benchmark: the API server as a child process (started, probed for
 * /readyz, its RSS and CPU time read from /proc, killed on any exit), an observer that timestamps
 * when each bench pod is first seen bound and Running, and the trivial binder the scheduler is
 * compared with (round-robin POST pods/binding, no filtering or scoring).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pod } from '../src/api/generated/core/v1.js';
import { isConflict } from '../src/api/errors.js';
import { Informer, loadKubeconfig, objectKey, ResourceClient, resources, RestClient, WorkQueue, type ClientConfig, type RestRequest, type Transport } from '../src/client/index.js';
import { freePort } from '../src/storage/etcd/process.js';
import { now } from './stats.js';

const CLI = fileURLToPath(new URL('../src/cmd/k8ts.js', import.meta.url));
export const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const children = new Set<ChildProcess>();
// Last resort: a child must not outlive the bench, whatever way it ends.
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** The k8ts API server running as a child process. */
export interface ApiServer {
  config: ClientConfig;
  pid: number;
  log: string;
  /** A client, by default without a rate limit (each in-process component gets its own, as separate processes would); closed by stop. */
  client(userAgent: string, limits?: { qps: number; burst: number }): RestClient;
  stop(): Promise<void>;
}

/** Starts `k8ts apiserver` on a free port with its state in `dir`; resolves once /readyz answers. */
export async function startApiServer(dir: string, signal: AbortSignal): Promise<ApiServer> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const log = join(dir, 'apiserver.log');
  const fd = openSync(log, 'a');
  const child = spawn(process.execPath, [CLI, 'apiserver', '--data-dir', join(dir, 'cp'), '--secure-port', String(port)], { stdio: ['ignore', fd, fd] });
  children.add(child);
  const clients: RestClient[] = [];
  const stop = async () => {
    for (const c of clients.splice(0)) c.close();
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    children.delete(child);
  };
  try {
    const kubeconfig = join(dir, 'cp', 'kubeconfig.yaml');
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`apiserver exited: ${readFileSync(log, 'utf8').slice(-2000)}`);
      if (signal.aborted || Date.now() > deadline) throw new Error('apiserver did not become ready');
      if (existsSync(kubeconfig)) {
        const probe = new RestClient(loadKubeconfig(kubeconfig), { qps: 0 });
        const ok = await probe.request<string>({ method: 'GET', path: '/readyz' }).then(
          () => true,
          () => false,
        );
        probe.close();
        if (ok) break;
      }
      await sleep(20);
    }
    const config = loadKubeconfig(kubeconfig);
    const client = (userAgent: string, limits?: { qps: number; burst: number }) => {
      const c = new RestClient(config, { qps: limits?.qps ?? 0, burst: limits?.burst, userAgent });
      clients.push(c);
      return c;
    };
    return { config, pid: child.pid ?? 0, log, client, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

const procStatus = (pid: number | 'self', field: string): number => {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
/** Resident and peak resident memory in MiB. */
export const rss = (pid: number | 'self') => ({ now: procStatus(pid, 'VmRSS'), peak: procStatus(pid, 'VmHWM') });

/** CPU seconds (user + system) a process has used. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** When each bench pod (label app=bench) was first seen bound and first seen Running, by `ns/name`. */
export class Observer {
  readonly bound = new Map<string, number>();
  readonly running = new Map<string, number>();
  readonly informer: Informer<Pod>;

  constructor(transport: Transport) {
    this.informer = new Informer<Pod>({ source: new ResourceClient<Pod>(transport, resources.pods), labelSelector: 'app=bench', logger: quiet });
    const seen = (p: Pod) => {
      const key = objectKey(p);
      const t = now();
      if (p.spec?.nodeName && !this.bound.has(key)) this.bound.set(key, t);
      if (p.status?.phase === 'Running' && !this.running.has(key)) this.running.set(key, t);
    };
    this.informer.addEventHandler({ onAdd: seen, onUpdate: (_o, p) => seen(p) });
  }

  /** Pods of `namespace` the cache holds. */
  count(namespace: string): number {
    return this.informer.store.listByNamespace(namespace).length;
  }

  /** How many of `keys` are in `map`. */
  static countIn(map: Map<string, number>, keys: readonly string[]): number {
    return keys.reduce((n, k) => n + (map.has(k) ? 1 : 0), 0);
  }
}

/** Polls `cond` every 20 ms until it holds (true), `timeoutMs` passes or `signal` aborts (false). */
export async function waitUntil(cond: () => boolean, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  const deadline = now() + timeoutMs;
  while (!cond()) {
    if (signal.aborted || now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** The scheduler name of pods the trivial binder places. */
export const BINDER_NAME = 'bench-binder';

/**
 * The floor: binds every pending pod whose schedulerName is {@link BINDER_NAME} to the next node
 * round-robin, no cache, filtering or scoring. `concurrency` 0 binds each pod as soon as it is
 * seen, without a cap, as the scheduler's background binds do; N keeps at most N in flight.
 */
export async function runTrivialBinder(o: { transport: Transport; nodes: readonly string[]; concurrency: number }, signal: AbortSignal): Promise<void> {
  const pods = new ResourceClient<Pod>(o.transport, resources.pods);
  const queue = new WorkQueue<string>({ signal });
  const informer = new Informer<Pod>({ source: pods, fieldSelector: `spec.schedulerName=${BINDER_NAME},spec.nodeName=`, logger: quiet });
  let rr = 0;
  const bind = async (key: string): Promise<void> => {
    const [namespace, name] = key.split('/') as [string, string];
    const node = o.nodes[rr++ % o.nodes.length] ?? '';
    try {
      await o.transport.request({
        method: 'POST',
        path: `/api/v1/namespaces/${namespace}/pods/${name}/binding`,
        body: { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace }, target: { apiVersion: 'v1', kind: 'Node', name: node } },
        signal,
      });
      queue.forget(key);
    } catch (e) {
      if (!signal.aborted && !isConflict(e)) queue.addRateLimited(key);
    }
  };
  const inFlight = new Set<Promise<void>>();
  const worker = async () => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      const k = key;
      if (o.concurrency > 0) await bind(k).finally(() => queue.done(k));
      else {
        // Unbounded: hand the key back at once and bind in the background.
        const p = bind(k).finally(() => inFlight.delete(p));
        inFlight.add(p);
        queue.done(k);
      }
    }
  };
  informer.addEventHandler({ onAdd: (p) => queue.add(objectKey(p)) });
  await Promise.all([informer.run(signal), ...Array.from({ length: Math.max(1, o.concurrency) }, worker)]);
  await Promise.all([...inFlight]);
}

/**
 * A Transport that counts the requests `match` selects while they are in flight: the peak, and
 * the time-weighted mean over the time at least one was in flight (so the scheduler's binding
 * concurrency can be handed to the trivial binder). Behind a client rate limit, a request waiting
 * for its token counts as in flight.
 */
export class InFlight implements Transport {
  #now = 0;
  #peak = 0;
  #busyMs = 0;
  #area = 0;
  #since = 0;

  constructor(
    readonly inner: Transport,
    readonly match: (req: RestRequest) => boolean,
  ) {}

  get namespace(): string {
    return this.inner.namespace;
  }

  #step(delta: number): void {
    const t = now();
    if (this.#now > 0) {
      this.#busyMs += t - this.#since;
      this.#area += this.#now * (t - this.#since);
    }
    this.#since = t;
    this.#now += delta;
    this.#peak = Math.max(this.#peak, this.#now);
  }

  async request<T>(req: RestRequest): Promise<T> {
    if (!this.match(req)) return this.inner.request<T>(req);
    this.#step(1);
    try {
      return await this.inner.request<T>(req);
    } finally {
      this.#step(-1);
    }
  }

  stream(req: RestRequest): Promise<IncomingMessage> {
    return this.inner.stream(req);
  }

  /** Peak and mean-while-busy in flight so far. */
  stats(): { peak: number; mean: number } {
    return { peak: this.#peak, mean: this.#busyMs > 0 ? this.#area / this.#busyMs : 0 };
  }
}
