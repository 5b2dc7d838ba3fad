/**
 * Swagger 2.0 JSON → gnostic `openapi.v2.Document` protobuf, the form kubectl ≤1.29 downloads.
 * The message layout is spec/openapi-v2/openapiv2.proto. Conversion is strict: a JSON key with no
 * protobuf field throws, so the served protobuf never silently loses what the JSON says.
 */
import protobuf from 'protobufjs';
import { specPath } from '../../api/spec-path.js';
import { isObject, type Json, type JsonObject, type SwaggerDocument } from './convert.js';

/** A protobufjs plain message object, with the .proto's own (snake_case) field names. */
export type Message = Record<string, unknown>;

let root: protobuf.Root | undefined;

/** The `openapi.v2.Document` type, loaded once from spec/openapi-v2/openapiv2.proto. */
export function documentType(): protobuf.Type {
  root ??= new protobuf.Root().loadSync(specPath('openapi-v2', 'openapiv2.proto'), { keepCase: true });
  return root.lookupType('openapi.v2.Document');
}

/** camelCase JSON key → the .proto's snake_case field name. */
function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** gnostic's Any: the value as YAML text (JSON is YAML, and kube-openapi parses it as such). */
function any(v: Json): Message {
  return { yaml: JSON.stringify(v) };
}

function vendorExtensions(o: JsonObject): Message[] | undefined {
  const ext = Object.entries(o).filter(([k]) => k.startsWith('x-')).map(([name, v]) => ({ name, value: any(v) }));
  return ext.length > 0 ? ext : undefined;
}

/** Copies the scalar keys of `o` listed in `scalars`; any other non-extension key not in `handled` throws. */
function scalars(o: JsonObject, scalarKeys: ReadonlySet<string>, handled: ReadonlySet<string>, where: string): Message {
  const m: Message = {};
  for (const [k, v] of Object.entries(o)) {
    if (scalarKeys.has(k)) {
      // proto3 cannot tell a zero value from an absent one; leave zeros out as Go's encoder does.
      if (v !== false && v !== '' && v !== 0 && !(Array.isArray(v) && v.length === 0)) m[k === '$ref' ? '_ref' : snake(k)] = v;
    }
    else if (!handled.has(k) && !k.startsWith('x-')) throw new Error(`openapi v2: ${where} key ${JSON.stringify(k)} has no protobuf field`);
  }
  const ext = vendorExtensions(o);
  if (ext) m['vendor_extension'] = ext;
  return m;
}

const SCHEMA_SCALARS = new Set([
  '$ref', 'format', 'title', 'description', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties',
  'required', 'discriminator', 'readOnly',
]);
const SCHEMA_NESTED = new Set(['default', 'example', 'enum', 'additionalProperties', 'type', 'items', 'allOf', 'properties']);

function schema(s: JsonObject, where: string): Message {
  const m = scalars(s, SCHEMA_SCALARS, SCHEMA_NESTED, where);
  if (s['default'] !== undefined) m['default'] = any(s['default']);
  if (s['example'] !== undefined) m['example'] = any(s['example']);
  if (Array.isArray(s['enum'])) m['enum'] = s['enum'].map(any);
  const ap = s['additionalProperties'];
  if (typeof ap === 'boolean') m['additional_properties'] = { boolean: ap };
  else if (isObject(ap)) m['additional_properties'] = { schema: schema(ap, `${where}.additionalProperties`) };
  const t = s['type'];
  if (t !== undefined) m['type'] = { value: Array.isArray(t) ? t : [t] };
  const items = s['items'];
  if (isObject(items)) m['items'] = { schema: [schema(items, `${where}[]`)] };
  else if (Array.isArray(items)) m['items'] = { schema: items.filter(isObject).map((i, n) => schema(i, `${where}[${n}]`)) };
  if (Array.isArray(s['allOf'])) m['all_of'] = s['allOf'].filter(isObject).map((a, n) => schema(a, `${where}.allOf[${n}]`));
  const props = s['properties'];
  if (isObject(props)) {
    m['properties'] = {
      additional_properties: Object.entries(props).flatMap(([name, p]) => (isObject(p) ? [{ name, value: schema(p, `${where}.${name}`) }] : [])),
    };
  }
  return m;
}

