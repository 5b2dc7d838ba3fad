/** `k8ts scheduler`, `k8ts controller-manager` and `k8ts hollow-nodes`: flags only; behaviour lives below. */
import { existsSync } from 'node:fs';
import { loadKubeconfig } from '../client/config.js';
import { selectControllers } from '../controllers/manager.js';
import { allControllers } from '../controllers/registry.js';
import { RestClient } from '../client/rest.js';
import { runHollowNodes } from '../kubelet/hollow/hollow.js';
import { runControllerManagerProcess, runSchedulerProcess } from '../server/control-loops.js';
import { createLogger } from '../util/log.js';
import { readFileSync } from 'node:fs';
import { parse, shutdownSignal, UsageError } from './flags.js';
import { errorText } from '../util/errors.js';

const clientFlags = {
  kubeconfig: { type: 'string' },
  'kube-api-qps': { type: 'string' },
  'kube-api-burst': { type: 'string' },
  'leader-elect': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const clientHelp = `  --kubeconfig FILE                  the cluster to work on (required)
  --kube-api-qps N, --kube-api-burst N   API request rate limit (default 1000 / 2000 for the scheduler, 500 / 1000 for the controllers)
  --leader-elect true|false          hold a Lease in kube-system while running (default true)`;

const num = (v: string | undefined, flag: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${flag}: not a number: ${v}`);
  return n;
};

function common(values: { kubeconfig?: string; 'kube-api-qps'?: string; 'kube-api-burst'?: string; 'leader-elect'?: string }) {
  if (!values.kubeconfig) throw new UsageError('--kubeconfig is required');
  if (!existsSync(values.kubeconfig)) throw new UsageError(`--kubeconfig: no such file: ${values.kubeconfig}`);
  const le = values['leader-elect'];
  if (le !== undefined && le !== 'true' && le !== 'false') throw new UsageError(`--leader-elect: want true or false, got ${le}`);
  return { config: loadKubeconfig(values.kubeconfig), qps: num(values['kube-api-qps'], 'kube-api-qps'), burst: num(values['kube-api-burst'], 'kube-api-burst'), leaderElect: le !== 'false' };
}

export async function schedulerMain(args: string[]): Promise<void> {
  const { values } = parse(args, clientFlags);
  if (values.help) return void console.log(`Usage: k8ts scheduler --kubeconfig FILE [flags]\n\nPlaces pending pods on nodes (filter, score, bind; priority and preemption).\n\n${clientHelp}`);
  await runSchedulerProcess({ ...common(values), logger: createLogger('scheduler') }, shutdownSignal());
}

export async function controllerManagerMain(args: string[]): Promise<void> {
  const { values } = parse(args, {
    ...clientFlags,
    controllers: { type: 'string' },
    'cluster-cidr': { type: 'string' },
    'node-cidr-mask-size': { type: 'string' },
    'service-cluster-ip-range': { type: 'string' },
    'node-monitor-grace-period': { type: 'string' },
    'service-lb-pool': { type: 'string' },
    'root-ca-file': { type: 'string' },
  });
  if (values.help) {
    return void console.log(`Usage: k8ts controller-manager --kubeconfig FILE [flags]

Runs the controllers (replicaset, deployment, daemonset, job, cronjob, endpoints, garbage collector, …).

${clientHelp}
  --controllers LIST                 * for all, -name to leave one out, or names (default *)
  --cluster-cidr CIDR                node podCIDRs come from here (default 10.42.0.0/16)
  --node-cidr-mask-size N            prefix length of each node's podCIDR (default 24)
  --service-cluster-ip-range CIDR    the service CIDR (default 10.43.0.0/16)
  --node-monitor-grace-period SECONDS  a node silent this long is NotReady (default 40)
  --service-lb-pool RANGES           LoadBalancer addresses: CIDRs, a-b ranges, IPs, comma-separated (default 10.44.0.0/24)
  --root-ca-file FILE                the CA put in every namespace's kube-root-ca.crt (default: the CA of --kubeconfig)`);
  }
  const controllers = values.controllers?.split(',').filter(Boolean);
  try {
    selectControllers(allControllers, controllers);
  } catch (e) {
    throw new UsageError(`--controllers: ${errorText(e)}`);
  }
  const grace = num(values['node-monitor-grace-period']?.replace(/s$/, ''), 'node-monitor-grace-period');
  const mask = num(values['node-cidr-mask-size'], 'node-cidr-mask-size');
  await runControllerManagerProcess(
    {
      ...common(values),
      controllers,
      settings: {
        ...(values['cluster-cidr'] ? { clusterCidr: values['cluster-cidr'] } : {}),
        ...(values['service-cluster-ip-range'] ? { serviceCidr: values['service-cluster-ip-range'] } : {}),
        ...(mask !== undefined ? { nodeCidrMaskSize: mask } : {}),
        ...(grace !== undefined ? { nodeMonitorGracePeriodMs: grace * 1000 } : {}),
        ...(values['service-lb-pool'] ? { loadBalancerPool: values['service-lb-pool'] } : {}),
        ...(values['root-ca-file'] ? { rootCaPem: readRootCa(values['root-ca-file']) } : {}),
      },
      logger: createLogger('controller-manager'),
    },
    shutdownSignal(),
  );
}

function readRootCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--root-ca-file: ${errorText(e)}`);
  }
}

export async function hollowNodesMain(args: string[]): Promise<void> {
  const { values } = parse(args, { kubeconfig: clientFlags.kubeconfig, count: { type: 'string' }, prefix: { type: 'string' }, cpu: { type: 'string' }, memory: { type: 'string' }, pods: { type: 'string' }, help: clientFlags.help });
  if (values.help) {
    return void console.log(`Usage: k8ts hollow-nodes --kubeconfig FILE --count N [flags]

Registers N fake nodes whose "kubelet" marks the pods bound to them Running without running
containers (as kwok does), to measure the control plane at scale.

  --kubeconfig FILE    the cluster to join (required)
  --count N            how many nodes (required)
  --prefix P           node names P0, P1, … (default hollow-)
  --cpu Q --memory Q --pods N   each node's capacity (default 4, 16Gi, 110)`);
  }
  if (!values.kubeconfig) throw new UsageError('--kubeconfig is required');
  if (!existsSync(values.kubeconfig)) throw new UsageError(`--kubeconfig: no such file: ${values.kubeconfig}`);
  const count = num(values.count, 'count');
  if (!count) throw new UsageError('--count is required');
  const transport = new RestClient(loadKubeconfig(values.kubeconfig), { qps: 0, userAgent: 'k8ts-hollow-nodes' });
  try {
    await runHollowNodes({ transport, count, prefix: values.prefix, capacity: { cpu: values.cpu, memory: values.memory, pods: values.pods }, logger: createLogger('hollow-nodes') }, shutdownSignal());
  } finally {
    transport.close();
  }
}
