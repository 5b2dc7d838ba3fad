/** `k8ts server` and `k8ts apiserver`: flags only; behaviour lives in src/server. */
import { join } from 'node:path';
import { runServer } from '../server/run.js';
import { kubeletFlagHelp, kubeletFlags, kubeletOptions } from './kubelet.js';
import { defaults } from '../kubelet/config.js';
import { cidrAddress } from '../util/net.js';
import { createLogger } from '../util/log.js';
import { selectControllers } from '../controllers/manager.js';
import { allControllers } from '../controllers/registry.js';
import { PROXY_MODES, type ProxyMode } from '../proxy/model.js';
import { defaultDataDir, parse, shutdownSignal, UsageError } from './flags.js';
import { errorText } from '../util/errors.js';

const common = `  --data-dir DIR                     state, PKI and kubeconfig (default ${defaultDataDir()})
  --etcd-servers URL[,URL...]        keep state in this etcd cluster instead of embedded SQLite
  --bind-address IP                  address to serve on (default 127.0.0.1)
  --secure-port N                    HTTPS port (default 6443)
  --service-cluster-ip-range CIDR    ClusterIPs come from here (default 10.43.0.0/16)
  --advertise-address IP             address pods use to reach the API server
  --service-account-issuer URL       the iss of ServiceAccount tokens (default https://kubernetes.default.svc.cluster.local)
  --api-audiences LIST               audiences API tokens must carry (default: the issuer)`;

export const serverUsage = `Usage: k8ts server [flags]

Runs the all-in-one control plane on embedded SQLite (or etcd) and writes the admin kubeconfig
to <data-dir>/kubeconfig.yaml, with a node agent (kubelet, its own containerd) on this machine
keeping its state in <data-dir>/agent, and the scheduler and controller manager beside them.

${common}
  --disable-agent                    run the control plane only (no node on this machine)
  --disable-scheduler                do not run the scheduler (run \`k8ts scheduler\` elsewhere)
  --disable-controller-manager       do not run the controller manager
  --controllers LIST                 controllers to run: * for all, -name to leave one out (default *)
  --disable-kube-proxy               do not run the service proxy (run \`k8ts proxy\` elsewhere)
  --proxy-mode MODE                  iptables (default), nftables or userspace
  --service-lb-pool RANGES           LoadBalancer addresses, put on the node (default 10.44.0.0/24)
  --disable-dns                      do not run the cluster DNS (kube-dns at the tenth Service address)
${kubeletFlagHelp}`;

export const apiserverUsage = `Usage: k8ts apiserver [flags]

Runs the API server alone.

${common}`;

async function run(args: string[], usage: string, component: string): Promise<void> {
  const { values } = parse(args, {
    'data-dir': { type: 'string' },
    'etcd-servers': { type: 'string' },
    'bind-address': { type: 'string' },
    'secure-port': { type: 'string' },
    'service-cluster-ip-range': { type: 'string' },
    'advertise-address': { type: 'string' },
    'service-account-issuer': { type: 'string' },
    'api-audiences': { type: 'string' },
    ...(component === 'server'
      ? { 'disable-agent': { type: 'boolean' }, 'disable-scheduler': { type: 'boolean' }, 'disable-controller-manager': { type: 'boolean' }, controllers: { type: 'string' }, 'disable-kube-proxy': { type: 'boolean' }, 'disable-dns': { type: 'boolean' }, 'service-lb-pool': { type: 'string' }, 'proxy-mode': { type: 'string' }, ...kubeletFlags }
      : {}),
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const log = createLogger(component);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const v = values as Record<string, string | boolean | undefined>;
  const withAgent = component === 'server' && !v['disable-agent'];
  if (withAgent && process.getuid?.() !== 0) log.warn('not root: running without the node agent (pods will not run here)');
  // The node's Service CIDR is the API server's range, so ClusterIPs and the node's routes agree.
  const serviceCIDR = (v['service-cluster-ip-range'] ?? v['service-cidr'] ?? defaults.serviceCIDR) as string;
  // Our DNS takes --cluster-dns, else the tenth Service address (k3s's 10.43.0.10, inside the band
  // the API server never hands out on its own), and pods are pointed at it.
  const dnsIP = v['disable-dns'] ? undefined : typeof v['cluster-dns'] === 'string' && v['cluster-dns'] ? (v['cluster-dns'].split(',')[0] ?? '') : cidrAddress(serviceCIDR, 10);
  const agentFlags = { ...(v as Record<string, string>), 'data-dir': join(dataDir, 'agent'), 'service-cidr': serviceCIDR, ...(dnsIP && !v['cluster-dns'] ? { 'cluster-dns': dnsIP } : {}) };
  const agent = withAgent && process.getuid?.() === 0 ? kubeletOptions(agentFlags, createLogger('kubelet')) : undefined;
  const proxyMode = v['proxy-mode'];
  if (proxyMode !== undefined && !PROXY_MODES.includes(proxyMode as ProxyMode)) throw new UsageError(`--proxy-mode: want one of ${PROXY_MODES.join(', ')}, got ${String(proxyMode)}`);
  const controllers = typeof v['controllers'] === 'string' ? v['controllers'].split(',').filter(Boolean) : undefined;
  try {
    selectControllers(allControllers, controllers);
  } catch (e) {
    throw new UsageError(`--controllers: ${errorText(e)}`);
  }
  await runServer(
    {
      dataDir,
      ...(agent ? { agent } : {}),
      etcdServers: values['etcd-servers']?.split(',').filter(Boolean),
      bindAddress: values['bind-address'],
      securePort: values['secure-port'] ? Number(values['secure-port']) : undefined,
      serviceClusterIpRange: values['service-cluster-ip-range'],
      advertiseAddress: values['advertise-address'],
      serviceAccountIssuer: values['service-account-issuer'],
      apiAudiences: values['api-audiences']?.split(',').filter(Boolean),
      scheduler: component === 'server' && !v['disable-scheduler'],
      controllerManager: component === 'server' && !v['disable-controller-manager'],
      controllers,
      ...(dnsIP ? { dns: { clusterIP: dnsIP } } : {}),
      proxy: v['disable-kube-proxy'] ? false : { ...(proxyMode ? { mode: proxyMode as ProxyMode } : {}) },
      controllerSettings: {
        ...(typeof v['cluster-cidr'] === 'string' ? { clusterCidr: v['cluster-cidr'] } : {}),
        ...(values['service-cluster-ip-range'] ? { serviceCidr: values['service-cluster-ip-range'] } : {}),
        ...(typeof v['service-lb-pool'] === 'string' ? { loadBalancerPool: v['service-lb-pool'] } : {}),
      },
      log,
    },
    shutdownSignal(),
  );
}

export const main = (args: string[]) => run(args, serverUsage, 'server');
export const apiserverMain = (args: string[]) => run(args, apiserverUsage, 'apiserver');
