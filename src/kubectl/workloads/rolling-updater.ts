/**
 * kubectl 1.5's rolling updater for ReplicationControllers: a new controller (created at 0
 * replicas, or found again to resume) is scaled up and the old one down, one step at a time,
 * never going below `desired - maxUnavailable` available pods nor above `desired + maxSurge`
 * pods, waiting `updatePeriod` between steps; then the old controller is deleted and, when the
 * old name is kept, the new one is renamed to it (re-created under the old name, its pods
 * orphaned and adopted in place, so none restart).
 */
import type { ReplicationController } from '../../api/generated/core/v1.js';
import { isNotFound } from '../../api/errors.js';
import { CliError } from '../errors.js';
import type { Streams } from '../types.js';
import type { RcClient } from './rc-client.js';

const PREFIX = 'kubectl.kubernetes.io/';
export const SOURCE_ID_ANNOTATION = `${PREFIX}update-source-id`;
export const DESIRED_REPLICAS_ANNOTATION = `${PREFIX}desired-replicas`;
export const ORIGINAL_REPLICAS_ANNOTATION = `${PREFIX}original-replicas`;
export const NEXT_CONTROLLER_ANNOTATION = `${PREFIX}next-controller-id`;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What happens to the controllers once the new one has every replica. */
export type CleanupPolicy = 'Delete' | 'Rename' | 'Preserve';

/** One rolling update. */
export interface RollingUpdateConfig {
  out: Streams['stdout'];
  oldRc: ReplicationController;
  newRc: ReplicationController;
  updatePeriodMs: number;
  intervalMs: number;
  timeoutMs: number;
  cleanup: CleanupPolicy;
  maxUnavailable: number;
  maxSurge: number;
}

const nameOf = (rc: ReplicationController) => rc.metadata?.name ?? '';
const replicasOf = (rc: ReplicationController) => rc.spec?.replicas ?? 1;

function annotate(rc: ReplicationController, key: string, value: string): void {
  rc.metadata = { ...rc.metadata, annotations: { ...rc.metadata?.annotations, [key]: value } };
}

/** Finds the controller to continue with, or creates it at 0 replicas remembering the desired count. */
async function getOrCreateTarget(c: RcClient, rc: ReplicationController, sourceId: string): Promise<{ rc: ReplicationController; existed: boolean }> {
  const existing = await c.find(nameOf(rc));
  if (!existing) {
    const want = replicasOf(rc);
    if (want <= 0) throw new CliError(`Invalid controller spec for ${nameOf(rc)}; required: > 0 replicas, actual: ${want}\n`);
    const fresh = structuredClone(rc);
    annotate(fresh, DESIRED_REPLICAS_ANNOTATION, String(want));
    annotate(fresh, SOURCE_ID_ANNOTATION, sourceId);
    fresh.spec = { ...fresh.spec, replicas: 0 };
    return { rc: await c.create(fresh), existed: false };
  }
  const annotations = existing.metadata?.annotations ?? {};
  if (annotations[SOURCE_ID_ANNOTATION] !== sourceId || annotations[DESIRED_REPLICAS_ANNOTATION] === undefined) {
    throw new CliError(`Missing/unexpected annotations for controller ${nameOf(rc)}, expected ${sourceId} : ${JSON.stringify(annotations)}`);
  }
  return { rc: existing, existed: true };
}

/** Runs the update to the end (kubectl's RollingUpdater.Update). */
export async function rollingUpdate(c: RcClient, config: RollingUpdateConfig): Promise<void> {
  const out = config.out;
  let oldRc = config.oldRc;
  const sourceId = `${nameOf(oldRc)}:${oldRc.metadata?.uid ?? ''}`;
  const target = await getOrCreateTarget(c, config.newRc, sourceId);
  let newRc = target.rc;
  out.write(target.existed ? `Continuing update with existing controller ${nameOf(newRc)}.\n` : `Created ${nameOf(newRc)}\n`);
  const desiredText = newRc.metadata?.annotations?.[DESIRED_REPLICAS_ANNOTATION] ?? '';
  if (!/^-?\d+$/.test(desiredText)) throw new CliError(`Unable to parse annotation for ${nameOf(newRc)}: ${DESIRED_REPLICAS_ANNOTATION}=${desiredText}`);
  const desired = Number(desiredText);
  if (oldRc.metadata?.annotations?.[ORIGINAL_REPLICAS_ANNOTATION] === undefined) {
    const existing = await c.get(nameOf(oldRc));
    oldRc = await c.update(existing, (rc) => annotate(rc, ORIGINAL_REPLICAS_ANNOTATION, String(replicasOf(existing))));
  }
  const maxSurge = config.maxSurge;
  let maxUnavailable = config.maxUnavailable;
  // Fenceposts: both zero would never move; kubectl then allows one unavailable.
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) throw new CliError('one of maxSurge or maxUnavailable must be specified');
  let minAvailable = Math.max(0, desired - maxUnavailable);
  if (desired === 0) {
    maxUnavailable = replicasOf(oldRc);
    minAvailable = 0;
  }
  out.write(
    `Scaling up ${nameOf(newRc)} from ${replicasOf(newRc)} to ${desired}, scaling down ${nameOf(oldRc)} from ${replicasOf(oldRc)} to 0 (keep ${minAvailable} pods available, don't exceed ${desired + maxSurge} pods)\n`,
  );
  let progressDeadline = Date.now() + config.timeoutMs;
  while (replicasOf(newRc) !== desired || replicasOf(oldRc) !== 0) {
    const before = [replicasOf(newRc), replicasOf(oldRc)];
    newRc = await scaleUp(c, config, newRc, oldRc, desired, maxSurge);
    await sleep(config.updatePeriodMs);
    oldRc = await scaleDown(c, config, newRc, oldRc, desired, minAvailable);
    if (replicasOf(newRc) !== before[0] || replicasOf(oldRc) !== before[1]) progressDeadline = Date.now() + config.timeoutMs;
    else if (Date.now() > progressDeadline) throw new CliError('timed out waiting for any update progress to be made');
  }
  await cleanup(c, config, oldRc, newRc);
}

