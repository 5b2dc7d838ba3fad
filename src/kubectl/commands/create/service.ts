/** `kubectl create service clusterip|nodeport|loadbalancer|externalname NAME [--tcp=port:targetPort]…`. */
import { isDNS1123Subdomain, isValidPortName, isValidPortNum } from '../../../api/validation/names.js';
import { CliError } from '../../errors.js';
import type { Command, FlagSpec } from '../../types.js';
import { generatorFlags, nameFromArgs, requireFlags } from './options.js';
import { createGenerated } from './run.js';

type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';

/** utilsnet.ParsePort with zero allowed: strconv.ParseUint(s, 10, 16) and its errors. */
function parsePort(s: string): number {
  if (!/^[0-9]+$/.test(s)) throw new CliError(`strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (n > 65535) throw new CliError(`strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

/** `port[:targetPort]`: the target is a number or a port name. */
export function parsePorts(spec: string): { port: number; targetPort: number | string } {
  const parts = spec.split(':');
  const port = parsePort(parts[0] ?? '');
  if (parts.length === 1) return { port, targetPort: port };
  const target = parts[1] ?? '';
  // Go's strconv.Atoi accepts a sign.
  if (/^[+-]?[0-9]+$/.test(target)) {
    const n = Number(target);
    const errs = isValidPortNum(n);
    if (errs.length > 0) throw new CliError(errs.join(','));
    return { port, targetPort: n };
  }
  const errs = isValidPortName(target);
  if (errs.length > 0) throw new CliError(errs.join(','));
  return { port, targetPort: target };
}

interface Variant {
  type: ServiceType;
  name: string;
  short: string;
  usage: string;
  example: string;
  flags: FlagSpec[];
}

const EXTERNAL_LONG = `Create an ExternalName service with the specified name.

 ExternalName service references to an external DNS address instead of only pods, which will allow application authors to reference services that exist off platform, on other clusters, or locally.`;

const tcpFlag: FlagSpec = { name: 'tcp', type: 'strings', default: [], help: "Port pairs can be specified as '<port>:<targetPort>'." };

const variants: Variant[] = [
  {
    type: 'ClusterIP',
    name: 'clusterip',
    short: 'Create a ClusterIP service',
    usage: 'kubectl create service clusterip NAME [--tcp=<port>:<targetPort>] [--dry-run=server|client|none]',
    example: `  # Create a new ClusterIP service named my-cs
  kubectl create service clusterip my-cs --tcp=5678:8080

  # Create a new ClusterIP service named my-cs (in headless mode)
  kubectl create service clusterip my-cs --clusterip="None"`,
    flags: [tcpFlag, { name: 'clusterip', type: 'string', default: '', help: "Assign your own ClusterIP or set to 'None' for a 'headless' service (no loadbalancing)." }],
  },
  {
    type: 'NodePort',
    name: 'nodeport',
    short: 'Create a NodePort service',
    usage: 'kubectl create service nodeport NAME [--tcp=port:targetPort] [--dry-run=server|client|none]',
    example: `  # Create a new NodePort service named my-ns
  kubectl create service nodeport my-ns --tcp=5678:8080`,
    flags: [{ name: 'node-port', type: 'int', default: 0, help: 'Port used to expose the service on each node in a cluster.' }, tcpFlag],
  },
  {
    type: 'LoadBalancer',
    name: 'loadbalancer',
    short: 'Create a LoadBalancer service',
    usage: 'kubectl create service loadbalancer NAME [--tcp=port:targetPort] [--dry-run=server|client|none]',
    example: `  # Create a new LoadBalancer service named my-lbs
  kubectl create service loadbalancer my-lbs --tcp=5678:8080`,
    flags: [tcpFlag],
  },
  {
    type: 'ExternalName',
    name: 'externalname',
    short: 'Create an ExternalName service',
    usage: 'kubectl create service externalname NAME --external-name external.name [--dry-run=server|client|none]',
    example: `  # Create a new ExternalName service named my-ns
  kubectl create service externalname my-ns --external-name bar.com`,
    flags: [tcpFlag, { name: 'external-name', type: 'string', default: '', help: 'External name of service' }],
  },
];

function variantCommand(v: Variant): Command {
  return {
    name: v.name,
    short: v.short,
    long: v.type === 'ExternalName' ? EXTERNAL_LONG : `Create a ${v.type} service with the specified name.`,
    usage: v.usage,
    examples: v.example,
    flags: generatorFlags(v.flags),
    async run(ctx) {
      if (v.type === 'ExternalName') requireFlags(ctx.flags, ['external-name']);
      const name = nameFromArgs(ctx);
      const tcp = ctx.flags.strings('tcp');
      const clusterIP = v.type === 'ClusterIP' ? ctx.flags.string('clusterip') : '';
      const externalName = v.type === 'ExternalName' ? ctx.flags.string('external-name') : '';
      const nodePort = v.type === 'NodePort' ? ctx.flags.int('node-port') : 0;
      if (clusterIP !== 'None' && tcp.length === 0 && v.type !== 'ExternalName') throw new CliError('at least one tcp port specifier must be provided');
      if (v.type === 'ExternalName' && isDNS1123Subdomain(externalName).length > 0) throw new CliError(`invalid service external name ${externalName}`);
      const ports = tcp.map((spec) => {
        const { port, targetPort } = parsePorts(spec);
        return { name: spec.replaceAll(':', '-'), protocol: 'TCP', port, targetPort, nodePort: nodePort || undefined };
      });
      const obj = {
        kind: 'Service',
        apiVersion: 'v1',
        metadata: { name, creationTimestamp: null, labels: { app: name } },
        spec: {
          ports: ports.length ? ports : undefined,
          selector: { app: name },
          clusterIP: clusterIP || undefined,
          type: v.type,
          externalName: externalName || undefined,
        },
        status: { loadBalancer: {} },
      };
      await createGenerated(ctx, obj, { group: '', version: 'v1', resource: 'services', namespaced: true, errorPrefix: `failed to create ${v.type} service: ` });
    },
  };
}

export const service: Command = {
  name: 'service',
  aliases: ['svc'],
  short: 'Create a service using a specified subcommand',
  long: 'Create a service using a specified subcommand.',
  usage: 'kubectl create service',
  subcommands: variants.map(variantCommand).sort((a, b) => (a.name < b.name ? -1 : 1)),
};
