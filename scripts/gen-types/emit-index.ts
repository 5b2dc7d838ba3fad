// Builds spec/generated/schema-index.json: the run-time facts of every schema (types, refs,
// patch/list/map extensions, required fields, defaults) and the GVK → schema table, without
// descriptions. One schema per line keeps the file compact yet reviewable in a diff.
import type { KubernetesExtensions, SchemaEntry, SchemaIndex, SchemaType, TypeInfo } from '../../src/api/schema-index.js';
import { directRef, type OpenApiSchema } from './spec.js';

const TYPES = new Set<string>(['object', 'array', 'string', 'integer', 'number', 'boolean']);

// Extensions copied into the index, with the values each may take (undefined: any of its JSON type).
const EXTENSIONS: Record<keyof KubernetesExtensions, { kind: 'string' | 'boolean' | 'string[]'; values?: string[] }> = {
  'x-kubernetes-patch-strategy': { kind: 'string' },
  'x-kubernetes-patch-merge-key': { kind: 'string' },
  'x-kubernetes-list-type': { kind: 'string', values: ['atomic', 'set', 'map'] },
  'x-kubernetes-list-map-keys': { kind: 'string[]' },
  'x-kubernetes-map-type': { kind: 'string', values: ['atomic', 'granular'] },
  'x-kubernetes-preserve-unknown-fields': { kind: 'boolean' },
  'x-kubernetes-int-or-string': { kind: 'boolean' },
  'x-kubernetes-embedded-resource': { kind: 'boolean' },
};

/** The index for a merged, name-sorted schema table. */
export function buildIndex(version: string, schemas: ReadonlyMap<string, OpenApiSchema>): SchemaIndex {
  const gvks: Record<string, string> = {};
  const entries: Record<string, SchemaEntry> = {};
  for (const [name, schema] of schemas) {
    entries[name] = schemaEntry(schema, name, schemas);
    for (const g of schema['x-kubernetes-group-version-kind'] ?? []) {
      const key = `${g.group}/${g.version}/${g.kind}`;
      const previous = gvks[key];
      if (previous !== undefined && previous !== name) throw new Error(`GVK ${key} is claimed by ${previous} and ${name}`);
      gvks[key] = name;
    }
  }
  return { specVersion: version, gvks: sortKeys(gvks), schemas: entries };
}

/** Serialises the index with one GVK or schema per line; keys are sorted so output is deterministic. */
export function formatIndex(index: SchemaIndex): string {
  const block = (record: Record<string, unknown>): string =>
    Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${JSON.stringify(record[k])}`)
      .join(',\n');
  return `{"specVersion":${JSON.stringify(index.specVersion)},\n"gvks":{\n${block(index.gvks)}\n},\n"schemas":{\n${block(index.schemas)}\n}}\n`;
}

function schemaEntry(schema: OpenApiSchema, where: string, all: ReadonlyMap<string, OpenApiSchema>): SchemaEntry {
  const { type, ...info } = typeInfo(schema, where, all);
  if (info.ref !== undefined) throw new Error(`${where}: a named schema that is only a $ref is not supported`);
  const entry: SchemaEntry = { type: type ?? 'any', ...info };
  const oneOf = schema.oneOf?.map((s, i) => schemaType(s.type, `${where}.oneOf[${i}]`));
  if (oneOf !== undefined) entry.oneOf = oneOf;
  if (schema.required !== undefined && schema.required.length > 0) entry.required = [...schema.required].sort();
  if (schema.properties !== undefined) {
    entry.properties = {};
    for (const prop of Object.keys(schema.properties).sort()) {
      entry.properties[prop] = typeInfo(schema.properties[prop] ?? {}, `${where}.${prop}`, all);
    }
  }
  return entry;
}

function typeInfo(schema: OpenApiSchema, where: string, all: ReadonlyMap<string, OpenApiSchema>): TypeInfo {
  const info: TypeInfo = {};
  const ref = directRef(schema);
  if (ref !== undefined) {
    if (!all.has(ref)) throw new Error(`${where}: dangling $ref to ${ref}`);
    info.ref = ref;
  } else if (schema.allOf !== undefined) {
    throw new Error(`${where}: allOf other than a single $ref wrapper is not supported`);
  } else if (schema.type !== undefined) {
    info.type = schemaType(schema.type, where);
  }
  if (schema.format !== undefined) info.format = schema.format;
  if (schema.items !== undefined) info.items = typeInfo(schema.items, `${where}[]`, all);
  const ap = schema.additionalProperties;
  if (ap === true) info.additionalProperties = { type: 'any' };
  else if (ap !== undefined && ap !== false) info.additionalProperties = typeInfo(ap, `${where}{}`, all);
  if (schema.default !== undefined) info.default = schema.default;
  copyExtensions(schema, info, where);
  return info;
}

function copyExtensions(schema: OpenApiSchema, info: TypeInfo, where: string): void {
  for (const [key, rule] of Object.entries(EXTENSIONS) as [keyof KubernetesExtensions, (typeof EXTENSIONS)[keyof KubernetesExtensions]][]) {
    const value = schema[key];
    if (value === undefined) continue;
    const ok =
      rule.kind === 'string[]'
        ? Array.isArray(value) && value.every((v) => typeof v === 'string')
        : typeof value === rule.kind && (rule.values === undefined || rule.values.includes(value as string));
    if (!ok) throw new Error(`${where}: unexpected ${key} ${JSON.stringify(value)}`);
    (info as Record<string, unknown>)[key] = value;
  }
}

function schemaType(type: string | undefined, where: string): SchemaType {
  if (type === undefined) return 'any';
  if (!TYPES.has(type)) throw new Error(`${where}: unsupported type ${type}`);
  return type as SchemaType;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
