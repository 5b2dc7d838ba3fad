/**
 * Getting two ReplicationControllers ready for kubectl 1.5's `rolling-update --image`: the new one
 * is the old one with the new image, named `<old>-<hash>` and selecting `<key>=<hash>`; the old one
 * first gets `<key>=<oldhash>-orig` on its template, its pods and its selector, so the two never
 * share a pod while every pod keeps the labels Services select on.
 */
import { createHash } from 'node:crypto';
import type { ReplicationController } from '../../api/generated/core/v1.js';
import { CliError } from '../errors.js';
import type { RcClient } from './rc-client.js';
import { NEXT_CONTROLLER_ANNOTATION } from './rolling-updater.js';

/** kubectl's HashObject: the MD5 of the encoded object, in hex. */
export function hashObject(obj: unknown): string {
  return createHash('md5').update(JSON.stringify(obj)).digest('hex');
}

/** The new controller made from the current one (CreateNewControllerFromCurrentController). */
export function newControllerFromCurrent(
  current: ReplicationController,
  o: { newName: string; image: string; container: string; deploymentKey: string; pullPolicy?: string },
): ReplicationController {
  const rc = structuredClone(current);
  const containers = rc.spec?.template?.spec?.containers ?? [];
  let index = 0;
  if (o.container !== '') {
    index = containers.findIndex((c) => c.name === o.container);
    if (index < 0) throw new CliError(`container ${o.container} not found in pod`);
  }
  if (containers.length > 1 && o.container === '') throw new CliError('must specify container to update when updating a multi-container pod');
  const target = containers[index];
  if (!target) throw new CliError(`pod has no containers! (${JSON.stringify(rc)})`);
  target.image = o.image;
  if (o.pullPolicy) target.imagePullPolicy = o.pullPolicy;
  const hash = hashObject(rc);
  const name = o.newName || `${rc.metadata?.name ?? ''}-${hash}`;
  const spec = rc.spec ?? {};
  spec.selector = { ...spec.selector, [o.deploymentKey]: hash };
  const template = spec.template ?? {};
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [o.deploymentKey]: hash } };
  spec.template = template;
  rc.spec = spec;
  // Only what a create carries: the server assigns the rest.
  rc.metadata = {
    name,
    ...(rc.metadata?.namespace ? { namespace: rc.metadata.namespace } : {}),
    ...(rc.metadata?.labels ? { labels: rc.metadata.labels } : {}),
    ...(rc.metadata?.annotations ? { annotations: withoutUpdateAnnotations(rc.metadata.annotations) } : {}),
  };
  delete rc.status;
  return rc;
}

function withoutUpdateAnnotations(a: Record<string, string>): Record<string, string> {
  const out = { ...a };
  delete out[NEXT_CONTROLLER_ANNOTATION];
  return out;
}

function setNext(rc: ReplicationController, next: string): void {
  rc.metadata = { ...rc.metadata, annotations: { ...rc.metadata?.annotations, [NEXT_CONTROLLER_ANNOTATION]: next } };
}

/**
 * Points the old controller at the next one and, when its selector lacks the deployment key,
 * adds `key=value` to its template, its pods and its selector, deleting any pod it made meanwhile
 * without the label (UpdateExistingReplicationController / AddDeploymentKeyToReplicationController).
 */
export async function prepareOldController(c: RcClient, old: ReplicationController, o: { next: string; deploymentKey: string; value: string }): Promise<ReplicationController> {
  const key = o.deploymentKey;
  if (old.spec?.selector?.[key] !== undefined) return c.update(old, (rc) => setNext(rc, o.next));
  let rc = await c.update(old, (r) => {
    setNext(r, o.next);
    const template = r.spec?.template ?? {};
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [key]: o.value } };
    r.spec = { ...r.spec, template };
  });
  const originalSelector = { ...rc.spec?.selector };
  for (const pod of (await c.pods(originalSelector)).items) {
    await c.updatePod(pod, (p) => {
      p.metadata = { ...p.metadata, labels: { ...p.metadata?.labels, [key]: o.value } };
    });
  }
  rc = await c.update(rc, (r) => {
    r.spec = { ...r.spec, selector: { ...r.spec?.selector, [key]: o.value } };
  });
  // A pod the controller created before it saw the new template lacks the label: remove it.
  for (const pod of (await c.pods(originalSelector)).items) {
    if (pod.metadata?.labels?.[key] !== o.value) await c.deletePod(pod.metadata?.name ?? '');
  }
  return rc;
}
