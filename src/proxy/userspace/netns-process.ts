/**
 * The parent side of netns-runner.ts: a {@link ProxyBackend} whose userspace backend runs in a
 * child process inside a network namespace, for kernel tests and benchmarks in a lab.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface, type Interface } from 'node:readline';
import type { NodeNetwork, ProxyBackend, SyncRequest } from '../model.js';
import { encodeSync, type RunnerConfig } from './wire.js';

export interface NetnsUserspaceOptions {
  /** The network namespace to run in (the lab's node). */
  readonly netns: string;
  readonly net: NodeNetwork;
  readonly connectTimeoutMs?: number;
  readonly maxTries?: number;
  readonly udpIdleMs?: number;
  /** Receives the runner's log lines (default: dropped). */
  readonly onLog?: (line: string) => void;
}

/** A userspace backend in a child process; `stop()` ends the process (its sockets go with it). */
export class NetnsUserspace implements ProxyBackend {
  readonly mode = 'userspace' as const;
  private readonly child: ChildProcess;
  private readonly lines: Interface;
  private readonly waiting: ((line: string | undefined) => void)[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private exited = false;

  constructor(o: NetnsUserspaceOptions) {
    const config: RunnerConfig = {
      nodeIPs: o.net.nodeIPs,
      clusterCIDR: o.net.clusterCIDR,
      serviceCIDR: o.net.serviceCIDR,
      prefix: o.net.prefix,
      link: o.net.link,
      ...(o.connectTimeoutMs !== undefined && { connectTimeoutMs: o.connectTimeoutMs }),
      ...(o.maxTries !== undefined && { maxTries: o.maxTries }),
      ...(o.udpIdleMs !== undefined && { udpIdleMs: o.udpIdleMs }),
    };
    const runner = fileURLToPath(new URL('./netns-runner.js', import.meta.url));
    this.child = spawn('ip', ['netns', 'exec', o.netns, process.execPath, '--enable-source-maps', runner, JSON.stringify(config)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.on('error', () => {}); // shows as 'exit'
    this.child.stderr?.on('data', (d: Buffer) => o.onLog?.(d.toString()));
    this.lines = createInterface({ input: this.child.stdout! });
    this.lines.on('line', (l) => this.waiting.shift()?.(l));
    this.child.once('exit', () => {
      this.exited = true;
      for (const w of this.waiting.splice(0)) w(undefined);
    });
  }

  /** The child's pid (to find its sockets with `ss -p`). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends one line and waits for its answer; requests run one at a time. */
  private request(line: string): Promise<void> {
    const next = this.queue.then(
      () =>
        new Promise<void>((resolve, reject) => {
          if (this.exited) return reject(new Error('userspace runner exited'));
          this.waiting.push((answer) => {
            if (answer === 'ok') resolve();
            else reject(new Error(answer === undefined ? 'userspace runner exited' : `userspace runner: ${answer}`));
          });
          this.child.stdin?.write(line + '\n');
        }),
    );
    this.queue = next.catch(() => {});
    return next;
  }

  sync(req: SyncRequest): Promise<void> {
    return this.request(encodeSync(req));
  }

  close(): Promise<void> {
    return this.request('{"op":"close"}');
  }

  cleanup(): Promise<void> {
    return this.request('{"op":"cleanup"}');
  }

  /** Ends the child (stdin closed, then SIGKILL if it lingers); safe to call twice. */
  async stop(): Promise<void> {
    if (this.exited || this.child.exitCode !== null) return;
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
    this.lines.close();
  }
}
