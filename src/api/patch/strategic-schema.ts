// How strategic merge patch sees the schema: for each field of an object, its patch metadata and
// the shape of its value (a named schema, a map of values, or unknown), read from the schema index.
import { fieldSchema, getSchema, patchMetaFor, type PatchMeta, type SchemaIndex, type TypeInfo } from '../schema.js';

/**
 * What is known about an object value: a named schema (`io.k8s.api.core.v1.PodSpec`), a map whose
 * values all have one type (`labels`, `resources.limits`), or nothing (unknown fields, untyped
 * values), in which case maps merge and lists replace, as in a JSON merge patch.
 */
export type Shape = { schema: string } | { values: TypeInfo } | undefined;

/** The facts strategic merge patch needs about one field. */
export interface FieldInfo {
  /** The field's strategies without `retainKeys` (which only the `$retainKeys` directive acts on). */
  strategy: string | undefined;
  mergeKey: string | undefined;
  /** Shape of the field's value when it is an object. */
  shape: Shape;
  /** Shape of the field's elements when it is a list. */
  elementShape: Shape;
}

/** The shape of a value of the given type. */
export function shapeOf(type: TypeInfo | undefined): Shape {
  if (type === undefined) return undefined;
  if (type.ref !== undefined) return { schema: type.ref };
  if (type.additionalProperties !== undefined) return { values: type.additionalProperties };
  return undefined;
}

/** Field `key` of an object of shape `shape`. */
export function fieldInfo(shape: Shape, key: string, index: SchemaIndex): FieldInfo {
  let type: TypeInfo | undefined;
  let meta: PatchMeta = {};
  if (shape !== undefined && 'schema' in shape) {
    type = fieldSchema(shape.schema, key, index);
    if (type !== undefined) {
      meta = patchMetaFor(shape.schema, key, index);
    } else {
      // A named schema that is itself a map (no such property, but additionalProperties).
      type = getSchema(shape.schema, index)?.additionalProperties;
    }
  } else if (shape !== undefined) {
    type = shape.values;
  }
  return {
    strategy: (meta.strategy ?? []).filter((s) => s !== 'retainKeys')[0],
    mergeKey: meta.mergeKey,
    shape: shapeOf(type),
    elementShape: shapeOf(type?.items),
  };
}
