// Per message type, the list of fields with everything both conversion directions need: the JSON
// name, inlining, zero-value handling and the resolved value type. Built once per type and cached.
import protobuf from 'protobufjs';
import type { ProtoSchema } from './schema.js';

/** How one proto field maps to JSON. */
export interface FieldPlan {
  /** Proto field name (protobufjs property name, keepCase). */
  readonly name: string;
  /** JSON property name (unused when `inline`). */
  readonly json: string;
  /** The field's message is merged into the parent JSON object. */
  readonly inline: boolean;
  /** Go drops this scalar from JSON when it is zero. */
  readonly omitZero: boolean;
  readonly repeated: boolean;
  readonly map: boolean;
  /** The (value) message type, or undefined for scalars. */
  readonly message: protobuf.Type | undefined;
  /** The (value) scalar type name ("string", "int64", "bytes"…) when `message` is undefined. */
  readonly scalar: string;
}

/** How one message type maps to JSON. */
export interface MessagePlan {
  /** Full name without the leading dot, e.g. "k8s.io.api.apps.v1.Deployment". */
  readonly fullName: string;
  readonly type: protobuf.Type;
  readonly fields: readonly FieldPlan[];
  /** A Go slice type: JSON is the array held in its `items` field. */
  readonly slice: boolean;
}

const plans = new WeakMap<protobuf.Type, MessagePlan>();

/** The plan of a message type under a schema (cached per type object). */
export function planOf(schema: ProtoSchema, type: protobuf.Type): MessagePlan {
  let plan = plans.get(type);
  if (plan === undefined) {
    plan = buildPlan(schema, type);
    plans.set(type, plan);
  }
  return plan;
}

function buildPlan(schema: ProtoSchema, type: protobuf.Type): MessagePlan {
  const fullName = type.fullName.replace(/^\./, '');
  const facts = schema.factsOf(fullName);
  const inline = new Set(facts.inline ?? []);
  const omitZero = new Set(facts.omitZero ?? []);
  const fields = type.fieldsArray.map((field): FieldPlan => {
    field.resolve();
    const resolved = field.resolvedType;
    return {
      name: field.name,
      json: facts.json?.[field.name] ?? field.name,
      inline: inline.has(field.name),
      omitZero: omitZero.has(field.name),
      repeated: field.repeated,
      map: field.map,
      message: resolved instanceof protobuf.Type ? resolved : undefined,
      scalar: field.type,
    };
  });
  return { fullName, type, fields, slice: facts.slice === true };
}
