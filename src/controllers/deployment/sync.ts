/**
 * One sync of one Deployment (upstream deployment/sync.go): a working copy of the Deployment and
 * the latest known version of each of its ReplicaSets, and the primitives every strategy uses —
 * finding or creating the new ReplicaSet (named `<deployment>-<pod-template-hash>`, so a restart
 * finds it again; an AlreadyExists of our own ReplicaSet is adopted, someone else's bumps
 * collisionCount), keeping revisions in step, scaling a ReplicaSet with its ScalingReplicaSet
 * Event, and writing the status. Every write replaces the copy it came from, so later steps of
 * the same sync never write from a stale resourceVersion of their own making.
 */
import { isDeepStrictEqual } from 'node:util';
import { hasStatusCause, isAlreadyExists } from '../../api/errors.js';
import type { Deployment, DeploymentStatus, ReplicaSet } from '../../api/generated/apps/v1.js';
import type { Clock } from '../../client/clock.js';
import type { ResourceClient } from '../../client/resource.js';
import { resources } from '../../client/resources.js';
import type { Logger } from '../../util/log.js';
import type { EventSink } from '../controller.js';
import { isControlledBy, newControllerRef, withKind } from '../util/owner.js';
import { replicasAnnotationsFor, replicasAnnotationsNeedUpdate, setNewReplicaSetAnnotations, setReplicasAnnotations } from './annotations.js';
import { newRSNewReplicas } from './fenceposts.js';
import { canonical, computeHash, equalIgnoreHash } from './hash.js';
import { PROGRESSING, Reason, calculateStatus, getCondition, hasProgressDeadline, newCondition, rolloutStatus, setCondition, stuckRequeueMs } from './progress.js';
import { POD_TEMPLATE_HASH, REVISION, findNewReplicaSet, findOldReplicaSets, maxRevision, replicasOf } from './replicasets.js';
import { errorText } from '../../util/errors.js';

/** What a sync writes through and reports to. */
export interface SyncDeps {
  rsClient: ResourceClient<ReplicaSet>;
  dClient: ResourceClient<Deployment>;
  events: EventSink;
  clock: Clock;
  logger: Logger;
  /** Looks at the Deployment again after `ms`. */
  requeueAfter(ms: number): void;
}

/** The new ReplicaSet (if any) and every other one. */
export interface ReplicaSets {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

const message = (e: unknown): string => errorText(e);

/** The state and write primitives of one Deployment sync. */
export class DeploymentSync {
  /** The working copy (mutable; refreshed after each write). */
  d: Deployment;
  /** The Deployment's ReplicaSets, latest known versions. */
  rsList: ReplicaSet[];
  #revisionDirty = false;

  constructor(
    readonly deps: SyncDeps,
    d: Deployment,
    rsList: readonly ReplicaSet[],
  ) {
    this.d = structuredClone(d);
    this.rsList = [...rsList];
  }

  now(): number {
    return this.deps.clock.now();
  }

  #status(): DeploymentStatus {
    return (this.d.status ??= {});
  }

