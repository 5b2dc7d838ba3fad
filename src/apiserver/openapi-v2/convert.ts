/**
 * OpenAPI v3 → Swagger 2.0: merges the per-group-version v3 documents kube-apiserver serves into
 * the single v2 document kubectl ≤1.29 downloads for validation, client-side apply and explain.
 * The output keeps v2's shape as kube-apiserver produces it: `$ref` to `#/definitions/…` instead of
 * `allOf: [{$ref}]` wrappers, request bodies as `in: body` parameters, media types in
 * `consumes`/`produces`, and every `x-kubernetes-*` extension where v3 had it.
 */

/** A parsed JSON value. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
/** A parsed JSON object. */
export interface JsonObject {
  [key: string]: Json;
}

/** A Swagger 2.0 document as plain JSON. */
export interface SwaggerDocument {
  swagger: '2.0';
  info: JsonObject;
  paths: Record<string, JsonObject>;
  definitions: Record<string, JsonObject>;
  securityDefinitions: Record<string, JsonObject>;
  security: Array<Record<string, string[]>>;
}

const V3_REF = '#/components/schemas/';
const V2_REF = '#/definitions/';
const GVK = 'x-kubernetes-group-version-kind';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

/** Narrows a JSON value to an object (not an array). */
export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function objects(v: Json | undefined): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Rewrites a v3 component reference to its v2 definition; other references are an error. */
function rewriteRef(ref: string): string {
  if (!ref.startsWith(V3_REF)) throw new Error(`openapi v2: unsupported $ref ${JSON.stringify(ref)}`);
  return V2_REF + ref.slice(V3_REF.length);
}

/** Description and vendor extensions: what v2 keeps beside a `$ref`. */
function refSiblings(s: JsonObject, ref: string): JsonObject {
  const out: JsonObject = { $ref: rewriteRef(ref) };
  for (const [k, v] of Object.entries(s)) if (k === 'description' || k.startsWith('x-')) out[k] = v;
  return out;
}

/**
 * The type a v2 schema states for v3's `oneOf` of primitive alternatives. kube-apiserver's v2
 * documents call both IntOrString and Quantity "string", since either form is accepted as text.
 */
function oneOfType(alternatives: JsonObject[]): string | undefined {
  const types = alternatives.map((a) => str(a['type']));
  if (types.length === 0 || types.some((t) => t === undefined || t === 'object' || t === 'array')) return undefined;
  return types.includes('string') ? 'string' : types[0];
}

/** Converts one v3 schema object (and everything under it) to v2. */
export function convertSchema(s: JsonObject): JsonObject {
  const ref = str(s['$ref']);
  if (ref !== undefined) return refSiblings(s, ref);
  const allOf = objects(s['allOf']);
  const wrapped = allOf.length === 1 ? str(allOf[0]?.['$ref']) : undefined;
  // A lone allOf wrapper exists in v3 only so the reference can carry a default and a description.
  if (wrapped !== undefined && s['type'] === undefined && s['properties'] === undefined) return refSiblings(s, wrapped);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(s)) {
    switch (k) {
      case 'properties': {
        const props: JsonObject = {};
        if (isObject(v)) for (const [name, p] of Object.entries(v)) if (isObject(p)) props[name] = convertSchema(p);
        out[k] = props;
        break;
      }
      case 'items':
        if (isObject(v)) out[k] = convertSchema(v);
        else if (Array.isArray(v)) out[k] = objects(v).map(convertSchema);
        break;
      case 'additionalProperties':
        out[k] = isObject(v) ? convertSchema(v) : v;
        break;
      case 'allOf':
        out[k] = allOf.map(convertSchema);
        break;
      case 'oneOf':
      case 'anyOf': {
        const t = oneOfType(objects(v));
        if (t !== undefined && s['type'] === undefined) out['type'] = t;
        break;
      }
      case 'nullable':
      case 'not':
        break; // v2 has no way to say these
      default:
        out[k] = v;
    }
  }
  return out;
}

function convertParameter(p: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === 'schema') {
      if (!isObject(v)) continue;
      for (const key of ['type', 'format', 'uniqueItems'] as const) if (v[key] !== undefined) out[key] = v[key];
    } else if (k !== 'style' && k !== 'explode') {
      out[k] = v;
    }
  }
  return out;
}

