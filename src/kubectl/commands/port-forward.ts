/**
 * `kubectl port-forward TYPE/NAME [LOCAL_PORT:]REMOTE_PORT...`: picks the pod (a service or
 * workload stands for its most active pod), turns service ports into the pod's target ports and
 * named ports into numbers as kubectl does, then forwards until Ctrl-C (see stream/portforward.ts).
 */
import type { Pod, Service } from '../../api/generated/core/v1.js';
import { CliError, UsageError } from '../errors.js';
import { podSubresourcePath } from '../stream/exec.js';
import { attachablePod, podClient } from '../stream/pods.js';
import { forwardPorts, parseAddresses, parsePorts } from '../stream/portforward.js';
import { objectForArg } from '../stream/target.js';
import type { Command, CommandContext } from '../types.js';
import { podRunningTimeout, podRunningTimeoutFlag } from './exec.js';

/** `[LOCAL:]REMOTE` → [local, remote] (anything but two parts reads as the first part twice). */
function splitPort(spec: string): [string, string] {
  const parts = spec.split(':');
  return parts.length === 2 ? [parts[0]!, parts[1]!] : [parts[0]!, parts[0]!];
}

const atoi = (s: string): number | undefined => (/^[+-]?\d+$/.test(s) ? Number(s) : undefined);

function containerPortByName(pod: Pod, name: string): number {
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    const p = (c.ports ?? []).find((x) => (x.name ?? '') === name);
    if (p) return p.containerPort;
  }
  throw new CliError(`Pod '${pod.metadata?.name ?? ''}' does not have a named port '${name}'`);
}

function servicePortByName(svc: Service, name: string): number {
  const p = (svc.spec?.ports ?? []).find((x) => (x.name ?? '') === name);
  if (!p) throw new CliError(`Service '${svc.metadata?.name ?? ''}' does not have a named port '${name}'`);
  return p.port;
}

/** The pod port behind a service port: its targetPort (a number, or a named container port). */
function containerPortForServicePort(svc: Service, pod: Pod, port: number): number {
  const sp = (svc.spec?.ports ?? []).find((x) => x.port === port);
  if (!sp) throw new CliError(`Service ${svc.metadata?.name ?? ''} does not have a service port ${port}`);
  if (svc.spec?.clusterIP === 'None') return port;
  const target = sp.targetPort;
  if (target === undefined || typeof target === 'number') return target ? target : sp.port;
  // A string targetPort is a port name, even when it looks like a number (intstr.String).
  return containerPortByName(pod, target);
}

/** Fails on a remote port that only UDP serves (port-forward carries TCP only). */
function checkUdp(specs: string[], udpOnly: Set<number>, byName: (name: string) => number): void {
  for (const spec of specs) {
    const [, remote] = splitPort(spec);
    const n = atoi(remote) ?? byName(remote);
    if (udpOnly.has(n)) throw new CliError(`UDP protocol is not supported for ${remote}`);
  }
}

function udpOnlyPorts(ports: { port: number; protocol?: string }[]): Set<number> {
  const udp = new Set(ports.filter((p) => p.protocol === 'UDP').map((p) => p.port));
  for (const p of ports) if ((p.protocol ?? 'TCP') === 'TCP') udp.delete(p.port);
  return udp;
}

/** Service ports → the pod's ports, keeping the local side (kubectl's translateServicePortToTargetPort). */
export function translateServicePorts(specs: string[], svc: Service, pod: Pod): string[] {
  checkUdp(specs, udpOnlyPorts((svc.spec?.ports ?? []).map((p) => ({ port: p.port, protocol: p.protocol }))), (n) => servicePortByName(svc, n));
  return specs.map((spec) => {
    let [local, remote] = splitPort(spec);
    let num = atoi(remote);
    if (num === undefined) {
      num = servicePortByName(svc, remote);
      if (local === remote) local = String(num);
    }
    remote = String(containerPortForServicePort(svc, pod, num));
    return local !== remote ? `${local}:${remote}` : remote;
  });
}

