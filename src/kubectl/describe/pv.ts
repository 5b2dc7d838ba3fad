/** `kubectl describe pv`: class, status, claim, policy, capacity, node affinity and the volume source. */
import { Quantity } from '../../api/quantity.js';
import type { PersistentVolume, VolumeNodeAffinity } from '../../api/generated/core/v1.js';
import type { BuiltInResource } from '../../client/resources.js';
import { getObject, type DescribeContext } from './context.js';
import { describeEvents, searchEvents, targetOf } from './events.js';
import { goSlice, printAnnotationsMultiline, printLabelsMultiline, since } from './format.js';
import { accessModesString } from './pvc.js';
import { csiAttributes, fields } from './volumes.js';
import { LEVEL_0, LEVEL_1, LEVEL_2, tabbed, type PrefixWriter } from './writer.js';

const persistentVolumes: BuiltInResource = { group: '', version: 'v1', resource: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false };

function printNodeAffinity(w: PrefixWriter, affinity: VolumeNodeAffinity | undefined): void {
  w.write(LEVEL_0, 'Node Affinity:\t');
  if (!affinity?.required) return w.line('<none>');
  w.line('');
  w.write(LEVEL_1, 'Required Terms:\t');
  const terms = affinity.required.nodeSelectorTerms;
  if (terms.length === 0) return w.line('<none>');
  w.line('');
  terms.forEach((term, i) => {
    w.write(LEVEL_2, `Term ${i}:\t`);
    const reqs = term.matchExpressions ?? [];
    if (reqs.length === 0) return w.line('<none>');
    reqs.forEach((r, j) => {
      if (j !== 0) w.write(LEVEL_2, '\t');
      const values = (r.values ?? []).length > 0 ? ` [${(r.values ?? []).join(', ')}]` : '';
      w.write(LEVEL_0, `${r.key} ${r.operator.toLowerCase()}${values}\n`);
    });
  });
}

function printSource(pv: PersistentVolume, w: PrefixWriter): void {
  const spec = pv.spec;
  if (spec?.hostPath) return fields(w, 'HostPath (bare host directory volume)', [['Path', spec.hostPath.path], ['HostPathType', spec.hostPath.type ?? '<none>']]);
  if (spec?.nfs) return fields(w, 'NFS (an NFS mount that lasts the lifetime of a pod)', [['Server', spec.nfs.server], ['Path', spec.nfs.path], ['ReadOnly', spec.nfs.readOnly ?? false]]);
  if (spec?.local) return fields(w, 'LocalVolume (a persistent volume backed by local storage on a node)', [['Path', spec.local.path]]);
  if (spec?.csi) {
    const c = spec.csi;
    fields(w, 'CSI (a Container Storage Interface (CSI) volume source)', [['Driver', c.driver], ['FSType', c.fsType ?? ''], ['VolumeHandle', c.volumeHandle], ['ReadOnly', c.readOnly ?? false]]);
    return csiAttributes(w, c.volumeAttributes);
  }
  w.write(LEVEL_1, '<unknown>\n');
}

/** Describes one PersistentVolume (in-tree sources other than hostPath, NFS, local and CSI print `<unknown>`). */
export async function describePersistentVolume(ctx: DescribeContext, _namespace: string, name: string): Promise<string> {
  const pv = await getObject<PersistentVolume>(ctx, persistentVolumes, '', name);
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(pv, 'PersistentVolume')) : undefined;
  return tabbed((w) => {
    const spec = pv.spec;
    w.write(LEVEL_0, `Name:\t${pv.metadata?.name ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', pv.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', pv.metadata?.annotations);
    w.write(LEVEL_0, `Finalizers:\t${goSlice(pv.metadata?.finalizers)}\n`);
    const beta = pv.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'];
    w.write(LEVEL_0, `StorageClass:\t${beta ?? spec?.storageClassName ?? ''}\n`);
    const deleting = pv.metadata?.deletionTimestamp;
    w.write(LEVEL_0, deleting ? `Status:\tTerminating (lasts ${since(deleting, ctx.now)})\n` : `Status:\t${pv.status?.phase ?? ''}\n`);
    const claim = spec?.claimRef;
    w.write(LEVEL_0, `Claim:\t${claim ? `${claim.namespace ?? ''}/${claim.name ?? ''}` : ''}\n`);
    w.write(LEVEL_0, `Reclaim Policy:\t${spec?.persistentVolumeReclaimPolicy ?? ''}\n`);
    w.write(LEVEL_0, `Access Modes:\t${accessModesString(spec?.accessModes)}\n`);
    if (spec?.volumeMode) w.write(LEVEL_0, `VolumeMode:\t${spec.volumeMode}\n`);
    w.write(LEVEL_0, `Capacity:\t${Quantity.parse(spec?.capacity?.['storage'] ?? '0').toString()}\n`);
    printNodeAffinity(w, spec?.nodeAffinity);
    w.write(LEVEL_0, `Message:\t${pv.status?.message ?? ''}\n`);
    w.write(LEVEL_0, 'Source:\n');
    printSource(pv, w);
    if (events) describeEvents(events, w, ctx.now);
  });
}
