/**
 * Events as kubectl prints them with `-o`: kubectl decodes them into Go's corev1.Event, so what it
 * prints is that struct re-encoded. Unknown fields are gone, required-but-empty ones appear
 * (`source: {}`, `eventTime: null`, `reportingComponent: ""`), times are whole-second or
 * microsecond UTC, and JSON keys come in the struct's field order (not sorted, as they are for the
 * maps `kubectl get` prints). {@link typedEvent} rebuilds that shape; {@link structJson} writes it.
 */
import type { Event } from '../../../api/generated/core/v1.js';
import { goJsonString, goNumber } from '../../../api/gofmt.js';
import type { KubeObject } from '../../../client/types.js';
import { parseMicros } from './format.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Go map[string]string: JSON prints its keys sorted, so they are inserted sorted; empty is unset. */
function goMap(v: unknown): Obj | undefined {
  if (!isObj(v) || Object.keys(v).length === 0) return undefined;
  const out: Obj = {};
  for (const k of Object.keys(v).sort()) out[k] = v[k];
  return out;
}

/** metav1.Time: RFC 3339 in UTC, whole seconds; null when unset. */
function goTime(v: unknown): string | null {
  const us = parseMicros(typeof v === 'string' ? v : undefined);
  return us === undefined ? null : new Date(Math.floor(us / 1_000_000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** metav1.MicroTime: RFC 3339 in UTC with six fractional digits; null when unset. */
function goMicroTime(v: unknown): string | null {
  const us = parseMicros(typeof v === 'string' ? v : undefined);
  if (us === undefined) return null;
  const secs = Math.floor(us / 1_000_000);
  const frac = String(us - secs * 1_000_000).padStart(6, '0');
  return new Date(secs * 1000).toISOString().replace('.000Z', `.${frac}Z`);
}

/** Builds a struct in field order, leaving out `omitempty` fields that are empty. */
function struct(fields: [string, unknown, 'omitempty'?][]): Obj {
  const out: Obj = {};
  for (const [k, v, omit] of fields) {
    if (omit && (v === undefined || v === null || v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0))) continue;
    out[k] = v ?? null;
  }
  return out;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

function objectReference(v: unknown): Obj {
  const r = isObj(v) ? v : {};
  return struct([
    ['kind', str(r['kind']), 'omitempty'],
    ['namespace', str(r['namespace']), 'omitempty'],
    ['name', str(r['name']), 'omitempty'],
    ['uid', str(r['uid']), 'omitempty'],
    ['apiVersion', str(r['apiVersion']), 'omitempty'],
    ['resourceVersion', str(r['resourceVersion']), 'omitempty'],
    ['fieldPath', str(r['fieldPath']), 'omitempty'],
  ]);
}

function ownerReference(r: Obj): Obj {
  return struct([
    ['apiVersion', str(r['apiVersion'])],
    ['kind', str(r['kind'])],
    ['name', str(r['name'])],
    ['uid', str(r['uid'])],
    ['controller', typeof r['controller'] === 'boolean' ? r['controller'] : undefined, 'omitempty'],
    ['blockOwnerDeletion', typeof r['blockOwnerDeletion'] === 'boolean' ? r['blockOwnerDeletion'] : undefined, 'omitempty'],
  ]);
}

function managedFieldsEntry(m: Obj): Obj {
  return struct([
    ['manager', str(m['manager']), 'omitempty'],
    ['operation', str(m['operation']), 'omitempty'],
    ['apiVersion', str(m['apiVersion']), 'omitempty'],
    ['time', m['time'] === undefined ? undefined : goTime(m['time']), 'omitempty'],
    ['fieldsType', str(m['fieldsType']), 'omitempty'],
    // FieldsV1 is raw JSON: Go passes it through in the server's key order.
    ['fieldsV1', m['fieldsV1'], 'omitempty'],
    ['subresource', str(m['subresource']), 'omitempty'],
  ]);
}

function objectMeta(v: unknown, showManagedFields: boolean): Obj {
  const m = isObj(v) ? v : {};
  const deletion = m['deletionTimestamp'] === undefined ? undefined : goTime(m['deletionTimestamp']);
  return struct([
    ['name', str(m['name']), 'omitempty'],
    ['generateName', str(m['generateName']), 'omitempty'],
    ['namespace', str(m['namespace']), 'omitempty'],
    ['selfLink', str(m['selfLink']), 'omitempty'],
    ['uid', str(m['uid']), 'omitempty'],
    ['resourceVersion', str(m['resourceVersion']), 'omitempty'],
    ['generation', num(m['generation']), 'omitempty'],
    ['creationTimestamp', goTime(m['creationTimestamp'])],
    ['deletionTimestamp', deletion, 'omitempty'],
    ['deletionGracePeriodSeconds', typeof m['deletionGracePeriodSeconds'] === 'number' ? m['deletionGracePeriodSeconds'] : undefined, 'omitempty'],
    ['labels', goMap(m['labels']), 'omitempty'],
    ['annotations', goMap(m['annotations']), 'omitempty'],
    ['ownerReferences', objs(m['ownerReferences']).map(ownerReference), 'omitempty'],
    ['finalizers', Array.isArray(m['finalizers']) ? m['finalizers'] : undefined, 'omitempty'],
    ['managedFields', showManagedFields ? objs(m['managedFields']).map(managedFieldsEntry) : undefined, 'omitempty'],
  ]);
}

/** The event as Go's corev1.Event encodes it, with kind and apiVersion set as kubectl sets them. */
export function typedEvent(e: Event, o: { showManagedFields: boolean }): KubeObject {
  const raw = e as unknown as Obj;
  const source = isObj(raw['source']) ? raw['source'] : {};
  const series = isObj(raw['series']) ? raw['series'] : undefined;
  return struct([
    ['kind', 'Event'],
    ['apiVersion', 'v1'],
    ['metadata', objectMeta(raw['metadata'], o.showManagedFields)],
    ['involvedObject', objectReference(raw['involvedObject'])],
    ['reason', str(raw['reason']), 'omitempty'],
    ['message', str(raw['message']), 'omitempty'],
    ['source', struct([['component', str(source['component']), 'omitempty'], ['host', str(source['host']), 'omitempty']])],
    ['firstTimestamp', goTime(raw['firstTimestamp'])],
    ['lastTimestamp', goTime(raw['lastTimestamp'])],
    ['count', num(raw['count']), 'omitempty'],
    ['type', str(raw['type']), 'omitempty'],
    ['eventTime', goMicroTime(raw['eventTime'])],
    ['series', series && struct([['count', num(series['count']), 'omitempty'], ['lastObservedTime', goMicroTime(series['lastObservedTime'])]]), 'omitempty'],
    ['action', str(raw['action']), 'omitempty'],
    ['related', isObj(raw['related']) ? objectReference(raw['related']) : undefined, 'omitempty'],
    ['reportingComponent', str(raw['reportingComponent'])],
    ['reportingInstance', str(raw['reportingInstance'])],
  ]);
}

/** The EventList kubectl builds around what it lists: no list metadata at all. */
export function typedEventList(items: KubeObject[]): KubeObject {
  return { kind: 'EventList', apiVersion: 'v1', metadata: {}, items } as KubeObject;
}

/**
 * `json.MarshalIndent(obj, "", "    ")` of a typed object: struct keys in the order built above,
 * map keys sorted (already, by {@link goMap}), Go's string escaping.
 */
export function structJson(v: unknown, indent = '    ', pad = ''): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  const inner = pad + indent;
  const nl = indent === '' ? '' : '\n';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${nl}${v.map((x) => inner + structJson(x, indent, inner)).join(`,${nl}`)}${nl}${pad}]`;
  }
  if (!isObj(v)) return 'null';
  const keys = Object.keys(v);
  if (keys.length === 0) return '{}';
  const sep = indent === '' ? ':' : ': ';
  return `{${nl}${keys.map((k) => `${inner}${goJsonString(k)}${sep}${structJson(v[k], indent, inner)}`).join(`,${nl}`)}${nl}${pad}}`;
}
