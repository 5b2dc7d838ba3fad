// Run-time access to the Kubernetes schema index (spec/generated/schema-index.json): which schema
// describes a kind, what a field is, and the strategic-merge-patch metadata of a field.
// The index is data rather than TypeScript so that tsc stays fast and servers read it once.
import { readFileSync } from 'node:fs';
import type { SchemaEntry, SchemaIndex, TypeInfo } from './schema-index.js';
import { specPath } from './spec-path.js';

export type { SchemaEntry, SchemaIndex, TypeInfo } from './schema-index.js';

/** Strategic-merge-patch metadata of one field. Empty when the field has none (plain replace). */
export interface PatchMeta {
  /** `x-kubernetes-patch-strategy` split on commas, e.g. `['merge', 'retainKeys']`. */
  strategy?: string[];
  /** `x-kubernetes-patch-merge-key`: the element field that identifies list items. */
  mergeKey?: string;
}

let cached: SchemaIndex | undefined;

/** The schema index, read from disk on first use and cached for the life of the process. */
export function loadSchemaIndex(): SchemaIndex {
  if (cached !== undefined) return cached;
  const file = specPath('generated', 'schema-index.json');
  let parsed: Partial<SchemaIndex>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SchemaIndex>;
  } catch (err) {
    throw new Error(`cannot read schema index ${file} (regenerate with "npm run gen:types"): ${String(err)}`);
  }
  if (typeof parsed.specVersion !== 'string' || typeof parsed.schemas !== 'object' || typeof parsed.gvks !== 'object') {
    throw new Error(`schema index ${file} lacks specVersion, gvks or schemas (regenerate with "npm run gen:types")`);
  }
  cached = parsed as SchemaIndex;
  return cached;
}

/** The schema entry for a full schema name such as `io.k8s.api.core.v1.Pod`. */
export function getSchema(schemaName: string, index: SchemaIndex = loadSchemaIndex()): SchemaEntry | undefined {
  return Object.hasOwn(index.schemas, schemaName) ? index.schemas[schemaName] : undefined;
}

/** The schema of a kind; `group` is `''` for the core group. */
export function schemaForGVK(
  group: string,
  version: string,
  kind: string,
  index: SchemaIndex = loadSchemaIndex(),
): { name: string; schema: SchemaEntry } | undefined {
  const key = `${group}/${version}/${kind}`;
  const name = Object.hasOwn(index.gvks, key) ? index.gvks[key] : undefined;
  const schema = name === undefined ? undefined : getSchema(name, index);
  return name === undefined || schema === undefined ? undefined : { name, schema };
}

/** The declared type of one field of a schema, or undefined when the schema has no such field. */
export function fieldSchema(schemaName: string, fieldName: string, index: SchemaIndex = loadSchemaIndex()): TypeInfo | undefined {
  const props = getSchema(schemaName, index)?.properties;
  return props !== undefined && Object.hasOwn(props, fieldName) ? props[fieldName] : undefined;
}

/**
 * The name of the schema describing a field's value, or its elements for a list, or its values for
 * a map; undefined for scalars and untyped values. This is how a patch walks into nested objects.
 */
export function fieldValueSchemaName(schemaName: string, fieldName: string, index: SchemaIndex = loadSchemaIndex()): string | undefined {
  const field = fieldSchema(schemaName, fieldName, index);
  return field?.ref ?? field?.items?.ref ?? field?.additionalProperties?.ref;
}

/** Strategic-merge-patch metadata of a field; `{}` for unknown fields and fields without any. */
export function patchMetaFor(schemaName: string, fieldName: string, index: SchemaIndex = loadSchemaIndex()): PatchMeta {
  const field = fieldSchema(schemaName, fieldName, index);
  const meta: PatchMeta = {};
  const strategy = field?.['x-kubernetes-patch-strategy'];
  if (strategy !== undefined && strategy !== '') {
    meta.strategy = strategy.split(',').map((s) => s.trim()).filter((s) => s !== '');
  }
  const mergeKey = field?.['x-kubernetes-patch-merge-key'];
  if (mergeKey !== undefined && mergeKey !== '') meta.mergeKey = mergeKey;
  return meta;
}

/**
 * Path of the vendored OpenAPI v3 document of a group-version: `v1` (the core group) maps to
 * `api__v1_openapi.json`, `apps/v1` to `apis__apps__v1_openapi.json` (upstream's file naming).
 * The path may not exist: only GA group-versions are vendored.
 */
export function openapiDocumentPath(groupVersion: string): string {
  // Strict shape check: the value may come from a URL, and it becomes part of a file path.
  const m = /^(?:([a-z0-9][a-z0-9.-]*)\/)?([a-z0-9]+)$/.exec(groupVersion);
  if (m === null) throw new Error(`invalid group-version ${JSON.stringify(groupVersion)}: want "v1" or "<group>/<version>"`);
  const [, group, version] = m;
  const file = group === undefined ? `api__${version}_openapi.json` : `apis__${group}__${version}_openapi.json`;
  return specPath('openapi', 'v3', file);
}
