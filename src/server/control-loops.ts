/**
 * The control loops of a control plane: the scheduler and the controller manager, each over its
 * own API client (as separate processes would have), each holding its Lease while it runs.
 * `k8ts server` runs them beside the API server; `k8ts scheduler` / `k8ts controller-manager`
 * run one alone.
 */
import { hostname } from 'node:os';
import type { ClientConfig } from '../client/config.js';
import { RestClient } from '../client/rest.js';
import type { ControllerSettings } from '../controllers/controller.js';
import { runControllerManager } from '../controllers/manager.js';
import { allControllers } from '../controllers/registry.js';
import { runScheduler } from '../scheduler/run.js';
import { createLogger, type Logger } from '../util/log.js';

/**
 * API client limits. kube-scheduler and kube-controller-manager default far lower (50 and 20 QPS),
 * which caps the scheduler at ~25 pods/s (a binding and an Event each); k3s raises them too.
 */
export interface ApiLimits {
  qps?: number;
  burst?: number;
}

const client = (config: ClientConfig, limits: ApiLimits, userAgent: string, qps: number) => new RestClient(config, { qps: limits.qps ?? qps, burst: limits.burst ?? qps * 2, userAgent });

/** Options of {@link runSchedulerProcess}. */
export interface SchedulerProcessOptions extends ApiLimits {
  config: ClientConfig;
  leaderElect?: boolean;
  /** A fixed Lease identity (the all-in-one server uses one, so a restart re-takes its own Lease at once). */
  identity?: string;
  logger?: Logger;
}

/** Runs the scheduler until `signal` aborts. */
export async function runSchedulerProcess(o: SchedulerProcessOptions, signal: AbortSignal): Promise<void> {
  const transport = client(o.config, o, 'k8ts-scheduler', 1000);
  try {
    await runScheduler({ transport, leaderElect: o.leaderElect, identity: o.identity, logger: o.logger ?? createLogger('scheduler') }, signal);
  } finally {
    transport.close();
  }
}

/** Options of {@link runControllerManagerProcess}. */
export interface ControllerManagerProcessOptions extends ApiLimits {
  config: ClientConfig;
  /** --controllers (default all). */
  controllers?: string[];
  settings?: Partial<ControllerSettings>;
  leaderElect?: boolean;
  identity?: string;
  logger?: Logger;
}

/** Runs the controller manager until `signal` aborts. */
export async function runControllerManagerProcess(o: ControllerManagerProcessOptions, signal: AbortSignal): Promise<void> {
  const transport = client(o.config, o, 'k8ts-controller-manager', 500);
  try {
    await runControllerManager(
      { transport, descriptors: allControllers, enabled: o.controllers, settings: { rootCaPem: o.config.caPem, ...o.settings }, leaderElect: o.leaderElect, identity: o.identity, logger: o.logger ?? createLogger('controller-manager') },
      signal,
    );
  } finally {
    transport.close();
  }
}

/** The Lease identity of the all-in-one server's loops: stable across restarts of the same server. */
export const serverIdentity = (dataDir: string) => `${hostname()}_${dataDir}`;