/** Named pod ports → numbers (kubectl's convertPodNamedPortToNumber). */
export function podPortNumbers(specs: string[], pod: Pod): string[] {
  const ports = (pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => ({ port: p.containerPort, protocol: p.protocol })));
  checkUdp(specs, udpOnlyPorts(ports), (n) => containerPortByName(pod, n));
  return specs.map((spec) => {
    const [local, remote] = splitPort(spec);
    if (remote === '') throw new CliError('remote port cannot be empty');
    const number = atoi(remote) !== undefined ? remote : String(containerPortByName(pod, remote));
    return local !== remote ? `${local}:${number}` : number;
  });
}

const examples = `  # Listen on ports 5000 and 6000 locally, forwarding data to/from ports 5000 and 6000 in the pod
  kubectl port-forward pod/mypod 5000 6000
  
  # Listen on ports 5000 and 6000 locally, forwarding data to/from ports 5000 and 6000 in a pod selected by the deployment
  kubectl port-forward deployment/mydeployment 5000 6000
  
  # Listen on port 8443 locally, forwarding to the targetPort of the service's port named "https" in a pod selected by the service
  kubectl port-forward service/myservice 8443:https
  
  # Listen on port 8888 locally, forwarding to 5000 in the pod
  kubectl port-forward pod/mypod 8888:5000
  
  # Listen on port 8888 on all addresses, forwarding to 5000 in the pod
  kubectl port-forward --address 0.0.0.0 pod/mypod 8888:5000
  
  # Listen on port 8888 on localhost and selected IP, forwarding to 5000 in the pod
  kubectl port-forward --address localhost,10.19.21.23 pod/mypod 8888:5000
  
  # Listen on a random port locally, forwarding to 5000 in the pod
  kubectl port-forward pod/mypod :5000`;

async function run(ctx: CommandContext): Promise<void> {
  const { flags, args, streams } = ctx;
  const f = ctx.factory;
  if (args.length < 2) throw new UsageError('TYPE/NAME and list of ports are required for port-forward');
  const timeoutMs = podRunningTimeout(flags);
  const obj = await objectForArg(f, args[0]!);
  const target = await attachablePod(f, obj, timeoutMs);
  const specs = args.slice(1);
  const portSpecs = obj.kind === 'Service' ? translateServicePorts(specs, obj, target) : podPortNumbers(specs, target);

  const namespace = f.namespace().namespace;
  const podName = target.metadata?.name ?? '';
  const pod = await podClient(f).get(podName, { namespace });
  if (pod.status?.phase !== 'Running') throw new CliError(`unable to forward port because pod is not running. Current status=${pod.status?.phase ?? ''}`);
  const addresses = parseAddresses(flags.strings('address'));
  const ports = parsePorts(portSpecs);

  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  process.once('SIGINT', onInterrupt);
  try {
    await forwardPorts(f.clientConfig(), { path: podSubresourcePath(namespace, podName, 'portforward'), addresses, ports, out: streams.stdout, errOut: streams.stderr, signal: stop.signal });
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

export const command: Command = {
  name: 'port-forward',
  short: 'Forward one or more local ports to a pod',
  long: `Forward one or more local ports to a pod.

 Use resource type/name such as deployment/mydeployment to select a pod. Resource type defaults to 'pod' if omitted.

 If there are multiple pods matching the criteria, a pod will be selected automatically. The forwarding session ends when the selected pod terminates, and a rerun of the command is needed to resume forwarding.`,
  usage: 'kubectl port-forward TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N]',
  examples,
  flags: [
    { name: 'address', type: 'strings', default: ['localhost'], help: 'Addresses to listen on (comma separated). Only accepts IP addresses or localhost as a value. When localhost is supplied, kubectl will try to bind on both 127.0.0.1 and ::1 and will fail if neither of these addresses are available to bind.' },
    podRunningTimeoutFlag,
  ],
  run,
};
