// Shape of spec/generated/schema-index.json: the facts of the Kubernetes OpenAPI schemas that code
// needs at run time (types, references, patch and list metadata), without descriptions.
// scripts/gen-types.ts writes it and src/api/schema.ts reads it; both compile against these types.

/** A JSON Schema type name as the spec uses it; `any` marks a schema that declares no type. */
export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'any';

/** The Kubernetes extensions that steer patching, list/map merging and validation. */
export interface KubernetesExtensions {
  /** Strategic-merge-patch strategy, comma-separated as in the spec: `merge`, `retainKeys`, `merge,retainKeys`, `replace`. */
  'x-kubernetes-patch-strategy'?: string;
  /** Field whose value identifies a list element for strategic merge patch. */
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  /** Fields that together identify a list element for server-side apply (may differ from the patch merge key). */
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
}

/**
 * How a value is typed: either `ref`, the full name of the schema that describes it
 * (`allOf: [{$ref}]` wrappers are unwrapped), or `type` with element or value types.
 */
export interface TypeInfo extends KubernetesExtensions {
  ref?: string;
  type?: SchemaType;
  format?: string;
  /** Element type of an array. */
  items?: TypeInfo;
  /** Value type of a map (`additionalProperties`); `{ type: 'any' }` when the spec says only `true`. */
  additionalProperties?: TypeInfo;
  /**
   * The spec's default. Upstream writes one (`""`, `0`, `false`, `{}`) on fields that Go serialises
   * even when empty (no `omitempty`), so it also tells an encoder which empty fields to keep.
   */
  default?: unknown;
}

/** One named schema (a `components.schemas` entry). */
export interface SchemaEntry extends TypeInfo {
  type: SchemaType;
  /** Member types when the schema is a `oneOf` (IntOrString: integer | string). */
  oneOf?: SchemaType[];
  required?: string[];
  properties?: Record<string, TypeInfo>;
}

/** The whole index. */
export interface SchemaIndex {
  /** Kubernetes version of the OpenAPI documents the index was generated from, e.g. `v1.32`. */
  specVersion: string;
  /** `group/version/Kind` (core group empty: `/v1/Pod`) to full schema name. */
  gvks: Record<string, string>;
  /** Full schema name (e.g. `io.k8s.api.core.v1.Pod`) to its entry. */
  schemas: Record<string, SchemaEntry>;
}
