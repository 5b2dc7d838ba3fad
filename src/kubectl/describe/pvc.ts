/** `kubectl describe pvc`: the claim, the pods using it, its conditions and events. */
import { Quantity } from '../../api/quantity.js';
import type { PersistentVolumeClaim, PersistentVolumeClaimSpec, Pod } from '../../api/generated/core/v1.js';
import type { ObjectMeta } from '../../api/generated/meta/v1.js';
import { resources } from '../../client/resources.js';
import { getObject, listAll, type DescribeContext } from './context.js';
import { describeEvents, searchEvents, targetOf } from './events.js';
import { goSlice, printAnnotationsMultiline, printLabelsMultiline, printNamesMultiline, rfc1123z, since } from './format.js';
import { LEVEL_0, LEVEL_1, tabbed, type PrefixWriter } from './writer.js';

/** RWO,ROX,RWX,RWOP for the modes present (storageutil.GetAccessModesAsString). */
export function accessModesString(modes: readonly string[] | undefined): string {
  const have = new Set(modes ?? []);
  return (
    [
      ['ReadWriteOnce', 'RWO'],
      ['ReadOnlyMany', 'ROX'],
      ['ReadWriteMany', 'RWX'],
      ['ReadWriteOncePod', 'RWOP'],
    ] as const
  )
    .filter(([m]) => have.has(m))
    .map(([, s]) => s)
    .join(',');
}

/** The storage class: the beta annotation first, then spec.storageClassName. */
export function claimClass(pvc: { metadata?: ObjectMeta; spec?: PersistentVolumeClaimSpec }): string {
  const beta = pvc.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'];
  return beta ?? pvc.spec?.storageClassName ?? '';
}

const quantity = (s: string | undefined): string => (s === undefined ? '0' : Quantity.parse(s).toString());

/**
 * The claim's fields; `full` is false for an ephemeral volume's claim template (no name, status
 * or finalizers then).
 */
export function printPersistentVolumeClaim(w: PrefixWriter, pvc: PersistentVolumeClaim | { metadata?: ObjectMeta; spec?: PersistentVolumeClaimSpec }, full: boolean, now: () => number = Date.now): void {
  const status = 'status' in pvc ? pvc.status : undefined;
  if (full) {
    w.write(LEVEL_0, `Name:\t${pvc.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${pvc.metadata?.namespace ?? ''}\n`);
  }
  w.write(LEVEL_0, `StorageClass:\t${claimClass(pvc)}\n`);
  if (full) {
    const deleting = pvc.metadata?.deletionTimestamp;
    w.write(LEVEL_0, deleting ? `Status:\tTerminating (lasts ${since(deleting, now)})\n` : `Status:\t${status?.phase ?? ''}\n`);
  }
  const volumeName = pvc.spec?.volumeName ?? '';
  w.write(LEVEL_0, `Volume:\t${volumeName}\n`);
  printLabelsMultiline(w, 'Labels', pvc.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', pvc.metadata?.annotations);
  if (full) w.write(LEVEL_0, `Finalizers:\t${goSlice(pvc.metadata?.finalizers)}\n`);
  const bound = volumeName !== '';
  w.write(LEVEL_0, `Capacity:\t${bound ? quantity(status?.capacity?.['storage']) : ''}\n`);
  w.write(LEVEL_0, `Access Modes:\t${bound ? accessModesString(status?.accessModes) : ''}\n`);
  if (pvc.spec?.volumeMode) w.write(LEVEL_0, `VolumeMode:\t${pvc.spec.volumeMode}\n`);
  const ds = pvc.spec?.dataSource;
  if (ds) {
    w.write(LEVEL_0, 'DataSource:\n');
    if (ds.apiGroup !== undefined) w.write(LEVEL_1, `APIGroup:\t${ds.apiGroup}\n`);
    w.write(LEVEL_1, `Kind:\t${ds.kind}\n`);
    w.write(LEVEL_1, `Name:\t${ds.name}\n`);
  }
}

/** Pods of the namespace that mount the claim, then pods that own it (ephemeral volumes). */
function podsUsing(pvc: PersistentVolumeClaim, pods: readonly Pod[]): Pod[] {
  const used: Pod[] = [];
  for (const p of pods) for (const v of p.spec?.volumes ?? []) if (v.persistentVolumeClaim?.claimName === pvc.metadata?.name) used.push(p);
  for (const ref of pvc.metadata?.ownerReferences ?? []) {
    if (ref.kind !== 'Pod') continue;
    const owner = pods.find((p) => p.metadata?.uid === ref.uid);
    if (owner && !used.some((p) => p.metadata?.uid === owner.metadata?.uid)) used.push(owner);
  }
  return used;
}

/** Describes one PersistentVolumeClaim. */
export async function describePersistentVolumeClaim(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const pvc = await getObject<PersistentVolumeClaim>(ctx, resources.persistentvolumeclaims, namespace, name);
  const pods = await listAll<Pod>(ctx, resources.pods, { namespace });
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(pvc, 'PersistentVolumeClaim')) : undefined;
  return tabbed((w) => {
    printPersistentVolumeClaim(w, pvc, true, ctx.now);
    printNamesMultiline(
      w,
      'Used By',
      podsUsing(pvc, pods).map((p) => p.metadata?.name ?? ''),
    );
    const conditions = pvc.status?.conditions ?? [];
    if (conditions.length > 0) {
      w.write(LEVEL_0, 'Conditions:\n');
      w.write(LEVEL_1, 'Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n');
      w.write(LEVEL_1, '----\t------\t-----------------\t------------------\t------\t-------\n');
      for (const c of conditions) {
        w.write(LEVEL_1, `${c.type} \t${c.status} \t${rfc1123z(c.lastProbeTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`);
      }
    }
    if (events) describeEvents(events, w, ctx.now);
  });
}
