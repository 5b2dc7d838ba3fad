// A Kubernetes JSON object → a plain object that protobufjs can encode as the given message type,
// driven by the schema. Only properties present in the JSON are written, so a zero value that is
// present (replicas: 0, "", false) survives and an absent one stays absent. JSON properties the
// message does not know (apiVersion/kind, which travel in runtime.Unknown) are ignored, as Go's
// non-strict JSON decoding ignores them.
import type protobuf from 'protobufjs';
import { ProtobufError } from './errors.js';
import { planOf, type FieldPlan } from './plan.js';
import { scalarFromJson } from './scalars.js';
import type { ProtoSchema } from './schema.js';
import { wellKnownTypes, type Recurse } from './wellknown.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Converts a JSON value to a plain message of `type`; throws ProtobufError on a shape mismatch. */
export function jsonToMessage(schema: ProtoSchema, type: protobuf.Type, json: unknown, r: Recurse, path: string): Record<string, unknown> {
  return jsonToValue(schema, type, json, r, path) ?? {};
}

/** Like jsonToMessage, but undefined when the value leaves the field unset (null for most types). */
function jsonToValue(schema: ProtoSchema, type: protobuf.Type, json: unknown, r: Recurse, path: string): Record<string, unknown> | undefined {
  const plan = planOf(schema, type);
  const special = wellKnownTypes.get(plan.fullName);
  if (special !== undefined) return special.fromJson(json, r, path);
  if (json === null || json === undefined) return undefined;
  const item = plan.fields[0];
  if (plan.slice && item !== undefined) {
    if (!Array.isArray(json)) throw new ProtobufError(`${path}: expected an array, got ${JSON.stringify(json)}`);
    return { items: json.map((v, i) => elementValue(schema, item, v, r, `${path}[${i}]`)) };
  }
  if (!isObject(json)) throw new ProtobufError(`${path}: expected an object, got ${JSON.stringify(json)}`);
  const out: Record<string, unknown> = {};
  for (const field of plan.fields) {
    if (field.inline && field.message !== undefined) {
      // The inlined message takes its own properties from the same JSON object.
      const inner = jsonToMessage(schema, field.message, json, r, path);
      if (Object.keys(inner).length > 0) out[field.name] = inner;
      continue;
    }
    if (!Object.hasOwn(json, field.json)) continue;
    const value = json[field.json];
    const where = `${path}.${field.json}`;
    if (field.map) {
      if (value === null) continue;
      if (!isObject(value)) throw new ProtobufError(`${where}: expected an object, got ${JSON.stringify(value)}`);
      out[field.name] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, elementValue(schema, field, v, r, `${where}.${k}`)]));
    } else if (field.repeated) {
      if (value === null) continue;
      if (!Array.isArray(value)) throw new ProtobufError(`${where}: expected an array, got ${JSON.stringify(value)}`);
      out[field.name] = value.map((v, i) => elementValue(schema, field, v, r, `${where}[${i}]`));
    } else {
      const converted = fieldValue(schema, field, value, r, where);
      if (converted !== undefined) out[field.name] = converted;
    }
  }
  return out;
}

function fieldValue(schema: ProtoSchema, field: FieldPlan, v: unknown, r: Recurse, path: string): unknown {
  if (field.message !== undefined) return jsonToValue(schema, field.message, v, r, path);
  if (v === null) return undefined;
  return scalarFromJson(field.scalar, v, path);
}

/** A list element or map value: it always exists on the wire, so a null message becomes an empty one. */
function elementValue(schema: ProtoSchema, field: FieldPlan, v: unknown, r: Recurse, path: string): unknown {
  if (field.message !== undefined) return jsonToValue(schema, field.message, v, r, path) ?? {};
  return scalarFromJson(field.scalar, v, path);
}
