/**
 * Unknown-field detection for fieldValidation=Strict|Warn, walking an object against the OpenAPI
 * schema index: every property the schema does not declare is reported by its path
 * (`spec.containers[0].imagePullPolice`), as kube-apiserver's strict decoding reports them.
 */
import { getSchema, schemaForGVK, type TypeInfo } from '../../api/schema.js';
import { isObject, type KubeObject } from '../object.js';
import type { Resource } from '../registry.js';

function walk(value: unknown, type: TypeInfo | undefined, path: string, out: string[]): void {
  if (!type || out.length >= 50) return;
  if (type['x-kubernetes-preserve-unknown-fields'] || type['x-kubernetes-embedded-resource']) return;
  if (type.ref) {
    const s = getSchema(type.ref);
    if (!s) return;
    if (s['x-kubernetes-preserve-unknown-fields'] || s.type === 'any') return;
    if (s.type === 'object' && s.properties && isObject(value)) {
      for (const [k, v] of Object.entries(value)) {
        const p = s.properties[k];
        const child = path ? `${path}.${k}` : k;
        if (!p) {
          if (!s.additionalProperties) out.push(child);
          continue;
        }
        walk(v, p, child, out);
      }
      return;
    }
    if (s.additionalProperties && isObject(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, s.additionalProperties, `${path}[${k}]`, out);
    }
    return;
  }
  if (type.type === 'array' && Array.isArray(value)) value.forEach((v, i) => walk(v, type.items, `${path}[${i}]`, out));
  else if (type.type === 'object' && type.additionalProperties && isObject(value)) {
    for (const [k, v] of Object.entries(value)) walk(v, type.additionalProperties, `${path}[${k}]`, out);
  }
}

/** Paths of fields the resource's schema does not know (empty for custom resources without a schema). */
export function unknownFields(res: Resource, obj: KubeObject): string[] {
  if (res.crd) return [];
  const root = schemaForGVK(res.group, res.version, res.kind);
  if (!root) return [];
  const out: string[] = [];
  walk(obj, { ref: root.name }, '', out);
  return out;
}

/** Where a value sits, as Go's decoder names it: the innermost struct and the JSON path without indices. */
interface GoField {
  struct: string;
  path: string;
}

/** The name Go gives a JSON value's kind in an UnmarshalTypeError. */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  return typeof v === 'string' ? 'string' : 'object';
}

/** `io.k8s.api.core.v1.PodSpec` → `v1.PodSpec`, as Go prints a type from another package. */
function goTypeName(ref: string): string {
  return ref.split('.').slice(-2).join('.');
}

/** Types that decode themselves: Go's error names what they decode into, not the type itself. */
const INNER_TYPE: Record<string, string> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': 'int32',
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': 'string',
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': 'string',
};
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

function goType(type: TypeInfo): string {
  if (type.ref) return INNER_TYPE[type.ref] ?? goTypeName(type.ref);
  switch (type.type) {
    case 'array':
      return `[]${type.items ? goType(type.items) : 'interface {}'}`;
    case 'object':
      return `map[string]${type.additionalProperties ? goType(type.additionalProperties) : 'interface {}'}`;
    case 'integer':
      return type.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'string':
      return type.format === 'byte' ? '[]uint8' : 'string';
    default:
      return 'interface {}';
  }
}

function mismatch(value: unknown, type: TypeInfo, at: GoField): string {
  const what = typeof value === 'number' && !Number.isInteger(value) && (type.type === 'integer' || type.format === 'int-or-string') ? `number ${value}` : jsonKind(value);
  const where = at.path ? `Go struct field ${at.struct}.${at.path}` : 'Go value';
  return `json: cannot unmarshal ${what} into ${where} of type ${goType(type)}`;
}

/** A value of a scalar or container type (not a named schema): the first mismatch in it, if any. */
function checkInline(value: unknown, type: TypeInfo, at: GoField): string | undefined {
  if (type.format === 'int-or-string') return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)) ? undefined : mismatch(value, type, at);
  switch (type.type) {
    case 'string':
      // Go decodes a []byte from base64 text, or from an array of numbers, element by element.
      if (type.format === 'byte' && Array.isArray(value)) return value.every((b) => typeof b === 'number' && Number.isInteger(b)) ? undefined : mismatch(value, type, at);
      return typeof value === 'string' ? undefined : mismatch(value, type, at);
    case 'boolean':
      return typeof value === 'boolean' ? undefined : mismatch(value, type, at);
    case 'number':
      return typeof value === 'number' ? undefined : mismatch(value, type, at);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? undefined : mismatch(value, type, at);
    case 'array':
      if (!Array.isArray(value)) return mismatch(value, type, at);
      for (const item of value) {
        const err = type.items && checkType(item, type.items, at);
        if (err) return err;
      }
      return undefined;
    case 'object':
      if (!isObject(value)) return mismatch(value, type, at);
      for (const v of Object.values(value)) {
        const err = type.additionalProperties && checkType(v, type.additionalProperties, at);
        if (err) return err;
      }
      return undefined;
    default:
      return undefined;
  }
}

function checkType(value: unknown, type: TypeInfo, at: GoField): string | undefined {
  // null decodes to the zero value of any field.
  if (value === null || value === undefined) return undefined;
  if (type['x-kubernetes-preserve-unknown-fields'] || type['x-kubernetes-embedded-resource']) return undefined;
  if (!type.ref) return checkInline(value, type, at);
  const s = getSchema(type.ref);
  if (!s || s['x-kubernetes-preserve-unknown-fields']) return undefined;
  // A Quantity parses any JSON that is not a string as a number; anything else fails its own parse.
  if (type.ref === QUANTITY) return typeof value === 'string' || typeof value === 'number' ? undefined : "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  // Named scalars (IntOrString, Time) are checked as their JSON kinds and named as their Go type.
  if (s.format === 'int-or-string' || (s.type !== 'object' && s.type !== 'any')) return checkInline(value, { ...s, ref: type.ref }, at);
  if (s.type === 'any') return undefined;
  if (!s.properties) {
    // A raw object (RawExtension, FieldsV1) takes any JSON; a named map type is checked as a map.
    return s.additionalProperties ? checkInline(value, { type: 'object', additionalProperties: s.additionalProperties }, at) : undefined;
  }
  if (!isObject(value)) return mismatch(value, type, at);
  const struct = type.ref.split('.').pop() ?? type.ref;
  for (const [k, v] of Object.entries(value)) {
    const p = s.properties[k];
    if (!p) continue; // unknown fields are fieldValidation's business
    const err = checkType(v, p, { struct, path: at.path ? `${at.path}.${k}` : k });
    if (err) return err;
  }
  return undefined;
}

/**
 * The first value whose JSON type the kind's Go type cannot hold (a number where a string goes, a
 * boolean label value), worded as the Go decoder words it: kube-apiserver answers such a body 400
 * `<Kind> in version "<v>" cannot be handled as a <Kind>: json: cannot unmarshal …`. Custom
 * resources are left to their own schema's validation.
 */
export function typeMismatch(res: Pick<Resource, 'group' | 'version' | 'kind' | 'crd'>, obj: KubeObject): string | undefined {
  if (res.crd) return undefined;
  const root = schemaForGVK(res.group, res.version, res.kind);
  if (!root) return undefined;
  return checkType(obj, { ref: root.name }, { struct: root.name.split('.').pop() ?? res.kind, path: '' });
}