/** The first schema among a v3 `content` map's media types (they are all the same in Kubernetes). */
function contentSchema(content: Json | undefined): JsonObject | undefined {
  if (!isObject(content)) return undefined;
  for (const media of Object.values(content)) if (isObject(media) && isObject(media['schema'])) return convertSchema(media['schema']);
  return undefined;
}

function convertOperation(op: JsonObject): JsonObject {
  const out: JsonObject = {};
  const parameters = objects(op['parameters']).map(convertParameter);
  const body = op['requestBody'];
  if (isObject(body)) {
    const schema = contentSchema(body['content']);
    if (schema) {
      parameters.unshift({ name: 'body', in: 'body', required: body['required'] === true, schema });
      out['consumes'] = isObject(body['content']) ? Object.keys(body['content']) : [];
    }
  }
  const produces: string[] = [];
  const responses: JsonObject = {};
  const v3Responses = op['responses'];
  if (isObject(v3Responses)) {
    for (const [code, r] of Object.entries(v3Responses)) {
      if (!isObject(r)) continue;
      const resp: JsonObject = { description: str(r['description']) ?? '' };
      const schema = contentSchema(r['content']);
      if (schema) resp['schema'] = schema;
      if (isObject(r['content'])) for (const media of Object.keys(r['content'])) if (!produces.includes(media)) produces.push(media);
      responses[code] = resp;
    }
  }
  for (const [k, v] of Object.entries(op)) {
    if (k === 'parameters' || k === 'requestBody' || k === 'responses' || k === 'servers' || k === 'callbacks') continue;
    out[k] = v;
  }
  if (produces.length > 0) out['produces'] = produces;
  out['schemes'] = ['https'];
  if (parameters.length > 0) out['parameters'] = parameters;
  out['responses'] = responses;
  return out;
}

function convertPathItem(item: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const m of METHODS) {
    const op = item[m];
    if (isObject(op)) out[m] = convertOperation(op);
  }
  const params = objects(item['parameters']);
  if (params.length > 0) out['parameters'] = params.map(convertParameter);
  for (const [k, v] of Object.entries(item)) if (k.startsWith('x-')) out[k] = v;
  return out;
}

/** Adds the GVKs of a definition seen again in another group-version's document. */
function mergeDefinition(seen: JsonObject, next: JsonObject): void {
  const a = seen[GVK];
  const b = next[GVK];
  if (!Array.isArray(a) || !Array.isArray(b)) return;
  const keys = new Set(a.map((g) => JSON.stringify(g)));
  seen[GVK] = [...a, ...b.filter((g) => !keys.has(JSON.stringify(g)))];
}

function sorted<T>(rec: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(rec).sort().map((k) => [k, rec[k] as T]));
}

/**
 * Builds the Swagger 2.0 document from parsed v3 documents (one per served group-version):
 * definitions from every `components.schemas` (a schema named twice keeps the union of its
 * GVKs), paths from every document's `paths`, both sorted by name as kube-apiserver sorts them.
 */
export function swaggerFromV3(docs: readonly JsonObject[], version: string): SwaggerDocument {
  const definitions: Record<string, JsonObject> = {};
  const paths: Record<string, JsonObject> = {};
  for (const doc of docs) {
    const components = doc['components'];
    const schemas = isObject(components) ? components['schemas'] : undefined;
    if (isObject(schemas)) {
      for (const [name, s] of Object.entries(schemas)) {
        if (!isObject(s)) continue;
        const converted = convertSchema(s);
        const seen = definitions[name];
        if (seen) mergeDefinition(seen, converted);
        else definitions[name] = converted;
      }
    }
    const v3Paths = doc['paths'];
    if (isObject(v3Paths)) for (const [p, item] of Object.entries(v3Paths)) if (isObject(item)) paths[p] = convertPathItem(item);
  }
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version },
    paths: sorted(paths),
    definitions: sorted(definitions),
    securityDefinitions: { BearerToken: { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer Token authentication' } },
    security: [{ BearerToken: [] }],
  };
}
