/**
 * A proxy test lab in real network namespaces: a "node" netns with a pod bridge, pod netns behind
 * it (each serving its own name over HTTP and UDP), and an "outside" netns on the node's uplink.
 * Every namespace name starts with a per-run id, and every link lives inside those namespaces, so
 * a lab never touches the host's network and labs of parallel test processes never clash.
 *
 *   node (ID-node)   labbr0 10.244.1.1/24 ── vpN ═ eth0 (ID-pN) 10.244.1.N, :8080 http, :9090 udp
 *                    uplink 192.168.77.1/24 ═ uplink (ID-out) 192.168.77.2/24
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { NodeNetwork } from '../model.js';
import { run, type RunResult } from '../../util/exec.js';

export interface LabPod {
  readonly name: string;
  /** The pod's network namespace. */
  readonly ns: string;
  readonly ip: string;
}

/** Where a command or a request starts: the node itself, the outside host, or a pod. */
export type From = 'node' | 'outside' | LabPod;

export interface NetLab {
  /** Per-run prefix, `k8tslab-<pid>-<n>`: every netns of this lab starts with it. */
  readonly id: string;
  /** The node as a backend sees it; `exec` runs in the node netns. */
  readonly net: NodeNetwork;
  readonly pods: readonly LabPod[];
  /** Adds a pod at the next free 10.244.1.x and resolves once its servers answer. */
  addPod(name: string): Promise<LabPod>;
  exec(from: From, file: string, args: string[], input?: string): Promise<RunResult>;
  /**
   * The netns name behind `from` (`<id>-node`, `<id>-out`, a pod's ns), for programs that must
   * live in it, e.g. `ip netns exec` of a userspace proxy runner.
   */
  netns(from: From): string;
  /** GET http://ip:port/ (one fresh connection); the body (the pod's name) or undefined on failure/timeout. */
  httpGet(from: From, ip: string, port: number, timeoutMs?: number): Promise<string | undefined>;
  /** One UDP datagram to ip:port; the reply (pod name) or undefined. */
  udpAsk(from: From, ip: string, port: number, timeoutMs?: number): Promise<string | undefined>;
  /** Kills the servers and deletes every netns (and so every link); safe to call twice. */
  close(): Promise<void>;
}

export const LAB = {
  podTcpPort: 8080,
  podUdpPort: 9090,
  lbPool: '10.97.0.0/24',
  outsideIP: '192.168.77.2',
  gateway: '10.244.1.1',
} as const;

const NODE_IP = '192.168.77.1';
const BRIDGE = 'labbr0';
const UPLINK = 'uplink';

/**
 * The pod's servers, one node process per pod. It answers its name on both ports, prints `ready`
 * once both listen, and exits when the test process is gone, so a crashed test leaves no server.
 */
const POD_SERVER = `
const http = require('node:http'), dgram = require('node:dgram');
const name = process.argv[1], tcp = Number(process.argv[2]), udp = Number(process.argv[3]);
const body = Buffer.from(name);
const web = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
web.keepAliveTimeout = 30000;
const echo = dgram.createSocket('udp4');
echo.on('message', (_m, r) => echo.send(body, r.port, r.address));
let up = 0;
const listening = () => { if (++up === 2) process.stdout.write('ready\\n'); };
web.listen(tcp, '0.0.0.0', listening);
echo.bind(udp, '0.0.0.0', listening);
const parent = process.ppid;
setInterval(() => { try { process.kill(parent, 0); } catch { process.exit(0); } }, 1000);
`;

/** One datagram, print the first reply; exit 1 on timeout, 2 on a socket error (ICMP unreachable). */
const UDP_ASK = `
const s = require('node:dgram').createSocket('udp4');
const ip = process.argv[1], port = Number(process.argv[2]), ms = Number(process.argv[3]);
setTimeout(() => process.exit(1), ms);
s.on('error', () => process.exit(2));
s.on('message', (m) => { process.stdout.write(m); process.exit(0); });
s.connect(port, ip, () => s.send('ping'));
`;

let labCount = 0;

async function must(file: string, args: string[]): Promise<void> {
  const r = await run(file, args);
  if (r.code !== 0) throw new Error(`netlab: ${file} ${args.join(' ')}: exit ${r.code}: ${r.stderr.trim()}`);
}

/** Waits for the child's `ready` line; rejects with its stderr if it exits or is slow. */
function awaitReady(child: ChildProcess, what: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const done = (e?: Error) => {
      clearTimeout(timer);
      child.stdout?.removeListener('data', onOut);
      child.removeListener('exit', onExit);
      if (e) reject(e);
      else resolve();
    };
    const onOut = (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) done();
    };
    const onExit = (code: number | null) => done(new Error(`netlab: ${what} exited (${code}) before ready: ${err.trim()}`));
    const timer = setTimeout(() => done(new Error(`netlab: ${what} not ready after ${timeoutMs} ms: ${err.trim()}`)), timeoutMs);
    child.stdout?.on('data', onOut);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', onExit);
  });
}

