// Namespace, ConfigMap, Secret, ServiceAccount, Endpoints, Event and Node validation, as
// pkg/apis/core/validation words it.
import { field, type FieldError } from '../errors.js';
import type { ConfigMap, Endpoints, EndpointAddress, Event, Namespace, Node, Secret, ServiceAccount, Taint } from '../generated/core/v1.js';
import { parseQuantityAt, validateResourceQuantityValue } from './core-resources.js';
import { deepEqual, validateImmutable, validateKubeFinalizerName, validateLabelName, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import {
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isLabelValue,
  isQualifiedName,
  isValidCIDR,
  isValidIP,
  isValidPortNum,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  nonSpecialIPErrors,
} from './names.js';
import { errorText } from '../../util/errors.js';

/** Largest total size of a Secret's or ConfigMap's data (1 MiB). */
export const MAX_SECRET_SIZE = 1024 * 1024;
const NAMESPACED = { namespaced: true, nameRule: nameIsDNSSubdomain } as const;
const CLUSTER = { namespaced: false, nameRule: nameIsDNSSubdomain } as const;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const decodedLength = (b64: string): number => Buffer.from(b64, 'base64').length;
const keysSorted = (m: Record<string, string> | undefined): string[] => Object.keys(m ?? {}).sort();

/** ValidateNamespace. */
export function validateNamespace(ns: Namespace): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, { namespaced: false, nameRule: nameIsDNSLabel });
  const fp = field.path('spec', 'finalizers');
  for (const f of ns.spec?.finalizers ?? []) {
    errs.push(...isQualifiedName(f).map((m) => field.invalid(fp, f, m)));
    errs.push(...validateKubeFinalizerName(f, fp));
  }
  return errs;
}

/** ValidateNamespaceUpdate: metadata only (spec and status have their own subresources). */
export function validateNamespaceUpdate(ns: Namespace, old: Namespace): FieldError[] {
  return validateObjectMetaUpdate(ns.metadata, old.metadata);
}