  #record(type: 'Normal' | 'Warning', reason: string, msg: string): void {
    this.deps.events.record(withKind(this.d, resources.deployments), type, reason, msg);
  }

  /** The latest known version of `rs`. */
  latest(rs: ReplicaSet): ReplicaSet;
  latest(rs: ReplicaSet | undefined): ReplicaSet | undefined;
  latest(rs: ReplicaSet | undefined): ReplicaSet | undefined {
    if (!rs) return undefined;
    return this.rsList.find((x) => x.metadata?.name === rs.metadata?.name) ?? rs;
  }

  #replace(rs: ReplicaSet): void {
    const i = this.rsList.findIndex((x) => x.metadata?.name === rs.metadata?.name);
    if (i >= 0) this.rsList[i] = rs;
    else this.rsList.push(rs);
  }

  /** Sets the Deployment's revision annotation (written with the next status write). */
  #setRevision(revision: string | undefined): boolean {
    if (revision === undefined || this.d.metadata?.annotations?.[REVISION] === revision) return false;
    this.d.metadata = { ...this.d.metadata, annotations: { ...(this.d.metadata?.annotations ?? {}), [REVISION]: revision } };
    this.#revisionDirty = true;
    return true;
  }

  /**
   * Writes the working copy's status (and a changed revision annotation first: the status
   * subresource keeps metadata, so the annotation goes in its own resourceVersion-guarded patch).
   */
  async writeStatus(): Promise<void> {
    const { name = '', namespace } = this.d.metadata ?? {};
    if (this.#revisionDirty) {
      const patch = { metadata: { resourceVersion: this.d.metadata?.resourceVersion, annotations: { [REVISION]: this.d.metadata?.annotations?.[REVISION] } } };
      const patched = await this.deps.dClient.patch(name, patch, { namespace });
      this.#revisionDirty = false;
      this.d.metadata = { ...this.d.metadata, resourceVersion: patched.metadata?.resourceVersion };
    }
    this.d = structuredClone(await this.deps.dClient.updateStatus(this.d, { namespace }));
  }

  /** Replaces the status with `s` and writes it, unless nothing changed. Returns whether it wrote. */
  async #putStatus(s: DeploymentStatus): Promise<boolean> {
    if (isDeepStrictEqual(canonical(this.d.status ?? {}), canonical(s)) && !this.#revisionDirty) return false;
    this.d.status = s;
    await this.writeStatus();
    return true;
  }

  /** The new and old ReplicaSets, creating the new one if asked and absent; revisions brought in step. */
  async getAllReplicaSetsAndSyncRevision(create: boolean): Promise<ReplicaSets> {
    const oldRSs = findOldReplicaSets(this.d, this.rsList);
    const newRS = await this.#getNewReplicaSet(oldRSs, create);
    return { newRS, oldRSs: oldRSs.map((rs) => this.latest(rs)) };
  }

  async #getNewReplicaSet(oldRSs: readonly ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
    const d = this.d;
    const existing = findNewReplicaSet(d, this.rsList);
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) {
      const copy = structuredClone(existing);
      const annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true);
      const minReady = d.spec?.minReadySeconds ?? 0;
      if (annotationsUpdated || (copy.spec?.minReadySeconds ?? 0) !== minReady) {
        copy.spec = { ...copy.spec!, minReadySeconds: minReady };
        const updated = await this.deps.rsClient.update(copy);
        this.#replace(updated);
        return updated;
      }
      let needsUpdate = this.#setRevision(copy.metadata?.annotations?.[REVISION]);
      if (hasProgressDeadline(d) && !getCondition(d.status, PROGRESSING)) {
        setCondition(this.#status(), newCondition(PROGRESSING, 'True', Reason.foundNewReplicaSet, `Found new replica set "${copy.metadata?.name ?? ''}"`, this.now()));
        needsUpdate = true;
      }
      if (needsUpdate) await this.writeStatus();
      return existing;
    }
    if (!create) return undefined;
    return this.#createNewReplicaSet(oldRSs, newRevision);
  }

  async #createNewReplicaSet(oldRSs: readonly ReplicaSet[], newRevision: number): Promise<ReplicaSet> {
    const d = this.d;
    const namespace = d.metadata?.namespace ?? '';
    const hash = computeHash(d.spec?.template, d.status?.collisionCount);
    const labels = { ...(d.spec?.template?.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const template = structuredClone(d.spec?.template ?? {});
    template.metadata = { ...(template.metadata ?? {}), labels };
    const selector = structuredClone(d.spec?.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const newRS: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      // Deterministic: a restarted or lagging controller arrives at the same name (AlreadyExists).
      metadata: { name: `${d.metadata?.name ?? ''}-${hash}`, namespace, ownerReferences: [newControllerRef(d, resources.deployments)], labels: { ...labels } },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    const count = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
    newRS.spec!.replicas = count;
    setNewReplicaSetAnnotations(d, newRS, newRevision, false);
    const name = newRS.metadata?.name ?? '';
    let created: ReplicaSet;
    let alreadyExists = false;
    try {
      created = await this.deps.rsClient.create(newRS, { namespace });
    } catch (e) {
      if (isAlreadyExists(e)) {
        alreadyExists = true;
        // Read the API, not the cache: the cache is what lagged.
        const rs = await this.deps.rsClient.get(name, { namespace });
        if (!isControlledBy(rs, d.metadata?.uid) || !equalIgnoreHash(d.spec?.template, rs.spec?.template)) {
          // A hash collision: move to the next name and retry.
          this.#status().collisionCount = (d.status?.collisionCount ?? 0) + 1;
          await this.writeStatus();
          this.deps.logger.info('deployment: pod-template-hash collision; bumped collisionCount', { deployment: `${namespace}/${d.metadata?.name ?? ''}`, collisionCount: this.d.status?.collisionCount ?? 0 });
          throw e;
        }
        created = rs;
      } else {
        if (hasStatusCause(e, 'NamespaceTerminating')) throw e;
        const msg = `Failed to create new replica set "${name}": ${message(e)}`;
        if (hasProgressDeadline(d)) {
          setCondition(this.#status(), newCondition(PROGRESSING, 'False', Reason.failedRSCreate, msg, this.now()));
          await this.writeStatus().catch(() => undefined);
        }
        this.#record('Warning', Reason.failedRSCreate, msg);
        throw e;
      }
    }
    this.#replace(created);
    if (!alreadyExists && count > 0) this.#record('Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} to ${count}`);
    let needsUpdate = this.#setRevision(String(newRevision));
    if (!alreadyExists && hasProgressDeadline(d)) {
      setCondition(this.#status(), newCondition(PROGRESSING, 'True', Reason.newReplicaSet, `Created new replica set "${name}"`, this.now()));
      needsUpdate = true;
    }
    if (needsUpdate) await this.writeStatus();
    return created;
  }

  /** Scales `rs` to `n` (no-op when it is there); see {@link scaleReplicaSet}. */
  async scaleAndRecord(rs: ReplicaSet, n: number): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    if (replicasOf(rs) === n) return { scaled: false, rs };
    return this.scaleReplicaSet(rs, n, replicasOf(rs) < n ? 'up' : 'down');
  }

  /**
   * Sets `rs` to `n` replicas with current desired/max-replicas annotations (also when only those
   * are stale), recording "Scaled up replica set x to n from m" when the size changed.
   */
  async scaleReplicaSet(rs: ReplicaSet, n: number, op: string): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const { desired, max } = replicasAnnotationsFor(this.d);
    const sizeNeedsUpdate = replicasOf(rs) !== n;
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const copy = structuredClone(rs);
    copy.spec = { ...copy.spec!, replicas: n };
    setReplicasAnnotations(copy, desired, max);
    const updated = await this.deps.rsClient.update(copy);
    this.#replace(updated);
    if (sizeNeedsUpdate) this.#record('Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata?.name ?? ''} to ${n} from ${replicasOf(rs)}`);
    return { scaled: sizeNeedsUpdate, rs: updated };
  }

  /** Writes the counts and Available (no Progressing bookkeeping): paused, scaling, deleting. */
  async syncDeploymentStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<void> {
    await this.#putStatus(calculateStatus(allRSs.map((rs) => this.latest(rs)), this.latest(newRS), this.d, this.now()));
  }

  /** Writes the status after a rollout step; with nothing new, schedules the progress-deadline check. */
  async syncRolloutStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<void> {
    const s = rolloutStatus(
      allRSs.map((rs) => this.latest(rs)),
      this.latest(newRS),
      this.d,
      this.now(),
    );
    if (await this.#putStatus(s)) return;
    const after = stuckRequeueMs(this.d, s, this.now());
    if (after !== undefined) this.deps.requeueAfter(after);
  }

  /** Progressing=Unknown DeploymentPaused / DeploymentResumed on pause and resume (so resuming never times out at once). */
  async checkPausedConditions(): Promise<void> {
    const d = this.d;
    if (!hasProgressDeadline(d)) return;
    const c = getCondition(d.status, PROGRESSING);
    if (c?.reason === Reason.timedOut) return;
    const pausedCond = c?.reason === Reason.paused;
    if (d.spec?.paused && !pausedCond) setCondition(this.#status(), newCondition(PROGRESSING, 'Unknown', Reason.paused, 'Deployment is paused', this.now()));
    else if (!d.spec?.paused && pausedCond) setCondition(this.#status(), newCondition(PROGRESSING, 'Unknown', Reason.resumed, 'Deployment is resumed', this.now()));
    else return;
    await this.writeStatus();
  }
}