/** Lets the test process exit even if a test forgot close(): the child's pipes keep no loop alive. */
function detach(child: ChildProcess): void {
  for (const s of [child.stdout, child.stderr]) {
    s?.resume();
    const handle = s as unknown as { unref?: () => void } | null;
    handle?.unref?.();
  }
  child.unref();
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // Referenced again: an unref'd child's 'exit' alone would not keep the event loop waiting.
  child.ref();
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5_000)))]);
  clearTimeout(timer);
}

class Lab implements NetLab {
  readonly net: NodeNetwork;
  readonly pods: LabPod[] = [];
  private readonly nodeNs: string;
  private readonly outNs: string;
  /** Every netns made so far, in creation order: close() deletes exactly these. */
  private readonly namespaces: string[] = [];
  private readonly children: ChildProcess[] = [];
  private closing: Promise<void> | undefined;

  constructor(readonly id: string) {
    this.nodeNs = `${id}-node`;
    this.outNs = `${id}-out`;
    this.net = {
      nodeIPs: [NODE_IP],
      clusterCIDR: '10.244.0.0/16',
      serviceCIDR: '10.96.0.0/16',
      prefix: 'KLAB',
      link: 'k8tsproxy0',
      exec: (file, args, input) => this.exec('node', file, args, input),
    };
  }

  netns(from: From): string {
    if (from === 'node') return this.nodeNs;
    if (from === 'outside') return this.outNs;
    return from.ns;
  }