/** ValidateConfigMap: keys are config keys, no key in both bags, total ≤ 1 MiB. */
export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, NAMESPACED);
  let total = 0;
  for (const key of keysSorted(cm.data)) {
    errs.push(...isConfigMapKey(key).map((m) => field.invalid(field.path('data').key(key), key, m)));
    if (cm.binaryData && Object.hasOwn(cm.binaryData, key)) errs.push(field.invalid(field.path('data').key(key), key, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(cm.data?.[key] ?? '', 'utf8');
  }
  for (const key of keysSorted(cm.binaryData)) {
    errs.push(...isConfigMapKey(key).map((m) => field.invalid(field.path('binaryData').key(key), key, m)));
    total += decodedLength(cm.binaryData?.[key] ?? '');
  }
  if (total > MAX_SECRET_SIZE) errs.push(field.tooLong(field.path(), MAX_SECRET_SIZE));
  return errs;
}

function immutableData(newImm: boolean | undefined, oldImm: boolean | undefined, bags: [string, unknown, unknown][]): FieldError[] {
  if (oldImm !== true) return [];
  const errs: FieldError[] = [];
  if (newImm !== true) errs.push(field.forbidden(field.path('immutable'), 'field is immutable when `immutable` is set'));
  for (const [name, a, b] of bags) if (!deepEqual(a, b)) errs.push(field.forbidden(field.path(name), 'field is immutable when `immutable` is set'));
  return errs;
}

/** ValidateConfigMapUpdate. */
export function validateConfigMapUpdate(cm: ConfigMap, old: ConfigMap): FieldError[] {
  const errs = validateObjectMetaUpdate(cm.metadata, old.metadata);
  errs.push(...immutableData(cm.immutable, old.immutable, [['data', cm.data, old.data], ['binaryData', cm.binaryData, old.binaryData]]));
  errs.push(...validateConfigMap(cm));
  return errs;
}

/** ValidateSecret: keys, 1 MiB, and the keys each built-in type requires. */
export function validateSecret(s: Secret): FieldError[] {
  const errs = validateObjectMeta(s.metadata, NAMESPACED);
  const dp = field.path('data');
  const data = s.data ?? {};
  let total = 0;
  for (const key of keysSorted(data)) {
    errs.push(...isConfigMapKey(key).map((m) => field.invalid(dp.key(key), key, m)));
    total += decodedLength(data[key] ?? '');
  }
  if (total > MAX_SECRET_SIZE) errs.push(field.tooLong(dp, MAX_SECRET_SIZE));
  const has = (k: string): boolean => Object.hasOwn(data, k);
  const jsonKey = (k: string): void => {
    if (!has(k)) {
      errs.push(field.required(dp.key(k)));
      return;
    }
    try {
      JSON.parse(Buffer.from(data[k] ?? '', 'base64').toString('utf8'));
    } catch (e) {
      errs.push(field.invalid(dp.key(k), '<secret contents redacted>', errorText(e)));
    }
  };
  switch (s.type ?? '') {
    case 'kubernetes.io/service-account-token':
      if (!s.metadata?.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(field.required(field.path('metadata', 'annotations').key('kubernetes.io/service-account.name')));
      }
      break;
    case 'kubernetes.io/dockercfg':
      jsonKey('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      jsonKey('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) errs.push(field.required(dp.key('username')), field.required(dp.key('password')));
      break;
    case 'kubernetes.io/ssh-auth':
      if (decodedLength(data['ssh-privatekey'] ?? '') === 0) errs.push(field.required(dp.key('ssh-privatekey')));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(field.required(dp.key('tls.crt')));
      if (!has('tls.key')) errs.push(field.required(dp.key('tls.key')));
      break;
    default:
      break;
  }
  return errs;
}

/** ValidateSecretUpdate: type immutable, data frozen once `immutable`. */
export function validateSecretUpdate(s: Secret, old: Secret): FieldError[] {
  const errs = validateObjectMetaUpdate(s.metadata, old.metadata);
  errs.push(...validateImmutable(s.type ?? '', old.type ?? '', field.path('type')));
  errs.push(...immutableData(s.immutable, old.immutable, [['data', s.data, old.data]]));
  errs.push(...validateSecret(s));
  return errs;
}

/** ValidateServiceAccount. */
export function validateServiceAccount(sa: ServiceAccount): FieldError[] {
  return validateObjectMeta(sa.metadata, NAMESPACED);
}

/** ValidateServiceAccountUpdate. */
export function validateServiceAccountUpdate(sa: ServiceAccount, old: ServiceAccount): FieldError[] {
  return [...validateObjectMetaUpdate(sa.metadata, old.metadata), ...validateServiceAccount(sa)];
}

function validateEndpointAddress(a: EndpointAddress, p: ReturnType<typeof field.path>): FieldError[] {
  const ip = a.ip ?? '';
  const errs = isValidIP(ip).map((m) => field.invalid(p.child('ip'), ip, m));
  if (a.hostname) errs.push(...isDNS1123Label(a.hostname).map((m) => field.invalid(p.child('hostname'), a.hostname, m)));
  if (a.nodeName !== undefined) errs.push(...nameIsDNSSubdomain(a.nodeName, false).map((m) => field.invalid(p.child('nodeName'), a.nodeName, m)));
  errs.push(...nonSpecialIPErrors(ip).map((m) => field.invalid(p.child('ip'), ip, m)));
  return errs;
}

/** ValidateEndpoints (create and update). */
export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, NAMESPACED);
  (ep.subsets ?? []).forEach((ss, i) => {
    const sp = field.path('subsets').index(i);
    if ((ss.addresses ?? []).length === 0 && (ss.notReadyAddresses ?? []).length === 0) {
      errs.push(field.required(sp, 'must specify `addresses` or `notReadyAddresses`'));
    }
    (ss.addresses ?? []).forEach((a, j) => errs.push(...validateEndpointAddress(a, sp.child('addresses').index(j))));
    (ss.notReadyAddresses ?? []).forEach((a, j) => errs.push(...validateEndpointAddress(a, sp.child('notReadyAddresses').index(j))));
    const ports = ss.ports ?? [];
    ports.forEach((port, j) => {
      const pp = sp.child('ports').index(j);
      const name = port.name ?? '';
      if (ports.length > 1 && name === '') errs.push(field.required(pp.child('name')));
      else if (name !== '') errs.push(...isDNS1123Label(name).map((m) => field.invalid(pp.child('name'), name, m)));
      errs.push(...isValidPortNum(port.port ?? 0).map((m) => field.invalid(pp.child('port'), port.port ?? 0, m)));
      const proto = port.protocol ?? '';
      if (proto === '') errs.push(field.required(pp.child('protocol')));
      else if (!PROTOCOLS.includes(proto)) errs.push(field.notSupported(pp.child('protocol'), proto, PROTOCOLS));
      if (port.appProtocol !== undefined) errs.push(...isQualifiedName(port.appProtocol).map((m) => field.invalid(pp.child('appProtocol'), port.appProtocol, m)));
    });
  });
  return errs;
}

/** ValidateEndpointsUpdate. */
export function validateEndpointsUpdate(ep: Endpoints, old: Endpoints): FieldError[] {
  return [...validateObjectMetaUpdate(ep.metadata, old.metadata), ...validateEndpoints(ep)];
}