async function scaleUp(c: RcClient, config: RollingUpdateConfig, newRc: ReplicationController, oldRc: ReplicationController, desired: number, maxSurge: number): Promise<ReplicationController> {
  if (replicasOf(newRc) === desired) return newRc;
  let increment = desired + maxSurge - (replicasOf(oldRc) + replicasOf(newRc));
  if (replicasOf(oldRc) === 0) increment = desired - replicasOf(newRc);
  if (increment <= 0) return newRc;
  const next = Math.min(replicasOf(newRc) + increment, desired);
  config.out.write(`Scaling ${nameOf(newRc)} up to ${next}\n`);
  return c.scaleAndWait(newRc, next, config.intervalMs, config.timeoutMs);
}

async function scaleDown(c: RcClient, config: RollingUpdateConfig, newRc: ReplicationController, oldRc: ReplicationController, desired: number, minAvailable: number): Promise<ReplicationController> {
  if (replicasOf(oldRc) === 0) return oldRc;
  // Not blocking on readiness: the progress deadline covers a rollout that stops moving.
  const newAvailable = await c.availablePods(newRc);
  const all = replicasOf(oldRc) + replicasOf(newRc);
  const newUnavailable = replicasOf(newRc) - newAvailable;
  const decrement = all - minAvailable - newUnavailable;
  if (decrement <= 0) return oldRc;
  let next = Math.max(replicasOf(oldRc) - decrement, 0);
  if (replicasOf(newRc) === desired && newAvailable === desired) next = 0;
  config.out.write(`Scaling ${nameOf(oldRc)} down to ${next}\n`);
  return c.scaleAndWait(oldRc, next, config.intervalMs, config.timeoutMs);
}

async function cleanup(c: RcClient, config: RollingUpdateConfig, oldRc: ReplicationController, newRc: ReplicationController): Promise<void> {
  let rc = await c.get(nameOf(newRc));
  rc = await c.update(rc, (r) => {
    const annotations = { ...r.metadata?.annotations };
    delete annotations[SOURCE_ID_ANNOTATION];
    delete annotations[DESIRED_REPLICAS_ANNOTATION];
    r.metadata = { ...r.metadata, annotations };
  });
  rc = await c.waitForReplicas(rc, config.intervalMs, config.timeoutMs);
  if (config.cleanup === 'Delete') {
    config.out.write(`Update succeeded. Deleting ${nameOf(oldRc)}\n`);
    await c.delete(nameOf(oldRc));
    return;
  }
  if (config.cleanup !== 'Rename') return;
  config.out.write(`Update succeeded. Deleting old controller: ${nameOf(oldRc)}\n`);
  await c.delete(nameOf(oldRc));
  config.out.write(`Renaming ${nameOf(rc)} to ${nameOf(oldRc)}\n`);
  // The old name must be free before it is taken again.
  await c.waitGone(nameOf(oldRc), config.intervalMs, 60_000);
  await rename(c, rc, nameOf(oldRc), config.intervalMs);
}

/**
 * Re-creates `rc` as `newName`: the old object is deleted orphaning its pods, and the copy with
 * the same selector adopts them (kubectl's Rename).
 */
export async function rename(c: RcClient, rc: ReplicationController, newName: string, intervalMs: number): Promise<void> {
  const oldName = nameOf(rc);
  try {
    await c.delete(oldName, true);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  await c.waitGone(oldName, Math.min(intervalMs, 1000), 60_000);
  const copy = structuredClone(rc);
  const meta = copy.metadata ?? {};
  copy.metadata = {
    name: newName,
    ...(meta.namespace ? { namespace: meta.namespace } : {}),
    ...(meta.labels ? { labels: meta.labels } : {}),
    ...(meta.annotations ? { annotations: meta.annotations } : {}),
  };
  delete copy.status;
  await c.create(copy);
}

/** The RC whose source annotation names `name` (an interrupted rename). */
export async function findSourceController(c: RcClient, name: string): Promise<ReplicationController> {
  const list = await c.list();
  const rc = list.items.find((r) => (r.metadata?.annotations?.[SOURCE_ID_ANNOTATION] ?? '').startsWith(name));
  if (!rc) throw new CliError(`couldn't find a replication controller with source id == ${c.namespace}/${name}`);
  return rc;
}

/** Swaps old and new to undo an update in progress (kubectl's AbortRollingUpdate). */
export function abortRollingUpdate(config: RollingUpdateConfig): void {
  const previousOld = config.oldRc;
  config.oldRc = config.newRc;
  config.newRc = structuredClone(previousOld);
  annotate(config.newRc, SOURCE_ID_ANNOTATION, `${nameOf(config.oldRc)}:${config.oldRc.metadata?.uid ?? ''}`);
  const original = previousOld.metadata?.annotations?.[ORIGINAL_REPLICAS_ANNOTATION];
  if (original === undefined) throw new CliError(`couldn't find original replica count of "${nameOf(previousOld)}"`);
  config.out.write(`Setting "${nameOf(config.newRc)}" replicas to ${original}\n`);
  annotate(config.newRc, DESIRED_REPLICAS_ANNOTATION, original);
  config.cleanup = 'Delete';
}
