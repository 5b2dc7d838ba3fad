/**
 * Test-only: a Deployment controller and a ReplicaSet controller over one test bench, with the
 * kubelet's part played by `markReady`. `step` runs one round (ReplicaSet statuses, one
 * Deployment sync, the ReplicaSets' pod writes), delivering watch events in between; `settle`
 * repeats rounds, marking pods Ready, until the rollout is complete (as `kubectl rollout status`
 * decides it) and checks the given invariant after every write round.
 */
import type { Deployment, ReplicaSet } from '../../api/generated/apps/v1.js';
import type { Pod } from '../../api/generated/core/v1.js';
import { rfc3339 } from '../../api/time.js';
import { resources } from '../../client/resources.js';
import { objectKey } from '../../client/store.js';
import { clientFor } from '../controller.js';
import { DeploymentController } from '../deployment.js';
import { ReplicaController } from '../replicaset.js';
import { replicaSetKind } from '../replicaset/kinds.js';
import { deliver } from '../replicaset/testing.js';
import { newTestBench, type TestBench } from '../testing.js';

/** A Deployment named `name` in `default` selecting app=`name`, image `image`. */
export function deployment(name: string, spec: Partial<NonNullable<Deployment['spec']>> & { image?: string } = {}): Deployment {
  const { image = 'nginx:1', ...rest } = spec;
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: 1 },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      ...rest,
    },
  };
}

/** The two controllers over one bench. */
export class Cluster {
  readonly bench: TestBench;
  dc: DeploymentController;
  rsc: ReplicaController;

  constructor(bench: TestBench = newTestBench()) {
    this.bench = bench;
    this.dc = new DeploymentController(bench.ctx);
    this.rsc = new ReplicaController(bench.ctx, replicaSetKind);
  }

  /** Replaces both controllers with fresh instances (a controller-manager restart). */
  restart(): void {
    this.dc = new DeploymentController(this.bench.ctx);
    this.rsc = new ReplicaController(this.bench.ctx, replicaSetKind);
  }

  /** Delivers every pending change of the fake API to the caches and handlers. */
  deliver(): void {
    deliver(this.bench, resources.deployments);
    deliver<ReplicaSet>(this.bench, resources.replicasets, this.rsc.ownerHandler, this.dc.rsHandler);
    deliver<Pod>(this.bench, resources.pods, this.rsc.podHandler, this.dc.podHandler);
  }

  deployment(name = 'web'): Deployment {
    const d = this.bench.transport.object<Deployment>(resources.deployments, 'default', name);
    if (!d) throw new Error(`no deployment ${name}`);
    return d;
  }

  replicaSets(): ReplicaSet[] {
    return this.bench.transport.objects<ReplicaSet>(resources.replicasets);
  }

  pods(): Pod[] {
    return this.bench.transport.objects<Pod>(resources.pods);
  }

  /** Changes the stored Deployment's spec (the generation moves as the API server moves it). */
  async updateSpec(name: string, f: (spec: NonNullable<Deployment['spec']>) => void): Promise<void> {
    const d = structuredClone(this.deployment(name));
    f(d.spec!);
    await clientFor<Deployment>(this.bench.ctx, resources.deployments).update(d);
    this.deliver();
  }

  /** Marks every pod Ready (as of now) that is not yet. */
  async markReady(): Promise<void> {
    const now = rfc3339(this.bench.clock.now());
    for (const p of this.pods()) {
      if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
      const status = { ...(p.status ?? {}), phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] };
      await this.bench.ctx.client.request({ method: 'PUT', path: `/api/v1/namespaces/${p.metadata?.namespace ?? ''}/pods/${p.metadata?.name ?? ''}/status`, body: { ...p, status } });
    }
    this.deliver();
  }

  /** One round: ReplicaSet statuses, one Deployment sync, then the ReplicaSets' pod writes. */
  async step(name = 'web'): Promise<void> {
    this.deliver();
    await this.#syncReplicaSets();
    await this.dc.reconcile(`default/${name}`);
    this.deliver();
    await this.#syncReplicaSets();
  }

  async #syncReplicaSets(): Promise<void> {
    for (const rs of this.replicaSets()) await this.rsc.reconcile(objectKey(rs));
    this.deliver();
  }

  /** True when `kubectl rollout status` would print "successfully rolled out". */
  rolledOut(name = 'web'): boolean {
    const d = this.deployment(name);
    const s = d.status ?? {};
    return (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) && (s.updatedReplicas ?? 0) >= (d.spec?.replicas ?? 1) && (s.replicas ?? 0) <= (s.updatedReplicas ?? 0) && (s.availableReplicas ?? 0) >= (s.updatedReplicas ?? 0);
  }

  /** Rounds (marking pods Ready between them) until rolled out; `check` runs after each round. Returns the rounds taken. */
  async settle(o: { name?: string; maxRounds?: number; ready?: boolean; check?: () => void } = {}): Promise<number> {
    const name = o.name ?? 'web';
    for (let i = 1; i <= (o.maxRounds ?? 50); i++) {
      await this.step(name);
      o.check?.();
      if (o.ready !== false) await this.markReady();
      await this.step(name);
      o.check?.();
      if (this.rolledOut(name)) return i;
    }
    throw new Error(`deployment ${name} did not roll out: ${JSON.stringify(this.deployment(name).status)}`);
  }
}
