import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { specPath } from '../../api/spec-path.js';
import { swaggerFromV3, type JsonObject } from './convert.js';
import { documentMessage, documentType, encodeDocument } from './encode.js';

const dir = specPath('openapi', 'v3');
const v3 = readdirSync(dir)
  .filter((f) => f !== 'version_openapi.json')
  .map((f) => JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as JsonObject);
const doc = swaggerFromV3(v3, 'v1.32.0-test');

/** Drops undefined members, as a decoded message has none. */
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

interface Named<T> {
  name: string;
  value: T;
}
interface DecodedSchema {
  _ref?: string;
  type?: { value: string[] };
  properties?: { additional_properties: Array<Named<DecodedSchema>> };
  items?: { schema: DecodedSchema[] };
  vendor_extension?: Array<Named<{ yaml: string }>>;
}
interface DecodedOperation {
  vendor_extension?: Array<Named<{ yaml: string }>>;
  parameters?: Array<{ parameter: { body_parameter?: { schema: DecodedSchema }; non_body_parameter?: { query_parameter_sub_schema?: { name: string } } } }>;
}
interface Decoded {
  swagger: string;
  paths: { path: Array<Named<{ patch?: DecodedOperation }>> };
  definitions: { additional_properties: Array<Named<DecodedSchema>> };
}

test('the protobuf round-trips through spec/openapi-v2/openapiv2.proto without losing a field', () => {
  const type = documentType();
  const bytes = encodeDocument(doc);
  const decoded = type.toObject(type.decode(bytes), { longs: Number, defaults: false });
  assert.deepEqual(decoded, plain(documentMessage(doc)));
  assert.ok(Buffer.from(type.encode(type.decode(bytes)).finish()).equals(bytes), 're-encoding gives the same bytes');
});

test('decoded, the document reads the way kubectl reads it', () => {
  const type = documentType();
  const d = type.toObject(type.decode(encodeDocument(doc))) as Decoded;
  assert.equal(d.swagger, '2.0');
  const defs = new Map(d.definitions.additional_properties.map((n) => [n.name, n.value]));
  assert.equal(defs.size, Object.keys(doc.definitions).length);
  const pod = defs.get('io.k8s.api.core.v1.Pod');
  const gvk = pod?.vendor_extension?.find((e) => e.name === 'x-kubernetes-group-version-kind');
  assert.deepEqual(JSON.parse(gvk?.value.yaml ?? 'null'), [{ group: '', kind: 'Pod', version: 'v1' }]);
  assert.deepEqual(pod?.type?.value, ['object']);
  const spec = defs.get('io.k8s.api.core.v1.PodSpec');
  const containers = spec?.properties?.additional_properties.find((p) => p.name === 'containers')?.value;
  assert.equal(containers?.items?.schema.length, 1);
  assert.equal(containers?.items?.schema[0]?._ref, '#/definitions/io.k8s.api.core.v1.Container');
  const ext = Object.fromEntries((containers?.vendor_extension ?? []).map((e) => [e.name, JSON.parse(e.value.yaml) as unknown]));
  assert.equal(ext['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(ext['x-kubernetes-patch-strategy'], 'merge');
  const patch = d.paths.path.find((p) => p.name === '/apis/apps/v1/namespaces/{namespace}/deployments/{name}')?.value.patch;
  const opGvk = patch?.vendor_extension?.find((e) => e.name === 'x-kubernetes-group-version-kind');
  assert.deepEqual(JSON.parse(opGvk?.value.yaml ?? 'null'), { group: 'apps', kind: 'Deployment', version: 'v1' });
  const query = (patch?.parameters ?? []).map((p) => p.parameter.non_body_parameter?.query_parameter_sub_schema?.name);
  assert.ok(query.includes('fieldValidation'));
  assert.equal((patch?.parameters ?? []).filter((p) => p.parameter.body_parameter).length, 1);
});

test('a key the protobuf cannot carry is an error, not a silent loss', () => {
  const bad = { ...doc, definitions: { X: { type: 'object', xml: { name: 'x' } } } };
  assert.throws(() => encodeDocument(bad), /X key "xml" has no protobuf field/);
  const badParam = { ...doc, paths: { '/p': { get: { responses: {}, parameters: [{ name: 'f', in: 'formData', type: 'string' }] } } } };
  assert.throws(() => encodeDocument(badParam), /unsupported location "formData"/);
});
