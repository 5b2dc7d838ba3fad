/**
 * The objects `set selector` and `set subject` change, as kubectl holds them: decoded into Go
 * structs (v1.Service, rbacv1.RoleBinding, rbacv1.ClusterRoleBinding). That decoding decides what
 * kubectl prints: `-o json` writes fields in struct order with map keys sorted, fields without
 * `omitempty` appear even when unset (`creationTimestamp: null`, `status: {loadBalancer: {}}`,
 * a RoleRef's empty strings), and fields the struct lacks are dropped. {@link asTyped} rebuilds a
 * decoded object that way so our output and patches match.
 */
import type { KubeObject } from '../../../client/types.js';

/** How encoding/json writes one struct field. */
type Rule =
  /** `omitempty` scalar, slice or map of scalars: left out when absent or zero. */
  | 'omit'
  /** `omitempty` map[string]string: left out when empty, keys sorted. */
  | 'map'
  /** A pointer (`*string`, `*int32`, `*bool`, raw JSON): left out only when absent. */
  | 'ptr'
  /** metav1.Time without a pointer: `null` when unset. */
  | 'time'
  /** No `omitempty`: written even when unset, as the type's zero value. */
  | { zero: string | number }
  /** A nested struct: always written, unless it is a pointer and absent. */
  | { struct: Struct; ptr?: boolean }
  /** A slice of structs (`omitempty`). */
  | { list: Struct };

/** A struct's fields, in declaration order. */
type Struct = ReadonlyArray<readonly [string, Rule]>;

const ownerReference: Struct = [
  ['apiVersion', { zero: '' }],
  ['kind', { zero: '' }],
  ['name', { zero: '' }],
  ['uid', { zero: '' }],
  ['controller', 'ptr'],
  ['blockOwnerDeletion', 'ptr'],
];

const managedFieldsEntry: Struct = [
  ['manager', 'omit'],
  ['operation', 'omit'],
  ['apiVersion', 'omit'],
  ['time', 'ptr'],
  ['fieldsType', 'omit'],
  ['fieldsV1', 'ptr'],
  ['subresource', 'omit'],
];

const objectMeta: Struct = [
  ['name', 'omit'],
  ['generateName', 'omit'],
  ['namespace', 'omit'],
  ['selfLink', 'omit'],
  ['uid', 'omit'],
  ['resourceVersion', 'omit'],
  ['generation', 'omit'],
  ['creationTimestamp', 'time'],
  ['deletionTimestamp', 'ptr'],
  ['deletionGracePeriodSeconds', 'ptr'],
  ['labels', 'map'],
  ['annotations', 'map'],
  ['ownerReferences', { list: ownerReference }],
  ['finalizers', 'omit'],
  ['managedFields', { list: managedFieldsEntry }],
];

const condition: Struct = [
  ['type', { zero: '' }],
  ['status', { zero: '' }],
  ['observedGeneration', 'omit'],
  ['lastTransitionTime', 'time'],
  ['reason', { zero: '' }],
  ['message', { zero: '' }],
];

const servicePort: Struct = [
  ['name', 'omit'],
  ['protocol', 'omit'],
  ['appProtocol', 'ptr'],
  ['port', { zero: 0 }],
  // intstr.IntOrString is a struct, so `omitempty` does not leave it out.
  ['targetPort', { zero: 0 }],
  ['nodePort', 'omit'],
];

