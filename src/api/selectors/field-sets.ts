// Which fields each kind can be selected by, and their values for an object: upstream's field
// label conversion funcs (pkg/apis/*/v1/conversion.go) and ToSelectableFields (pkg/registry/*).
import { fail, ok, type SelectorResult } from './result.js';
import type { FieldSelector, Fields } from './field-selector.js';

/** Identifies a kind: API group (`''` for core) and kind name. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

type Obj = Readonly<Record<string, unknown>>;

const get = (obj: unknown, ...path: string[]): unknown => {
  let cur: unknown = obj;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Obj)[p];
  }
  return cur;
};
const str = (obj: unknown, ...path: string[]): string => {
  const v = get(obj, ...path);
  return typeof v === 'string' ? v : '';
};
// Go formats ints with strconv.Itoa and bools with FormatBool; a missing value is Go's zero value.
const int = (obj: unknown, ...path: string[]): string => {
  const v = get(obj, ...path);
  return typeof v === 'number' ? String(Math.trunc(v)) : '0';
};
const bool = (obj: unknown, ...path: string[]): string => (get(obj, ...path) === true ? 'true' : 'false');

interface KindFields {
  /** Field labels a selector may use (after aliasing). */
  readonly supported: readonly string[];
  /** Old names accepted and rewritten, e.g. pods' `spec.host` → `spec.nodeName`. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Whether `metadata.namespace` is part of the object's field set (namespaced kinds). */
  readonly namespaced: boolean;
  /** Kind-specific fields of an object (metadata fields are added by the caller). */
  readonly fields: (obj: unknown) => Record<string, string>;
}

const META = ['metadata.name', 'metadata.namespace'] as const;

