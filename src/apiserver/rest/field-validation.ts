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