  private async addNs(ns: string): Promise<void> {
    await must('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  }

  private async sysctl(ns: string, settings: Record<string, string>): Promise<void> {
    const args = Object.entries(settings).map(([k, v]) => `${k}=${v}`);
    await must('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', ...args]);
  }

  async setUp(): Promise<void> {
    // Leftovers with our id can only come from a dead process whose pid we now have.
    const list = await run('ip', ['netns', 'list']);
    for (const line of list.stdout.split('\n')) {
      const ns = line.split(' ')[0] ?? '';
      if (ns.startsWith(`${this.id}-`)) await run('ip', ['netns', 'del', ns]);
    }
    const node = this.nodeNs;
    const out = this.outNs;
    await this.addNs(node);
    await this.addNs(out);
    // Set before any interface exists, so every interface inherits the defaults.
    await this.sysctl(node, {
      'net.ipv4.ip_forward': '1',
      'net.ipv4.conf.all.rp_filter': '0',
      'net.ipv4.conf.default.rp_filter': '0',
      'net.ipv4.conf.all.route_localnet': '1',
    });
    // br_netfilter's switch is per network namespace on this kernel (checked on 6.18): setting it
    // here makes bridged pod→pod traffic pass the node's iptables/nft hooks, as on a real node.
    const brnf = await run('ip', ['netns', 'exec', node, 'sysctl', '-q', '-w', 'net.bridge.bridge-nf-call-iptables=1']);
    if (brnf.code !== 0) throw new Error(`netlab: br_netfilter unavailable (modprobe br_netfilter?): ${brnf.stderr.trim()}`);
    await must('ip', ['-n', node, 'link', 'add', BRIDGE, 'type', 'bridge']);
    await must('ip', ['-n', node, 'addr', 'add', `${LAB.gateway}/24`, 'dev', BRIDGE]);
    await must('ip', ['-n', node, 'link', 'set', BRIDGE, 'up']);
    await must('ip', ['-n', node, 'link', 'add', UPLINK, 'type', 'veth', 'peer', 'name', UPLINK, 'netns', out]);
    await must('ip', ['-n', node, 'addr', 'add', `${NODE_IP}/24`, 'dev', UPLINK]);
    await must('ip', ['-n', node, 'link', 'set', UPLINK, 'up']);
    await must('ip', ['-n', out, 'addr', 'add', `${LAB.outsideIP}/24`, 'dev', UPLINK]);
    await must('ip', ['-n', out, 'link', 'set', UPLINK, 'up']);
    // The outside host reaches ClusterIPs (to test masquerade) and LoadBalancer IPs via the node.
    for (const cidr of [this.net.serviceCIDR, LAB.lbPool]) await must('ip', ['-n', out, 'route', 'add', cidr, 'via', NODE_IP]);
  }

  async addPod(name: string): Promise<LabPod> {
    if (this.closing) throw new Error('netlab: closed');
    if (this.pods.some((p) => p.name === name)) throw new Error(`netlab: pod ${name} exists`);
    const used = new Set(this.pods.map((p) => Number(p.ip.split('.')[3])));
    let n = 2;
    while (used.has(n)) n++;
    if (n > 254) throw new Error('netlab: pod range 10.244.1.0/24 is full');
    const ns = `${this.id}-p${n}`;
    const pod: LabPod = { name, ns, ip: `10.244.1.${n}` };
    try {
      await this.startPod(pod, n);
    } catch (e) {
      // Undo this pod only, so its address and netns name are free again.
      const i = this.namespaces.indexOf(ns);
      if (i >= 0) {
        this.namespaces.splice(i, 1);
        await run('ip', ['netns', 'del', ns]);
      }
      throw e;
    }
    this.pods.push(pod);
    return pod;
  }

  private async startPod(pod: LabPod, n: number): Promise<void> {
    const { name, ns, ip } = pod;
    const port = `vp${n}`;
    await this.addNs(ns);
    await must('ip', ['-n', this.nodeNs, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    await must('ip', ['-n', this.nodeNs, 'link', 'set', port, 'master', BRIDGE]);
    // Hairpin: a pod reaching itself through its Service leaves and re-enters by the same port.
    await must('ip', ['-n', this.nodeNs, 'link', 'set', port, 'type', 'bridge_slave', 'hairpin', 'on']);
    await must('ip', ['-n', this.nodeNs, 'link', 'set', port, 'up']);
    await must('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
    await must('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    await must('ip', ['-n', ns, 'route', 'add', 'default', 'via', LAB.gateway]);
    const child = spawn(
      'ip',
      ['netns', 'exec', ns, process.execPath, '-e', POD_SERVER, name, String(LAB.podTcpPort), String(LAB.podUdpPort)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.children.push(child);
    child.on('error', () => {}); // a spawn failure shows as 'exit' in awaitReady
    try {
      await awaitReady(child, `pod ${name} server`);
    } catch (e) {
      await stopChild(child);
      throw e;
    }
    detach(child);
    // Listening is not yet answering through the bridge: prove the whole path once.
    let answer: string | undefined;
    for (let i = 0; i < 20 && answer !== name; i++) answer = await this.httpGet('node', ip, LAB.podTcpPort, 1000);
    if (answer !== name) {
      await stopChild(child);
      throw new Error(`netlab: pod ${name} at ${ip} does not answer from the node`);
    }
  }

  exec(from: From, file: string, args: string[], input?: string): Promise<RunResult> {
    return run('ip', ['netns', 'exec', this.netns(from), file, ...args], input === undefined ? {} : { input });
  }

  async httpGet(from: From, ip: string, port: number, timeoutMs = 2000): Promise<string | undefined> {
    const url = `http://${ip}:${port}/`;
    const secs = (timeoutMs / 1000).toFixed(3);
    const r = await run('ip', ['netns', 'exec', this.netns(from), 'curl', '-sf', '--noproxy', '*', '--max-time', secs, url], { timeoutMs: timeoutMs + 5000 });
    return r.code === 0 ? r.stdout : undefined;
  }

  async udpAsk(from: From, ip: string, port: number, timeoutMs = 2000): Promise<string | undefined> {
    const r = await run('ip', ['netns', 'exec', this.netns(from), process.execPath, '-e', UDP_ASK, ip, String(port), String(timeoutMs)], {
      timeoutMs: timeoutMs + 5000,
    });
    return r.code === 0 ? r.stdout : undefined;
  }

  close(): Promise<void> {
    this.closing ??= this.tearDown();
    return this.closing;
  }

  private async tearDown(): Promise<void> {
    await Promise.all(this.children.map(stopChild));
    // Links live only inside the lab's namespaces: deleting a netns deletes its links, and a veth
    // pair goes with either end. Pods first, the node last.
    const errors: string[] = [];
    for (const ns of [...this.namespaces].reverse()) {
      const r = await run('ip', ['netns', 'del', ns]);
      if (r.code !== 0) errors.push(`${ns}: ${r.stderr.trim()}`);
    }
    if (errors.length > 0) throw new Error(`netlab: cleanup failed: ${errors.join('; ')}`);
  }
}

/** Builds a lab (root only) with `pods` pods named pod1…podN; on any failure removes what it made. */
export async function createNetLab(o: { pods?: number } = {}): Promise<NetLab> {
  const lab = new Lab(`k8tslab-${process.pid}-${++labCount}`);
  try {
    await lab.setUp();
    for (let i = 1; i <= (o.pods ?? 0); i++) await lab.addPod(`pod${i}`);
    return lab;
  } catch (e) {
    await lab.close().catch(() => {});
    throw e;
  }
}
