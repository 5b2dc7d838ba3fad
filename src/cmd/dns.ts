/** `k8ts dns`: the cluster DNS server. Flags only; behaviour lives in src/dns. */
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { loadKubeconfig } from '../client/config.js';
import { RestClient } from '../client/rest.js';
import { parseUpstream } from '../dns/forward.js';
import { publishDnsServiceWithRetry } from '../dns/publish.js';
import { isIPv4Cidr } from '../dns/recursion.js';
import { startDns } from '../dns/run.js';
import { createLogger } from '../util/log.js';
import { primaryIPv4 } from '../util/net.js';
import { parse, shutdownSignal, UsageError } from './flags.js';
import { errorText } from '../util/errors.js';

const help = `Usage: k8ts dns --kubeconfig FILE [flags]

Answers <svc>.<ns>.svc.<domain> (A/AAAA, SRV, PTR, ExternalName CNAMEs, headless endpoints) and
<a-b-c-d>.<ns>.pod.<domain> from the API's Services and EndpointSlices; forwards other names to
the node's resolvers.

  --kubeconfig FILE          the cluster to serve (required)
  --address IP               listen address (default 0.0.0.0)
  --port N                   UDP and TCP port (default 53; 0 picks a free one)
  --cluster-domain D         default cluster.local
  --upstream IP[,IP]         resolvers for other names, IP or IP:PORT (default: /etc/resolv.conf's)
  --reverse-cidr CIDR[,CIDR] IPv4 ranges whose unknown reverse names answer NXDOMAIN (not forwarded)
  --recursion-from CIDR[,CIDR]
                             only these IPv4 ranges and this machine may have names forwarded
                             upstream; others get REFUSED (default: anyone may)
  --publish                  keep the kube-system/kube-dns Service, Endpoints and EndpointSlice
                             pointing here; needs --cluster-ip
  --cluster-ip IP            the kube-dns Service's ClusterIP (in the service CIDR)
  --node-ip IP               the address published as the endpoint (default: this machine's)`;

const list = (v: string | undefined) => v?.split(',').map((s) => s.trim()).filter(Boolean);

export async function main(args: string[]): Promise<void> {
  const { values } = parse(args, {
    kubeconfig: { type: 'string' },
    address: { type: 'string' },
    port: { type: 'string' },
    'cluster-domain': { type: 'string' },
    upstream: { type: 'string' },
    'reverse-cidr': { type: 'string' },
    'recursion-from': { type: 'string' },
    publish: { type: 'boolean' },
    'cluster-ip': { type: 'string' },
    'node-ip': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return void console.log(help);
  if (!values.kubeconfig) throw new UsageError('--kubeconfig is required');
  if (!existsSync(values.kubeconfig)) throw new UsageError(`--kubeconfig: no such file: ${values.kubeconfig}`);
  const port = values.port === undefined ? 53 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: not a port: ${values.port}`);
  if (values.address && !isIP(values.address)) throw new UsageError(`--address: not an IP address: ${values.address}`);
  const clusterIP = values['cluster-ip'];
  if (values.publish && (!clusterIP || !isIP(clusterIP))) throw new UsageError('--publish needs --cluster-ip IP');
  const nodeIP = values['node-ip'] ?? primaryIPv4();
  if (!isIP(nodeIP)) throw new UsageError(`--node-ip: not an IP address: ${nodeIP}`);

  const upstreams = list(values.upstream);
  for (const u of upstreams ?? []) {
    try {
      parseUpstream(u);
    } catch (e) {
      throw new UsageError(`--upstream: ${errorText(e)}`);
    }
  }

  const recursionFrom = list(values['recursion-from']);
  for (const c of recursionFrom ?? []) if (!isIPv4Cidr(c)) throw new UsageError(`--recursion-from: not an IPv4 CIDR: ${c}`);

  const logger = createLogger('dns');
  const transport = new RestClient(loadKubeconfig(values.kubeconfig), { qps: 0, userAgent: 'k8ts-dns' });
  const signal = shutdownSignal();
  try {
    const dns = await startDns(
      {
        transport,
        address: values.address,
        port,
        clusterDomain: values['cluster-domain'],
        upstreams,
        reverseCidrs: list(values['reverse-cidr']),
        recursionFrom,
        excludeUpstreams: clusterIP ? [clusterIP] : [],
        logger,
      },
      signal,
    );
    const published = values.publish && clusterIP ? publishDnsServiceWithRetry({ transport, clusterIP, nodeIP, port: dns.port, logger }, signal) : undefined;
    await Promise.all([dns.done, published]);
  } finally {
    transport.close();
  }
}
