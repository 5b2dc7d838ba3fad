/**
 * The `Volumes:` block of pods and pod templates: one entry per volume with its source type and
 * fields, worded as kubectl's volume printers. Uncommon in-tree sources print `<unknown>`.
 */
import { Quantity } from '../../api/quantity.js';
import type { Volume } from '../../api/generated/core/v1.js';
import { sortedKeys } from './format.js';
import { printPersistentVolumeClaim } from './pvc.js';
import { LEVEL_1, LEVEL_2, LEVEL_3, nested, type PrefixWriter } from './writer.js';

/** Go's `%v` of a pointer to a bool or string: the value, or `<nil>`. */
const ptr = (v: boolean | undefined): string => (v === undefined || v === null ? '<nil>' : String(v));

/** `Type:\t<title>` then `Label:\tvalue` lines, all four spaces in (the volume source printers' layout). */
export function fields(w: PrefixWriter, title: string, rows: [string, string | number | boolean][]): void {
  w.write(LEVEL_2, `Type:\t${title}\n`);
  for (const [label, value] of rows) w.write(LEVEL_2, `${label}:\t${String(value)}\n`);
}

function emptyDirLimit(limit: string | undefined): string {
  if (limit === undefined) return '<unset>';
  try {
    const q = Quantity.parse(limit);
    return q.sign() > 0 ? q.toString() : '<unset>';
  } catch {
    return '<unset>';
  }
}

/** The CSI `VolumeAttributes:` lines. */
export function csiAttributes(w: PrefixWriter, attributes: Readonly<Record<string, string>> | undefined): void {
  w.write(LEVEL_2, 'VolumeAttributes:\t');
  const keys = sortedKeys(attributes);
  if (keys.length === 0) return w.line('<none>');
  keys.forEach((k, i) => {
    // kubectl indents continuation lines twice over (its writer adds the level to each piece).
    if (i !== 0) {
      w.write(LEVEL_2, '');
      w.write(LEVEL_2, '\t');
    }
    const line = `${k}=${attributes?.[k] ?? ''}`;
    w.write(LEVEL_2, line.length > 140 ? `${line.slice(0, 140)}...\n` : `${line}\n`);
  });
}

function describeSource(v: Volume, w: PrefixWriter): void {
  if (v.hostPath) {
    const type = v.hostPath.type ?? '<none>';
    return fields(w, 'HostPath (bare host directory volume)', [['Path', v.hostPath.path], ['HostPathType', type]]);
  }
  if (v.emptyDir) {
    return fields(w, "EmptyDir (a temporary directory that shares a pod's lifetime)", [['Medium', v.emptyDir.medium ?? ''], ['SizeLimit', emptyDirLimit(v.emptyDir.sizeLimit)]]);
  }
  if (v.gcePersistentDisk) {
    const g = v.gcePersistentDisk;
    return fields(w, 'GCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)', [['PDName', g.pdName], ['FSType', g.fsType ?? ''], ['Partition', g.partition ?? 0], ['ReadOnly', g.readOnly ?? false]]);
  }
  if (v.awsElasticBlockStore) {
    const a = v.awsElasticBlockStore;
    return fields(w, 'AWSElasticBlockStore (a Persistent Disk resource in AWS)', [['VolumeID', a.volumeID], ['FSType', a.fsType ?? ''], ['Partition', a.partition ?? 0], ['ReadOnly', a.readOnly ?? false]]);
  }
  if (v.gitRepo) {
    return fields(w, 'GitRepo (a volume that is pulled from git when the pod is created)', [['Repository', v.gitRepo.repository], ['Revision', v.gitRepo.revision ?? '']]);
  }
  if (v.secret) {
    return fields(w, 'Secret (a volume populated by a Secret)', [['SecretName', v.secret.secretName ?? ''], ['Optional', v.secret.optional === true]]);
  }
  if (v.configMap) {
    return fields(w, 'ConfigMap (a volume populated by a ConfigMap)', [['Name', v.configMap.name ?? ''], ['Optional', v.configMap.optional === true]]);
  }
  if (v.nfs) {
    return fields(w, 'NFS (an NFS mount that lasts the lifetime of a pod)', [['Server', v.nfs.server], ['Path', v.nfs.path], ['ReadOnly', v.nfs.readOnly ?? false]]);
  }
  if (v.persistentVolumeClaim) {
    return fields(w, 'PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)', [['ClaimName', v.persistentVolumeClaim.claimName], ['ReadOnly', v.persistentVolumeClaim.readOnly ?? false]]);
  }
  if (v.ephemeral) {
    w.write(LEVEL_2, 'Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n');
    const t = v.ephemeral.volumeClaimTemplate;
    if (t) printPersistentVolumeClaim(nested(w, LEVEL_2), { metadata: t.metadata, spec: t.spec }, false);
    return;
  }
  if (v.downwardAPI) {
    w.write(LEVEL_2, 'Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n');
    for (const item of v.downwardAPI.items ?? []) {
      if (item.fieldRef) w.write(LEVEL_3, `${item.fieldRef.fieldPath} -> ${item.path}\n`);
      if (item.resourceFieldRef) w.write(LEVEL_3, `${item.resourceFieldRef.resource} -> ${item.path}\n`);
    }
    return;
  }
  if (v.projected) {
    w.write(LEVEL_2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
    for (const s of v.projected.sources ?? []) {
      if (s.secret) w.write(LEVEL_2, `SecretName:\t${s.secret.name ?? ''}\n    SecretOptionalName:\t${ptr(s.secret.optional)}\n`);
      else if (s.downwardAPI) w.write(LEVEL_2, 'DownwardAPI:\ttrue\n');
      else if (s.configMap) w.write(LEVEL_2, `ConfigMapName:\t${s.configMap.name ?? ''}\n    ConfigMapOptional:\t${ptr(s.configMap.optional)}\n`);
      else if (s.serviceAccountToken) w.write(LEVEL_2, `TokenExpirationSeconds:\t${s.serviceAccountToken.expirationSeconds ?? 0}\n`);
    }
    return;
  }
  if (v.csi) {
    fields(w, 'CSI (a Container Storage Interface (CSI) volume source)', [['Driver', v.csi.driver], ['FSType', v.csi.fsType ?? ''], ['ReadOnly', v.csi.readOnly === true]]);
    return csiAttributes(w, v.csi.volumeAttributes);
  }
  if (v.image) {
    return fields(w, 'Image (a container image or OCI artifact)', [['Reference', v.image.reference ?? ''], ['PullPolicy', v.image.pullPolicy ?? '']]);
  }
  w.write(LEVEL_1, '<unknown>\n');
}

/** `Volumes:` with each volume's source; `space` is `"  "` inside a Pod Template. */
export function describeVolumes(volumes: readonly Volume[] | undefined, w: PrefixWriter, space: string): void {
  if (!volumes || volumes.length === 0) return w.write(0, `${space}Volumes:\t<none>\n`);
  w.write(0, `${space}Volumes:\n`);
  for (const v of volumes) {
    w.write(LEVEL_1, `${space ? ' ' : ''}${v.name}:\n`);
    describeSource(v, w);
  }
}