/** legacyValidateEvent: what core/v1 Events get on create and update (no ObjectMeta rules upstream). */
export function validateEvent(ev: Event): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.metadata?.namespace ?? '';
  const involvedNs = ev.involvedObject?.namespace ?? '';
  const mismatch = (): FieldError => field.invalid(field.path('involvedObject', 'namespace'), involvedNs, 'does not match event.namespace');
  if (!ev.eventTime) {
    if (involvedNs === '') {
      if (ns !== '' && ns !== 'default') errs.push(mismatch());
    } else if (ns !== involvedNs) errs.push(mismatch());
  } else {
    if (involvedNs === '' && ns !== 'default' && ns !== 'kube-system') errs.push(mismatch());
    const rc = ev.reportingComponent ?? '';
    if (rc === '') errs.push(field.required(field.path('reportingController')));
    errs.push(...isQualifiedName(rc).map((m) => field.invalid(field.path('reportingController'), rc, m)));
    const limit = (v: string | undefined, name: string, max: number, required: boolean): void => {
      if (required && (v ?? '') === '') errs.push(field.required(field.path(name)));
      if ((v ?? '').length > max) errs.push(field.invalid(field.path(name), '', `can have at most ${max} characters`));
    };
    limit(ev.reportingInstance, 'reportingInstance', 128, true);
    limit(ev.action, 'action', 128, true);
    limit(ev.reason, 'reason', 128, true);
    limit(ev.message, 'message', 1024, false);
  }
  errs.push(...isDNS1123Subdomain(ns).map((m) => field.invalid(field.path('namespace'), ns, m)));
  return errs;
}

function validateTaints(taints: Taint[] | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Map<string, Set<string>>();
  // Upstream roots these at metadata.taints (fldPath is metadata there); kept for identical messages.
  (taints ?? []).forEach((t, i) => {
    const ip = field.path('metadata', 'taints').index(i);
    errs.push(...validateLabelName(t.key ?? '', ip.child('key')));
    const msgs = isLabelValue(t.value ?? '');
    if (msgs.length > 0) errs.push(field.invalid(ip.child('value'), t.value ?? '', msgs.join(';')));
    const effect = t.effect ?? '';
    if (effect === '') errs.push(field.required(ip.child('effect')));
    else if (!TAINT_EFFECTS.includes(effect)) errs.push(field.notSupported(ip.child('effect'), effect, TAINT_EFFECTS));
    const keys = seen.get(effect) ?? new Set<string>();
    if (keys.has(t.key ?? '')) {
      errs.push({ ...field.duplicate(ip, t), detail: 'taints must be unique by key and effect pair' });
      return;
    }
    keys.add(t.key ?? '');
    seen.set(effect, keys);
  });
  return errs;
}

function validateNodeResources(node: Node): FieldError[] {
  const errs: FieldError[] = [];
  for (const bag of ['capacity', 'allocatable'] as const) {
    for (const [k, v] of Object.entries(node.status?.[bag] ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const p = field.path('status', bag, k);
      const q = parseQuantityAt(v, p, errs);
      if (q) errs.push(...validateResourceQuantityValue(k, q, p));
    }
  }
  return errs;
}

/** ValidateNode (create). */
export function validateNode(node: Node): FieldError[] {
  const errs = validateObjectMeta(node.metadata, CLUSTER);
  errs.push(...validateTaints(node.spec?.taints));
  errs.push(...validateNodeResources(node));
  const cidrs = node.spec?.podCIDRs ?? [];
  const cp = field.path('spec', 'podCIDRs');
  cidrs.forEach((c, i) => errs.push(...isValidCIDR(c).map((m) => field.invalid(cp.index(i), c, m))));
  if (cidrs.length > 1) {
    const v6 = cidrs.map((c) => c.includes(':'));
    if (cidrs.length > 2 || v6[0] === v6[1]) errs.push(field.invalid(cp, cidrs, 'may specify no more than one CIDR for each IP family'));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(field.duplicate(cp.index(i), c));
      seen.add(c);
    });
  }
  return errs;
}

/** ValidateNodeUpdate: podCIDRs and providerID only go from unset to set; externalID frozen. */
export function validateNodeUpdate(node: Node, old: Node): FieldError[] {
  const errs = validateObjectMetaUpdate(node.metadata, old.metadata);
  errs.push(...validateNodeResources(node));
  const oldCIDRs = old.spec?.podCIDRs ?? [];
  const newCIDRs = node.spec?.podCIDRs ?? [];
  const cidrMsg = 'node updates may not change podCIDR except from "" to valid';
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length !== newCIDRs.length) errs.push(field.forbidden(field.path('spec', 'podCIDRs'), cidrMsg));
    else oldCIDRs.forEach((c, i) => c !== newCIDRs[i] && errs.push(field.forbidden(field.path('spec', 'podCIDRs'), cidrMsg)));
  }
  const oldProvider = old.spec?.providerID ?? '';
  if (oldProvider !== '' && oldProvider !== (node.spec?.providerID ?? '')) {
    errs.push(field.forbidden(field.path('spec', 'providerID'), 'node updates may not change providerID except from "" to valid'));
  }
  errs.push(...validateTaints(node.spec?.taints));
  if ((node.spec?.externalID ?? '') !== (old.spec?.externalID ?? '')) errs.push(field.forbidden(field.path('spec', 'externalID'), 'may not be updated'));
  return errs;
}

