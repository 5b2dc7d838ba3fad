// Tables of cluster-level kinds: Node, Namespace, Lease, PriorityClass, StorageClass,
// PersistentVolume, PersistentVolumeClaim and CertificateSigningRequest.
import { arr, bool, get, int, obj, objs, optInt, optStr, str, strMap } from '../../api/printing/access.js';
import { AGE, NAME, col, i, s } from './columns.js';
import { DESCRIPTIONS as D } from './descriptions.js';
import { accessModes, ageOf, humanDuration, nameOf, quantity } from '../../api/printing/format.js';
import type { TableConvertor } from './types.js';

const ROLE_PREFIX = 'node-role.kubernetes.io/';

/** Upstream `findNodeRoles`: `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role` values, sorted. */
function nodeRoles(node: unknown): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(strMap(node, 'metadata', 'labels'))) {
    if (k.startsWith(ROLE_PREFIX)) {
      if (k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    } else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

function nodeStatus(node: unknown): string {
  // Upstream keeps the last condition of each type.
  const ready = objs(node, 'status', 'conditions').filter((c) => str(c, 'type') === 'Ready').at(-1);
  const status = [ready === undefined ? 'Unknown' : str(ready, 'status') === 'True' ? 'Ready' : 'NotReady'];
  if (bool(node, 'spec', 'unschedulable')) status.push('SchedulingDisabled');
  return status.join(',');
}

function nodeAddress(node: unknown, type: string): string {
  const a = objs(node, 'status', 'addresses').find((x) => str(x, 'type') === type);
  return a === undefined ? '<none>' : str(a, 'address');
}

/** Node: Status "Ready,SchedulingDisabled", Roles, Version, and the wide addresses and versions. */
export const nodeTable: TableConvertor = {
  columns: [
    NAME,
    s('Status', 'The status of the node'),
    s('Roles', 'The roles of the node'),
    AGE,
    s('Version', D.kubeletVersion),
    s('Internal-IP', D.nodeAddresses, true),
    s('External-IP', D.nodeAddresses, true),
    s('OS-Image', D.osImage, true),
    s('Kernel-Version', D.kernelVersion, true),
    s('Container-Runtime', D.containerRuntimeVersion, true),
  ],
  cells: (o, now) => {
    const info = obj(o, 'status', 'nodeInfo');
    return [
      nameOf(o),
      nodeStatus(o),
      nodeRoles(o),
      ageOf(o, now),
      str(info, 'kubeletVersion'),
      nodeAddress(o, 'InternalIP'),
      nodeAddress(o, 'ExternalIP'),
      str(info, 'osImage') || '<unknown>',
      str(info, 'kernelVersion') || '<unknown>',
      str(info, 'containerRuntimeVersion') || '<unknown>',
    ];
  },
};

/** Namespace: Status (phase; the create strategy sets Active). */
export const namespaceTable: TableConvertor = {
  columns: [NAME, s('Status', 'The status of the namespace'), AGE],
  cells: (o, now) => [nameOf(o), str(o, 'status', 'phase') || 'Active', ageOf(o, now)],
};

/** Lease: Holder. */
export const leaseTable: TableConvertor = {
  columns: [NAME, s('Holder', D.leaseHolder), AGE],
  cells: (o, now) => [nameOf(o), str(o, 'spec', 'holderIdentity'), ageOf(o, now)],
};

/** PriorityClass: Value, Global-Default, PreemptionPolicy (shown by default: upstream gives it priority 0). */
export const priorityClassTable: TableConvertor = {
  columns: [NAME, i('Value', D.pcValue), col('Global-Default', 'boolean', D.pcGlobalDefault), AGE, s('PreemptionPolicy', D.pcPreemption)],
  cells: (o, now) => [nameOf(o), int(o, 'value'), bool(o, 'globalDefault'), ageOf(o, now), str(o, 'preemptionPolicy')],
};

function isDefaultClass(o: unknown): boolean {
  const a = strMap(o, 'metadata', 'annotations');
  return a['storageclass.kubernetes.io/is-default-class'] === 'true' || a['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

/** StorageClass: "name (default)", Provisioner, ReclaimPolicy, VolumeBindingMode, AllowVolumeExpansion. */
export const storageClassTable: TableConvertor = {
  columns: [
    NAME,
    s('Provisioner', D.scProvisioner),
    s('ReclaimPolicy', D.scReclaimPolicy),
    s('VolumeBindingMode', D.scBindingMode),
    s('AllowVolumeExpansion', D.scAllowExpansion),
    AGE,
  ],
  cells: (o, now) => [
    isDefaultClass(o) ? `${nameOf(o)} (default)` : nameOf(o),
    str(o, 'provisioner'),
    str(o, 'reclaimPolicy') || 'Delete',
    str(o, 'volumeBindingMode') || 'Immediate',
    bool(o, 'allowVolumeExpansion'),
    ageOf(o, now),
  ],
};

const BETA_CLASS = 'volume.beta.kubernetes.io/storage-class';

/** The storage class of a PV or PVC: the beta annotation wins over spec.storageClassName. */
function storageClass(o: unknown): string {
  const annotations = strMap(o, 'metadata', 'annotations');
  return annotations[BETA_CLASS] ?? str(o, 'spec', 'storageClassName');
}

const deleting = (o: unknown): boolean => get(o, 'metadata', 'deletionTimestamp') != null;

/** PersistentVolume: Capacity, Access Modes, Reclaim Policy, Status, Claim, StorageClass... */
export const persistentVolumeTable: TableConvertor = {
  columns: [
    NAME,
    s('Capacity', D.pvCapacity),
    s('Access Modes', D.pvAccessModes),
    s('Reclaim Policy', D.pvReclaim),
    s('Status', D.pvPhase),
    s('Claim', D.pvClaimRef),
    s('StorageClass', 'StorageClass of the pv'),
    s('VolumeAttributesClass', 'VolumeAttributesClass of the pv'),
    s('Reason', D.pvReason),
    AGE,
    s('VolumeMode', D.pvVolumeMode, true),
  ],
  cells: (o, now) => {
    const claim = get(o, 'spec', 'claimRef');
    return [
      nameOf(o),
      quantity(get(o, 'spec', 'capacity', 'storage')),
      accessModes(arr(o, 'spec', 'accessModes')),
      // v1 defaulting: reclaim policy Retain, phase Pending, volume mode Filesystem.
      str(o, 'spec', 'persistentVolumeReclaimPolicy') || 'Retain',
      deleting(o) ? 'Terminating' : str(o, 'status', 'phase') || 'Pending',
      claim === undefined || claim === null ? '' : `${str(claim, 'namespace')}/${str(claim, 'name')}`,
      storageClass(o),
      optStr(o, 'spec', 'volumeAttributesClassName') ?? '<unset>',
      str(o, 'status', 'reason'),
      ageOf(o, now),
      optStr(o, 'spec', 'volumeMode') ?? 'Filesystem',
    ];
  },
};

/** PersistentVolumeClaim: Status, Volume, Capacity, Access Modes (bound claims only), StorageClass... */
export const persistentVolumeClaimTable: TableConvertor = {
  columns: [
    NAME,
    s('Status', D.pvcPhase),
    s('Volume', D.pvcVolumeName),
    s('Capacity', D.pvcCapacity),
    s('Access Modes', D.pvcAccessModes),
    s('StorageClass', 'StorageClass of the pvc'),
    s('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
    AGE,
    s('VolumeMode', D.pvcVolumeMode, true),
  ],
  cells: (o, now) => {
    const volumeName = str(o, 'spec', 'volumeName');
    const bound = volumeName !== '';
    return [
      nameOf(o),
      deleting(o) ? 'Terminating' : str(o, 'status', 'phase') || 'Pending',
      volumeName,
      bound ? quantity(get(o, 'status', 'capacity', 'storage')) : '',
      bound ? accessModes(arr(o, 'status', 'accessModes')) : '',
      storageClass(o),
      optStr(o, 'spec', 'volumeAttributesClassName') ?? '<unset>',
      ageOf(o, now),
      optStr(o, 'spec', 'volumeMode') ?? 'Filesystem',
    ];
  },
};

/** Upstream `extractCSRStatus`: Denied/Approved/Pending, then ",Failed" and ",Issued". */
function csrCondition(o: unknown): string {
  const types = new Set(objs(o, 'status', 'conditions').map((c) => str(c, 'type')));
  let status = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) status += ',Failed';
  if (str(o, 'status', 'certificate') !== '') status += ',Issued';
  return status;
}

/** CertificateSigningRequest: Age, SignerName, Requestor, RequestedDuration, Condition. */
export const certificateSigningRequestTable: TableConvertor = {
  columns: [
    NAME,
    AGE,
    s('SignerName', D.csrSignerName),
    s('Requestor', D.csrRequest),
    s('RequestedDuration', D.csrExpiration),
    s('Condition', D.csrConditions),
  ],
  cells: (o, now) => {
    const seconds = optInt(o, 'spec', 'expirationSeconds');
    return [
      nameOf(o),
      ageOf(o, now),
      str(o, 'spec', 'signerName') || '<none>',
      str(o, 'spec', 'username'),
      seconds === undefined ? '<none>' : humanDuration(seconds * 1000),
      csrCondition(o),
    ];
  },
};
