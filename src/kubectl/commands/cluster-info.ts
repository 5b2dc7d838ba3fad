/**
 * `kubectl cluster-info`: where the control plane and the cluster services (kube-system Services
 * labelled `kubernetes.io/cluster-service=true`) are reached. kubectl 1.32 prints no colours here.
 */
import type { KubeList } from '../../client/types.js';
import type { Command, CommandContext } from '../types.js';
import { dump } from './cluster-info/dump.js';

interface ServicePort {
  name?: string;
  port?: number;
}

interface Service {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: { ports?: ServicePort[] };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } };
}

/** Where kubectl says a service runs: its load balancer's ports, else the API server's proxy path. */
export function serviceLink(host: string, svc: Service): string {
  const ingress = svc.status?.loadBalancer?.ingress?.[0];
  if (ingress) {
    const ip = ingress.ip || ingress.hostname || '';
    return (svc.spec?.ports ?? []).map((p) => `http://${ip}:${p.port ?? 0} `).join('');
  }
  let name = svc.metadata?.name ?? '';
  const port = svc.spec?.ports?.[0];
  if (port) {
    // <scheme>:<service>:<port name>, kubectl's guess of https from the port's name or number.
    const scheme = port.name === 'https' || port.port === 443 ? 'https' : '';
    const portName = port.name ?? '';
    name = scheme !== '' ? `${scheme}:${name}:${portName}` : portName !== '' ? `${name}:${portName}` : name;
  }
  return `${host}/api/v1/namespaces/${svc.metadata?.namespace ?? ''}/services/${name}/proxy`;
}

async function run(ctx: CommandContext): Promise<void> {
  const out = ctx.streams.stdout;
  // Only an explicit -n moves it away from kube-system; the context's namespace does not.
  const namespace = (ctx.flags.has('namespace') && ctx.flags.string('namespace')) || 'kube-system';
  const host = ctx.factory.clientConfig().server;
  let failed = false;
  let failure: unknown;
  try {
    const list = await ctx.factory.client().request<KubeList<Service>>({
      method: 'GET',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/services`,
      query: { labelSelector: 'kubernetes.io/cluster-service=true' },
    });
    out.write(`Kubernetes control plane is running at ${host}\n`);
    for (const svc of list.items ?? []) {
      const name = svc.metadata?.labels?.['kubernetes.io/name'] || svc.metadata?.name || '';
      out.write(`${name} is running at ${serviceLink(host, svc)}\n`);
    }
  } catch (e) {
    failed = true;
    failure = e;
  }
  // The hint comes even when listing the services failed (the error is reported after it).
  out.write("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n");
  if (failed) throw failure;
}

export const command: Command = {
  name: 'cluster-info',
  short: 'Display cluster information',
  long: `Display addresses of the control plane and services with label kubernetes.io/cluster-service=true. To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.`,
  usage: 'kubectl cluster-info [flags]',
  examples: `  # Print the address of the control plane and cluster services
  kubectl cluster-info`,
  subcommands: [dump],
  run,
};
