import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { OpenApiV3 } from './openapi.js';
import { OpenApiV2, OPENAPI_V2_PROTOBUF, wantsProtobuf } from './openapi-v2.js';
import { isObject, type Json, type JsonObject } from './openapi-v2/convert.js';
import { Registry } from './registry.js';

const registry = new Registry();
const v2 = new OpenApiV2(new OpenApiV3(registry), 'v1.32.0-test');
const doc = v2.document();
const GVK = 'x-kubernetes-group-version-kind';

/** Every object in a JSON tree with the path leading to it. */
function* walk(v: Json, path: string): Generator<[JsonObject, string]> {
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) yield* walk(x, `${path}[${i}]`);
  } else if (isObject(v)) {
    yield [v, path];
    for (const [k, x] of Object.entries(v)) yield* walk(x, `${path}.${k}`);
  }
}

const gvksOf = (s: JsonObject | undefined): string[] => {
  const list = s?.[GVK];
  return Array.isArray(list) ? list.filter(isObject).map((g) => [g['group'], g['version'], g['kind']].map((x) => (typeof x === 'string' ? x : '?')).join('/')) : [];
};

test('every $ref points at an existing definition, and no v3 construct is left', () => {
  let refs = 0;
  for (const [o, path] of walk(doc as unknown as JsonObject, '$')) {
    const ref = o['$ref'];
    if (typeof ref === 'string') {
      refs++;
      assert.match(ref, /^#\/definitions\//, path);
      assert.ok(doc.definitions[ref.slice('#/definitions/'.length)], `${path}: dangling ${ref}`);
    }
    if (path.endsWith('.properties')) continue; // a map of field names, not a schema
    for (const v3Only of ['oneOf', 'anyOf', 'nullable', 'requestBody', 'content']) assert.equal(o[v3Only], undefined, `${path}.${v3Only}`);
    if (Array.isArray(o['allOf'])) assert.notEqual(o['allOf'].length, 1, `${path}: allOf wrapper left`);
  }
  assert.ok(refs > 1000, `only ${refs} references`);
  assert.equal(JSON.stringify(doc).includes('#/components/'), false);
});

test('every served kind has a definition tagged with its group-version-kind', () => {
  const tagged = new Set(Object.values(doc.definitions).flatMap(gvksOf));
  const kinds = registry.all().filter((r) => !r.crd);
  assert.ok(kinds.length > 40);
  for (const r of kinds) assert.ok(tagged.has(`${r.group}/${r.version}/${r.kind}`), `no definition for ${r.group}/${r.version} ${r.kind}`);
  // Shared kinds carry the GVKs of every group-version document they came from.
  const del = gvksOf(doc.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']);
  for (const gv of ['/v1', 'apps/v1', 'batch/v1']) assert.ok(del.includes(`${gv}/DeleteOptions`), gv);
});

test('definitions follow the rules kubectl’s v2 parser (kube-openapi util/proto) enforces', () => {
  const primitive = new Set(['string', 'integer', 'number', 'boolean']);
  for (const [name, def] of Object.entries(doc.definitions)) {
    for (const [s, path] of walk(def, name)) {
      // Skip property maps (their keys are field names) and values that are data, not schemas.
      if (path.endsWith('.properties') || /\.(default|x-[a-z-]+)(\.|\[|$)/.test(path)) continue;
      if (typeof s['$ref'] === 'string') {
        assert.equal(s['type'], undefined, `${path}: a reference cannot have a type`);
        assert.equal(s['properties'], undefined, `${path}: a reference cannot have properties`);
        continue;
      }
      const t = s['type'];
      if (t === undefined || t === 'object') continue;
      if (t === 'array') assert.ok(isObject(s['items']), `${path}: array needs exactly one item schema`);
      else assert.ok(typeof t === 'string' && primitive.has(t), `${path}: type ${JSON.stringify(t)}`);
    }
  }
  assert.equal(doc.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']?.['type'], 'string');
  assert.equal(doc.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity']?.['type'], 'string');
});

test('strategic-merge metadata and list types survive (client-side apply reads them)', () => {
  const props = doc.definitions['io.k8s.api.core.v1.PodSpec']?.['properties'];
  const containers = isObject(props) ? props['containers'] : undefined;
  assert.ok(isObject(containers));
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
  assert.equal(containers['x-kubernetes-list-type'], 'map');
  assert.deepEqual(containers['items'], { $ref: '#/definitions/io.k8s.api.core.v1.Container' });
  const meta = doc.definitions['io.k8s.api.core.v1.Pod']?.['properties'];
  assert.ok(isObject(meta) && isObject(meta['metadata']));
  assert.equal(meta['metadata']['$ref'], '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  assert.equal(typeof meta['metadata']['description'], 'string', 'description kept beside $ref');
  assert.equal(meta['metadata']['default'], undefined, 'v2 drops the default beside $ref');
});

test('paths: bodies become body parameters, PATCH declares fieldValidation, GVK and action kept', () => {
  const item = doc.paths['/api/v1/namespaces/{namespace}/configmaps/{name}'];
  assert.ok(item);
  const patch = item['patch'];
  assert.ok(isObject(patch));
  assert.deepEqual(patch[GVK], { group: '', kind: 'ConfigMap', version: 'v1' });
  assert.equal(patch['x-kubernetes-action'], 'patch');
  assert.ok(Array.isArray(patch['consumes']) && patch['consumes'].includes('application/strategic-merge-patch+json'));
  assert.ok(Array.isArray(patch['produces']) && patch['produces'].includes('application/json'));
  const params = Array.isArray(patch['parameters']) ? patch['parameters'].filter(isObject) : [];
  assert.deepEqual(params.find((p) => p['in'] === 'body'), { name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } });
  const fv = params.find((p) => p['name'] === 'fieldValidation');
  assert.deepEqual([fv?.['in'], fv?.['type'], fv?.['uniqueItems'], fv?.['schema']], ['query', 'string', true, undefined]);
  const ok = isObject(patch['responses']) ? patch['responses']['200'] : undefined;
  assert.deepEqual(isObject(ok) ? ok['schema'] : undefined, { $ref: '#/definitions/io.k8s.api.core.v1.ConfigMap' });
  const pathParams = Array.isArray(item['parameters']) ? item['parameters'].filter(isObject) : [];
  assert.ok(pathParams.some((p) => p['name'] === 'namespace' && p['in'] === 'path' && p['required'] === true && p['type'] === 'string'));
  // kubectl's v2 fallback check for server-side validation: every patchable kind says it takes fieldValidation.
  let patches = 0;
  for (const [p, it] of Object.entries(doc.paths)) {
    const op = it['patch'];
    if (!isObject(op) || !isObject(op[GVK]) || op['x-kubernetes-action'] !== 'patch') continue;
    patches++;
    const names = Array.isArray(op['parameters']) ? op['parameters'].filter(isObject).map((x) => x['name']) : [];
    assert.ok(names.includes('fieldValidation'), `${p} PATCH lacks fieldValidation`);
  }
  assert.ok(patches > 50);
});

async function get(path: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  const server = createServer((req, res) => v2.serve(req, res, req.url === '/swagger-2.0.0.pb-v1'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
    return { status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()) };
  } finally {
    await new Promise((r) => server.close(r));
  }
}

test('serving: protobuf when asked, JSON otherwise, ETag and 304', async () => {
  assert.equal(wantsProtobuf('application/com.github.proto-openapi.spec.v2@v1.0+protobuf'), true);
  assert.equal(wantsProtobuf('application/json, */*'), false);
  const pb = await get('/openapi/v2', { Accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
  assert.equal(pb.status, 200);
  assert.equal(pb.headers['content-type'], OPENAPI_V2_PROTOBUF);
  assert.ok(pb.body.equals(v2.protobuf().bytes));
  const json = await get('/openapi/v2', { Accept: 'application/json' });
  assert.equal(json.headers['content-type'], 'application/json');
  assert.equal((JSON.parse(json.body.toString()) as { swagger: string }).swagger, '2.0');
  assert.notEqual(json.headers['etag'], pb.headers['etag'], 'each encoding has its own ETag');
  const legacy = await get('/swagger-2.0.0.pb-v1', {});
  assert.equal(legacy.headers['content-type'], OPENAPI_V2_PROTOBUF);
  const etag = String(pb.headers['etag']);
  assert.match(etag, /^"[0-9A-F]{64}"$/);
  const again = await get('/openapi/v2', { Accept: OPENAPI_V2_PROTOBUF, 'If-None-Match': etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  const stale = await get('/openapi/v2', { Accept: OPENAPI_V2_PROTOBUF, 'If-None-Match': '"0000"' });
  assert.equal(stale.status, 200);
});