const PARAM_SCALARS: Record<string, ReadonlySet<string>> = {
  query: new Set(['required', 'in', 'description', 'name', 'allowEmptyValue', 'type', 'format', 'uniqueItems']),
  path: new Set(['required', 'in', 'description', 'name', 'type', 'format', 'uniqueItems']),
  header: new Set(['required', 'in', 'description', 'name', 'type', 'format', 'uniqueItems']),
};
const BODY_SCALARS = new Set(['description', 'name', 'in', 'required']);
const NONE = new Set<string>();

function parameter(p: JsonObject, where: string): Message {
  const loc = typeof p['in'] === 'string' ? p['in'] : '';
  if (loc === 'body') {
    const body = scalars(p, BODY_SCALARS, new Set(['schema']), where);
    if (isObject(p['schema'])) body['schema'] = schema(p['schema'], `${where}.schema`);
    return { parameter: { body_parameter: body } };
  }
  const allowed = PARAM_SCALARS[loc];
  if (!allowed) throw new Error(`openapi v2: ${where} has unsupported location ${JSON.stringify(loc)}`);
  return { parameter: { non_body_parameter: { [`${loc}_parameter_sub_schema`]: scalars(p, allowed, NONE, where) } } };
}

function parameters(v: Json | undefined, where: string): Message[] | undefined {
  return Array.isArray(v) ? v.filter(isObject).map((p, n) => parameter(p, `${where}.parameters[${n}]`)) : undefined;
}

const OPERATION_SCALARS = new Set(['tags', 'summary', 'description', 'operationId', 'produces', 'consumes', 'schemes', 'deprecated']);

function operation(op: JsonObject, where: string): Message {
  const m = scalars(op, OPERATION_SCALARS, new Set(['parameters', 'responses']), where);
  m['parameters'] = parameters(op['parameters'], where);
  const responses = op['responses'];
  if (isObject(responses)) {
    m['responses'] = {
      response_code: Object.entries(responses).flatMap(([code, r]) => {
        if (!isObject(r)) return [];
        const resp = scalars(r, new Set(['description']), new Set(['schema']), `${where}.responses.${code}`);
        if (isObject(r['schema'])) resp['schema'] = { schema: schema(r['schema'], `${where}.responses.${code}.schema`) };
        return [{ name: code, value: { response: resp } }];
      }),
    };
  }
  return m;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch']);

function pathItem(item: JsonObject, where: string): Message {
  const m = scalars(item, NONE, new Set([...METHODS, 'parameters']), where);
  for (const k of METHODS) {
    const op = item[k];
    if (isObject(op)) m[k] = operation(op, `${where} ${k}`);
  }
  m['parameters'] = parameters(item['parameters'], where);
  return m;
}

/** The whole document as a protobufjs plain message (exposed for tests). */
export function documentMessage(doc: SwaggerDocument): Message {
  return {
    swagger: doc.swagger,
    info: scalars(doc.info, new Set(['title', 'version', 'description']), NONE, 'info'),
    paths: { path: Object.entries(doc.paths).map(([name, item]) => ({ name, value: pathItem(item, name) })) },
    definitions: { additional_properties: Object.entries(doc.definitions).map(([name, s]) => ({ name, value: schema(s, name) })) },
    security_definitions: {
      additional_properties: Object.entries(doc.securityDefinitions).map(([name, d]) => ({
        name,
        value: { api_key_security: scalars(d, new Set(['type', 'name', 'in', 'description']), NONE, `securityDefinitions.${name}`) },
      })),
    },
    security: doc.security.map((req) => ({ additional_properties: Object.entries(req).map(([name, value]) => ({ name, value: value.length > 0 ? { value } : {} })) })),
  };
}

/** Encodes the document as gnostic `openapi.v2.Document` protobuf bytes. */
export function encodeDocument(doc: SwaggerDocument): Buffer {
  const bytes = documentType().encode(documentMessage(doc)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
