// Reads the vendored OpenAPI v3 documents and merges their component schemas into one table.
// Every group-version document repeats the shared schemas (ObjectMeta, Status, ...), so
// schemas are deduplicated by full name; a differing duplicate is reported, never silently merged.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The subset of an OpenAPI v3 schema object that the Kubernetes documents use. */
export interface OpenApiSchema {
  type?: string;
  format?: string;
  description?: string;
  $ref?: string;
  allOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  enum?: unknown[];
  items?: OpenApiSchema;
  additionalProperties?: OpenApiSchema | boolean;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  default?: unknown;
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  [extension: `x-${string}`]: unknown;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

interface OpenApiDocument {
  components?: { schemas?: Record<string, OpenApiSchema> };
}

/** All schemas of a set of documents, sorted by full name. */
export interface LoadedSpec {
  /** Kubernetes version of the documents (from the VERSION file beside the v3 directory). */
  version: string;
  /** Document file names read, sorted. */
  files: string[];
  schemas: Map<string, OpenApiSchema>;
  /** Duplicated schema names whose copies differ between documents (the first copy is kept). */
  conflicts: string[];
}

/** Loads every `*_openapi.json` in `dir`; `version` labels the output. */
export function loadSpec(dir: string, version: string): LoadedSpec {
  const files = readdirSync(dir).filter((f) => f.endsWith('_openapi.json')).sort();
  if (files.length === 0) throw new Error(`no *_openapi.json documents in ${dir}`);
  const merged = new Map<string, { schema: OpenApiSchema; json: string }>();
  const conflicts = new Set<string>();
  for (const file of files) {
    const doc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as OpenApiDocument;
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
      const json = JSON.stringify(schema);
      const seen = merged.get(name);
      if (seen === undefined) merged.set(name, { schema, json });
      else if (seen.json !== json) conflicts.add(name);
    }
  }
  const sorted = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const schemas = new Map(sorted.map(([name, { schema }]) => [name, schema] as const));
  return { version, files, schemas, conflicts: [...conflicts].sort() };
}

/** Reads the Kubernetes version label: the first line of `file` (spec/openapi/VERSION). */
export function readVersion(file: string): string {
  const version = readFileSync(file, 'utf8').split('\n')[0]?.trim() ?? '';
  if (!/^v\d+\.\d+(\.\d+)?$/.test(version)) throw new Error(`${file}: want a version like v1.32, got ${JSON.stringify(version)}`);
  return version;
}

const REF_PREFIX = '#/components/schemas/';

/** The schema name a `$ref` points at; only local component references occur in these documents. */
export function refName(ref: string): string {
  if (!ref.startsWith(REF_PREFIX)) throw new Error(`unsupported $ref ${ref}`);
  return ref.slice(REF_PREFIX.length);
}

/** The single schema name a value refers to, through `$ref` or a one-element `allOf` wrapper. */
export function directRef(schema: OpenApiSchema): string | undefined {
  if (schema.$ref !== undefined) return refName(schema.$ref);
  const only = schema.allOf?.length === 1 ? schema.allOf[0] : undefined;
  return only?.$ref !== undefined && only.type === undefined ? refName(only.$ref) : undefined;
}
