/**
 * Starts and stops a real etcd server (Debian's etcd-server) on loopback, for tests, benchmarks and
 * single-machine HA setups. Ports are picked free; the data directory is the caller's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { EtcdClient } from './client.js';

export interface EtcdProcessOptions {
  dataDir: string;
  /** Member name (also the log file's name). */
  name?: string;
  clientPort?: number;
  peerPort?: number;
  /** The etcd binary (default: `etcd` on PATH). */
  binary?: string;
  /** How long to wait for the server to answer. */
  readyTimeoutMs?: number;
}

export interface EtcdProcess {
  readonly endpoint: string;
  readonly pid: number;
  readonly dataDir: string;
  readonly options: Required<EtcdProcessOptions>;
  /** SIGTERM and wait for exit (SIGKILL after a grace period). */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit: a crash. */
  kill(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitReady(endpoint: string, child: ChildProcess, timeoutMs: number, log: string): Promise<void> {
  const client = new EtcdClient({ endpoints: [endpoint], timeoutMs: 1000 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`etcd exited (code ${child.exitCode ?? child.signalCode}) before it was ready; see ${log}`);
      }
      try {
        await client.status();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`etcd at ${endpoint} not ready after ${timeoutMs} ms; see ${log}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } finally {
    client.close();
  }
}

/** Starts etcd and resolves once it answers on its client port. */
export async function startEtcd(opts: EtcdProcessOptions): Promise<EtcdProcess> {
  const o: Required<EtcdProcessOptions> = {
    dataDir: opts.dataDir,
    name: opts.name ?? 'k8ts-etcd',
    clientPort: opts.clientPort ?? (await freePort()),
    peerPort: opts.peerPort ?? (await freePort()),
    binary: opts.binary ?? 'etcd',
    readyTimeoutMs: opts.readyTimeoutMs ?? 20_000,
  };
  mkdirSync(o.dataDir, { recursive: true });
  const endpoint = `http://127.0.0.1:${o.clientPort}`;
  const peer = `http://127.0.0.1:${o.peerPort}`;
  const log = join(o.dataDir, `${o.name}.log`);
  const fd = openSync(log, 'a');
  const child = spawn(
    o.binary,
    [
      '--name', o.name,
      '--data-dir', join(o.dataDir, 'data'),
      '--listen-client-urls', endpoint,
      '--advertise-client-urls', endpoint,
      '--listen-peer-urls', peer,
      '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `${o.name}=${peer}`,
      '--initial-cluster-state', 'new',
      '--logger', 'zap',
      '--log-outputs', 'stderr',
      '--log-level', 'warn',
    ],
    { stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  // An etcd we started never outlives us, even if we crash before stop().
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (e) => reject(new Error(`cannot start ${o.binary}: ${e.message} (install Debian's etcd-server)`)));
  });
  const pid = child.pid ?? 0;
  const stop = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited(child);
    clearTimeout(timer);
  };
  try {
    await waitReady(endpoint, child, o.readyTimeoutMs, log);
  } catch (e) {
    await stop('SIGKILL');
    throw e;
  }
  return { endpoint, pid, dataDir: o.dataDir, options: o, stop: () => stop('SIGTERM'), kill: () => stop('SIGKILL') };
}
