#!/usr/bin/env node
/** The `k8ts` executable: picks a subcommand and hands it the rest of the arguments. */
import { readFileSync } from 'node:fs';
import { packageRoot } from '../api/spec-path.js';
import { UsageError } from './flags.js';

type Main = (args: string[]) => Promise<void>;

/** Subcommands load lazily so that `k8ts version` does not pay for the server's modules. */
const commands: Record<string, { summary: string; load: () => Promise<Main> }> = {
  server: { summary: 'run the all-in-one control plane (embedded SQLite by default)', load: async () => (await import('./server.js')).main },
  apiserver: { summary: 'run the API server alone (e.g. --etcd-servers URL)', load: async () => (await import('./server.js')).apiserverMain },
  scheduler: { summary: 'run the scheduler against a cluster (--kubeconfig)', load: async () => (await import('./control.js')).schedulerMain },
  'controller-manager': { summary: 'run the controllers against a cluster (--kubeconfig)', load: async () => (await import('./control.js')).controllerManagerMain },
  proxy: { summary: 'run the service proxy on this node (iptables, nftables or userspace)', load: async () => (await import('./proxy.js')).main },
  dns: { summary: 'run the cluster DNS server (answers *.cluster.local from the API)', load: async () => (await import('./dns.js')).main },
  kubelet: { summary: 'run a node agent (containerd, pods, kubelet API)', load: async () => (await import('./kubelet.js')).main },
  killall: { summary: 'stop a node\'s pods and remove what it left (containers, netns, mounts, proxy rules)', load: async () => (await import('./kubelet.js')).killallMain },
  'hollow-nodes': { summary: 'register fake nodes that run pods without containers (for scale tests)', load: async () => (await import('./control.js')).hollowNodesMain },
  images: { summary: 'build the example images and serve them from the local registry', load: async () => (await import('./images.js')).main },
  version: { summary: 'print the k8ts version', load: () => Promise.resolve(version) },
  kubectl: { summary: 'the kubectl CLI, in TypeScript (also installed as k8ts-kubectl)', load: () => Promise.resolve(kubectl) },
};

/** kubectl sets its own exit codes and prints its own errors; it never goes through run()'s handler. */
let kubectlCode = 0;
async function kubectl(args: string[]): Promise<void> {
  kubectlCode = await (await import('../kubectl/main.js')).main(args);
}

function version(): Promise<void> {
  const pkg = JSON.parse(readFileSync(`${packageRoot()}/package.json`, 'utf8')) as { version: string };
  console.log(`k8ts ${pkg.version} (Kubernetes API v1.32)`);
  return Promise.resolve();
}

function help(): void {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  console.log(`k8ts: Kubernetes, rebuilt in TypeScript.\n\nUsage: k8ts <command> [flags]\n\nCommands:`);
  for (const [name, c] of Object.entries(commands)) console.log(`  ${name.padEnd(width)}  ${c.summary}`);
  console.log(`\nRun 'k8ts <command> --help' for a command's flags.`);
}

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    help();
    return name ? 0 : 1;
  }
  const cmd = commands[name];
  if (!cmd) {
    console.error(`k8ts: unknown command "${name}"`);
    help();
    return 1;
  }
  try {
    await (await cmd.load())(rest);
    return kubectlCode;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`k8ts ${name}: ${e.message} (see 'k8ts ${name} --help')`);
      return 2;
    }
    console.error(`k8ts ${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}

process.exitCode = await run(process.argv.slice(2));