const serviceSpec: Struct = [
  ['ports', { list: servicePort }],
  ['selector', 'map'],
  ['clusterIP', 'omit'],
  ['clusterIPs', 'omit'],
  ['type', 'omit'],
  ['externalIPs', 'omit'],
  ['sessionAffinity', 'omit'],
  ['loadBalancerIP', 'omit'],
  ['loadBalancerSourceRanges', 'omit'],
  ['externalName', 'omit'],
  ['externalTrafficPolicy', 'omit'],
  ['healthCheckNodePort', 'omit'],
  ['publishNotReadyAddresses', 'omit'],
  ['sessionAffinityConfig', { struct: [['clientIP', { struct: [['timeoutSeconds', 'ptr']], ptr: true }]], ptr: true }],
  ['ipFamilies', 'omit'],
  ['ipFamilyPolicy', 'ptr'],
  ['allocateLoadBalancerNodePorts', 'ptr'],
  ['loadBalancerClass', 'ptr'],
  ['internalTrafficPolicy', 'ptr'],
  ['trafficDistribution', 'ptr'],
];

const portStatus: Struct = [
  ['port', { zero: 0 }],
  ['protocol', { zero: '' }],
  ['error', 'ptr'],
];

const loadBalancerIngress: Struct = [
  ['ip', 'omit'],
  ['hostname', 'omit'],
  ['ipMode', 'ptr'],
  ['ports', { list: portStatus }],
];

const service: Struct = [
  ['kind', 'omit'],
  ['apiVersion', 'omit'],
  ['metadata', { struct: objectMeta }],
  ['spec', { struct: serviceSpec }],
  [
    'status',
    {
      struct: [
        ['loadBalancer', { struct: [['ingress', { list: loadBalancerIngress }]] }],
        ['conditions', { list: condition }],
      ],
    },
  ],
];

const subject: Struct = [
  ['kind', { zero: '' }],
  ['apiGroup', 'omit'],
  ['name', { zero: '' }],
  ['namespace', 'omit'],
];

const binding: Struct = [
  ['kind', 'omit'],
  ['apiVersion', 'omit'],
  ['metadata', { struct: objectMeta }],
  ['subjects', { list: subject }],
  [
    'roleRef',
    {
      struct: [
        ['apiGroup', { zero: '' }],
        ['kind', { zero: '' }],
        ['name', { zero: '' }],
      ],
    },
  ],
];

/** The structs kubectl decodes these kinds into, by `apiVersion/kind`. */
const TYPES: Record<string, Struct> = {
  'v1/Service': service,
  'rbac.authorization.k8s.io/v1/RoleBinding': binding,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': binding,
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** encoding/json's "empty value" for `omitempty`. */
function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isObj(v) && Object.keys(v).length === 0;
}

function sortedMap(v: Obj): Obj {
  const out: Obj = {};
  for (const k of Object.keys(v).sort()) out[k] = v[k];
  return out;
}

function encode(value: unknown, fields: Struct): Obj {
  const v = isObj(value) ? value : {};
  const out: Obj = {};
  for (const [name, rule] of fields) {
    const x = v[name];
    if (rule === 'omit') {
      if (!isEmpty(x)) out[name] = structuredClone(x);
    } else if (rule === 'map') {
      if (!isEmpty(x) && isObj(x)) out[name] = sortedMap(x);
    } else if (rule === 'ptr') {
      if (x !== undefined && x !== null) out[name] = structuredClone(x);
    } else if (rule === 'time') {
      out[name] = x ?? null;
    } else if ('zero' in rule) {
      out[name] = x ?? rule.zero;
    } else if ('struct' in rule) {
      if (!(rule.ptr && (x === undefined || x === null))) out[name] = encode(x, rule.struct);
    } else if (Array.isArray(x) && x.length > 0) {
      out[name] = x.map((item) => encode(item, rule.list));
    }
  }
  return out;
}

/** True for the kinds {@link asTyped} knows. */
export function isTypedKind(obj: KubeObject): boolean {
  return TYPES[`${obj.apiVersion ?? ''}/${obj.kind ?? ''}`] !== undefined;
}

/** The object as kubectl's Go struct would encode it; other kinds are returned unchanged. */
export function asTyped(obj: KubeObject): KubeObject {
  const fields = TYPES[`${obj.apiVersion ?? ''}/${obj.kind ?? ''}`];
  return fields ? encode(obj, fields) : obj;
}