// Kinds with their own conversion func. Everything else gets the default (name and namespace).
const KINDS: ReadonlyMap<string, KindFields> = new Map<string, KindFields>([
  [
    '/Pod',
    {
      supported: [...META, 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName'],
      aliases: { 'spec.host': 'spec.nodeName' },
      namespaced: true,
      fields: (p) => {
        const ips = get(p, 'status', 'podIPs');
        // status.podIP is the first of status.podIPs; status.podIPs is accepted upstream but is not
        // in the field set, so it always reads as "".
        const first = Array.isArray(ips) && ips.length > 0 ? str(ips[0], 'ip') : str(p, 'status', 'podIP');
        return {
          'spec.nodeName': str(p, 'spec', 'nodeName'),
          'spec.restartPolicy': str(p, 'spec', 'restartPolicy'),
          'spec.schedulerName': str(p, 'spec', 'schedulerName'),
          'spec.serviceAccountName': str(p, 'spec', 'serviceAccountName'),
          'spec.hostNetwork': bool(p, 'spec', 'hostNetwork'),
          'status.phase': str(p, 'status', 'phase'),
          'status.podIP': first,
          'status.nominatedNodeName': str(p, 'status', 'nominatedNodeName'),
        };
      },
    },
  ],
  ['/Node', { supported: ['metadata.name', 'spec.unschedulable'], namespaced: false, fields: (n) => ({ 'spec.unschedulable': bool(n, 'spec', 'unschedulable') }) }],
  ['/ReplicationController', { supported: [...META, 'status.replicas'], namespaced: true, fields: (o) => ({ 'status.replicas': int(o, 'status', 'replicas') }) }],
  [
    '/Event',
    {
      supported: [
        'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion',
        'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type', ...META,
      ],
      namespaced: true,
      fields: (e) => ({
        'involvedObject.kind': str(e, 'involvedObject', 'kind'),
        'involvedObject.namespace': str(e, 'involvedObject', 'namespace'),
        'involvedObject.name': str(e, 'involvedObject', 'name'),
        'involvedObject.uid': str(e, 'involvedObject', 'uid'),
        'involvedObject.apiVersion': str(e, 'involvedObject', 'apiVersion'),
        'involvedObject.resourceVersion': str(e, 'involvedObject', 'resourceVersion'),
        'involvedObject.fieldPath': str(e, 'involvedObject', 'fieldPath'),
        reason: str(e, 'reason'),
        reportingComponent: str(e, 'reportingComponent'),
        // Events written through events.k8s.io carry no source.component; upstream falls back.
        source: str(e, 'source', 'component') || str(e, 'reportingComponent'),
        type: str(e, 'type'),
      }),
    },
  ],
  ['/Namespace', { supported: ['status.phase', 'metadata.name'], namespaced: false, fields: (n) => ({ 'status.phase': str(n, 'status', 'phase') }) }],
  ['/Secret', { supported: ['type', ...META], namespaced: true, fields: (s) => ({ type: str(s, 'type') }) }],
  ['/Service', { supported: [...META, 'spec.clusterIP', 'spec.type'], namespaced: true, fields: (s) => ({ 'spec.clusterIP': str(s, 'spec', 'clusterIP'), 'spec.type': str(s, 'spec', 'type') }) }],
  ['apps/ReplicaSet', { supported: [...META, 'status.replicas'], namespaced: true, fields: (o) => ({ 'status.replicas': int(o, 'status', 'replicas') }) }],
  ['batch/Job', { supported: [...META, 'status.successful'], namespaced: true, fields: (j) => ({ 'status.successful': int(j, 'status', 'succeeded') }) }],
  ['certificates.k8s.io/CertificateSigningRequest', { supported: ['metadata.name', 'spec.signerName'], namespaced: false, fields: (c) => ({ 'spec.signerName': str(c, 'spec', 'signerName') }) }],
]);

const keyOf = (gk: GroupKind): string => `${gk.group}/${gk.kind}`;

/** The field labels `gk` accepts in a field selector, aliases excluded. */
export function supportedFieldLabels(gk: GroupKind): readonly string[] {
  return KINDS.get(keyOf(gk))?.supported ?? META;
}

/**
 * Checks one field label for `gk`, renaming aliases, as the API server does before listing.
 * Kinds with their own rules fail with `field label not supported: <f>`; others accept only
 * name and namespace and fail with `"<f>" is not a known field selector: only "metadata.name",
 * "metadata.namespace"`. Either failure is a 400 BadRequest.
 */
export function convertFieldLabel(gk: GroupKind, label: string, value: string): SelectorResult<{ field: string; value: string }> {
  const k = KINDS.get(keyOf(gk));
  if (k === undefined) {
    if ((META as readonly string[]).includes(label)) return ok({ field: label, value });
    return fail(`"${label}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
  }
  const alias = k.aliases?.[label];
  if (alias !== undefined) return ok({ field: alias, value });
  if (k.supported.includes(label)) return ok({ field: label, value });
  return fail(`field label not supported: ${label}`);
}

/** Validates and normalises a parsed selector for `gk` (every term through {@link convertFieldLabel}). */
export function fieldSelectorForKind(gk: GroupKind, selector: FieldSelector): SelectorResult<FieldSelector> {
  return selector.transform((f, v) => convertFieldLabel(gk, f, v));
}

/**
 * The flat field set of `obj` for matching: `metadata.name`, `metadata.namespace` for namespaced
 * kinds (cluster-scoped ones omit it, so it reads as ""), and the kind's own fields.
 * Kinds without their own rules are assumed namespaced unless `namespaced` says otherwise.
 */
export function fieldsOf(gk: GroupKind, obj: unknown, namespaced?: boolean): Fields {
  const k = KINDS.get(keyOf(gk));
  const out: Record<string, string> = { 'metadata.name': str(obj, 'metadata', 'name') };
  if (namespaced ?? k?.namespaced ?? true) out['metadata.namespace'] = str(obj, 'metadata', 'namespace');
  return k === undefined ? out : { ...k.fields(obj), ...out };
}
