/**
 * Objects as kubectl holds them when it decodes into Go structs (v1.Service, apps/v1.Deployment,
 * rbacv1.RoleBinding…, as the `set` subcommands do). That decoding decides what kubectl prints:
 * `-o json` writes fields in struct order with map keys sorted, fields Go writes even when unset
 * appear (`creationTimestamp: null`, `resources: {}`, `status: {}`, a RoleRef's empty strings),
 * quantities and times come out canonical, and fields the struct lacks are dropped.
 *
 * The structs are not restated here: the protobuf schema lists every kind's fields in Go's
 * declaration order, and its Go facts (spec/generated/proto-go-facts.json) say which fields are
 * pointers, which lack `omitempty` and which are inlined, which is all encoding/json looks at.
 */
import { planOf, type FieldPlan, type MessagePlan } from '../../../api/proto/plan.js';
import { loadProtoSchema, type ProtoSchema } from '../../../api/proto/schema.js';
import { canonicalizeQuantity } from '../../../api/quantity.js';
import type { KubeObject } from '../../../client/types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const APIEXT = 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1';

/** metav1.Time marshals as RFC 3339 in UTC, whole seconds. */
function goTime(v: unknown): unknown {
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(ms) ? v : new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** resource.Quantity marshals its canonical form (`1000m` → `1`, a JSON number → its text). */
function goQuantity(v: unknown): unknown {
  if (typeof v !== 'string' && typeof v !== 'number') return v;
  try {
    return canonicalizeQuantity(String(v));
  } catch {
    return v;
  }
}

/**
 * Types with their own MarshalJSON: what Go writes for a zero value, and how a set one is shown
 * (as decoded, unless normalised). Everything else is a plain struct.
 */
const CUSTOM: ReadonlyMap<string, { zero: unknown; show?: (v: unknown) => unknown }> = new Map<string, { zero: unknown; show?: (v: unknown) => unknown }>([
  [`${META}.Time`, { zero: null, show: goTime }],
  [`${META}.MicroTime`, { zero: null }],
  [`${META}.Duration`, { zero: '0s' }],
  [`${META}.FieldsV1`, { zero: null }],
  ['k8s.io.apimachinery.pkg.api.resource.Quantity', { zero: '0', show: goQuantity }],
  ['k8s.io.apimachinery.pkg.api.resource.QuantityValue', { zero: '0', show: goQuantity }],
  ['k8s.io.apimachinery.pkg.util.intstr.IntOrString', { zero: 0 }],
  ['k8s.io.apimachinery.pkg.runtime.RawExtension', { zero: null }],
  [`${APIEXT}.JSON`, { zero: null }],
  [`${APIEXT}.JSONSchemaPropsOrArray`, { zero: null }],
  [`${APIEXT}.JSONSchemaPropsOrBool`, { zero: null }],
  [`${APIEXT}.JSONSchemaPropsOrStringArray`, { zero: null }],
]);

/** The Go facts of one message, as sets. */
interface Shape {
  plan: MessagePlan;
  pointer: ReadonlySet<string>;
  always: ReadonlySet<string>;
}

const shapes = new WeakMap<MessagePlan, Shape>();

function shapeOf(schema: ProtoSchema, plan: MessagePlan): Shape {
  let s = shapes.get(plan);
  if (!s) {
    const facts = schema.factsOf(plan.fullName);
    s = { plan, pointer: new Set(facts.pointer ?? []), always: new Set(facts.always ?? []) };
    shapes.set(plan, s);
  }
  return s;
}

/** The zero of a scalar proto type, as Go's JSON writes it. */
function scalarZero(scalar: string): unknown {
  if (scalar === 'string') return '';
  if (scalar === 'bool') return false;
  if (scalar === 'bytes') return null;
  return 0;
}

const isEmptyScalar = (v: unknown): boolean => v === undefined || v === null || v === '' || v === 0 || v === false;

/** One value of a field's type (a list element or map value, or the field itself). */
function encodeValue(schema: ProtoSchema, field: FieldPlan, v: unknown): unknown {
  if (field.message === undefined) return v === null || v === undefined ? scalarZero(field.scalar) : structuredClone(v);
  return encodeMessage(schema, planOf(schema, field.message), v);
}

function sortedEntries(v: Obj): [string, unknown][] {
  return Object.keys(v)
    .sort()
    .map((k) => [k, v[k]]);
}

/** A message's JSON value as Go writes the struct (absent and null decode to its zero value). */
function encodeMessage(schema: ProtoSchema, plan: MessagePlan, value: unknown): unknown {
  const custom = CUSTOM.get(plan.fullName);
  if (custom) return value === undefined || value === null ? custom.zero : custom.show ? custom.show(value) : structuredClone(value);
  if (plan.slice) return Array.isArray(value) ? structuredClone(value) : null;
  const out: Obj = {};
  writeFields(schema, shapeOf(schema, plan), isObj(value) ? value : {}, out);
  return out;
}

/** Writes a struct's fields into `out`, in order; inlined structs write theirs in place. */
function writeFields(schema: ProtoSchema, shape: Shape, v: Obj, out: Obj): void {
  for (const field of shape.plan.fields) {
    if (field.inline) {
      if (field.message) writeFields(schema, shapeOf(schema, planOf(schema, field.message)), v, out);
      continue;
    }
    const x = v[field.json];
    const set = x !== undefined && x !== null;
    const always = shape.always.has(field.name);
    if (field.map) {
      if (set && isObj(x) && Object.keys(x).length > 0) out[field.json] = Object.fromEntries(sortedEntries(x).map(([k, e]) => [k, encodeValue(schema, field, e)]));
      else if (always) out[field.json] = set && isObj(x) ? {} : null;
    } else if (field.repeated) {
      if (set && Array.isArray(x) && x.length > 0) out[field.json] = x.map((e) => encodeValue(schema, field, e));
      else if (always) out[field.json] = set && Array.isArray(x) ? [] : null;
    } else if (shape.pointer.has(field.name)) {
      // A nil pointer is left out with omitempty and written as null without it.
      if (set) out[field.json] = encodeValue(schema, field, x);
      else if (always) out[field.json] = null;
    } else if (field.message !== undefined) {
      // encoding/json never leaves out a struct value, omitempty or not.
      out[field.json] = encodeValue(schema, field, x);
    } else if (always || !isEmptyScalar(x)) {
      out[field.json] = encodeValue(schema, field, x);
    }
  }
}

/** True when kubectl would decode this object into a Go struct we know (built-in kinds). */
export function isTypedKind(obj: KubeObject): boolean {
  return loadProtoSchema().typeForKind(obj.apiVersion ?? '', obj.kind ?? '') !== undefined;
}

/**
 * The object as kubectl's Go struct encodes it: `kind` and `apiVersion` first (TypeMeta, left out
 * when empty), then the struct's fields. Kinds without a Go struct (custom resources) are returned
 * unchanged.
 */
export function asTyped(obj: KubeObject): KubeObject {
  const schema = loadProtoSchema();
  const type = schema.typeForKind(obj.apiVersion ?? '', obj.kind ?? '');
  if (!type) return obj;
  const out: Obj = {};
  if (obj.kind) out['kind'] = obj.kind;
  if (obj.apiVersion) out['apiVersion'] = obj.apiVersion;
  writeFields(schema, shapeOf(schema, planOf(schema, type)), obj as Obj, out);
  return out;
}
