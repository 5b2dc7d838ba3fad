// Decoded protobuf message → the JSON object kube-apiserver would have in hand, driven by the
// schema. Presence follows proto2: a field appears only if it was on the wire. Because Go writes
// every non-pointer field even when zero, zero scalars are dropped where Go's JSON would drop them
// (non-pointer `omitempty`, from the Go facts); a zero that Go sends for a pointer field
// (replicas: 0) or a non-omitempty field is kept.
import type protobuf from 'protobufjs';
import { planOf, type FieldPlan } from './plan.js';
import { isZeroScalar, scalarToJson } from './scalars.js';
import type { ProtoSchema } from './schema.js';
import { wellKnownTypes, type Recurse } from './wellknown.js';

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

/** Converts one decoded message (protobufjs Type.decode output) to its JSON value. */
export function messageToJson(schema: ProtoSchema, type: protobuf.Type, msg: unknown, r: Recurse): unknown {
  const plan = planOf(schema, type);
  const record = asRecord(msg);
  const special = wellKnownTypes.get(plan.fullName);
  if (special !== undefined) return special.toJson(record, r);
  if (plan.slice) {
    const items = record['items'];
    return Array.isArray(items) ? items.map((v) => valueToJson(schema, plan.fields[0], v, r)) : [];
  }
  const out: Record<string, unknown> = {};
  for (const field of plan.fields) {
    if (!Object.hasOwn(record, field.name)) continue;
    const value = record[field.name];
    if (value === null || value === undefined) continue;
    if (field.map) {
      const entries = Object.entries(asRecord(value));
      // An empty map is indistinguishable from an absent one on the wire; Go omits both.
      if (entries.length > 0) out[field.json] = Object.fromEntries(entries.map(([k, v]) => [k, valueToJson(schema, field, v, r)]));
    } else if (field.repeated) {
      if (Array.isArray(value) && value.length > 0) out[field.json] = value.map((v) => valueToJson(schema, field, v, r));
    } else if (field.inline) {
      Object.assign(out, valueToJson(schema, field, value, r));
    } else if (field.message === undefined && field.omitZero && isZeroScalar(value)) {
      continue;
    } else {
      out[field.json] = valueToJson(schema, field, value, r);
    }
  }
  return out;
}

function valueToJson(schema: ProtoSchema, field: FieldPlan | undefined, v: unknown, r: Recurse): unknown {
  if (field === undefined) return v;
  return field.message === undefined ? scalarToJson(field.scalar, v) : messageToJson(schema, field.message, v, r);
}
